//! Across vendors: every sample is recognised by its own vendor only, and no body, JSON
//! or not, can make detection or reading panic.

use proptest::prelude::*;
use serde_json::{Map, Value};

use super::*;

const FIXTURES: [(ProviderId, &str); 8] = [
    (
        ProviderId::BRILLIANT,
        include_str!("../../tests/fixtures/payloads/brilliant/response_completed.json"),
    ),
    (
        ProviderId::CLASSET,
        include_str!("../../tests/fixtures/payloads/classet/call_completed.json"),
    ),
    (
        ProviderId::CLASSET,
        include_str!("../../tests/fixtures/payloads/classet/candidate_interview_updated.json"),
    ),
    (
        ProviderId::CLEARSPEED,
        include_str!("../../tests/fixtures/payloads/clearspeed/attempted_incomplete.json"),
    ),
    (
        ProviderId::CLEARSPEED,
        include_str!("../../tests/fixtures/payloads/clearspeed/result_published.json"),
    ),
    (
        ProviderId::JOBMOJITO,
        include_str!("../../tests/fixtures/payloads/jobmojito/interview_collected.json"),
    ),
    (
        ProviderId::TALENTSPROUT,
        include_str!("../../tests/fixtures/payloads/talentsprout/interview_abandoned.json"),
    ),
    (
        ProviderId::TALENTSPROUT,
        include_str!("../../tests/fixtures/payloads/talentsprout/interview_completed.json"),
    ),
];

fn matchers(v: &Value) -> [(ProviderId, bool); 5] {
    [
        (ProviderId::CLEARSPEED, clearspeed::matches_body(v)),
        (ProviderId::BRILLIANT, brilliant::matches_body(v)),
        (ProviderId::TALENTSPROUT, talentsprout::matches_body(v)),
        (ProviderId::CLASSET, classet::matches_body(v)),
        (ProviderId::JOBMOJITO, jobmojito::matches_body(v)),
    ]
}

fn request(path: &str, headers: Vec<(String, String)>, body: &[u8]) -> Request {
    Request {
        headers,
        ..Request::post(path, &[], body)
    }
}

#[test]
fn every_fixture_matches_its_own_vendor_only() {
    for (owner, text) in FIXTURES {
        let v: Value = serde_json::from_str(text).expect("fixture is JSON");
        for (vendor, matched) in matchers(&v) {
            assert_eq!(
                matched,
                vendor == owner,
                "{owner} sample vs {vendor} matcher"
            );
        }
    }
}

#[test]
fn every_fixture_is_detected_and_understood_from_the_body() {
    let config = Config::default();
    for (owner, text) in FIXTURES {
        let req = request("/", Vec::new(), text.as_bytes());
        let json = body_json(&req.body);
        assert_eq!(
            detect(&req, json.as_ref(), &config),
            (owner, DetectedBy::Body)
        );
        let u = understand(owner, &req, json.as_ref());
        assert!(u.subject.is_some(), "{owner}: no subject");
        assert!(u.event.is_some(), "{owner}: no event");
        assert_ne!(u.summary, Summary::Unknown, "{owner}");
        let shown = serde_json::to_value(&u.summary).expect("summary serializes");
        assert_eq!(shown["provider"], owner.as_str(), "{owner}");
    }
}

#[test]
fn headers_detect_before_the_body_shape() {
    let config = Config::default();
    let body = FIXTURES[0].1.as_bytes();
    let headers = vec![("x-classet-key".to_string(), "k".to_string())];
    let req = request("/", headers, body);
    let json = body_json(&req.body);
    assert_eq!(
        detect(&req, json.as_ref(), &config),
        (ProviderId::CLASSET, DetectedBy::Header)
    );
}

#[test]
fn analyze_reports_the_route_event_and_summary() {
    let config = Config::default();
    let req = request("/jobmojito/interview_failed", Vec::new(), b"not json");
    let a = analyze(&req, &config, 0);
    assert_eq!(a.findings.provider, ProviderId::JOBMOJITO);
    assert_eq!(a.findings.event.as_deref(), Some("interview_failed"));
    assert_eq!(a.summary, Summary::Unknown);
    let req = request("/classet", Vec::new(), FIXTURES[2].1.as_bytes());
    let a = analyze(&req, &config, 0);
    assert_eq!(a.findings.subject.as_deref(), Some("cand_12345678"));
    assert!(matches!(a.summary, Summary::Classet(_)));
}

/// Keys the vendors use, so generated objects reach the typed readers' deeper paths.
const KEYS: [&str; 40] = [
    "event",
    "type",
    "candidate",
    "session",
    "interview",
    "scores",
    "integrity",
    "evaluation",
    "categories",
    "language_proficiency",
    "ai_summary",
    "transcript",
    "messages",
    "words",
    "start",
    "end",
    "changes",
    "data",
    "from",
    "to",
    "candidate_id",
    "call_id",
    "call_status",
    "call_details",
    "call_analysis",
    "questions",
    "callback_type",
    "questions_risk_rating",
    "risk_level",
    "sequence",
    "summary_bgcolor",
    "interview_ref_num",
    "EventType",
    "Data",
    "ResponseId",
    "Timestamp",
    "id",
    "question_set_id",
    "ai_analysis_recruiter_why_hire",
    "interview_status",
];

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(KEYS.as_slice()).prop_map(str::to_string),
        1 => "[a-z_]{0,8}",
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_filter_map("finite", |f| serde_json::Number::from_f64(f)
            .map(Value::Number)),
        ".{0,10}".prop_map(Value::String),
        prop_oneof![
            Just("#fff"),
            Just("HR"),
            Just("interview.completed"),
            Just("response.completed"),
            Just("candidate.interview.updated"),
            Just("Result Update"),
            Just("failed"),
            Just("01:02"),
            Just("[\"a\"]"),
        ]
        .prop_map(|s| Value::String(s.into())),
    ];
    leaf.prop_recursive(5, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..6)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// Replaces the `n`th node (pre-order, wrapping) of `v` with `new`.
fn replace_nth(v: &mut Value, n: usize, new: Value) {
    fn count(v: &Value) -> usize {
        1 + match v {
            Value::Array(a) => a.iter().map(count).sum(),
            Value::Object(m) => m.values().map(count).sum(),
            _ => 0,
        }
    }
    let n = n % count(v);
    replace_exact(v, n, new);
}

/// Runs everything a body goes through, for every vendor.
fn read_everything(v: &Value) {
    let _ = matchers(v);
    let _ = clearspeed::understand(v);
    let _ = talentsprout::understand(v);
    let _ = brilliant::understand(v);
    let _ = classet::understand(v);
    let _ = jobmojito::understand(v, None);
    let _ = jobmojito::understand(v, Some("interview_result"));
    let config = Config::default();
    let body = serde_json::to_vec(v).unwrap_or_default();
    for p in crate::provider::all()
        .iter()
        .map(|v| v.id())
        .chain([ProviderId::UNKNOWN])
    {
        let path = format!("/{}", p.as_str());
        let req = request(&path, Vec::new(), &body);
        let _ = understand(p, &req, Some(v));
        let _ = serde_json::to_string(&understand(p, &req, Some(v)).summary);
    }
    let req = request("/", Vec::new(), &body);
    let _ = detect(&req, Some(v), &config);
}

/// Every node of every sample swapped, in turn, for each kind of value: a deterministic
/// sweep of the type confusions the random tests only sample.
#[test]
fn every_node_of_every_sample_tolerates_every_type() {
    let swaps = [
        Value::Null,
        Value::Bool(true),
        Value::from(0),
        Value::from(-1.5),
        Value::from(u64::MAX),
        Value::from(""),
        Value::from("x"),
        Value::Array(Vec::new()),
        Value::Object(Map::new()),
        serde_json::json!([{}, "s", 1]),
    ];
    for (_, text) in FIXTURES {
        let original: Value = serde_json::from_str(text).expect("fixture is JSON");
        let mut n = 0;
        loop {
            let mut probe = original.clone();
            if !replace_exact(&mut probe, n, Value::Null) {
                break;
            }
            for swap in &swaps {
                let mut v = original.clone();
                replace_exact(&mut v, n, swap.clone());
                read_everything(&v);
            }
            n += 1;
        }
    }
}

/// Replaces the `n`th node (pre-order) of `v`; false when there is no such node.
fn replace_exact(v: &mut Value, n: usize, new: Value) -> bool {
    let mut n = n;
    let mut new = Some(new);
    walk(v, &mut n, &mut new);
    new.is_none()
}

fn walk(v: &mut Value, n: &mut usize, new: &mut Option<Value>) {
    if new.is_none() {
        return;
    }
    if *n == 0 {
        if let Some(x) = new.take() {
            *v = x;
        }
        return;
    }
    *n -= 1;
    let children: Vec<&mut Value> = match v {
        Value::Array(a) => a.iter_mut().collect(),
        Value::Object(m) => m.values_mut().collect(),
        _ => Vec::new(),
    };
    for c in children {
        walk(c, n, new);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn arbitrary_json_never_panics(v in json_value()) {
        read_everything(&v);
    }

    /// Real samples with a few nodes swapped for values of any type: the type confusions
    /// a sender could plausibly produce, deep inside the shapes the readers expect.
    #[test]
    fn mutated_samples_never_panic(
        which in 0..FIXTURES.len(),
        edits in prop::collection::vec((any::<usize>(), json_value()), 1..6),
    ) {
        let mut v: Value = serde_json::from_str(FIXTURES[which].1).expect("fixture is JSON");
        for (at, new) in edits {
            replace_nth(&mut v, at, new);
        }
        read_everything(&v);
    }

    #[test]
    fn arbitrary_bytes_never_panic(body in prop::collection::vec(any::<u8>(), 0..512)) {
        let config = Config::default();
        let req = request("/", Vec::new(), &body);
        let json = body_json(&req.body);
        let (p, _) = detect(&req, json.as_ref(), &config);
        let _ = understand(p, &req, json.as_ref());
        let _ = analyze(&req, &config, 0);
    }

    #[test]
    fn truncated_samples_never_panic(which in 0..FIXTURES.len(), cut in any::<usize>()) {
        let text = FIXTURES[which].1.as_bytes();
        let body = &text[..cut % (text.len() + 1)];
        let config = Config::default();
        for path in ["/", "/jobmojito/x", "/brilliant/k", "/classet"] {
            let _ = analyze(&request(path, Vec::new(), body), &config, 0);
        }
    }
}
