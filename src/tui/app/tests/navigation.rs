use super::*;

#[test]
fn history_is_loaded_at_start_with_the_last_row_selected() {
    let mut f = Fixture::new();
    f.many(5);
    let app = f.app();
    assert_eq!(app.list().total(), 5);
    assert_eq!(app.tally().verified, 5);
    assert_eq!(app.list().selected(), Some(4));
    assert!(app.list().follow());
}

#[test]
fn j_k_g_and_pages_move_the_selection() {
    let mut f = Fixture::new();
    f.many(60);
    let mut app = f.app();
    let page = u64::from(app.table_height());
    assert!(page > 5, "{page}");
    apply(&mut app, [ch('k'), ch('k')]);
    assert_eq!(app.list().selected(), Some(57));
    apply(&mut app, [ch('j')]);
    assert_eq!(app.list().selected(), Some(58));
    apply(&mut app, [ch('g')]);
    assert_eq!(app.list().selected(), Some(0));
    apply(&mut app, [key(KeyCode::PageDown)]);
    assert_eq!(app.list().selected(), Some(page));
    apply(&mut app, [key(KeyCode::PageUp)]);
    assert_eq!(app.list().selected(), Some(0));
    apply(
        &mut app,
        [key(KeyCode::Down), key(KeyCode::Down), key(KeyCode::Up)],
    );
    assert_eq!(app.list().selected(), Some(1));
    apply(&mut app, [key(KeyCode::End)]);
    assert_eq!(app.list().selected(), Some(59));
    apply(&mut app, [key(KeyCode::Home)]);
    assert_eq!(app.list().selected(), Some(0));
    apply(&mut app, [ch('G')]);
    assert_eq!(app.list().selected(), Some(59));
}

#[test]
fn following_selects_each_new_delivery_until_the_user_moves_up() {
    let mut f = Fixture::new();
    f.many(3);
    let mut app = f.app();
    let d = f.add(ProviderId::CLASSET, Status::Failed, "cand_9");
    apply(&mut app, [AppEvent::Delivery(d)]);
    assert_eq!(app.list().selected(), Some(3), "follows the new row");
    assert_eq!(app.tally().failed, 1);

    apply(&mut app, [ch('k')]);
    assert!(!app.list().follow());
    let d = f.add(ProviderId::CLASSET, Status::Verified, "cand_10");
    apply(&mut app, [AppEvent::Delivery(d)]);
    assert_eq!(app.list().total(), 5);
    assert_eq!(
        app.list().selected(),
        Some(2),
        "paused: the selection stays"
    );

    apply(&mut app, [ch('G')]);
    assert!(app.list().follow());
    let d = f.add(ProviderId::BRILLIANT, Status::Unsigned, "r1");
    apply(&mut app, [AppEvent::Delivery(d)]);
    assert_eq!(app.list().selected(), Some(5));
}

#[test]
fn a_burst_of_deliveries_is_counted_once() {
    let mut f = Fixture::new();
    let mut app = f.app();
    let events: Vec<AppEvent> = (0..200)
        .map(|i| {
            AppEvent::Delivery(f.add(ProviderId::JOBMOJITO, Status::Unchecked, &format!("j{i}")))
        })
        .collect();
    for e in events {
        assert!(app.update(e).is_empty());
    }
    assert_eq!(app.list().total(), 0, "nothing is read before the refresh");
    app.refresh();
    assert_eq!(app.list().total(), 200);
    assert_eq!(app.tally().unchecked, 200);
}

#[test]
fn only_the_rows_around_the_viewport_are_held() {
    let mut f = Fixture::new();
    f.many(600);
    let mut app = f.app();
    let bound = usize::from(app.table_height()) + 2 * crate::tui::list::CACHE_MARGIN as usize;
    assert!(app.list().cached() <= bound, "{}", app.list().cached());
    apply(&mut app, [ch('g')]);
    assert!(app.list().cached() <= bound);
    assert_eq!(
        app.list().row(0).map(|r| r.findings.subject.as_deref()),
        Some(Some("s0"))
    );
    for _ in 0..20 {
        app.update(key(KeyCode::PageDown));
    }
    app.refresh();
    let selected = app.list().selected().unwrap();
    assert!(app.list().row(selected).is_some());
    assert!(app.list().cached() <= bound);
}

#[test]
fn clicking_selects_then_opens_and_the_wheel_scrolls() {
    let mut f = Fixture::new();
    f.many(10);
    let mut app = f.app();
    let body = app.areas(app.area()).body;
    let click = |row| mouse(MouseEventKind::Down(MouseButton::Left), 5, body.y + row);
    apply(&mut app, [click(2)]);
    assert_eq!(app.list().selected(), Some(2));
    assert!(!app.list().follow());
    assert!(app.detail().is_none());
    apply(&mut app, [click(2)]);
    assert_eq!(
        app.detail().unwrap().delivery().findings.subject.as_deref(),
        Some("s2")
    );
    apply(&mut app, [key(KeyCode::Esc)]);
    apply(&mut app, [click(40)]);
    assert_eq!(
        app.list().selected(),
        Some(2),
        "below the last row: nothing"
    );
    apply(&mut app, [mouse(MouseEventKind::ScrollDown, 5, body.y)]);
    assert_eq!(app.list().selected(), Some(5));
    apply(&mut app, [mouse(MouseEventKind::ScrollUp, 5, body.y)]);
    assert_eq!(app.list().selected(), Some(2));
}
