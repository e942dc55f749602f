//! The real binary's UI in a real terminal: `hookscope listen` runs in a detached tmux
//! session (a private tmux server), real deliveries arrive over HTTP, keys are sent with
//! `send-keys`, and the screen is read back with `capture-pane`. Skipped when tmux is not
//! installed.

mod common;

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use common::{CL_SECRET, TS_SECRET, bin, classet_header, compact, now, talentsprout_header};

const TIMEOUT: Duration = Duration::from_secs(30);

/// A private tmux server holding one session; killed on drop, whatever happened.
struct Tmux {
    socket: String,
    session: &'static str,
    /// The server's socket file, which `kill-server` leaves behind.
    socket_path: Option<String>,
}

impl Tmux {
    fn available() -> bool {
        Command::new("tmux")
            .arg("-V")
            .output()
            .is_ok_and(|o| o.status.success())
    }

    fn start(command: &str) -> Tmux {
        Tmux::start_sized(command, 120, 35)
    }

    /// A session of `width`×`height`; tmux must be installed (`.ci/run` installs it).
    fn start_sized(command: &str, width: u16, height: u16) -> Tmux {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        let mut t = Tmux {
            socket: format!("hookscope-e2e-{}-{nanos}", std::process::id()),
            session: "ui",
            socket_path: None,
        };
        let (w, h) = (width.to_string(), height.to_string());
        let out = t.tmux(&[
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-x",
            &w,
            "-y",
            &h,
            "-s",
            t.session,
            command,
        ]);
        assert!(out.status.success(), "tmux new-session: {out:?}");
        t.socket_path = Some(t.pane("socket_path")).filter(|p| !p.is_empty());
        t
    }

    fn tmux(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("tmux runs")
    }

    fn screen(&self) -> String {
        let out = self.tmux(&["capture-pane", "-p", "-t", self.session]);
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Waits until the screen satisfies `ok`; fails with the last screen otherwise.
    fn wait_for(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let screen = self.screen();
            if ok(&screen) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", self.session];
        args.extend(keys);
        let out = self.tmux(&args);
        assert!(out.status.success(), "send-keys {keys:?}: {out:?}");
    }

    /// Sends text literally, not as key names.
    fn type_text(&self, text: &str) {
        let out = self.tmux(&["send-keys", "-t", self.session, "-l", text]);
        assert!(out.status.success(), "send-keys -l {text:?}: {out:?}");
    }

    /// A pane format variable, e.g. `alternate_on`.
    fn pane(&self, variable: &str) -> String {
        let format = format!("#{{{variable}}}");
        let out = self.tmux(&["display-message", "-p", "-t", self.session, &format]);
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.tmux(&["kill-server"]);
        if let Some(path) = &self.socket_path {
            let _ = std::fs::remove_file(path);
        }
    }
}

fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

fn quote(p: &Path) -> String {
    format!("'{}'", p.display().to_string().replace('\'', "'\\''"))
}

fn post(port: u16, path: &str, headers: &[(&str, &str)], body: &[u8]) {
    let client = reqwest::blocking::Client::builder()
        .timeout(TIMEOUT)
        .build()
        .unwrap();
    let mut req = client
        .post(format!("http://127.0.0.1:{port}{path}"))
        .header("content-type", "application/json")
        .body(body.to_vec());
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let resp = req.send().expect("the receiver answers under the UI");
    assert!(resp.status().is_success(), "{path}: {}", resp.status());
}

#[test]
fn the_ui_shows_live_deliveries_opens_one_and_restores_the_terminal() {
    // tmux is part of the test setup (.ci/run installs it): without it this test fails.
    assert!(Tmux::available(), "the tmux end-to-end test needs tmux");
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("h.toml");
    std::fs::write(
        &config,
        format!(
            "[providers.talentsprout]\nsecret = \"{TS_SECRET}\"\n\n\
             [providers.classet]\nsecret = \"{CL_SECRET}\"\n"
        ),
    )
    .unwrap();
    let port = free_port();
    let stty = dir.path().join("stty.txt");
    // After the UI exits the shell reports its status and the terminal's mode, then
    // keeps the pane open for reading.
    let command = format!(
        "env HOME={home} XDG_DATA_HOME={data} {bin} listen --addr 127.0.0.1:{port} \
         --store {db} --config {config}; echo \"EXITED $?\"; stty -a > {stty}; sleep 60",
        home = quote(dir.path()),
        data = quote(&dir.path().join("data")),
        bin = quote(Path::new(bin())),
        db = quote(&dir.path().join("d.db")),
        config = quote(&config),
        stty = quote(&stty),
    );
    let tmux = Tmux::start(&command);

    let screen = tmux.wait_for("the header", |s| {
        s.contains("hookscope") && s.contains("Deliveries 0")
    });
    // The address once, then each vendor's path.
    let header: Vec<&str> = screen.lines().take(2).collect();
    assert!(
        header[0].contains(&format!("http://127.0.0.1:{port}"))
            && header[1].contains("routes")
            && header[1].contains("/classet"),
        "{screen}"
    );
    assert_eq!(tmux.pane("alternate_on"), "1");

    let ts = compact("talentsprout/interview_completed.json");
    let ts_sig = talentsprout_header(TS_SECRET, now(), &ts);
    post(
        port,
        "/talentsprout",
        &[("X-TalentSprout-Signature", &ts_sig)],
        &ts,
    );
    let cl = compact("classet/candidate_interview_updated.json");
    let cl_sig = classet_header(CL_SECRET, &cl);
    post(
        port,
        "/classet",
        &[("x-classet-webhook-signature", &cl_sig)],
        &cl,
    );
    let bad = classet_header("not-the-secret", &cl);
    post(
        port,
        "/classet",
        &[("x-classet-webhook-signature", &bad)],
        &cl,
    );
    post(
        port,
        "/brilliant/anykey",
        &[],
        &compact("brilliant/response_completed.json"),
    );

    let screen = tmux.wait_for("four rows", |s| s.contains("Deliveries 4"));
    for text in [
        "talentsprout",
        "cand_12345678",
        "✓ verified",
        "✗ failed",
        "brilliant",
    ] {
        assert!(screen.contains(text), "{text} missing:\n{screen}");
    }
    assert!(
        screen.contains("4 deliveries: 2 ✓ verified, 1 ✗ failed"),
        "{screen}"
    );

    // The last row (brilliant) is selected while following; go up to the failed one.
    tmux.keys(&["k"]);
    tmux.wait_for("following paused", |s| s.contains("follow off"));
    tmux.keys(&["Enter"]);
    let screen = tmux.wait_for("the detail", |s| s.contains("[1 Summary]"));
    assert!(
        screen.contains("classet · candidate.interview.updated"),
        "{screen}"
    );
    tmux.keys(&["Tab"]);
    tmux.wait_for("the second tab", |s| s.contains("[2 Transcript]"));
    tmux.keys(&["4"]);
    tmux.wait_for("the verification tab", |s| s.contains("[4 Verification]"));
    tmux.keys(&["Y"]);
    tmux.wait_for("the copy message", |s| {
        s.contains("Copied a curl command") && s.contains("(OSC 52)")
    });
    tmux.keys(&["Escape"]);
    tmux.wait_for("the table again", |s| {
        s.contains("Deliveries 4") && !s.contains("[4 Verification]")
    });

    tmux.keys(&["/"]);
    tmux.wait_for("the filter field", |s| s.contains("Filter:"));
    tmux.type_text("classet failed");
    tmux.wait_for("the filtered table", |s| s.contains("Deliveries 1 of 4"));
    tmux.keys(&["Enter"]);
    tmux.wait_for("the field to close", |s| !s.contains("Filter:"));

    tmux.keys(&["q"]);
    let screen = tmux.wait_for("the process to end", |s| s.contains("EXITED"));
    assert!(screen.contains("EXITED 0"), "{screen}");
    assert!(!screen.contains("Deliveries"), "the UI is gone:\n{screen}");
    assert_eq!(tmux.pane("alternate_on"), "0", "alternate screen left");
    assert_eq!(tmux.pane("mouse_any_flag"), "0", "mouse reporting off");
    let deadline = Instant::now() + TIMEOUT;
    let modes = loop {
        match std::fs::read_to_string(&stty) {
            Ok(s) if !s.is_empty() => break s,
            _ if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(50)),
            other => panic!("no stty output: {other:?}"),
        }
    };
    let words: Vec<&str> = modes.split_whitespace().collect();
    for mode in ["icanon", "echo", "isig"] {
        assert!(words.contains(&mode), "{mode} not restored:\n{modes}");
    }
}

#[test]
fn the_demo_fills_the_table_from_every_vendor_and_filters_it_by_text() {
    // tmux is part of the test setup (.ci/run installs it): without it this test fails.
    assert!(Tmux::available(), "the tmux end-to-end test needs tmux");
    let dir = tempfile::tempdir().unwrap();
    let command = format!(
        "env HOME={home} XDG_DATA_HOME={data} {bin} demo --pause-ms 30; echo \"EXITED $?\"; \
         sleep 60",
        home = quote(dir.path()),
        data = quote(&dir.path().join("data")),
        bin = quote(Path::new(bin())),
    );
    let tmux = Tmux::start(&command);
    // The script's bad signatures come after a first delivery from each vendor.
    let screen = tmux.wait_for("deliveries from every vendor, some failing", |s| {
        [
            "talentsprout",
            "classet",
            "clearspeed",
            "brilliant",
            "jobmojito",
        ]
        .iter()
        .all(|v| s.matches(v).count() >= 2)
            && !s.contains(" 0 ✗ failed")
            && s.contains("✗ failed")
    });
    // Where deliveries are kept is in the header.
    let words: Vec<&str> = screen.split_whitespace().collect();
    assert!(
        words.windows(3).any(|w| w == ["store", "in", "memory"]),
        "{screen}"
    );

    // Free text: the words of a candidate id the demo sends, wherever they are.
    tmux.keys(&["/"]);
    tmux.wait_for("the filter field", |s| s.contains("Filter:"));
    tmux.type_text("cand_58c1e03a");
    let screen = tmux.wait_for("the text filter", |s| {
        s.contains("filter: text \"cand_58c1e03a\"")
    });
    tmux.keys(&["Enter"]);
    tmux.wait_for("the field to close", |s| !s.contains("Filter:"));
    let rows: Vec<&str> = screen
        .lines()
        .skip_while(|l| !l.starts_with("Time "))
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .collect();
    assert!(!rows.is_empty(), "{screen}");
    for row in rows {
        assert!(
            row.contains("classet") && row.contains("cand_58c1e03a"),
            "{row}\n{screen}"
        );
    }

    tmux.keys(&["q"]);
    let screen = tmux.wait_for("the process to end", |s| s.contains("EXITED"));
    assert!(screen.contains("EXITED 0"), "{screen}");
}

/// Posts and returns the status, whatever it is (a failed delivery is answered 401).
fn post_any(port: u16, path: &str, headers: &[(&str, &str)], body: &[u8]) -> u16 {
    let client = reqwest::blocking::Client::builder()
        .timeout(TIMEOUT)
        .build()
        .unwrap();
    let mut req = client
        .post(format!("http://127.0.0.1:{port}{path}"))
        .header("content-type", "application/json")
        .body(body.to_vec());
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    req.send()
        .expect("the receiver answers under the UI")
        .status()
        .as_u16()
}

/// `hookscope listen` in an 80×24 tmux pane with `extra` flags; the shell says how it
/// exited.
fn listen_80x24(dir: &Path, port: u16, extra: &str) -> Tmux {
    assert!(
        Tmux::available(),
        "tmux is needed for the end-to-end tests (.ci/run installs it)"
    );
    let config = dir.join("h.toml");
    std::fs::write(
        &config,
        format!("[providers.classet]\nsecret = \"{CL_SECRET}\"\n"),
    )
    .unwrap();
    let command = format!(
        "env HOME={home} XDG_DATA_HOME={data} {bin} --addr 127.0.0.1:{port} \
         --store {db} --config {config} {extra}; echo \"EXITED $?\"; sleep 60",
        home = quote(dir),
        data = quote(&dir.join("data")),
        bin = quote(Path::new(bin())),
        db = quote(&dir.join("d.db")),
        config = quote(&config),
    );
    let tmux = Tmux::start_sized(&command, 80, 24);
    tmux.wait_for("the header", |s| {
        s.contains("hookscope") && s.contains("Deliveries 0")
    });
    tmux
}

/// At the size a terminal opens with, a failed delivery's row says why it failed, and
/// the detail says it again; q goes back, then quits.
#[test]
fn at_80x24_a_failed_delivery_shows_its_hint_on_its_row_and_in_the_detail() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let tmux = listen_80x24(dir.path(), port, "");
    let body = compact("classet/candidate_interview_updated.json");
    let wrong = classet_header("not-the-secret", &body);
    let status = post_any(
        port,
        "/classet",
        &[("x-classet-webhook-signature", &wrong)],
        &body,
    );
    assert!(status >= 200, "{status}");
    let screen = tmux.wait_for("the failed row with its hint", |s| {
        s.lines()
            .any(|l| l.contains("classet") && l.contains("✗") && l.contains("wrong_s"))
    });
    let bar = screen
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default();
    assert!(
        screen.lines().any(|l| l.starts_with("? help")),
        "the key bar starts with ? help:\n{screen}\n{bar}"
    );
    tmux.keys(&["Enter"]);
    tmux.wait_for("the detail", |s| s.contains("[1 Summary]"));
    tmux.keys(&["4"]);
    tmux.wait_for("the verdict and its hint", |s| {
        s.contains("Verdict") && s.contains("wrong_secret")
    });
    tmux.keys(&["q"]);
    tmux.wait_for("the table again", |s| s.contains("Deliveries 1"));
    tmux.keys(&["q"]);
    tmux.wait_for("a clean exit", |s| s.contains("EXITED 0"));
}

/// A stand-in for the user's app: answers every request with `status`, and counts them.
fn app_answering(status: u16) -> (u16, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut request = Vec::new();
            let mut buf = [0u8; 4096];
            // Headers, then as much body as they announce.
            while let Ok(n) = stream.read(&mut buf) {
                if n == 0 {
                    break;
                }
                request.extend_from_slice(&buf[..n]);
                let text = String::from_utf8_lossy(&request);
                if let Some(end) = text.find("\r\n\r\n") {
                    let length = text[..end]
                        .lines()
                        .find_map(|l| {
                            let (k, v) = l.split_once(':')?;
                            k.eq_ignore_ascii_case("content-length")
                                .then(|| v.trim().parse::<usize>().ok())?
                        })
                        .unwrap_or(0);
                    if request.len() >= end + 4 + length {
                        break;
                    }
                }
            }
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let answer = format!(
                "HTTP/1.1 {status} Whatever\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok"
            );
            let _ = stream.write_all(answer.as_bytes());
        }
    });
    (port, seen)
}

/// With --forward-to, the app's status shows beside ours on the row, and the detail
/// says what the app answered and what the vendor makes of it.
#[test]
fn with_forward_to_the_apps_status_is_on_the_row_and_in_the_detail() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let (app_port, seen) = app_answering(204);
    let tmux = listen_80x24(
        dir.path(),
        port,
        &format!("--forward-to http://127.0.0.1:{app_port}"),
    );
    let screen = tmux.screen();
    assert!(
        screen.contains(&format!("→ app http://127.0.0.1:{app_port}")),
        "{screen}"
    );
    let body = compact("clearspeed/result_published.json");
    post_any(port, "/clearspeed", &[], &body);
    tmux.wait_for("our status and the app's on the row", |s| {
        s.contains("200→204")
    });
    assert_eq!(seen.load(std::sync::atomic::Ordering::SeqCst), 1);
    tmux.keys(&["Enter"]);
    let detail = tmux.wait_for("the app's answer in the detail", |s| {
        s.contains("App answered") && s.contains("204")
    });
    assert!(detail.contains("counts only HTTP 200"), "{detail}");
    tmux.keys(&["C-c"]);
    tmux.wait_for("a clean exit", |s| s.contains("EXITED 0"));
}
