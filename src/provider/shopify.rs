//! Shopify: `X-Shopify-Hmac-Sha256` is the base64 HMAC-SHA256 of the body under the app's
//! secret; the topic and the shop travel in headers, the resource in the body.

use serde_json::Value;

use super::outline::Outline;
use super::signed::{Descriptor, Signed};
use super::tolerant::{JsonExt, header, id_text};
use super::{Policy, Summary, Understanding};
use crate::config::Config;
use crate::model::{ProviderId, Request};
use crate::signature::{Check, Encoding, HmacCheck, KeyRef};

pub(crate) const SIGNATURE_HEADER: &str = "x-shopify-hmac-sha256";
pub(crate) const TOPIC_HEADER: &str = "x-shopify-topic";
pub(crate) const SHOP_HEADER: &str = "x-shopify-shop-domain";
pub(crate) const EVENTS: [&str; 3] = ["orders/create", "products/update", "app/uninstalled"];

/// The shop `send` and `demo` deliver for.
const SAMPLE_SHOP: &str = "northwind-test.myshopify.com";

/// Event from the topic header, subject the resource's id, the shop beside it.
pub(crate) fn understand(headers: &[(String, String)], v: Option<&Value>) -> Understanding {
    let h = |name: &str| header(headers, name).map(str::to_string);
    let field = |k: &str| v.and_then(|v| v.str_at(&[k]));
    let id = v.and_then(|v| v.at(&["id"])).and_then(id_text);
    let mut o = Outline::default();
    o.section("Shopify webhook")
        .field("Topic", h(TOPIC_HEADER))
        .field("Shop", h(SHOP_HEADER))
        .maybe("Webhook id", h("x-shopify-webhook-id"))
        .maybe("Event id", h("x-shopify-event-id"))
        .maybe("API version", h("x-shopify-api-version"))
        .maybe("Triggered at", h("x-shopify-triggered-at"));
    o.section("Resource")
        .field("Id", id.clone())
        .maybe("GraphQL id", field("admin_graphql_api_id"))
        .maybe("Name", field("name").or_else(|| field("title")))
        .maybe("Email", field("email").or_else(|| field("contact_email")))
        .maybe(
            "Total",
            field("total_price").map(|p| {
                format!("{p} {}", field("currency").unwrap_or_default())
                    .trim_end()
                    .to_string()
            }),
        )
        .maybe("Financial", field("financial_status"))
        .maybe("Fulfilment", field("fulfillment_status"))
        .maybe("Status", field("status"))
        .maybe("Vendor", field("vendor"))
        .maybe(
            "Line items",
            v.and_then(|v| v.arr_at(&["line_items"]))
                .map(|items| items.len().to_string()),
        )
        .maybe(
            "Variants",
            v.and_then(|v| v.arr_at(&["variants"]))
                .map(|items| items.len().to_string()),
        );
    Understanding {
        event: h(TOPIC_HEADER),
        event_inferred: false,
        subject: id,
        summary: Summary::Outline(o),
    }
}

pub(crate) struct Shopify;

impl Signed for Shopify {
    const UNIT: Descriptor = Descriptor {
        id: ProviderId::SHOPIFY,
        name: "Shopify",
        route: "/shopify",
        events: &EVENTS,
        headers: &[SIGNATURE_HEADER, TOPIC_HEADER],
        key_noun: "secret",
        key_setting: "providers.shopify.secret (the app's client secret)",
    };

    fn read(&self, req: &Request, json: Option<&Value>) -> Option<Understanding> {
        Some(understand(&req.headers, json))
    }

    fn sent_headers(&self, event: &str, now: i64) -> Vec<(String, String)> {
        let at = chrono::DateTime::from_timestamp(now, 0).unwrap_or_default();
        vec![
            (TOPIC_HEADER.into(), event.into()),
            (SHOP_HEADER.into(), SAMPLE_SHOP.into()),
            ("x-shopify-api-version".into(), "2025-10".into()),
            (
                "x-shopify-webhook-id".into(),
                uuid::Uuid::now_v7().hyphenated().to_string(),
            ),
            (
                "x-shopify-event-id".into(),
                uuid::Uuid::now_v7().hyphenated().to_string(),
            ),
            (
                "x-shopify-triggered-at".into(),
                at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            ),
        ]
    }

    fn checks(&self, config: &Config) -> Vec<Check> {
        let cfg = &config.providers.shopify;
        vec![Check::Hmac(HmacCheck::body(
            "shopify-hmac-sha256",
            SIGNATURE_HEADER,
            Encoding::Base64,
            KeyRef::new(
                Self::UNIT.name,
                cfg.secret.as_ref(),
                "providers.shopify.secret",
            ),
        ))]
    }

    /// Any 2xx within five seconds is documented; a failed delivery is retried eight
    /// times over four hours.
    fn policy(&self) -> Policy {
        Policy {
            ack_assumed: false,
            retries: 8,
            retries_assumed: false,
            timeout: std::time::Duration::from_secs(5),
            timeout_assumed: false,
            after_failure: Some(
                "Shopify retries 8 times over 4 hours, then may remove the subscription",
            ),
            https_only: true,
            ..Policy::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topic_and_shop_come_from_headers_and_the_subject_from_the_body() {
        let v: Value = serde_json::from_str(include_str!(
            "../../assets/samples/shopify/orders-create.json"
        ))
        .unwrap();
        let headers = Shopify.sent_headers("orders/create", 1_763_655_150);
        let u = understand(&headers, Some(&v));
        assert_eq!(u.event.as_deref(), Some("orders/create"));
        assert_eq!(u.subject.as_deref(), Some("820982911946154508"));
        let Summary::Outline(o) = u.summary else {
            panic!("not an outline")
        };
        assert_eq!(o.value("Shop"), Some(SAMPLE_SHOP));
        assert_eq!(o.value("Total"), Some("403.00 USD"));
        assert_eq!(o.value("Triggered at"), Some("2025-11-20T16:12:30.000Z"));
        let u = understand(&[], None);
        assert_eq!((u.event, u.subject), (None, None));
    }
}
