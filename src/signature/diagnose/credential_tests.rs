//! Static header keys and URL keys.

use crate::model::Secret;
use crate::signature::{
    Check, Hint, Input, KeyRef, StaticHeaderCheck, Status, UrlKeyCheck, Verification, verify,
};

const KEY: &str = "cs_live_9f8e7d6c5b4a";
const OTHER: &str = "cs_live_0000000000zz";

fn static_check(header: &str, key: Option<&str>, setting: &'static str) -> Check {
    Check::StaticHeader(StaticHeaderCheck {
        scheme: "static-header",
        header: header.into(),
        header_setting: match setting.split('.').nth(1) {
            Some("clearspeed") => Some("providers.clearspeed.api_key_header"),
            Some("jobmojito") => Some("providers.jobmojito.header"),
            _ => None,
        },
        key: KeyRef::new(
            crate::signature::test_vendor_name(setting),
            key.map(Secret::new).as_ref(),
            setting,
        ),
    })
}

fn clearspeed(key: Option<&str>) -> Check {
    static_check("x-api-key", key, "providers.clearspeed.api_key")
}

fn url_check(presented: Option<&str>, key: Option<&str>) -> Check {
    Check::UrlKey(UrlKeyCheck {
        scheme: "brilliant-url-key",
        presented: presented.map(str::to_string),
        key: KeyRef::new(
            "Brilliant",
            key.map(Secret::new).as_ref(),
            "providers.brilliant.url_key",
        ),
    })
}

fn run_at(
    check: &Check,
    headers: &[(&str, &str)],
    path: &str,
    query: Option<&str>,
) -> Verification {
    let headers: Vec<(String, String)> = headers
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
    let input = Input {
        headers: &headers,
        body: b"{}",
        method: "POST",
        path,
        query,
        now: 0,
    };
    let v = verify(check, &input);
    for secret in [KEY, OTHER] {
        assert!(
            !v.detail.contains(secret),
            "credential in detail: {}",
            v.detail
        );
        let evidence = format!("{:?}", v.evidence);
        assert!(
            !evidence.contains(secret),
            "credential in evidence: {evidence}"
        );
    }
    v
}

fn run(check: &Check, headers: &[(&str, &str)]) -> Verification {
    run_at(check, headers, "/clearspeed", None)
}

#[test]
fn matching_key_verifies() {
    let v = run(&clearspeed(Some(KEY)), &[("x-api-key", KEY)]);
    assert_eq!(v.status, Status::Verified, "{}", v.detail);
}

#[test]
fn different_key_is_a_wrong_secret_shown_masked() {
    let v = run(&clearspeed(Some(KEY)), &[("x-api-key", OTHER)]);
    assert_eq!(v.hint, Some(Hint::WrongSecret));
    assert!(v.detail.contains("cs••••zz"), "{}", v.detail);
    assert!(v.detail.contains("cs••••4a"), "{}", v.detail);
    assert_eq!(
        v.evidence.and_then(|e| e.received).as_deref(),
        Some("cs••••zz")
    );
}

#[test]
fn key_under_another_header_names_it_and_the_setting() {
    let v = run(&clearspeed(Some(KEY)), &[("apikey", KEY)]);
    assert_eq!(v.hint, Some(Hint::HeaderName));
    assert!(v.detail.contains("in the apikey header"), "{}", v.detail);
    assert!(
        v.detail
            .contains("providers.clearspeed.api_key_header = \"apikey\""),
        "{}",
        v.detail
    );
}

#[test]
fn key_as_bearer_token_is_a_header_name() {
    let v = run(
        &clearspeed(Some(KEY)),
        &[("authorization", &format!("Bearer {KEY}"))],
    );
    assert_eq!(v.hint, Some(Hint::HeaderName));
    assert!(v.detail.contains("authorization: Bearer"), "{}", v.detail);
}

#[test]
fn wrong_header_value_but_right_key_elsewhere_is_a_header_name() {
    let v = run(
        &clearspeed(Some(KEY)),
        &[("x-api-key", "some-other-value"), ("x-clearspeed-key", KEY)],
    );
    assert_eq!(v.hint, Some(Hint::HeaderName), "{}", v.detail);
}

#[test]
fn configured_authorization_header_accepts_bearer_form() {
    let check = static_check("authorization", Some(KEY), "providers.jobmojito.value");
    let v = run(&check, &[("authorization", &format!("Bearer {KEY}"))]);
    assert_eq!(v.status, Status::Verified, "{}", v.detail);
}

#[test]
fn absent_header_is_a_missing_credential_naming_candidates() {
    let v = run(&clearspeed(Some(KEY)), &[("x-auth-token", OTHER)]);
    assert_eq!(v.hint, Some(Hint::MissingCredential));
    assert!(
        v.detail.contains("No x-api-key header arrived"),
        "{}",
        v.detail
    );
    assert!(v.detail.contains("x-auth-token"), "{}", v.detail);
}

#[test]
fn classet_legacy_key_in_wrong_header_asks_the_sender_to_fix_it() {
    let check = static_check("x-classet-key", Some(KEY), "providers.classet.api_key");
    let v = run(&check, &[("x-api-key", KEY)]);
    assert_eq!(v.hint, Some(Hint::HeaderName));
    assert!(
        v.detail.contains("have the sender use x-classet-key"),
        "{}",
        v.detail
    );
}

#[test]
fn static_key_without_config_is_unchecked_or_unsigned() {
    let v = run(&clearspeed(None), &[("x-api-key", KEY)]);
    assert_eq!(v.status, Status::Unchecked);
    assert!(
        v.detail.contains("HOOKSCOPE_CLEARSPEED_API_KEY"),
        "{}",
        v.detail
    );
    let v = run(&clearspeed(None), &[]);
    assert_eq!(v.status, Status::Unsigned);
    let jobmojito = static_check("", None, "providers.jobmojito.value");
    assert_eq!(run(&jobmojito, &[]).status, Status::Unsigned);
}

#[test]
fn url_key_verifies_when_equal() {
    let v = run(&url_check(Some(KEY), Some(KEY)), &[]);
    assert_eq!(v.status, Status::Verified, "{}", v.detail);
}

#[test]
fn url_key_differs_is_a_wrong_secret() {
    let v = run(&url_check(Some(OTHER), Some(KEY)), &[]);
    assert_eq!(v.hint, Some(Hint::WrongSecret));
    assert!(v.detail.contains("cs••••zz"), "{}", v.detail);
}

#[test]
fn url_key_absent_is_a_missing_credential() {
    let v = run(&url_check(None, Some(KEY)), &[]);
    assert_eq!(v.hint, Some(Hint::MissingCredential));
    assert!(
        v.detail.contains("providers.brilliant.url_key"),
        "{}",
        v.detail
    );
}

#[test]
fn url_key_elsewhere_is_named() {
    let check = url_check(None, Some(KEY));
    let v = run_at(&check, &[], "/brilliant", Some(&format!("token={KEY}")));
    assert_eq!(v.hint, Some(Hint::HeaderName));
    assert!(v.detail.contains("query parameter token"), "{}", v.detail);
    let v = run(&check, &[("x-brilliant-key", KEY)]);
    assert_eq!(v.hint, Some(Hint::HeaderName));
    assert!(v.detail.contains("x-brilliant-key"), "{}", v.detail);
}

#[test]
fn url_key_without_config_is_unchecked_or_unsigned() {
    let v = run(&url_check(Some(KEY), None), &[]);
    assert_eq!(v.status, Status::Unchecked);
    assert!(
        v.detail.contains("HOOKSCOPE_BRILLIANT_URL_KEY"),
        "{}",
        v.detail
    );
    assert_eq!(run(&url_check(None, None), &[]).status, Status::Unsigned);
}
