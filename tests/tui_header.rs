//! The header at an ordinary terminal's sizes: two lines whatever the number of vendors,
//! and a store file deleted or replaced under a receiver said there, not only in the
//! footer.

mod tui_support;

use hookscope::tui::AppEvent;
use hookscope::tui::view::Theme;
use tui_support::{Screen, all_vendors_all_states, draw, text};

fn header(screen: &str) -> Vec<&str> {
    screen.lines().take(2).collect()
}

#[test]
fn the_header_is_two_lines_at_80_and_120_columns() {
    let screen = Screen::with(&all_vendors_all_states());
    for width in [80, 120] {
        let mut app = screen.app(Theme::monochrome());
        let shown = text(&draw(&mut app, width, 24));
        let lines: Vec<&str> = shown.lines().collect();
        assert!(lines[0].contains("http://127.0.0.1:8787"), "{shown}");
        assert!(lines[1].contains("routes /talentsprout"), "{shown}");
        assert!(lines[1].contains("… (? for all)"), "{shown}");
        assert!(lines[2].contains("─ Deliveries"), "{shown}");
    }
}

#[test]
fn a_store_file_deleted_or_replaced_is_said_in_the_header() {
    let screen = Screen::with(&all_vendors_all_states());
    let mut app = screen.app(Theme::monochrome());
    let before = text(&draw(&mut app, 120, 24));
    assert!(!before.contains("store file"), "{before}");
    let path = screen.dir.path().join("deliveries.db");
    std::fs::rename(&path, screen.dir.path().join("moved.db")).unwrap();
    std::fs::write(&path, b"").unwrap();
    app.update(AppEvent::Tick);
    let after = text(&draw(&mut app, 120, 24));
    assert!(
        header(&after)[0].contains("store file deleted or replaced: deliveries refused (503)"),
        "{after}"
    );
    let narrow = text(&draw(&mut app, 80, 24));
    assert!(header(&narrow)[0].contains("store gone"), "{narrow}");
}
