//! A delivery: the request as it arrived, what we found, what we answered; and the
//! headless line that reports it.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

use super::{Findings, Request};

#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    pub id: String,
    pub received_at: DateTime<Utc>,
    pub request: Request,
    pub findings: Findings,
    pub response_status: u16,
    /// The delivery this one re-sends, when it is a replay.
    pub replay_of: Option<String>,
    /// What the user's own app answered when the delivery was forwarded to it.
    pub forward: Option<Forward>,
}

/// The outcome of forwarding a delivery to the user's app (`listen --forward-to`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Forward {
    pub url: String,
    /// The app's HTTP status; `None` when it could not be reached or timed out.
    pub status: Option<u16>,
    pub latency_ms: u64,
    pub error: Option<String>,
    /// The first bytes of the app's answer (lossy UTF-8).
    pub body: String,
    /// Where the app's answer would fail the vendor (e.g. 204 for Clearspeed, too slow).
    pub warnings: Vec<String>,
}

/// A new time-ordered id (UUID v7), so ids sort by arrival.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// The `response` object of the headless line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResponseSummary {
    pub status: u16,
}

/// The headless JSON line: a public, stable contract (documented in the README).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Line {
    pub id: String,
    pub received_at: String,
    pub method: String,
    pub path: String,
    #[serde(flatten)]
    pub findings: Findings,
    pub response: ResponseSummary,
    pub body_bytes: u64,
    /// Present only when the delivery was forwarded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forward: Option<Forward>,
}

/// [`Line`] borrowing from its delivery: the same fields in the same order, so the same
/// bytes.
#[derive(Serialize)]
pub struct LineRef<'a> {
    id: &'a str,
    received_at: String,
    method: &'a str,
    path: &'a str,
    #[serde(flatten)]
    findings: &'a Findings,
    response: ResponseSummary,
    body_bytes: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    forward: Option<&'a Forward>,
}

impl Delivery {
    /// The headless line without copying the delivery's strings.
    pub(crate) fn line_ref(&self) -> LineRef<'_> {
        LineRef {
            id: &self.id,
            received_at: rfc3339(self.received_at),
            method: &self.request.method,
            path: &self.request.path,
            findings: &self.findings,
            response: ResponseSummary {
                status: self.response_status,
            },
            body_bytes: self.request.body_bytes,
            forward: self.forward.as_ref(),
        }
    }

    pub fn line(&self) -> Line {
        Line {
            id: self.id.clone(),
            received_at: rfc3339(self.received_at),
            method: self.request.method.clone(),
            path: self.request.path.clone(),
            findings: self.findings.clone(),
            response: ResponseSummary {
                status: self.response_status,
            },
            body_bytes: self.request.body_bytes,
            forward: self.forward.clone(),
        }
    }
}

/// RFC 3339 with millisecond precision and a `Z`.
pub fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DetectedBy, Hint, ProviderId, Verification};

    #[test]
    fn the_printed_line_is_the_serialised_line_in_the_contract_order() {
        let mut d = Delivery {
            id: new_id(),
            received_at: Utc::now(),
            request: Request {
                peer: Some("127.0.0.1:1".into()),
                ..Request::post(
                    "/classet?a=1",
                    &[("content-type", "application/json")],
                    b"{\"event\":\"x\"}",
                )
            },
            findings: Findings {
                provider: ProviderId::CLASSET,
                detected_by: DetectedBy::Path,
                event: Some("candidate.interview.updated".into()),
                event_inferred: false,
                subject: Some("cand \"1\" \u{2028}".into()),
                verification: Verification::failed("classet-hmac-sha256", Hint::WrongSecret, "no"),
            },
            response_status: 200,
            replay_of: None,
            forward: None,
        };
        let check = |d: &Delivery| {
            let printed = serde_json::to_vec(&d.line_ref()).unwrap();
            let expected = serde_json::to_string(&d.line()).unwrap();
            assert_eq!(String::from_utf8(printed.clone()).unwrap(), expected);
            let back: Line = serde_json::from_slice(&printed).unwrap();
            assert_eq!(back, d.line());
            let keys: Vec<String> = serde_json::from_slice::<serde_json::Map<_, _>>(&printed)
                .unwrap()
                .keys()
                .cloned()
                .collect();
            let mut order = vec![
                "id",
                "received_at",
                "method",
                "path",
                "provider",
                "event",
                "event_inferred",
                "subject",
                "detected_by",
                "verification",
                "response",
                "body_bytes",
            ];
            if d.forward.is_some() {
                order.push("forward");
            }
            assert_eq!(keys, order);
        };
        check(&d);
        d.findings.event = None;
        d.findings.subject = None;
        d.forward = Some(Forward {
            url: "http://localhost:3000/hook".into(),
            status: Some(502),
            latency_ms: 12,
            error: None,
            body: "bad gateway".into(),
            warnings: vec!["slow".into()],
        });
        check(&d);
    }
}
