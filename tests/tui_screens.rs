//! Every screen of the UI at the size a terminal opens with (80×24) and at a wide one
//! (200×50), drawn on a `TestBackend` from a real temporary store: the table, each tab of
//! the detail, help, the filter field, the re-send prompt and body editor, the signature
//! debugger while the secret is edited, the question before writing it, and an empty
//! store. Ids, times and the time zone are fixed.

mod tui_support;

use std::path::PathBuf;

use crossterm::event::{KeyCode, KeyEvent};
use hookscope::config_file::Target;
use hookscope::tui::view::Theme;
use hookscope::tui::{AppEvent, Tui};
use tui_support::{Screen, all_vendors_all_states, draw, press, text};

const SIZES: [(u16, u16); 2] = [(80, 24), (200, 50)];

fn key(app: &mut Tui, code: KeyCode) {
    app.update(AppEvent::Key(KeyEvent::from(code)));
}

/// Snapshots `app` at both sizes, as `screen_<name>_<w>x<h>`.
fn snap(name: &str, app: &mut Tui) {
    for (w, h) in SIZES {
        let t = draw(app, w, h);
        insta::assert_snapshot!(format!("screen_{name}_{w}x{h}"), text(&t));
    }
}

fn app(screen: &Screen) -> Tui {
    screen.app(Theme::colored()).with_settings_file(Target {
        path: PathBuf::from("/home/ada/.config/hookscope/hookscope.toml"),
        exists: true,
    })
}

/// The app with the top delivery (a Classet one) open on tab `digit`.
fn detail(screen: &Screen, digit: char) -> Tui {
    let mut app = app(screen);
    draw(&mut app, 80, 24);
    press(&mut app, "g");
    key(&mut app, KeyCode::Enter);
    press(&mut app, &digit.to_string());
    app
}

#[test]
fn the_table() {
    let screen = Screen::with(&all_vendors_all_states());
    snap("table", &mut app(&screen));
}

#[test]
fn an_empty_store() {
    let screen = Screen::with(&[]);
    snap("empty", &mut app(&screen));
}

#[test]
fn each_tab_of_the_detail() {
    let screen = Screen::with(&all_vendors_all_states());
    for (digit, name) in [
        ('1', "summary"),
        ('2', "transcript"),
        ('3', "changes"),
        ('4', "verification"),
        ('5', "headers"),
        ('6', "body"),
    ] {
        let mut app = detail(&screen, digit);
        assert!(app.detail().is_some());
        snap(&format!("detail_{name}"), &mut app);
    }
}

#[test]
fn help_over_the_table_and_over_the_detail() {
    let screen = Screen::with(&all_vendors_all_states());
    let mut app = app(&screen);
    press(&mut app, "?");
    snap("help_table", &mut app);
    let mut app = detail(&screen, '6');
    press(&mut app, "?");
    snap("help_body_tab", &mut app);
}

#[test]
fn the_filter_field() {
    let screen = Screen::with(&all_vendors_all_states());
    let mut app = app(&screen);
    press(&mut app, "/classet -verified");
    draw(&mut app, 80, 24);
    app.finish_filtering();
    snap("filter", &mut app);
}

#[test]
fn the_re_send_prompt_and_the_body_editor() {
    let screen = Screen::with(&all_vendors_all_states());
    let mut app = app(&screen);
    press(&mut app, "gr");
    assert!(app.prompt().is_some());
    snap("resend_prompt", &mut app);
    let mut app = at_top(&screen);
    press(&mut app, "e");
    assert!(app.editor().is_some());
    snap("body_editor", &mut app);
}

/// The app with the top delivery selected.
fn at_top(screen: &Screen) -> Tui {
    let mut app = app(screen);
    draw(&mut app, 80, 24);
    press(&mut app, "g");
    app
}

#[test]
fn the_debugger_editing_the_secret_then_the_question_before_writing_it() {
    let screen = Screen::with(&all_vendors_all_states());
    let mut app = detail(&screen, '4');
    press(&mut app, "s");
    press(&mut app, "whsec_tried");
    snap("debugger_editing_secret", &mut app);
    key(&mut app, KeyCode::Enter);
    press(&mut app, "w");
    let confirm = app.confirm().expect("the question");
    assert!(
        confirm.lines.iter().all(|l| !l.contains("whsec_tried")),
        "{confirm:?}"
    );
    snap("confirm_write_secret", &mut app);
}
