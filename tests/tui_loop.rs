//! The UI's loop and its resilience: any backend and any input stream drive it, every
//! terminal size draws, and the detail's tab bar follows the keys.

mod tui_support;

use std::io;
use std::sync::Arc;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use hookscope::model::ProviderId;
use hookscope::signature::Status;
use hookscope::tui::clipboard::{Clipboard, CopyMethod};
use hookscope::tui::view::Theme;
use hookscope::tui::{self, AppEvent, Feeds};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tui_support::{Screen, all_vendors_all_states, delivery, draw, press, text};

#[test]
fn tiny_and_odd_sizes_do_not_panic() {
    let screen = Screen::with(&all_vendors_all_states());
    let mut app = screen.app(Theme::colored());
    for (w, h) in [
        (1, 1),
        (5, 2),
        (20, 3),
        (30, 8),
        (60, 15),
        (61, 9),
        (300, 4),
        (0, 0),
    ] {
        draw(&mut app, w, h);
        press(&mut app, "?");
        draw(&mut app, w, h);
        press(&mut app, "?");
    }
    app.update(AppEvent::Key(KeyEvent::from(KeyCode::Enter)));
    for (w, h) in [(1, 1), (10, 3), (60, 15)] {
        draw(&mut app, w, h);
    }
}

#[test]
fn resizing_redraws_at_the_new_size() {
    let screen = Screen::with(&all_vendors_all_states());
    let mut app = screen.app(Theme::colored());
    let mut terminal = Terminal::new(TestBackend::new(120, 35)).unwrap();
    tui::draw(&mut terminal, &mut app).unwrap();
    terminal.backend_mut().resize(60, 15);
    app.update(AppEvent::Resize(60, 15));
    tui::draw(&mut terminal, &mut app).unwrap();
    assert_eq!(
        text(&terminal),
        text(&draw(&mut screen.app(Theme::colored()), 60, 15))
    );
}

#[test]
fn the_detail_has_a_tab_bar_and_tab_keys() {
    let screen = Screen::with(&all_vendors_all_states());
    let mut app = screen.app(Theme::colored());
    app.update(AppEvent::Key(KeyEvent::from(KeyCode::Enter)));
    press(&mut app, "4");
    let t = draw(&mut app, 120, 35);
    let s = text(&t);
    let bar = s.lines().find(|l| l.contains("1 Summary")).unwrap();
    assert!(
        bar.contains("3 Changes [4 Verification] 5 Headers")
            && bar.contains("jobmojito · interview_result · ir_9c4d27e1"),
        "{bar}"
    );
    assert!(s.lines().last().unwrap().is_empty() || s.contains("Esc back"));
}

/// Captures copies instead of touching a real clipboard.
#[derive(Default)]
struct Captured(Vec<String>);

impl Clipboard for Captured {
    fn copy(&mut self, text: &str) -> Result<CopyMethod, String> {
        self.0.push(text.to_string());
        Ok(CopyMethod::Osc52)
    }
}

fn key_event(c: char) -> io::Result<Event> {
    Ok(Event::Key(KeyEvent::new(
        KeyCode::Char(c),
        KeyModifiers::NONE,
    )))
}

#[tokio::test]
async fn the_loop_runs_on_any_backend_with_any_input() {
    let screen = Screen::with(&all_vendors_all_states()[..3]);
    let mut app = screen.app(Theme::colored());
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
    let (keys, rx) = tokio::sync::mpsc::unbounded_channel();
    let input = Box::pin(futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|e| (e, rx))
    }));
    let (deliveries_tx, deliveries) = tokio::sync::mpsc::unbounded_channel();
    let (notices_tx, notices) = tokio::sync::mpsc::unbounded_channel();
    // A delivery committed while the UI runs, announced as the receiver would.
    let late = delivery(
        30,
        ProviderId::JOBMOJITO,
        "interview_failed",
        "ir_late",
        Status::Failed,
    );
    screen.store.insert_blocking(&late).unwrap();
    deliveries_tx.send(Arc::new(late)).unwrap();
    notices_tx.send("demo: a notice".to_string()).unwrap();
    for c in ['y', 'q'] {
        keys.send(key_event(c)).unwrap();
    }
    let mut clipboard = Captured::default();
    let feeds = Feeds {
        deliveries,
        notices,
    };
    tokio::time::timeout(
        std::time::Duration::from_secs(10),
        tui::run_loop(&mut terminal, &mut app, input, feeds, &mut clipboard),
    )
    .await
    .expect("q ends the loop")
    .unwrap();
    assert_eq!(app.list().total(), 4);
    assert_eq!(clipboard.0.len(), 1);
    assert!(
        clipboard.0[0].contains("\"subject\":\"ir_late\""),
        "{:?}",
        clipboard.0
    );
    let m = app.message().unwrap();
    assert!(m.text.starts_with("Copied the body ("), "{}", m.text);
    assert!(m.text.ends_with("to the clipboard (OSC 52)"), "{}", m.text);
}

#[tokio::test]
async fn the_loop_ends_when_its_input_ends() {
    let screen = Screen::with(&[]);
    let mut app = screen.app(Theme::colored());
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let (_d, deliveries) = tokio::sync::mpsc::unbounded_channel();
    let (_n, notices) = tokio::sync::mpsc::unbounded_channel();
    let input = futures_util::stream::iter(Vec::<io::Result<Event>>::new());
    tui::run_loop(
        &mut terminal,
        &mut app,
        input,
        Feeds {
            deliveries,
            notices,
        },
        &mut Captured::default(),
    )
    .await
    .unwrap();
    assert!(text(&terminal).contains("No deliveries yet"));
}

/// A row committed to the store file by another connection (an `import`, a second
/// receiver, the receiver a `view` looks at) with no event for the UI appears at the next
/// tick, from SQLite's `data_version`.
#[test]
fn rows_another_connection_commits_appear_at_the_next_tick() {
    let screen = Screen::with(&all_vendors_all_states());
    let mut app = screen.app(Theme::colored());
    assert!(text(&draw(&mut app, 120, 35)).contains("Deliveries 21 "));
    let other = delivery(
        90,
        ProviderId::CLASSET,
        "call_completed",
        "cand_from_elsewhere",
        Status::Verified,
    );
    screen.store.insert_blocking(&other).unwrap();
    let before = text(&draw(&mut app, 120, 35));
    assert!(!before.contains("cand_from_elsewhere"), "{before}");
    app.update(AppEvent::Tick);
    let after = text(&draw(&mut app, 120, 35));
    assert!(after.contains("Deliveries 22 "), "{after}");
    assert!(after.contains("cand_from_elsewhere"), "{after}");
}
