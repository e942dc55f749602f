//! `hookscope send <vendor>` for the signed-scheme vendors: each delivery is verified by
//! hookscope's own receiver and, separately, by an independent implementation of the
//! vendor's signature in this test.

mod common;
mod schemes_support;

use common::Server;
use schemes_support::*;

const STRIPE_SECRET: &str = "whsec_send_stripe_0c1f6f3b";
const SHOPIFY_SECRET: &str = "shpss_send_shopify_9d55";
const SW_SECRET: &str = "whsec_c2VuZF9zdGFuZGFyZF93ZWJob29rc18xMjM0NTY=";
const GITHUB_SECRET: &str = "gh_send_secret_5e1d";
const SLACK_SECRET: &str = "slack_send_secret_77aa";
const TWILIO_TOKEN: &str = "twilio_send_token_3c9e";

fn config() -> String {
    format!(
        "[providers.stripe]\nsecret = \"{STRIPE_SECRET}\"\n\
         [providers.shopify]\nsecret = \"{SHOPIFY_SECRET}\"\n\
         [providers.standard-webhooks]\nsecret = \"{SW_SECRET}\"\n\
         [providers.github]\nsecret = \"{GITHUB_SECRET}\"\n\
         [providers.slack]\nsecret = \"{SLACK_SECRET}\"\n\
         [providers.twilio]\nauth_token = \"{TWILIO_TOKEN}\"\n"
    )
}

/// Sends `provider`'s sample to `url`; the exit code and output.
fn send(provider: &str, url: &str, extra: &[&str]) -> (i32, String) {
    send_with(&config(), provider, url, extra)
}

fn send_with(config: &str, provider: &str, url: &str, extra: &[&str]) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("sent.db");
    let db = db.to_string_lossy();
    let mut args = vec!["send", provider, "--to", url, "--store", &db];
    args.extend_from_slice(extra);
    let (code, out, err) = hookscope(dir.path(), &args, config);
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

#[test]
fn send_standard_webhooks_verifies_at_hookscope_and_by_the_specification() {
    verified_by_hookscope("standard-webhooks", "invoice.paid");
    let hit = received("standard-webhooks", &[]);
    let id = header(&hit, "webhook-id");
    let t = header(&hit, "webhook-timestamp");
    assert!(id.starts_with("msg_"), "{id}");
    let expected = standard_webhooks_signature(SW_SECRET, id, t, &hit.2);
    let sent = header(&hit, "webhook-signature");
    assert!(
        sent.split(' ').any(|s| s == expected),
        "{sent} vs {expected}"
    );
    let bad = received("standard-webhooks", &["--bad-signature"]);
    let expected = standard_webhooks_signature(
        SW_SECRET,
        header(&bad, "webhook-id"),
        header(&bad, "webhook-timestamp"),
        &bad.2,
    );
    assert_ne!(header(&bad, "webhook-signature"), expected);
}

#[test]
fn send_github_verifies_at_hookscope_and_by_githubs_documented_scheme() {
    let line = verified_by_hookscope("github", "pull_request.opened");
    assert_eq!(line["subject"], "octo-org/hello-world#1347");
    let hit = received("github", &["--event", "pull_request.opened"]);
    assert_eq!(
        header(&hit, "x-hub-signature-256"),
        github_signature(GITHUB_SECRET, &hit.2)
    );
    assert_eq!(header(&hit, "x-github-event"), "pull_request");
    assert!(!header(&hit, "x-github-delivery").is_empty());
}

#[test]
fn send_slack_verifies_json_and_form_bodies_at_hookscope_and_by_slacks_scheme() {
    verified_by_hookscope("slack", "app_mention");
    verified_by_hookscope("slack", "slash_command");
    for event in ["app_mention", "block_actions"] {
        let hit = received("slack", &["--event", event]);
        let t = header(&hit, "x-slack-request-timestamp");
        assert_eq!(
            header(&hit, "x-slack-signature"),
            slack_signature(SLACK_SECRET, t, &hit.2),
            "{event}"
        );
        let form = event == "block_actions";
        assert_eq!(
            header(&hit, "content-type").contains("x-www-form-urlencoded"),
            form,
            "{event}"
        );
    }
}

#[test]
fn send_twilio_verifies_at_hookscope_and_by_twilios_scheme_with_and_without_a_public_url() {
    verified_by_hookscope("twilio", "incoming_call");
    let (base, hits, _rt) = app();
    let url = format!("{base}/twilio?tenant=7");
    let (code, out) = send("twilio", &url, &[]);
    assert_eq!(code, 0, "{out}");
    let hit = hits.lock().unwrap()[0].clone();
    assert!(header(&hit, "content-type").contains("x-www-form-urlencoded"));
    assert_eq!(
        header(&hit, "x-twilio-signature"),
        twilio_signature(TWILIO_TOKEN, &url, &hit.2)
    );
    // Configured with a tunnel's URL, Twilio signs that URL, not the one delivered to;
    // hookscope's receiver with the same setting verifies it.
    let public = "https://abc123.tunnel.example/twilio";
    let cfg = format!("{}public_url = \"{public}\"\n", config());
    let (base, hits, _rt) = app();
    let (code, out) = send_with(&cfg, "twilio", &format!("{base}/twilio"), &[]);
    assert_eq!(code, 0, "{out}");
    let hit = hits.lock().unwrap()[0].clone();
    assert_eq!(
        header(&hit, "x-twilio-signature"),
        twilio_signature(TWILIO_TOKEN, public, &hit.2)
    );
    let s = Server::start(&cfg);
    let (code, out) = send_with(&cfg, "twilio", &s.url("/twilio"), &[]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        s.line(0)["verification"]["status"],
        "verified",
        "{}",
        s.line(0)
    );
}
