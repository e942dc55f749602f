//! UI under load: while deliveries arrive at 5,000 a second (stored, then announced, as
//! the receiver does), a key is pressed every 20 ms; for each key, the time until the
//! next frame is flushed (the frame that shows it) is measured. Twice: with no filter,
//! and with a free-text filter that every new delivery is matched against.
//!
//! cargo bench --bench ui_load

use std::io;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crossterm::event::{Event, KeyCode, KeyEvent};
use hookscope::config::Config;
use hookscope::model::{Delivery, Request};
use hookscope::model::{DetectedBy, Findings, ProviderId};
use hookscope::signature::{Status, Verification};
use hookscope::store::Store;
use hookscope::tui::{self, App, Context, Feeds, Tui};
use ratatui::Terminal;
use ratatui::backend::{Backend, ClearType, TestBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};

const RATE: u64 = 5_000;
const DURATION: Duration = Duration::from_secs(5);
const KEY_EVERY: Duration = Duration::from_millis(20);

/// A test backend that notes when each frame reaches the "screen".
struct TimedBackend {
    inner: TestBackend,
    flushes: Arc<Mutex<Vec<Instant>>>,
}

impl Backend for TimedBackend {
    type Error = <TestBackend as Backend>::Error;
    fn draw<'a, I: Iterator<Item = (u16, u16, &'a Cell)>>(
        &mut self,
        c: I,
    ) -> Result<(), Self::Error> {
        self.inner.draw(c)
    }
    fn hide_cursor(&mut self) -> Result<(), Self::Error> {
        self.inner.hide_cursor()
    }
    fn show_cursor(&mut self) -> Result<(), Self::Error> {
        self.inner.show_cursor()
    }
    fn get_cursor_position(&mut self) -> Result<Position, Self::Error> {
        self.inner.get_cursor_position()
    }
    fn set_cursor_position<P: Into<Position>>(&mut self, p: P) -> Result<(), Self::Error> {
        self.inner.set_cursor_position(p)
    }
    fn clear(&mut self) -> Result<(), Self::Error> {
        self.inner.clear()
    }
    fn clear_region(&mut self, t: ClearType) -> Result<(), Self::Error> {
        self.inner.clear_region(t)
    }
    fn size(&self) -> Result<Size, Self::Error> {
        self.inner.size()
    }
    fn window_size(&mut self) -> Result<WindowSize, Self::Error> {
        self.inner.window_size()
    }
    fn flush(&mut self) -> Result<(), Self::Error> {
        self.flushes.lock().expect("flush log").push(Instant::now());
        self.inner.flush()
    }
}

fn delivery(n: u64) -> Delivery {
    let body = format!(
        "{{\"event\":\"candidate.interview.updated\",\"data\":{{\"candidate_id\":\"cand_{n:08}\"}}}}"
    );
    Delivery {
        id: hookscope::model::new_id(),
        received_at: chrono::Utc::now(),
        request: Request {
            peer: Some("127.0.0.1:50000".into()),
            ..Request::post(
                "/classet",
                &[("content-type", "application/json")],
                body.as_bytes(),
            )
        },
        findings: Findings {
            provider: ProviderId::CLASSET,
            detected_by: DetectedBy::Path,
            event: Some("candidate.interview.updated".into()),
            event_inferred: false,
            subject: Some(format!("cand_{n:08}")),
            verification: Verification::new(Status::Verified, "classet-hmac-sha256", "ok"),
        },
        response_status: 200,
        replay_of: None,
        forward: None,
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

#[tokio::main]
async fn main() -> io::Result<()> {
    measure(None).await?;
    // Every refresh then also matches the new rows against the text, row by row.
    measure(Some("cand_0000")).await
}

async fn measure(filter: Option<&str>) -> io::Result<()> {
    let dir = tempfile::tempdir()?;
    let store = Store::open(&dir.path().join("ui-load.db")).expect("store");
    let app_context = Context {
        config: Arc::new(Config::default()),
        listen: "127.0.0.1:8787".into(),
        store: None,
        forward_to: None,
    };
    let mut app = Tui::new(App::new(app_context), store.reader().expect("reader"));
    if let Some(text) = filter {
        app.set_filter(text);
    }
    let flushes = Arc::new(Mutex::new(Vec::new()));
    let backend = TimedBackend {
        inner: TestBackend::new(160, 50),
        flushes: flushes.clone(),
    };
    let mut terminal = Terminal::new(backend).expect("terminal");

    let (delivery_tx, deliveries) = tokio::sync::mpsc::unbounded_channel();
    let (_notice_tx, notices) = tokio::sync::mpsc::unbounded_channel();
    let (key_tx, key_rx) = tokio::sync::mpsc::unbounded_channel::<io::Result<Event>>();
    let input = tokio_stream_from(key_rx);

    // The receiver's side: store, then announce, at RATE per second in 1 ms ticks.
    let producer = {
        let store = store.clone();
        tokio::spawn(async move {
            let started = Instant::now();
            let mut sent = 0u64;
            let mut tick = tokio::time::interval(Duration::from_millis(1));
            while started.elapsed() < DURATION {
                tick.tick().await;
                let due = (started.elapsed().as_secs_f64() * RATE as f64) as u64;
                while sent < due {
                    let d = delivery(sent);
                    if store.insert(&d).await.is_ok() {
                        let _ = delivery_tx.send(Arc::new(d));
                    }
                    sent += 1;
                }
            }
            sent
        })
    };
    let presses = Arc::new(Mutex::new(Vec::new()));
    let keys = {
        let presses = presses.clone();
        tokio::spawn(async move {
            let started = Instant::now();
            let mut up = true;
            while started.elapsed() < DURATION {
                tokio::time::sleep(KEY_EVERY).await;
                let code = if up {
                    KeyCode::Char('k')
                } else {
                    KeyCode::Char('j')
                };
                up = !up;
                presses.lock().expect("presses").push(Instant::now());
                let _ = key_tx.send(Ok(Event::Key(KeyEvent::from(code))));
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
            let _ = key_tx.send(Ok(Event::Key(KeyEvent::from(KeyCode::Char('q')))));
        })
    };
    let mut clipboard = NoClipboard;
    let feeds = Feeds {
        deliveries,
        notices,
    };
    tui::run_loop(&mut terminal, &mut app, input, feeds, &mut clipboard).await?;
    let sent = producer.await.unwrap_or(0);
    let _ = keys.await;

    let flushes = flushes.lock().expect("flushes").clone();
    let presses = presses.lock().expect("presses").clone();
    let mut latencies: Vec<Duration> = presses
        .iter()
        .filter_map(|p| flushes.iter().find(|f| *f >= p).map(|f| *f - *p))
        .collect();
    latencies.sort();
    let frames = flushes.len();
    println!(
        "hookscope UI under load: {sent} deliveries in {:.1} s ({} per second), {} keys{}",
        DURATION.as_secs_f64(),
        RATE,
        presses.len(),
        filter.map_or(String::new(), |f| format!(
            ", filter {f:?} ({} rows shown)",
            app.list().total()
        ))
    );
    println!(
        "frames drawn              {frames} ({:.0} per second)",
        frames as f64 / DURATION.as_secs_f64()
    );
    println!(
        "key to frame, median      {:.2} ms",
        ms(percentile(&latencies, 0.5))
    );
    println!(
        "key to frame, 99th        {:.2} ms",
        ms(percentile(&latencies, 0.99))
    );
    println!(
        "key to frame, worst       {:.2} ms",
        ms(*latencies.last().unwrap_or(&Duration::ZERO))
    );
    println!("target: every key answered by the next frame; at 60 Hz one frame is 16.7 ms\n");
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The channel as the input stream the loop reads.
fn tokio_stream_from(
    mut rx: tokio::sync::mpsc::UnboundedReceiver<io::Result<Event>>,
) -> impl futures_util::Stream<Item = io::Result<Event>> + Unpin {
    Box::pin(futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx)))
}

struct NoClipboard;

impl hookscope::tui::clipboard::Clipboard for NoClipboard {
    fn copy(&mut self, _text: &str) -> Result<hookscope::tui::clipboard::CopyMethod, String> {
        Err("no clipboard in the benchmark".into())
    }
}
