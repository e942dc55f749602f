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

/// A scheme of the user's own (`[schemes.acme]`) is listed with the vendors: first in
/// the header, so it shows at 80 columns, and with its full URL in the help. One without
/// a route (found by its header only) has no route to list.
#[test]
fn configured_scheme_routes_are_listed_in_the_header_and_the_help() {
    let screen = Screen::with(&all_vendors_all_states());
    let config = hookscope::config::Config::from_parts(
        "[schemes.acme]\nroute = \"/acme\"\nheader = \"X-Acme-Signature\"\n\
         [schemes.beta]\nheader = \"X-Beta-Signature\"\n",
        None,
        &[],
    )
    .expect("config parses");
    let mut app = screen.app_configured(config);
    let narrow = text(&draw(&mut app, 80, 24));
    // Lines are drawn quoted, with the rest of the row in spaces.
    let routes = header(&narrow)[1].trim_matches('"').trim_end();
    assert!(routes.starts_with("routes /acme /talentsprout"), "{narrow}");
    assert!(routes.ends_with("… (? for all)"), "{narrow}");
    let wide = text(&draw(&mut app, 250, 24));
    let routes = header(&wide)[1].trim_matches('"').trim_end();
    for path in [
        "/acme",
        "/talentsprout",
        "/classet",
        "/clearspeed",
        "/twilio",
    ] {
        assert!(routes.contains(path), "{path}: {wide}");
    }
    assert!(!routes.contains('…'), "{wide}");
    app.update(AppEvent::Key(crossterm::event::KeyEvent::from(
        crossterm::event::KeyCode::Char('?'),
    )));
    let help = text(&draw(&mut app, 100, 200));
    assert!(
        help.lines()
            .any(|l| l.contains(" acme ") && l.contains("http://127.0.0.1:8787/acme")),
        "{help}"
    );
    assert!(
        help.contains("http://127.0.0.1:8787/talentsprout"),
        "{help}"
    );
    assert!(!help.contains("beta"), "{help}");
}
