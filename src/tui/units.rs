//! How sizes and times read on screen.

use chrono::{DateTime, Datelike, FixedOffset, Local, NaiveDate, Utc};

/// `512 B`, `2.1 KiB`, `3.0 MiB`.
pub(crate) fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    // Round first so that 1023.96 KiB reads 1.0 MiB rather than 1024.0 KiB.
    while (value * 10.0).round() / 10.0 >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// Which time zone and which "today" the table uses: the local ones, or fixed ones so
/// that tests draw the same screen anywhere.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    fixed: Option<(FixedOffset, DateTime<Utc>)>,
}

impl Clock {
    pub(crate) fn local() -> Self {
        Self { fixed: None }
    }

    /// Times shown in `offset`, with `now` as the current time.
    pub fn fixed(offset: FixedOffset, now: DateTime<Utc>) -> Self {
        Self {
            fixed: Some((offset, now)),
        }
    }

    /// The current date where the user is.
    pub(crate) fn today(&self) -> NaiveDate {
        match self.fixed {
            Some((offset, now)) => now.with_timezone(&offset).date_naive(),
            None => Local::now().date_naive(),
        }
    }

    /// `14:03:27` for a time today, `Nov 19 14:03` for another day this year,
    /// `2024-11-19` for an earlier year: a date whenever it is not today.
    pub(crate) fn time(&self, t: DateTime<Utc>, today: NaiveDate) -> String {
        let t = match self.fixed {
            Some((offset, _)) => t.with_timezone(&offset).naive_local(),
            None => t.with_timezone(&Local).naive_local(),
        };
        let date = t.date();
        if date == today {
            t.format("%H:%M:%S").to_string()
        } else if date.year() == today.year() {
            t.format("%b %d %H:%M").to_string()
        } else {
            date.format("%Y-%m-%d").to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn sizes_read_in_binary_units_with_one_decimal() {
        assert_eq!(human_size(0), "0 B");
        assert_eq!(human_size(512), "512 B");
        assert_eq!(human_size(1023), "1023 B");
        assert_eq!(human_size(1024), "1.0 KiB");
        assert_eq!(human_size(2150), "2.1 KiB");
        assert_eq!(human_size(1024 * 1024 - 1), "1.0 MiB");
        assert_eq!(human_size(5 * 1024 * 1024 * 1024), "5.0 GiB");
    }

    #[test]
    fn the_date_is_shown_only_for_other_days() {
        let now = Utc.with_ymd_and_hms(2025, 11, 20, 23, 30, 0).unwrap();
        let plus_one = FixedOffset::east_opt(3600).unwrap();
        let clock = Clock::fixed(plus_one, now);
        // 23:30 UTC is already the 21st an hour east.
        let today = clock.today();
        assert_eq!(today.to_string(), "2025-11-21");
        let later = Utc.with_ymd_and_hms(2025, 11, 20, 23, 45, 7).unwrap();
        assert_eq!(clock.time(later, today), "00:45:07");
        let earlier = Utc.with_ymd_and_hms(2025, 11, 20, 8, 0, 0).unwrap();
        assert_eq!(clock.time(earlier, today), "Nov 20 09:00");
        let last_year = Utc.with_ymd_and_hms(2024, 11, 20, 8, 0, 0).unwrap();
        assert_eq!(clock.time(last_year, today), "2024-11-20");
    }
}
