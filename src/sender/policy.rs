//! What each vendor counts as an acknowledgement, and how it retries.

use std::time::Duration;

use crate::provider::ProviderId;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Clearspeed acknowledges only exactly 200; everyone else any 2xx.
    pub only_200: bool,
    /// Retries after the first attempt.
    pub retries: u32,
    /// The wait before the first retry; it doubles for each further one.
    pub backoff_base: Duration,
    /// How long the vendor waits for an answer.
    pub timeout: Duration,
}

impl Policy {
    pub fn for_provider(provider: ProviderId, backoff_base: Duration) -> Policy {
        let base = Policy {
            only_200: false,
            retries: 0,
            backoff_base,
            timeout: Duration::from_secs(30),
        };
        match provider {
            ProviderId::Classet => Policy { retries: 3, ..base },
            ProviderId::Clearspeed => Policy {
                only_200: true,
                ..base
            },
            // At-least-once: non-2xx and timeouts are retried.
            ProviderId::Jobmojito => Policy { retries: 3, ..base },
            _ => base,
        }
    }

    pub fn acknowledges(&self, status: u16) -> bool {
        if self.only_200 {
            status == 200
        } else {
            (200..300).contains(&status)
        }
    }

    /// The wait before retry number `n` (1-based).
    pub fn backoff(&self, n: u32) -> Duration {
        self.backoff_base * 2u32.saturating_pow(n.saturating_sub(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clearspeed_counts_only_200() {
        let p = Policy::for_provider(ProviderId::Clearspeed, Duration::from_secs(1));
        assert!(p.acknowledges(200));
        assert!(!p.acknowledges(201) && !p.acknowledges(204));
        assert_eq!(p.retries, 0);
    }

    #[test]
    fn classet_retries_three_times_doubling() {
        let p = Policy::for_provider(ProviderId::Classet, Duration::from_millis(100));
        assert!(p.acknowledges(202));
        assert_eq!(p.retries, 3);
        let gaps: Vec<_> = (1..=3).map(|n| p.backoff(n).as_millis()).collect();
        assert_eq!(gaps, vec![100, 200, 400]);
    }
}
