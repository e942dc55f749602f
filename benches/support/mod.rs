//! The benchmarks' store: a million deliveries with bodies like the vendors' (about
//! 2 KiB of Classet-style JSON: names, emails, ids, an interview summary; failed ones
//! with a hint and answered 401), generated once
//! into target/bench-data and indexed for search as a long-running hookscope would have.
//! HOOKSCOPE_BENCH_ROWS=200000 makes a smaller one for a quicker run;
//! HOOKSCOPE_BENCH_PG=postgres://… measures a PostgreSQL database instead (`pg.rs`).

#![allow(dead_code)] // Each bench uses part of it.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use hookscope::store::Store;

mod pg;

const PROVIDERS: [&str; 5] = [
    "talentsprout",
    "classet",
    "clearspeed",
    "brilliant",
    "jobmojito",
];
const EVENTS: [&str; 5] = [
    "interview.completed",
    "candidate.interview.updated",
    "Result Update",
    "response.completed",
    "interview_result",
];
const STATUSES: [&str; 4] = ["verified", "failed", "unsigned", "unchecked"];
/// The hint of a failed delivery, in turn; a failed one was answered 401.
const HINTS: [&str; 3] = [
    "wrong_secret",
    "timestamp_outside_tolerance",
    "secret_encoding",
];
const FIRST: [&str; 15] = [
    "Ada", "Grace", "Alan", "Linus", "Barbara", "Ken", "Dennis", "Margaret", "Edsger", "Donald",
    "Frances", "John", "Radia", "Tim", "Vint",
];
const LAST: [&str; 15] = [
    "Lovelace", "Hopper", "Turing", "Torvalds", "Liskov", "Thompson", "Ritchie", "Hamilton",
    "Dijkstra", "Knuth", "Allen", "McCarthy", "Perlman", "Lee", "Cerf",
];
const WORDS: [&str; 24] = [
    "experienced",
    "forklift",
    "operator",
    "weekend",
    "availability",
    "strong",
    "communication",
    "teamwork",
    "customer",
    "service",
    "leadership",
    "warehouse",
    "safety",
    "certified",
    "bilingual",
    "spanish",
    "english",
    "scheduling",
    "inventory",
    "logistics",
    "regional",
    "routes",
    "clean",
    "record",
];

pub fn rows_wanted() -> u64 {
    std::env::var("HOOKSCOPE_BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000)
}

/// The subject of delivery `i`: a candidate id, each seen about four times.
pub fn subject(i: u64) -> String {
    format!("cand_{:08}", i % 250_000)
}

/// A small LCG: the same store on every machine without a random crate.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) as usize % below
    }
}

fn body(i: u64, rng: &mut Lcg) -> String {
    let (first, last) = (FIRST[rng.next(15)], LAST[rng.next(15)]);
    let summary: Vec<&str> = (0..150).map(|_| WORDS[rng.next(WORDS.len())]).collect();
    let summary = summary.join(" ");
    format!(
        "{{\"event\":\"candidate.interview.updated\",\"changes\":{{\"interview_outcome\":\
         {{\"from\":\"candidate_not_responsive\",\"to\":\"qualified\"}}}},\"data\":{{\
         \"candidate_id\":\"{subject}\",\"name\":\"{first} {last}\",\"email\":\"{fl}.{ll}{n}@example.com\",\
         \"job_id\":\"job_{job}\",\"interview_completed_at\":\"2026-01-01T00:00:00Z\",\
         \"interview_outcome\":\"qualified\",\"interview_summary\":\"Delivery {i}: {summary}.\",\
         \"interview_custom_data\":{{\"can_lift_50lbs\":true,\"years_experience\":{years}}}}}}}",
        subject = subject(i),
        fl = first.to_lowercase(),
        ll = last.to_lowercase(),
        n = i % 997,
        job = rng.next(5000),
        years = rng.next(30),
    )
}

/// The store of `rows_wanted()` deliveries, generating it when it is not there yet: a
/// file under target/, or the PostgreSQL database named by HOOKSCOPE_BENCH_PG.
pub fn store_path() -> PathBuf {
    let n = rows_wanted();
    if let Some(url) = pg::url() {
        return pg::store(&url, n);
    }
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    std::fs::create_dir_all(&dir).expect("bench-data dir");
    let path = dir.join(format!("deliveries-2k-hints-{n}.db"));
    if !path.exists() {
        let partial = dir.join(format!("deliveries-2k-hints-{n}.db.partial"));
        let _ = std::fs::remove_file(&partial);
        let t = Instant::now();
        eprintln!("generating {n} deliveries in {} …", path.display());
        generate(&partial, n);
        eprintln!(
            "generated in {:.1} s; indexing for search …",
            t.elapsed().as_secs_f64()
        );
        let t = Instant::now();
        wait_for_index(&Store::open(&partial).expect("open"));
        eprintln!("indexed in {:.1} s", t.elapsed().as_secs_f64());
        for suffix in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", partial.display()));
        }
        std::fs::rename(&partial, &path).expect("rename");
    }
    path
}

/// Creates the store through hookscope (schema, WAL), then bulk-fills it with plain SQL:
/// the generator is not what is measured.
fn generate(path: &Path, n: u64) {
    drop(Store::open(path).expect("create the store"));
    let mut conn = rusqlite::Connection::open(path).expect("open for filling");
    let tx = conn.transaction().expect("transaction");
    {
        let mut stmt = tx
            .prepare(
                "INSERT INTO deliveries (id, received_at, method, path, query, headers, body, \
                 body_bytes, body_truncated, peer, provider, detected_by, event, event_inferred, \
                 subject, verification_status, verification_scheme, verification_hint, \
                 verification_detail, response_status) VALUES (?1, ?2, 'POST', ?3, NULL, \
                 '[[\"content-type\",\"application/json\"]]', ?4, ?5, 0, '127.0.0.1:50000', ?6, \
                 'path', ?7, 0, ?8, ?9, 'bench', ?10, 'generated', ?11)",
            )
            .expect("prepare");
        let base = chrono::DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z").unwrap();
        let mut rng = Lcg(42);
        for i in 0..n {
            let p = (i % 5) as usize;
            let body = body(i, &mut rng);
            let at = (base + chrono::Duration::seconds(i as i64)).to_rfc3339();
            let status = STATUSES[(i % 7 % 4) as usize];
            let failed = status == "failed";
            let hint = failed.then(|| HINTS[(i / 7 % 3) as usize]);
            stmt.execute(rusqlite::params![
                format!("bench-{i:012}"),
                at,
                format!("/{}", PROVIDERS[p]),
                body.as_bytes(),
                body.len() as i64,
                PROVIDERS[p],
                EVENTS[p],
                subject(i),
                status,
                hint,
                if failed { 401 } else { 200 },
            ])
            .expect("insert");
        }
    }
    tx.commit().expect("commit");
}

/// Lets the store's writer index everything, as it does while idle.
pub fn wait_for_index(store: &Store) {
    let reader = store.reader().expect("reader");
    while reader.unindexed().expect("progress") > 0 {
        std::thread::sleep(Duration::from_millis(200));
    }
}

pub fn rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kib| kib / 1024.0)
}
