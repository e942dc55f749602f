//! Standard Webhooks: `webhook-signature` is a space-separated list of `v1,<base64>`, the
//! HMAC-SHA256 of `{id}.{timestamp}.{body}` under the base64-decoded secret (`whsec_…`,
//! the prefix optional); any `v1` verifies, other versions are ignored.

use serde_json::Value;

use super::form;
use super::outline::Outline;
use super::signed::{Descriptor, Signed};
use super::tolerant::{JsonExt, display, header, id_text};
use super::{Policy, Summary, Understanding};
use crate::config::Config;
use crate::model::{ProviderId, Request};
use crate::signature::{
    Check, Encoding, HeaderFormat, HmacCheck, KeyRef, SecretEncoding, Template,
};

pub(crate) const SIGNATURE_HEADER: &str = "webhook-signature";
pub(crate) const ID_HEADER: &str = "webhook-id";
pub(crate) const TIMESTAMP_HEADER: &str = "webhook-timestamp";
pub(crate) const EVENTS: [&str; 2] = ["contact.created", "invoice.paid"];

/// Data fields shown in the summary, at most.
const DATA_FIELDS: usize = 8;

/// Event `type`, subject `data.id`, the message id and timestamp from the headers.
pub(crate) fn understand(headers: &[(String, String)], v: Option<&Value>) -> Understanding {
    let h = |name: &str| header(headers, name).map(str::to_string);
    let mut o = Outline::default();
    o.section("Standard Webhooks message")
        .field("Message id", h(ID_HEADER))
        .field(
            "Signed at",
            h(TIMESTAMP_HEADER).map(|t| form::unix_time(&t)),
        )
        .field("Type", v.and_then(|v| v.str_at(&["type"])))
        .maybe("Timestamp", v.and_then(|v| v.str_at(&["timestamp"])));
    if let Some(data) = v.and_then(|v| v.obj_at(&["data"])) {
        o.section("Data");
        for (k, value) in data.iter().filter(|(_, v)| !v.is_object() && !v.is_array()) {
            if o.sections
                .last()
                .is_some_and(|s| s.fields.len() >= DATA_FIELDS)
            {
                o.note("More fields are in the Body tab.");
                break;
            }
            o.maybe(k, display(value));
        }
    }
    Understanding {
        event: v.and_then(|v| v.str_at(&["type"])),
        event_inferred: false,
        subject: v.and_then(|v| v.at(&["data", "id"])).and_then(id_text),
        summary: Summary::Outline(o),
    }
}

pub(crate) struct StandardWebhooks;

impl Signed for StandardWebhooks {
    const UNIT: Descriptor = Descriptor {
        id: ProviderId::STANDARD_WEBHOOKS,
        name: "Standard Webhooks",
        route: "/standard-webhooks",
        events: &EVENTS,
        headers: &[SIGNATURE_HEADER, ID_HEADER],
        key_noun: "secret",
        key_setting: "providers.standard-webhooks.secret (whsec_… as the sender shows it)",
    };

    fn read(&self, req: &Request, json: Option<&Value>) -> Option<Understanding> {
        Some(understand(&req.headers, json))
    }

    /// Each message gets its own id; signing adds the timestamp and signature over it.
    fn sent_headers(&self, _event: &str, _now: i64) -> Vec<(String, String)> {
        vec![(
            ID_HEADER.into(),
            format!("msg_{}", uuid::Uuid::now_v7().simple()),
        )]
    }

    fn checks(&self, config: &Config) -> Vec<Check> {
        let cfg = &config.providers.standard_webhooks;
        let signed = Template::parse("{id}.{timestamp}.{body}").expect("a valid template");
        vec![Check::Hmac(
            HmacCheck::body(
                "standard-webhooks-v1",
                SIGNATURE_HEADER,
                Encoding::Base64,
                KeyRef::new(
                    Self::UNIT.name,
                    cfg.secret.as_ref(),
                    "providers.standard-webhooks.secret",
                ),
            )
            .format(HeaderFormat::StandardWebhooks)
            .signed(signed)
            .timestamp(Some(TIMESTAMP_HEADER), cfg.tolerance_secs)
            .id_header(ID_HEADER)
            .secret_encoding(SecretEncoding::Base64),
        )]
    }

    /// The specification asks for a 2xx and retries with backoff; how many and how long
    /// the sender waits is each sender's choice.
    fn policy(&self) -> Policy {
        Policy {
            ack_assumed: false,
            retries: 3,
            ..Policy::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_and_data_id_are_event_and_subject_and_headers_are_shown() {
        let v: Value = serde_json::from_str(include_str!(
            "../../assets/samples/standard-webhooks/contact.created.json"
        ))
        .unwrap();
        let headers = vec![
            (ID_HEADER.to_string(), "msg_1".to_string()),
            (TIMESTAMP_HEADER.to_string(), "0".to_string()),
        ];
        let u = understand(&headers, Some(&v));
        assert_eq!(u.event.as_deref(), Some("contact.created"));
        assert_eq!(
            u.subject.as_deref(),
            Some("1f81eb52-5198-4599-803e-771906343485")
        );
        let Summary::Outline(o) = u.summary else {
            panic!("not an outline")
        };
        assert_eq!(o.value("Message id"), Some("msg_1"));
        assert_eq!(o.value("Signed at"), Some("1970-01-01 00:00:00 UTC (0)"));
        assert_eq!(o.value("email"), Some("ada@example.com"));
        let u = understand(&[], None);
        assert_eq!((u.event, u.subject), (None, None));
    }
}
