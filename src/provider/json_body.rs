//! A body read as JSON for analysis: a leading UTF-8 byte-order mark is skipped, a
//! body nesting deeper than serde_json's recursion limit is still read, its deepest
//! parts replaced by `null`, so that the event and subject near the top are found, and
//! an integer too long for 64 bits is read as the digits written (a string) rather than
//! rounded to a float, so an id such as Brilliant's `ResponseId` is shown as sent.

use std::borrow::Cow;

use serde_json::Value;

/// Containers nested deeper than this are read as `null` (serde_json stops at 128).
const KEPT_DEPTH: usize = 100;
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The body as JSON for finding event and subject; `None` when it is not JSON.
pub(crate) fn for_analysis(body: &[u8]) -> Option<Value> {
    let body = body.strip_prefix(BOM).unwrap_or(body);
    if body.is_empty() {
        return None;
    }
    let body = match quote_long_integers(body) {
        Some(quoted) => Cow::Owned(quoted),
        None => Cow::Borrowed(body),
    };
    let body = &body[..];
    match serde_json::from_slice(body) {
        Ok(v) => Some(v),
        Err(e) if e.to_string().contains("recursion limit") => {
            serde_json::from_slice(&prune(body, KEPT_DEPTH)?).ok()
        }
        Err(_) => None,
    }
}

/// Whether `body` may hold an integer beyond 64 bits: 20 digits in a row (`u64::MAX`
/// has 20), in a string or not. A cheap look before the slower rewrite.
pub(crate) fn may_hold_long_integers(body: &[u8]) -> bool {
    let mut run = 0;
    for &b in body {
        if b.is_ascii_digit() {
            run += 1;
            if run >= 20 {
                return true;
            }
        } else {
            run = 0;
        }
    }
    false
}

/// `body` with each integer literal that fits neither `i64` nor `u64` put in quotes;
/// `None` when there is none. Floats (`.`, `e`) and text in strings are left alone.
fn quote_long_integers(body: &[u8]) -> Option<Vec<u8>> {
    if !may_hold_long_integers(body) {
        return None;
    }
    let mut out = Vec::with_capacity(body.len() + 16);
    let (mut in_string, mut escaped, mut changed) = (false, false, false);
    let mut i = 0;
    while i < body.len() {
        let b = body[i];
        if in_string {
            out.push(b);
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            i += 1;
            continue;
        }
        if b != b'-' && !b.is_ascii_digit() {
            in_string = b == b'"';
            out.push(b);
            i += 1;
            continue;
        }
        let end = body[i + 1..]
            .iter()
            .position(|c| !(c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-')))
            .map_or(body.len(), |n| i + 1 + n);
        let literal = &body[i..end];
        let digits = literal.strip_prefix(b"-").unwrap_or(literal);
        let long = !digits.is_empty()
            && digits.iter().all(u8::is_ascii_digit)
            && std::str::from_utf8(literal)
                .is_ok_and(|t| t.parse::<i64>().is_err() && t.parse::<u64>().is_err());
        if long {
            out.push(b'"');
            out.extend_from_slice(literal);
            out.push(b'"');
            changed = true;
        } else {
            out.extend_from_slice(literal);
        }
        i = end;
    }
    changed.then_some(out)
}

/// `body` with every array or object opened deeper than `depth` replaced by `null`;
/// `None` when the brackets do not balance (then it is not JSON anyway).
fn prune(body: &[u8], depth: usize) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(body.len().min(1 << 20));
    let (mut level, mut skip_from) = (0usize, None::<usize>);
    let (mut in_string, mut escaped) = (false, false);
    for &b in body {
        if in_string {
            if skip_from.is_none() {
                out.push(b);
            }
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                level += 1;
                if level > depth && skip_from.is_none() {
                    skip_from = Some(level);
                    out.extend_from_slice(b"null");
                }
            }
            b']' | b'}' => {
                level = level.checked_sub(1)?;
                if skip_from == Some(level + 1) {
                    skip_from = None;
                    continue;
                }
            }
            _ => {}
        }
        if skip_from.is_none() {
            out.push(b);
        }
    }
    (level == 0 && !in_string).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nested(depth: usize) -> String {
        format!(
            r#"{{"event":"e.x","deep":{}1{},"id":"s_1"}}"#,
            "[".repeat(depth),
            "]".repeat(depth)
        )
    }

    #[test]
    fn a_byte_order_mark_is_skipped() {
        let v = for_analysis(b"\xEF\xBB\xBF{\"event\":\"a\"}").unwrap();
        assert_eq!(v["event"], "a");
    }

    #[test]
    fn nesting_past_the_recursion_limit_keeps_the_top() {
        let text = nested(5000);
        assert!(serde_json::from_str::<Value>(&text).is_err());
        let v = for_analysis(text.as_bytes()).unwrap();
        assert_eq!(
            (v["event"].as_str(), v["id"].as_str()),
            (Some("e.x"), Some("s_1"))
        );
        // Brackets inside strings are text, not nesting.
        let quoted = format!(r#"{{"a":"[[{{\"]]","deep":{}}}"#, nested(300));
        let v = for_analysis(quoted.as_bytes()).unwrap();
        assert_eq!(v["a"], "[[{\"]]");
        assert_eq!(v["deep"]["event"], "e.x");
    }

    #[test]
    fn integers_beyond_64_bits_are_read_as_written() {
        let body = br#"{"a":123456789012345678901234567890,"b":-98765432109876543210,
            "u":18446744073709551615,"f":1234567890123456789012.5,
            "s":"123456789012345678901234567890","n":[1,2]}"#;
        let v = for_analysis(body).unwrap();
        assert_eq!(v["a"], "123456789012345678901234567890");
        assert_eq!(v["b"], "-98765432109876543210");
        // What fits u64 stays a number; floats and strings stay what they were.
        assert_eq!(v["u"].as_u64(), Some(u64::MAX));
        assert!(v["f"].is_f64());
        assert_eq!(v["s"], "123456789012345678901234567890");
        assert_eq!(v["n"], serde_json::json!([1, 2]));
        // Nothing to rewrite: the body is parsed as it is.
        assert!(quote_long_integers(br#"{"a":12345678901234567890}"#).is_none());
        assert!(quote_long_integers(br#"{"a":1}"#).is_none());
    }

    #[test]
    fn a_brilliant_response_id_beyond_u64_is_shown_as_written() {
        use crate::config::Config;
        use crate::provider::{self, Summary, brief::tests::request};
        let body =
            br#"{"EventType":"response.completed","Data":{"ResponseId":98765432109876543210987}}"#;
        let req = request("/brilliant/k", &[], body);
        // At ingest: the subject recorded and printed.
        let brief = provider::analyze_brief(&req, &Config::default(), 1_763_650_000);
        assert_eq!(
            brief.findings.subject.as_deref(),
            Some("98765432109876543210987")
        );
        assert_eq!(brief.fetch_id.as_deref(), Some("98765432109876543210987"));
        // In the detail, whose body was parsed by plain serde_json.
        let plain = provider::body_json(body);
        let u = provider::understand(brief.findings.provider, &req, plain.as_ref());
        match u.summary {
            Summary::Brilliant(s) => {
                assert_eq!(s.response_id.as_deref(), Some("98765432109876543210987"))
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn what_is_not_json_stays_not_json() {
        assert!(for_analysis(b"").is_none());
        assert!(for_analysis(b"\xEF\xBB\xBF").is_none());
        assert!(for_analysis("[".repeat(300).as_bytes()).is_none());
        assert!(for_analysis(b"{\"a\":1").is_none());
    }
}
