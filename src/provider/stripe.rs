//! Stripe: events signed `Stripe-Signature: t=…,v1=…` over `{t}.{body}` with the
//! endpoint's signing secret used whole (`whsec_…`); any `v1` verifies.

use serde_json::Value;

use super::form::unix_time;
use super::outline::Outline;
use super::signed::{Descriptor, Signed};
use super::tolerant::{JsonExt, display};
use super::{Policy, Summary, Understanding};
use crate::config::Config;
use crate::model::{ProviderId, Request};
use crate::signature::{Check, HmacCheck, KeyRef};

pub(crate) const SIGNATURE_HEADER: &str = "stripe-signature";
pub(crate) const EVENTS: [&str; 3] = [
    "payment_intent.succeeded",
    "checkout.session.completed",
    "invoice.payment_failed",
];

/// Event `type`, subject `data.object.id`, and the object's usual fields.
pub(crate) fn understand(v: &Value) -> Understanding {
    let object = |k: &str| v.str_at(&["data", "object", k]);
    let mut o = Outline::default();
    o.section("Stripe event")
        .field("Type", v.str_at(&["type"]))
        .field("Event id", v.str_at(&["id"]))
        .maybe("Created", v.str_at(&["created"]).map(|t| unix_time(&t)))
        .maybe("Live mode", v.value_at(&["livemode"]).and_then(display))
        .maybe("API version", v.str_at(&["api_version"]))
        .maybe("Request", v.str_at(&["request", "id"]))
        .maybe("Pending hooks", v.str_at(&["pending_webhooks"]));
    o.section("Object")
        .field("Object", object("object"))
        .field("Id", object("id"))
        .maybe("Status", object("status"))
        .maybe("Amount", amount(v))
        .maybe("Customer", object("customer"))
        .maybe(
            "Email",
            object("customer_email")
                .or_else(|| object("receipt_email"))
                .or_else(|| v.str_at(&["data", "object", "customer_details", "email"])),
        )
        .maybe("Description", object("description"));
    if let Some(changed) = v.obj_at(&["data", "previous_attributes"]) {
        let names: Vec<&str> = changed.keys().map(String::as_str).collect();
        o.field("Changed", Some(names.join(", ")));
    }
    Understanding {
        event: v.str_at(&["type"]),
        event_inferred: false,
        subject: object("id"),
        summary: Summary::Outline(o),
    }
}

/// `2000 usd`: Stripe amounts are in the currency's smallest unit.
fn amount(v: &Value) -> Option<String> {
    let o = |k: &str| v.str_at(&["data", "object", k]);
    let value = o("amount")
        .or_else(|| o("amount_total"))
        .or_else(|| o("amount_due"))?;
    let currency = o("currency").unwrap_or_default().to_ascii_uppercase();
    Some(format!("{value} {currency} (smallest currency unit)").replace("  ", " "))
}

pub(crate) struct Stripe;

impl Signed for Stripe {
    const UNIT: Descriptor = Descriptor {
        id: ProviderId::STRIPE,
        name: "Stripe",
        route: "/stripe",
        events: &EVENTS,
        headers: &[SIGNATURE_HEADER],
        key_noun: "secret",
        key_setting: "providers.stripe.secret (the endpoint's whsec_… signing secret)",
    };

    fn read(&self, _req: &Request, json: Option<&Value>) -> Option<Understanding> {
        json.map(understand)
    }

    fn checks(&self, config: &Config) -> Vec<Check> {
        let cfg = &config.providers.stripe;
        vec![Check::Hmac(HmacCheck::stripe(
            "stripe-hmac-sha256",
            SIGNATURE_HEADER,
            cfg.tolerance_secs,
            KeyRef::new(
                Self::UNIT.name,
                cfg.secret.as_ref(),
                "providers.stripe.secret",
            ),
        ))]
    }

    /// Any 2xx is documented as success, and failed deliveries are retried for up to
    /// three days; the number of attempts and the wait are not given.
    fn policy(&self) -> Policy {
        Policy {
            ack_assumed: false,
            retries: 3,
            after_failure: Some("Stripe keeps retrying for up to three days in live mode"),
            https_only: true,
            ..Policy::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn event_type_and_object_id_are_event_and_subject() {
        let v: Value = serde_json::from_str(include_str!(
            "../../assets/samples/stripe/payment_intent.succeeded.json"
        ))
        .unwrap();
        let u = understand(&v);
        assert_eq!(u.event.as_deref(), Some("payment_intent.succeeded"));
        assert_eq!(u.subject.as_deref(), Some("pi_3QbX2kLkdIwHu7ix0mJc7Hq2"));
        let Summary::Outline(o) = u.summary else {
            panic!("not an outline")
        };
        assert_eq!(o.value("Amount"), Some("2000 USD (smallest currency unit)"));
        assert_eq!(o.value("Live mode"), Some("false"));
    }

    #[test]
    fn odd_payloads_read_as_absent() {
        for v in [json!({}), json!([]), json!({"type": 5, "data": "x"})] {
            let u = understand(&v);
            assert_eq!(u.subject, None);
        }
        let u = understand(&json!({"type": "customer.updated",
            "data": {"object": {"id": "cus_1"}, "previous_attributes": {"email": "a"}}}));
        let Summary::Outline(o) = u.summary else {
            panic!()
        };
        assert_eq!(o.value("Changed"), Some("email"));
    }
}
