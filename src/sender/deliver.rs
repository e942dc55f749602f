//! Sends one delivery under a vendor's policy: attempts, acknowledgement, retries.

use std::time::{Duration, Instant};

use crate::model::Outgoing;
use crate::provider::Policy;

/// One attempt's outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct Attempt {
    /// 1-based.
    pub number: u32,
    pub status: Option<u16>,
    pub error: Option<String>,
    pub latency: Duration,
    pub acknowledged: bool,
    /// The wait before the next attempt, when one is scheduled.
    pub retry_in: Option<Duration>,
    /// The first bytes of the answer body.
    pub answer: String,
}

impl Attempt {
    /// `attempt 1: 503 Service Unavailable in 4 ms; not acknowledged; retry 1 of 3 in 1000 ms`
    pub(crate) fn describe(&self, policy: &Policy) -> String {
        let what = match (self.status, &self.error) {
            (Some(s), _) => {
                let reason = reqwest::StatusCode::from_u16(s)
                    .ok()
                    .and_then(|c| c.canonical_reason())
                    .unwrap_or("");
                format!("{s} {reason}").trim_end().to_string()
            }
            (None, Some(e)) => format!("error: {e}"),
            (None, None) => "no answer".into(),
        };
        let verdict = if self.acknowledged {
            "acknowledged".to_string()
        } else if policy.only_200 && self.status.is_some_and(|s| (200..300).contains(&s)) {
            "not acknowledged (this vendor counts only HTTP 200)".to_string()
        } else {
            "not acknowledged".to_string()
        };
        let mut line = format!(
            "attempt {}: {what} in {} ms; {verdict}",
            self.number,
            self.latency.as_millis()
        );
        if let Some(wait) = self.retry_in {
            line.push_str(&format!(
                "; retry {} of {} in {} ms",
                self.number,
                policy.retries,
                wait.as_millis()
            ));
        }
        line
    }
}

/// Sends `outgoing` until acknowledged or the policy's retries run out. `on_attempt` sees
/// every attempt as it completes (for live output).
pub(crate) async fn deliver(
    client: &reqwest::Client,
    outgoing: &Outgoing,
    policy: &Policy,
    mut on_attempt: impl FnMut(&Attempt),
) -> Vec<Attempt> {
    let mut attempts = Vec::new();
    for number in 1..=policy.retries + 1 {
        let mut attempt = send_once(client, outgoing, policy.timeout).await;
        attempt.number = number;
        attempt.acknowledged = attempt.status.is_some_and(|s| policy.acknowledges(s));
        let more = !attempt.acknowledged && number <= policy.retries;
        attempt.retry_in = more.then(|| policy.backoff(number));
        on_attempt(&attempt);
        let wait = attempt.retry_in;
        let done = attempt.acknowledged;
        attempts.push(attempt);
        if done {
            break;
        }
        match wait {
            Some(w) => tokio::time::sleep(w).await,
            None => break,
        }
    }
    attempts
}

/// One HTTP request, byte for byte as `outgoing` describes it.
pub(crate) async fn send_once(
    client: &reqwest::Client,
    outgoing: &Outgoing,
    timeout: Duration,
) -> Attempt {
    let method =
        reqwest::Method::from_bytes(outgoing.method.as_bytes()).unwrap_or(reqwest::Method::POST);
    let mut req = client
        .request(method, &outgoing.url)
        .timeout(timeout)
        .body(outgoing.body.clone());
    for (name, value) in &outgoing.headers {
        if is_hop_by_hop(name) {
            continue;
        }
        req = req.header(name.as_str(), value.as_str());
    }
    let started = Instant::now();
    let result = req.send().await;
    let (status, error, answer) = match result {
        Ok(resp) => {
            let status = resp.status().as_u16();
            let text = resp.text().await.unwrap_or_default();
            (Some(status), None, text.chars().take(2048).collect())
        }
        Err(e) if e.is_timeout() => (
            None,
            Some(format!("timed out after {} s", timeout.as_secs())),
            String::new(),
        ),
        Err(e) => (None, Some(error_chain(&e)), String::new()),
    };
    Attempt {
        number: 1,
        status,
        error,
        latency: started.elapsed(),
        acknowledged: false,
        retry_in: None,
        answer,
    }
}

/// Headers the HTTP client sets itself from the body and the URL.
pub(crate) fn is_hop_by_hop(name: &str) -> bool {
    matches!(
        name.to_ascii_lowercase().as_str(),
        "host"
            | "content-length"
            | "transfer-encoding"
            | "connection"
            | "keep-alive"
            | "upgrade"
            | "te"
    )
}

/// An error and its sources, one after the other: reqwest's own message alone rarely
/// says what went wrong (refused, reset, DNS).
pub(crate) fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}
