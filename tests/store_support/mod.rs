//! Deliveries built by hand for the store tests.
#![allow(dead_code)]

pub mod pg;

use bytes::Bytes;
use chrono::{DateTime, TimeZone, Utc};
use hookscope::model::{Delivery, Request};
use hookscope::model::{DetectedBy, Findings, ProviderId};
use hookscope::signature::{Hint, Status, Verification};

/// Second `n` after a fixed instant, with milliseconds (what the store keeps).
pub fn at(n: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(1_763_650_000_000 + n * 1000 + 123)
        .unwrap()
}

/// A verified TalentSprout delivery about `subject`, with a JSON body.
pub fn delivery(n: i64, subject: &str) -> Delivery {
    let body =
        format!("{{\"event\":\"interview.completed\",\"n\":{n},\"candidate\":\"{subject}\"}}");
    Delivery {
        id: format!("0193a5b0-0000-7000-8000-{n:012}"),
        received_at: at(n),
        request: Request {
            peer: Some("203.0.113.7:51234".into()),
            ..Request::post(
                "/talentsprout?a=1&b=x%20y",
                &[
                    ("host", "hooks.example.test:8787"),
                    ("content-type", "application/json"),
                    ("x-talentsprout-signature", &format!("sha256={n:064}")),
                ],
                body.as_bytes(),
            )
        },
        findings: Findings {
            provider: ProviderId::TALENTSPROUT,
            detected_by: DetectedBy::Path,
            event: Some("interview.completed".into()),
            event_inferred: false,
            subject: Some(subject.into()),
            verification: Verification::new(
                Status::Verified,
                "talentsprout-hmac-sha256",
                "Signature matches.",
            ),
        },
        response_status: 200,
        replay_of: None,
        forward: None,
    }
}

/// An unrecognised delivery with a binary body, duplicate headers, a failed check and a
/// truncated body: every optional field set differently from [`delivery`].
pub fn odd_delivery(n: i64) -> Delivery {
    let body: Vec<u8> = vec![0xff, 0xfe, 0x00, b'a', 0xc3, 0x28, b'\n', 0x80];
    Delivery {
        id: format!("0193a5b0-ffff-7000-8000-{n:012}"),
        received_at: at(n),
        request: Request {
            method: "PUT".into(),
            path: "/somewhere/else".into(),
            query: None,
            headers: vec![
                ("x-dup".into(), "first".into()),
                ("content-type".into(), "application/octet-stream".into()),
                ("x-dup".into(), "second".into()),
                ("x-dup".into(), "first".into()),
            ],
            body: Bytes::from(body),
            body_bytes: 1_000_000,
            body_truncated: true,
            peer: None,
        },
        findings: Findings {
            provider: ProviderId::UNKNOWN,
            detected_by: DetectedBy::None,
            event: None,
            event_inferred: true,
            subject: None,
            verification: Verification::failed(
                "classet-hmac-sha256",
                Hint::TrailingNewline,
                "The body ends with a newline the sender did not sign.",
            ),
        },
        response_status: 401,
        replay_of: Some("0193a5b0-0000-7000-8000-000000000001".into()),
        forward: None,
    }
}
