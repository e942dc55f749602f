//! Credentials and exposure: no configured secret appears in any output, the store, the
//! export or the log, and binding beyond loopback is warned about.

mod abuse_support;
mod common;

use std::io::{Read, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use base64::Engine;

use abuse_support::*;
use common::*;

// ---------------------------------------------------------------------------------------
// Credentials and exposure.

const SECRETS: [(&str, &str); 10] = [
    ("talentsprout.secret", TS_SECRET),
    ("classet.secret", CL_SECRET),
    ("classet.api_key", "cl_legacy_SECRET_4711"),
    ("clearspeed.api_key", "cs_api_SECRET_0815"),
    ("clearspeed.bearer_token", "cs_bearer_SECRET_2342"),
    ("clearspeed.jwt_secret", "cs_jwt_SECRET_9999_long_enough"),
    ("clearspeed.client_secret", "cs_client_SECRET_1337"),
    // Characters that a URL carries percent-encoded.
    ("brilliant.url_key", "br+url=SECRET/6174"),
    ("brilliant.api_key", "br_api_SECRET_2718"),
    ("jobmojito.value", "jm_value_SECRET_1618"),
];

/// A scheme of the user's own: its secret is masked like a built-in vendor's.
const SCHEME_SECRET: &str = "acme_scheme_SECRET_8088";

fn secret(name: &str) -> &'static str {
    SECRETS.iter().find(|(n, _)| *n == name).unwrap().1
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

fn hs256_jwt(key: &str, claims: &serde_json::Value) -> String {
    use hmac::{Hmac, Mac};
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let signing_input = format!(
        "{}.{}",
        b64.encode(br#"{"alg":"HS256","typ":"JWT"}"#),
        b64.encode(claims.to_string())
    );
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key.as_bytes()).unwrap();
    mac.update(signing_input.as_bytes());
    format!(
        "{signing_input}.{}",
        b64.encode(mac.finalize().into_bytes())
    )
}

fn all_secrets_config() -> String {
    let mut cfg = String::new();
    let mut section = "";
    for (name, value) in SECRETS {
        let (provider, key) = name.split_once('.').unwrap();
        if provider != section {
            cfg.push_str(&format!("[providers.{provider}]\n"));
            section = provider;
        }
        cfg.push_str(&format!("{key} = \"{value}\"\n"));
        match name {
            "clearspeed.api_key" => cfg.push_str("client_id = \"hookscope-test\"\n"),
            "jobmojito.value" => cfg.push_str("header = \"x-jobmojito-token\"\n"),
            _ => {}
        }
    }
    cfg.push_str(&format!(
        "[schemes.acme]\nheader = \"X-Acme-Signature\"\nsecret = \"{SCHEME_SECRET}\"\n"
    ));
    cfg
}

/// Hex HMAC-SHA256 of the body, as the `acme` scheme above signs.
fn acme_signature(body: &[u8]) -> String {
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(SCHEME_SECRET.as_bytes()).unwrap();
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

#[test]
fn configured_secrets_appear_in_no_output_store_export_or_log() {
    let s = Server::start_opts(
        &all_secrets_config(),
        Options {
            env: vec![("HOOKSCOPE_LOG".into(), "debug".into())],
            ..Options::default()
        },
        &[],
    );
    let t = now();
    let ts_body = compact("talentsprout/interview_completed.json");
    let cl_body = compact("classet/candidate_interview_updated.json");
    let cs_body = compact("clearspeed/result_published.json");
    let br_body = compact("brilliant/response_completed.json");
    let jm_body = compact("jobmojito/interview_collected.json");
    let jwt = hs256_jwt(
        secret("clearspeed.jwt_secret"),
        &serde_json::json!({"iss": "clearspeed", "exp": t + 600}),
    );
    let url_key = secret("brilliant.url_key");
    let encoded_key = percent_encoded(url_key);
    let bearer = format!("Bearer {}", secret("clearspeed.bearer_token"));
    let jwt_bearer = format!("Bearer {jwt}");
    // (path and query, headers, body, expected verification status)
    type Sent<'a> = (String, Vec<(&'a str, String)>, &'a [u8], &'a str);
    let deliveries: Vec<Sent> = vec![
        (
            "/talentsprout".into(),
            vec![(
                "x-talentsprout-signature",
                talentsprout_header(TS_SECRET, t, &ts_body),
            )],
            &ts_body,
            "verified",
        ),
        (
            "/classet".into(),
            vec![(
                "x-classet-webhook-signature",
                classet_header(CL_SECRET, &cl_body),
            )],
            &cl_body,
            "verified",
        ),
        (
            "/classet".into(),
            // The legacy key alone verifies: Classet sends it while no secret is set there.
            vec![("x-classet-key", secret("classet.api_key").to_string())],
            &cl_body,
            "verified",
        ),
        (
            "/clearspeed".into(),
            vec![("x-api-key", secret("clearspeed.api_key").to_string())],
            &cs_body,
            "verified",
        ),
        (
            "/clearspeed".into(),
            vec![("authorization", bearer)],
            &cs_body,
            "verified",
        ),
        (
            "/clearspeed".into(),
            vec![("authorization", jwt_bearer)],
            &cs_body,
            "verified",
        ),
        (
            format!("/brilliant?key={encoded_key}"),
            vec![],
            &br_body,
            "verified",
        ),
        (
            format!("/brilliant/{encoded_key}"),
            vec![],
            &br_body,
            "verified",
        ),
        (
            "/jobmojito".into(),
            vec![("x-jobmojito-token", secret("jobmojito.value").to_string())],
            &jm_body,
            "verified",
        ),
        (
            // The scheme's secret sent by mistake beside its signature.
            "/hooks/acme".into(),
            vec![
                ("x-acme-signature", acme_signature(b"{}")),
                ("x-debug-echo", SCHEME_SECRET.to_string()),
            ],
            b"{}",
            "verified",
        ),
        (
            // A credential under a header nobody configured is still recognised.
            "/hooks/other".into(),
            vec![("x-custom-auth", secret("clearspeed.api_key").to_string())],
            b"{}",
            "unsigned",
        ),
    ];
    for (i, (path, headers, body, status)) in deliveries.iter().enumerate() {
        let headers: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
        let (code, answer) = s.post(path, &headers, body);
        assert_eq!(code, 200, "{path}: {answer}");
        assert_eq!(
            s.line(i)["verification"]["status"],
            *status,
            "{path}: {}",
            s.line(i)
        );
    }
    // The token endpoint takes the client secret; it is no delivery and must not be logged.
    let token = send(s.port, &{
        let form = format!(
            "grant_type=client_credentials&client_id=hookscope-test&client_secret={}",
            percent_encoded(secret("clearspeed.client_secret"))
        );
        let mut r = format!(
            "POST /oauth/token HTTP/1.1\r\nHost: 127.0.0.1\r\n\
                 Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n",
            form.len()
        )
        .into_bytes();
        r.extend_from_slice(form.as_bytes());
        r
    });
    assert_eq!(token.status, 200, "{}", token.body);
    wait_for_lines(&s, deliveries.len(), Duration::from_secs(20));

    // The store and its WAL are private to the user.
    use std::os::unix::fs::PermissionsExt;
    let mut places: Vec<(String, Vec<u8>)> = Vec::new();
    for suffix in ["", "-wal", "-shm"] {
        let file = PathBuf::from(format!("{}{suffix}", s.db.display()));
        if let Ok(meta) = std::fs::metadata(&file) {
            assert_eq!(
                meta.permissions().mode() & 0o777,
                0o600,
                "{}",
                file.display()
            );
            places.push((file.display().to_string(), std::fs::read(&file).unwrap()));
        }
    }
    for format in ["ndjson", "har"] {
        let out = export(&s.db, s.dir.path(), format);
        assert!(!out.is_empty());
        places.push((format!("export --format {format}"), out));
    }

    // A request that cannot be parsed is logged (at debug), credential and all in the bytes.
    let mut garbled = connect(s.port).unwrap();
    garbled
        .write_all(
            format!(
                "POST /clearspeed HTTP/1.1\r\nx-api-key: {}\r\nbroken header line\r\n\r\n",
                secret("clearspeed.api_key")
            )
            .as_bytes(),
        )
        .unwrap();
    let mut sink = Vec::new();
    let _ = garbled.read_to_end(&mut sink);

    // A graceful stop flushes the log.
    let pid = s.child.id() as libc::pid_t;
    // SAFETY: signalling our own child process.
    unsafe { libc::kill(pid, libc::SIGTERM) };
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut s = s;
    while s.child.try_wait().unwrap().is_none() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    let log = s.dir.path().join("data/hookscope/hookscope.log");
    let log_text = std::fs::read(&log).unwrap_or_else(|e| panic!("{}: {e}", log.display()));
    assert!(!log_text.is_empty(), "the debug log is empty");
    places.push(("the log file".into(), log_text));
    places.push(("stdout".into(), s.all_stdout().into_bytes()));
    places.push((
        "stderr".into(),
        s.stderr.lock().unwrap().join("\n").into_bytes(),
    ));
    let db_after: Vec<u8> = ["", "-wal"]
        .iter()
        .filter_map(|suffix| std::fs::read(format!("{}{suffix}", s.db.display())).ok())
        .flatten()
        .collect();
    places.push(("the store after exit".into(), db_after));

    let scheme = [("acme.secret (a scheme)", SCHEME_SECRET)];
    for (name, value) in SECRETS.into_iter().chain(scheme) {
        let forms = [value.to_string(), percent_encoded(value)];
        for (place, bytes) in &places {
            let text = String::from_utf8_lossy(bytes);
            for form in &forms {
                assert!(
                    !text.contains(form.as_str()),
                    "the secret of {name} ({form}) appears in {place}"
                );
            }
        }
    }
}

#[test]
fn binding_every_interface_prints_a_warning() {
    let s = Server::start_with("", &["--addr", "0.0.0.0:0"]);
    let stderr = s.stderr.lock().unwrap().join("\n");
    assert!(
        stderr.contains("warning") && stderr.contains("reachable from other machines"),
        "{stderr}"
    );
    // Reached over loopback only.
    let (status, _) = s.post("/classet", &[], b"{}");
    assert_eq!(status, 200);
    let quiet = Server::start("");
    assert!(
        !quiet.stderr.lock().unwrap().join("\n").contains("warning"),
        "a loopback bind warns"
    );
}
