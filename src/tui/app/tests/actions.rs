use super::*;

#[test]
fn ctrl_c_quits_from_anywhere() {
    let f = mixed();
    let mut app = f.app();
    apply(&mut app, [ch('/'), ch('a')]);
    assert_eq!(app.update(ctrl_c()), vec![Command::Quit], "while typing");
    let mut app = f.app();
    apply(&mut app, [ch('?')]);
    assert_eq!(app.update(ctrl_c()), vec![Command::Quit], "in help");
    let mut app = f.app();
    apply(&mut app, [key(KeyCode::Enter)]);
    assert!(app.detail().is_some());
    assert_eq!(app.update(ctrl_c()), vec![Command::Quit], "in the detail");
}

#[test]
fn esc_closes_the_detail_then_clears_the_filter() {
    let f = mixed();
    let mut app = f.app();
    apply(
        &mut app,
        [
            ch('/'),
            ch('c'),
            ch('l'),
            ch('a'),
            ch('s'),
            ch('s'),
            ch('e'),
            ch('t'),
        ],
    );
    apply(&mut app, [key(KeyCode::Enter)]);
    assert_eq!(app.list().total(), 3);
    apply(&mut app, [key(KeyCode::Enter)]);
    assert!(app.detail().is_some());
    apply(&mut app, [key(KeyCode::Esc)]);
    assert!(app.detail().is_none());
    assert!(
        app.filter().is_active(),
        "the first Esc only closes the detail"
    );
    apply(&mut app, [key(KeyCode::Esc)]);
    assert!(!app.filter().is_active());
    assert_eq!(app.list().total(), 5);
}

#[test]
fn enter_opens_the_detail_and_tabs_switch() {
    let f = mixed();
    let mut app = f.app();
    apply(&mut app, [ch('k'), key(KeyCode::Enter)]);
    let d = app.detail().expect("open");
    assert_eq!(d.delivery().findings.subject.as_deref(), Some("cand_789"));
    assert_eq!(d.tab(), Tab::Summary);
    apply(&mut app, [key(KeyCode::Tab)]);
    assert_eq!(app.detail().unwrap().tab(), Tab::Transcript);
    apply(&mut app, [key(KeyCode::BackTab), key(KeyCode::BackTab)]);
    assert_eq!(app.detail().unwrap().tab(), Tab::Body);
    apply(&mut app, [ch('4')]);
    assert_eq!(app.detail().unwrap().tab(), Tab::Verification);
    apply(&mut app, [ch('j')]);
    assert_eq!(
        app.list().selected(),
        Some(3),
        "the table stays put under the detail"
    );
}

#[test]
fn copies_are_commands_with_the_exact_text() {
    let f = mixed();
    let mut app = f.app();
    let commands = apply(&mut app, [ch('Y')]);
    let [Command::Copy(c)] = commands.as_slice() else {
        panic!("{commands:?}");
    };
    assert_eq!(c.what, CopyWhat::Curl);
    assert!(
        c.text
            .starts_with("curl -X 'POST' \\\n  'http://127.0.0.1:8787/brilliant'"),
        "{}",
        c.text
    );
    assert!(c.text.contains("-H 'x-note: O'\\''Brien'"), "{}", c.text);
    assert!(c.text.contains("\"note\":\"it'\\''s\"}'"), "{}", c.text);

    let commands = apply(&mut app, [ch('y')]);
    let [Command::Copy(c)] = commands.as_slice() else {
        panic!("{commands:?}");
    };
    assert_eq!(
        c.text,
        "{\"n\":5,\"candidate\":\"cand_1234\",\"note\":\"it's\"}"
    );

    apply(&mut app, [key(KeyCode::Enter)]);
    let commands = apply(&mut app, [ch('c')]);
    let [Command::Copy(c)] = commands.as_slice() else {
        panic!("{commands:?}");
    };
    assert_eq!(c.text, "content-type: application/json\nx-note: O'Brien\n");
}

#[test]
fn the_footer_says_how_a_copy_went() {
    let f = mixed();
    let mut app = f.app();
    app.update(AppEvent::Copied {
        what: CopyWhat::Body,
        bytes: 2150,
        notes: vec![],
        result: Ok(CopyMethod::Osc52),
    });
    let m = app.message().unwrap();
    assert_eq!(
        m.text,
        "Copied the body (2.1 KiB) to the clipboard (OSC 52)"
    );
    assert!(!m.error);
    app.update(AppEvent::Copied {
        what: CopyWhat::Headers,
        bytes: 1,
        notes: vec![],
        result: Err("no terminal".into()),
    });
    assert!(app.message().unwrap().error);
}

#[test]
fn nothing_to_copy_or_open_in_an_empty_store() {
    let f = Fixture::new();
    let mut app = f.app();
    assert!(apply(&mut app, [ch('y'), ch('Y'), ch('c'), key(KeyCode::Enter)]).is_empty());
    assert!(app.detail().is_none());
    apply(
        &mut app,
        [ch('k'), ch('j'), ch('g'), ch('G'), key(KeyCode::PageUp)],
    );
    assert_eq!(app.list().selected(), None);
}

#[test]
fn help_opens_scrolls_and_closes() {
    let f = mixed();
    let mut app = f.app();
    apply(&mut app, [ch('?')]);
    assert_eq!(app.help_scroll(), Some(0));
    apply(&mut app, [ch('j'), ch('j')]);
    assert_eq!(app.help_scroll(), Some(2));
    apply(&mut app, [ch('g')]);
    assert_eq!(app.help_scroll(), Some(0));
    assert_eq!(
        app.list().selected(),
        Some(4),
        "keys do not reach the table"
    );
    apply(&mut app, [key(KeyCode::Esc)]);
    assert_eq!(app.help_scroll(), None);
    apply(&mut app, [ch('?')]);
    assert!(apply(&mut app, [ch('q')]).is_empty(), "q closes the help");
    assert_eq!(app.help_scroll(), None);
    assert_eq!(apply(&mut app, [ch('q')]), vec![Command::Quit]);
}

#[test]
fn clicking_a_tab_title_shows_it() {
    let f = mixed();
    let mut app = f.app();
    apply(&mut app, [key(KeyCode::Enter)]);
    let tabs = app.areas(app.area()).main;
    // "[1 Summary] 2 Transcript  3 Changes ": the third title starts at 25.
    apply(
        &mut app,
        [mouse(
            MouseEventKind::Down(MouseButton::Left),
            tabs.x + 30,
            tabs.y,
        )],
    );
    assert_eq!(app.detail().unwrap().tab(), Tab::Changes);
}

#[test]
fn reserved_keys_do_nothing_yet() {
    let f = mixed();
    let mut app = f.app();
    assert!(apply(&mut app, [ch('r'), ch('e')]).is_empty());
    assert!(app.detail().is_none() && app.message().is_none());
}

#[test]
fn messages_expire_after_a_few_ticks_errors_later() {
    let f = mixed();
    let mut app = f.app();
    app.update(AppEvent::Notice("hello".into()));
    for _ in 0..4 {
        app.update(AppEvent::Tick);
    }
    assert_eq!(app.message().map(|m| m.text).as_deref(), Some("hello"));
    app.update(AppEvent::Tick);
    assert!(app.message().is_none(), "gone after five seconds");
    // An error asks for something: it stays twice as long.
    app.update(AppEvent::Copied {
        what: CopyWhat::Body,
        bytes: 0,
        notes: Vec::new(),
        result: Err("no clipboard".into()),
    });
    for _ in 0..9 {
        app.update(AppEvent::Tick);
    }
    assert!(app.message().is_some_and(|m| m.error));
    app.update(AppEvent::Tick);
    assert!(app.message().is_none());
    app.update(AppEvent::Notice("again".into()));
    app.update(AppEvent::Tick);
    app.update(AppEvent::Notice("newer".into()));
    for _ in 0..4 {
        app.update(AppEvent::Tick);
    }
    assert_eq!(
        app.message().map(|m| m.text).as_deref(),
        Some("newer"),
        "a new message starts its own time"
    );
}

#[test]
fn rows_another_process_wrote_appear_at_the_next_tick() {
    let mut f = mixed();
    let mut app = f.app();
    app.update(AppEvent::Tick);
    app.refresh();
    assert_eq!(app.list().total(), 5);
    // Committed by another connection with no event for the app, as an import or a
    // second receiver on the same file would.
    let d = f.build(ProviderId::CLASSET, Status::Verified, "cand_other");
    f.store.insert(&d);
    app.refresh();
    assert_eq!(app.list().total(), 5, "nothing said so yet");
    app.update(AppEvent::Tick);
    app.refresh();
    assert_eq!(app.list().total(), 6);
}

#[test]
fn a_forward_announced_after_the_row_was_read_reaches_the_row() {
    let mut f = mixed();
    let mut app = f.app();
    let d = f.add(ProviderId::CLEARSPEED, Status::Verified, "5520");
    app.update(AppEvent::Tick);
    app.refresh();
    let last = app.list().total() - 1;
    assert!(!app.list().row(last).unwrap().forwarded);
    let mut announced = (*d).clone();
    announced.forward = Some(crate::model::Forward {
        url: "http://127.0.0.1:3000/clearspeed".into(),
        status: Some(204),
        latency_ms: 5,
        error: None,
        body: String::new(),
        warnings: Vec::new(),
    });
    apply(&mut app, [AppEvent::Delivery(Arc::new(announced))]);
    let row = app.list().row(last).unwrap();
    assert!(row.forwarded);
    assert_eq!(row.app_status, Some(204));
}

#[test]
fn a_store_file_deleted_or_replaced_is_known_at_the_next_tick() {
    let f = mixed();
    let mut app = f.app();
    assert!(!app.store_gone());
    f.store.lose_file();
    app.update(AppEvent::Tick);
    assert!(app.store_gone());
}

#[test]
fn a_key_on_a_row_with_no_room_on_screen_reads_that_row() {
    let f = mixed();
    let mut app = f.app();
    app.update(AppEvent::Resize(0, 0));
    apply(&mut app, [key(KeyCode::Enter)]);
    let d = app.detail().expect("open");
    assert_eq!(d.delivery().findings.subject.as_deref(), Some("cand_1234"));
}

#[test]
fn deliveries_answered_and_not_filed_yet_are_counted_beside_the_tally() {
    let f = mixed();
    let mut app = f.app();
    assert_eq!(app.app().filing(), 0);
    f.store.set_filing(12_345);
    app.update(AppEvent::Tick);
    assert_eq!(app.app().filing(), 12_345);
    for (w, h) in [(80, 24), (200, 50)] {
        let mut terminal =
            ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).unwrap();
        terminal
            .draw(|frame| crate::tui::view::render(app.app(), frame))
            .unwrap();
        let buf = terminal.backend().buffer();
        let header: String = (0..w)
            .map(|x| buf[(x, 0)].symbol().to_string())
            .collect::<String>()
            + "\n"
            + &(0..w)
                .map(|x| buf[(x, 1)].symbol().to_string())
                .collect::<String>();
        insta::assert_snapshot!(format!("header_filing_{w}x{h}"), header.trim_end());
    }
    f.store.set_filing(0);
    app.update(AppEvent::Tick);
    assert_eq!(app.app().filing(), 0);
}
