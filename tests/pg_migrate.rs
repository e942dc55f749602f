//! A PostgreSQL database of an older schema: readable as it is by a newer viewer, and
//! migrated forward by the first newer receiver with what it holds kept and re-keyed.

mod store_support;

use hookscope::store::{Filter, Reader, SeqRange, Store};
use store_support::{delivery, pg};

const V4: &str = include_str!("fixtures/pg-schema-v4.sql");

const ROWS: &str = "INSERT INTO deliveries (seq, id, received_at, method, path, headers, body, \
    body_bytes, provider, detected_by, event, verification_status, verification_scheme, \
    verification_detail, response_status) VALUES \
    (1, 'a', '2026-01-01', 'POST', '/x', '[]', convert_to('{\"status\":\"Under Review\"}', 'UTF8'), \
     25, 'clearspeed', 'path', 'Result Update', 'verified', 'x', 'ok', 200), \
    (2, 'b', '2026-01-01', 'POST', '/x', '[]', convert_to('{\"n\":1}', 'UTF8'), \
     7, 'clearspeed', 'path', 'RESULT update', 'verified', 'x', 'ok', 200), \
    (3, 'c', '2026-01-01', 'POST', '/x', '[]', convert_to('{\"n\":1}', 'UTF8'), \
     7, 'clearspeed', 'path', 'Ärger', 'verified', 'x', 'ok', 401), \
    (4, 'd', '2026-01-01', 'POST', '/x', '[]', convert_to('{\"n\":1}', 'UTF8'), \
     7, 'clearspeed', 'path', 'ärger', 'failed', 'x', 'ok', 401)";

fn events(reader: &Reader, name: &str) -> Vec<i64> {
    let filter = Filter {
        events: vec![name.into()],
        ..Filter::default()
    };
    reader.matching_seqs(&filter, SeqRange::default()).unwrap()
}

#[test]
fn a_schema_4_database_is_read_as_it_is_and_migrated_by_a_receiver() {
    let url = pg::fresh_database();
    pg::execute(&url, V4);
    pg::execute(&url, ROWS);
    let path = std::path::Path::new(&url);

    // A viewer reads it unmigrated: the payload's status from the body, as before.
    let old = Reader::open_read_only(path).unwrap();
    let rows = old.rows(0, 10).unwrap();
    assert_eq!(rows.len(), 4);
    assert_eq!(rows[0].body_status.as_deref(), Some("Under Review"));
    assert_eq!(
        pg::query(&url, "SELECT version::text FROM hookscope_schema"),
        ["4"]
    );
    // Schema 4 keyed event names by PostgreSQL's lower(): Ärger and ärger were one.
    assert_eq!(old.event_names().unwrap(), ["Result Update", "Ärger"]);

    let store = Store::open(path).unwrap();
    assert_eq!(
        pg::query(&url, "SELECT version::text FROM hookscope_schema"),
        ["5"]
    );
    let reader = store.reader().unwrap();
    // Event names now folded as the filter folds them (ASCII only), first spelling kept.
    assert_eq!(
        reader.event_names().unwrap(),
        ["Result Update", "Ärger", "ärger"]
    );
    assert_eq!(events(&reader, "result update"), [1, 2]);
    assert_eq!(events(&reader, "ärger"), [4]);
    assert_eq!(
        events(&reader, "Ärger"),
        [3],
        "ASCII folding only: Ä is not ä"
    );
    // Rows stored before keep their status read from the body; new ones store it.
    let mut d = delivery(5, "Ada");
    d.request.body = bytes::Bytes::from(r#"{"status":"Done","event":"Ärger"}"#);
    d.findings.event = Some("ÄRGER".into());
    store.insert_blocking(&d).unwrap();
    let rows = reader.rows(0, 10).unwrap();
    let statuses: Vec<_> = rows.iter().map(|r| r.body_status.as_deref()).collect();
    assert_eq!(
        statuses,
        [Some("Under Review"), None, None, None, Some("Done")]
    );
    assert_eq!(
        pg::query(
            &url,
            "SELECT seq || ':' || body_status_known FROM deliveries ORDER BY seq"
        ),
        ["1:false", "2:false", "3:false", "4:false", "5:true"]
    );
    // A new spelling of a known name adds none; the unmigrated viewer still reads.
    assert_eq!(reader.event_names().unwrap().len(), 3);
    assert_eq!(old.rows(0, 10).unwrap(), rows);
}
