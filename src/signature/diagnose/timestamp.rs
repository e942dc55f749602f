//! The signature is right: is its timestamp in Unix seconds, and within tolerance?

use super::{Case, relative, shown};
use crate::signature::{Hint, Verification, human_duration};

/// Below this a whole number reads as seconds (it is the year 5138 in seconds).
const MILLIS_FROM: i64 = 100_000_000_000;

/// Whether a timestamp is a whole number too large to be seconds.
pub(super) fn in_millis(text: Option<&str>) -> bool {
    text.and_then(|t| t.parse::<i64>().ok())
        .is_some_and(|n| n.unsigned_abs() >= MILLIS_FROM as u64)
}

impl Case<'_> {
    /// Step 1: the timestamp's unit, then its distance from receipt, both ways.
    pub(super) fn timestamp_verdict(
        &self,
        skew: Option<Result<i64, String>>,
    ) -> Option<Verification> {
        let tolerance = self.c.tolerance()?;
        let text = self.material.timestamp.as_deref()?;
        let skew = match skew? {
            Ok(s) if s.unsigned_abs() <= tolerance => return None,
            Ok(s) => s,
            Err(_) => {
                return Some(self.timestamp_unit(text, tolerance).unwrap_or_else(|| {
                    self.failed(
                        Hint::TimestampOutsideTolerance,
                        format!(
                            "The timestamp {} is not a Unix time in seconds; the signature \
                             itself is right.",
                            shown(text)
                        ),
                    )
                }));
            }
        };
        if let Some(unit) = self.timestamp_unit(text, tolerance) {
            return Some(unit);
        }
        let clock = if skew < 0 { " (clock skew?)" } else { "" };
        Some(self.failed(
            Hint::TimestampOutsideTolerance,
            format!(
                "Signed {}{clock}; tolerance is {}. The signature itself is right.",
                relative(skew),
                human_duration(tolerance)
            ),
        ))
    }

    /// The timestamp is milliseconds or ISO 8601 text where Unix seconds were expected.
    fn timestamp_unit(&self, text: &str, tolerance: u64) -> Option<Verification> {
        let now = self.input.now;
        let (what, seconds) = match text.parse::<i64>() {
            Ok(n) if n.unsigned_abs() >= MILLIS_FROM as u64 => ("in milliseconds", n / 1000),
            Ok(_) => return None,
            Err(_) => (
                "ISO 8601 text",
                chrono::DateTime::parse_from_rfc3339(text).ok()?.timestamp(),
            ),
        };
        let skew = now.saturating_sub(seconds);
        let then = if skew.unsigned_abs() <= tolerance {
            "within tolerance once read as seconds".to_string()
        } else {
            format!("signed {} once read as seconds", relative(skew))
        };
        Some(self.failed(
            Hint::TimestampUnit,
            format!(
                "The timestamp {} is {what}; {}'s scheme expects Unix seconds (that moment is \
                 {seconds}, {then}). The signature itself is right.",
                shown(text),
                self.vendor
            ),
        ))
    }
}
