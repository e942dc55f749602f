//! A body read as JSON for analysis: a leading UTF-8 byte-order mark is skipped, and a
//! body nesting deeper than serde_json's recursion limit is still read, its deepest
//! parts replaced by `null`, so that the event and subject near the top are found.

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
    match serde_json::from_slice(body) {
        Ok(v) => Some(v),
        Err(e) if e.to_string().contains("recursion limit") => {
            serde_json::from_slice(&prune(body, KEPT_DEPTH)?).ok()
        }
        Err(_) => None,
    }
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
    fn what_is_not_json_stays_not_json() {
        assert!(for_analysis(b"").is_none());
        assert!(for_analysis(b"\xEF\xBB\xBF").is_none());
        assert!(for_analysis("[".repeat(300).as_bytes()).is_none());
        assert!(for_analysis(b"{\"a\":1").is_none());
    }
}
