//! Scale benchmark: a store of a million ~2 KiB deliveries (generated once, kept in
//! target/bench-data), then the figures the targets are about: time to open it, resident
//! memory while the table shows it, a frame at several scroll positions, filtering, and
//! frames while a filter is being searched for.
//!
//! cargo bench --bench scale            (HOOKSCOPE_BENCH_ROWS=200000 for a quicker run)

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent};
use hookscope::config::Config;
use hookscope::store::Store;
use hookscope::tui::{self, App, AppEvent, Context, Tui};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn key(app: &mut Tui, code: KeyCode) {
    app.update(AppEvent::Key(KeyEvent::from(code)));
}

/// Median time of `draw` over `runs` frames after `prepare`.
fn frame_time(app: &mut Tui, terminal: &mut Terminal<TestBackend>, runs: usize) -> Duration {
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
    let n = support::rows_wanted();
    let path = support::store_path();
    let rss_before = support::rss_mib();

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
    let mut app = Tui::new(App::new(context), reader);
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
    for _ in 0..(n / 4 / 45).min(20_000) {
        key(&mut app, KeyCode::PageDown);
    }
    let t = Instant::now();
    tui::draw(&mut terminal, &mut app).expect("draw");
    let three_quarters_cold = t.elapsed();
    // Ten more jumps, each to a place not read before: the first frame at each.
    let mut jumps = Vec::new();
    for k in 1..=10u64 {
        key(&mut app, KeyCode::Home);
        tui::draw(&mut terminal, &mut app).expect("draw");
        for _ in 0..(n * (2 * k - 1) / 22 / 45).min(20_000) {
            key(&mut app, KeyCode::PageDown);
        }
        let t = Instant::now();
        tui::draw(&mut terminal, &mut app).expect("draw");
        jumps.push(t.elapsed());
    }
    let jumps_worst = jumps.iter().max().copied().unwrap_or_default();
    let jumps_median = median(jumps);
    let rss_table = support::rss_mib();

    let mut timings = Vec::new();
    for (label, text) in FILTERS {
        let t = Instant::now();
        app.set_filter(text);
        app.finish_filtering();
        timings.push((label, app.list().total(), t.elapsed()));
    }
    let rss_filtered = support::rss_mib();

    // While the broadest search runs on the worker, keys still move the selection.
    app.set_filter("");
    app.finish_filtering();
    app.set_filter("forklift");
    tui::draw(&mut terminal, &mut app).expect("draw");
    let mut during = Vec::new();
    while app.searching().is_some() && during.len() < 1000 {
        let t = Instant::now();
        key(&mut app, KeyCode::Up);
        tui::draw(&mut terminal, &mut app).expect("draw");
        during.push(t.elapsed());
        if let Some(found) = app.try_found() {
            app.update(AppEvent::Found(found));
        }
    }
    let during_worst = during.iter().max().copied().unwrap_or_default();
    let during_count = during.len();
    let during_median = if during.is_empty() {
        Duration::ZERO
    } else {
        median(during)
    };

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
        "frame 3/4 down, cold       {:>9.3} ms   (target < 2 ms)",
        ms(three_quarters_cold)
    );
    println!(
        "first frame after a jump   {:>9.3} ms   (median of 10 more; worst {:.3} ms; target < 2 ms)",
        ms(jumps_median),
        ms(jumps_worst)
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
    println!(
        "resident memory, filtered  {:>9.1} MiB  (target < 400 MiB)",
        rss_filtered
    );
    println!(
        "key + frame while searching {:>8.3} ms   (median of {during_count}; worst {:.3} ms)",
        ms(during_median),
        ms(during_worst)
    );
}

/// Filters as typed into `/`, from narrow to matching everything.
const FILTERS: [(&str, &str); 6] = [
    ("provider + status", "classet failed"),
    ("candidate id", "cand_00123456"),
    ("name (2 words)", "grace hopper"),
    ("email", "hopper12@example.com"),
    ("id + provider", "cand_0012 classet"),
    ("word in every body", "forklift"),
];

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
