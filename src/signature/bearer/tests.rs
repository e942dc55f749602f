//! Bearer tokens: static, HS256 with a shared secret, RS256 with a JWKS file. The RSA keys are
//! fixed test keys under tests/fixtures/jwt/.

use std::path::PathBuf;

use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use serde_json::{Value, json};

use crate::model::Secret;
use crate::signature::{BearerCheck, Check, Hint, Input, KeyRef, Status, Verification, verify};

const NOW: i64 = 1_763_650_000;
const JWT_SECRET: &str = "hs256-shared-secret-for-tests";
const STATIC: &str = "static-token-1234567890";
const ISS: &str = "https://idp.example.test/";
const AUD: &str = "https://hooks.example.test";

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/jwt")
        .join(name)
}

#[derive(Default)]
struct Config {
    static_token: Option<&'static str>,
    jwt_secret: Option<&'static str>,
    jwks: Option<PathBuf>,
    audience: Option<&'static str>,
}

fn check(cfg: Config) -> Check {
    let key = |v: Option<&str>, s| {
        KeyRef::new(
            crate::signature::test_vendor_name(s),
            v.map(Secret::new).as_ref(),
            s,
        )
    };
    Check::Bearer(BearerCheck {
        scheme: "clearspeed-bearer",
        static_token: key(cfg.static_token, "providers.clearspeed.bearer_token"),
        jwt_secret: key(cfg.jwt_secret, "providers.clearspeed.jwt_secret"),
        jwks_file: cfg.jwks,
        audience: cfg.audience.map(str::to_string),
    })
}

fn hs_only() -> Check {
    check(Config {
        jwt_secret: Some(JWT_SECRET),
        audience: Some(AUD),
        ..Config::default()
    })
}

fn jwks_only() -> Check {
    check(Config {
        jwks: Some(fixture("jwks.json")),
        ..Config::default()
    })
}

fn claims(exp_offset: i64) -> Value {
    json!({"iss": ISS, "sub": "clearspeed", "aud": AUD, "iat": NOW - 10, "exp": NOW + exp_offset})
}

fn hs256(claims: &Value, secret: &str) -> String {
    encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .expect("sign HS256")
}

fn rs256(claims: &Value, pem: &str, kid: Option<&str>) -> String {
    let pem = std::fs::read(fixture(pem)).expect("test key");
    let mut header = Header::new(Algorithm::RS256);
    header.kid = kid.map(str::to_string);
    encode(
        &header,
        claims,
        &EncodingKey::from_rsa_pem(&pem).expect("PEM"),
    )
    .expect("sign RS256")
}

fn run(check: &Check, headers: &[(&str, &str)]) -> Verification {
    let headers: Vec<(String, String)> = headers
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
    let input = Input {
        headers: &headers,
        body: b"{}",
        method: "POST",
        path: "/clearspeed",
        query: None,
        now: NOW,
    };
    let v = verify(check, &input);
    let shown = format!("{} {:?}", v.detail, v.evidence);
    for secret in [JWT_SECRET, STATIC] {
        assert!(!shown.contains(secret), "secret shown: {shown}");
    }
    for (_, value) in &headers {
        if value.len() > 20 {
            assert!(
                !shown.contains(value.as_str()),
                "credential echoed: {shown}"
            );
        }
    }
    v
}

fn bearer(check: &Check, token: &str) -> Verification {
    run(check, &[("authorization", &format!("Bearer {token}"))])
}

fn assert_failed(v: &Verification, hint: Hint, needle: &str) {
    assert_eq!(v.status, Status::Failed, "{v:?}");
    assert_eq!(v.hint, Some(hint), "{}", v.detail);
    assert!(v.detail.contains(needle), "{:?} lacks {needle:?}", v.detail);
}

#[test]
fn static_token_verifies() {
    let c = check(Config {
        static_token: Some(STATIC),
        ..Config::default()
    });
    let v = bearer(&c, STATIC);
    assert_eq!(v.status, Status::Verified, "{}", v.detail);
    let v = run(&c, &[("authorization", &format!("bearer   {STATIC}"))]);
    assert_eq!(v.status, Status::Verified, "scheme is case-insensitive");
}

#[test]
fn other_static_token_is_a_wrong_secret() {
    let c = check(Config {
        static_token: Some(STATIC),
        ..Config::default()
    });
    let v = bearer(&c, "static-token-0000000000");
    assert_failed(
        &v,
        Hint::WrongSecret,
        "not the configured providers.clearspeed.bearer_token",
    );
    let v = bearer(&c, &hs256(&claims(600), JWT_SECRET));
    assert_failed(
        &v,
        Hint::WrongSecret,
        &format!("It is a JWT from iss {ISS}"),
    );
}

#[test]
fn hs256_token_verifies_and_shows_claims() {
    let v = bearer(&hs_only(), &hs256(&claims(3300), JWT_SECRET));
    assert_eq!(v.status, Status::Verified, "{}", v.detail);
    assert!(v.detail.contains("HS256"), "{}", v.detail);
    assert!(v.detail.contains("expires in 55 min"), "{}", v.detail);
    let e = v.evidence.expect("evidence");
    assert_eq!(
        e.claims.as_ref().and_then(|c| c.get("iss")),
        Some(&json!(ISS))
    );
    assert_eq!(e.skew_secs, Some(10));
}

#[test]
fn a_token_without_exp_is_called_out() {
    let mut c = claims(0);
    c.as_object_mut()
        .expect("claims are an object")
        .remove("exp");
    let v = bearer(&hs_only(), &hs256(&c, JWT_SECRET));
    assert_eq!(v.status, Status::Verified, "{}", v.detail);
    assert!(v.detail.contains("no exp claim"), "{}", v.detail);
    assert!(v.detail.contains("never expires"), "{}", v.detail);
}

#[test]
fn expired_token_says_how_long_ago() {
    let v = bearer(&hs_only(), &hs256(&claims(-180), JWT_SECRET));
    assert_failed(
        &v,
        Hint::TimestampOutsideTolerance,
        "Token expired 3 min before receipt",
    );
    assert!(v.evidence.and_then(|e| e.claims).is_some());
}

#[test]
fn expiry_uses_the_receipt_time_not_the_clock() {
    // Expired long ago by the system clock, valid at the receipt time given.
    let mut old = claims(600);
    old["iat"] = json!(1_000_000_000);
    old["exp"] = json!(1_000_000_600);
    let headers = vec![(
        "authorization".to_string(),
        format!("Bearer {}", hs256(&old, JWT_SECRET)),
    )];
    let input = Input {
        headers: &headers,
        body: b"",
        method: "POST",
        path: "/",
        query: None,
        now: 1_000_000_100,
    };
    assert_eq!(verify(&hs_only(), &input).status, Status::Verified);
}

#[test]
fn token_not_yet_valid_is_a_timestamp_problem() {
    let mut c = claims(3600);
    c["nbf"] = json!(NOW + 600);
    let v = bearer(&hs_only(), &hs256(&c, JWT_SECRET));
    assert_failed(
        &v,
        Hint::TimestampOutsideTolerance,
        "not valid until 10 min after receipt",
    );
}

#[test]
fn wrong_audience_names_both() {
    let mut c = claims(600);
    c["aud"] = json!("https://other.example.test");
    let v = bearer(&hs_only(), &hs256(&c, JWT_SECRET));
    assert_failed(&v, Hint::WrongAudience, "\"https://other.example.test\"");
    assert!(v.detail.contains(AUD), "{}", v.detail);
    assert!(
        v.detail.contains("providers.clearspeed.audience"),
        "{}",
        v.detail
    );
}

#[test]
fn audience_lists_and_missing_audiences() {
    let mut c = claims(600);
    c["aud"] = json!(["a", AUD]);
    assert_eq!(
        bearer(&hs_only(), &hs256(&c, JWT_SECRET)).status,
        Status::Verified
    );
    c.as_object_mut().map(|m| m.remove("aud"));
    let v = bearer(&hs_only(), &hs256(&c, JWT_SECRET));
    assert_failed(&v, Hint::WrongAudience, "no aud claim");
}

#[test]
fn hs256_with_another_secret_is_a_wrong_secret() {
    let v = bearer(&hs_only(), &hs256(&claims(600), "some-other-secret"));
    assert_failed(
        &v,
        Hint::WrongSecret,
        "does not verify with providers.clearspeed.jwt_secret",
    );
}

#[test]
fn rs256_verifies_with_the_jwks_key_by_kid() {
    let token = rs256(&claims(600), "rs256-private.pem", Some("hookscope-test-1"));
    let v = bearer(&jwks_only(), &token);
    assert_eq!(v.status, Status::Verified, "{}", v.detail);
    assert!(v.detail.contains("key hookscope-test-1"), "{}", v.detail);
}

#[test]
fn rs256_without_or_with_unknown_kid_tries_every_key() {
    for kid in [None, Some("rotated-away")] {
        let token = rs256(&claims(600), "rs256-private.pem", kid);
        assert_eq!(bearer(&jwks_only(), &token).status, Status::Verified);
    }
}

#[test]
fn rs256_signed_by_another_key_is_a_wrong_secret() {
    let token = rs256(
        &claims(600),
        "rs256-other-private.pem",
        Some("hookscope-test-1"),
    );
    let v = bearer(&jwks_only(), &token);
    assert_failed(
        &v,
        Hint::WrongSecret,
        "RS256 signature does not verify with key hookscope-test-1",
    );
}

#[test]
fn algorithm_without_a_matching_key_says_what_to_configure() {
    let rs = rs256(&claims(600), "rs256-private.pem", None);
    let v = bearer(&hs_only(), &rs);
    assert_failed(&v, Hint::WrongSecret, "holds no key");
    let hs = hs256(&claims(600), JWT_SECRET);
    let v = bearer(&jwks_only(), &hs);
    assert_failed(
        &v,
        Hint::WrongSecret,
        "needs providers.clearspeed.jwt_secret",
    );
}

#[test]
fn unreadable_jwks_file_is_named() {
    let missing = fixture("no-such-jwks.json");
    let c = check(Config {
        jwks: Some(missing.clone()),
        ..Config::default()
    });
    let v = bearer(&c, &rs256(&claims(600), "rs256-private.pem", None));
    assert_eq!(v.status, Status::Failed);
    assert_eq!(v.hint, None);
    assert!(
        v.detail.contains(&missing.display().to_string()),
        "{}",
        v.detail
    );
    // Not a key set at all.
    let c = check(Config {
        jwks: Some(fixture("rs256-private.pem")),
        ..Config::default()
    });
    let v = bearer(&c, &rs256(&claims(600), "rs256-private.pem", None));
    assert!(v.detail.contains("not valid JSON"), "{}", v.detail);
}

#[test]
fn unsigned_jwt_is_rejected() {
    // {"alg":"none"}.{"iss":"x"}.
    let v = bearer(&hs_only(), "eyJhbGciOiJub25lIn0.eyJpc3MiOiJ4In0.");
    assert_failed(&v, Hint::WrongSecret, "unsigned (alg none)");
    // {"alg":"XX1"}.{"iss":"x"}.sig
    let v = bearer(&hs_only(), "eyJhbGciOiJYWDEifQ.eyJpc3MiOiJ4In0.c2ln");
    assert_failed(&v, Hint::WrongSecret, "alg \"XX1\" is not one");
}

#[test]
fn opaque_token_with_only_jwt_keys_is_a_wrong_secret() {
    let v = bearer(&hs_only(), "opaque-token-abcdefghijkl");
    assert_failed(&v, Hint::WrongSecret, "not a JWT");
}

#[test]
fn token_without_configuration_is_unchecked_with_its_issuer() {
    let v = bearer(&check(Config::default()), &hs256(&claims(600), JWT_SECRET));
    assert_eq!(v.status, Status::Unchecked);
    assert!(
        v.detail.contains(&format!("A JWT from iss {ISS}")),
        "{}",
        v.detail
    );
    assert!(
        v.detail.contains("providers.clearspeed.bearer_token"),
        "{}",
        v.detail
    );
    assert!(v.detail.contains("jwks_file"), "{}", v.detail);
    assert!(v.evidence.and_then(|e| e.claims).is_some());
}

#[test]
fn nothing_sent_and_nothing_configured_is_unsigned() {
    assert_eq!(run(&check(Config::default()), &[]).status, Status::Unsigned);
}

#[test]
fn missing_or_empty_bearer_is_a_missing_credential() {
    let v = run(&hs_only(), &[("content-type", "application/json")]);
    assert_failed(
        &v,
        Hint::MissingCredential,
        "No Authorization: Bearer header",
    );
    let v = run(&hs_only(), &[("authorization", "Bearer ")]);
    assert_failed(&v, Hint::MissingCredential, "is empty");
}

#[test]
fn token_in_another_header_is_a_header_name() {
    let token = hs256(&claims(600), JWT_SECRET);
    let v = run(&hs_only(), &[("x-access-token", &token)]);
    assert_failed(&v, Hint::HeaderName, "in the x-access-token header");
    assert!(v.detail.contains("checks out"), "{}", v.detail);
    let v = run(&hs_only(), &[("x-custom", &token)]);
    assert_failed(&v, Hint::HeaderName, "x-custom");
}

#[test]
fn authorization_without_bearer_prefix_is_a_header_name() {
    let token = hs256(&claims(-600), JWT_SECRET);
    let v = run(&hs_only(), &[("authorization", &token)]);
    assert_failed(&v, Hint::HeaderName, "without the Bearer prefix");
    assert!(
        v.detail.contains("timestamp_outside_tolerance"),
        "{}",
        v.detail
    );
    let v = run(&hs_only(), &[("authorization", "Basic dXNlcjpwYXNz")]);
    assert_failed(&v, Hint::HeaderName, "Basic scheme");
}

#[test]
fn issuer_from_the_token_cannot_break_the_detail_line() {
    let mut c = claims(600);
    c["iss"] = json!("evil\n\u{1b}[2Jissuer");
    let v = bearer(&check(Config::default()), &hs256(&c, JWT_SECRET));
    assert_eq!(v.status, Status::Unchecked);
    assert!(
        !v.detail.contains('\n') && !v.detail.contains('\u{1b}'),
        "{}",
        v.detail
    );
    assert!(v.detail.contains("evil\\n"), "{}", v.detail);
}
