//! One received request, exactly as it arrived, plus what we made of it.

use bytes::Bytes;
use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

use crate::provider::{DetectedBy, ProviderId};
use crate::signature::{Status, Verification};

/// A request as it arrived. `body` holds the exact bytes (only the first bytes when the
/// body was larger than the limit: then `body_truncated` is set and `body_bytes` is the
/// full size).
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    /// Lower-cased names, values as received (lossy UTF-8), in arrival order.
    pub headers: Vec<(String, String)>,
    pub body: Bytes,
    pub body_bytes: u64,
    pub body_truncated: bool,
    pub peer: Option<String>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A delivery: the request plus detection, verification and our answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    pub id: String,
    pub received_at: DateTime<Utc>,
    pub request: Request,
    pub provider: ProviderId,
    pub detected_by: DetectedBy,
    pub event: Option<String>,
    /// The event name was inferred from the body rather than named by the vendor.
    pub event_inferred: bool,
    pub subject: Option<String>,
    pub verification: Verification,
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
    pub provider: ProviderId,
    pub event: Option<String>,
    pub event_inferred: bool,
    pub subject: Option<String>,
    pub detected_by: DetectedBy,
    pub verification: Verification,
    pub response: ResponseSummary,
    pub body_bytes: u64,
    /// Present only when the delivery was forwarded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forward: Option<Forward>,
}

/// [`Line`] borrowing from its delivery: the same fields in the same order, so the same
/// bytes.
#[derive(Serialize)]
struct LineRef<'a> {
    id: &'a str,
    received_at: String,
    method: &'a str,
    path: &'a str,
    provider: ProviderId,
    event: Option<&'a str>,
    event_inferred: bool,
    subject: Option<&'a str>,
    detected_by: DetectedBy,
    verification: &'a Verification,
    response: ResponseSummary,
    body_bytes: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    forward: Option<&'a Forward>,
}

impl Delivery {
    pub fn line(&self) -> Line {
        Line {
            id: self.id.clone(),
            received_at: rfc3339(self.received_at),
            method: self.request.method.clone(),
            path: self.request.path.clone(),
            provider: self.provider,
            event: self.event.clone(),
            event_inferred: self.event_inferred,
            subject: self.subject.clone(),
            detected_by: self.detected_by,
            verification: self.verification.clone(),
            response: ResponseSummary {
                status: self.response_status,
            },
            body_bytes: self.request.body_bytes,
            forward: self.forward.clone(),
        }
    }

    /// Appends the headless line, exactly as [`Delivery::line`] serialises, and a newline
    /// to `out`, without copying the delivery's strings first. On error `out` is as it was.
    pub fn write_line(&self, out: &mut Vec<u8>) -> serde_json::Result<()> {
        let start = out.len();
        let line = LineRef {
            id: &self.id,
            received_at: rfc3339(self.received_at),
            method: &self.request.method,
            path: &self.request.path,
            provider: self.provider,
            event: self.event.as_deref(),
            event_inferred: self.event_inferred,
            subject: self.subject.as_deref(),
            detected_by: self.detected_by,
            verification: &self.verification,
            response: ResponseSummary {
                status: self.response_status,
            },
            body_bytes: self.request.body_bytes,
            forward: self.forward.as_ref(),
        };
        crate::sanitize::to_json_writer(&mut *out, &line).inspect_err(|_| out.truncate(start))?;
        out.push(b'\n');
        Ok(())
    }

    pub fn is_verified(&self) -> bool {
        self.verification.status == Status::Verified
    }
}

/// RFC 3339 with millisecond precision and a `Z`.
pub fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signature::Hint;

    #[test]
    fn the_printed_line_is_the_serialised_line() {
        let mut d = Delivery {
            id: new_id(),
            received_at: Utc::now(),
            request: Request {
                method: "POST".into(),
                path: "/classet".into(),
                query: Some("a=1".into()),
                headers: vec![("content-type".into(), "application/json".into())],
                body: Bytes::from_static(b"{\"event\":\"x\"}"),
                body_bytes: 13,
                body_truncated: false,
                peer: Some("127.0.0.1:1".into()),
            },
            provider: ProviderId::Classet,
            detected_by: DetectedBy::Path,
            event: Some("candidate.interview.updated".into()),
            event_inferred: false,
            subject: Some("cand \"1\" \u{2028}".into()),
            verification: Verification::failed("classet-hmac-sha256", Hint::WrongSecret, "no"),
            response_status: 200,
            replay_of: None,
            forward: None,
        };
        let check = |d: &Delivery| {
            let mut printed = Vec::new();
            d.write_line(&mut printed).unwrap();
            let expected = serde_json::to_string(&d.line()).unwrap() + "\n";
            assert_eq!(String::from_utf8(printed).unwrap(), expected);
        };
        check(&d);
        d.event = None;
        d.subject = None;
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
