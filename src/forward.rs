//! `listen --forward-to`: every delivery also goes to the user's own app, byte for byte,
//! and what the app answered is recorded beside our own answer.

use std::time::{Duration, Instant};

use crate::model::{Forward, ProviderId, Request};
use crate::sender::Policy;
use crate::sender::deliver::{error_chain, is_hop_by_hop};

/// Requests forwarded to the user's app carry this header, listing the receivers they
/// came through, so a forward that comes back is not forwarded again.
pub(crate) const FORWARDED_HEADER: &str = "x-hookscope-forwarded";

/// How long we wait for the app; longer than any vendor's timeout so that "too slow for
/// the vendor" can still be measured and reported.
pub(crate) const FORWARD_TIMEOUT: Duration = Duration::from_secs(60);
/// How much of the app's answer is kept.
pub(crate) const ANSWER_EXCERPT_BYTES: usize = 4096;

#[derive(Debug, Clone)]
pub(crate) struct ForwardTarget {
    /// The app's base URL; the request's path and query are appended.
    pub base: String,
    /// Answer the vendor with the app's status instead of our own.
    pub use_app_status: bool,
}

/// `base` + the delivery's path and query: `http://localhost:3000/hooks` and `/classet?x=1`
/// give `http://localhost:3000/hooks/classet?x=1`.
pub(crate) fn target_url(base: &str, path: &str, query: Option<&str>) -> String {
    let mut url = format!("{}{}", base.trim_end_matches('/'), path);
    if let Some(q) = query {
        url.push('?');
        url.push_str(q);
    }
    url
}

/// Sends `req` (with its real credentials) to the app and reports what happened.
pub(crate) async fn forward(
    client: &reqwest::Client,
    target: &ForwardTarget,
    req: &Request,
    provider: ProviderId,
    instance: &str,
) -> Forward {
    let url = target_url(&target.base, &req.path, req.query.as_deref());
    let method =
        reqwest::Method::from_bytes(req.method.as_bytes()).unwrap_or(reqwest::Method::POST);
    let mut builder = client
        .request(method, &url)
        .timeout(FORWARD_TIMEOUT)
        .body(req.body.clone());
    let mut hops = instance.to_string();
    for (name, value) in &req.headers {
        if name.eq_ignore_ascii_case(FORWARDED_HEADER) {
            hops = format!("{value}, {instance}");
        } else if !is_hop_by_hop(name) {
            builder = builder.header(name.as_str(), value.as_str());
        }
    }
    // Marks the request as ours, so that if it comes back it is not forwarded again.
    builder = builder.header(FORWARDED_HEADER, hops);
    let started = Instant::now();
    let (status, error, body) = match builder.send().await {
        Ok(resp) => {
            let status = resp.status().as_u16();
            let kept = excerpt(resp).await;
            (
                Some(status),
                None,
                String::from_utf8_lossy(&kept).into_owned(),
            )
        }
        Err(e) if e.is_timeout() => (
            None,
            Some(format!("no answer within {} s", FORWARD_TIMEOUT.as_secs())),
            String::new(),
        ),
        Err(e) => (None, Some(error_chain(&e)), String::new()),
    };
    let latency = started.elapsed();
    Forward {
        warnings: warnings(provider, status, latency),
        url,
        status,
        latency_ms: latency.as_millis() as u64,
        error,
        body,
    }
}

/// The first bytes of the app's answer; the rest is never read.
async fn excerpt(mut resp: reqwest::Response) -> Vec<u8> {
    let mut kept = Vec::new();
    while kept.len() < ANSWER_EXCERPT_BYTES {
        match resp.chunk().await {
            Ok(Some(chunk)) => {
                let take = (ANSWER_EXCERPT_BYTES - kept.len()).min(chunk.len());
                kept.extend_from_slice(&chunk[..take]);
            }
            _ => break,
        }
    }
    kept
}

/// The record of a forward still waiting for the app when hookscope stopped.
pub(crate) fn abandoned(target: &ForwardTarget, req: &Request) -> Forward {
    Forward {
        url: target_url(&target.base, &req.path, req.query.as_deref()),
        status: None,
        latency_ms: 0,
        error: Some("hookscope stopped before the app answered".into()),
        body: String::new(),
        warnings: Vec::new(),
    }
}

/// Where the app's answer would count as a failed delivery for the vendor.
pub(crate) fn warnings(
    provider: ProviderId,
    status: Option<u16>,
    latency: Duration,
) -> Vec<String> {
    crate::provider::answer_warnings(provider, &crate::config::Config::default(), status, latency)
}

/// Whether the app's answer acknowledges the delivery for its vendor.
pub(crate) fn acknowledged(forward: &Forward, provider: ProviderId) -> bool {
    let policy = Policy::for_provider(provider, Duration::from_secs(1));
    forward.status.is_some_and(|s| policy.acknowledges(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn target_url_appends_path_and_query() {
        assert_eq!(
            target_url("http://localhost:3000/hooks/", "/classet", Some("x=1")),
            "http://localhost:3000/hooks/classet?x=1"
        );
        assert_eq!(target_url("http://a:1", "/", None), "http://a:1/");
    }

    #[test]
    fn warns_when_the_vendor_would_count_a_failure() {
        let w = warnings(ProviderId::CLEARSPEED, Some(204), Duration::from_millis(5));
        assert_eq!(w.len(), 1);
        assert!(
            w[0].contains("only HTTP 200") && w[0].contains("204"),
            "{w:?}"
        );
        assert!(warnings(ProviderId::CLASSET, Some(204), Duration::ZERO).is_empty());
        let slow = warnings(ProviderId::TALENTSPROUT, Some(200), Duration::from_secs(31));
        assert!(slow[0].contains("30 s"), "{slow:?}");
        assert!(!warnings(ProviderId::JOBMOJITO, None, Duration::ZERO).is_empty());
    }
}
