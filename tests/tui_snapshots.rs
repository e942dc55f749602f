//! The UI drawn on a `TestBackend` from a real temporary store, compared with reviewed
//! snapshots in `tests/snapshots/`. Ids, times and the time zone are fixed; the one
//! temporary path is replaced before comparing.

mod tui_support;

use crossterm::event::{KeyCode, KeyEvent};
use hookscope::model::ProviderId;
use hookscope::signature::Status;
use hookscope::tui::AppEvent;
use hookscope::tui::view::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Color;
use tui_support::{Screen, all_vendors_all_states, delivery, draw, press, text};

fn assert_no_colors(terminal: &Terminal<TestBackend>) {
    for cell in terminal.backend().buffer().content() {
        assert_eq!(cell.fg, Color::Reset, "{cell:?}");
        assert_eq!(cell.bg, Color::Reset, "{cell:?}");
    }
}

#[test]
fn table_with_all_vendors_in_all_states() {
    let screen = Screen::with(&all_vendors_all_states());
    let mut app = screen.app(Theme::colored());
    let t = draw(&mut app, 120, 35);
    insta::assert_snapshot!(text(&t));
}

#[test]
fn verification_states_have_colours_and_words() {
    let screen = Screen::with(&all_vendors_all_states());
    let mut app = screen.app(Theme::colored());
    let t = draw(&mut app, 120, 35);
    let buffer = t.backend().buffer();
    let find = |word: &str| {
        let s = text(&t);
        let line = s.lines().position(|l| l.contains(word)).unwrap();
        let col = s
            .lines()
            .nth(line)
            .unwrap()
            .trim_matches('"')
            .chars()
            .position(|c| c == word.chars().next().unwrap())
            .unwrap();
        buffer[(col as u16, line as u16)].fg
    };
    assert_eq!(find("✓ verified"), Color::Green);
    assert_eq!(find("✗ failed"), Color::Red);
    assert_eq!(find("? unchecked"), Color::Yellow);
}

#[test]
fn no_color_draws_the_same_words_without_colours() {
    let screen = Screen::with(&all_vendors_all_states());
    let theme = Theme::from_no_color(Some("1".into()));
    assert_eq!(theme, Theme::monochrome());
    assert_eq!(Theme::from_no_color(Some("".into())), Theme::colored());
    let mut app = screen.app(theme);
    let t = draw(&mut app, 120, 35);
    assert_no_colors(&t);
    let mut colored = screen.app(Theme::colored());
    assert_eq!(text(&t), text(&draw(&mut colored, 120, 35)));
    insta::assert_snapshot!(text(&t));
}

#[test]
fn header_shows_routes_counts_store_and_follow() {
    let screen = Screen::with(&all_vendors_all_states());
    let path = screen
        .dir
        .path()
        .join("deliveries.db")
        .display()
        .to_string();
    let mut app = screen.app_with_label(Theme::colored(), path.clone());
    let t = draw(&mut app, 140, 35);
    // The temporary path's length varies, and with it the padding after it.
    let header: Vec<String> = text(&t)
        .replace(&path, "[STORE]")
        .lines()
        .take(5)
        .map(|l| l.trim_matches('"').trim_end().to_string())
        .collect();
    let header = header.join("\n");
    insta::assert_snapshot!(header);
    press(&mut app, "k");
    let t = draw(&mut app, 140, 35);
    assert!(text(&t).lines().next().unwrap().contains("follow off"));
}

#[test]
fn help_lists_every_group() {
    let screen = Screen::with(&all_vendors_all_states());
    let mut app = screen.app(Theme::colored());
    press(&mut app, "?");
    let t = draw(&mut app, 100, 60);
    let s = text(&t);
    for group in ["Navigation", "Detail", "Actions", "Filter", "General"] {
        assert!(s.contains(group), "{group}");
    }
    insta::assert_snapshot!(s);
}

#[test]
fn filter_input_shows_what_it_matches() {
    let screen = Screen::with(&all_vendors_all_states());
    let mut app = screen.app(Theme::colored());
    press(&mut app, "/classet failed");
    // The first frame starts the search; the rows stay as they were until it ends.
    let t = draw(&mut app, 120, 35);
    insta::assert_snapshot!("filter_input_while_searching", text(&t));
    app.finish_filtering();
    let t = draw(&mut app, 120, 35);
    insta::assert_snapshot!(text(&t));
}

#[test]
fn empty_store_says_how_to_start() {
    let screen = Screen::with(&[]);
    let mut app = screen.app(Theme::colored());
    let t = draw(&mut app, 80, 24);
    insta::assert_snapshot!(text(&t));
}

#[test]
fn narrow_terminal_drops_columns() {
    let screen = Screen::with(&all_vendors_all_states());
    let mut app = screen.app(Theme::colored());
    let t = draw(&mut app, 60, 15);
    insta::assert_snapshot!(text(&t));
}

#[test]
fn wide_terminal_shows_every_column() {
    let screen = Screen::with(&all_vendors_all_states());
    let mut app = screen.app(Theme::colored());
    let t = draw(&mut app, 250, 30);
    insta::assert_snapshot!(text(&t));
}

#[test]
fn hostile_subject_is_drawn_as_visible_text() {
    let hostile = "cand\u{1b}]0;pwned\u{7}\u{1b}[2J\u{9b}31m\u{202e}evil\r\nx";
    let mut d = delivery(
        1,
        ProviderId::CLASSET,
        "call\u{1b}[31m_completed",
        hostile,
        Status::Verified,
    );
    d.id = "0193a5b0-0000-7000-8000-00000000\u{1b}[1m".into();
    let screen = Screen::with(&[d]);
    let mut app = screen.app(Theme::colored());
    let t = draw(&mut app, 250, 12);
    for cell in t.backend().buffer().content() {
        assert!(
            !cell.symbol().chars().any(|c| c.is_control()),
            "control character drawn: {:?}",
            cell.symbol()
        );
    }
    let s = text(&t);
    assert!(s.contains("cand␛]0;pwned␇␛[2J"), "{s}");
    insta::assert_snapshot!(s);
    // The detail's tab bar names the delivery too.
    app.update(AppEvent::Key(KeyEvent::from(KeyCode::Enter)));
    let t = draw(&mut app, 250, 12);
    assert!(
        !t.backend()
            .buffer()
            .content()
            .iter()
            .any(|c| c.symbol().chars().any(char::is_control))
    );
}

/// Failed rows at the size a terminal opens with: each says why, and the key bar starts
/// with `? help`.
#[test]
fn table_at_80x24_says_why_deliveries_failed() {
    let screen = Screen::with(&all_vendors_all_states());
    let mut app = screen.app(Theme::colored());
    press(&mut app, "kkkkkkkk");
    let t = draw(&mut app, 80, 24);
    let s = text(&t);
    assert!(s.contains("wrong_secret"), "{s}");
    assert!(s.contains("timestamp_outsi"), "{s}");
    let bar = s.lines().rev().find(|l| l.contains("help")).unwrap();
    assert!(bar.trim_matches('"').starts_with("? help"), "{bar}");
    insta::assert_snapshot!(s);
}

#[test]
fn table_at_200x50() {
    let screen = Screen::with(&all_vendors_all_states());
    let mut app = screen.app(Theme::colored());
    let t = draw(&mut app, 200, 50);
    insta::assert_snapshot!(text(&t));
}

/// A long message is wrapped under the key bar, never cut without a sign.
#[test]
fn a_long_message_wraps_at_80_columns() {
    let screen = Screen::with(&all_vendors_all_states());
    let mut app = screen.app(Theme::colored());
    let long = "Re-sent 0193a5b0-0000 to http://127.0.0.1:8787/clearspeed: 204 No Content in \
                4 ms (not acknowledged: this vendor counts only HTTP 200); t= refreshed, as \
                the original's would fail the 300 s tolerance check";
    app.update(AppEvent::Notice(long.into()));
    let t = draw(&mut app, 80, 24);
    let s = text(&t);
    assert!(s.contains("tolerance check"), "{s}");
    insta::assert_snapshot!(s);
}

/// Every Clearspeed callback is a `Result Update`: its status shows beside it, and a
/// quoted status finds it.
#[test]
fn clearspeed_rows_show_their_status_and_filter_by_it() {
    let mut review = delivery(
        1,
        ProviderId::CLEARSPEED,
        "Result Update",
        "5520173846201",
        Status::Verified,
    );
    let body = r#"{"callback_type":"Result Update","status":"Under Review","interview_ref_num":"5520173846201"}"#;
    review.request.body = body.as_bytes().to_vec().into();
    review.request.body_bytes = body.len() as u64;
    let mut published = review.clone();
    published.id = "0193a5b0-0000-7000-8000-000000000002".into();
    let body = body.replace("Under Review", "Result Published");
    published.request.body = body.clone().into_bytes().into();
    published.request.body_bytes = body.len() as u64;
    let screen = Screen::with(&[review, published]);
    let mut app = screen.app(Theme::colored());
    let s = text(&draw(&mut app, 100, 24));
    assert!(s.contains("Result Update · Under Review"), "{s}");
    assert!(s.contains("Result Update · Result Published"), "{s}");
    app.set_filter("\"Under Review\"");
    app.finish_filtering();
    let s = text(&draw(&mut app, 80, 24));
    assert!(
        s.contains("Under Review") && !s.contains("Result Published"),
        "{s}"
    );
    assert_eq!(app.list().total(), 1);
}

/// With `--forward-to`: the header says where deliveries go, the table shows the app's
/// status beside ours, and the detail what the app answered and what the vendor makes
/// of it.
#[test]
fn forwarding_is_in_view_in_the_header_table_and_detail() {
    let mut d = delivery(
        1,
        ProviderId::CLEARSPEED,
        "Result Update",
        "5520173846201",
        Status::Verified,
    );
    d.forward = Some(hookscope::model::Forward {
        url: "http://127.0.0.1:3000/clearspeed".into(),
        status: Some(204),
        latency_ms: 12,
        error: None,
        body: String::new(),
        warnings: vec![
            "Clearspeed counts only HTTP 200 as delivered: your app answered 204; it does \
             not retry (failed payloads wait 15 days for a manual retry)."
                .into(),
        ],
    });
    let mut down = delivery(
        2,
        ProviderId::CLASSET,
        "call_completed",
        "cand_1",
        Status::Verified,
    );
    down.forward = Some(hookscope::model::Forward {
        url: "http://127.0.0.1:3000/classet".into(),
        status: None,
        latency_ms: 3,
        error: Some("connection refused".into()),
        body: String::new(),
        warnings: vec![
            "Your app did not answer; Classet would count the delivery as failed.".into(),
        ],
    });
    let screen = Screen::with(&[d, down]);
    let mut app = screen.app_forwarding(Theme::colored(), "http://127.0.0.1:3000");
    let s = text(&draw(&mut app, 80, 24));
    assert!(s.contains("→ app http://127.0.0.1:3000"), "{s}");
    assert!(s.contains("200→204") && s.contains("200→✗"), "{s}");
    insta::assert_snapshot!("forwarding_table_80x24", s);
    press(&mut app, "k");
    app.update(AppEvent::Key(KeyEvent::from(KeyCode::Enter)));
    let s = text(&draw(&mut app, 80, 24));
    assert!(s.contains("204 No Content in 12 ms"), "{s}");
    assert!(s.contains("counts only HTTP 200"), "{s}");
    insta::assert_snapshot!("forwarding_detail_80x24", s);
    let s = text(&draw(&mut app, 200, 50));
    insta::assert_snapshot!("forwarding_detail_200x50", s);
}

/// `NO_COLOR` holds in the detail too: its tabs, verdicts and warnings keep their words.
#[test]
fn no_color_holds_in_the_detail() {
    let screen = Screen::with(&all_vendors_all_states());
    let mut app = screen.app(Theme::monochrome());
    press(&mut app, "kkkkkkkkkkkkk");
    app.update(AppEvent::Key(KeyEvent::from(KeyCode::Enter)));
    for tab in ["1", "4", "6"] {
        press(&mut app, tab);
        let t = draw(&mut app, 100, 30);
        assert_no_colors(&t);
        assert!(text(&t).contains("failed"), "{}", text(&t));
    }
}

/// `?` lists the keys of the view it was opened from first: a tab's own keys, then the
/// detail's, then the rest.
#[test]
fn help_starts_with_the_keys_of_the_current_view() {
    let screen = Screen::with(&all_vendors_all_states());
    let mut app = screen.app(Theme::colored());
    press(&mut app, "?");
    let s = text(&draw(&mut app, 80, 24));
    let first = s
        .lines()
        .find(|l| l.contains("│") && l.chars().any(char::is_alphabetic));
    assert!(first.is_some_and(|l| l.contains("Navigation")), "{s}");
    insta::assert_snapshot!("help_table_80x24", s);
    press(&mut app, "?");
    app.update(AppEvent::Key(KeyEvent::from(KeyCode::Enter)));
    press(&mut app, "4?");
    let s = text(&draw(&mut app, 80, 24));
    let verification = s.find("Verification tab").expect("the tab's section");
    let detail = s.find("Detail").unwrap_or(usize::MAX);
    assert!(verification < detail, "{s}");
    for key in ["Edit the secret", "Edit the body", "Reset the secret"] {
        assert!(s.contains(key), "{key}: {s}");
    }
    insta::assert_snapshot!("help_verification_80x24", s);
    insta::assert_snapshot!("help_verification_200x50", text(&draw(&mut app, 200, 50)));
    press(&mut app, "q");
    assert!(
        app.help_scroll().is_none() && app.detail().is_some(),
        "q closes the help"
    );
    press(&mut app, "q");
    assert!(app.detail().is_none(), "q in the detail goes back");
}

/// hookscope's own configured answer, when it breaks a vendor's rule, is flagged in the
/// header at 80 columns and explained in the delivery's summary.
#[test]
fn a_configured_answer_that_breaks_a_vendor_rule_is_flagged() {
    let config = hookscope::config::Config::from_parts(
        "[providers.clearspeed.response]\nstatus = 204\n\
         [providers.talentsprout.response]\ndelay_ms = 45000\n",
        None,
        &[],
    )
    .unwrap();
    let screen = Screen::with(&all_vendors_all_states());
    let mut app = screen.app_configured(config);
    let wide = text(&draw(&mut app, 200, 50));
    assert!(
        wide.contains("⚠ answer breaks talentsprout, clearspeed's rule"),
        "{wide}"
    );
    assert!(text(&draw(&mut app, 80, 24)).contains("⚠ answer"));
    let mut plain = screen.app(Theme::colored());
    assert!(!text(&draw(&mut plain, 200, 50)).contains("⚠"));
}
