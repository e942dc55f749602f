//! Starts the real binary headless on a free loopback port and collects its output.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

pub const TS_SECRET: &str = "whsec_dGVzdF9zZWNyZXRfZm9yX3RhbGVudHNwcm91dA";
pub const CL_SECRET: &str = "classet_sig_secret_1b7e";

pub fn fixture(rel: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/payloads")
        .join(rel);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The fixture re-serialized compactly, as vendors send it.
pub fn compact(rel: &str) -> Vec<u8> {
    let v: serde_json::Value = serde_json::from_slice(&fixture(rel)).unwrap();
    serde_json::to_vec(&v).unwrap()
}

fn mac(key: &[u8], msg: &[u8]) -> Vec<u8> {
    let mut m = Hmac::<Sha256>::new_from_slice(key).unwrap();
    m.update(msg);
    m.finalize().into_bytes().to_vec()
}

pub fn talentsprout_header(secret: &str, t: i64, body: &[u8]) -> String {
    let mut msg = format!("{t}.").into_bytes();
    msg.extend_from_slice(body);
    format!("t={t},v1={}", hex::encode(mac(secret.as_bytes(), &msg)))
}

pub fn classet_header(secret: &str, body: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac(secret.as_bytes(), body))
}

pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// What [`Server::start_opts`] may change.
#[derive(Default)]
pub struct Options {
    /// The store file (default: `deliveries.db` in the server's temporary dir).
    pub store: Option<PathBuf>,
    pub env: Vec<(String, String)>,
    /// Keep stdout a pipe that nobody reads (a stalled reader); no lines are collected.
    pub stdout_unread: bool,
}

pub struct Server {
    pub child: Child,
    pub port: u16,
    pub lines: Arc<Mutex<Vec<String>>>,
    pub stderr: Arc<Mutex<Vec<String>>>,
    pub dir: tempfile::TempDir,
    pub db: PathBuf,
    /// The unread stdout of [`Options::stdout_unread`], kept open.
    pub stalled_stdout: Option<std::process::ChildStdout>,
}

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_hookscope")
}

impl Server {
    /// Starts `hookscope listen --headless` with `config` (its `[server]` addr is set here).
    pub fn start(config: &str) -> Server {
        Self::start_with(config, &[])
    }

    /// As [`Server::start`], with more `listen` arguments.
    pub fn start_with(config: &str, extra: &[&str]) -> Server {
        Self::start_opts(config, Options::default(), extra)
    }

    /// As [`Server::start_with`], with a store path and environment of the caller's choosing.
    pub fn start_opts(config: &str, opts: Options, extra: &[&str]) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let cfg = dir.path().join("hookscope.toml");
        let db = opts
            .store
            .unwrap_or_else(|| dir.path().join("deliveries.db"));
        let text = if config.contains("[server]") {
            config.replacen("[server]", "[server]\naddr = \"127.0.0.1:0\"", 1)
        } else {
            format!("[server]\naddr = \"127.0.0.1:0\"\n{config}")
        };
        std::fs::write(&cfg, text).unwrap();
        let mut child = Command::new(bin())
            .args(["listen", "--headless", "--config"])
            .arg(&cfg)
            .arg("--store")
            .arg(&db)
            .args(extra)
            .current_dir(dir.path())
            .env("HOME", dir.path())
            .env("XDG_DATA_HOME", dir.path().join("data"))
            .envs(opts.env)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let lines = Arc::new(Mutex::new(Vec::new()));
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let out = child.stdout.take().unwrap();
        let l2 = lines.clone();
        let stalled_stdout = if opts.stdout_unread {
            Some(out)
        } else {
            std::thread::spawn(move || {
                for line in BufReader::new(out).lines().map_while(Result::ok) {
                    l2.lock().unwrap().push(line);
                }
            });
            None
        };
        let err = child.stderr.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let e2 = stderr.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines().map_while(Result::ok) {
                if let Some(rest) = line.split("listening on http://").nth(1) {
                    let addr = rest
                        .split_whitespace()
                        .next()
                        .unwrap_or_default()
                        .to_string();
                    let _ = tx.send(addr);
                }
                e2.lock().unwrap().push(line);
            }
        });
        let addr = match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(a) => a,
            Err(_) => {
                let _ = child.kill();
                panic!("server did not start: {:?}", stderr.lock().unwrap());
            }
        };
        let port = addr.rsplit(':').next().unwrap().parse().unwrap();
        Server {
            child,
            port,
            lines,
            stderr,
            dir,
            db,
            stalled_stdout,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    pub fn post(&self, path: &str, headers: &[(&str, &str)], body: &[u8]) -> (u16, String) {
        let client = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap();
        let mut req = client.post(self.url(path)).body(body.to_vec());
        req = req.header("content-type", "application/json");
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let resp = req.send().unwrap();
        let status = resp.status().as_u16();
        (status, resp.text().unwrap_or_default())
    }

    /// Waits for line number `n` (0-based) and parses it.
    pub fn line(&self, n: usize) -> serde_json::Value {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(l) = self.lines.lock().unwrap().get(n) {
                return serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l}: {e}"));
            }
            assert!(
                Instant::now() < deadline,
                "no line {n} on stdout; stderr: {:?}",
                self.stderr.lock().unwrap()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn all_stdout(&self) -> String {
        self.lines.lock().unwrap().join("\n")
    }

    pub fn db(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(&self.db).unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Deliveries acknowledged (answered 200) by a burst, by id, in answer order.
pub type Acked = Arc<Mutex<Vec<String>>>;

/// Posts the signed Classet `body` to `url` from one thread, `max` times at most or until
/// `stop`, keeping the id of every delivery answered 200; stops at the first other answer
/// or error (a receiver killed mid-stream).
pub fn classet_sender(
    url: String,
    body: Vec<u8>,
    sig: String,
    acked: Acked,
    stop: Arc<std::sync::atomic::AtomicBool>,
    max: usize,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let client = reqwest::blocking::Client::new();
        for _ in 0..max {
            if stop.load(std::sync::atomic::Ordering::Relaxed) {
                break;
            }
            let r = client
                .post(&url)
                .header("x-classet-webhook-signature", &sig)
                .body(body.clone())
                .send();
            match r {
                Ok(resp) if resp.status().as_u16() == 200 => {
                    let v: serde_json::Value = resp.json().unwrap();
                    acked
                        .lock()
                        .unwrap()
                        .push(v["id"].as_str().unwrap().to_string());
                }
                _ => break,
            }
        }
    })
}

/// `hookscope export --format FORMAT --store STORE`, run as the server in `dir` would
/// be; fails the test when it fails, and returns what it printed.
pub fn export(store: &std::path::Path, dir: &std::path::Path, format: &str) -> Vec<u8> {
    let out = Command::new(bin())
        .args(["export", "--format", format, "--store"])
        .arg(store)
        .env("HOME", dir)
        .env("XDG_DATA_HOME", dir.join("data"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}
