//! Follow-up requests: what a vendor's API is asked about a delivery after it was
//! answered (Brilliant sends only a ResponseId), and the request limits that API sets.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use futures_util::future::BoxFuture;
use serde_json::Value;

/// At most `requests` in any window of `per`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub requests: usize,
    pub per: Duration,
}

impl Limit {
    pub(crate) const fn new(requests: usize, per_secs: u64) -> Self {
        Self {
            requests,
            per: Duration::from_secs(per_secs),
        }
    }
}

/// One request to make, once the vendor's limits allow it.
pub struct FollowUp {
    pub limits: &'static [Limit],
    /// Lazy: nothing is sent until it is polled.
    pub request: BoxFuture<'static, Result<Value, String>>,
}

/// The times of recent requests, enough to keep every limit. Holds at most the largest
/// limit's count, so it stays small whatever arrives.
#[derive(Debug, Default)]
pub(crate) struct Windows {
    sent: VecDeque<Instant>,
}

impl Windows {
    /// How long to wait before the next request keeps every limit; zero when it may go now.
    pub(crate) fn wait(&self, limits: &[Limit], now: Instant) -> Duration {
        limits
            .iter()
            .filter(|l| l.requests > 0)
            .filter_map(|l| {
                let in_window = self
                    .sent
                    .iter()
                    .rev()
                    .take_while(|t| now.saturating_duration_since(**t) < l.per)
                    .count();
                // The oldest of the last `requests` sends must leave the window first.
                (in_window >= l.requests).then(|| {
                    let oldest = self.sent[self.sent.len() - l.requests];
                    (oldest + l.per).saturating_duration_since(now)
                })
            })
            .max()
            .unwrap_or(Duration::ZERO)
    }

    pub(crate) fn record(&mut self, limits: &[Limit], at: Instant) {
        self.sent.push_back(at);
        let keep = limits.iter().map(|l| l.requests).max().unwrap_or(0);
        while self.sent.len() > keep {
            self.sent.pop_front();
        }
    }
}

/// `1/s, 10/min, 200/h, 1,500/day`, for messages.
pub(crate) fn describe(limits: &[Limit]) -> String {
    limits
        .iter()
        .map(|l| {
            let unit = match l.per.as_secs() {
                1 => "s".to_string(),
                60 => "min".to_string(),
                3600 => "h".to_string(),
                86_400 => "day".to_string(),
                s => format!("{s} s"),
            };
            format!("{}/{unit}", l.requests)
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: [Limit; 3] = [Limit::new(1, 1), Limit::new(3, 60), Limit::new(5, 3600)];

    #[test]
    fn a_request_waits_for_the_strictest_window() {
        let t0 = Instant::now();
        let s = Duration::from_secs;
        let mut w = Windows::default();
        assert_eq!(w.wait(&LIMITS, t0), Duration::ZERO);
        w.record(&LIMITS, t0);
        assert_eq!(w.wait(&LIMITS, t0), s(1), "1/s");
        assert_eq!(w.wait(&LIMITS, t0 + s(1)), Duration::ZERO);
        w.record(&LIMITS, t0 + s(1));
        w.record(&LIMITS, t0 + s(2));
        // Three in the minute: the next may go when the first leaves it.
        assert_eq!(w.wait(&LIMITS, t0 + s(3)), s(57));
        assert_eq!(w.wait(&LIMITS, t0 + s(60)), Duration::ZERO);
        w.record(&LIMITS, t0 + s(60));
        w.record(&LIMITS, t0 + s(120));
        // Five in the hour now binds, beyond the minute.
        assert_eq!(w.wait(&LIMITS, t0 + s(200)), s(3400));
    }

    #[test]
    fn the_log_holds_no_more_than_the_largest_limit() {
        let t0 = Instant::now();
        let mut w = Windows::default();
        for i in 0..1000 {
            w.record(&LIMITS, t0 + Duration::from_secs(i * 10_000));
        }
        assert_eq!(w.sent.len(), 5);
    }

    #[test]
    fn limits_read_as_people_write_them() {
        let l = [
            Limit::new(1, 1),
            Limit::new(10, 60),
            Limit::new(200, 3600),
            Limit::new(1500, 86_400),
        ];
        assert_eq!(describe(&l), "1/s, 10/min, 200/h, 1500/day");
    }
}
