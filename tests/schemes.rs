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

/// The published examples' own secrets; their timestamps are years old, so the tolerance
/// is widened (a setting like any other) for the receiver to judge the signature alone.
fn published_config() -> String {
    "[providers.standard-webhooks]\nsecret = \"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\"\n\
     tolerance_secs = 4000000000\n\
     [providers.github]\nsecret = \"It's a Secret to Everybody\"\n\
     [providers.slack]\nsecret = \"8f742231b10e8888abcd99yyyzzz85a5\"\ntolerance_secs = 4000000000\n\
     [providers.twilio]\nauth_token = \"12345\"\npublic_url = \"https://mycompany.com/myapp.php\"\n"
        .to_string()
}

const SW_BODY: &[u8] = br#"{"test": 2432232314}"#;
const SW_SIGNATURE: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
const GITHUB_SIGNATURE: &str =
    "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
const SLACK_BODY: &[u8] = b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
const SLACK_SIGNATURE: &str = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";
const TWILIO_BODY: &[u8] =
    b"CallSid=CA1234567890ABCDE&Caller=%2B12349013030&Digits=1234&From=%2B12349013030&To=%2B18005551212";
const TWILIO_SIGNATURE: &str = "0/KCTR6DLpKmkAf8muzZqo1nDgQ=";
const FORM: &str = "application/x-www-form-urlencoded";

/// Content type, headers, body and the provider expected.
type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], &'a [u8], &'a str);
/// A path, then as [`Case`].
type RoutedCase<'a> = (
    &'a str,
    &'a str,
    &'a [(&'a str, &'a str)],
    &'a [u8],
    &'a str,
);

#[test]
fn the_independent_implementations_reproduce_the_published_examples() {
    let sw = standard_webhooks_signature(
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "msg_p5jXN8AQM9LWM0D4loKWxJek",
        "1614265330",
        SW_BODY,
    );
    assert_eq!(sw, SW_SIGNATURE);
    assert_eq!(
        github_signature("It's a Secret to Everybody", b"Hello, World!"),
        GITHUB_SIGNATURE
    );
    assert_eq!(
        slack_signature("8f742231b10e8888abcd99yyyzzz85a5", "1531420618", SLACK_BODY),
        SLACK_SIGNATURE
    );
    assert_eq!(
        twilio_signature(
            "12345",
            "https://mycompany.com/myapp.php?foo=1&bar=2",
            TWILIO_BODY
        ),
        TWILIO_SIGNATURE
    );
}

#[test]
fn the_published_examples_verify_through_the_receiver() {
    let s = Server::start(&published_config());
    let sw_headers = [
        ("webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek"),
        ("webhook-timestamp", "1614265330"),
        ("webhook-signature", SW_SIGNATURE),
    ];
    let slack_headers = [
        ("X-Slack-Request-Timestamp", "1531420618"),
        ("X-Slack-Signature", SLACK_SIGNATURE),
    ];
    let cases: [RoutedCase; 4] = [
        (
            "/standard-webhooks",
            "application/json",
            &sw_headers,
            SW_BODY,
            "standard-webhooks",
        ),
        (
            "/github",
            "application/json",
            &[
                ("X-Hub-Signature-256", GITHUB_SIGNATURE),
                ("X-GitHub-Event", "ping"),
            ],
            b"Hello, World!",
            "github",
        ),
        ("/slack", FORM, &slack_headers, SLACK_BODY, "slack"),
        // Behind a tunnel: Twilio signed its public URL, hookscope sees 127.0.0.1.
        (
            "/twilio?foo=1&bar=2",
            FORM,
            &[("X-Twilio-Signature", TWILIO_SIGNATURE)],
            TWILIO_BODY,
            "twilio",
        ),
    ];
    for (n, (path, content_type, headers, body, provider)) in cases.into_iter().enumerate() {
        post_as(&s.url(path), content_type, headers, body);
        let line = s.line(n);
        assert_eq!(line["provider"], provider, "{line}");
        assert_eq!(line["detected_by"], "path", "{line}");
        assert_eq!(
            line["verification"]["status"], "verified",
            "{provider}: {line}"
        );
    }
    let line = s.line(2);
    assert_eq!(line["event"], "slash_command");
    assert_eq!(line["subject"], "U2CERLKJA");
    // (The example's CallSid contains its five-character auth token, which every exit
    // masks, so the subject is not compared here.)
    assert!(s.line(3)["subject"].as_str().unwrap().starts_with("CA"));
    // One byte more and each fails.
    post_as(
        &s.url("/github"),
        "application/json",
        &[("X-Hub-Signature-256", GITHUB_SIGNATURE)],
        b"Hello, World!!",
    );
    assert_eq!(s.line(4)["verification"]["status"], "failed");
}

#[test]
fn the_published_examples_verify_through_verify() {
    let cfg = published_config();
    let (code, v) = verify(
        &cfg,
        "standard-webhooks",
        &[
            ("webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek"),
            ("webhook-timestamp", "1614265330"),
            ("webhook-signature", SW_SIGNATURE),
        ],
        SW_BODY,
        1_614_265_330,
        None,
    );
    assert_eq!((code, &v["status"]), (0, &"verified".into()), "{v}");
    let (code, v) = verify(
        &cfg,
        "github",
        &[("X-Hub-Signature-256", GITHUB_SIGNATURE)],
        b"Hello, World!",
        1_614_265_330,
        None,
    );
    assert_eq!((code, &v["status"]), (0, &"verified".into()), "{v}");
    let (code, v) = verify(
        &cfg,
        "slack",
        &[
            ("Content-Type", FORM),
            ("X-Slack-Request-Timestamp", "1531420618"),
            ("X-Slack-Signature", SLACK_SIGNATURE),
        ],
        SLACK_BODY,
        1_531_420_618,
        None,
    );
    assert_eq!((code, &v["status"]), (0, &"verified".into()), "{v}");
    let (code, v) = verify(
        &cfg,
        "twilio",
        &[
            ("Content-Type", FORM),
            ("X-Twilio-Signature", TWILIO_SIGNATURE),
        ],
        TWILIO_BODY,
        1_614_265_330,
        Some("/twilio?foo=1&bar=2"),
    );
    assert_eq!((code, &v["status"]), (0, &"verified".into()), "{v}");
    // Slack's example five minutes and one second later is stale.
    let (code, v) = verify(
        &cfg.replace(
            "tolerance_secs = 4000000000\n[providers.twilio]",
            "[providers.twilio]",
        ),
        "slack",
        &[
            ("Content-Type", FORM),
            ("X-Slack-Request-Timestamp", "1531420618"),
            ("X-Slack-Signature", SLACK_SIGNATURE),
        ],
        SLACK_BODY,
        1_531_420_618 + 301,
        None,
    );
    assert_eq!(code, 1);
    assert_eq!(v["hint"], "timestamp_outside_tolerance", "{v}");
}

#[test]
fn the_other_schemes_are_detected_by_their_headers_on_another_route() {
    let s = Server::start(&published_config());
    let sw_headers = [
        ("webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek"),
        ("webhook-timestamp", "1614265330"),
        ("webhook-signature", SW_SIGNATURE),
    ];
    let cases: [Case; 4] = [
        (
            "application/json",
            &sw_headers,
            SW_BODY,
            "standard-webhooks",
        ),
        (
            "application/json",
            &[
                ("X-Hub-Signature-256", GITHUB_SIGNATURE),
                ("X-GitHub-Event", "ping"),
            ],
            b"Hello, World!",
            "github",
        ),
        (
            FORM,
            &[
                ("X-Slack-Request-Timestamp", "1531420618"),
                ("X-Slack-Signature", SLACK_SIGNATURE),
            ],
            SLACK_BODY,
            "slack",
        ),
        (
            FORM,
            &[("X-Twilio-Signature", TWILIO_SIGNATURE)],
            TWILIO_BODY,
            "twilio",
        ),
    ];
    for (n, (content_type, headers, body, provider)) in cases.into_iter().enumerate() {
        post_as(
            &s.url("/myapp.php?foo=1&bar=2"),
            content_type,
            headers,
            body,
        );
        let line = s.line(n);
        assert_eq!(line["provider"], provider, "{line}");
        assert_eq!(line["detected_by"], "header", "{line}");
        assert_eq!(
            line["verification"]["status"], "verified",
            "{provider}: {line}"
        );
    }
}

#[test]
fn replay_resign_refreshes_stale_standard_webhooks_and_slack_signatures() {
    let sw_secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let slack_secret = "8f742231b10e8888abcd99yyyzzz85a5";
    let cfg = format!(
        "[providers.standard-webhooks]\nsecret = \"{sw_secret}\"\n\
         [providers.slack]\nsecret = \"{slack_secret}\"\n"
    );
    let s = Server::start(&cfg);
    let t = (now() - 7200).to_string();
    let body = sample("standard-webhooks/contact.created.json");
    let sig = standard_webhooks_signature(sw_secret, "msg_stale_1", &t, &body);
    let headers = [
        ("webhook-id", "msg_stale_1"),
        ("webhook-timestamp", t.as_str()),
        ("webhook-signature", sig.as_str()),
    ];
    post_as(
        &s.url("/standard-webhooks"),
        "application/json",
        &headers,
        &body,
    );
    let slack_body = sample("slack/app_mention.json");
    let sig = slack_signature(slack_secret, &t, &slack_body);
    let headers = [
        ("X-Slack-Request-Timestamp", t.as_str()),
        ("X-Slack-Signature", sig.as_str()),
    ];
    post_as(&s.url("/slack"), "application/json", &headers, &slack_body);
    let dir = tempfile::tempdir().unwrap();
    let db = s.db.to_string_lossy().into_owned();
    for n in 0..2 {
        let line = s.line(n);
        assert_eq!(
            line["verification"]["hint"], "timestamp_outside_tolerance",
            "{line}"
        );
        let id = line["id"].as_str().unwrap().to_string();
        let args = [
            "replay",
            &id,
            "--to",
            &s.url(""),
            "--resign",
            "--store",
            &db,
        ];
        let (code, out, err) = hookscope(dir.path(), &args, &cfg);
        assert_eq!(code, 0, "{out}{err}");
        let again = s.line(n + 2);
        assert_eq!(again["provider"], line["provider"]);
        assert_eq!(again["verification"]["status"], "verified", "{again}");
    }
}
