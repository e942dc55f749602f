//! Criterion benchmarks of the table over the million-delivery store (`support`): one
//! frame at the top, in the middle and at the bottom, and a filter from the moment it is
//! set until its first matches are drawn (searched for on the worker, as in the UI: the
//! newest deliveries first, then the whole history).
//!
//! cargo bench --bench table            (HOOKSCOPE_BENCH_ROWS=200000 for a quicker run)

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use crossterm::event::{KeyCode, KeyEvent};
use hookscope::config::Config;
use hookscope::store::Store;
use hookscope::tui::{self, App, AppEvent, Context, Tui};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn app(store: &Store) -> (Tui, Terminal<TestBackend>) {
    let context = Context {
        config: Arc::new(Config::default()),
        listen: "127.0.0.1:8787".into(),
        store: None,
        forward_to: None,
    };
    let mut app = Tui::new(App::new(context), store.reader().expect("reader"));
    let mut terminal = Terminal::new(TestBackend::new(160, 50)).expect("terminal");
    app.update(AppEvent::Resize(160, 50));
    tui::draw(&mut terminal, &mut app).expect("first frame");
    (app, terminal)
}

fn key(app: &mut Tui, code: KeyCode) {
    app.update(AppEvent::Key(KeyEvent::from(code)));
}

fn frame(c: &mut Criterion) {
    let store = Store::open(&support::store_path()).expect("open");
    let (mut app, mut terminal) = app(&store);
    let mut group = c.benchmark_group("frame");
    group.bench_function("bottom", |b| {
        b.iter(|| tui::draw(&mut terminal, &mut app).expect("draw"))
    });
    key(&mut app, KeyCode::Home);
    group.bench_function("top", |b| {
        b.iter(|| tui::draw(&mut terminal, &mut app).expect("draw"))
    });
    for _ in 0..(support::rows_wanted() / 2 / 45).min(20_000) {
        key(&mut app, KeyCode::PageDown);
    }
    group.bench_function("middle", |b| {
        b.iter(|| tui::draw(&mut terminal, &mut app).expect("draw"))
    });
    // Each frame three pages further, past the rows kept around the screen: every one
    // reads its rows from the store.
    // The direction turns every thousand frames, never reaching either end.
    let mut frames = 0u64;
    group.bench_function("scrolling", |b| {
        b.iter(|| {
            frames += 1;
            let way = if (frames / 1000).is_multiple_of(2) {
                KeyCode::PageDown
            } else {
                KeyCode::PageUp
            };
            for _ in 0..3 {
                key(&mut app, way);
            }
            tui::draw(&mut terminal, &mut app).expect("draw")
        })
    });
    group.finish();
}

fn filter(c: &mut Criterion) {
    let store = Store::open(&support::store_path()).expect("open");
    let (mut app, mut terminal) = app(&store);
    let mut group = c.benchmark_group("filter");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10));
    // Every kind of filter word, each alone, and the combinations people type.
    for (label, text) in [
        ("provider_status", "classet failed"),
        ("provider", "provider:classet"),
        ("status", "status:failed"),
        ("hint", "hint:wrong_secret"),
        ("event", "event:interview_result"),
        ("answer_4xx", "answer:4xx"),
        ("since_15m", "since:15m"),
        ("not_provider", "-classet"),
        ("not_provider_not_status", "-classet -failed"),
        ("provider_not_status", "classet -failed"),
        ("id_prefix", "id:bench-0000001234"),
        ("candidate_id", "cand_00123456"),
        ("name_two_words", "grace hopper"),
        ("email", "hopper12@example.com"),
        ("word_in_every_body", "forklift"),
        ("word_nowhere", "zeppelin"),
        ("provider_word", "classet forklift"),
    ] {
        group.bench_function(label, |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    app.set_filter("");
                    app.finish_filtering();
                    let t = Instant::now();
                    app.set_filter(text);
                    app.show_first_matches();
                    tui::draw(&mut terminal, &mut app).expect("draw");
                    total += t.elapsed();
                    // The next filter starts from a finished search, as after typing.
                    app.finish_filtering();
                }
                total
            })
        });
    }
    group.finish();
}

criterion_group!(benches, frame, filter);
criterion_main!(benches);
