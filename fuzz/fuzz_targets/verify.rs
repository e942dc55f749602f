//! Every kind of check over arbitrary headers, body, URL: an answer every time, a hint only
//! on failure, nothing verified without a key, and no secret in what is shown.
#![no_main]

mod request;

use std::sync::OnceLock;

use hookscope::config::Config;
use hookscope::provider;
use hookscope::signature::{Check, Input, Status, verify};
use libfuzzer_sys::fuzz_target;

/// Every secret set (`configured`) or nothing set.
fn config(configured: bool) -> &'static Config {
    static CONFIGURED: OnceLock<Config> = OnceLock::new();
    static EMPTY: OnceLock<Config> = OnceLock::new();
    if configured {
        CONFIGURED.get_or_init(|| {
            Config::from_parts(&request::config_text(), None, &[]).expect("the fuzz config parses")
        })
    } else {
        EMPTY.get_or_init(|| Config::from_parts("", None, &[]).expect("an empty config parses"))
    }
}

/// Every vendor unit's checks for this request under `config`.
fn checks(config: &Config, route: &provider::Route) -> Vec<Check> {
    provider::all()
        .iter()
        .flat_map(|v| v.checks(config, route))
        .collect()
}

fuzz_target!(|data: &[u8]| {
    let req = request::parse(data);
    let input = Input {
        headers: &req.headers,
        body: &req.body,
        method: &req.method,
        path: &req.path,
        query: req.query.as_deref(),
        now: request::NOW,
    };
    let text = String::from_utf8_lossy(data);
    let route = provider::route(&req.path, req.query.as_deref());
    for configured in [true, false] {
        for check in checks(config(configured), &route) {
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
