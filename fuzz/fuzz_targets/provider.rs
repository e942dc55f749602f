//! Detection, reading and verification of any request with every secret configured: no
//! panic, the ingest analysis agrees with the full one, the headless line always
//! serializes and reads back, and redaction leaves no configured secret in what is
//! stored.
#![no_main]

mod request;

use std::sync::OnceLock;

use hookscope::config::Config;
use hookscope::model::ProviderId;
use hookscope::model::{Delivery, Line};
use hookscope::provider;
use hookscope::redact::Redactor;
use hookscope::signature::Status;
use libfuzzer_sys::fuzz_target;

fn config() -> &'static Config {
    static CONFIG: OnceLock<Config> = OnceLock::new();
    CONFIG.get_or_init(|| {
        Config::from_parts(&request::config_text(), None, &[]).expect("the fuzz config parses")
    })
}

fuzz_target!(|data: &[u8]| {
    let config = config();
    let mut req = request::parse(data);
    let now = request::NOW;

    let json = provider::body_json(&req.body);
    let (detected, _) = provider::detect(&req, json.as_ref(), config);
    for p in provider::all()
        .iter()
        .map(|v| v.id())
        .chain([ProviderId::UNKNOWN])
    {
        let _ = provider::understand(p, &req, json.as_ref());
        let a = provider::analyze_as(p, &req, config, now);
        assert!(!a.findings.verification.detail.is_empty());
        if p == ProviderId::UNKNOWN {
            assert_ne!(a.findings.verification.status, Status::Verified);
        }
    }
    let analysis = provider::analyze(&req, config, now);
    assert_eq!(analysis.findings.provider, detected);
    // What the receiver records (read from the bytes where it can) is what the full
    // analysis says.
    assert_eq!(
        provider::analyze_brief(&req, config, now),
        provider::Brief::from(analysis.clone())
    );

    Redactor::from_config(config).apply(&mut req);
    // Header names are not credentials; values, the path and the query may carry one,
    // the URL also percent-encoded.
    let query = req.query.clone().unwrap_or_default();
    let mut stored = vec![
        req.path.clone(),
        provider::percent_decode(&req.path),
        query.clone(),
        provider::percent_decode(&query.replace('+', " ")),
    ];
    stored.extend(req.headers.iter().map(|(_, v)| v.clone()));
    for secret in request::SECRETS {
        assert!(
            stored.iter().all(|s| !s.contains(secret)),
            "{secret} survived redaction: {stored:?}"
        );
    }

    let d = Delivery {
        id: "0193a1b2-0000-7000-8000-000000000000".into(),
        received_at: chrono::DateTime::from_timestamp(now, 0).expect("a valid instant"),
        request: req,
        findings: analysis.findings,
        response_status: 200,
        replay_of: None,
        forward: None,
    };
    let line = d.line();
    let text = serde_json::to_string(&line).expect("the headless line serializes");
    let back: Line = serde_json::from_str(&text).expect("and reads back");
    let mut expected = line;
    expected.findings.verification.evidence = None;
    assert_eq!(back, expected);
});
