//! How a vendor sends: what it counts as an acknowledgement, how often it retries, how long
//! it waits. Where the vendor's documentation is silent the value is an assumption, said so
//! wherever it is shown, and configurable (`[providers.<id>.sender]`).

use std::time::Duration;

use super::vendor;
use crate::config::{Config, ResponseConfig, SenderOverride};
use crate::model::ProviderId;

/// The wait hookscope assumes where a vendor documents none.
pub(crate) const ASSUMED_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Clearspeed acknowledges only exactly 200; everyone else any 2xx.
    pub only_200: bool,
    /// The vendor does not document what it counts as an acknowledgement.
    pub ack_assumed: bool,
    /// Retries after the first attempt.
    pub retries: u32,
    pub retries_assumed: bool,
    /// The wait before the first retry; it doubles for each further one.
    pub backoff_base: Duration,
    /// How long the vendor waits for an answer.
    pub timeout: Duration,
    pub timeout_assumed: bool,
    /// What happens to a delivery the vendor gave up on, when documented.
    pub after_failure: Option<&'static str>,
    /// The vendor delivers only to https:// URLs.
    pub https_only: bool,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            only_200: false,
            ack_assumed: true,
            retries: 0,
            retries_assumed: true,
            backoff_base: Duration::from_secs(1),
            timeout: ASSUMED_TIMEOUT,
            timeout_assumed: true,
            after_failure: None,
            https_only: false,
        }
    }
}

impl Policy {
    /// The vendor's policy with the settings' overrides.
    pub(crate) fn configured(
        provider: ProviderId,
        config: &Config,
        backoff_base: Duration,
    ) -> Policy {
        let base = vendor(provider).map_or_else(Policy::default, |v| v.policy(config));
        Policy {
            backoff_base,
            ..base
        }
    }

    /// The vendor's policy with default settings.
    pub(crate) fn for_provider(provider: ProviderId, backoff_base: Duration) -> Policy {
        Self::configured(provider, &Config::default(), backoff_base)
    }

    /// Applies `[providers.<id>.sender]`: an overridden value is the user's, not assumed.
    pub(crate) fn with_override(mut self, over: Option<SenderOverride>) -> Policy {
        let Some(over) = over else { return self };
        if let Some(r) = over.retries {
            self.retries = r;
            self.retries_assumed = false;
        }
        if let Some(t) = over.timeout_secs {
            self.timeout = Duration::from_secs(t);
            self.timeout_assumed = false;
        }
        self
    }

    pub(crate) fn acknowledges(&self, status: u16) -> bool {
        if self.only_200 {
            status == 200
        } else {
            (200..300).contains(&status)
        }
    }

    /// The wait before retry number `n` (1-based).
    pub(crate) fn backoff(&self, n: u32) -> Duration {
        self.backoff_base * 2u32.saturating_pow(n.saturating_sub(1))
    }

    /// "counts only HTTP 200 as delivered" / "counts any 2xx as delivered (assumed)".
    pub(crate) fn ack_rule(&self) -> String {
        let rule = if self.only_200 {
            "counts only HTTP 200 as delivered"
        } else {
            "counts any 2xx as delivered"
        };
        format!("{rule}{}", assumed(self.ack_assumed))
    }

    /// "retries 3 times, doubling the wait" / "does not retry (assumed)".
    pub(crate) fn retry_rule(&self) -> String {
        let rule = match self.retries {
            0 => "does not retry".to_string(),
            1 => "retries once".to_string(),
            n => format!("retries {n} times, doubling the wait"),
        };
        format!("{rule}{}", assumed(self.retries_assumed))
    }

    /// "waits 30 s" / "waits 30 s (assumed)".
    pub(crate) fn timeout_rule(&self) -> String {
        format!(
            "waits {} s{}",
            self.timeout.as_secs(),
            assumed(self.timeout_assumed)
        )
    }

    /// One sentence for `send` and help: the whole policy.
    pub(crate) fn describe(&self, vendor: &str) -> String {
        format!(
            "{vendor} {}, {} and {}.",
            self.ack_rule(),
            self.retry_rule(),
            self.timeout_rule()
        )
    }
}

fn assumed(is: bool) -> &'static str {
    if is { " (assumed)" } else { "" }
}

/// Who answered, for the wording of a warning.
#[derive(Clone, Copy)]
enum Answerer {
    App,
    Hookscope,
}

/// Where the app's answer (status, or none at all, after `latency`) would count as a
/// failed delivery for the vendor.
pub(crate) fn answer_warnings(
    provider: ProviderId,
    config: &Config,
    status: Option<u16>,
    latency: Duration,
) -> Vec<String> {
    warnings(provider, config, status, latency, Answerer::App)
}

/// Where hookscope's own configured answer to `provider` breaks the vendor's rule.
pub(crate) fn configured_answer_warnings(provider: ProviderId, config: &Config) -> Vec<String> {
    let answer = response_config(provider, config);
    warnings(
        provider,
        config,
        Some(answer.status),
        Duration::from_millis(answer.delay_ms),
        Answerer::Hookscope,
    )
}

/// Every vendor whose rule hookscope's configured answer breaks, with why: for the
/// receiver's header and its start-up warnings.
pub(crate) fn configured_answer_problems(config: &Config) -> Vec<(&'static str, String)> {
    super::all()
        .iter()
        .flat_map(|v| {
            configured_answer_warnings(v.id(), config)
                .into_iter()
                .map(|w| (v.id().as_str(), w))
        })
        .collect()
}

/// When hookscope is configured to wait longer before answering `provider` than that
/// vendor waits for an answer.
pub(crate) fn configured_delay_warning(provider: ProviderId, config: &Config) -> Option<String> {
    let v = vendor(provider)?;
    let delay = Duration::from_millis(response_config(provider, config).delay_ms);
    timeout_warning(&v.policy(config), v.name(), delay, Answerer::Hookscope)
}

fn warnings(
    provider: ProviderId,
    config: &Config,
    status: Option<u16>,
    latency: Duration,
    who: Answerer,
) -> Vec<String> {
    let Some(v) = vendor(provider) else {
        return Vec::new();
    };
    let policy = v.policy(config);
    let name = v.name();
    let mut out = Vec::new();
    match status {
        Some(s) if !policy.acknowledges(s) => {
            let then = match (policy.after_failure, policy.retries) {
                (Some(after), _) => format!("; {after}"),
                (None, 0) => format!("; it {}", policy.retry_rule()),
                (None, _) => format!("; it will retry{}", assumed(policy.retries_assumed)),
            };
            let answered = match who {
                Answerer::App => format!("your app answered {s}"),
                Answerer::Hookscope => format!("hookscope is configured to answer {s}"),
            };
            out.push(format!("{name} {}: {answered}{then}.", policy.ack_rule()));
        }
        None => out.push(format!(
            "Your app did not answer; {name} would count the delivery as failed."
        )),
        _ => {}
    }
    out.extend(timeout_warning(&policy, name, latency, who));
    out
}

fn timeout_warning(
    policy: &Policy,
    name: &str,
    latency: Duration,
    who: Answerer,
) -> Option<String> {
    if latency <= policy.timeout {
        return None;
    }
    let took = match who {
        Answerer::App => format!("Your app took {:.1} s", latency.as_secs_f64()),
        Answerer::Hookscope => format!(
            "hookscope is configured to wait {:.1} s before answering",
            latency.as_secs_f64()
        ),
    };
    Some(format!(
        "{took}; {name} gives up after {} s{}.",
        policy.timeout.as_secs(),
        assumed(policy.timeout_assumed)
    ))
}

/// What the receiver answers deliveries from `provider`: `[response]` with the vendor
/// section's `response` override.
pub(crate) fn response_config(provider: ProviderId, config: &Config) -> ResponseConfig {
    config.response_for(Some(provider.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clearspeed_counts_only_200_and_never_retries() {
        let p = Policy::for_provider(ProviderId::CLEARSPEED, Duration::from_secs(1));
        assert!(p.acknowledges(200));
        assert!(!p.acknowledges(201) && !p.acknowledges(204));
        assert_eq!(p.retries, 0);
        assert!(!p.ack_assumed && !p.retries_assumed && p.timeout_assumed);
    }

    #[test]
    fn classet_retries_three_times_doubling() {
        let p = Policy::for_provider(ProviderId::CLASSET, Duration::from_millis(100));
        assert!(p.acknowledges(202));
        assert_eq!(p.retries, 3);
        let gaps: Vec<_> = (1..=3).map(|n| p.backoff(n).as_millis()).collect();
        assert_eq!(gaps, vec![100, 200, 400]);
    }

    #[test]
    fn what_the_seeds_do_not_say_is_called_assumed() {
        let c = Config::default();
        let brilliant = Policy::configured(ProviderId::BRILLIANT, &c, Duration::ZERO);
        assert!(
            brilliant
                .describe("Brilliant")
                .contains("delivered (assumed)")
        );
        let jm = Policy::configured(ProviderId::JOBMOJITO, &c, Duration::ZERO);
        assert!(
            jm.retry_rule().ends_with("(assumed)"),
            "{}",
            jm.retry_rule()
        );
        let ts = Policy::configured(ProviderId::TALENTSPROUT, &c, Duration::ZERO);
        assert_eq!(ts.timeout_rule(), "waits 30 s");
        let cs = Policy::configured(ProviderId::CLEARSPEED, &c, Duration::ZERO);
        assert_eq!(cs.timeout_rule(), "waits 30 s (assumed)");
    }

    #[test]
    fn a_configured_value_replaces_the_assumption() {
        let c = Config::from_parts(
            "[providers.jobmojito.sender]\nretries = 5\ntimeout_secs = 10\n",
            None,
            &[],
        )
        .unwrap();
        let p = Policy::configured(ProviderId::JOBMOJITO, &c, Duration::ZERO);
        assert_eq!((p.retries, p.timeout.as_secs()), (5, 10));
        assert_eq!(p.retry_rule(), "retries 5 times, doubling the wait");
        assert_eq!(p.timeout_rule(), "waits 10 s");
    }

    #[test]
    fn answer_warnings_name_the_vendor_rule() {
        let c = Config::default();
        let w = answer_warnings(ProviderId::CLEARSPEED, &c, Some(204), Duration::ZERO);
        assert_eq!(w.len(), 1);
        assert!(w[0].contains("Clearspeed counts only HTTP 200"), "{w:?}");
        assert!(w[0].contains("204"), "{w:?}");
        assert!(answer_warnings(ProviderId::CLASSET, &c, Some(204), Duration::ZERO).is_empty());
        let slow = answer_warnings(
            ProviderId::TALENTSPROUT,
            &c,
            Some(200),
            Duration::from_secs(31),
        );
        assert!(slow[0].contains("gives up after 30 s."), "{slow:?}");
        assert!(!answer_warnings(ProviderId::JOBMOJITO, &c, None, Duration::ZERO).is_empty());
        assert!(answer_warnings(ProviderId::UNKNOWN, &c, None, Duration::ZERO).is_empty());
    }

    #[test]
    fn the_configured_answer_is_linted_against_the_vendor_rule() {
        let c = Config::from_parts(
            "[response]\nstatus = 204\n[providers.talentsprout.response]\ndelay_ms = 31000\nstatus = 200\n",
            None,
            &[],
        )
        .unwrap();
        let w = configured_answer_warnings(ProviderId::CLEARSPEED, &c);
        assert_eq!(
            w,
            vec![
                "Clearspeed counts only HTTP 200 as delivered: hookscope is configured to \
                 answer 204; it does not retry: failed payloads wait 15 days for a manual \
                 re-send."
            ]
        );
        let w = configured_answer_warnings(ProviderId::TALENTSPROUT, &c);
        assert!(w.iter().any(|w| w.contains("wait 31.0 s before")), "{w:?}");
        assert!(configured_answer_warnings(ProviderId::CLASSET, &c).is_empty());
    }

    #[test]
    fn a_configured_answer_is_linted_against_each_vendor_rule() {
        let config = Config::from_parts(
            "[providers.clearspeed.response]\nstatus = 204\n\
             [providers.talentsprout.response]\ndelay_ms = 45000\n",
            None,
            &[],
        )
        .unwrap();
        let problems = configured_answer_problems(&config);
        let ids: Vec<&str> = problems.iter().map(|(id, _)| *id).collect();
        assert_eq!(ids, ["talentsprout", "clearspeed"]);
        assert!(problems[1].1.contains("answer 204"), "{problems:?}");
        let delay = configured_delay_warning(ProviderId::TALENTSPROUT, &config).unwrap();
        assert!(
            delay.contains("wait 45.0 s") && delay.contains("30 s"),
            "{delay}"
        );
        assert_eq!(configured_delay_warning(ProviderId::CLASSET, &config), None);
        assert!(configured_answer_problems(&Config::default()).is_empty());
    }
}
