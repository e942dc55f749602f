//! The shared signing vectors: each names a provider, a secret, headers, a body, a receipt
//! time and the verdict expected from that provider's documented check.

use std::path::Path;

use hookscope::config::Secret;
use hookscope::signature::{Check, Encoding, Hint, HmacCheck, Input, KeyRef, Status, verify};
use serde_json::Value;

fn check_for(provider: &str, secret: &Secret) -> Check {
    match provider {
        "talentsprout" => Check::Hmac(HmacCheck::stripe(
            "talentsprout-hmac-sha256",
            "x-talentsprout-signature",
            300,
            KeyRef::new(
                "TalentSprout",
                Some(secret),
                "providers.talentsprout.secret",
            ),
        )),
        "classet" => Check::Hmac(HmacCheck::body(
            "classet-hmac-sha256",
            "x-classet-webhook-signature",
            Encoding::Base64UrlNoPad,
            KeyRef::new("Classet", Some(secret), "providers.classet.secret"),
        )),
        other => panic!("no check for provider {other}"),
    }
}

fn text<'v>(v: &'v Value, key: &str) -> &'v str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("vector field {key} missing: {v}"))
}

#[test]
fn every_signing_vector_gets_its_expected_verdict() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/signing-vectors.json");
    let raw = std::fs::read_to_string(&path).expect("signing vectors");
    let vectors: Vec<Value> = serde_json::from_str(&raw).expect("vectors are JSON");
    assert!(vectors.len() >= 6, "expected the full vector set");
    let system_now = chrono::Utc::now().timestamp();

    for vector in &vectors {
        let name = text(vector, "name");
        let secret = Secret::new(text(vector, "secret"));
        let check = check_for(text(vector, "provider"), &secret);
        let headers: Vec<(String, String)> = vector["headers"]
            .as_object()
            .expect("headers object")
            .iter()
            .map(|(n, v)| {
                (
                    n.to_ascii_lowercase(),
                    v.as_str().unwrap_or_default().to_string(),
                )
            })
            .collect();
        let body = text(vector, "body");
        let input = Input {
            headers: &headers,
            body: body.as_bytes(),
            method: "POST",
            path: "/",
            query: None,
            now: vector["now"].as_i64().unwrap_or(system_now),
        };
        let v = verify(&check, &input);

        let expect = &vector["expect"];
        let status = Status::parse(text(expect, "status")).expect("known status");
        assert_eq!(v.status, status, "{name}: {}", v.detail);
        if let Some(hint) = expect["hint"].as_str() {
            assert_eq!(v.hint, Hint::parse(hint), "{name}: {}", v.detail);
        }
        if status == Status::Verified {
            assert_eq!(v.hint, None, "{name}");
        }
        assert!(
            !v.detail.contains(secret.expose()),
            "{name}: secret leaked into {}",
            v.detail
        );
    }
}
