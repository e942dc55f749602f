use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::*;
use crate::config::Config;
use crate::model::{Delivery, Request};
use crate::store::journal;
use crate::store::row::NewRow;

fn delivery(n: usize) -> Delivery {
    let request = Request::post(
        "/classet",
        &[("content-type", "application/json")],
        format!("{{\"n\":{n},\"status\":\"done\"}}").as_bytes(),
    );
    let findings = crate::provider::analyze(&request, &Config::default(), 1_700_000_000).findings;
    Delivery {
        id: format!("019aa1b2-c3d4-7e5f-8a9b-{n:012}"),
        received_at: chrono::DateTime::from_timestamp(1_700_000_000, 0).expect("valid time"),
        request,
        findings,
        response_status: 200,
        replay_of: None,
        forward: None,
    }
}

type Replies = Arc<Mutex<Vec<String>>>;

fn insert(n: usize, deferrable: bool, replies: &Replies) -> Job {
    let replies = replies.clone();
    Job::Insert {
        row: Box::new(NewRow::from_delivery(&delivery(n), None)),
        deferrable,
        reply: Box::new(move |r| replies.lock().unwrap().push(format!("insert {n}: {r:?}"))),
    }
}

fn open(dir: &Path) -> (Connection, std::path::PathBuf, Filing) {
    let db = dir.join("d.db");
    let conn = Connection::open(&db).unwrap();
    crate::store::schema::prepare(&conn, &db, true).unwrap();
    let filing = Filing::new(Some(Journal::open(&db).unwrap()), &db);
    (conn, db, filing)
}

fn stored(conn: &Connection) -> i64 {
    conn.query_row("SELECT count(*) FROM deliveries", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn deliveries_queued_past_the_pressure_mark_are_journaled_answered_then_filed() {
    let dir = tempfile::tempdir().unwrap();
    let (conn, db, mut filing) = open(dir.path());
    let replies = Replies::default();
    let mut batch: Vec<Job> = (0..PRESSURE + 4)
        .map(|n| insert(n, true, &replies))
        .collect();
    let r = replies.clone();
    batch.push(Job::SetStatus {
        id: delivery(3).id,
        status: 499,
        reply: Box::new(move |x| r.lock().unwrap().push(format!("status: {x:?}"))),
    });
    let r = replies.clone();
    batch.push(Job::Contains {
        id: delivery(5).id,
        reply: Box::new(move |x| r.lock().unwrap().push(format!("contains: {x:?}"))),
    });
    // Not deferrable (a replay's row, whose seq its caller wants): committed as ever.
    batch.push(insert(999, false, &replies));

    let rest = filing.take(&conn, &db, batch);
    assert_eq!(rest.len(), 1, "only the insert that wants its seq is left");
    {
        let replies = replies.lock().unwrap();
        assert_eq!(replies.len(), PRESSURE + 6);
        assert!(
            replies[..PRESSURE + 4]
                .iter()
                .all(|r| r.ends_with("Ok(None)")),
            "{replies:?}"
        );
        assert_eq!(replies[PRESSURE + 4], "status: Ok(true)");
        assert_eq!(replies[PRESSURE + 5], "contains: Ok(true)");
    }
    assert_eq!(stored(&conn), 0, "answered before anything is committed");
    assert!(filing.due() && journal::folder_of(&db).exists());

    while filing.due() {
        filing.step(&conn, &db).expect("a step files");
    }
    assert_eq!(stored(&conn), (PRESSURE + 4) as i64);
    let status: i64 = conn
        .query_row(
            "SELECT response_status FROM deliveries WHERE id = ?1",
            [delivery(3).id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        status, 499,
        "the update journaled after its row is filed after it"
    );
    assert!(!journal::folder_of(&db).exists());
}

#[test]
fn a_few_deliveries_with_nothing_journaled_are_committed_as_ever() {
    let dir = tempfile::tempdir().unwrap();
    let (conn, db, mut filing) = open(dir.path());
    let replies = Replies::default();
    let batch: Vec<Job> = (0..PRESSURE - 1)
        .map(|n| insert(n, true, &replies))
        .collect();
    let rest = filing.take(&conn, &db, batch);
    assert_eq!(rest.len(), PRESSURE - 1);
    assert!(replies.lock().unwrap().is_empty());
    assert!(!filing.due());
}

#[test]
fn filing_again_what_a_crash_left_in_the_journal_adds_nothing_twice() {
    let dir = tempfile::tempdir().unwrap();
    let (conn, db, mut filing) = open(dir.path());
    let replies = Replies::default();
    let batch: Vec<Job> = (0..PRESSURE).map(|n| insert(n, true, &replies)).collect();
    assert!(filing.take(&conn, &db, batch).is_empty());
    // Filed, and then the process dies before the journal learns it: the segment stays.
    let step = filing
        .journal
        .as_mut()
        .unwrap()
        .next_step(usize::MAX)
        .unwrap();
    file(&conn, &step).unwrap();
    drop(filing);
    assert_eq!(stored(&conn), PRESSURE as i64);

    let mut again = Filing::new(Some(Journal::open(&db).unwrap()), &db);
    assert!(again.due(), "the segments left behind are adopted");
    while again.due() {
        again.step(&conn, &db).expect("a step files");
    }
    assert_eq!(stored(&conn), PRESSURE as i64);
}

#[test]
fn an_import_or_settle_files_the_journal_first() {
    let dir = tempfile::tempdir().unwrap();
    let (conn, db, mut filing) = open(dir.path());
    let replies = Replies::default();
    let batch: Vec<Job> = (0..PRESSURE).map(|n| insert(n, true, &replies)).collect();
    assert!(filing.take(&conn, &db, batch).is_empty());
    assert_eq!(stored(&conn), 0);
    let settled = Arc::new(Mutex::new(None));
    let s2 = settled.clone();
    let settle = Job::Settle {
        reply: Box::new(move |r| *s2.lock().unwrap() = Some(r.is_ok())),
    };
    assert!(filing.take(&conn, &db, vec![settle]).is_empty());
    assert_eq!(*settled.lock().unwrap(), Some(true));
    assert_eq!(stored(&conn), PRESSURE as i64);
    assert!(!filing.due());
}

#[test]
fn past_its_bound_the_journal_is_filed_after_each_append_as_much_as_was_appended() {
    let dir = tempfile::tempdir().unwrap();
    let (conn, db, mut filing) = open(dir.path());
    filing.max_rows = PRESSURE;
    // No step for time's sake in this test, however slow the machine.
    filing.last_step = Instant::now() + Duration::from_secs(3600);
    let replies = Replies::default();
    let batch: Vec<Job> = (0..PRESSURE).map(|n| insert(n, true, &replies)).collect();
    assert!(filing.take(&conn, &db, batch).is_empty());
    filing.after_batch(&conn, &db, PRESSURE, PRESSURE);
    assert_eq!(stored(&conn), 0, "at the bound, not past it: nothing filed");
    let batch: Vec<Job> = (PRESSURE..PRESSURE + 3)
        .map(|n| insert(n, true, &replies))
        .collect();
    assert!(filing.take(&conn, &db, batch).is_empty());
    filing.after_batch(&conn, &db, 3, PRESSURE);
    // One step files up to its size: at least what was appended.
    assert!(stored(&conn) >= 3);
    assert!(filing.pending_rows() <= PRESSURE);
}

#[test]
fn nothing_is_filed_into_a_store_file_that_was_deleted_and_it_waits_for_the_next() {
    let dir = tempfile::tempdir().unwrap();
    let (conn, db, mut filing) = open(dir.path());
    let replies = Replies::default();
    let batch: Vec<Job> = (0..PRESSURE).map(|n| insert(n, true, &replies)).collect();
    assert!(filing.take(&conn, &db, batch).is_empty());
    std::fs::remove_file(&db).unwrap();
    assert_eq!(filing.step(&conn, &db), None);
    assert_eq!(stored(&conn), 0);
    assert!(!filing.due(), "not retried at once");
    let settled = Arc::new(Mutex::new(None));
    let s2 = settled.clone();
    let settle = Job::Settle {
        reply: Box::new(move |r| *s2.lock().unwrap() = Some(r.is_ok())),
    };
    assert!(filing.take(&conn, &db, vec![settle]).is_empty());
    assert_eq!(
        *settled.lock().unwrap(),
        Some(false),
        "a settle that could not file says so"
    );
    drop(filing);
    drop(conn);

    let (conn, db, mut filing) = open(dir.path());
    assert!(filing.due(), "a new store at the path adopts the journal");
    while filing.due() {
        filing.step(&conn, &db).expect("a step files");
    }
    assert_eq!(stored(&conn), PRESSURE as i64);
}

#[test]
fn once_the_pressure_is_gone_each_batch_files_a_step_of_what_waits() {
    let dir = tempfile::tempdir().unwrap();
    let (conn, db, mut filing) = open(dir.path());
    filing.last_step = Instant::now() + Duration::from_secs(3600);
    let replies = Replies::default();
    let batch: Vec<Job> = (0..PRESSURE).map(|n| insert(n, true, &replies)).collect();
    assert!(filing.take(&conn, &db, batch).is_empty());
    assert_eq!(filing.after_batch(&conn, &db, PRESSURE, PRESSURE), 0);
    // A small batch within the burst: journaled behind the others, nothing filed.
    let one = vec![insert(PRESSURE, true, &replies)];
    assert!(filing.take(&conn, &db, one).is_empty());
    assert_eq!(filing.after_batch(&conn, &db, 1, 1), 0);
    // One more once no large batch came for a while: journaled (arrival order), then a
    // step files what waits.
    filing.last_pressed = Instant::now() - CALM;
    let one = vec![insert(PRESSURE + 1, true, &replies)];
    assert!(filing.take(&conn, &db, one).is_empty());
    assert_eq!(filing.after_batch(&conn, &db, 1, 1), PRESSURE + 2);
    assert_eq!(stored(&conn), (PRESSURE + 2) as i64);
    let last: i64 = conn
        .query_row(
            "SELECT id FROM deliveries ORDER BY seq DESC LIMIT 1",
            [],
            |r| r.get::<_, String>(0),
        )
        .map(|id| (id == delivery(PRESSURE + 1).id) as i64)
        .unwrap();
    assert_eq!(last, 1, "the later delivery has the later seq");
    assert!(!filing.holds_any());
}

#[test]
fn past_the_bound_while_filing_fails_nothing_more_is_journaled() {
    let dir = tempfile::tempdir().unwrap();
    let (conn, db, mut filing) = open(dir.path());
    filing.max_rows = 1;
    let replies = Replies::default();
    let batch: Vec<Job> = (0..PRESSURE).map(|n| insert(n, true, &replies)).collect();
    assert!(filing.take(&conn, &db, batch).is_empty());
    filing.failed_at = Some(Instant::now());
    let batch: Vec<Job> = (PRESSURE..2 * PRESSURE)
        .map(|n| insert(n, true, &replies))
        .collect();
    assert_eq!(filing.take(&conn, &db, batch).len(), PRESSURE);
    assert_eq!(filing.pending_rows(), PRESSURE);
}
