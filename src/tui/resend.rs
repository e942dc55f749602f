//! Re-sending a stored delivery from the UI, as `r` sends it or as `e` edited it: the
//! request to send ([`Resend`], built without any I/O), sending it ([`execute`], on the
//! loop's runtime) and what the footer says about the outcome ([`Resent::message`]).

use std::time::Duration;

use super::message::Message;
use crate::config::Config;
use crate::model::Delivery;
use crate::model::ProviderId;
use crate::sender::replay::{self, TokenRefresh};
use crate::sender::{Attempt, Outgoing, Policy, send_once};
use crate::store::LinkKey;

mod editor;
mod prompt;

pub(crate) use editor::{BodyEditor, EditorKey};
pub(crate) use prompt::{PromptKey, UrlPrompt};

/// A delivery waiting for somewhere to go: as stored, or with its body edited.
#[derive(Debug, Clone, PartialEq)]
pub struct Pending {
    pub delivery: Delivery,
    /// The bytes to send instead of the stored body.
    pub edited: Option<Vec<u8>>,
    /// Said in the footer once it was sent (e.g. that edited JSON no longer parses).
    pub notes: Vec<String>,
}

impl Pending {
    pub fn stored(delivery: Delivery) -> Self {
        Self {
            delivery,
            edited: None,
            notes: Vec::new(),
        }
    }
}

/// One request to send, and what it re-sends.
#[derive(Debug, Clone, PartialEq)]
pub struct Resend {
    /// The id of the stored delivery; the request carries it in `x-hookscope-replay-of`.
    pub original: String,
    pub provider: ProviderId,
    pub edited: bool,
    pub outgoing: Outgoing,
    pub notes: Vec<String>,
    /// A fresh token to fetch before sending, as the vendor does before each delivery.
    pub token: Option<TokenRefresh>,
}

/// The signature headers over the body that the delivery carries, each with its
/// timestamp tolerance when timestamped.
fn carried_signatures(d: &Delivery, config: &Config) -> Vec<(String, Option<u64>)> {
    crate::provider::body_signatures(d.findings.provider, config)
        .into_iter()
        .filter(|(h, _)| d.request.header(h).is_some())
        .collect()
}

/// Whether `e` re-signs what it sends for this delivery.
pub(crate) fn resigns(d: &Delivery) -> bool {
    !carried_signatures(d, &Config::default()).is_empty()
}

impl Resend {
    /// The request re-sending `pending` to `to` at `now` (Unix seconds), signed with the
    /// key of the store it came from (`link`). A URL without a path gets the delivery's
    /// own path.
    pub fn prepare(
        pending: &Pending,
        to: &str,
        config: &Config,
        link: Option<&LinkKey>,
        now: i64,
    ) -> Result<Resend, String> {
        let d = &pending.delivery;
        let carried = carried_signatures(d, config);
        let tolerance = carried.iter().find_map(|(_, t)| *t);
        let mut notes = Vec::new();
        let outgoing = match &pending.edited {
            None => {
                // An exact copy of an old `t=` fails the receiver's tolerance check.
                let out = replay::prepare(d, to, config, link, tolerance.is_some(), now)?;
                if let Some(tolerance) = tolerance {
                    notes.push(format!(
                        "t= refreshed, as the original's would fail the {tolerance} s tolerance \
                         check"
                    ));
                }
                out
            }
            Some(body) => {
                let mut out = replay::prepare(d, to, config, link, false, now)?;
                out.body = body.clone();
                if let Some((header, _)) = carried.first() {
                    let before = out.headers.clone();
                    crate::provider::resign(d.findings.provider, &mut out, config, now, true)?;
                    notes.push(if out.headers == before {
                        format!(
                            "not re-signed: no secret is configured, so its {header} no longer \
                             matches"
                        )
                    } else {
                        "re-signed over the edited body".to_string()
                    });
                }
                out
            }
        };
        notes.extend(pending.notes.iter().cloned());
        let token = TokenRefresh::for_delivery(d, config);
        if token.is_some() {
            notes.push("with a fresh token from the client-credentials flow".into());
        }
        Ok(Resend {
            original: d.id.clone(),
            provider: d.findings.provider,
            edited: pending.edited.is_some(),
            outgoing,
            notes,
            token,
        })
    }
}

/// How a [`Resend`] went.
#[derive(Debug, Clone, PartialEq)]
pub struct Resent {
    pub original: String,
    pub url: String,
    pub edited: bool,
    pub notes: Vec<String>,
    pub attempt: Attempt,
    pub policy: Policy,
}

/// Sends `resend` once, waiting as long as its vendor would, and judges the answer as the
/// vendor would. Retries are left to the user: each try is a row of its own.
pub async fn execute(client: &reqwest::Client, mut resend: Resend) -> Resent {
    let policy = Policy::for_provider(resend.provider, Duration::from_secs(1));
    let refreshed = match &resend.token {
        Some(t) => t.apply(client, &mut resend.outgoing).await,
        None => Ok(()),
    };
    let mut attempt = match refreshed {
        Ok(()) => send_once(client, &resend.outgoing, policy.timeout).await,
        Err(e) => Attempt {
            number: 1,
            status: None,
            error: Some(format!("no fresh token: {e}")),
            latency: Duration::ZERO,
            acknowledged: false,
            retry_in: None,
            answer: String::new(),
        },
    };
    attempt.acknowledged = attempt.status.is_some_and(|s| policy.acknowledges(s));
    Resent {
        original: resend.original,
        url: resend.outgoing.url,
        edited: resend.edited,
        notes: resend.notes,
        attempt,
        policy,
    }
}

/// The id as the footer shows it: its first 13 characters hold the arrival time to the
/// millisecond (fewer repeat for a minute), and `hookscope replay` accepts them.
pub(crate) fn short_id(id: &str) -> &str {
    id.get(..13).unwrap_or(id)
}

fn what(id: &str, edited: bool) -> String {
    if edited {
        format!("{} (edited)", short_id(id))
    } else {
        short_id(id).to_string()
    }
}

impl Resend {
    /// Shown while the request is on its way.
    pub(crate) fn message(&self) -> Message {
        Message::info(format!(
            "Re-sending {} to {}…",
            what(&self.original, self.edited),
            self.outgoing.url
        ))
    }
}

impl Resent {
    /// `Re-sent 019aa1b2-dabb to http://127.0.0.1:8787/classet: 200 OK in 4 ms (acknowledged)`
    pub(crate) fn message(&self) -> Message {
        let a = &self.attempt;
        let target = format!("{} to {}", what(&self.original, self.edited), self.url);
        let mut text = match (a.status, &a.error) {
            (Some(s), _) => {
                let reason = reqwest::StatusCode::from_u16(s)
                    .ok()
                    .and_then(|c| c.canonical_reason())
                    .unwrap_or("");
                let verdict = if a.acknowledged {
                    "acknowledged"
                } else if self.policy.only_200 && (200..300).contains(&s) {
                    "not acknowledged: this vendor counts only HTTP 200"
                } else {
                    "not acknowledged"
                };
                format!(
                    "Re-sent {target}: {} in {} ms ({verdict})",
                    format!("{s} {reason}").trim_end(),
                    a.latency.as_millis()
                )
            }
            (None, error) => format!(
                "Could not re-send {target}: {}",
                error.as_deref().unwrap_or("no answer")
            ),
        };
        for n in &self.notes {
            text.push_str("; ");
            text.push_str(n);
        }
        if a.acknowledged {
            Message::info(text)
        } else {
            Message::error(text)
        }
    }
}

/// Whether `text` is a URL a re-send can go to.
pub(crate) fn check_url(text: &str) -> Result<(), String> {
    match reqwest::Url::parse(text) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => Ok(()),
        _ => Err(format!("not an http:// or https:// URL: {text:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resent(status: Option<u16>, error: Option<&str>, acknowledged: bool) -> Resent {
        Resent {
            original: "019aa1b2-0000-7000-8000-000000000001".into(),
            url: "http://127.0.0.1:8787/clearspeed".into(),
            edited: false,
            notes: Vec::new(),
            attempt: Attempt {
                number: 1,
                status,
                error: error.map(str::to_string),
                latency: Duration::from_millis(4),
                acknowledged,
                retry_in: None,
                answer: String::new(),
            },
            policy: Policy::for_provider(ProviderId::CLEARSPEED, Duration::from_secs(1)),
        }
    }

    #[test]
    fn outcomes_read_as_one_line() {
        let ok = resent(Some(200), None, true).message();
        assert_eq!(
            ok.text,
            "Re-sent 019aa1b2-0000 to http://127.0.0.1:8787/clearspeed: 200 OK in 4 ms (acknowledged)"
        );
        assert!(!ok.error);
        let picky = resent(Some(204), None, false).message();
        assert!(picky.error);
        assert!(picky.text.ends_with("only HTTP 200)"), "{}", picky.text);
        let down = resent(None, Some("connection refused"), false).message();
        assert_eq!(
            down.text,
            "Could not re-send 019aa1b2-0000 to http://127.0.0.1:8787/clearspeed: connection refused"
        );
    }

    #[test]
    fn only_http_urls_with_a_host_are_accepted() {
        assert!(check_url("http://127.0.0.1:8787").is_ok());
        assert!(check_url("https://app.example/hooks").is_ok());
        assert!(check_url("127.0.0.1:8787").is_err());
        assert!(check_url("ftp://x").is_err());
        assert!(check_url("").is_err());
    }
}
