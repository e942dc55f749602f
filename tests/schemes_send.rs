//! `hookscope send <vendor>` for the signed-scheme vendors: each delivery is verified by
//! hookscope's own receiver and, separately, by an independent implementation of the
//! vendor's signature in this test.

mod common;
mod schemes_support;

use common::Server;
use schemes_support::*;

const STRIPE_SECRET: &str = "whsec_send_stripe_0c1f6f3b";
const SHOPIFY_SECRET: &str = "shpss_send_shopify_9d55";

fn config() -> String {
    format!(
        "[providers.stripe]\nsecret = \"{STRIPE_SECRET}\"\n\
         [providers.shopify]\nsecret = \"{SHOPIFY_SECRET}\"\n"
    )
}

/// Sends `provider`'s sample to `url`; the exit code and output.
fn send(provider: &str, url: &str, extra: &[&str]) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("sent.db");
    let db = db.to_string_lossy();
    let mut args = vec!["send", provider, "--to", url, "--store", &db];
    args.extend_from_slice(extra);
    let (code, out, err) = hookscope(dir.path(), &args, &config());
    (code, format!("{out}{err}"))
}

/// `send` into hookscope's own receiver: verified there, event as sent.
fn verified_by_hookscope(provider: &str, event: &str) -> serde_json::Value {
    let s = Server::start(&config());
    let (code, out) = send(
        provider,
        &s.url(&format!("/{provider}")),
        &["--event", event],
    );
    assert_eq!(code, 0, "{out}");
    let line = s.line(0);
    assert_eq!(line["provider"], provider, "{line}");
    assert_eq!(line["event"], event, "{line}");
    assert_eq!(line["verification"]["status"], "verified", "{line}");
    line
}

/// `send` into a plain app: the one request it received.
fn received(provider: &str, extra: &[&str]) -> Hit {
    let (base, hits, _rt) = app();
    let (code, out) = send(provider, &format!("{base}/{provider}"), extra);
    assert_eq!(code, 0, "{out}");
    let hits = hits.lock().unwrap();
    assert_eq!(hits.len(), 1);
    hits[0].clone()
}

fn header<'h>(h: &'h Hit, name: &str) -> &'h str {
    h.1.get(name)
        .unwrap_or_else(|| panic!("no {name} in {:?}", h.1))
        .to_str()
        .unwrap()
}

#[test]
fn send_stripe_verifies_at_hookscope_and_by_stripes_documented_scheme() {
    verified_by_hookscope("stripe", "checkout.session.completed");
    let hit = received("stripe", &[]);
    let sig = header(&hit, "stripe-signature");
    assert!(stripe_verifies(STRIPE_SECRET, sig, &hit.2), "{sig}");
    assert!(!stripe_verifies("whsec_other", sig, &hit.2));
    let v: serde_json::Value = serde_json::from_slice(&hit.2).unwrap();
    assert_eq!(v["type"], "payment_intent.succeeded");
    let bad = received("stripe", &["--bad-signature"]);
    assert!(!stripe_verifies(
        STRIPE_SECRET,
        header(&bad, "stripe-signature"),
        &bad.2
    ));
}

#[test]
fn send_shopify_verifies_at_hookscope_and_by_shopifys_documented_scheme() {
    let line = verified_by_hookscope("shopify", "products/update");
    assert_eq!(line["subject"], "788032119674292922");
    let hit = received("shopify", &["--event", "app/uninstalled"]);
    assert_eq!(
        header(&hit, "x-shopify-hmac-sha256"),
        shopify_header(SHOPIFY_SECRET, &hit.2)
    );
    assert_eq!(header(&hit, "x-shopify-topic"), "app/uninstalled");
    assert!(header(&hit, "x-shopify-shop-domain").ends_with(".myshopify.com"));
}
