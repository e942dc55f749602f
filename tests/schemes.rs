//! The signed-scheme vendors through the real receiver and `verify`: signatures made by
//! an independent implementation, each vendor's route and its detection by headers on
//! another route, event and subject, and `replay --resign` of a stale timestamp.

mod common;
mod schemes_support;

use common::{Server, now};
use schemes_support::*;

const STRIPE_SECRET: &str = "whsec_test_stripe_7Hq2mJc0";
const SHOPIFY_SECRET: &str = "shpss_test_shopify_4b1f9e";

fn config() -> String {
    format!(
        "[providers.stripe]\nsecret = \"{STRIPE_SECRET}\"\n\
         [providers.shopify]\nsecret = \"{SHOPIFY_SECRET}\"\n"
    )
}

fn sample(rel: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("assets/samples")
        .join(rel);
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    serde_json::to_vec(&v).unwrap()
}

fn post(s: &Server, path: &str, headers: &[(&str, &str)], body: &[u8]) -> serde_json::Value {
    let n = s.lines.lock().unwrap().len();
    s.post(path, headers, body);
    s.line(n)
}

#[test]
fn stripe_verifies_at_its_route_with_any_v1_and_names_event_and_object() {
    let s = Server::start(&config());
    let body = sample("stripe/payment_intent.succeeded.json");
    let t = now();
    let good = stripe_header(STRIPE_SECRET, t, &body);
    let line = post(&s, "/stripe", &[("Stripe-Signature", &good)], &body);
    assert_eq!(line["provider"], "stripe");
    assert_eq!(line["detected_by"], "path");
    assert_eq!(line["event"], "payment_intent.succeeded");
    assert_eq!(line["subject"], "pi_3QbX2kLkdIwHu7ix0mJc7Hq2");
    assert_eq!(line["verification"]["status"], "verified", "{line}");

    // A rotated secret: several v1 entries (and a v0) of which one matches.
    let v1 = good.split_once(",v1=").unwrap().1;
    let rotated = format!(
        "t={t},v1={},v1={v1},v0=6ffbb59b2300aae63f27",
        "0".repeat(64)
    );
    let line = post(&s, "/stripe", &[("Stripe-Signature", &rotated)], &body);
    assert_eq!(line["verification"]["status"], "verified", "{line}");

    let wrong = stripe_header("whsec_someone_else", t, &body);
    let line = post(&s, "/stripe", &[("Stripe-Signature", &wrong)], &body);
    assert_eq!(line["verification"]["status"], "failed", "{line}");
}

#[test]
fn shopify_verifies_at_its_route_and_reads_topic_shop_and_resource() {
    let s = Server::start(&config());
    let body = sample("shopify/orders-create.json");
    let sig = shopify_header(SHOPIFY_SECRET, &body);
    let headers = [
        ("X-Shopify-Hmac-Sha256", sig.as_str()),
        ("X-Shopify-Topic", "orders/create"),
        ("X-Shopify-Shop-Domain", "example.myshopify.com"),
    ];
    let line = post(&s, "/shopify", &headers, &body);
    assert_eq!(line["provider"], "shopify");
    assert_eq!(line["event"], "orders/create");
    assert_eq!(line["subject"], "820982911946154508");
    assert_eq!(line["verification"]["status"], "verified", "{line}");
    let line = post(&s, "/shopify", &headers, b"{\"id\":1}");
    assert_eq!(line["verification"]["status"], "failed", "{line}");
}

#[test]
fn each_vendor_is_detected_by_its_headers_on_another_route() {
    let s = Server::start(&config());
    let body = sample("stripe/checkout.session.completed.json");
    let sig = stripe_header(STRIPE_SECRET, now(), &body);
    let line = post(&s, "/webhooks/in", &[("Stripe-Signature", &sig)], &body);
    assert_eq!(
        (&line["provider"], &line["detected_by"]),
        (&"stripe".into(), &"header".into())
    );
    assert_eq!(line["verification"]["status"], "verified", "{line}");

    let body = sample("shopify/products-update.json");
    let sig = shopify_header(SHOPIFY_SECRET, &body);
    let headers = [
        ("X-Shopify-Hmac-Sha256", sig.as_str()),
        ("X-Shopify-Topic", "products/update"),
    ];
    let line = post(&s, "/", &headers, &body);
    assert_eq!(
        (&line["provider"], &line["detected_by"]),
        (&"shopify".into(), &"header".into())
    );
    assert_eq!(line["event"], "products/update");
    assert_eq!(line["verification"]["status"], "verified", "{line}");
}

#[test]
fn verify_checks_stripe_and_shopify_and_says_when_a_stripe_timestamp_is_stale() {
    let body = sample("stripe/invoice.payment_failed.json");
    let t = 1_763_655_390;
    let sig = stripe_header(STRIPE_SECRET, t, &body);
    let headers = [("Stripe-Signature", sig.as_str())];
    let (code, v) = verify(&config(), "stripe", &headers, &body, t + 10, None);
    assert_eq!((code, &v["status"]), (0, &"verified".into()), "{v}");
    let (code, v) = verify(&config(), "stripe", &headers, &body, t + 3600, None);
    assert_eq!(code, 1);
    assert_eq!(v["hint"], "timestamp_outside_tolerance", "{v}");

    let body = sample("shopify/app-uninstalled.json");
    let sig = shopify_header(SHOPIFY_SECRET, &body);
    let headers = [("X-Shopify-Hmac-Sha256", sig.as_str())];
    let (code, v) = verify(&config(), "shopify", &headers, &body, t, None);
    assert_eq!((code, &v["status"]), (0, &"verified".into()), "{v}");
}

#[test]
fn replay_resign_refreshes_a_stale_stripe_signature() {
    let s = Server::start(&config());
    let body = sample("stripe/payment_intent.succeeded.json");
    let stale = stripe_header(STRIPE_SECRET, now() - 7200, &body);
    let line = post(&s, "/stripe", &[("Stripe-Signature", &stale)], &body);
    assert_eq!(line["verification"]["hint"], "timestamp_outside_tolerance");
    let id = line["id"].as_str().unwrap().to_string();
    let dir = tempfile::tempdir().unwrap();
    let db = s.db.to_string_lossy().into_owned();
    let args = [
        "replay",
        &id,
        "--to",
        &s.url(""),
        "--resign",
        "--store",
        &db,
    ];
    let (code, out, err) = hookscope(dir.path(), &args, &config());
    assert_eq!(code, 0, "{out}{err}");
    let line = s.line(1);
    assert_eq!(line["provider"], "stripe");
    assert_eq!(line["verification"]["status"], "verified", "{line}");
}
