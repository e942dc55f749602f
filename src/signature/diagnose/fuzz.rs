//! Whatever a sender puts in headers, body, URL or clock, verification answers and never
//! panics, for every kind of check, configured or not.

use proptest::prelude::*;

use crate::model::Secret;
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
        Check::Hmac(HmacCheck::stripe(
            "talentsprout-hmac-sha256",
            "x-talentsprout-signature",
            300,
            key(secret, "providers.talentsprout.secret"),
        )),
        Check::Hmac(HmacCheck::body(
            "classet-hmac-sha256",
            "x-classet-webhook-signature",
            Encoding::Base64UrlNoPad,
            key(secret, "providers.classet.secret"),
        )),
        Check::Hmac(HmacCheck::body(
            "base64-hmac",
            "x-signature",
            Encoding::Base64,
            key(secret, "providers.classet.secret"),
        )),
        Check::Hmac(
            HmacCheck::body(
                "standard-webhooks",
                "webhook-signature",
                Encoding::Base64,
                key(secret, "providers.classet.secret"),
            )
            .format(crate::signature::HeaderFormat::StandardWebhooks)
            .signed(crate::signature::Template::parse("{id}.{timestamp}.{url}{body}").unwrap())
            .timestamp(Some("webhook-timestamp"), 300)
            .id_header("webhook-id")
            .secret_encoding(crate::signature::SecretEncoding::Base64),
        ),
        Check::Hmac(
            HmacCheck::body(
                "slack",
                "x-slack-signature",
                Encoding::Hex,
                key(secret, "providers.classet.secret"),
            )
            .prefix("v0=")
            .algorithm(crate::signature::Algorithm::Sha1)
            .signed(
                crate::signature::Template::parse("v0:{timestamp}:{form_params_sorted}{body}")
                    .unwrap(),
            )
            .timestamp(Some("x-slack-request-timestamp"), 300),
        ),
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
            let input = Input { headers: &headers, body, method: "POST", path: &path, query: query.as_deref(), now };
            for check in checks(secret.as_deref()) {
                let v = verify(&check, &input);
                prop_assert!(!v.detail.is_empty());
                prop_assert!(v.hint.is_none() || v.status == Status::Failed, "{:?}", v);
            }
        }
    }
}
