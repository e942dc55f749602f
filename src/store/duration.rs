//! `--since` values: `15d`, `2h`, `30m`, `45s`, `1w`, and sums such as `1h30m`.

use std::time::Duration;

const HELP: &str = "use a number and a unit (w, d, h, m, s), e.g. 15d, 2h, 30m or 1h30m";

/// Parses a duration such as `1w`, `15d`, `2h`, `30m`, `45s` or `1h30m` (`1h 30m` too).
pub(crate) fn parse_duration(s: &str) -> Result<Duration, String> {
    let text = s.trim();
    if text.is_empty() {
        return Err(format!("empty duration; {HELP}"));
    }
    let too_large = || format!("duration {text:?} is too large");
    let mut total: u64 = 0;
    let mut digits = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        if c.is_whitespace() && digits.is_empty() {
            continue;
        }
        let unit: u64 = match c.to_ascii_lowercase() {
            'w' => 7 * 86_400,
            'd' => 86_400,
            'h' => 3_600,
            'm' => 60,
            's' => 1,
            _ => return Err(format!("unexpected {c:?} in duration {text:?}; {HELP}")),
        };
        if digits.is_empty() {
            return Err(format!(
                "unit {c:?} without a number in duration {text:?}; {HELP}"
            ));
        }
        let n: u64 = digits.parse().map_err(|_| too_large())?;
        total = n
            .checked_mul(unit)
            .and_then(|secs| total.checked_add(secs))
            .ok_or_else(too_large)?;
        digits.clear();
    }
    if !digits.is_empty() {
        return Err(format!("{digits} in duration {text:?} has no unit; {HELP}"));
    }
    Ok(Duration::from_secs(total))
}

/// The instant `text` (as [`parse_duration`] reads it) before `now`; an error when that
/// is before any date there can be.
pub(crate) fn since(
    text: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<chrono::DateTime<chrono::Utc>, String> {
    let d = parse_duration(text)?;
    chrono::Duration::from_std(d)
        .ok()
        .and_then(|d| now.checked_sub_signed(d))
        .ok_or_else(|| format!("duration {:?} reaches back before any date", text.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_duration_back_past_any_date_is_an_error_not_a_panic() {
        let now = chrono::Utc::now();
        let err = since("99999999999d", now).unwrap_err();
        assert!(err.contains("before any date"), "{err}");
        assert_eq!(since("1h", now).unwrap(), now - chrono::Duration::hours(1));
    }

    #[test]
    fn single_units() {
        let cases = [
            ("15d", 15 * 86_400),
            ("2h", 7_200),
            ("30m", 1_800),
            ("45s", 45),
            ("1w", 604_800),
            ("0s", 0),
            (" 2H ", 7_200),
        ];
        for (s, secs) in cases {
            assert_eq!(parse_duration(s), Ok(Duration::from_secs(secs)), "{s}");
        }
    }

    #[test]
    fn combinations_add_up() {
        assert_eq!(parse_duration("1h30m"), Ok(Duration::from_secs(5_400)));
        assert_eq!(parse_duration("1d 2h"), Ok(Duration::from_secs(93_600)));
        assert_eq!(
            parse_duration("1w1d1h1m1s"),
            Ok(Duration::from_secs(694_861))
        );
    }

    #[test]
    fn bad_values_explain_themselves() {
        for s in [
            "",
            "15",
            "d",
            "1x",
            "1.5h",
            "-2h",
            "h1",
            "99999999999999999999s",
        ] {
            let err = parse_duration(s).unwrap_err();
            assert!(!err.is_empty(), "{s}");
        }
        assert!(parse_duration("15").unwrap_err().contains("no unit"));
        assert!(parse_duration("3y").unwrap_err().contains("'y'"));
        assert!(
            parse_duration("99999999999999999999s")
                .unwrap_err()
                .contains("too large")
        );
    }
}
