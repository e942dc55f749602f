//! The real binary, headless: signed deliveries in, JSON lines and database rows out.

mod common;

use common::*;

fn ts_cl_config() -> String {
    format!(
        "[providers.talentsprout]\nsecret = \"{TS_SECRET}\"\n\n[providers.classet]\nsecret = \"{CL_SECRET}\"\n"
    )
}

#[test]
fn signed_talentsprout_delivery_prints_a_verified_line_and_is_stored_exactly() {
    let s = Server::start(&ts_cl_config());
    let body = compact("talentsprout/interview_completed.json");
    let sig = talentsprout_header(TS_SECRET, now(), &body);
    let (status, answer) = s.post(
        "/talentsprout",
        &[("X-TalentSprout-Signature", &sig)],
        &body,
    );
    assert_eq!(status, 200, "{answer}");
    let line = s.line(0);
    assert_eq!(line["provider"], "talentsprout");
    assert_eq!(line["event"], "interview.completed");
    assert_eq!(line["detected_by"], "path");
    assert_eq!(line["method"], "POST");
    assert_eq!(line["path"], "/talentsprout");
    assert_eq!(line["verification"]["status"], "verified");
    assert!(line["verification"]["hint"].is_null());
    assert_eq!(line["response"]["status"], 200);
    assert_eq!(line["body_bytes"], body.len());
    chrono::DateTime::parse_from_rfc3339(line["received_at"].as_str().unwrap()).unwrap();

    let id = line["id"].as_str().unwrap().to_string();
    let (stored, headers, status_col): (Vec<u8>, String, String) = s
        .db()
        .query_row(
            "SELECT body, headers, verification_status FROM deliveries WHERE id = ?1",
            [&id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(stored, body);
    assert_eq!(status_col, "verified");
    assert!(headers.contains("x-talentsprout-signature"), "{headers}");
}

#[test]
fn classet_lines_name_subject_and_diagnose_a_reformatted_body() {
    let s = Server::start(&ts_cl_config());
    let body = compact("classet/candidate_interview_updated.json");
    let sig = classet_header(CL_SECRET, &body);
    s.post("/classet", &[("x-classet-webhook-signature", &sig)], &body);
    let line = s.line(0);
    assert_eq!(line["subject"], "cand_12345678");
    assert_eq!(line["event"], "candidate.interview.updated");
    assert_eq!(line["verification"]["status"], "verified");

    let pretty = fixture("classet/candidate_interview_updated.json");
    s.post(
        "/classet",
        &[("x-classet-webhook-signature", &sig)],
        &pretty,
    );
    let line = s.line(1);
    assert_eq!(line["verification"]["status"], "failed");
    assert_eq!(line["verification"]["hint"], "body_reserialized");
    assert!(!line["verification"]["detail"].as_str().unwrap().is_empty());
}

#[test]
fn stale_talentsprout_timestamp_is_diagnosed() {
    let s = Server::start(&ts_cl_config());
    let body = compact("talentsprout/interview_completed.json");
    let sig = talentsprout_header(TS_SECRET, now() - 2 * 3600 - 13 * 60, &body);
    s.post(
        "/talentsprout",
        &[("X-TalentSprout-Signature", &sig)],
        &body,
    );
    let v = &s.line(0)["verification"];
    assert_eq!(v["status"], "failed");
    assert_eq!(v["hint"], "timestamp_outside_tolerance");
}

#[test]
fn provider_is_detected_from_body_and_headers_on_other_paths() {
    let s = Server::start(&ts_cl_config());
    s.post("/", &[], &compact("clearspeed/result_published.json"));
    let l = s.line(0);
    assert_eq!(
        (l["provider"].as_str(), l["detected_by"].as_str()),
        (Some("clearspeed"), Some("body"))
    );
    assert_eq!(l["event"], "Result Update");

    let body = compact("classet/candidate_interview_updated.json");
    let sig = classet_header(CL_SECRET, &body);
    s.post("/hooks/in", &[("x-classet-webhook-signature", &sig)], &body);
    let l = s.line(1);
    assert_eq!(
        (l["provider"].as_str(), l["detected_by"].as_str()),
        (Some("classet"), Some("header"))
    );

    s.post(
        "/brilliant/anykey",
        &[],
        &compact("brilliant/response_completed.json"),
    );
    let l = s.line(2);
    assert_eq!(l["provider"], "brilliant");
    assert_eq!(l["event"], "response.completed");

    s.post(
        "/jobmojito",
        &[],
        &compact("jobmojito/interview_collected.json"),
    );
    let l = s.line(3);
    assert_eq!(l["provider"], "jobmojito");
    assert_eq!(l["verification"]["status"], "unsigned");
}

#[test]
fn get_root_answers_a_plain_status() {
    let s = Server::start("");
    let resp = reqwest::blocking::get(s.url("/")).unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    assert!(resp.text().unwrap().contains("/talentsprout"));
    assert!(
        s.lines.lock().unwrap().is_empty(),
        "GET / is not a delivery"
    );
}

#[test]
fn bad_input_is_recorded_and_answered_never_fatal() {
    let s = Server::start(&ts_cl_config());
    let bodies: [&[u8]; 4] = [b"{not json", b"\xff\xfe\x00binary", b"", b"[1,2,3]"];
    for (i, body) in bodies.iter().enumerate() {
        let (status, _) = s.post("/", &[], body);
        assert_eq!(status, 200);
        let l = s.line(i);
        assert_eq!(l["provider"], "unknown");
        assert_eq!(l["body_bytes"], body.len());
    }
    // Malformed signature header, unknown method and path.
    s.post(
        "/talentsprout",
        &[("X-TalentSprout-Signature", "garbage,,=")],
        b"{}",
    );
    assert_eq!(s.line(4)["verification"]["status"], "failed");
    let client = reqwest::blocking::Client::new();
    let resp = client
        .put(s.url("/what/ever?x=1"))
        .body("hello")
        .send()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let l = s.line(5);
    assert_eq!(l["method"], "PUT");
    assert_eq!(l["path"], "/what/ever");
    // Deeply nested JSON is data, not a stack overflow.
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let (status, _) = s.post("/classet", &[], deep.as_bytes());
    assert_eq!(status, 200);
    assert_eq!(s.line(6)["body_bytes"], deep.len());
    let count: i64 = s
        .db()
        .query_row("SELECT count(*) FROM deliveries", [], |r| r.get(0))
        .unwrap();
    assert_eq!(count, 7);
}

#[test]
fn oversized_body_gets_413_and_is_still_recorded() {
    let s = Server::start("[server]\nmax_body_bytes = 1024\n");
    let body = vec![b'a'; 5000];
    let (status, answer) = s.post("/classet", &[], &body);
    assert_eq!(status, 413, "{answer}");
    let l = s.line(0);
    assert_eq!(l["body_bytes"], 5000);
    assert_eq!(l["response"]["status"], 413);
    let (stored, truncated): (Vec<u8>, i64) = s
        .db()
        .query_row("SELECT body, body_truncated FROM deliveries", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert!(!stored.is_empty() && stored.len() <= 5000);
    assert!(stored.iter().all(|b| *b == b'a'));
    assert_eq!(truncated, 1);
    // Just under the limit is fine.
    let (status, _) = s.post("/classet", &[], &vec![b'b'; 1024]);
    assert_eq!(status, 200);
}

#[test]
fn reject_invalid_answers_401_and_per_provider_status_applies() {
    let cfg = format!(
        "{}\n[response]\nreject_invalid = true\n\n[providers.clearspeed.response]\nstatus = 204\n",
        ts_cl_config()
    );
    let s = Server::start(&cfg);
    let body = compact("classet/candidate_interview_updated.json");
    let (status, answer) = s.post(
        "/classet",
        &[("x-classet-webhook-signature", "AAAA")],
        &body,
    );
    assert_eq!(status, 401);
    assert!(answer.contains("verification failed"), "{answer}");
    assert_eq!(s.line(0)["response"]["status"], 401);
    let (status, _) = s.post(
        "/clearspeed",
        &[],
        &compact("clearspeed/result_published.json"),
    );
    assert_eq!(status, 204);
}

#[test]
fn configured_secrets_never_reach_stdout_or_the_store() {
    let cfg = format!(
        "{}\n[providers.clearspeed]\napi_key = \"cs_api_key_SECRET_77\"\n\n[providers.brilliant]\nurl_key = \"br_url_key_SECRET_88\"\n",
        ts_cl_config()
    );
    let s = Server::start(&cfg);
    let body = compact("clearspeed/result_published.json");
    s.post(
        "/clearspeed",
        &[("x-api-key", "cs_api_key_SECRET_77")],
        &body,
    );
    assert_eq!(s.line(0)["verification"]["status"], "verified");
    s.post(
        "/brilliant/br_url_key_SECRET_88",
        &[],
        &compact("brilliant/response_completed.json"),
    );
    assert_eq!(s.line(1)["verification"]["status"], "verified");
    s.post(
        "/brilliant?key=br_url_key_SECRET_88",
        &[],
        &compact("brilliant/response_completed.json"),
    );
    assert_eq!(s.line(2)["verification"]["status"], "verified");
    drop(s.db());
    let out = s.all_stdout();
    let mut db_bytes = std::fs::read(&s.db).unwrap();
    if let Ok(wal) = std::fs::read(s.db.with_extension("db-wal")) {
        db_bytes.extend(wal);
    }
    let db_text = String::from_utf8_lossy(&db_bytes);
    for secret in [
        TS_SECRET,
        CL_SECRET,
        "cs_api_key_SECRET_77",
        "br_url_key_SECRET_88",
    ] {
        assert!(!out.contains(secret), "{secret} on stdout");
        assert!(!db_text.contains(secret), "{secret} in the store");
    }
}

#[test]
fn sigkill_mid_stream_loses_no_acknowledged_delivery() {
    let s = Server::start(&ts_cl_config());
    let body = compact("classet/candidate_interview_updated.json");
    let sig = classet_header(CL_SECRET, &body);
    let acked = Acked::default();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let workers: Vec<_> = (0..4)
        .map(|_| {
            classet_sender(
                s.url("/classet"),
                body.clone(),
                sig.clone(),
                acked.clone(),
                stop.clone(),
                2000,
            )
        })
        .collect();
    // Kill once a good number of deliveries is acknowledged, mid-stream.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while acked.lock().unwrap().len() < 200 && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let pid = s.child.id() as i32;
    unsafe { libc::kill(pid, libc::SIGKILL) };
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for w in workers {
        w.join().unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    assert!(acked.len() >= 200, "only {} acknowledged", acked.len());
    let db = s.db();
    let mut missing = 0;
    for id in &acked {
        let n: i64 = db
            .query_row("SELECT count(*) FROM deliveries WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .unwrap();
        if n != 1 {
            missing += 1;
        }
    }
    assert_eq!(
        missing,
        0,
        "{missing} of {} acknowledged deliveries missing",
        acked.len()
    );
}
