//! `JSON.stringify` as JavaScript writes it, for senders that sign their re-serialized
//! body: numbers as ECMAScript prints them (`1.0` is `1`, `1e21` stays `1e+21`), and
//! object keys that are array indices first, in ascending order, as JavaScript orders them.

use serde_json::Value;

/// The compact JSON a JavaScript sender would sign for `v`.
pub(crate) fn stringify(v: &Value) -> String {
    let mut out = String::new();
    write(v, &mut out);
    out
}

fn write(v: &Value, out: &mut String) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&number(n.as_f64().unwrap_or(f64::NAN))),
        Value::String(s) => out.push_str(&serde_json::to_string(s).unwrap_or_default()),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            // A stable sort keeps the other keys in insertion order after the indices.
            keys.sort_by_key(|k| array_index(k).map_or((1, 0), |i| (0, i)));
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::to_string(k).unwrap_or_default());
                out.push(':');
                write(&map[k.as_str()], out);
            }
            out.push('}');
        }
    }
}

/// `Some(i)` for a key JavaScript treats as an array index: a canonical decimal below
/// 2^32 - 1.
fn array_index(k: &str) -> Option<u64> {
    let canonical = k == "0" || (!k.starts_with('0') && !k.is_empty());
    if !canonical || k.len() > 10 || !k.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    k.parse::<u64>().ok().filter(|i| *i < u64::from(u32::MAX))
}

/// ECMAScript's Number::toString for a finite double; `null` otherwise, as
/// `JSON.stringify` writes it.
fn number(f: f64) -> String {
    if !f.is_finite() {
        return "null".into();
    }
    if f == 0.0 {
        return "0".into();
    }
    // Rust's `{:e}` gives the shortest digits that round-trip, as ECMAScript requires.
    let sci = format!("{:e}", f.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let k = digits.len() as i64;
    let n = exp.parse::<i64>().unwrap_or(0) + 1;
    let sign = if f < 0.0 { "-" } else { "" };
    let body = if k <= n && n <= 21 {
        format!("{digits}{}", "0".repeat((n - k) as usize))
    } else if 0 < n && n <= 21 {
        format!("{}.{}", &digits[..n as usize], &digits[n as usize..])
    } else if -6 < n && n <= 0 {
        format!("0.{}{digits}", "0".repeat((-n) as usize))
    } else {
        let e = n - 1;
        let e = if e < 0 {
            format!("-{}", -e)
        } else {
            format!("+{e}")
        };
        match digits.split_at(1) {
            (first, "") => format!("{first}e{e}"),
            (first, rest) => format!("{first}.{rest}e{e}"),
        }
    };
    format!("{sign}{body}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn js(text: &str) -> String {
        stringify(&serde_json::from_str(text).expect("JSON"))
    }

    #[test]
    fn numbers_are_written_as_javascript_writes_them() {
        // Each expectation is what node's JSON.stringify(JSON.parse(text)) prints.
        for (text, expected) in [
            ("1.0", "1"),
            ("-0.0", "0"),
            ("1e21", "1e+21"),
            ("1e20", "100000000000000000000"),
            ("123456789012345678901", "123456789012345680000"),
            ("0.000001", "0.000001"),
            ("0.0000001", "1e-7"),
            ("1.5e-7", "1.5e-7"),
            ("2.50", "2.5"),
            ("-12.125e2", "-1212.5"),
            ("9007199254740993", "9007199254740992"),
            ("1.7976931348623157e308", "1.7976931348623157e+308"),
            ("5e-324", "5e-324"),
            ("0.1", "0.1"),
            ("100", "100"),
        ] {
            assert_eq!(js(text), expected, "{text}");
        }
    }

    #[test]
    fn index_keys_come_first_and_the_rest_keep_their_order() {
        assert_eq!(
            js(r#"{"b":1,"2":true,"a":[1.0,"x"],"1":null,"01":0,"-1":0}"#),
            r#"{"1":null,"2":true,"b":1,"a":[1,"x"],"01":0,"-1":0}"#
        );
    }

    #[test]
    fn strings_are_escaped_as_javascript_escapes_them() {
        assert_eq!(
            js(r#"{"t":"a\"b\\c\n\u0001\u2028é"}"#),
            "{\"t\":\"a\\\"b\\\\c\\n\\u0001\u{2028}é\"}"
        );
    }
}
