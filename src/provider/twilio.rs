//! Twilio: `X-Twilio-Signature` is the base64 HMAC-SHA1, under the account's auth token,
//! of the URL Twilio was configured with followed by the form parameters sorted by name,
//! each name then value. Behind a tunnel that URL is not the one hookscope sees, so it is
//! configured (`public_url`). A JSON body is signed through the URL's `bodySHA256`.

use serde_json::Value;
use sha2::Digest;

use super::form;
use super::outline::Outline;
use super::signed::{Descriptor, Signed};
use super::tolerant::JsonExt;
use super::{Policy, Summary, Understanding, query_param};
use crate::config::Config;
use crate::model::{ProviderId, Request, Status, Verification};
use crate::signature::{Algorithm, Check, Encoding, HmacCheck, KeyRef, Template};

pub(crate) const SIGNATURE_HEADER: &str = "x-twilio-signature";
pub(crate) const INCOMING_MESSAGE: &str = "incoming_message";
pub(crate) const MESSAGE_STATUS: &str = "message_status";
pub(crate) const INCOMING_CALL: &str = "incoming_call";
pub(crate) const CALL_STATUS: &str = "call_status";
pub(crate) const EVENTS: [&str; 3] = [INCOMING_MESSAGE, MESSAGE_STATUS, INCOMING_CALL];

/// Twilio names no event: what the parameters say happened, and why.
fn infer_event(p: &[(String, String)]) -> Option<&'static str> {
    let has = |k: &str| form::param(p, k).is_some();
    if has("CallSid") {
        let ringing = form::param(p, "CallStatus") == Some("ringing");
        Some(if ringing { INCOMING_CALL } else { CALL_STATUS })
    } else if has("MessageStatus") {
        Some(MESSAGE_STATUS)
    } else if has("MessageSid") || has("SmsSid") {
        Some(INCOMING_MESSAGE)
    } else {
        None
    }
}

fn form_understanding(p: &[(String, String)]) -> Understanding {
    let f = |k: &str| form::param(p, k).map(str::to_string);
    let mut o = Outline::default();
    let event = infer_event(p);
    if f("CallSid").is_some() {
        o.section("Call")
            .field("Call", f("CallSid"))
            .field("Status", f("CallStatus"))
            .maybe("Direction", f("Direction"))
            .maybe("Caller name", f("CallerName"))
            .maybe("Duration", f("CallDuration").map(|d| format!("{d} s")));
    } else {
        o.section("Message")
            .field("Message", f("MessageSid").or_else(|| f("SmsSid")))
            .field("Status", f("MessageStatus").or_else(|| f("SmsStatus")))
            .maybe("Body", f("Body"))
            .maybe("Media", f("NumMedia").filter(|n| n != "0"))
            .maybe("Segments", f("NumSegments"))
            .maybe("Error", f("ErrorCode"));
    }
    o.field("From", f("From"))
        .field("To", f("To"))
        .maybe(
            "From place",
            f("FromCity")
                .into_iter()
                .chain(f("FromState"))
                .chain(f("FromCountry"))
                .reduce(|a, b| format!("{a}, {b}")),
        )
        .maybe("Account", f("AccountSid"))
        .maybe("Service", f("MessagingServiceSid"))
        .maybe("API version", f("ApiVersion"));
    if event.is_some() {
        o.note("Twilio names no event: it is read from the parameters sent.");
    }
    Understanding {
        event: event.map(str::to_string),
        event_inferred: event.is_some(),
        subject: f("MessageSid")
            .or_else(|| f("SmsSid"))
            .or_else(|| f("CallSid")),
        summary: Summary::Outline(o),
    }
}

/// A JSON delivery (an event stream's CloudEvents): its `type`, the first of a batch.
fn json_understanding(v: &Value) -> Understanding {
    let first = v.at(&["0"]).unwrap_or(v);
    let sid = ["messageSid", "callSid", "sid"]
        .iter()
        .find_map(|k| first.str_at(&["data", k]));
    let mut o = Outline::default();
    o.section("Twilio event")
        .field("Type", first.str_at(&["type"]))
        .maybe("Id", first.str_at(&["id"]))
        .maybe("Source", first.str_at(&["source"]))
        .maybe("Time", first.str_at(&["time"]))
        .maybe("Sid", sid.clone());
    Understanding {
        event: first.str_at(&["type"]),
        event_inferred: false,
        subject: sid,
        summary: Summary::Outline(o),
    }
}

pub(crate) struct Twilio;

impl Signed for Twilio {
    const UNIT: Descriptor = Descriptor {
        id: ProviderId::TWILIO,
        name: "Twilio",
        route: "/twilio",
        events: &EVENTS,
        headers: &[SIGNATURE_HEADER],
        key_noun: "auth token",
        key_setting: "providers.twilio.auth_token (and providers.twilio.public_url, the URL \
                      entered in Twilio's console)",
    };

    fn read(&self, req: &Request, json: Option<&Value>) -> Option<Understanding> {
        match (json, form::pairs(&req.body)) {
            (Some(v), _) => Some(json_understanding(v)),
            (None, Some(p)) => Some(form_understanding(&p)),
            (None, None) => None,
        }
    }

    fn sent_headers(&self, _event: &str, _now: i64) -> Vec<(String, String)> {
        vec![
            ("user-agent".into(), "TwilioProxy/1.1".into()),
            (
                "i-twilio-idempotency-token".into(),
                uuid::Uuid::now_v7().hyphenated().to_string(),
            ),
        ]
    }

    fn content_type(&self, body: &[u8]) -> &'static str {
        if body.trim_ascii_start().starts_with(b"{") || body.trim_ascii_start().starts_with(b"[") {
            "application/json"
        } else {
            "application/x-www-form-urlencoded"
        }
    }

    fn checks(&self, config: &Config) -> Vec<Check> {
        let cfg = &config.providers.twilio;
        let signed = Template::parse("{url}{form_params_sorted}").expect("a valid template");
        vec![Check::Hmac(
            HmacCheck::body(
                "twilio-hmac-sha1",
                SIGNATURE_HEADER,
                Encoding::Base64,
                KeyRef::new(
                    Self::UNIT.name,
                    cfg.auth_token.as_ref(),
                    "providers.twilio.auth_token",
                ),
            )
            .algorithm(Algorithm::Sha1)
            .signed(signed)
            .public_url(cfg.public_url.clone()),
        )]
    }

    /// A signature over a URL carrying `bodySHA256` covers the body only through that
    /// hash: a body that does not hash to it is not the one Twilio signed.
    fn annotate(&self, verification: &mut Verification, req: &Request) {
        if verification.status != Status::Verified {
            return;
        }
        let Some(expected) = query_param(req.query.as_deref(), "bodySHA256") else {
            return;
        };
        let actual = hex::encode(sha2::Sha256::digest(&req.body));
        if !expected.trim().eq_ignore_ascii_case(&actual) {
            *verification = Verification::new(
                Status::Failed,
                verification.scheme.clone(),
                format!(
                    "The signature over the URL verifies, but its bodySHA256 is {expected} \
                     while the body's SHA-256 is {actual}: the body is not the one Twilio \
                     signed."
                ),
            );
        }
    }

    /// Twilio waits 15 s and does not retry unless the URL asks it to.
    fn policy(&self) -> Policy {
        Policy {
            retries: 0,
            retries_assumed: false,
            timeout: std::time::Duration::from_secs(15),
            timeout_assumed: false,
            ..Policy::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::brief::tests::request;
    use super::*;

    fn understood(body: &[u8]) -> Understanding {
        let req = request("/twilio", &[], body);
        let json = crate::provider::body_json(body);
        Twilio.read(&req, json.as_ref()).expect("understood")
    }

    #[test]
    fn the_event_is_inferred_from_the_parameters_and_the_subject_is_the_sid() {
        let u = understood(include_bytes!(
            "../../assets/samples/twilio/incoming_message.form"
        ));
        assert_eq!(u.event.as_deref(), Some(INCOMING_MESSAGE));
        assert!(u.event_inferred);
        assert_eq!(
            u.subject.as_deref(),
            Some("SM2d8c3a7e5b0f4c19a6e1d7b3f9a2c4e8")
        );
        let Summary::Outline(o) = u.summary else {
            panic!("not an outline")
        };
        assert_eq!(o.value("Body"), Some("Is my order on its way?"));
        let u = understood(include_bytes!(
            "../../assets/samples/twilio/message_status.form"
        ));
        assert_eq!(u.event.as_deref(), Some(MESSAGE_STATUS));
        let u = understood(include_bytes!(
            "../../assets/samples/twilio/incoming_call.form"
        ));
        assert_eq!(u.event.as_deref(), Some(INCOMING_CALL));
        assert_eq!(
            u.subject.as_deref(),
            Some("CA5f1e2d3c4b5a69788796a5b4c3d2e1f0")
        );
        let u = understood(
            br#"[{"type":"com.twilio.messaging.message.delivered","data":{"messageSid":"SM1"}}]"#,
        );
        assert_eq!(
            u.event.as_deref(),
            Some("com.twilio.messaging.message.delivered")
        );
        assert_eq!(u.subject.as_deref(), Some("SM1"));
    }

    #[test]
    fn a_body_that_does_not_hash_to_body_sha256_fails() {
        let body = br#"{"a":1}"#;
        let digest = hex::encode(sha2::Sha256::digest(body));
        let mut req = request("/twilio", &[], body);
        req.query = Some(format!("bodySHA256={digest}"));
        let mut v = Verification::new(Status::Verified, "twilio-hmac-sha1", "ok");
        Twilio.annotate(&mut v, &req);
        assert_eq!(v.status, Status::Verified);
        req.body = bytes::Bytes::from_static(br#"{"a":2}"#);
        Twilio.annotate(&mut v, &req);
        assert_eq!(v.status, Status::Failed, "{}", v.detail);
        assert!(v.detail.contains("bodySHA256"), "{}", v.detail);
    }
}
