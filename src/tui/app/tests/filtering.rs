use super::*;
use crate::tui::matcher::Search;

#[test]
fn filters_count_in_the_store() {
    let f = mixed();
    let mut app = f.app();
    app.set_filter("classet failed");
    app.finish_filtering();
    assert_eq!(app.filter().filter().providers, vec![ProviderId::CLASSET]);
    assert_eq!(app.filter().filter().statuses, vec![Status::Failed]);
    assert_eq!(app.list().total(), 2);

    app.set_filter("cand_123");
    app.finish_filtering();
    assert_eq!(app.filter().filter().text, vec!["cand_123".to_string()]);
    assert_eq!(app.list().total(), 2, "cand_123 and cand_1234");

    app.set_filter("call_completed wrong_secret");
    app.finish_filtering();
    assert_eq!(app.list().total(), 2);

    app.set_filter("CAND_456");
    app.finish_filtering();
    assert_eq!(app.list().total(), 1, "text is case-insensitive");

    app.set_filter("nothing-like-this");
    app.finish_filtering();
    assert_eq!(app.list().total(), 0);
    assert_eq!(app.list().selected(), None);
}

#[test]
fn new_deliveries_are_counted_against_the_filter() {
    let mut f = mixed();
    let mut app = f.app();
    app.set_filter("classet");
    app.finish_filtering();
    assert_eq!(app.list().total(), 3);
    let a = f.add(ProviderId::CLASSET, Status::Verified, "cand_x");
    let b = f.add(ProviderId::JOBMOJITO, Status::Verified, "cand_y");
    apply(&mut app, [AppEvent::Delivery(a), AppEvent::Delivery(b)]);
    assert_eq!(app.list().total(), 4);
    assert_eq!(app.tally().total, 7);
    let last = app.list().selected().unwrap();
    assert_eq!(
        app.list().row(last).unwrap().findings.subject.as_deref(),
        Some("cand_x")
    );
}

#[test]
fn typing_in_the_filter_does_not_trigger_keys() {
    let f = mixed();
    let mut app = f.app();
    apply(&mut app, [ch('/')]);
    assert!(app.filter().is_editing());
    let commands = apply(&mut app, "classet q y".chars().map(ch));
    assert!(commands.is_empty(), "{commands:?}");
    assert_eq!(app.filter().text(), "classet q y");
    assert_eq!(app.list().total(), 0, "q and y are text now");
    apply(&mut app, [key(KeyCode::Backspace), key(KeyCode::Backspace)]);
    apply(&mut app, [key(KeyCode::Backspace), key(KeyCode::Backspace)]);
    assert_eq!(app.list().total(), 3);
    apply(&mut app, [key(KeyCode::Enter)]);
    assert!(!app.filter().is_editing());
    assert_eq!(apply(&mut app, [ch('q')]), vec![Command::Quit]);
}

#[test]
fn esc_in_the_filter_field_clears_it() {
    let f = mixed();
    let mut app = f.app();
    apply(&mut app, [ch('/'), ch('a'), ch('t'), ch('s')]);
    assert_eq!(app.list().total(), 1);
    apply(&mut app, [key(KeyCode::Esc)]);
    assert!(!app.filter().is_editing() && !app.filter().is_active());
    assert_eq!(app.list().total(), 5);
}

#[test]
fn clearing_a_filter_keeps_the_selected_delivery() {
    let f = mixed();
    let mut app = f.app();
    app.set_filter("talentsprout");
    apply(&mut app, [ch('k')]);
    assert_eq!(app.list().total(), 1);
    apply(&mut app, [key(KeyCode::Esc)]);
    let i = app.list().selected().unwrap();
    assert_eq!(
        app.list().row(i).unwrap().findings.subject.as_deref(),
        Some("ats-1")
    );
}

#[test]
fn keys_are_answered_while_a_filter_is_searched_for() {
    let f = mixed();
    let mut app = f.app();
    app.refresh();
    app.set_filter("classet");
    app.refresh();
    assert_eq!(app.searching(), Some(app.filter().filter()));
    assert_eq!(
        app.list().total(),
        5,
        "the previous rows stay until it ends"
    );
    app.update(key(KeyCode::Up));
    app.refresh();
    assert_eq!(
        app.list().selected(),
        Some(3),
        "the key moved the selection"
    );
    app.finish_filtering();
    assert_eq!(app.searching(), None);
    assert_eq!(app.list().total(), 3);
}

#[test]
fn a_newer_filter_supersedes_one_still_searched_for() {
    let f = mixed();
    let mut app = f.app();
    app.refresh();
    app.set_filter("classet");
    app.refresh();
    app.set_filter("talentsprout");
    app.finish_filtering();
    assert_eq!(app.list().total(), 1);
    let only = app.list().row(0).unwrap();
    assert_eq!(only.findings.subject.as_deref(), Some("ats-1"));
}

#[test]
fn clearing_a_filter_still_searched_for_shows_everything_at_once() {
    let f = mixed();
    let mut app = f.app();
    app.refresh();
    app.set_filter("classet");
    app.refresh();
    app.set_filter("");
    app.refresh();
    assert_eq!(app.searching(), None);
    assert_eq!(app.list().total(), 5);
}

#[test]
fn deliveries_arriving_during_a_search_are_matched_too() {
    let mut f = mixed();
    let mut app = f.app();
    app.refresh();
    app.set_filter("classet");
    app.refresh();
    let a = f.add(ProviderId::CLASSET, Status::Verified, "cand_late");
    app.update(AppEvent::Delivery(a));
    app.finish_filtering();
    assert_eq!(app.list().total(), 4);
    let last = app.list().selected().unwrap();
    assert_eq!(
        app.list().row(last).unwrap().findings.subject.as_deref(),
        Some("cand_late")
    );
}

#[test]
fn event_names_come_from_the_store_and_from_deliveries() {
    let mut f = mixed();
    let mut app = f.app();
    app.finish_filtering();
    let mut d = f.build(ProviderId::JOBMOJITO, Status::Verified, "x");
    d.findings.event = Some("Offer Extended".into());
    f.store.insert(&d);
    app.update(AppEvent::Delivery(Arc::new(d)));
    apply(&mut app, [ch('/')]);
    apply(&mut app, "\"offer extended\"".chars().map(ch));
    assert_eq!(
        app.filter().filter().events,
        vec!["Offer Extended".to_string()]
    );
    assert_eq!(app.list().total(), 1);
}

#[test]
fn a_failed_search_says_so_and_the_title_claims_no_filter() {
    use crate::tui::matcher::{Found, Search};
    let f = mixed();
    let mut app = f.app();
    app.refresh();
    app.set_filter("classet");
    app.refresh();
    // The worker's answer for this very search, as if its query had failed.
    let generation = f.store.held().last().unwrap().generation;
    let failed = Found::Matches {
        search: Search {
            generation,
            filter: Box::new(app.filter().filter().clone()),
            upto: 5,
        },
        seqs: Err(crate::store::StoreError::WriterStopped {
            path: "d.db".into(),
        }),
        complete: true,
    };
    app.update(AppEvent::Found(failed));
    app.refresh();
    assert_eq!(app.searching(), None);
    assert_eq!(app.shown_filter(), None, "the rows shown are not filtered");
    assert_eq!(app.list().total(), 5);
    let message = app.message().unwrap();
    assert!(
        message.error && message.text.starts_with("Cannot filter"),
        "{message:?}"
    );
}

#[test]
fn a_result_arriving_with_a_newer_filter_is_not_shown_for_it() {
    let f = mixed();
    let mut app = f.app();
    app.finish_filtering();
    app.set_filter("classet");
    app.refresh();
    let found = f.store.answer_next().unwrap();
    // One batch: the classet result, then the key that changes the filter.
    app.update(AppEvent::Found(found));
    app.set_filter("talentsprout");
    app.refresh();
    assert!(
        app.searching().is_some(),
        "still searching for talentsprout"
    );
    assert_eq!(
        app.shown_filter(),
        None,
        "the classet rows are not shown for it"
    );
    app.finish_filtering();
    assert_eq!(app.list().total(), 1);
}

#[test]
fn a_negated_filter_holds_later_rows_to_it_too() {
    let mut f = mixed();
    let mut app = f.app();
    app.set_filter("-classet -failed");
    app.finish_filtering();
    assert_eq!(app.list().total(), 1);
    let a = f.add(ProviderId::JOBMOJITO, Status::Verified, "ir_1");
    let b = f.add(ProviderId::CLASSET, Status::Verified, "cand_2");
    apply(&mut app, [AppEvent::Delivery(a), AppEvent::Delivery(b)]);
    assert_eq!(app.list().total(), 2);
    let last = app.list().selected().unwrap();
    assert_eq!(
        app.list().row(last).unwrap().findings.subject.as_deref(),
        Some("ir_1")
    );
}

#[test]
fn paging_a_filter_reads_only_the_rows_on_screen() {
    let mut f = Fixture::new();
    f.many(3000);
    let mut app = f.app();
    app.set_filter("talentsprout");
    app.finish_filtering();
    assert_eq!(app.list().total(), 3000);
    f.store.take_asked();
    apply(&mut app, [ch('g')]);
    let asked = f.store.take_asked();
    let bound = usize::from(app.table_height()) + 2 * crate::tui::list::CACHE_MARGIN as usize;
    let pages: Vec<usize> = asked
        .iter()
        .filter_map(|q| match q {
            crate::tui::reads::Query::Page {
                rows: crate::tui::reads::PageOf::Seqs(seqs),
                ..
            } => Some(seqs.len()),
            _ => None,
        })
        .collect();
    assert_eq!(pages.len(), 1, "{asked:?}");
    assert!(pages[0] <= bound, "{pages:?}");
    assert_eq!(
        app.list().row(0).unwrap().findings.subject.as_deref(),
        Some("s0")
    );
}

#[test]
fn a_part_of_a_two_part_event_name_finds_it() {
    let mut f = Fixture::new();
    let mut d = f.build(ProviderId::CLEARSPEED, Status::Verified, "5520173846201");
    d.findings.event = Some("Result Update · Under Review".into());
    f.store.insert(&d);
    f.add(ProviderId::CLASSET, Status::Verified, "cand_1");
    let mut app = f.app();
    app.set_filter("\"under review\"");
    app.finish_filtering();
    assert_eq!(
        app.filter().filter().events,
        vec!["Under Review".to_string()]
    );
    assert_eq!(app.list().total(), 1);
    app.set_filter("-\"Under Review\"");
    app.finish_filtering();
    assert_eq!(app.list().total(), 1);
}

/// The worker's answers for "classet", whole or only some of its matches.
fn answers(search: &Search, all: &[i64], from: usize, complete: bool) -> AppEvent {
    AppEvent::Found(Found::Matches {
        search: search.clone(),
        seqs: Ok(all[from..].to_vec()),
        complete,
    })
}

/// An app searching for "classet", and what the worker would find.
fn searching_classet(f: &Fixture) -> (TestApp, Search, Vec<i64>) {
    let mut app = f.app();
    app.refresh();
    app.set_filter("classet");
    app.refresh();
    let Some(Found::Matches {
        search,
        seqs: Ok(all),
        complete: true,
    }) = f.store.answer_next()
    else {
        panic!("a complete answer");
    };
    assert_eq!(all.len(), 3);
    (app, search, all)
}

#[test]
fn the_newest_matches_show_while_the_whole_history_is_searched() {
    let f = mixed();
    let (mut app, search, all) = searching_classet(&f);
    app.update(answers(&search, &all, 2, false));
    app.refresh();
    assert!(app.first_matches());
    assert_eq!(app.shown_filter(), Some(app.filter().filter()));
    assert!(app.searching().is_some(), "the search goes on");
    assert_eq!(app.list().total(), 1);
    assert_eq!(app.list().row(0).expect("read").seq, all[2]);

    app.update(answers(&search, &all, 0, true));
    app.refresh();
    assert!(!app.first_matches());
    assert_eq!(app.searching(), None);
    assert_eq!(app.list().total(), 3);
}

#[test]
fn a_first_look_never_replaces_the_whole_result_in_the_same_batch() {
    let f = mixed();
    let (mut app, search, all) = searching_classet(&f);
    app.update(answers(&search, &all, 0, true));
    app.update(answers(&search, &all, 2, false));
    app.refresh();
    assert_eq!(app.searching(), None);
    assert_eq!(app.list().total(), 3);
}
