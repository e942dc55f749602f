//! Replay and re-send do what the vendor would: one delivery per id, never a redaction
//! marker for a credential, a fresh token where the vendor fetches one, each failed
//! payload once, and each outcome recorded.

mod common;

use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use common::*;

/// Path and headers of each request an app received.
type Hits = Arc<Mutex<Vec<(String, HeaderMap, Vec<u8>)>>>;

/// An app that records every request and answers `status`; `/oauth/token` hands out
/// numbered tokens (`fresh-1`, `fresh-2`, …).
fn app(status: u16) -> (String, Hits, tokio::runtime::Runtime) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let hits = Hits::default();
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let addr = listener.local_addr().unwrap();
    let router = Router::new()
        .fallback(
            move |State(hits): State<Hits>, uri: Uri, headers: HeaderMap, body: Bytes| async move {
                let mut hits = hits.lock().unwrap();
                hits.push((uri.path().to_string(), headers, body.to_vec()));
                if uri.path() == "/oauth/token" {
                    let n = hits.iter().filter(|h| h.0 == "/oauth/token").count();
                    let token = serde_json::json!({"access_token": format!("fresh-{n}")});
                    return (StatusCode::OK, token.to_string());
                }
                (StatusCode::from_u16(status).unwrap(), "ok".to_string())
            },
        )
        .with_state(hits.clone());
    rt.spawn(async move { axum::serve(listener, router).await.unwrap() });
    (format!("http://{addr}"), hits, rt)
}

fn delivered(hits: &Hits) -> Vec<(String, HeaderMap, Vec<u8>)> {
    hits.lock()
        .unwrap()
        .iter()
        .filter(|h| h.0 != "/oauth/token")
        .cloned()
        .collect()
}

fn replay(db: &Path, args: &[&str], cfg: &str) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let cfg_path = dir.path().join("h.toml");
    std::fs::write(&cfg_path, cfg).unwrap();
    let out = Command::new(bin())
        .arg("replay")
        .args(args)
        .arg("--store")
        .arg(db)
        .arg("--config")
        .arg(&cfg_path)
        .env("HOME", dir.path())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// An export line for a delivery with this id.
fn line(id: &str) -> String {
    serde_json::json!({
        "id": id, "received_at": "2026-11-20T10:00:00.000Z", "method": "POST",
        "path": "/classet", "provider": "classet", "event": "call_completed",
        "event_inferred": false, "subject": null, "detected_by": "path",
        "verification": {"status": "unsigned", "scheme": "none", "hint": null, "detail": "-"},
        "response": {"status": 200}, "body_bytes": 2, "query": null, "peer": null,
        "headers": [], "body_truncated": false, "replay_of": null, "body": "{}",
    })
    .to_string()
}

#[test]
fn an_ambiguous_id_prefix_is_refused_with_the_matches_listed() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("d.db");
    let ids = [
        "0193a5b0-0000-7000-8000-000000000001",
        "0193a5b0-0000-7000-8000-000000000002",
        "0193a5b1-0000-7000-8000-000000000003",
    ];
    let input = dir.path().join("in.ndjson");
    std::fs::write(&input, ids.map(line).join("\n")).unwrap();
    let out = Command::new(bin())
        .args(["import", input.to_str().unwrap(), "--store"])
        .arg(&db)
        .env("HOME", dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let (target, hits, _rt) = app(200);

    let (code, out) = replay(&db, &["0193a5b0-0000", "--to", &target], "");
    assert_eq!(code, 2, "{out}");
    assert!(out.contains(ids[0]) && out.contains(ids[1]), "{out}");
    assert!(!out.contains(ids[2]), "{out}");
    assert!(delivered(&hits).is_empty(), "something was sent: {out}");

    // A prefix that names one delivery still does.
    let (code, out) = replay(&db, &["0193a5b1", "--to", &target], "");
    assert_eq!(code, 0, "{out}");
    assert_eq!(delivered(&hits).len(), 1);
}

#[test]
fn a_credential_no_longer_configured_is_refused_not_sent_as_its_marker() {
    let key = "cs_api_key_0815_long";
    let s = Server::start(&format!("[providers.clearspeed]\napi_key = \"{key}\"\n"));
    s.post(
        "/clearspeed",
        &[("x-api-key", key)],
        &compact("clearspeed/result_published.json"),
    );
    let id = s.line(0)["id"].as_str().unwrap().to_string();
    let (target, hits, _rt) = app(200);
    let (code, out) = replay(&s.db, &[&id, "--to", &target], "");
    assert_ne!(code, 0, "{out}");
    assert!(out.contains("providers.clearspeed.api_key"), "{out}");
    assert!(out.contains("x-api-key"), "{out}");
    assert!(
        delivered(&hits).is_empty(),
        "sent anyway: {:?}",
        delivered(&hits)
    );

    // Configured again, the real key goes out.
    let cfg = format!("[providers.clearspeed]\napi_key = \"{key}\"\n");
    let (code, out) = replay(&s.db, &[&id, "--to", &target], &cfg);
    assert_eq!(code, 0, "{out}");
    assert_eq!(delivered(&hits)[0].1["x-api-key"], key);
}

#[test]
fn the_ui_refuses_a_re_send_with_a_credential_no_longer_configured() {
    use hookscope::config::Config;
    use hookscope::tui::resend::{Pending, Resend};
    let s =
        Server::start("[providers.jobmojito]\nheader = \"x-jm\"\nvalue = \"jm_value_42_long\"\n");
    s.post(
        "/jobmojito",
        &[("x-jm", "jm_value_42_long")],
        &compact("jobmojito/interview_collected.json"),
    );
    let id = s.line(0)["id"].as_str().unwrap().to_string();
    let store = hookscope::store::Store::open(&s.db).unwrap();
    let d = store.reader().unwrap().get(&id).unwrap().unwrap();
    let err = Resend::prepare(
        &Pending::stored(d),
        "http://127.0.0.1:1",
        &Config::default(),
        None,
        now(),
    )
    .unwrap_err();
    assert!(err.contains("providers.jobmojito.value"), "{err}");
}

fn clearspeed_with_fetched_token(s: &Server) -> String {
    s.post(
        "/clearspeed",
        &[("authorization", "Bearer stale-token-from-last-week")],
        &compact("clearspeed/result_published.json"),
    );
    s.line(0)["id"].as_str().unwrap().to_string()
}

fn token_flow(base: &str) -> String {
    format!(
        "[providers.clearspeed]\ntoken_url = \"{base}/oauth/token\"\nclient_id = \"hs\"\n\
         client_secret = \"cs_client_secret_1\"\n"
    )
}

#[test]
fn a_clearspeed_replay_fetches_a_fresh_token() {
    let s = Server::start("");
    let id = clearspeed_with_fetched_token(&s);
    let (target, hits, _rt) = app(200);
    let (code, out) = replay(&s.db, &[&id, "--to", &target], &token_flow(&target));
    assert_eq!(code, 0, "{out}");
    let sent = delivered(&hits);
    assert_eq!(sent.len(), 1, "{out}");
    assert_eq!(sent[0].1["authorization"], "Bearer fresh-1", "{out}");
}

#[test]
fn a_clearspeed_re_send_from_the_ui_fetches_a_fresh_token() {
    use hookscope::tui::resend::{self, Pending, Resend};
    let s = Server::start("");
    let id = clearspeed_with_fetched_token(&s);
    let (target, hits, _rt) = app(200);
    let store = hookscope::store::Store::open(&s.db).unwrap();
    let d = store.reader().unwrap().get(&id).unwrap().unwrap();
    let config = hookscope::config::Config::from_parts(&token_flow(&target), None, &[]).unwrap();
    let r = Resend::prepare(&Pending::stored(d), &target, &config, None, now()).unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let outcome = rt.block_on(resend::execute(&reqwest::Client::new(), r));
    assert!(outcome.attempt.acknowledged, "{outcome:?}");
    let sent = delivered(&hits);
    assert_eq!(sent[0].1["authorization"], "Bearer fresh-1");
}

#[test]
fn replay_failed_sends_each_payload_once_records_it_and_skips_what_was_delivered() {
    let cfg = format!(
        "[providers.classet]\nsecret = \"{CL_SECRET}\"\n[response]\nreject_invalid = true\n"
    );
    let s = Server::start(&cfg);
    let body = compact("classet/candidate_interview_updated.json");
    let mut other: serde_json::Value = serde_json::from_slice(&body).unwrap();
    other["replayed_test_marker"] = serde_json::json!(1);
    let other = serde_json::to_vec(&other).unwrap();
    // The vendor's three attempts at one payload, and one attempt at another: all 401.
    for b in [&body, &body, &body, &other] {
        let (status, _) = s.post("/classet", &[("x-classet-webhook-signature", "bad")], b);
        assert_eq!(status, 401);
    }
    s.line(3);
    let (target, hits, _rt) = app(200);

    let (code, out) = replay(&s.db, &["--failed", "--to", &target], &cfg);
    assert_eq!(code, 0, "{out}");
    let sent = delivered(&hits);
    assert_eq!(sent.len(), 2, "{out}");
    assert_eq!(sent[0].2, body);
    assert_eq!(sent[1].2, other);
    assert!(out.contains("3 stored copies"), "{out}");
    // Recorded: two rows re-sending the originals, with the app's answer.
    let recorded: Vec<(String, u16)> = s
        .db()
        .prepare("SELECT replay_of, response_status FROM deliveries WHERE replay_of IS NOT NULL")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(recorded.len(), 2, "{recorded:?}");
    assert!(
        recorded.iter().all(|(_, status)| *status == 200),
        "{recorded:?}"
    );

    // Delivered by those replays: nothing left to send, unless asked again.
    let (code, out) = replay(&s.db, &["--failed", "--to", &target], &cfg);
    assert_eq!(code, 0, "{out}");
    assert_eq!(delivered(&hits).len(), 2, "{out}");
    assert!(out.contains("already acknowledged"), "{out}");
    let (code, out) = replay(&s.db, &["--failed", "--again", "--to", &target], &cfg);
    assert_eq!(code, 0, "{out}");
    assert_eq!(delivered(&hits).len(), 4, "{out}");
}

#[test]
fn a_failed_replay_is_recorded_and_the_delivery_stays_failed() {
    let cfg = format!(
        "[providers.classet]\nsecret = \"{CL_SECRET}\"\n[response]\nreject_invalid = true\n"
    );
    let s = Server::start(&cfg);
    let body = compact("classet/candidate_interview_updated.json");
    s.post("/classet", &[("x-classet-webhook-signature", "bad")], &body);
    s.line(0);
    let (target, hits, _rt) = app(503);
    let (code, out) = replay(&s.db, &["--failed", "--to", &target], &cfg);
    assert_eq!(code, 1, "{out}");
    let status: u16 = s
        .db()
        .query_row(
            "SELECT response_status FROM deliveries WHERE replay_of IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(status, 503);
    let (_, out) = replay(&s.db, &["--failed", "--to", &target], &cfg);
    assert_eq!(delivered(&hits).len(), 2, "still failed, sent again: {out}");
}

#[test]
fn a_replay_into_hookscope_on_the_same_store_is_recorded_once() {
    let cfg = format!("[providers.classet]\nsecret = \"{CL_SECRET}\"\n");
    let s = Server::start(&cfg);
    let body = compact("classet/candidate_interview_updated.json");
    let sig = classet_header(CL_SECRET, &body);
    s.post("/classet", &[("x-classet-webhook-signature", &sig)], &body);
    let id = s.line(0)["id"].as_str().unwrap().to_string();
    let (code, out) = replay(&s.db, &[&id, "--to", &s.url("")], &cfg);
    assert_eq!(code, 0, "{out}");
    assert_eq!(s.line(1)["verification"]["status"], "verified");
    let rows: i64 = s
        .db()
        .query_row(
            "SELECT count(*) FROM deliveries WHERE replay_of = ?1",
            [&id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(rows, 1, "{out}");
}
