//! `NO_COLOR`: the theme itself draws without colours, on every screen, the detail's tabs
//! included, and what colour marks (the open tab, the body's cursor, search matches, the
//! vendor's verdict colour) is still marked, by reverse video or bold.

mod common;
mod detail_support;
mod tui_support;

use crossterm::event::{KeyCode, KeyEvent};
use hookscope::tui::AppEvent;
use hookscope::tui::detail::{Detail, Tab};
use hookscope::tui::view::Theme;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};

use common::compact;
use detail_support::{draw_in, find, press, sample, text, ts_completed, type_text, unsigned};

/// Every cell of `buf` in the terminal's own colours.
fn assert_no_colours(buf: &Buffer, what: &str) {
    for (i, cell) in buf.content().iter().enumerate() {
        let (x, y) = buf.pos_of(i);
        assert_eq!(
            (cell.fg, cell.bg),
            (Color::Reset, Color::Reset),
            "{what}: cell ({x}, {y}) {cell:?}\n{}",
            text(buf)
        );
    }
}

/// `d` drawn without colours: no colour anywhere, and the same words as in colour.
fn monochrome(d: &Detail, what: &str, width: u16, height: u16) -> Buffer {
    let plain = draw_in(d, Theme::monochrome(), width, height);
    assert_no_colours(&plain, what);
    let colored = draw_in(d, Theme::colored(), width, height);
    assert_eq!(text(&plain), text(&colored), "{what}");
    assert!(
        colored
            .content()
            .iter()
            .any(|c| c.fg != Color::Reset || c.bg != Color::Reset),
        "{what}: the coloured theme draws colours"
    );
    plain
}

#[test]
fn the_clearspeed_summary_without_colours_keeps_its_verdict_marked() {
    let published = compact("clearspeed/result_published.json");
    let d = unsigned("/clearspeed", &published, Tab::Summary);
    let buf = monochrome(&d, "clearspeed summary", 100, 40);
    // The verdict stands out as the vendor's colour did, and so does the open tab.
    let (x, y) = find(&buf, " HR ");
    assert!(buf[(x + 1, y)].modifier.contains(Modifier::REVERSED));
    let (x, y) = find(&buf, "[1 Summary]");
    assert!(buf[(x, y)].modifier.contains(Modifier::REVERSED));
    insta::assert_snapshot!("no_color_detail_summary_clearspeed", text(&buf));
}

#[test]
fn every_tab_without_colours() {
    for tab in Tab::ALL {
        let d = ts_completed(tab);
        monochrome(&d, tab.title(), 100, 30);
    }
    let partial = sample("clearspeed/Attempted - Partial.json");
    monochrome(
        &unsigned("/clearspeed", &partial, Tab::Summary),
        "partial",
        100,
        40,
    );
    let binary: Vec<u8> = (0u8..=255).collect();
    let mut hex = unsigned("/hooks/other", &binary, Tab::Body);
    press(&mut hex, KeyCode::Char('x'));
    monochrome(&hex, "hex dump", 100, 20);
}

#[test]
fn search_matches_and_the_body_cursor_are_marked_without_colours() {
    let mut d = ts_completed(Tab::Transcript);
    press(&mut d, KeyCode::Char('/'));
    type_text(&mut d, "retries");
    press(&mut d, KeyCode::Enter);
    let buf = monochrome(&d, "transcript search", 100, 12);
    let (x, y) = find(&buf, "retries with");
    let current = buf[(x, y)].modifier;
    assert!(
        current.contains(Modifier::REVERSED | Modifier::UNDERLINED),
        "{current:?}"
    );

    let d = ts_completed(Tab::Body);
    let buf = monochrome(&d, "body", 100, 30);
    // The cursor starts on the first row of the pretty JSON, under the info line.
    assert!(buf[(2, 2)].modifier.contains(Modifier::REVERSED));
    assert!(!buf[(2, 3)].modifier.contains(Modifier::REVERSED));
}

#[test]
fn the_debugger_while_editing_without_colours() {
    let mut d = ts_completed(Tab::Verification);
    press(&mut d, KeyCode::Char('s'));
    type_text(&mut d, "whsec_tried");
    monochrome(&d, "editing the secret", 100, 30);
    press(&mut d, KeyCode::Enter);
    press(&mut d, KeyCode::Char('b'));
    monochrome(&d, "editing the body", 100, 30);
}

/// The whole app, screen by screen: the table, each tab, help, the filter field with its
/// placeholder, the re-send prompt emptied to its placeholder, the body editor and the
/// question before writing the secret.
#[test]
fn every_screen_of_the_app_without_colours() {
    use tui_support::{Screen, all_vendors_all_states, draw, press};
    let screen = Screen::with(&all_vendors_all_states());
    let check = |app: &mut hookscope::tui::Tui, what: &str| {
        for (w, h) in [(80, 24), (200, 50)] {
            let t = draw(app, w, h);
            assert_no_colours(t.backend().buffer(), &format!("{what} at {w}x{h}"));
        }
    };
    let enter = |app: &mut hookscope::tui::Tui| {
        app.update(AppEvent::Key(KeyEvent::from(KeyCode::Enter)));
    };
    let mut app = screen.app(Theme::monochrome());
    check(&mut app, "table");
    press(&mut app, "?");
    check(&mut app, "help");
    press(&mut app, "?/");
    check(&mut app, "empty filter field");
    app.update(AppEvent::Key(KeyEvent::from(KeyCode::Esc)));
    press(&mut app, "g");
    enter(&mut app);
    for tab in ["1", "2", "3", "4", "5", "6"] {
        press(&mut app, tab);
        check(&mut app, &format!("tab {tab}"));
    }
    press(&mut app, "4s");
    press(&mut app, "whsec_tried");
    check(&mut app, "debugger editing");
    enter(&mut app);
    press(&mut app, "w");
    assert!(app.confirm().is_some());
    check(&mut app, "confirm");

    let mut app = screen.app(Theme::monochrome());
    press(&mut app, "gr");
    assert!(app.prompt().is_some());
    app.update(AppEvent::Key(KeyEvent::new(
        KeyCode::Char('u'),
        crossterm::event::KeyModifiers::CONTROL,
    )));
    check(&mut app, "re-send prompt");
    let mut app = screen.app(Theme::monochrome());
    press(&mut app, "ge");
    assert!(app.editor().is_some());
    check(&mut app, "body editor");
}
