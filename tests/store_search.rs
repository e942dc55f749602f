//! Free-text search through the real writer: rows are found the moment they are stored,
//! the writer indexes them while idle, and the index survives reopening.

mod store_support;

use std::time::{Duration, Instant};

use hookscope::store::{Filter, Reader, SeqRange, Store};
use store_support::delivery;

fn text(term: &str) -> Filter {
    Filter {
        text: vec![term.into()],
        ..Filter::default()
    }
}

fn find(reader: &Reader, term: &str) -> Vec<i64> {
    reader
        .matching_seqs(&text(term), SeqRange::default())
        .unwrap()
}

fn wait_until_indexed(reader: &Reader) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while reader.unindexed().unwrap() > 0 {
        assert!(Instant::now() < deadline, "the writer never indexed");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn rows_are_found_before_and_after_the_writer_indexes_them() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("deliveries.db");
    let store = Store::open(&path).unwrap();
    let mut seqs = Vec::new();
    for n in 1..=300 {
        let subject = if n % 100 == 0 { "Grace Hopper" } else { "ada" };
        seqs.push(store.insert_blocking(&delivery(n, subject)).unwrap());
    }
    let reader = store.reader().unwrap();
    let hopper: Vec<i64> = [100, 200, 300].map(|n| seqs[n - 1]).to_vec();
    // Whatever the writer has indexed by now, the answer is the same.
    assert_eq!(find(&reader, "grace hop"), hopper);
    wait_until_indexed(&reader);
    assert_eq!(find(&reader, "grace hop"), hopper);
    assert_eq!(find(&reader, "race"), Vec::<i64>::new());
    assert_eq!(find(&reader, "interview.completed").len(), 300);
    // A first look with every word whole: `hop` is no word of theirs, `hopper` is.
    let whole = |term: &str| {
        let filter = Filter {
            whole_words: true,
            ..text(term)
        };
        reader.matching_seqs(&filter, SeqRange::default()).unwrap()
    };
    assert_eq!(whole("grace hop"), Vec::<i64>::new());
    assert_eq!(whole("grace hopper"), hopper);

    let later = store
        .insert_blocking(&delivery(301, "grace-hopper"))
        .unwrap();
    assert_eq!(find(&reader, "GRACE HOPPER").last(), Some(&later));
    drop((reader, store));

    let store = Store::open(&path).unwrap();
    let reader = store.reader().unwrap();
    assert_eq!(find(&reader, "grace hopper").len(), 4);
    wait_until_indexed(&reader);
    assert_eq!(find(&reader, "grace hopper").len(), 4);
}

#[test]
fn event_names_are_listed_once_per_spelling_as_first_spelled() {
    let store = Store::in_memory().unwrap();
    for (n, event) in [
        (1, "Result Update"),
        (2, "result update"),
        (3, "interview.completed"),
    ] {
        let mut d = delivery(n, "s");
        d.findings.event = Some(event.into());
        store.insert_blocking(&d).unwrap();
    }
    let mut d = delivery(4, "s");
    d.findings.event = None;
    store.insert_blocking(&d).unwrap();
    let names = store.reader().unwrap().event_names().unwrap();
    assert_eq!(names, ["interview.completed", "Result Update"]);
}

#[test]
fn rows_deleted_with_the_sqlite3_command_leave_the_search() {
    // sqlite3 is part of the test setup (.ci/run installs it): without it this test fails.
    let version = std::process::Command::new("sqlite3")
        .arg("--version")
        .output()
        .expect("this test needs the sqlite3 command");
    assert!(version.status.success());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("deliveries.db");
    let store = Store::open(&path).unwrap();
    for n in 1..=5 {
        store
            .insert_blocking(&delivery(n, &format!("grace {n}")))
            .unwrap();
    }
    let reader = store.reader().unwrap();
    wait_until_indexed(&reader);
    // Whatever its version: the triggers it runs are plain SQL.
    let out = std::process::Command::new("sqlite3")
        .arg(&path)
        .arg("DELETE FROM deliveries WHERE seq IN (2, 5)")
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(find(&reader, "grace"), [1, 3, 4]);
    // The next seq is 5 again; it is found, and the old row 5 is not.
    let again = store.insert_blocking(&delivery(6, "hopper")).unwrap();
    assert_eq!(again, 5);
    assert_eq!(find(&reader, "grace"), [1, 3, 4]);
    assert_eq!(find(&reader, "hopper"), [5]);
    wait_until_indexed(&reader);
    assert_eq!(find(&reader, "grace"), [1, 3, 4]);
    assert_eq!(find(&reader, "hopper"), [5]);
}
