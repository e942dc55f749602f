//! Form-encoded bodies (`a=1&b=x%20y`) as some senders post them, and the small readings
//! the signed-scheme vendors share.

use serde_json::Value;

/// The body's form parameters, decoded, in order; `None` when the body is not a form
/// (JSON, empty or not UTF-8).
pub(crate) fn pairs(body: &[u8]) -> Option<Vec<(String, String)>> {
    let text = std::str::from_utf8(body).ok()?.trim();
    if text.is_empty() || text.starts_with('{') || text.starts_with('[') || !text.contains('=') {
        return None;
    }
    Some(
        form_urlencoded::parse(text.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect(),
    )
}

/// The first parameter with this name.
pub(crate) fn param<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.trim().is_empty())
}

/// A form's `payload` parameter as JSON (GitHub's and Slack's form deliveries carry the
/// JSON there).
pub(crate) fn payload_json(pairs: &[(String, String)]) -> Option<Value> {
    serde_json::from_str(param(pairs, "payload")?).ok()
}

/// Unix seconds as `2025-11-20 16:12:30 UTC (1763655150)`; other text as it is.
pub(crate) fn unix_time(raw: &str) -> String {
    raw.trim()
        .parse::<i64>()
        .ok()
        .and_then(|s| chrono::DateTime::from_timestamp(s, 0))
        .map_or_else(
            || raw.to_string(),
            |t| format!("{} ({raw})", t.format("%Y-%m-%d %H:%M:%S UTC")),
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_are_told_from_json_and_decoded() {
        let p = pairs(b"To=%2B1800&Body=Hi+there&Empty=").unwrap();
        assert_eq!(param(&p, "To"), Some("+1800"));
        assert_eq!(param(&p, "Body"), Some("Hi there"));
        assert_eq!(param(&p, "Empty"), None);
        for not_form in [&b"{\"a\":1}"[..], b"", b"plain text", b"\xff=1"] {
            assert_eq!(pairs(not_form), None);
        }
        let p = pairs(b"payload=%7B%22type%22%3A%22block_actions%22%7D").unwrap();
        assert_eq!(payload_json(&p).unwrap()["type"], "block_actions");
        assert_eq!(unix_time("0"), "1970-01-01 00:00:00 UTC (0)");
        assert_eq!(unix_time("soon"), "soon");
    }
}
