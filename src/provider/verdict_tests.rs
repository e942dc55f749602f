//! Verification is chosen by what is configured, never by which headers arrived.

use super::brief::tests::request;
use super::verify;
use crate::config::Config;
use crate::model::{Hint, ProviderId, Status, Verification};

const NOW: i64 = 1_763_650_000;

fn config(text: &str) -> Config {
    Config::from_parts(text, None, &[]).expect("config parses")
}

fn verdict(p: ProviderId, c: &Config, path: &str, headers: &[(&str, &str)]) -> Verification {
    verify(p, &request(path, headers, b"{\"a\":1}"), c, NOW)
}

#[test]
fn an_unconfigured_scheme_header_never_lowers_a_failure_to_unchecked() {
    let cs = config("[providers.clearspeed]\napi_key = \"cs-api-key-1234\"\n");
    let v = verdict(
        ProviderId::CLEARSPEED,
        &cs,
        "/clearspeed",
        &[("authorization", "Bearer x")],
    );
    assert_eq!(v.status, Status::Failed, "{v:?}");
    assert_eq!(v.scheme, "clearspeed-api-key");

    let cl = config("[providers.classet]\napi_key = \"cl-api-key-1234\"\n");
    let v = verdict(
        ProviderId::CLASSET,
        &cl,
        "/classet",
        &[("x-classet-webhook-signature", "junk")],
    );
    assert_eq!(v.status, Status::Failed, "{v:?}");
    assert_eq!(v.hint, Some(Hint::MissingCredential));
    let v = verdict(
        ProviderId::CLASSET,
        &cl,
        "/classet",
        &[
            ("x-classet-webhook-signature", "junk"),
            ("x-classet-key", "wrong-key-9876"),
        ],
    );
    assert_eq!(v.status, Status::Failed, "{v:?}");
    assert_eq!(v.hint, Some(Hint::WrongSecret));
}

#[test]
fn with_nothing_configured_a_credential_is_unchecked_and_none_is_unsigned() {
    let none = Config::default();
    for (p, path, header) in [
        (ProviderId::CLEARSPEED, "/clearspeed", "authorization"),
        (ProviderId::CLEARSPEED, "/clearspeed", "x-api-key"),
        (
            ProviderId::CLASSET,
            "/classet",
            "x-classet-webhook-signature",
        ),
        (ProviderId::CLASSET, "/classet", "x-classet-key"),
        (
            ProviderId::TALENTSPROUT,
            "/talentsprout",
            "x-talentsprout-signature",
        ),
    ] {
        let v = verdict(p, &none, path, &[(header, "Bearer something")]);
        assert_eq!(v.status, Status::Unchecked, "{p} {header}: {v:?}");
        assert!(v.detail.contains("set providers."), "{}", v.detail);
        let v = verdict(p, &none, path, &[]);
        assert_eq!(v.status, Status::Unsigned, "{p}: {v:?}");
    }
    let v = verdict(ProviderId::BRILLIANT, &none, "/brilliant/some-key", &[]);
    assert_eq!(v.status, Status::Unchecked, "{v:?}");
    let v = verdict(ProviderId::BRILLIANT, &none, "/brilliant", &[]);
    assert_eq!(v.status, Status::Unsigned, "{v:?}");
}

#[test]
fn the_clearspeed_api_key_in_authorization_is_header_name() {
    let c = config(
        "[providers.clearspeed]\napi_key = \"cs-api-key-1234\"\nbearer_token = \"cs-token-5678\"\n",
    );
    for value in ["cs-api-key-1234", "Bearer cs-api-key-1234"] {
        for cfg in [
            &c,
            &config("[providers.clearspeed]\napi_key = \"cs-api-key-1234\"\n"),
        ] {
            let v = verdict(
                ProviderId::CLEARSPEED,
                cfg,
                "/clearspeed",
                &[("authorization", value)],
            );
            assert_eq!(v.status, Status::Failed, "{value}: {v:?}");
            assert_eq!(v.hint, Some(Hint::HeaderName), "{value}: {v:?}");
        }
    }
    let v = verdict(
        ProviderId::CLEARSPEED,
        &c,
        "/clearspeed",
        &[("authorization", "Bearer cs-token-5678")],
    );
    assert_eq!(v.status, Status::Verified, "{v:?}");
}

#[test]
fn a_valid_legacy_classet_key_alone_verifies_with_both_configured() {
    let c = config(
        "[providers.classet]\nsecret = \"cl-sig-secret-1\"\napi_key = \"cl-api-key-1234\"\n",
    );
    let v = verdict(
        ProviderId::CLASSET,
        &c,
        "/classet",
        &[("x-classet-key", "cl-api-key-1234")],
    );
    assert_eq!(v.status, Status::Verified, "{v:?}");
    assert_eq!(v.scheme, "classet-api-key");
    assert!(
        v.detail
            .contains("only while no signature secret is set in its dashboard"),
        "{}",
        v.detail
    );
}

#[test]
fn several_clearspeed_credential_sets_and_the_verdict_names_the_one_that_matched() {
    let c = config(
        "[providers.clearspeed]\napi_key = \"cs-main-key-1\"\n\
         [[providers.clearspeed.credentials]]\nname = \"onboarding\"\napi_key = \"cs-onb-key-2\"\n\
         [[providers.clearspeed.credentials]]\nbearer_token = \"cs-token-3333\"\n",
    );
    let v = verdict(
        ProviderId::CLEARSPEED,
        &c,
        "/clearspeed",
        &[("x-api-key", "cs-onb-key-2")],
    );
    assert_eq!(v.status, Status::Verified, "{v:?}");
    assert!(
        v.detail
            .contains("\"onboarding\" (providers.clearspeed.credentials[0])"),
        "{}",
        v.detail
    );
    let v = verdict(
        ProviderId::CLEARSPEED,
        &c,
        "/clearspeed",
        &[("authorization", "Bearer cs-token-3333")],
    );
    assert_eq!(v.status, Status::Verified, "{v:?}");
    assert!(
        v.detail.contains("providers.clearspeed.credentials[1]"),
        "{}",
        v.detail
    );
    let v = verdict(
        ProviderId::CLEARSPEED,
        &c,
        "/clearspeed",
        &[("x-api-key", "cs-main-key-1")],
    );
    assert!(v.detail.contains("the main set"), "{}", v.detail);
    let v = verdict(
        ProviderId::CLEARSPEED,
        &c,
        "/clearspeed",
        &[("x-api-key", "nobody's key")],
    );
    assert_eq!(v.status, Status::Failed, "{v:?}");
    assert_eq!(v.hint, Some(Hint::WrongSecret));
    // Every set's secrets are masked like the others.
    assert_eq!(c.secrets().len(), 3);
}
