//! Tolerant reads of vendor JSON. An absent key, a `null`, a blank string and a value of
//! an unexpected type all read as "not present", so one odd field never hides the rest
//! of a payload and nothing a sender writes can make a read fail.

use serde_json::{Map, Value};

/// Reads along a path of object keys. A segment that is a decimal number also indexes an
/// array, so `&["words", "0", "start"]` works.
pub(crate) trait JsonExt {
    /// The value at `path`; `&[]` is the value itself.
    fn at(&self, path: &[&str]) -> Option<&Value>;

    /// Text at `path`: a non-blank string, or a number rendered as text.
    fn str_at(&self, path: &[&str]) -> Option<String> {
        self.at(path).and_then(text)
    }

    /// A finite number at `path`: a JSON number or a string holding one.
    fn num_at(&self, path: &[&str]) -> Option<f64> {
        self.at(path).and_then(number)
    }

    /// A whole number at `path`: an integer, an integral float, or a string holding one.
    fn int_at(&self, path: &[&str]) -> Option<i64> {
        self.at(path).and_then(integer)
    }

    /// A boolean at `path`: `true`/`false`, or the strings "true"/"false".
    fn bool_at(&self, path: &[&str]) -> Option<bool> {
        self.at(path).and_then(boolean)
    }

    /// The array at `path`.
    fn arr_at(&self, path: &[&str]) -> Option<&[Value]> {
        self.at(path).and_then(Value::as_array).map(Vec::as_slice)
    }

    /// The object at `path`.
    fn obj_at(&self, path: &[&str]) -> Option<&Map<String, Value>> {
        self.at(path).and_then(Value::as_object)
    }

    /// The value at `path` unless it is absent or `null`.
    fn value_at(&self, path: &[&str]) -> Option<&Value> {
        self.at(path).filter(|v| !v.is_null())
    }

    /// The first text found among alternative spellings of one field.
    #[cfg(test)]
    fn first_str(&self, paths: &[&[&str]]) -> Option<String> {
        paths.iter().find_map(|p| self.str_at(p))
    }

    /// The first number found among alternative spellings of one field.
    #[cfg(test)]
    fn first_num(&self, paths: &[&[&str]]) -> Option<f64> {
        paths.iter().find_map(|p| self.num_at(p))
    }

    /// Text under the first of `keys` (alternative spellings) that holds some.
    fn str_any(&self, keys: &[&str]) -> Option<String> {
        keys.iter().find_map(|k| self.str_at(&[k]))
    }

    /// A number under the first of `keys` that holds one.
    fn num_any(&self, keys: &[&str]) -> Option<f64> {
        keys.iter().find_map(|k| self.num_at(&[k]))
    }

    /// The value under the first of `keys` that is present and not `null`.
    fn value_any(&self, keys: &[&str]) -> Option<&Value> {
        keys.iter().find_map(|k| self.value_at(&[k]))
    }

    /// A list of texts at `path`: an array (its text items) or one text as a single item.
    fn string_list(&self, path: &[&str]) -> Vec<String> {
        self.at(path).map(strings).unwrap_or_default()
    }

    /// Whether the object has `key`, whatever its value (even `null`).
    fn has_key(&self, key: &str) -> bool;
}

impl JsonExt for Value {
    fn at(&self, path: &[&str]) -> Option<&Value> {
        path.iter().try_fold(self, |v, seg| match v {
            Value::Object(m) => m.get(*seg),
            Value::Array(a) => seg.parse::<usize>().ok().and_then(|i| a.get(i)),
            _ => None,
        })
    }

    fn has_key(&self, key: &str) -> bool {
        self.as_object().is_some_and(|m| m.contains_key(key))
    }
}

/// A non-blank string, or a number rendered as text.
pub(crate) fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A finite number, from a JSON number or a numeric string.
pub(crate) fn number(v: &Value) -> Option<f64> {
    let n = match v {
        Value::Number(n) => n.as_f64()?,
        Value::String(s) => s.trim().parse::<f64>().ok()?,
        _ => return None,
    };
    // "NaN" and "inf" parse as floats but are not numbers a vendor means.
    n.is_finite().then_some(n)
}

/// A whole number: an integer, an integral float in range, or a string holding either.
pub(crate) fn integer(v: &Value) -> Option<i64> {
    if let Some(i) = v.as_i64() {
        return Some(i);
    }
    if let Value::String(s) = v
        && let Ok(i) = s.trim().parse::<i64>()
    {
        return Some(i);
    }
    let f = number(v)?;
    // The range check keeps the cast exact; 2^63 itself is out of range.
    (f.fract() == 0.0 && (-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&f))
        .then_some(f as i64)
}

/// `true`/`false`, or the strings "true"/"false" in any case.
pub(crate) fn boolean(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s.trim().eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if s.trim().eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

/// An array's text items (others skipped), or one text as a single item.
pub(crate) fn strings(v: &Value) -> Vec<String> {
    match v {
        Value::Array(items) => items.iter().filter_map(text).collect(),
        other => text(other).into_iter().collect(),
    }
}

/// A scalar as display text (bools too); objects and arrays as compact JSON.
pub(crate) fn display(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::Bool(b) => Some(b.to_string()),
        Value::String(_) | Value::Number(_) => text(v),
        other => Some(other.to_string()),
    }
}

/// An identifier as text: integers without a fractional part, strings as they are.
pub(crate) fn id_text(v: &Value) -> Option<String> {
    match v {
        Value::Number(_) => integer(v).map(|i| i.to_string()).or_else(|| text(v)),
        _ => text(v),
    }
}

/// The header's value, matching the name case-insensitively.
pub(crate) fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn str_at_reads_strings_and_numbers_only() {
        let v = json!({"a": {"s": "x", "n": 82, "f": 8.5, "b": true, "o": {}, "blank": "  "}});
        assert_eq!(v.str_at(&["a", "s"]).as_deref(), Some("x"));
        assert_eq!(v.str_at(&["a", "n"]).as_deref(), Some("82"));
        assert_eq!(v.str_at(&["a", "f"]).as_deref(), Some("8.5"));
        assert_eq!(v.str_at(&["a", "b"]), None);
        assert_eq!(v.str_at(&["a", "o"]), None);
        assert_eq!(v.str_at(&["a", "blank"]), None);
        assert_eq!(v.str_at(&["a", "s", "deeper"]), None);
        assert_eq!(v.str_at(&["missing"]), None);
    }

    #[test]
    fn num_at_accepts_numeric_strings_but_not_nan() {
        let v =
            json!({"n": 7, "s": " 7.5 ", "bad": "seven", "nan": "NaN", "inf": "inf", "b": true});
        assert_eq!(v.num_at(&["n"]), Some(7.0));
        assert_eq!(v.num_at(&["s"]), Some(7.5));
        assert_eq!(v.num_at(&["bad"]), None);
        assert_eq!(v.num_at(&["nan"]), None);
        assert_eq!(v.num_at(&["inf"]), None);
        assert_eq!(v.num_at(&["b"]), None);
    }

    #[test]
    fn int_at_rejects_fractions_and_out_of_range() {
        let v = json!({"i": 3, "f": 3.0, "h": 3.5, "s": "42", "sf": "42.0", "big": 1e30, "u": u64::MAX});
        assert_eq!(v.int_at(&["i"]), Some(3));
        assert_eq!(v.int_at(&["f"]), Some(3));
        assert_eq!(v.int_at(&["h"]), None);
        assert_eq!(v.int_at(&["s"]), Some(42));
        assert_eq!(v.int_at(&["sf"]), Some(42));
        assert_eq!(v.int_at(&["big"]), None);
        assert_eq!(v.int_at(&["u"]), None);
    }

    #[test]
    fn bool_at_and_arrays_by_index() {
        let v = json!({"t": true, "s": "FALSE", "n": 1, "a": [{"x": 1}, {"x": 2}]});
        assert_eq!(v.bool_at(&["t"]), Some(true));
        assert_eq!(v.bool_at(&["s"]), Some(false));
        assert_eq!(v.bool_at(&["n"]), None);
        assert_eq!(v.num_at(&["a", "1", "x"]), Some(2.0));
        assert_eq!(v.num_at(&["a", "9", "x"]), None);
        assert_eq!(v.arr_at(&["a"]).map(<[Value]>::len), Some(2));
        assert_eq!(v.arr_at(&["t"]), None);
    }

    #[test]
    fn alternatives_take_the_first_usable_spelling() {
        let v = json!({"overall": null, "overall_score": "81", "name": {"odd": 1}, "title": "T"});
        assert_eq!(v.first_num(&[&["overall"], &["overall_score"]]), Some(81.0));
        assert_eq!(v.str_any(&["name", "title"]).as_deref(), Some("T"));
        assert_eq!(v.first_str(&[&["nope"]]), None);
        assert!(v.has_key("overall"));
        assert_eq!(v.value_at(&["overall"]), None);
    }

    #[test]
    fn string_list_accepts_array_or_single_text() {
        let v = json!({"a": ["x", 2, null, {"y": 1}], "s": "one", "n": null, "o": {}});
        assert_eq!(v.string_list(&["a"]), vec!["x", "2"]);
        assert_eq!(v.string_list(&["s"]), vec!["one"]);
        assert!(v.string_list(&["n"]).is_empty());
        assert!(v.string_list(&["o"]).is_empty());
        assert!(v.string_list(&["missing"]).is_empty());
    }

    #[test]
    fn non_objects_read_as_absent() {
        for v in [json!([]), json!("x"), json!(null), json!(3)] {
            assert_eq!(v.str_at(&["a"]), None);
            assert!(!v.has_key("a"));
        }
        assert_eq!(json!("x").str_at(&[]).as_deref(), Some("x"));
    }

    #[test]
    fn ids_render_integral_numbers_without_fraction() {
        assert_eq!(id_text(&json!(1112057)).as_deref(), Some("1112057"));
        assert_eq!(id_text(&json!(1112057.0)).as_deref(), Some("1112057"));
        assert_eq!(id_text(&json!("r-1")).as_deref(), Some("r-1"));
        assert_eq!(id_text(&json!(false)), None);
        assert_eq!(display(&json!({"a": 1})).as_deref(), Some("{\"a\":1}"));
        assert_eq!(display(&json!(true)).as_deref(), Some("true"));
    }
}
