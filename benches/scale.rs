//! Scale benchmark: a store of a million deliveries (generated once, kept in
//! target/bench-data), then the figures the targets are about: time to open it, resident
//! memory while the table shows it, a frame at several scroll positions, and filtering.
//!
//! cargo bench --bench scale            (HOOKSCOPE_BENCH_ROWS=200000 for a quicker run)

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent};
use hookscope::config::Config;
use hookscope::store::{Filter, SeqRange, Store};
use hookscope::tui::{self, App, AppEvent, Context};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

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

fn rows_wanted() -> u64 {
    std::env::var("HOOKSCOPE_BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000)
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
                 'path', ?7, 0, ?8, ?9, 'bench', NULL, 'generated', 200)",
            )
            .expect("prepare");
        let base = chrono::DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z").unwrap();
        for i in 0..n {
            let p = (i % 5) as usize;
            let subject = format!("cand_{:08}", i % 250_000);
            let body = format!(
                "{{\"event\":\"{}\",\"data\":{{\"candidate_id\":\"{subject}\",\"summary\":\"Delivery number {i} \
                 with some text to search through: experienced forklift operator, weekend availability.\"}}}}",
                EVENTS[p]
            );
            let at = (base + chrono::Duration::seconds(i as i64)).to_rfc3339();
            stmt.execute(rusqlite::params![
                format!("bench-{i:012}"),
                at,
                format!("/{}", PROVIDERS[p]),
                body.as_bytes(),
                body.len() as i64,
                PROVIDERS[p],
                EVENTS[p],
                subject,
                STATUSES[(i % 7 % 4) as usize],
            ])
            .expect("insert");
        }
    }
    tx.commit().expect("commit");
}

fn rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kib| kib / 1024.0)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn key(app: &mut App, code: KeyCode) {
    app.update(AppEvent::Key(KeyEvent::from(code)));
}

/// Median time of `draw` over `runs` frames after `prepare`.
fn frame_time(app: &mut App, terminal: &mut Terminal<TestBackend>, runs: usize) -> Duration {
    let times = (0..runs)
        .map(|_| {
            let t = Instant::now();
            tui::draw(terminal, app).expect("draw");
            t.elapsed()
        })
        .collect();
    median(times)
}

fn main() {
    let n = rows_wanted();
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    std::fs::create_dir_all(&dir).expect("bench-data dir");
    let path = dir.join(format!("scale-{n}.db"));
    if !path.exists() {
        let t = Instant::now();
        eprintln!("generating {n} deliveries in {} …", path.display());
        generate(&path, n);
        eprintln!("generated in {:.1} s", t.elapsed().as_secs_f64());
    }
    let rss_before = rss_mib();

    let t = Instant::now();
    let store = Store::open(&path).expect("open");
    let reader = store.reader().expect("reader");
    let open = t.elapsed();

    let context = Context {
        config: Arc::new(Config::default()),
        listen: "127.0.0.1:8787".into(),
        store: Some(path.display().to_string()),
        forward_to: None,
    };
    let t = Instant::now();
    let mut app = App::new(context, reader);
    let mut terminal = Terminal::new(TestBackend::new(160, 50)).expect("terminal");
    app.update(AppEvent::Resize(160, 50));
    tui::draw(&mut terminal, &mut app).expect("first frame");
    let first_frame = t.elapsed();

    let bottom = frame_time(&mut app, &mut terminal, 200);
    key(&mut app, KeyCode::Home);
    tui::draw(&mut terminal, &mut app).expect("draw");
    let top = frame_time(&mut app, &mut terminal, 200);
    for _ in 0..(n / 2 / 45).min(20_000) {
        key(&mut app, KeyCode::PageDown);
    }
    // The first frame there reads the page from the store; the rest are cached.
    let t = Instant::now();
    tui::draw(&mut terminal, &mut app).expect("draw");
    let middle_cold = t.elapsed();
    let middle = frame_time(&mut app, &mut terminal, 200);
    let rss_table = rss_mib();

    let filter_reader = store.reader().expect("reader");
    let range = SeqRange::default();
    let mut timings = Vec::new();
    for (label, filter) in [
        (
            "provider + status",
            Filter {
                providers: vec![hookscope::provider::ProviderId::Classet],
                statuses: vec![hookscope::signature::Status::Failed],
                ..Filter::default()
            },
        ),
        (
            "free text (subject)",
            Filter {
                text: vec!["cand_00012345".into()],
                ..Filter::default()
            },
        ),
        (
            "free text (body)",
            Filter {
                text: vec!["number 54321 with".into()],
                ..Filter::default()
            },
        ),
    ] {
        let t = Instant::now();
        let count = filter_reader.count_matching(&filter, range).expect("count");
        timings.push((label, count, t.elapsed()));
    }

    println!(
        "hookscope scale benchmark: {n} deliveries ({})",
        path.display()
    );
    println!(
        "open store + reader        {:>9.1} ms   (target < 2000 ms)",
        ms(open)
    );
    println!("first frame (with tally)   {:>9.1} ms", ms(first_frame));
    println!(
        "frame at the bottom        {:>9.3} ms   (target < 2 ms)",
        ms(bottom)
    );
    println!(
        "frame at the top           {:>9.3} ms   (target < 2 ms)",
        ms(top)
    );
    println!("frame in the middle, cold  {:>9.3} ms", ms(middle_cold));
    println!(
        "frame in the middle        {:>9.3} ms   (target < 2 ms)",
        ms(middle)
    );
    println!(
        "resident memory            {:>9.1} MiB  (target < 400 MiB; {:.1} MiB before opening)",
        rss_table, rss_before
    );
    for (label, count, took) in timings {
        println!(
            "filter {label:<20} {:>9.1} ms   ({count} matches; target < 1000 ms)",
            ms(took)
        );
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
