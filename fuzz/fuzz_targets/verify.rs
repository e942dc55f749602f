//! Every kind of check over arbitrary headers, body, URL: an answer every time, a hint only
//! on failure, nothing verified without a key, and no secret in what is shown.
#![no_main]

mod request;

use hookscope::config::Secret;
use hookscope::provider;
use hookscope::signature::{
    BearerCheck, Check, Encoding, HmacCheck, Input, KeyRef, StaticHeaderCheck, Status, UrlKeyCheck,
    verify,
};
use libfuzzer_sys::fuzz_target;

fn key(value: Option<&str>, setting: &'static str) -> KeyRef {
    KeyRef::new("Sender", value.map(Secret::new).as_ref(), setting)
}

/// The checks, with the fixed secrets (`configured`) or with nothing set.
fn checks(configured: bool, url_key: Option<String>) -> Vec<Check> {
    let s = |i: usize| configured.then_some(request::SECRETS[i]);
    let jwks = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/fixtures/jwt/jwks.json"
    );
    vec![
        Check::Hmac(HmacCheck {
            scheme: "talentsprout-hmac-sha256",
            header: "x-talentsprout-signature",
            encoding: Encoding::Hex,
            timestamped: Some(300),
            key: key(s(0), "providers.talentsprout.secret"),
        }),
        Check::Hmac(HmacCheck {
            scheme: "classet-hmac-sha256",
            header: "x-classet-webhook-signature",
            encoding: Encoding::Base64UrlNoPad,
            timestamped: None,
            key: key(s(1), "providers.classet.secret"),
        }),
        Check::Hmac(HmacCheck {
            scheme: "base64-hmac-sha256",
            header: "x-signature",
            encoding: Encoding::Base64,
            timestamped: None,
            key: key(s(1), "providers.classet.secret"),
        }),
        Check::StaticHeader(StaticHeaderCheck {
            scheme: "classet-api-key",
            header: "x-classet-key".into(),
            header_setting: None,
            key: key(s(2), "providers.classet.api_key"),
        }),
        Check::StaticHeader(StaticHeaderCheck {
            scheme: "clearspeed-api-key",
            header: "authorization".into(),
            header_setting: Some("providers.clearspeed.api_key_header"),
            key: key(s(3), "providers.clearspeed.api_key"),
        }),
        Check::StaticHeader(StaticHeaderCheck {
            scheme: "jobmojito-static-header",
            header: "x-jobmojito-token".into(),
            header_setting: Some("providers.jobmojito.header"),
            key: key(s(9), "providers.jobmojito.value"),
        }),
        Check::Bearer(BearerCheck {
            scheme: "clearspeed-bearer",
            static_token: key(s(4), "providers.clearspeed.bearer_token"),
            jwt_secret: key(s(5), "providers.clearspeed.jwt_secret"),
            jwks_file: None,
            audience: configured.then(|| "hookscope".to_string()),
        }),
        Check::Bearer(BearerCheck {
            scheme: "clearspeed-bearer",
            static_token: key(None, "providers.clearspeed.bearer_token"),
            jwt_secret: key(None, "providers.clearspeed.jwt_secret"),
            jwks_file: configured.then(|| jwks.into()),
            audience: None,
        }),
        Check::UrlKey(UrlKeyCheck {
            scheme: "brilliant-url-key",
            presented: url_key,
            key: key(s(7), "providers.brilliant.url_key"),
        }),
        Check::Unsigned {
            scheme: "none",
            detail: "nothing to check".into(),
        },
    ]
}

fuzz_target!(|data: &[u8]| {
    let req = request::parse(data);
    let input = Input {
        headers: &req.headers,
        body: &req.body,
        path: &req.path,
        query: req.query.as_deref(),
        now: request::NOW,
    };
    let text = String::from_utf8_lossy(data);
    let url_key = provider::route(&req.path, req.query.as_deref()).url_key;
    for configured in [true, false] {
        for check in checks(configured, url_key.clone()) {
            let v = verify(&check, &input);
            assert!(!v.detail.is_empty(), "{check:?}");
            assert!(v.hint.is_none() || v.status == Status::Failed, "{v:?}");
            if !configured {
                assert_ne!(v.status, Status::Verified, "{check:?}: {v:?}");
            }
            for secret in request::SECRETS {
                assert!(
                    text.contains(secret) || !v.detail.contains(secret),
                    "secret in detail: {}",
                    v.detail
                );
            }
        }
    }
});
