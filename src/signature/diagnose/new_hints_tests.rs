//! Each hint of the general HMAC check, produced on the schemes where it applies. The
//! signatures are computed here with the hash crates directly, not with hookscope's
//! signing.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};

use crate::config::Secret;
use crate::signature::{
    Algorithm, Check, Encoding, HeaderFormat, Hint, HmacCheck, Input, KeyRef, SecretEncoding,
    Status, Template, Verification, verify,
};

const NOW: i64 = 1_763_650_000;
const BODY: &str = r#"{"type":"invoice.paid","id":"evt_1"}"#;
/// `whsec_` + base64 of the 24 bytes "a-standard-webhooks-key!".
const SW_SECRET: &str = "whsec_YS1zdGFuZGFyZC13ZWJob29rcy1rZXkh";
const SW_KEY: &[u8] = b"a-standard-webhooks-key!";

fn sha256(key: &[u8], msg: &str) -> Vec<u8> {
    let mut m = Hmac::<sha2::Sha256>::new_from_slice(key).unwrap();
    m.update(msg.as_bytes());
    m.finalize().into_bytes().to_vec()
}

fn sha1(key: &[u8], msg: &str) -> Vec<u8> {
    let mut m = Hmac::<sha1::Sha1>::new_from_slice(key).unwrap();
    m.update(msg.as_bytes());
    m.finalize().into_bytes().to_vec()
}

fn key(secret: &str) -> KeyRef {
    KeyRef::new("Acme", Some(&Secret::new(secret)), "schemes.acme.secret")
}

/// Slack's shape: `v0=<hex>` over `v0:{timestamp}:{body}`, timestamp in its own header.
fn slack(secret: &str) -> HmacCheck {
    HmacCheck::body("acme", "x-sig", Encoding::Hex, key(secret))
        .prefix("v0=")
        .signed(Template::parse("v0:{timestamp}:{body}").unwrap())
        .timestamp(Some("x-ts"), 300)
}

fn standard_webhooks(secret: &str) -> HmacCheck {
    HmacCheck::body("acme", "webhook-signature", Encoding::Base64, key(secret))
        .format(HeaderFormat::StandardWebhooks)
        .signed(Template::parse("{id}.{timestamp}.{body}").unwrap())
        .timestamp(Some("webhook-timestamp"), 300)
        .id_header("webhook-id")
        .secret_encoding(SecretEncoding::Base64)
}

fn github(secret: &str) -> HmacCheck {
    HmacCheck::body("acme", "x-sig", Encoding::Hex, key(secret)).prefix("sha256=")
}

fn run(c: HmacCheck, headers: &[(&str, &str)]) -> Verification {
    let headers: Vec<(String, String)> = headers
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
    let input = Input {
        headers: &headers,
        body: BODY.as_bytes(),
        method: "POST",
        path: "/acme",
        query: None,
        now: NOW,
    };
    let v = verify(&Check::Hmac(c), &input);
    assert!(
        !v.detail.contains("YS1zdGFuZGFyZC13ZWJob29rcy1rZXkh"),
        "{}",
        v.detail
    );
    v
}

fn assert_hint(v: &Verification, hint: Hint, needle: &str) {
    assert_eq!(v.status, Status::Failed, "{v:?}");
    assert_eq!(v.hint, Some(hint), "{}", v.detail);
    assert!(v.detail.contains(needle), "{:?} lacks {needle:?}", v.detail);
}

#[test]
fn the_new_hints_rank_where_the_precedence_puts_them() {
    use Hint::*;
    assert!(TimestampUnit < TimestampOutsideTolerance);
    assert!(SecretPrefix < SecretEncoding && SecretEncoding < SecretWhitespace);
    assert!(SecretWhitespace < WrongEncoding);
    assert!(WrongEncoding < WrongAlgorithm && WrongAlgorithm < SignedContent);
    assert!(SignedContent < TrailingNewline);
}

#[test]
fn a_millisecond_timestamp_is_named_as_such() {
    let ms = (NOW * 1000 + 123).to_string();
    let sig = format!(
        "v0={}",
        hex::encode(sha256(b"s3cret", &format!("v0:{ms}:{BODY}")))
    );
    let v = run(slack("s3cret"), &[("x-sig", &sig), ("x-ts", &ms)]);
    assert_hint(&v, Hint::TimestampUnit, "in milliseconds");
    assert!(
        v.detail.contains("within tolerance once read as seconds"),
        "{}",
        v.detail
    );

    let id = "msg_1";
    let sig = STANDARD.encode(sha256(SW_KEY, &format!("{id}.{ms}.{BODY}")));
    let v = run(
        standard_webhooks(SW_SECRET),
        &[
            ("webhook-signature", &format!("v1,{sig}")),
            ("webhook-timestamp", &ms),
            ("webhook-id", id),
        ],
    );
    assert_hint(&v, Hint::TimestampUnit, "in milliseconds");
}

#[test]
fn an_iso_timestamp_is_named_as_such_in_either_place() {
    let iso = "2025-11-20T14:46:40Z";
    let sig = format!(
        "v0={}",
        hex::encode(sha256(b"s3cret", &format!("v0:{iso}:{BODY}")))
    );
    let v = run(slack("s3cret"), &[("x-sig", &sig), ("x-ts", iso)]);
    assert_hint(&v, Hint::TimestampUnit, "ISO 8601");
    assert!(v.detail.contains("1763650000"), "{}", v.detail);

    let stripe = HmacCheck::stripe("acme", "x-sig", 300, key("whsec_s3cret"));
    let mac = hex::encode(sha256(b"whsec_s3cret", &format!("{iso}.{BODY}")));
    let v = run(stripe, &[("x-sig", &format!("t={iso},v1={mac}"))]);
    assert_hint(&v, Hint::TimestampUnit, "ISO 8601");
}

#[test]
fn seconds_far_off_stay_outside_tolerance() {
    let t = (NOW - 3600).to_string();
    let sig = format!(
        "v0={}",
        hex::encode(sha256(b"s3cret", &format!("v0:{t}:{BODY}")))
    );
    let v = run(slack("s3cret"), &[("x-sig", &sig), ("x-ts", &t)]);
    assert_hint(&v, Hint::TimestampOutsideTolerance, "1 h before receipt");
}

#[test]
fn a_base64_secret_used_as_text_is_a_secret_encoding() {
    let (id, t) = ("msg_1", NOW.to_string());
    let msg = format!("{id}.{t}.{BODY}");
    for raw_key in [SW_SECRET, &SW_SECRET[6..]] {
        let sig = STANDARD.encode(sha256(raw_key.as_bytes(), &msg));
        let v = run(
            standard_webhooks(SW_SECRET),
            &[
                ("webhook-signature", &format!("v1,{sig}")),
                ("webhook-timestamp", &t),
                ("webhook-id", id),
            ],
        );
        assert_hint(&v, Hint::SecretEncoding, "the sender used");
    }
}

#[test]
fn a_text_secret_the_sender_decoded_is_a_secret_encoding() {
    // "c2VjcmV0LWtleQ==" is base64 of "secret-key".
    let sig = format!("sha256={}", hex::encode(sha256(b"secret-key", BODY)));
    let v = run(github("c2VjcmV0LWtleQ=="), &[("x-sig", &sig)]);
    assert_hint(&v, Hint::SecretEncoding, "base64-decoded secret");
    let sig = format!("sha256={}", hex::encode(sha256(&[0xab, 0xcd], BODY)));
    let v = run(github("abcd"), &[("x-sig", &sig)]);
    assert_hint(&v, Hint::SecretEncoding, "hex-decoded secret");
}

#[test]
fn a_secret_the_scheme_cannot_decode_is_a_secret_encoding() {
    let c = github("not hex").secret_encoding(SecretEncoding::Hex);
    let v = run(c, &[("x-sig", "sha256=00")]);
    assert_hint(&v, Hint::SecretEncoding, "is not valid hex");
}

#[test]
fn whitespace_around_the_secret_is_named() {
    let sig = format!("sha256={}", hex::encode(sha256(b"s3cret", BODY)));
    let v = run(github("s3cret\n"), &[("x-sig", &sig)]);
    assert_hint(&v, Hint::SecretWhitespace, "a trailing newline");
    let v = run(github("  s3cret"), &[("x-sig", &sig)]);
    assert_hint(&v, Hint::SecretWhitespace, "leading whitespace");

    // A base64 secret with a newline cannot even be decoded; trimmed, it verifies.
    let (id, t) = ("msg_1", NOW.to_string());
    let sig = STANDARD.encode(sha256(SW_KEY, &format!("{id}.{t}.{BODY}")));
    let v = run(
        standard_webhooks(&format!("{SW_SECRET}\r\n")),
        &[
            ("webhook-signature", &format!("v1,{sig}")),
            ("webhook-timestamp", &t),
            ("webhook-id", id),
        ],
    );
    assert_hint(&v, Hint::SecretWhitespace, "a trailing newline");
}

#[test]
fn another_algorithm_of_the_right_content_is_named() {
    // GitHub's legacy SHA-1 value in the SHA-256 header.
    let sig = format!("sha1={}", hex::encode(sha1(b"s3cret", BODY)));
    let v = run(github("s3cret"), &[("x-sig", &sig)]);
    assert_hint(&v, Hint::WrongAlgorithm, "HMAC-SHA1 (20 bytes)");
    let sig = format!("sha256={}", hex::encode(sha1(b"s3cret", BODY)));
    let v = run(github("s3cret"), &[("x-sig", &sig)]);
    assert_hint(&v, Hint::WrongAlgorithm, "uses HMAC-SHA256");

    // A SHA-1 scheme (Twilio's shape) receiving SHA-256.
    let c = HmacCheck::body("acme", "x-sig", Encoding::Base64, key("s3cret"))
        .algorithm(Algorithm::Sha1)
        .signed(Template::parse("{url}{form_params_sorted}").unwrap());
    let sig = STANDARD.encode(sha256(b"s3cret", "http://h/acme"));
    let v = run(c, &[("x-sig", &sig), ("host", "h")]);
    assert_hint(&v, Hint::WrongAlgorithm, "HMAC-SHA256 (32 bytes)");
}

#[test]
fn other_signed_content_is_named() {
    // Stripe's shape, signed over the body alone.
    let stripe = HmacCheck::stripe("acme", "x-sig", 300, key("whsec_s3cret"));
    let mac = hex::encode(sha256(b"whsec_s3cret", BODY));
    let v = run(stripe, &[("x-sig", &format!("t={NOW},v1={mac}"))]);
    assert_hint(
        &v,
        Hint::SignedContent,
        "the body alone, not {timestamp}.{body}",
    );

    // Standard Webhooks signed without the id.
    let t = NOW.to_string();
    let sig = STANDARD.encode(sha256(SW_KEY, &format!("{t}.{BODY}")));
    let v = run(
        standard_webhooks(SW_SECRET),
        &[
            ("webhook-signature", &format!("v1,{sig}")),
            ("webhook-timestamp", &t),
            ("webhook-id", "msg_1"),
        ],
    );
    assert_hint(
        &v,
        Hint::SignedContent,
        "{timestamp}.{body}, not {id}.{timestamp}.{body}",
    );

    // Slack's shape, signed as `{timestamp}.{body}`.
    let sig = format!(
        "v0={}",
        hex::encode(sha256(b"s3cret", &format!("{t}.{BODY}")))
    );
    let v = run(slack("s3cret"), &[("x-sig", &sig), ("x-ts", &t)]);
    assert_hint(&v, Hint::SignedContent, "not v0:{timestamp}:{body}");
}

#[test]
fn the_published_schemes_still_verify_their_own_signatures() {
    let t = NOW.to_string();
    let sig = format!(
        "v0={}",
        hex::encode(sha256(b"s3cret", &format!("v0:{t}:{BODY}")))
    );
    let v = run(slack("s3cret"), &[("x-sig", &sig), ("x-ts", &t)]);
    assert_eq!(v.status, Status::Verified, "{}", v.detail);
    let v = run(slack("s3cret"), &[("x-sig", &sig)]);
    assert_hint(&v, Hint::MissingCredential, "No x-ts header");
}
