//! `hookscope send` and `hookscope demo` against receivers that check each vendor's
//! signature themselves, count attempts and time the retries.

mod common;

use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use base64::Engine;
use common::*;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// When a request arrived, its URI, headers and body.
type Hit = (Instant, String, HeaderMap, Vec<u8>);

#[derive(Clone, Default)]
struct Seen {
    hits: Arc<Mutex<Vec<Hit>>>,
    /// Statuses to answer, in order; the last one repeats.
    answers: Arc<Mutex<Vec<u16>>>,
}

async fn record(State(seen): State<Seen>, uri: Uri, headers: HeaderMap, body: Bytes) -> StatusCode {
    seen.hits
        .lock()
        .unwrap()
        .push((Instant::now(), uri.to_string(), headers, body.to_vec()));
    let mut answers = seen.answers.lock().unwrap();
    let status = if answers.len() > 1 {
        answers.remove(0)
    } else {
        answers[0]
    };
    StatusCode::from_u16(status).unwrap()
}

/// An in-process app on a free port, answering `answers` in turn.
fn app(answers: &[u16]) -> (String, Seen, tokio::runtime::Runtime) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let seen = Seen {
        answers: Arc::new(Mutex::new(answers.to_vec())),
        ..Seen::default()
    };
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let addr = listener.local_addr().unwrap();
    let router = Router::new().fallback(record).with_state(seen.clone());
    rt.spawn(async move { axum::serve(listener, router).await.unwrap() });
    (format!("http://{addr}"), seen, rt)
}

fn send(config: &str, args: &[&str]) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    send_in(dir.path(), config, args)
}

/// `hookscope send` with its config and store in `dir`.
fn send_in(dir: &std::path::Path, config: &str, args: &[&str]) -> (i32, String) {
    let cfg = dir.join("hookscope.toml");
    std::fs::write(&cfg, config).unwrap();
    let out = Command::new(bin())
        .arg("send")
        .args(args)
        .arg("--config")
        .arg(&cfg)
        .arg("--store")
        .arg(dir.join("sent.db"))
        .env("HOME", dir)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

fn hmac(key: &[u8], msg: &[u8]) -> Vec<u8> {
    let mut m = Hmac::<Sha256>::new_from_slice(key).unwrap();
    m.update(msg);
    m.finalize().into_bytes().to_vec()
}

#[test]
fn talentsprout_send_is_signed_over_timestamp_dot_body_with_the_whole_secret() {
    let (base, seen, _rt) = app(&[200]);
    let cfg = format!("[providers.talentsprout]\nsecret = \"{TS_SECRET}\"\n");
    let (code, out) = send(&cfg, &["talentsprout", "--to", &format!("{base}/hook")]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("attempt 1: 200"), "{out}");
    assert!(out.contains("only to https://"), "{out}");
    let hits = seen.hits.lock().unwrap();
    assert_eq!(hits.len(), 1);
    let (_, _, headers, body) = &hits[0];
    let header = headers["x-talentsprout-signature"].to_str().unwrap();
    let (t, v1) = header.split_once(',').unwrap();
    let t = t.strip_prefix("t=").unwrap();
    let mut msg = format!("{t}.").into_bytes();
    msg.extend_from_slice(body);
    assert_eq!(
        v1.strip_prefix("v1=").unwrap(),
        hex::encode(hmac(TS_SECRET.as_bytes(), &msg))
    );
    let v: serde_json::Value = serde_json::from_slice(body).unwrap();
    assert_eq!(v["event"], "interview.completed");
}

#[test]
fn classet_retries_three_times_with_doubling_backoff_then_gives_up() {
    let (base, seen, _rt) = app(&[500]);
    let cfg = format!("[providers.classet]\nsecret = \"{CL_SECRET}\"\n");
    let (code, out) = send(&cfg, &["classet", "--to", &base, "--retry-base-ms", "150"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("undeliverable"), "{out}");
    let hits = seen.hits.lock().unwrap();
    assert_eq!(hits.len(), 4, "first attempt plus 3 retries");
    let gaps: Vec<Duration> = hits.windows(2).map(|w| w[1].0 - w[0].0).collect();
    for (gap, min) in gaps.iter().zip([150u64, 300, 600]) {
        assert!(
            *gap >= Duration::from_millis(min),
            "gap {gap:?} shorter than {min} ms"
        );
    }
    assert!(gaps[2] > gaps[0], "backoff grows: {gaps:?}");
    let (_, _, headers, body) = &hits[0];
    let sig = headers["x-classet-webhook-signature"].to_str().unwrap();
    let expected =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(hmac(CL_SECRET.as_bytes(), body));
    assert_eq!(sig, expected);
}

#[test]
fn classet_stops_retrying_once_acknowledged() {
    let (base, seen, _rt) = app(&[503, 202]);
    let cfg = format!("[providers.classet]\nsecret = \"{CL_SECRET}\"\n");
    let (code, out) = send(
        &cfg,
        &[
            "classet",
            "--event",
            "call_completed",
            "--to",
            &base,
            "--retry-base-ms",
            "20",
        ],
    );
    assert_eq!(code, 0, "{out}");
    assert_eq!(seen.hits.lock().unwrap().len(), 2);
}

#[test]
fn clearspeed_counts_204_as_a_failure_and_does_not_retry() {
    let (base, seen, _rt) = app(&[204]);
    let cfg = "[providers.clearspeed]\napi_key = \"cs-key-1234\"\napi_key_header = \"x-clearspeed-key\"\n";
    let (code, out) = send(
        cfg,
        &["clearspeed", "--event", "Under Review", "--to", &base],
    );
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("only HTTP 200"), "{out}");
    let hits = seen.hits.lock().unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].2["x-clearspeed-key"], "cs-key-1234");
}

#[test]
fn brilliant_url_carries_the_key_and_jobmojito_sends_its_static_header() {
    let (base, seen, _rt) = app(&[200]);
    let cfg = "[providers.brilliant]\nurl_key = \"brkey42\"\n[providers.jobmojito]\nheader = \"x-jm\"\nvalue = \"jmvalue\"\n";
    let (code, out) = send(
        cfg,
        &[
            "brilliant",
            "--event",
            "response.started",
            "--to",
            &format!("{base}/brilliant"),
        ],
    );
    assert_eq!(code, 0, "{out}");
    let (code, out) = send(
        cfg,
        &["jobmojito", "--event", "interview_failed", "--to", &base],
    );
    assert_eq!(code, 0, "{out}");
    let hits = seen.hits.lock().unwrap();
    assert_eq!(hits[0].1, "/brilliant/brkey42");
    let v: serde_json::Value = serde_json::from_slice(&hits[0].3).unwrap();
    assert_eq!(v["EventType"], "response.started");
    assert_eq!(hits[1].2["x-jm"], "jmvalue");
}

#[test]
fn unknown_event_is_refused_with_the_documented_list() {
    let (code, out) = send(
        "",
        &["classet", "--event", "nope", "--to", "http://127.0.0.1:9"],
    );
    assert_ne!(code, 0);
    assert!(out.contains("candidate.interview.updated"), "{out}");
}

#[test]
fn clearspeed_token_flow_against_hookscope_itself_verifies_end_to_end() {
    let cfg = "[providers.clearspeed]\nclient_id = \"cs-client\"\nclient_secret = \"cs-client-secret\"\njwt_secret = \"jwt-signing-key-123\"\naudience = \"hookscope-rehearsal\"\n";
    let s = Server::start(cfg);
    let send_cfg = format!("{cfg}token_url = \"{}\"\n", s.url("/oauth/token"));
    let (code, out) = send(&send_cfg, &["clearspeed", "--to", &s.url("/clearspeed")]);
    assert_eq!(code, 0, "{out}");
    let line = s.line(0);
    assert_eq!(line["provider"], "clearspeed");
    assert_eq!(line["verification"]["status"], "verified", "{line}");

    let (code, _) = send(
        &send_cfg,
        &[
            "clearspeed",
            "--to",
            &s.url("/clearspeed"),
            "--bad-signature",
        ],
    );
    assert_eq!(
        code, 0,
        "hookscope answers 200 unless reject_invalid is set"
    );
    assert_eq!(s.line(1)["verification"]["status"], "failed");

    // A wrong client secret gets no token.
    let bad = send_cfg.replace(
        "client_secret = \"cs-client-secret\"",
        "client_secret = \"nope\"",
    );
    let (code, out) = send(&bad, &["clearspeed", "--to", &s.url("/clearspeed")]);
    assert_ne!(code, 0);
    assert!(out.contains("401"), "{out}");
}

#[test]
fn bad_signature_is_rejected_by_a_strict_receiver() {
    let cfg = format!(
        "[response]\nreject_invalid = true\n[providers.talentsprout]\nsecret = \"{TS_SECRET}\"\n"
    );
    let s = Server::start(&cfg);
    let (code, out) = send(
        &cfg,
        &[
            "talentsprout",
            "--to",
            &s.url("/talentsprout"),
            "--bad-signature",
        ],
    );
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("401"), "{out}");
    assert_eq!(s.line(0)["verification"]["hint"], "wrong_secret");
}

#[test]
fn headless_demo_shows_every_vendor_and_the_deliberate_failures() {
    let out = Command::new(bin())
        .args(["demo", "--headless", "--pause-ms", "0"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 30, "{lines:#?}");
    for p in [
        "talentsprout",
        "classet",
        "clearspeed",
        "brilliant",
        "jobmojito",
        "standard-webhooks",
        "stripe",
        "github",
        "shopify",
        "slack",
        "twilio",
    ] {
        assert!(lines.iter().any(|l| l["provider"] == p), "{p} missing");
    }
    let hint_of = |provider: &str, hint: &str| {
        lines
            .iter()
            .any(|l| l["provider"] == provider && l["verification"]["hint"] == hint)
    };
    assert!(hint_of("talentsprout", "timestamp_outside_tolerance"));
    assert!(hint_of("talentsprout", "wrong_secret"));
    assert!(hint_of("classet", "body_reserialized"));
    assert!(hint_of("classet", "wrong_secret"));
    assert!(hint_of("clearspeed", "wrong_secret"));
    assert!(hint_of("stripe", "timestamp_outside_tolerance"));
    assert!(hint_of("shopify", "wrong_secret"));
    assert!(hint_of("github", "wrong_secret"));
    assert!(hint_of("slack", "timestamp_outside_tolerance"));
    let verified = lines
        .iter()
        .filter(|l| l["verification"]["status"] == "verified")
        .count();
    assert_eq!(
        verified, 21,
        "every delivery without a deliberate flaw verifies"
    );
    // Repeat deliveries about one subject, for the changes view.
    let jm: Vec<_> = lines
        .iter()
        .filter(|l| l["provider"] == "jobmojito")
        .collect();
    assert!(jm.len() >= 3 && jm.iter().all(|l| l["subject"] == jm[0]["subject"]));
}

#[test]
fn a_clearspeed_delivery_that_failed_is_kept_and_replay_failed_resends_it() {
    let dir = tempfile::tempdir().unwrap();
    let (base, seen, _rt) = app(&[204, 200]);
    let cfg = "[providers.clearspeed]\napi_key = \"cs-key-1234\"\n";
    let (code, out) = send_in(
        dir.path(),
        cfg,
        &["clearspeed", "--to", &format!("{base}/clearspeed")],
    );
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("kept in"), "{out}");
    let db = dir.path().join("sent.db");
    let stored: String = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row("SELECT headers FROM deliveries", [], |r| r.get(0))
        .unwrap();
    assert!(
        !stored.contains("cs-key-1234"),
        "the API key is not written to the store: {stored}"
    );
    std::fs::write(dir.path().join("hookscope.toml"), cfg).unwrap();
    let out = Command::new(bin())
        .args(["replay", "--failed", "--to", &base, "--store"])
        .arg(&db)
        .arg("--config")
        .arg(dir.path().join("hookscope.toml"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    let hits = seen.hits.lock().unwrap();
    assert_eq!(hits.len(), 2);
    assert_eq!(hits[1].1, "/clearspeed");
    assert_eq!(
        hits[1].2["x-api-key"], "cs-key-1234",
        "the credential is restored on replay"
    );
    assert_eq!(hits[0].3, hits[1].3, "byte for byte");
}
