//! Whatever a sender puts in headers, body, URL or clock, verification answers and never
//! panics, for every kind of check, configured or not.

use proptest::prelude::*;

use crate::config::Secret;
use crate::signature::{
    BearerCheck, Check, Encoding, HmacCheck, Input, KeyRef, StaticHeaderCheck, Status, UrlKeyCheck,
    verify,
};

fn key(value: Option<&str>, setting: &'static str) -> KeyRef {
    KeyRef::new(
        crate::signature::test_vendor_name(setting),
        value.map(Secret::new).as_ref(),
        setting,
    )
}

fn checks(secret: Option<&str>) -> Vec<Check> {
    let jwks = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/jwt/jwks.json");
    vec![
        Check::Hmac(HmacCheck {
            scheme: "talentsprout-hmac-sha256",
            header: "x-talentsprout-signature",
            encoding: Encoding::Hex,
            timestamped: Some(300),
            key: key(secret, "providers.talentsprout.secret"),
        }),
        Check::Hmac(HmacCheck {
            scheme: "classet-hmac-sha256",
            header: "x-classet-webhook-signature",
            encoding: Encoding::Base64UrlNoPad,
            timestamped: None,
            key: key(secret, "providers.classet.secret"),
        }),
        Check::Hmac(HmacCheck {
            scheme: "base64-hmac",
            header: "x-signature",
            encoding: Encoding::Base64,
            timestamped: None,
            key: key(secret, "providers.classet.secret"),
        }),
        Check::StaticHeader(StaticHeaderCheck {
            scheme: "clearspeed-api-key",
            header: "x-api-key".into(),
            header_setting: Some("providers.clearspeed.api_key_header"),
            key: key(secret, "providers.clearspeed.api_key"),
        }),
        Check::Bearer(BearerCheck {
            scheme: "clearspeed-bearer",
            static_token: key(secret, "providers.clearspeed.bearer_token"),
            jwt_secret: key(secret, "providers.clearspeed.jwt_secret"),
            jwks_file: secret.map(|_| jwks.into()),
            audience: secret.map(str::to_string),
        }),
        Check::UrlKey(UrlKeyCheck {
            scheme: "brilliant-url-key",
            presented: secret.map(|s| format!("{s}x")),
            key: key(secret, "providers.brilliant.url_key"),
        }),
        Check::Unsigned {
            scheme: "jobmojito-none",
            detail: "nothing to check".into(),
        },
    ]
}

fn header_name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("x-talentsprout-signature".to_string()),
        Just("x-classet-webhook-signature".to_string()),
        Just("x-signature".to_string()),
        Just("x-api-key".to_string()),
        Just("authorization".to_string()),
        Just("x-access-token".to_string()),
        "[a-z-]{1,12}",
    ]
}

fn header_value() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "t=-?[0-9]{0,20},v1=[0-9a-fA-F]{0,70}(,v1=[ -~]{0,10})?",
        "(Bearer |bearer |Basic )?[A-Za-z0-9_=-]{0,40}\\.[A-Za-z0-9_=-]{0,60}\\.[A-Za-z0-9_=-]{0,40}",
        "Bearer eyJhbGciOiJSUzI1NiJ9\\.eyJleHAiOi?[0-9e.+-]{0,25}fQ\\.[A-Za-z0-9_-]{0,10}",
        "[A-Za-z0-9+/=_-]{0,60}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn verify_never_panics(
        headers in proptest::collection::vec((header_name(), header_value()), 0..6),
        body in proptest::collection::vec(any::<u8>(), 0..200),
        json_body in "\\{(\"[a-z]{0,5}\":[0-9 ]{1,4},?){0,4}\\}\\s{0,2}",
        secret in proptest::option::of("(whsec_)?[A-Za-z0-9+/_=-]{0,24}"),
        path in "(/[a-z0-9]{0,8}){0,3}",
        query in proptest::option::of("[a-z]{1,4}=[A-Za-z0-9]{0,10}(&[a-z=]{0,6})?"),
        now in any::<i64>(),
    ) {
        for body in [body.as_slice(), json_body.as_bytes()] {
            let input = Input { headers: &headers, body, path: &path, query: query.as_deref(), now };
            for check in checks(secret.as_deref()) {
                let v = verify(&check, &input);
                prop_assert!(!v.detail.is_empty());
                prop_assert!(v.hint.is_none() || v.status == Status::Failed, "{:?}", v);
            }
        }
    }
}
