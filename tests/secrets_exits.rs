//! Every way text leaves hookscope, each fed the configured secrets: the headless line
//! and store with and without forwarding, `send`, `replay`, `demo`, export and import,
//! config and environment errors, and the UI's footer after a re-send. No secret may
//! appear, as written or percent-encoded.

mod common;
mod tui_support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode, Uri};
use common::*;

const URL_KEY: &str = "br+url=SECRET/6174";
const BR_API_KEY: &str = "br_api_SECRET_2718";
const CS_API_KEY: &str = "cs_api_SECRET_0815";
const CS_CLIENT_SECRET: &str = "cs_client_SECRET_1337";
const JM_VALUE: &str = "jm_value_SECRET_1618";

const SECRETS: [&str; 7] = [
    URL_KEY,
    BR_API_KEY,
    CS_API_KEY,
    CS_CLIENT_SECRET,
    JM_VALUE,
    TS_SECRET,
    CL_SECRET,
];

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

/// Fails naming the secret and the place when `text` holds any secret in any form.
fn assert_clean(place: &str, text: &str) {
    for secret in SECRETS {
        let encoded = percent_encoded(secret);
        for form in [secret.to_string(), encoded.clone(), encoded.to_lowercase()] {
            assert!(
                !text.contains(&form),
                "{secret} ({form}) appears in {place}:\n{text}"
            );
        }
    }
}

fn config(extra: &str) -> String {
    config_with("", extra)
}

/// `clearspeed` goes into Clearspeed's table, `extra` into Brilliant's (the last).
fn config_with(clearspeed: &str, extra: &str) -> String {
    format!(
        "[providers.talentsprout]\nsecret = \"{TS_SECRET}\"\n\
         [providers.classet]\nsecret = \"{CL_SECRET}\"\n\
         [providers.clearspeed]\napi_key = \"{CS_API_KEY}\"\n{clearspeed}\
         [providers.jobmojito]\nheader = \"x-jobmojito-token\"\nvalue = \"{JM_VALUE}\"\n\
         [providers.brilliant]\nurl_key = \"{URL_KEY}\"\napi_key = \"{BR_API_KEY}\"\n{extra}"
    )
}

/// An app that answers `status` and echoes back everything it was sent but the body:
/// what a debugging endpoint or an error page does.
fn echo_app(status: u16) -> (String, tokio::runtime::Runtime) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let addr = listener.local_addr().unwrap();
    let router = Router::new().fallback(move |uri: Uri, headers: HeaderMap, body: Bytes| {
        let mut echo = format!("you sent {uri} with");
        for (n, v) in &headers {
            echo.push_str(&format!(" {n}: {}", v.to_str().unwrap_or("?")));
        }
        echo.push_str(&format!(" and {}", String::from_utf8_lossy(&body)));
        async move { (StatusCode::from_u16(status).unwrap(), echo) }
    });
    rt.spawn(async move { axum::serve(listener, router).await.unwrap() });
    (format!("http://{addr}"), rt)
}

/// A loopback URL where nothing listens: every request to it fails.
fn nowhere() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    format!("http://{}", l.local_addr().unwrap())
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn all(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }
}

fn hookscope(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let out = Command::new(bin())
        .args(args)
        .current_dir(dir)
        .env("HOME", dir)
        .env("XDG_DATA_HOME", dir.join("data"))
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .envs(env.iter().copied())
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// Everything the store file (and its WAL) holds, as text.
fn store_text(db: &Path) -> String {
    ["", "-wal"]
        .iter()
        .filter_map(|suffix| std::fs::read(format!("{}{suffix}", db.display())).ok())
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

fn exports(dir: &Path, db: &Path, cfg: &Path) -> Vec<(String, String)> {
    ["ndjson", "har"]
        .iter()
        .map(|format| {
            let run = hookscope(
                dir,
                &[
                    "export",
                    "--format",
                    format,
                    "--store",
                    db.to_str().unwrap(),
                    "--config",
                    cfg.to_str().unwrap(),
                ],
                &[],
            );
            assert_eq!(run.code, 0, "{}", run.stderr);
            (format!("export --format {format}"), run.all())
        })
        .collect()
}

fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn brilliant_body() -> Vec<u8> {
    compact("brilliant/response_completed.json")
}

#[test]
fn listen_forwarding_keeps_the_url_key_out_of_the_line_the_store_and_exports() {
    let (app, _rt) = echo_app(500);
    let down = nowhere();
    let arg_sets = [
        vec!["--forward-to", app.as_str()],
        vec!["--forward-to", app.as_str(), "--forward-status"],
        vec!["--forward-to", down.as_str()],
    ];
    for args in &arg_sets {
        let s = Server::start_with(&config(""), args);
        let answers = [
            s.post(
                &format!("/brilliant/{}", percent_encoded(URL_KEY)),
                &[],
                &brilliant_body(),
            ),
            s.post(
                &format!("/brilliant?key={}", percent_encoded(URL_KEY)),
                &[],
                &brilliant_body(),
            ),
            s.post(
                "/clearspeed",
                &[("x-api-key", CS_API_KEY)],
                &compact("clearspeed/result_published.json"),
            ),
        ];
        for (status, body) in &answers {
            assert_clean(&format!("the answer to the vendor ({status})"), body);
        }
        let first = s.line(0);
        assert!(first["forward"].is_object(), "not forwarded: {first}");
        s.line(2);
        wait_until("the forwards to be recorded", || {
            let n: i64 = s
                .db()
                .query_row(
                    "SELECT count(*) FROM deliveries WHERE forward IS NOT NULL",
                    [],
                    |r| r.get(0),
                )
                .unwrap();
            n == 3
        });
        let cfg = s.dir.path().join("hookscope.toml");
        assert_clean("the headless lines", &s.all_stdout());
        assert_clean("stderr", &s.stderr.lock().unwrap().join("\n"));
        assert_clean("the store", &store_text(&s.db));
        for (place, text) in exports(s.dir.path(), &s.db, &cfg) {
            assert_clean(&place, &text);
        }
    }
}

#[test]
fn listen_keeps_what_a_vendor_api_echoes_out_of_the_fetched_column() {
    // Brilliant's API, refusing the key and quoting the request back.
    let (api, _rt) = echo_app(401);
    let s = Server::start(&config(&format!("api_base = \"{api}\"\n")));
    s.post(
        &format!("/brilliant/{}", percent_encoded(URL_KEY)),
        &[],
        &brilliant_body(),
    );
    assert_eq!(s.line(0)["verification"]["status"], "verified");
    wait_until("the fetch to be recorded", || {
        let n: i64 = s
            .db()
            .query_row(
                "SELECT count(*) FROM deliveries WHERE fetched IS NOT NULL",
                [],
                |r| r.get(0),
            )
            .unwrap();
        n == 1
    });
    let fetched: String = s
        .db()
        .query_row("SELECT fetched FROM deliveries", [], |r| r.get(0))
        .unwrap();
    assert!(fetched.contains("401"), "{fetched}");
    assert_clean("the fetched column", &fetched);
    let cfg = s.dir.path().join("hookscope.toml");
    for (place, text) in exports(s.dir.path(), &s.db, &cfg) {
        assert_clean(&place, &text);
    }
}

#[test]
fn send_prints_and_keeps_no_secret_even_when_the_target_fails() {
    let dir = tempfile::tempdir().unwrap();
    let (echo, _rt) = echo_app(400);
    let cfg = write(
        dir.path(),
        "h.toml",
        &config_with(
            &format!(
                "client_id = \"hookscope-test\"\nclient_secret = \"{CS_CLIENT_SECRET}\"\n\
                 token_url = \"{echo}/oauth/token\"\n"
            ),
            "",
        ),
    );
    let db = dir.path().join("sent.db");
    let down = nowhere();
    let runs = [
        hookscope(
            dir.path(),
            &[
                "send",
                "brilliant",
                "--to",
                &format!("{down}/brilliant"),
                "--retry-base-ms",
                "1",
                "--config",
                cfg.to_str().unwrap(),
                "--store",
                db.to_str().unwrap(),
            ],
            &[],
        ),
        // The token endpoint refuses, quoting the form with the client secret.
        hookscope(
            dir.path(),
            &[
                "send",
                "clearspeed",
                "--to",
                &format!("{echo}/clearspeed"),
                "--config",
                cfg.to_str().unwrap(),
                "--store",
                db.to_str().unwrap(),
            ],
            &[],
        ),
    ];
    assert_ne!(runs[0].code, 0, "{}", runs[0].all());
    assert!(runs[0].stdout.contains("/brilliant/"), "{}", runs[0].all());
    assert_ne!(runs[1].code, 0, "{}", runs[1].all());
    assert!(runs[1].stderr.contains("400"), "{}", runs[1].all());
    for run in &runs {
        assert_clean("send's output", &run.all());
    }
    assert_clean("the store of failed sends", &store_text(&db));
}

#[test]
fn replay_prints_no_restored_secret() {
    let s = Server::start(&config(""));
    s.post(
        &format!("/brilliant/{}", percent_encoded(URL_KEY)),
        &[],
        &brilliant_body(),
    );
    s.post(
        "/jobmojito",
        &[("x-jobmojito-token", JM_VALUE)],
        &compact("jobmojito/interview_collected.json"),
    );
    let ids = [s.line(0), s.line(1)].map(|l| l["id"].as_str().unwrap().to_string());
    let cfg = s.dir.path().join("hookscope.toml");
    let (echo, _rt) = echo_app(500);
    for to in [nowhere(), echo] {
        let run = hookscope(
            s.dir.path(),
            &[
                "replay",
                &ids[0],
                &ids[1],
                "--to",
                &to,
                "--store",
                s.db.to_str().unwrap(),
                "--config",
                cfg.to_str().unwrap(),
            ],
            &[],
        );
        assert_eq!(run.code, 1, "{}", run.all());
        assert!(run.stdout.contains("/brilliant/"), "{}", run.all());
        assert_clean("replay's output", &run.all());
    }
    assert_clean("the store after replays", &store_text(&s.db));
}

#[test]
fn import_masks_what_comes_in_and_export_masks_an_older_store() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = write(dir.path(), "h.toml", &config(""));
    let empty = write(dir.path(), "empty.toml", "");
    let line = serde_json::json!({
        "id": "019aa1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b",
        "received_at": "2026-11-20T10:00:00.000Z",
        "method": "POST",
        "path": format!("/brilliant/{}", percent_encoded(URL_KEY)),
        "provider": "brilliant",
        "event": "response.completed",
        "event_inferred": false,
        "subject": null,
        "detected_by": "path",
        "verification": {"status": "verified", "scheme": "brilliant-url-key", "hint": null,
            "detail": format!("key {URL_KEY} matched")},
        "response": {"status": 200},
        "body_bytes": 2,
        "forward": {"url": format!("http://app/brilliant/{}", percent_encoded(URL_KEY)),
            "status": null, "latency_ms": 1,
            "error": format!("error sending request for url (http://app/brilliant/{URL_KEY})"),
            "body": format!("Bearer {BR_API_KEY}"), "warnings": []},
        "query": format!("key={}", percent_encoded(URL_KEY)),
        "peer": "127.0.0.1:4000",
        "headers": [["x-api-key", CS_API_KEY], ["authorization", format!("Bearer {BR_API_KEY}")]],
        "body_truncated": false,
        "replay_of": null,
        "fetched": {"error": format!("GET answered 401: Bearer {BR_API_KEY}")},
        "body": "{}",
        "body_encoding": "utf8"
    });
    let input = write(dir.path(), "in.ndjson", &format!("{line}\n"));
    let db = dir.path().join("imported.db");
    // The config where `listen` finds it too: ./hookscope.toml.
    std::fs::copy(&cfg, dir.path().join("hookscope.toml")).unwrap();
    let run = hookscope(
        dir.path(),
        &[
            "import",
            input.to_str().unwrap(),
            "--store",
            db.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.all());
    assert!(run.stderr.contains("imported 1"), "{}", run.all());
    assert_clean("import's output", &run.all());
    assert_clean("the imported store", &store_text(&db));
    for (place, text) in exports(dir.path(), &db, &cfg) {
        assert_clean(&place, &text);
        assert!(
            text.contains("[redacted:providers.brilliant.url_key]"),
            "{text}"
        );
    }

    // A store written before the secrets were configured: the export masks them.
    let old = dir.path().join("old.db");
    let run = hookscope(
        dir.path(),
        &[
            "import",
            input.to_str().unwrap(),
            "--store",
            old.to_str().unwrap(),
            "--config",
            empty.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.all());
    assert!(
        store_text(&old).contains(CS_API_KEY),
        "the old store is clean"
    );
    for (place, text) in exports(dir.path(), &old, &cfg) {
        assert_clean(&place, &text);
    }
}

#[test]
fn config_and_environment_errors_name_the_setting_not_the_value() {
    let dir = tempfile::tempdir().unwrap();
    let misplaced = write(
        dir.path(),
        "bad.toml",
        &format!("[providers.talentsprout]\ntolerance_secs = \"{TS_SECRET}\"\n"),
    );
    let good = write(dir.path(), "good.toml", &config(""));
    let runs = [
        hookscope(
            dir.path(),
            &[
                "listen",
                "--headless",
                "--no-store",
                "--config",
                misplaced.to_str().unwrap(),
            ],
            &[],
        ),
        hookscope(
            dir.path(),
            &[
                "send",
                "classet",
                "--to",
                "http://127.0.0.1:1/classet",
                "--config",
                good.to_str().unwrap(),
            ],
            &[("HOOKSCOPE_CLASSET_RESPONSE", CL_SECRET)],
        ),
        hookscope(
            dir.path(),
            &[
                "replay",
                "--failed",
                "--to",
                "http://127.0.0.1:1",
                "--config",
                good.to_str().unwrap(),
            ],
            &[("HOOKSCOPE_JOBMOJITO_RESPONSE", JM_VALUE)],
        ),
    ];
    for run in &runs {
        assert_ne!(run.code, 0, "{}", run.all());
        assert!(
            run.stderr.contains("config") || run.stderr.contains("HOOKSCOPE_"),
            "{}",
            run.all()
        );
        assert_clean("a config error", &run.all());
    }
    assert!(
        runs[0]
            .stderr
            .contains("providers.talentsprout.tolerance_secs"),
        "{}",
        runs[0].stderr
    );
}

/// The fresh secrets a demo makes up, by their shape.
fn demo_secret_in(text: &str) -> Option<String> {
    let prefixes = [
        "whsec_demo",
        "classet_demo_",
        "cs_client_",
        "cs_jwt_",
        "jm_",
        "shpss_demo_",
        "gh_demo_",
        "slack_demo_",
        "tw_demo_",
        "br",
    ];
    for (at, _) in text.char_indices() {
        for p in prefixes {
            let Some(rest) = text[at..].strip_prefix(p) else {
                continue;
            };
            let hex = rest.chars().take_while(|c| c.is_ascii_hexdigit()).count();
            if hex >= 32 {
                return Some(text[at..at + p.len() + 32].to_string());
            }
        }
    }
    None
}

#[test]
fn the_demo_prints_and_keeps_none_of_its_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let run = hookscope(
        dir.path(),
        &["demo", "--headless", "--store", db.to_str().unwrap()],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.all());
    assert!(run.stdout.lines().count() >= 30, "{}", run.all());
    for (place, text) in [("demo's output", run.all()), ("its store", store_text(&db))] {
        assert_eq!(demo_secret_in(&text), None, "in {place}");
    }
    // The shapes are recognised: a made-up one is found.
    assert!(demo_secret_in(&format!("x br{}", "a1".repeat(16))).is_some());
}

#[test]
fn the_footer_after_a_re_send_shows_no_url_key() {
    use hookscope::config::{Config, Secret};
    use hookscope::model::ProviderId;
    use hookscope::signature::Status;
    use hookscope::tui::resend;
    use hookscope::tui::view::Theme;
    use hookscope::tui::{App, AppEvent, Command, Context, Tui};

    let mut config = Config::default();
    config.providers.brilliant.url_key = Some(Secret::new(URL_KEY));
    let mut d = tui_support::delivery(
        1,
        ProviderId::BRILLIANT,
        "response.completed",
        "resp_1",
        Status::Verified,
    );
    d.request.path = "/brilliant/[redacted:providers.brilliant.url_key]".into();
    let screen = tui_support::Screen::with(&[d]);
    let context = Context {
        config: Arc::new(config),
        listen: "127.0.0.1:1".into(),
        store: None,
        forward_to: Some(nowhere()),
    };
    let mut app = Tui::new(
        App::new(context).with_theme(Theme::monochrome()),
        screen.store.reader().unwrap(),
    );
    app.update(AppEvent::Resize(100, 30));
    app.refresh();
    let commands = app.update(AppEvent::Key(crossterm::event::KeyEvent::new(
        crossterm::event::KeyCode::Char('r'),
        crossterm::event::KeyModifiers::NONE,
    )));
    let [Command::Resend(r)] = commands.as_slice() else {
        panic!("{commands:?}");
    };
    assert!(
        r.outgoing.url.contains(&percent_encoded(URL_KEY)),
        "the request itself carries the key: {}",
        r.outgoing.url
    );
    let sending = app.message().unwrap().text.clone();
    assert!(sending.contains("/brilliant/"), "{sending}");
    assert_clean("the footer while sending", &sending);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let outcome = rt.block_on(resend::execute(&reqwest::Client::new(), (**r).clone()));
    app.update(AppEvent::Resent(outcome));
    let sent = app.message().unwrap().text.clone();
    assert!(sent.contains("Could not re-send"), "{sent}");
    assert_clean("the footer after sending", &sent);
}
