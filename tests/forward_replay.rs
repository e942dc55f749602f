//! Forwarding to the user's app and replaying stored deliveries, against a local app that
//! checks the vendor's signature itself.

mod common;

use std::process::Command;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use base64::Engine;
use common::*;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// What the app concluded about each request: path, whether the signature held, body.
type Verdicts = Arc<Mutex<Vec<(String, bool, Vec<u8>)>>>;

#[derive(Clone)]
struct App {
    verdicts: Verdicts,
    answer: u16,
}

fn mac(key: &str, msg: &[u8]) -> Vec<u8> {
    let mut m = Hmac::<Sha256>::new_from_slice(key.as_bytes()).unwrap();
    m.update(msg);
    m.finalize().into_bytes().to_vec()
}

/// The app's own check, written from the vendors' documentation: Classet base64url over
/// the body; TalentSprout hex over "t.body" within 300 s.
fn app_verifies(headers: &HeaderMap, body: &[u8]) -> bool {
    if let Some(sig) = headers.get("x-classet-webhook-signature") {
        let expected =
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac(CL_SECRET, body));
        return sig.to_str().unwrap_or_default() == expected;
    }
    if let Some(h) = headers.get("x-talentsprout-signature") {
        let h = h.to_str().unwrap_or_default();
        let Some((t, v1)) = h.split_once(',') else {
            return false;
        };
        let t: i64 = t.trim_start_matches("t=").parse().unwrap_or(0);
        let mut msg = format!("{t}.").into_bytes();
        msg.extend_from_slice(body);
        return v1.trim_start_matches("v1=") == hex::encode(mac(TS_SECRET, &msg))
            && (now() - t).abs() <= 300;
    }
    false
}

async fn handle(
    State(app): State<App>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, &'static str) {
    let ok = app_verifies(&headers, &body);
    app.verdicts
        .lock()
        .unwrap()
        .push((uri.path().to_string(), ok, body.to_vec()));
    let status = if ok { app.answer } else { 401 };
    (StatusCode::from_u16(status).unwrap(), "app says hi")
}

fn start_app(answer: u16) -> (String, Verdicts, tokio::runtime::Runtime) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let verdicts = Verdicts::default();
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let addr = listener.local_addr().unwrap();
    let router = Router::new().fallback(handle).with_state(App {
        verdicts: verdicts.clone(),
        answer,
    });
    rt.spawn(async move { axum::serve(listener, router).await.unwrap() });
    (format!("http://{addr}"), verdicts, rt)
}

fn config() -> String {
    format!(
        "[providers.talentsprout]\nsecret = \"{TS_SECRET}\"\n[providers.classet]\nsecret = \"{CL_SECRET}\"\n"
    )
}

#[test]
fn forwarded_deliveries_still_verify_at_the_app_and_its_answer_is_recorded() {
    let (app, verdicts, _rt) = start_app(200);
    let s = Server::start_with(&config(), &["--forward-to", &format!("{app}/hooks")]);
    let body = compact("classet/candidate_interview_updated.json");
    let (status, _) = s.post(
        "/classet?src=test",
        &[(
            "x-classet-webhook-signature",
            &classet_header(CL_SECRET, &body),
        )],
        &body,
    );
    assert_eq!(status, 200);
    let line = s.line(0);
    assert_eq!(line["forward"]["status"], 200, "{line}");
    assert_eq!(line["forward"]["body"], "app says hi");
    assert!(line["forward"]["latency_ms"].is_u64());
    let v = verdicts.lock().unwrap();
    assert_eq!(v.len(), 1);
    assert_eq!(v[0].0, "/hooks/classet");
    assert!(v[0].1, "the app's own signature check failed");
    assert_eq!(v[0].2, body);
    let stored: String = s
        .db()
        .query_row("SELECT forward FROM deliveries", [], |r| r.get(0))
        .unwrap();
    assert!(stored.contains("\"status\":200"), "{stored}");
}

#[test]
fn forward_status_answers_the_vendor_with_the_apps_status_and_warns() {
    let (app, _verdicts, _rt) = start_app(204);
    let s = Server::start_with(&config(), &["--forward-to", &app, "--forward-status"]);
    let body = compact("classet/candidate_interview_updated.json");
    let (status, _) = s.post(
        "/classet",
        &[(
            "x-classet-webhook-signature",
            &classet_header(CL_SECRET, &body),
        )],
        &body,
    );
    assert_eq!(status, 204, "the vendor sees the app's answer");
    assert_eq!(s.line(0)["response"]["status"], 204);
    // Clearspeed counts 204 as a failure: the line says so.
    let (status, _) = s.post(
        "/clearspeed",
        &[],
        &compact("clearspeed/result_published.json"),
    );
    assert_eq!(status, 401, "the app rejects what it cannot verify");
    let warnings = s.line(1)["forward"]["warnings"].to_string();
    assert!(warnings.contains("only HTTP 200"), "{warnings}");
}

fn replay(db: &std::path::Path, args: &[&str], cfg: &str) -> (i32, String) {
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

#[test]
fn replay_is_byte_for_byte_and_resign_refreshes_a_stale_timestamp() {
    let s = Server::start(&config());
    let body = compact("talentsprout/interview_completed.json");
    // Signed an hour ago: an exact replay fails any tolerance check.
    let sig = talentsprout_header(TS_SECRET, now() - 3600, &body);
    s.post(
        "/talentsprout",
        &[("X-TalentSprout-Signature", &sig)],
        &body,
    );
    let id = s.line(0)["id"].as_str().unwrap().to_string();
    let (app, verdicts, _rt) = start_app(200);

    let (code, out) = replay(&s.db, &[&id, "--to", &app], &config());
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("401"), "{out}");
    let (code, out) = replay(&s.db, &[&id, "--to", &app, "--resign"], &config());
    assert_eq!(code, 0, "{out}");
    let v = verdicts.lock().unwrap();
    assert_eq!(v.len(), 2);
    assert_eq!(
        v[0].0, "/talentsprout",
        "the stored path is appended to a bare host"
    );
    assert!(!v[0].1 && v[1].1);
    assert_eq!(v[0].2, body);
    assert_eq!(v[1].2, body);
}

#[test]
fn replay_into_hookscope_links_the_new_row_to_the_original() {
    let s = Server::start(&config());
    let body = compact("classet/candidate_interview_updated.json");
    s.post(
        "/classet",
        &[(
            "x-classet-webhook-signature",
            &classet_header(CL_SECRET, &body),
        )],
        &body,
    );
    let id = s.line(0)["id"].as_str().unwrap().to_string();
    let (code, out) = replay(&s.db, &[&id[..13], "--to", &s.url("")], &config());
    assert_eq!(code, 0, "{out}");
    let line = s.line(1);
    assert_eq!(line["verification"]["status"], "verified");
    let replay_of: String = s
        .db()
        .query_row(
            "SELECT replay_of FROM deliveries WHERE id = ?1",
            [line["id"].as_str().unwrap()],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(replay_of, id);
}

#[test]
fn replay_failed_resends_what_the_vendor_would_count_as_failed() {
    let cfg = format!("{}\n[response]\nreject_invalid = true\n", config());
    let s = Server::start(&cfg);
    let body = compact("classet/candidate_interview_updated.json");
    let good = classet_header(CL_SECRET, &body);
    s.post("/classet", &[("x-classet-webhook-signature", &good)], &body); // 200
    s.post("/classet", &[("x-classet-webhook-signature", "bad")], &body); // 401: failed
    s.post("/classet", &[("x-classet-webhook-signature", &good)], &body); // 200
    s.line(2);
    let (app, verdicts, _rt) = start_app(200);
    let (code, out) = replay(&s.db, &["--failed", "--to", &app], &cfg);
    assert_eq!(
        code, 1,
        "the replayed delivery is still badly signed: {out}"
    );
    assert_eq!(verdicts.lock().unwrap().len(), 1, "{out}");
}
