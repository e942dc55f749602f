use super::record::HEADER;
use super::*;
use crate::config::Config;
use crate::model::{Delivery, Request};
use crate::store::row::NewRow;

fn row(n: usize, body: &[u8]) -> NewRow {
    let request = Request {
        peer: Some("127.0.0.1:40000".into()),
        ..Request::post(
            "/classet",
            &[
                ("content-type", "application/json"),
                ("x-n", &n.to_string()),
            ],
            body,
        )
    };
    let findings = crate::provider::analyze(&request, &Config::default(), 1_700_000_000).findings;
    let d = Delivery {
        id: format!("019aa1b2-c3d4-7e5f-8a9b-{n:012}"),
        received_at: chrono::DateTime::from_timestamp(1_700_000_000 + n as i64, 0)
            .expect("valid time"),
        request,
        findings,
        response_status: 200,
        replay_of: None,
        forward: None,
    };
    NewRow::from_delivery(&d, None)
}

fn inserted(e: &Entry) -> &NewRow {
    match e {
        Entry::Insert(r) => r,
        Entry::Update(u) => panic!("an update where an insert was expected: {u:?}"),
    }
}

fn segments(db: &Path) -> Vec<PathBuf> {
    let mut v: Vec<_> = fs::read_dir(folder_of(db))
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    v.sort();
    v
}

/// Three rows appended by a writer that then stopped: the rows, and its one segment.
fn three_rows_left_behind(db: &Path) -> (Vec<NewRow>, PathBuf) {
    let mut j = Journal::open(db).unwrap();
    let rows: Vec<_> = (0..3).map(|n| row(n, b"{\"a\":1}")).collect();
    for r in &rows {
        j.append(&[Entry::Insert(Box::new(r.clone()))]).unwrap();
    }
    drop(j);
    (rows, segments(db).remove(0))
}

/// Where the second record of a segment's `bytes` starts.
fn second_record(bytes: &[u8]) -> usize {
    HEADER + u32::from_le_bytes(bytes[..4].try_into().unwrap()) as usize
}

#[test]
fn entries_come_back_in_order_as_written_and_filed_segments_are_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("d.db");
    let mut j = Journal::open(&db).unwrap();
    assert!(j.is_empty());
    let body = b"{\"status\":\"done\",\"bytes\":\"\xff\xfe not utf-8\"}";
    let (a, b) = (row(1, body), row(2, b""));
    let status = Update::Status {
        id: a.id.clone(),
        status: 499,
    };
    j.append(&[
        Entry::Insert(Box::new(a.clone())),
        Entry::Insert(Box::new(b.clone())),
    ])
    .unwrap();
    j.append(&[Entry::Update(status.clone())]).unwrap();
    assert!(j.holds(&a.id) && j.holds(&b.id));
    assert_eq!(j.pending_rows(), 2);
    assert_eq!(segments(&db).len(), 1);

    let step = j.next_step(2).unwrap();
    assert_eq!(step.entries.len(), 2);
    let got = inserted(&step.entries[0]);
    assert_eq!(got.body, a.body);
    assert_eq!(got.headers, a.headers);
    assert_eq!(got.findings, a.findings);
    assert_eq!(got.received_at, a.received_at);
    assert_eq!(got.peer, a.peer);
    assert_eq!(inserted(&step.entries[1]).id, b.id);
    j.filed(step);
    // `a` has its change still to file, `b` nothing.
    assert!(j.holds(&a.id) && !j.holds(&b.id) && !j.is_empty());

    let step = j.next_step(10).unwrap();
    assert!(matches!(&step.entries[..], [Entry::Update(u)] if *u == status));
    j.filed(step);
    assert!(j.is_empty());
    assert!(
        !folder_of(&db).exists(),
        "an empty journal leaves no folder"
    );
}

#[test]
fn a_segment_its_writer_still_holds_is_not_adopted_and_a_released_one_is() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("d.db");
    let mut first = Journal::open(&db).unwrap();
    first
        .append(&[Entry::Insert(Box::new(row(1, b"{}")))])
        .unwrap();
    let second = Journal::open(&db).unwrap();
    assert!(
        second.is_empty(),
        "another live writer's segment was adopted"
    );
    assert_eq!(waiting(&db).held, 1);
    drop(first);
    assert_eq!(
        waiting(&db),
        Waiting {
            segments: 1,
            bytes: fs::metadata(&segments(&db)[0]).unwrap().len(),
            held: 0
        }
    );
    let mut third = Journal::open(&db).unwrap();
    assert_eq!(third.pending_rows(), 1);
    let step = third.next_step(10).unwrap();
    assert_eq!(inserted(&step.entries[0]).id, row(1, b"").id);
    third.filed(step);
    assert!(third.is_empty() && segments(&db).is_empty());
}

#[test]
fn a_torn_or_damaged_tail_is_left_out_and_what_precedes_it_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("d.db");
    let (rows, seg) = three_rows_left_behind(&db);
    let len = fs::metadata(&seg).unwrap().len();
    // A write cut short: the last record loses its end.
    OpenOptions::new()
        .write(true)
        .open(&seg)
        .unwrap()
        .set_len(len - 5)
        .unwrap();
    let mut j = Journal::open(&db).unwrap();
    assert_eq!(j.pending_rows(), 2);
    let step = j.next_step(10).unwrap();
    let ids: Vec<_> = step
        .entries
        .iter()
        .map(|e| inserted(e).id.clone())
        .collect();
    assert_eq!(ids, [rows[0].id.clone(), rows[1].id.clone()]);
    j.filed(step);
    assert!(j.is_empty());
    drop(j);

    // A flipped byte in the second record: the first is kept, the rest left out.
    let (_, seg) = three_rows_left_behind(&db);
    let mut bytes = fs::read(&seg).unwrap();
    let at = second_record(&bytes) + HEADER + 3;
    bytes[at] ^= 0x40;
    fs::write(&seg, &bytes).unwrap();
    let mut j = Journal::open(&db).unwrap();
    assert_eq!(j.pending_rows(), 1);
    let step = j.next_step(10).unwrap();
    assert_eq!(step.entries.len(), 1);
    j.filed(step);
    assert!(j.is_empty() && segments(&db).is_empty());
}

#[test]
fn a_failed_append_keeps_nothing_of_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("d.db");
    let mut j = Journal::open(&db).unwrap();
    j.append(&[Entry::Insert(Box::new(row(1, b"{}")))]).unwrap();
    // The segment's file can no longer be written (as on a full disk).
    let seg = segments(&db).remove(0);
    let len = fs::metadata(&seg).unwrap().len();
    j.segments[0].file = File::open(&seg).unwrap();
    let err = j.append(&[Entry::Insert(Box::new(row(2, b"{}")))]);
    assert!(err.is_err());
    assert_eq!(fs::metadata(&seg).unwrap().len(), len);
    assert_eq!(j.pending_rows(), 1);
    assert!(!j.holds(&row(2, b"").id));
}

#[test]
fn damage_inside_a_writers_own_segment_leaves_no_row_counted_as_waiting() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("d.db");
    let mut j = Journal::open(&db).unwrap();
    let rows: Vec<_> = (0..3).map(|n| row(n, b"{\"a\":1}")).collect();
    let entries: Vec<_> = rows
        .iter()
        .map(|r| Entry::Insert(Box::new(r.clone())))
        .collect();
    j.append(&entries).unwrap();
    assert_eq!(j.pending_rows(), 3);
    let seg = segments(&db).remove(0);
    let mut bytes = fs::read(&seg).unwrap();
    let at = second_record(&bytes) + HEADER + 3;
    bytes[at] ^= 0x40;
    fs::write(&seg, &bytes).unwrap();
    let step = j.next_step(10).unwrap();
    assert_eq!(step.entries.len(), 1);
    j.filed(step);
    assert_eq!(j.pending_rows(), 0);
    assert!(j.is_empty() && !j.holds(&rows[2].id));
    assert!(segments(&db).is_empty());
}

#[test]
fn a_delivery_with_a_change_still_waiting_is_held_after_its_row_is_filed() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("d.db");
    let mut j = Journal::open(&db).unwrap();
    let a = row(1, b"{}");
    let status = Update::Status {
        id: a.id.clone(),
        status: 499,
    };
    j.append(&[Entry::Insert(Box::new(a.clone())), Entry::Update(status)])
        .unwrap();
    let step = j.next_step(1).unwrap();
    j.filed(step);
    assert_eq!(j.pending_rows(), 0);
    assert!(j.holds(&a.id), "its change is still to be filed after it");
    let step = j.next_step(1).unwrap();
    j.filed(step);
    assert!(!j.holds(&a.id) && j.is_empty());
}

#[test]
fn an_intact_record_this_version_cannot_read_stops_filing_and_its_segment_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("d.db");
    let (_, seg) = three_rows_left_behind(&db);
    // The second record, as another version might write it: an unknown kind, its CRC
    // right.
    let mut bytes = fs::read(&seg).unwrap();
    let first = second_record(&bytes);
    let len = u32::from_le_bytes(bytes[first..first + 4].try_into().unwrap()) as usize;
    bytes[first + HEADER] = 9;
    let crc = crc32fast::hash(&bytes[first + HEADER..first + HEADER + len]);
    bytes[first + 4..first + HEADER].copy_from_slice(&crc.to_le_bytes());
    fs::write(&seg, &bytes).unwrap();

    let mut j = Journal::open(&db).unwrap();
    assert_eq!(j.pending_rows(), 1);
    let step = j.next_step(10).unwrap();
    assert_eq!(step.entries.len(), 1);
    j.filed(step);
    assert!(j.is_empty());
    let bad = seg.with_extension("bad");
    assert!(
        bad.exists() && !seg.exists(),
        "kept, renamed, for a version that reads it"
    );
    assert_eq!(fs::read(&bad).unwrap(), bytes);
}

#[test]
fn a_segment_killed_before_it_was_named_is_removed() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("d.db");
    fs::create_dir_all(folder_of(&db)).unwrap();
    let new = folder_of(&db).join("0-1-000000.new");
    fs::write(&new, b"").unwrap();
    let j = Journal::open(&db).unwrap();
    assert!(j.is_empty());
    assert!(!new.exists());
}
