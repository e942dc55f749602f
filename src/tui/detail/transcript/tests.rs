use crossterm::event::{KeyCode, KeyEvent};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::*;
use crate::provider::{self, talentsprout};

fn view() -> TranscriptView {
    let v: serde_json::Value = serde_json::json!({
        "event": "interview.completed",
        "transcript": [
            {"speaker": "interviewer", "text": "Tell me about retries.", "start": 3.2},
            {"speaker": "candidate", "text": "Retries with backoff, and RETRIES are capped.", "start": 8.0},
            {"speaker": "interviewer", "text": "Thanks.", "start": 65.9},
            {"speaker": "candidate", "text": "A retry\u{1b}]0;owned\u{7} budget.", "start": 3725.0}
        ]
    });
    TranscriptView::new(
        ProviderId::TALENTSPROUT,
        &talentsprout::understand(&v).summary,
    )
}

fn press(v: &mut TranscriptView, code: KeyCode) -> DetailOutcome {
    crate::tui::detail::component::press(
        v,
        Scope::Tab(crate::tui::detail::Tab::Transcript),
        &crate::tui::keymap::Keymap::default(),
        KeyEvent::from(code),
    )
}

fn search(v: &mut TranscriptView, q: &str) {
    press(v, KeyCode::Char('/'));
    for c in q.chars() {
        press(v, KeyCode::Char(c));
    }
}

fn draw(v: &TranscriptView, w: u16, h: u16) -> String {
    let area = Rect::new(0, 0, w, h);
    let mut buf = Buffer::empty(area);
    v.draw(crate::tui::theme::Theme::colored(), area, &mut buf);
    (0..h)
        .map(|y| {
            (0..w)
                .map(|x| buf[(x, y)].symbol())
                .collect::<String>()
                .trim_end()
                .to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn search_counts_every_match_case_insensitively() {
    let mut v = view();
    search(&mut v, "retr");
    assert!(v.focus().is_some());
    assert_eq!(v.match_count(), 4);
    assert_eq!(v.current_match(), None);
    press(&mut v, KeyCode::Enter);
    assert!(v.focus().is_none());
    assert_eq!(v.current_match(), Some(0));
}

#[test]
fn n_and_shift_n_wrap_around() {
    let mut v = view();
    search(&mut v, "retr");
    press(&mut v, KeyCode::Enter);
    press(&mut v, KeyCode::Char('N'));
    assert_eq!(v.current_match(), Some(3));
    press(&mut v, KeyCode::Char('n'));
    assert_eq!(v.current_match(), Some(0));
    for _ in 0..3 {
        press(&mut v, KeyCode::Char('n'));
    }
    assert_eq!(v.current_match(), Some(3));
    press(&mut v, KeyCode::Char('n'));
    assert_eq!(v.current_match(), Some(0));
}

#[test]
fn esc_cancels_typing_then_clears_highlights() {
    let mut v = view();
    search(&mut v, "thanks");
    assert_eq!(v.match_count(), 1);
    assert_eq!(press(&mut v, KeyCode::Esc), DetailOutcome::Consumed);
    assert_eq!(v.match_count(), 0);
    search(&mut v, "thanks");
    press(&mut v, KeyCode::Enter);
    assert_eq!(press(&mut v, KeyCode::Esc), DetailOutcome::Consumed);
    assert_eq!(v.match_count(), 0);
    assert_eq!(press(&mut v, KeyCode::Esc), DetailOutcome::Ignored);
}

#[test]
fn no_match_says_so() {
    let mut v = view();
    search(&mut v, "kubernetes");
    assert!(
        matches!(press(&mut v, KeyCode::Enter), DetailOutcome::Message(m) if m.contains("kubernetes"))
    );
}

#[test]
fn jumping_scrolls_the_match_into_view_and_highlights_it() {
    let mut v = view();
    search(&mut v, "budget");
    press(&mut v, KeyCode::Enter);
    let shown = draw(&v, 40, 3);
    assert!(shown.contains("budget"), "{shown}");
    assert!(shown.contains("1/1"), "{shown}");
    let area = Rect::new(0, 0, 40, 3);
    let mut buf = Buffer::empty(area);
    v.draw(crate::tui::theme::Theme::colored(), area, &mut buf);
    let highlighted = (0..3)
        .flat_map(|y| (0..40).map(move |x| (x, y)))
        .filter(|p| buf[*p].bg == ratatui::style::Color::LightRed)
        .count();
    assert_eq!(highlighted, "budget".len());
}

#[test]
fn rows_show_clock_speaker_and_escaped_text() {
    let v = view();
    let shown = draw(&v, 80, 8);
    assert!(
        shown.contains("00:03 interviewer Tell me about retries."),
        "{shown}"
    );
    assert!(shown.contains("01:05 interviewer Thanks."), "{shown}");
    assert!(shown.contains("1:02:05 candidate"), "{shown}");
    assert!(shown.contains("␛]0;owned␇"), "{shown}");
    assert!(!shown.chars().any(|c| c.is_control() && c != '\n'));
}

#[test]
fn other_vendors_say_they_send_no_transcript() {
    let v: serde_json::Value = serde_json::json!({"EventType": "response.completed"});
    let t = TranscriptView::new(
        ProviderId::BRILLIANT,
        &provider::brilliant::understand(&v).summary,
    );
    assert!(!t.applies());
    assert!(draw(&t, 60, 3).contains("Brilliant sends no transcript."));
    let mut t = t;
    assert_eq!(press(&mut t, KeyCode::Char('/')), DetailOutcome::Ignored);
}

#[test]
fn clocks_read_minutes_and_hours() {
    assert_eq!(clock(0.0), "00:00");
    assert_eq!(clock(65.9), "01:05");
    assert_eq!(clock(3725.0), "1:02:05");
    assert_eq!(clock(-3.0), "00:00");
}
