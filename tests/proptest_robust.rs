//! Many random requests through the whole analysis with every secret configured, and many
//! random lines through NDJSON import: no panic, and the invariants that matter hold.
//! Positive cases are built too, so "never verified" cannot pass by verifying nothing.

use std::sync::OnceLock;

use base64::Engine;
use bytes::Bytes;
use hmac::{Hmac, Mac};
use hookscope::config::Config;
use hookscope::model::ProviderId;
use hookscope::model::{Delivery, Line, Request};
use hookscope::provider;
use hookscope::redact::Redactor;
use hookscope::signature::{Status, parse_stripe_header};
use hookscope::store::{Store, export_ndjson, import_ndjson};
use proptest::prelude::*;
use serde_json::{Value, json};

const NOW: i64 = 1_763_650_000;
const CASES: u32 = 2000;

const TS_SECRET: &str = "whsec_dGVzdF9zZWNyZXRfZm9yX3RhbGVudHNwcm91dA";
const CL_SECRET: &str = "classet_sig_secret_1b7e";
const CL_API_KEY: &str = "cl_legacy_SECRET_4711";
const CS_API_KEY: &str = "cs_api_SECRET_0815";
const CS_BEARER: &str = "cs_bearer_SECRET_2342";
const CS_JWT_SECRET: &str = "cs_jwt_SECRET_9999_long_enough";
const CS_CLIENT_SECRET: &str = "cs_client_SECRET_1337";
/// Characters a URL carries percent-encoded.
const BR_URL_KEY: &str = "br+url=SECRET/6174";
const BR_API_KEY: &str = "br_api_SECRET_2718";
const JM_VALUE: &str = "jm_value_SECRET_1618";
const JM_HEADER: &str = "x-jobmojito-token";

const SECRETS: [&str; 10] = [
    TS_SECRET,
    CL_SECRET,
    CL_API_KEY,
    CS_API_KEY,
    CS_BEARER,
    CS_JWT_SECRET,
    CS_CLIENT_SECRET,
    BR_URL_KEY,
    BR_API_KEY,
    JM_VALUE,
];

fn config() -> &'static Config {
    static CONFIG: OnceLock<Config> = OnceLock::new();
    CONFIG.get_or_init(|| {
        let jwks = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/jwt/jwks.json");
        let text = format!(
            "[providers.talentsprout]\nsecret = \"{TS_SECRET}\"\n\
             [providers.classet]\nsecret = \"{CL_SECRET}\"\napi_key = \"{CL_API_KEY}\"\n\
             [providers.clearspeed]\napi_key = \"{CS_API_KEY}\"\nbearer_token = \"{CS_BEARER}\"\n\
             jwt_secret = \"{CS_JWT_SECRET}\"\nclient_secret = \"{CS_CLIENT_SECRET}\"\n\
             client_id = \"hookscope-test\"\njwks_file = \"{jwks}\"\n\
             [providers.brilliant]\nurl_key = \"{BR_URL_KEY}\"\napi_key = \"{BR_API_KEY}\"\n\
             [providers.jobmojito]\nheader = \"{JM_HEADER}\"\nvalue = \"{JM_VALUE}\"\n"
        );
        Config::from_parts(&text, None, &[]).unwrap()
    })
}

fn mac(key: &[u8], msg: &[u8]) -> Vec<u8> {
    let mut m = Hmac::<sha2::Sha256>::new_from_slice(key).unwrap();
    m.update(msg);
    m.finalize().into_bytes().to_vec()
}

fn ts_signature(t: &str, body: &[u8]) -> String {
    hex::encode(mac(
        TS_SECRET.as_bytes(),
        &[t.as_bytes(), b".", body].concat(),
    ))
}

fn classet_signature(body: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac(CL_SECRET.as_bytes(), body))
}

fn hs256_jwt(key: &str, claims: &Value) -> String {
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let input = format!(
        "{}.{}",
        b64.encode(br#"{"alg":"HS256","typ":"JWT"}"#),
        b64.encode(claims.to_string())
    );
    format!(
        "{input}.{}",
        b64.encode(mac(key.as_bytes(), input.as_bytes()))
    )
}

/// Whether `token` is an HS256 JWT signed with the configured JWT secret.
fn signed_jwt(token: &str) -> bool {
    let Some((input, sig)) = token.rsplit_once('.') else {
        return false;
    };
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    b64.encode(mac(CS_JWT_SECRET.as_bytes(), input.as_bytes())) == sig
}

fn percent_encoded(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn percent_decoded(s: &str, plus_is_space: bool) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        match b[i] {
            b'+' if plus_is_space => out.push(b' '),
            b'%' if i + 2 < b.len() => match (hex(b[i + 1]), hex(b[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

fn request(
    method: &str,
    path: &str,
    query: Option<String>,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
) -> Request {
    Request {
        method: method.into(),
        path: path.into(),
        query,
        headers,
        body_bytes: body.len() as u64,
        body: Bytes::from(body),
        body_truncated: false,
        peer: Some("127.0.0.1:40000".into()),
    }
}

// ---------------------------------------------------------------------------------------
// Strategies.

const VENDOR_HEADERS: [&str; 8] = [
    "x-talentsprout-signature",
    "x-classet-webhook-signature",
    "x-classet-key",
    "x-api-key",
    "authorization",
    JM_HEADER,
    "x-access-token",
    "x-signature",
];

fn header_name() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => proptest::sample::select(&VENDOR_HEADERS[..]).prop_map(str::to_string),
        2 => "[a-z][a-z0-9-]{0,20}",
        1 => "x-[a-z]{1,8}-(key|token|auth|secret|signature)",
    ]
}

fn stripe_like() -> impl Strategy<Value = String> {
    let part = prop_oneof![
        "t=[+-]?[0-9]{0,20}",
        "t=[ -~]{0,12}",
        "v1=[0-9a-fA-F]{0,70}",
        "v0=[0-9a-f]{0,10}",
        "v1=",
        "[a-z]{0,3}=?[ -~]{0,8}",
    ];
    proptest::collection::vec(part, 0..6).prop_map(|parts| parts.join(","))
}

fn header_value() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => any::<String>(),
        3 => stripe_like(),
        1 => (-400i64..400).prop_map(|skew| format!("t={},v1={}", NOW + skew, "0".repeat(64))),
        2 => "(Bearer |bearer |Basic |Token )?[A-Za-z0-9_=+/.-]{0,60}",
        2 => "Bearer [A-Za-z0-9_-]{0,30}\\.[A-Za-z0-9_-]{0,60}\\.[A-Za-z0-9_-]{0,43}",
        1 => "[A-Za-z0-9+/=_-]{40,46}",
        1 => proptest::sample::select(&SECRETS[..]).prop_map(str::to_string),
        1 => proptest::sample::select(&SECRETS[..]).prop_map(|s| format!("Bearer {s}")),
        1 => proptest::sample::select(&SECRETS[..]).prop_map(|s| format!("x{s}x")),
    ]
}

fn headers() -> impl Strategy<Value = Vec<(String, String)>> {
    proptest::collection::vec((header_name(), header_value()), 0..8)
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        "[ -~]{0,12}".prop_map(Value::String),
        any::<String>().prop_map(Value::String),
    ];
    let key = prop_oneof![
        proptest::sample::select(
            &[
                "event",
                "type",
                "id",
                "data",
                "candidate",
                "candidate_id",
                "interview",
                "interview_id",
                "session",
                "changes",
                "call_id",
                "call_status",
                "callback_type",
                "ResponseId",
                "question_set_id",
                "ai_analysis_recruiter",
                "transcript",
                "scores",
                "start",
                "timestamp",
            ][..]
        )
        .prop_map(str::to_string),
        "[a-z_]{1,10}",
    ];
    leaf.prop_recursive(6, 64, 8, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            proptest::collection::vec((key.clone(), inner), 0..8)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

const FIXTURES: [&str; 8] = [
    include_str!("fixtures/payloads/brilliant/response_completed.json"),
    include_str!("fixtures/payloads/classet/call_completed.json"),
    include_str!("fixtures/payloads/classet/candidate_interview_updated.json"),
    include_str!("fixtures/payloads/clearspeed/attempted_incomplete.json"),
    include_str!("fixtures/payloads/clearspeed/result_published.json"),
    include_str!("fixtures/payloads/jobmojito/interview_collected.json"),
    include_str!("fixtures/payloads/talentsprout/interview_abandoned.json"),
    include_str!("fixtures/payloads/talentsprout/interview_completed.json"),
];

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        2 => proptest::collection::vec(any::<u8>(), 0..300),
        3 => json_value().prop_map(|v| serde_json::to_vec(&v).unwrap()),
        1 => json_value().prop_map(|v| serde_json::to_vec_pretty(&v).unwrap()),
        // Nesting past serde_json's limit, closed or not.
        1 => (1usize..3000, any::<bool>(), any::<bool>()).prop_map(|(depth, objects, close)| {
            let (open, end) = if objects { ("{\"a\":", "}") } else { ("[", "]") };
            let mut s = open.repeat(depth);
            if close {
                s.push('1');
                s.push_str(&end.repeat(depth));
            }
            s.into_bytes()
        }),
        2 => (proptest::sample::select(&FIXTURES[..]), any::<bool>()).prop_map(|(f, compact)| {
            if compact {
                let v: Value = serde_json::from_str(f).unwrap();
                serde_json::to_vec(&v).unwrap()
            } else {
                f.as_bytes().to_vec()
            }
        }),
    ]
}

fn path() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => proptest::sample::select(
            &["/talentsprout", "/classet", "/clearspeed", "/brilliant", "/jobmojito", "/", ""][..]
        )
        .prop_map(str::to_string),
        2 => "/brilliant/[^/?#]{0,20}(/[a-z]{0,4})?",
        1 => Just(format!("/brilliant/{}", percent_encoded(BR_URL_KEY))),
        1 => Just(format!("/x/{}/y", percent_encoded(BR_URL_KEY))),
        // The key's own `/` spreads it over two segments, plain or partly encoded.
        1 => Just(format!("/brilliant{BR_URL_KEY}x")),
        1 => Just(format!("/brilliant/{}", BR_URL_KEY.replace('+', "%2B").replace('=', "%3D"))),
        2 => "/jobmojito/[a-z_%0-9]{0,20}",
        2 => "(/[^/?#]{0,10}){0,4}",
    ]
}

fn query() -> impl Strategy<Value = Option<String>> {
    proptest::option::of(prop_oneof![
        "[a-z]{0,5}=[A-Za-z0-9%+]{0,12}(&[a-z]{0,5}=[A-Za-z0-9%+]{0,12}){0,3}",
        Just(format!("key={}", percent_encoded(BR_URL_KEY))),
        Just(format!("token={}&x=1", percent_encoded(BR_URL_KEY))),
        Just(format!("key={BR_URL_KEY}")),
        "[ -~]{0,30}",
    ])
}

fn method() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => Just("POST".to_string()),
        1 => "[A-Z]{1,8}",
    ]
}

// ---------------------------------------------------------------------------------------
// What must hold for any request.

/// The configured credential a verified delivery must have carried.
fn carries_right_credential(provider: ProviderId, req: &Request) -> bool {
    let h = |name| header(&req.headers, name);
    match provider {
        ProviderId::TALENTSPROUT => h("x-talentsprout-signature")
            .and_then(|v| parse_stripe_header(v).ok())
            .is_some_and(|s| {
                let t = s.t.unwrap_or_default();
                let expected = ts_signature(s.t_text.as_deref().unwrap_or_default(), &req.body);
                NOW.abs_diff(t) <= 300 && s.v1.contains(&expected)
            }),
        // With both configured, the legacy key alone verifies too.
        ProviderId::CLASSET => {
            h("x-classet-webhook-signature")
                .is_some_and(|v| v.trim() == classet_signature(&req.body))
                || h("x-classet-key").is_some_and(|v| v.trim() == CL_API_KEY)
        }
        ProviderId::CLEARSPEED => {
            let bearer = h("authorization").and_then(|v| {
                let (scheme, token) = v.trim().split_once(char::is_whitespace)?;
                scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
            });
            // Either configured scheme verifying is enough, whatever else arrived.
            bearer.is_some_and(|token| token == CS_BEARER || signed_jwt(token))
                || h("x-api-key").is_some_and(|v| v.trim() == CS_API_KEY)
        }
        ProviderId::BRILLIANT => {
            // `/brilliant/{key}`, else `?key=`, both percent-decoded.
            let from_path = req
                .path
                .trim_start_matches('/')
                .split('/')
                .nth(1)
                .filter(|s| !s.is_empty())
                .map(|s| percent_decoded(s, false));
            let from_query = req.query.as_deref().and_then(|q| {
                q.split('&').find_map(|pair| {
                    let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                    (percent_decoded(k, true) == "key").then(|| percent_decoded(v, true))
                })
            });
            from_path.or(from_query).as_deref() == Some(BR_URL_KEY)
        }
        ProviderId::JOBMOJITO => h(JM_HEADER).is_some_and(|v| v.trim() == JM_VALUE),
        _ => false,
    }
}

fn delivery_for(req: Request) -> Delivery {
    let a = provider::analyze(&req, config(), NOW);
    Delivery {
        id: hookscope::model::new_id(),
        received_at: chrono::DateTime::from_timestamp(NOW, 0).unwrap(),
        request: req,
        findings: a.findings,
        response_status: 200,
        replay_of: None,
        forward: None,
    }
}

/// Every place a stored request could still hold a secret, decoded as a URL would be.
fn stored_texts(req: &Request) -> Vec<String> {
    let mut texts: Vec<String> = req.headers.iter().map(|(_, v)| v.clone()).collect();
    texts.push(req.path.clone());
    texts.push(percent_decoded(&req.path, false));
    texts.extend(req.path.split('/').map(|s| percent_decoded(s, false)));
    if let Some(q) = &req.query {
        texts.push(q.clone());
        texts.push(percent_decoded(q, true));
        for pair in q.split('&') {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            texts.push(percent_decoded(k, true));
            texts.push(percent_decoded(v, true));
        }
    }
    texts
}

fn check_any_request(req: Request) -> Result<(), TestCaseError> {
    let d = delivery_for(req.clone());
    let v = &d.findings.verification;
    prop_assert!(!v.detail.is_empty());
    prop_assert!(v.hint.is_none() || v.status == Status::Failed, "{v:?}");
    if v.status == Status::Verified {
        prop_assert!(
            carries_right_credential(d.findings.provider, &req),
            "verified without the right credential: {:?} {req:?}",
            d.findings.provider
        );
    }
    for secret in SECRETS {
        prop_assert!(
            !v.detail.contains(secret),
            "a secret in the detail: {}",
            v.detail
        );
    }

    // The headless line always serializes, and reads back as it was.
    let line = d.line();
    let text = serde_json::to_string(&line).unwrap();
    prop_assert!(!text.contains('\n'));
    // The printer's borrowing serialiser writes the same line, with DEL, C1 controls and
    // bidi overrides escaped, which reads back as the same value.
    let mut printed = Vec::new();
    hookscope::sanitize::write_line(&d, &mut printed).unwrap();
    let mut safe = Vec::new();
    hookscope::sanitize::to_json_writer(&mut safe, &line).unwrap();
    safe.push(b'\n');
    prop_assert_eq!(&printed, &safe);
    let reread: Line = serde_json::from_slice(&printed).unwrap();
    prop_assert_eq!(serde_json::to_string(&reread).unwrap(), text.clone());
    let back: Line = serde_json::from_str(&text).unwrap();
    let mut expected = line;
    expected.findings.verification.evidence = None;
    prop_assert_eq!(back, expected);

    // What is stored holds no configured secret, plain or percent-encoded.
    let mut stored = req.clone();
    Redactor::from_config(config()).apply(&mut stored);
    for text in stored_texts(&stored) {
        for secret in SECRETS {
            prop_assert!(!text.contains(secret), "{secret} stored in {text:?}");
        }
    }

    // What the receiver records is what the full analysis says.
    let full = provider::Brief::from(provider::analyze(&req, config(), NOW));
    prop_assert_eq!(provider::analyze_brief(&req, config(), NOW), full);

    // A body cut off at the limit is never verified, whatever it carries.
    let mut cut = req;
    cut.body_truncated = true;
    cut.body_bytes += 1;
    let a = provider::analyze(&cut, config(), NOW);
    prop_assert_ne!(a.findings.verification.status, Status::Verified);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: CASES, ..ProptestConfig::default() })]

    #[test]
    fn any_request_is_analysed_without_panic_and_never_wrongly_verified(
        method in method(),
        path in path(),
        query in query(),
        headers in headers(),
        body in body(),
    ) {
        check_any_request(request(&method, &path, query, headers, body))?;
    }
}

// ---------------------------------------------------------------------------------------
// Positive cases: the right credential among random noise verifies.

#[derive(Debug, Clone, Copy)]
enum Signed {
    TalentSprout,
    Classet,
    ClearspeedApiKey,
    ClearspeedBearer,
    ClearspeedJwt,
    BrilliantPath,
    BrilliantQuery,
    JobMojito,
}

const SIGNED: [Signed; 8] = [
    Signed::TalentSprout,
    Signed::Classet,
    Signed::ClearspeedApiKey,
    Signed::ClearspeedBearer,
    Signed::ClearspeedJwt,
    Signed::BrilliantPath,
    Signed::BrilliantQuery,
    Signed::JobMojito,
];

/// The route and credential of a correctly authenticated delivery; `skew` moves the
/// TalentSprout timestamp within its tolerance.
fn signed_request(
    kind: Signed,
    skew: i64,
    mut noise: Vec<(String, String)>,
    body: Vec<u8>,
) -> (Request, ProviderId) {
    let reserved: &[&str] = match kind {
        Signed::TalentSprout => &["x-talentsprout-signature"],
        Signed::Classet => &["x-classet-webhook-signature"],
        Signed::ClearspeedApiKey => &["x-api-key", "authorization"],
        Signed::ClearspeedBearer | Signed::ClearspeedJwt => &["authorization"],
        Signed::BrilliantPath | Signed::BrilliantQuery => &[],
        Signed::JobMojito => &[JM_HEADER],
    };
    noise.retain(|(n, _)| !reserved.contains(&n.as_str()));
    let mut credential = |name: &str, value: String| noise.insert(0, (name.to_string(), value));
    let (path, query, provider) = match kind {
        Signed::TalentSprout => {
            let t = (NOW + skew).to_string();
            credential(
                "x-talentsprout-signature",
                format!("t={t},v1={}", ts_signature(&t, &body)),
            );
            ("/talentsprout".to_string(), None, ProviderId::TALENTSPROUT)
        }
        Signed::Classet => {
            credential("x-classet-webhook-signature", classet_signature(&body));
            ("/classet".to_string(), None, ProviderId::CLASSET)
        }
        Signed::ClearspeedApiKey => {
            credential("x-api-key", CS_API_KEY.to_string());
            ("/clearspeed".to_string(), None, ProviderId::CLEARSPEED)
        }
        Signed::ClearspeedBearer => {
            credential("authorization", format!("Bearer {CS_BEARER}"));
            ("/clearspeed".to_string(), None, ProviderId::CLEARSPEED)
        }
        Signed::ClearspeedJwt => {
            let claims = json!({"iss": "clearspeed", "exp": NOW + 600, "iat": NOW + skew});
            credential(
                "authorization",
                format!("Bearer {}", hs256_jwt(CS_JWT_SECRET, &claims)),
            );
            ("/clearspeed".to_string(), None, ProviderId::CLEARSPEED)
        }
        Signed::BrilliantPath => (
            format!("/brilliant/{}", percent_encoded(BR_URL_KEY)),
            Some("source=test".to_string()),
            ProviderId::BRILLIANT,
        ),
        Signed::BrilliantQuery => (
            "/brilliant".to_string(),
            Some(format!("x=1&key={}", percent_encoded(BR_URL_KEY))),
            ProviderId::BRILLIANT,
        ),
        Signed::JobMojito => {
            credential(JM_HEADER, JM_VALUE.to_string());
            ("/jobmojito".to_string(), None, ProviderId::JOBMOJITO)
        }
    };
    (request("POST", &path, query, noise, body), provider)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: CASES, ..ProptestConfig::default() })]

    #[test]
    fn the_right_credential_among_noise_verifies(
        kind in proptest::sample::select(&SIGNED[..]),
        skew in -300i64..=300,
        noise in headers(),
        body in body(),
    ) {
        let (req, provider) = signed_request(kind, skew, noise, body);
        let d = delivery_for(req.clone());
        prop_assert_eq!(d.findings.provider, provider);
        prop_assert_eq!(
            d.findings.verification.status,
            Status::Verified,
            "{:?}: {}",
            kind,
            d.findings.verification.detail
        );
        check_any_request(req)?;
    }
}

// ---------------------------------------------------------------------------------------
// NDJSON import.

/// An export line (the shape `hookscope export` writes) for a delivery with this id.
fn export_line(id: &str, body: &[u8], headers: &[(String, String)]) -> String {
    let mut d = delivery_for(request(
        "POST",
        "/classet",
        None,
        headers.to_vec(),
        body.to_vec(),
    ));
    d.id = id.to_string();
    let mut v = serde_json::to_value(d.line()).unwrap();
    let (body, encoding) = match std::str::from_utf8(body) {
        Ok(text) => (text.to_string(), "utf8"),
        Err(_) => (
            base64::engine::general_purpose::STANDARD.encode(body),
            "base64",
        ),
    };
    let extra = json!({
        "query": null,
        "peer": "127.0.0.1:1",
        "headers": headers,
        "body_truncated": false,
        "replay_of": null,
        "fetched": null,
        "body": body,
        "body_encoding": encoding,
    });
    v.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    v.to_string()
}

#[derive(Debug, Clone)]
enum ImportLine {
    /// A well-formed line for id number `n` (ids repeat, to make duplicates).
    Valid(u8, Vec<u8>, Vec<(String, String)>),
    /// A well-formed line cut short.
    Cut(u8, Vec<u8>, usize),
    /// A well-formed line with one field set to something of the wrong kind.
    WrongField(u8, &'static str, Value),
    Junk(Vec<u8>),
    Text(String),
    Json(Value),
    Blank(String),
}

fn import_line() -> impl Strategy<Value = ImportLine> {
    let bytes = proptest::collection::vec(any::<u8>(), 0..80);
    prop_oneof![
        4 => (0u8..12, bytes.clone(), proptest::collection::vec(("[a-z-]{1,10}", any::<String>()), 0..3))
            .prop_map(|(n, b, h)| ImportLine::Valid(n, b, h)),
        1 => (0u8..12, bytes.clone(), any::<usize>()).prop_map(|(n, b, at)| ImportLine::Cut(n, b, at)),
        2 => (
            0u8..12,
            proptest::sample::select(
                &["id", "received_at", "provider", "detected_by", "verification", "response",
                  "body_bytes", "body", "body_encoding", "headers", "method"][..]
            ),
            json_value(),
        )
            .prop_map(|(n, f, v)| ImportLine::WrongField(n, f, v)),
        1 => proptest::collection::vec(any::<u8>(), 0..120).prop_map(ImportLine::Junk),
        1 => any::<String>().prop_map(ImportLine::Text),
        1 => json_value().prop_map(ImportLine::Json),
        1 => "[ \t\r]{0,4}".prop_map(ImportLine::Blank),
    ]
}

fn id(n: u8) -> String {
    format!("0193a1b2-0000-7000-8000-{n:012}")
}

/// The bytes of one line (without its newline) and, when it must import, its id.
fn render(line: &ImportLine) -> (Vec<u8>, Option<String>) {
    match line {
        ImportLine::Valid(n, body, headers) => (
            export_line(&id(*n), body, headers).into_bytes(),
            Some(id(*n)),
        ),
        ImportLine::Cut(n, body, at) => {
            let full = export_line(&id(*n), body, &[]);
            // Cut strictly inside the object, so it is never valid JSON.
            let at = 1 + at % (full.len() - 1);
            (full.as_bytes()[..at].to_vec(), None)
        }
        ImportLine::WrongField(n, field, value) => {
            let mut v: Value = serde_json::from_str(&export_line(&id(*n), b"{}", &[])).unwrap();
            let valid_kind = v[*field].is_string() == value.is_string()
                && v[*field].is_object() == value.is_object()
                && v[*field].is_number() == value.is_number()
                && v[*field].is_array() == value.is_array();
            v[*field] = value.clone();
            // A value of the right kind might still import, so such a line is left out
            // (rendered blank) to keep the expected counts exact.
            if valid_kind {
                (Vec::new(), None)
            } else {
                (v.to_string().into_bytes(), None)
            }
        }
        ImportLine::Junk(b) => (b.clone(), None),
        ImportLine::Text(s) => (s.as_bytes().to_vec(), None),
        ImportLine::Json(v) => (v.to_string().into_bytes(), None),
        ImportLine::Blank(s) => (s.as_bytes().to_vec(), None),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: CASES, ..ProptestConfig::default() })]

    #[test]
    fn import_accounts_for_every_line_and_stores_each_id_once(
        lines in proptest::collection::vec(import_line(), 0..12),
        crlf in any::<bool>(),
        final_newline in any::<bool>(),
    ) {
        let rendered: Vec<(Vec<u8>, Option<String>)> = lines.iter().map(render).collect();
        let mut input = Vec::new();
        for (i, (bytes, _)) in rendered.iter().enumerate() {
            input.extend_from_slice(bytes);
            if i + 1 < rendered.len() || final_newline {
                input.extend_from_slice(if crlf { b"\r\n" } else { b"\n" });
            }
        }
        let store = Store::in_memory().unwrap();
        let report = import_ndjson(&store, input.as_slice(), &Redactor::default()).unwrap();

        let non_empty = input
            .split(|b| *b == b'\n')
            .filter(|l| !l.trim_ascii().is_empty())
            .count() as u64;
        let accounted = report.imported + report.duplicates + report.errors.len() as u64;
        prop_assert_eq!(accounted, non_empty, "{:?}", report);

        // Only `Valid` lines are exports: the other strategies cannot make one by chance.
        let valid: Vec<&String> = rendered.iter().filter_map(|(_, id)| id.as_ref()).collect();
        let distinct: std::collections::HashSet<&String> = valid.iter().copied().collect();
        prop_assert_eq!(report.imported, distinct.len() as u64, "{:?}", report);
        prop_assert_eq!(report.duplicates, (valid.len() - distinct.len()) as u64);
        for (line, message) in &report.errors {
            prop_assert!(*line >= 1 && !message.is_empty());
        }

        // Importing the same input again adds nothing.
        let again = import_ndjson(&store, input.as_slice(), &Redactor::default()).unwrap();
        prop_assert_eq!(again.imported, 0);
        prop_assert_eq!(again.duplicates, valid.len() as u64);

        let mut out = Vec::new();
        let exported = export_ndjson(&store.reader().unwrap(), None, &mut out, &Redactor::default()).unwrap();
        prop_assert_eq!(exported, distinct.len() as u64);
    }
}
