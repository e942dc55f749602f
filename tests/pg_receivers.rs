//! Receivers writing one PostgreSQL database, end to end through the real binary:
//! two receivers at once, a `kill -9` mid-burst, the database stopped and started under
//! a running receiver, and a SQLite history moved over with `export | import`.

mod common;
#[path = "store_support/pg.rs"]
mod pg;

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{Options, Server, bin, classet_header, classet_sender, compact};

const SECRET: &str = "cl_secret_for_pg_tests";

fn config() -> String {
    format!("[providers.classet]\nsecret = \"{SECRET}\"\n")
}

fn start(url: &str) -> Server {
    Server::start_opts(
        &config(),
        Options {
            store: Some(PathBuf::from(url)),
            ..Options::default()
        },
        &[],
    )
}

fn body() -> (Vec<u8>, String) {
    let body = compact("classet/candidate_interview_updated.json");
    let sig = classet_header(SECRET, &body);
    (body, sig)
}

fn post(s: &Server) -> (u16, String) {
    let (body, sig) = body();
    s.post(
        "/classet",
        &[("x-classet-webhook-signature", sig.as_str())],
        &body,
    )
}

fn id_of(answer: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(answer).unwrap();
    v["id"].as_str().unwrap().to_string()
}

fn stored_ids(url: &str) -> Vec<String> {
    pg::query(url, "SELECT id FROM deliveries ORDER BY seq")
}

/// Sends from `threads` threads to `url` until `stop`, collecting acknowledged ids.
fn burst(
    urls: Vec<String>,
    per_thread: usize,
    stop: Arc<AtomicBool>,
) -> (Arc<Mutex<Vec<String>>>, Vec<std::thread::JoinHandle<()>>) {
    let acked = Arc::new(Mutex::new(Vec::new()));
    let (body, sig) = body();
    let workers = urls
        .into_iter()
        .map(|url| {
            classet_sender(
                url,
                body.clone(),
                sig.clone(),
                acked.clone(),
                stop.clone(),
                per_thread,
            )
        })
        .collect();
    (acked, workers)
}

#[test]
fn two_receivers_write_one_history_numbered_without_gaps() {
    let url = pg::fresh_database();
    let a = start(&url);
    let b = start(&url);
    assert_ne!(a.port, b.port);
    let stop = Arc::new(AtomicBool::new(false));
    let urls = vec![
        a.url("/classet"),
        b.url("/classet"),
        a.url("/classet"),
        b.url("/classet"),
    ];
    let (acked, workers) = burst(urls, 50, stop);
    for w in workers {
        w.join().unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    assert_eq!(acked.len(), 200);
    let mut stored = stored_ids(&url);
    assert_eq!(stored.len(), 200);
    let seqs = pg::query(
        &url,
        "SELECT seq::text FROM deliveries ORDER BY deliveries.seq",
    );
    let expected: Vec<String> = (1..=200).map(|n| n.to_string()).collect();
    assert_eq!(seqs, expected, "one sequence for both receivers, no gaps");
    let mut acked_sorted = acked;
    acked_sorted.sort();
    stored.sort();
    assert_eq!(acked_sorted, stored);
    // Each receiver's own lines name only its deliveries; together they are all of them.
    let lines = |s: &Server| s.all_stdout().lines().count();
    let deadline = Instant::now() + Duration::from_secs(20);
    while lines(&a) + lines(&b) < 200 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(lines(&a) + lines(&b), 200);
}

#[test]
fn kill_9_mid_burst_loses_no_acknowledged_delivery() {
    let url = pg::fresh_database();
    let s = start(&url);
    let stop = Arc::new(AtomicBool::new(false));
    let (acked, workers) = burst(vec![s.url("/classet"); 4], 2000, stop.clone());
    let deadline = Instant::now() + Duration::from_secs(60);
    while acked.lock().unwrap().len() < 200 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    unsafe { libc::kill(s.child.id() as i32, libc::SIGKILL) };
    stop.store(true, Ordering::Relaxed);
    for w in workers {
        w.join().unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    assert!(acked.len() >= 200, "only {} acknowledged", acked.len());
    let stored: std::collections::HashSet<String> = stored_ids(&url).into_iter().collect();
    let missing: Vec<&String> = acked.iter().filter(|id| !stored.contains(*id)).collect();
    assert!(
        missing.is_empty(),
        "{} of {} acknowledged deliveries missing",
        missing.len(),
        acked.len()
    );
}

#[test]
fn a_stopped_database_gets_503s_then_the_receiver_recovers_by_itself() {
    let cluster = pg::Cluster::start();
    let s = start(&cluster.url);
    let (status, answer) = post(&s);
    assert_eq!(status, 200, "{answer}");
    let mut acked = vec![id_of(&answer)];

    pg::Cluster::run(&cluster.dir, "stop");
    for _ in 0..3 {
        let (status, answer) = post(&s);
        assert_eq!(
            status, 503,
            "never 200 while nothing can be stored: {answer}"
        );
        assert!(answer.contains("could not store"), "{answer}");
    }
    let said = s.stderr.lock().unwrap().join("\n");
    assert!(said.contains("could not store delivery"), "{said}");
    assert!(!said.contains("postgres://hookscope:"), "{said}");

    pg::Cluster::run(&cluster.dir, "start");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let (status, answer) = post(&s);
        if status == 200 {
            acked.push(id_of(&answer));
            break;
        }
        assert_eq!(status, 503, "{answer}");
        assert!(Instant::now() < deadline, "the receiver never recovered");
        std::thread::sleep(Duration::from_millis(200));
    }
    for _ in 0..5 {
        let (status, answer) = post(&s);
        assert_eq!(status, 200, "{answer}");
        acked.push(id_of(&answer));
    }
    let stored = stored_ids(&cluster.url);
    assert_eq!(stored, acked, "every acknowledged delivery, and only those");
}

#[test]
fn a_sqlite_history_moves_to_postgres_with_export_and_import() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old.db");
    {
        let s = Server::start_opts(
            &config(),
            Options {
                store: Some(old.clone()),
                ..Options::default()
            },
            &[],
        );
        for _ in 0..5 {
            assert_eq!(post(&s).0, 200);
        }
    }
    let export = |store: &str| {
        let out = Command::new(bin())
            .args(["export", "--store", store])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    };
    let before = export(old.to_str().unwrap());
    assert_eq!(before.iter().filter(|b| **b == b'\n').count(), 5);

    let url = pg::fresh_database();
    let mut import = Command::new(bin())
        .args(["import", "-", "--store", &url])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    import.stdin.take().unwrap().write_all(&before).unwrap();
    let out = import.wait_with_output().unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{said}");
    assert!(said.contains("imported 5 deliveries"), "{said}");
    assert_eq!(export(&url), before, "the same history, byte for byte");
}

#[test]
fn the_password_of_a_store_url_is_never_printed() {
    let url = pg::fresh_database();
    let with_password = url.replacen("hookscope@", "hookscope:pw_never_shown_42@", 1);
    let s = start(&with_password);
    assert_eq!(post(&s).0, 200);
    let out = Command::new(bin())
        .args(["export", "--store", &with_password])
        .output()
        .unwrap();
    assert!(out.status.success());
    let said = format!(
        "{}{}{}",
        s.stderr.lock().unwrap().join("\n"),
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(said.contains("hookscope:***@"), "{said}");
    assert!(!said.contains("pw_never_shown_42"), "{said}");
    // A wrong database: the error names the URL, masked.
    let bad = with_password.replacen("/t_", "/missing_", 1);
    let out = Command::new(bin())
        .args(["export", "--store", &bad])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(!said.contains("pw_never_shown_42"), "{said}");
    assert!(said.contains("***"), "{said}");
}

#[test]
fn a_replay_from_one_receivers_history_is_linked_by_another_on_the_same_database() {
    use hookscope::store::Reader;
    let url = pg::fresh_database();
    let (a, b) = (start(&url), start(&url));
    let (status, answer) = post(&a);
    assert_eq!(status, 200, "{answer}");
    let original = id_of(&answer);
    let key = Reader::open_read_only(std::path::Path::new(&url))
        .unwrap()
        .link_key()
        .expect("the database's link key");
    let (body, sig) = body();
    let (status, forged) = b.post(
        "/classet",
        &[
            ("x-classet-webhook-signature", &sig),
            ("x-hookscope-replay-of", &original),
        ],
        &body,
    );
    assert_eq!(status, 200, "{forged}");
    let (status, genuine) = b.post(
        "/classet",
        &[
            ("x-classet-webhook-signature", &sig),
            ("x-hookscope-replay-of", &original),
            ("x-hookscope-replay-sig", &key.sign(&original)),
        ],
        &body,
    );
    assert_eq!(status, 200, "{genuine}");
    let links = pg::query(
        &url,
        "SELECT id || ' ' || coalesce(replay_of, '-') FROM deliveries ORDER BY seq",
    );
    assert_eq!(
        links,
        vec![
            format!("{original} -"),
            format!("{} -", id_of(&forged)),
            format!("{} {original}", id_of(&genuine)),
        ]
    );
}
