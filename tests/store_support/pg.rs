//! A PostgreSQL database of its own for each test. The server is the one named by
//! `HOOKSCOPE_TEST_PG` (CI starts it), else a cluster this test run starts with
//! `scripts/pg-test-cluster` (and leaves running for the next run). Under CI the
//! variable must be set: a missing server fails the tests, it never skips them.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::OnceLock;

/// The server's URL (its `postgres` database).
pub fn server() -> &'static str {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| {
        if let Ok(url) = std::env::var("HOOKSCOPE_TEST_PG") {
            return url;
        }
        assert!(
            std::env::var_os("CI").is_none(),
            "HOOKSCOPE_TEST_PG is not set: .ci/run starts PostgreSQL and sets it"
        );
        let out = Command::new(script())
            .args(["start", &cluster_dir().to_string_lossy()])
            .output()
            .expect("cannot run scripts/pg-test-cluster");
        assert!(
            out.status.success(),
            "scripts/pg-test-cluster could not start PostgreSQL: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    })
}

pub fn script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scripts/pg-test-cluster")
}

/// Outside the work tree, which the unprivileged server user may not be able to reach.
fn cluster_dir() -> PathBuf {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    env!("CARGO_MANIFEST_DIR").hash(&mut h);
    std::env::temp_dir().join(format!("hookscope-test-pg-{:x}", h.finish()))
}

/// `url` with its database name replaced.
pub fn with_database(url: &str, db: &str) -> String {
    let (head, query) = url.split_once('?').unwrap_or((url, ""));
    let slash = head.rfind('/').expect("a URL with a database");
    let mut out = format!("{}/{db}", &head[..slash]);
    if !query.is_empty() {
        out.push('?');
        out.push_str(query);
    }
    out
}

/// Runs SQL on the server, from a thread of its own (a blocking client must not run
/// inside a test's async runtime).
pub fn execute(url: &str, sql: &str) {
    let (url, sql) = (url.to_string(), sql.to_string());
    std::thread::spawn(move || {
        let mut c = postgres::Client::connect(&url, postgres::NoTls).expect("connect");
        c.batch_execute(&sql).expect("sql");
    })
    .join()
    .unwrap();
}

/// Rows of the first column of a query, as text.
pub fn query(url: &str, sql: &str) -> Vec<String> {
    let (url, sql) = (url.to_string(), sql.to_string());
    std::thread::spawn(move || {
        let mut c = postgres::Client::connect(&url, postgres::NoTls).expect("connect");
        c.query(&sql, &[])
            .expect("sql")
            .iter()
            .map(|r| r.get::<_, String>(0))
            .collect()
    })
    .join()
    .unwrap()
}

/// A new, empty database on the server; its URL.
pub fn fresh_database() -> String {
    let name = format!("t_{}", uuid::Uuid::now_v7().simple());
    execute(server(), &format!("CREATE DATABASE {name}"));
    with_database(server(), &name)
}

/// A cluster of this test's own, to stop and start under a receiver.
pub struct Cluster {
    pub dir: tempfile::TempDir,
    pub url: String,
}

impl Cluster {
    pub fn start() -> Cluster {
        let dir = tempfile::Builder::new()
            .prefix("hookscope-pg-")
            .tempdir_in("/tmp")
            .unwrap();
        let url = Self::run(&dir, "start");
        Cluster { dir, url }
    }

    pub fn run(dir: &tempfile::TempDir, what: &str) -> String {
        let out = Command::new(script())
            .arg(what)
            .arg(dir.path())
            .stderr(Stdio::inherit())
            .output()
            .unwrap();
        assert!(out.status.success(), "pg-test-cluster {what} failed");
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = Command::new(script())
            .arg("remove")
            .arg(self.dir.path())
            .status();
    }
}
