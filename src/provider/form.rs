//! Form-encoded bodies (`a=1&b=x%20y`) as some senders post them, and the small readings
//! the signed-scheme vendors share.

/// Unix seconds as `2025-11-20 16:12:30 UTC (1763655150)`; other text as it is.
pub fn unix_time(raw: &str) -> String {
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
    fn unix_seconds_read_as_a_date() {
        assert_eq!(unix_time("0"), "1970-01-01 00:00:00 UTC (0)");
        assert_eq!(unix_time("soon"), "soon");
    }
}
