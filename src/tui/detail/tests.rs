use crossterm::event::{KeyCode, KeyEvent, KeyEventKind};

use super::testing::*;
use super::*;

fn ts_detail() -> Detail {
    let cfg = ts_config();
    let body = compact("talentsprout/interview_completed.json");
    let sig = ts_signature(TS_SECRET, RECEIVED - 5, &body);
    let d = delivery(
        &cfg,
        "/talentsprout",
        &[("x-talentsprout-signature", &sig)],
        &body,
    );
    detail(d, cfg)
}

#[test]
fn tabs_switch_by_digit_tab_and_api() {
    let mut d = ts_detail();
    assert_eq!(d.tab(), Tab::Summary);
    assert_eq!(press(&mut d, KeyCode::Char('4')), DetailOutcome::Consumed);
    assert_eq!(d.tab(), Tab::Verification);
    press(&mut d, KeyCode::Tab);
    assert_eq!(d.tab(), Tab::Headers);
    press(&mut d, KeyCode::BackTab);
    press(&mut d, KeyCode::BackTab);
    assert_eq!(d.tab(), Tab::Changes);
    d.next_tab();
    d.next_tab();
    d.next_tab();
    d.next_tab();
    assert_eq!(d.tab(), Tab::Summary);
    d.prev_tab();
    assert_eq!(d.tab(), Tab::Body);
    d.set_tab(Tab::Transcript);
    assert_eq!(d.tab(), Tab::Transcript);
    // Unknown keys are left to the caller, and so is Esc when nothing is open.
    assert_eq!(press(&mut d, KeyCode::Char('q')), DetailOutcome::Ignored);
    assert_eq!(press(&mut d, KeyCode::Esc), DetailOutcome::Ignored);
    let release = KeyEvent {
        kind: KeyEventKind::Release,
        ..key(KeyCode::Char('1'))
    };
    assert_eq!(
        d.press(&crate::tui::keymap::Keymap::default(), release),
        DetailOutcome::Ignored
    );
    assert_eq!(d.tab(), Tab::Transcript);
}

#[test]
fn digits_go_to_the_field_while_editing() {
    let mut d = ts_detail();
    d.set_tab(Tab::Verification);
    press(&mut d, KeyCode::Char('s'));
    assert!(d.is_editing());
    press(&mut d, KeyCode::Char('2'));
    assert_eq!(d.tab(), Tab::Verification);
    assert_eq!(press(&mut d, KeyCode::Esc), DetailOutcome::Consumed);
    assert!(!d.is_editing());
    assert_eq!(press(&mut d, KeyCode::Esc), DetailOutcome::Ignored);
    // Leaving the tab ends editing.
    press(&mut d, KeyCode::Char('s'));
    d.set_tab(Tab::Body);
    assert!(!d.is_editing());
}

#[test]
fn searching_the_transcript_is_editing() {
    let mut d = ts_detail();
    d.set_tab(Tab::Transcript);
    press(&mut d, KeyCode::Char('/'));
    assert!(d.is_editing());
    assert!(
        d.key_hints(&crate::tui::keymap::Keymap::default())
            .iter()
            .any(|(k, _)| k == "Enter")
    );
    press(&mut d, KeyCode::Esc);
    assert!(!d.is_editing());
}

#[test]
fn key_hints_follow_the_tab() {
    let mut d = ts_detail();
    d.set_tab(Tab::Body);
    assert!(
        d.key_hints(&crate::tui::keymap::Keymap::default())
            .contains(&("p".to_string(), "pretty/raw"))
    );
    d.set_tab(Tab::Headers);
    assert!(
        d.key_hints(&crate::tui::keymap::Keymap::default())
            .contains(&("v".to_string(), "reveal"))
    );
    d.set_tab(Tab::Verification);
    assert!(
        d.key_hints(&crate::tui::keymap::Keymap::default())
            .contains(&("s".to_string(), "edit secret"))
    );
    assert!(
        !d.key_hints(&crate::tui::keymap::Keymap::default())
            .iter()
            .any(|(k, _)| k == "Esc")
    );
}

#[test]
fn tab_bar_dims_tabs_without_content() {
    let cfg = config("");
    let body = compact("clearspeed/result_published.json");
    let d = detail(delivery(&cfg, "/clearspeed", &[], &body), cfg);
    assert!(!d.applies()[1], "Clearspeed has no transcript");
    assert!(!d.applies()[2], "no previous delivery");
    let buf = render(&d, 100, 30);
    let bar = text(&buf).lines().next().unwrap_or_default().to_string();
    let at = bar.find("2 Transcript").expect("tab shown");
    let x = bar[..at].chars().count() as u16;
    assert_eq!(buf[(x, 0)].fg, ratatui::style::Color::DarkGray);
}

#[test]
fn the_configured_secret_is_never_drawn_unless_revealed() {
    let mut d = ts_detail();
    d.set_tab(Tab::Verification);
    let secret = &TS_SECRET[..20];
    for (w, h) in [(100, 40), (60, 15), (250, 50)] {
        let shown = text(&render(&d, w, h));
        assert!(!shown.contains(secret), "{w}x{h}:\n{shown}");
        assert!(shown.contains("•••"), "{shown}");
    }
    // Editing keeps it masked.
    press(&mut d, KeyCode::Char('s'));
    type_text(&mut d, "x");
    assert!(!text(&render(&d, 250, 40)).contains(secret));
    d.press(&crate::tui::keymap::Keymap::default(), ctrl('r'));
    assert!(text(&render(&d, 250, 40)).contains(&format!("{TS_SECRET}x")));
    d.press(&crate::tui::keymap::Keymap::default(), ctrl('r'));
    press(&mut d, KeyCode::Esc);
    assert!(!text(&render(&d, 250, 40)).contains(secret));
    press(&mut d, KeyCode::Char('v'));
    assert!(text(&render(&d, 250, 40)).contains(secret));
    // No other tab shows it either.
    for tab in Tab::ALL {
        d.set_tab(tab);
        for (w, h) in [(100, 40), (250, 60)] {
            if tab != Tab::Verification {
                assert!(!text(&render(&d, w, h)).contains(secret), "{tab:?}");
            }
        }
    }
}

#[test]
fn every_tab_survives_tiny_and_odd_areas() {
    let mut d = ts_detail();
    for tab in Tab::ALL {
        d.set_tab(tab);
        for (w, h) in [(0, 0), (1, 1), (3, 2), (10, 3), (60, 15), (250, 80)] {
            render(&d, w, h);
        }
        // Keys before any frame are fine too.
        for code in [
            KeyCode::Char('G'),
            KeyCode::PageDown,
            KeyCode::Char('j'),
            KeyCode::Enter,
        ] {
            d.press(&crate::tui::keymap::Keymap::default(), key(code));
        }
        render(&d, 60, 15);
    }
    // An area offset inside a bigger buffer draws only inside it.
    let area = ratatui::layout::Rect::new(5, 2, 40, 8);
    let mut buf = ratatui::buffer::Buffer::empty(ratatui::layout::Rect::new(0, 0, 60, 15));
    d.render(crate::tui::theme::Theme::colored(), area, &mut buf);
    assert_eq!(buf[(4, 3)].symbol(), " ");
}
