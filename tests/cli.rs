//! `verify`, `export` and `import` as a user runs them.

mod common;

use std::process::Command;

use common::*;

fn verify(dir: &std::path::Path, args: &[&str], body: &[u8]) -> (i32, String, String) {
    let body_file = dir.join("body.json");
    std::fs::write(&body_file, body).unwrap();
    let cfg = dir.join("hookscope.toml");
    let out = Command::new(bin())
        .arg("verify")
        .args(args)
        .arg("--body-file")
        .arg(&body_file)
        .arg("--config")
        .arg(&cfg)
        .current_dir(dir)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn config_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("hookscope.toml"),
        format!("[providers.talentsprout]\nsecret = \"{TS_SECRET}\"\n[providers.classet]\nsecret = \"{CL_SECRET}\"\n"),
    )
    .unwrap();
    dir
}

#[test]
fn verify_exits_0_when_verified_and_prints_the_verification_object() {
    let dir = config_dir();
    let body = compact("talentsprout/interview_completed.json");
    let header = format!(
        "X-TalentSprout-Signature: {}",
        talentsprout_header(TS_SECRET, 1763650000, &body)
    );
    let (code, out, err) = verify(
        dir.path(),
        &[
            "--provider",
            "talentsprout",
            "--header",
            &header,
            "--now",
            "1763650005",
        ],
        &body,
    );
    assert_eq!(code, 0, "{out}{err}");
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(v["status"], "verified");
    assert!(v.get("scheme").is_some() && v.get("detail").is_some() && v.get("hint").is_some());
}

#[test]
fn verify_exits_1_with_a_hint_when_the_check_fails() {
    let dir = config_dir();
    let body = compact("talentsprout/interview_completed.json");
    let header = format!(
        "X-TalentSprout-Signature: {}",
        talentsprout_header(TS_SECRET, 1763650000, &body)
    );
    let (code, out, _) = verify(
        dir.path(),
        &[
            "--provider",
            "talentsprout",
            "--header",
            &header,
            "--now",
            "1763653600",
        ],
        &body,
    );
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(v["hint"], "timestamp_outside_tolerance");
    assert!(v["detail"].as_str().unwrap().contains("1 h"), "{v}");
}

#[test]
fn verify_exits_2_on_bad_usage() {
    let dir = config_dir();
    let (code, _, err) = verify(dir.path(), &["--provider", "nosuch"], b"{}");
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = verify(
        dir.path(),
        &["--provider", "classet", "--header", "no colon"],
        b"{}",
    );
    assert_eq!(code, 2, "{err}");
    let out = Command::new(bin())
        .args([
            "verify",
            "--provider",
            "classet",
            "--body-file",
            "/nonexistent/file",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = Command::new(bin()).args(["verify"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn unknown_config_key_is_an_error_naming_key_and_file() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("bad.toml");
    std::fs::write(&cfg, "[providers.classet]\nsceret = \"x\"\n").unwrap();
    let out = Command::new(bin())
        .args(["listen", "--headless", "--no-store", "--config"])
        .arg(&cfg)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("sceret") && err.contains("bad.toml"), "{err}");
}

#[test]
fn export_then_import_round_trips_byte_for_byte() {
    let s = Server::start("");
    let bodies: [&[u8]; 3] = [
        &compact("clearspeed/result_published.json"),
        b"\xff\x00 not utf-8 \x1b[31m",
        &compact("jobmojito/interview_collected.json"),
    ];
    for (i, b) in bodies.iter().enumerate() {
        s.post("/", &[("x-extra", "1")], b);
        s.line(i);
    }
    let export = |db: &std::path::Path, format: &str| export(db, s.dir.path(), format);
    let first = export(&s.db, "ndjson");
    assert_eq!(first.iter().filter(|b| **b == b'\n').count(), 3);
    let file = s.dir.path().join("export.ndjson");
    std::fs::write(&file, &first).unwrap();
    let db2 = s.dir.path().join("second.db");
    let out = Command::new(bin())
        .arg("import")
        .arg(&file)
        .arg("--store")
        .arg(&db2)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let second = export(&db2, "ndjson");
    assert_eq!(first, second);
    let conn = rusqlite::Connection::open(&db2).unwrap();
    let mut stmt = conn
        .prepare("SELECT body FROM deliveries ORDER BY seq")
        .unwrap();
    let stored: Vec<Vec<u8>> = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let expected: Vec<Vec<u8>> = bodies.iter().map(|b| b.to_vec()).collect();
    assert_eq!(stored, expected);

    let har: serde_json::Value = serde_json::from_slice(&export(&s.db, "har")).unwrap();
    assert_eq!(har["log"]["version"], "1.2");
    assert_eq!(har["log"]["entries"].as_array().unwrap().len(), 3);
}
