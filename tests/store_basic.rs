//! Writing and reading deliveries.

mod store_support;

use std::collections::HashSet;

use futures_util::future::join_all;
use hookscope::model::ProviderId;
use hookscope::signature::{Hint, Status};
use hookscope::store::{Store, StoreError};
use store_support::{delivery, odd_delivery};

fn temp_store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("deliveries.db")).unwrap();
    (dir, store)
}

#[test]
fn round_trip_keeps_binary_body_and_duplicate_headers() {
    let (_dir, store) = temp_store();
    let odd = odd_delivery(1);
    let plain = delivery(2, "cand_1");
    let seq_odd = store.insert_blocking(&odd).unwrap();
    let seq_plain = store.insert_blocking(&plain).unwrap();
    assert!(seq_plain > seq_odd);

    let reader = store.reader().unwrap();
    let back = reader.get(&odd.id).unwrap().expect("stored");
    assert_eq!(back, odd);
    assert_eq!(
        &back.request.body[..],
        &[0xff, 0xfe, 0x00, b'a', 0xc3, 0x28, b'\n', 0x80]
    );
    assert_eq!(back.request.headers.len(), 4);
    assert_eq!(back.findings.verification.hint, Some(Hint::TrailingNewline));
    assert_eq!(reader.get_by_seq(seq_plain).unwrap(), Some(plain));
    assert_eq!(reader.get("no-such-id").unwrap(), None);
    assert_eq!(reader.get_by_seq(999).unwrap(), None);
}

#[test]
fn concurrent_inserts_share_transactions() {
    let (_dir, store) = temp_store();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    let (tasks, per_task) = (4_i64, 50_i64);
    let seqs: Vec<i64> = rt.block_on(async {
        let handles: Vec<_> = (0..tasks)
            .map(|t| {
                let store = store.clone();
                tokio::spawn(async move {
                    let ds: Vec<_> = (0..per_task)
                        .map(|i| delivery(t * 1000 + i, &format!("cand_{t}")))
                        .collect();
                    let results = join_all(ds.iter().map(|d| store.insert(d))).await;
                    results.into_iter().map(|r| r.unwrap()).collect::<Vec<_>>()
                })
            })
            .collect();
        let mut all = Vec::new();
        for h in handles {
            all.extend(h.await.unwrap());
        }
        all
    });
    let total = (tasks * per_task) as usize;
    assert_eq!(seqs.iter().collect::<HashSet<_>>().len(), total);
    let reader = store.reader().unwrap();
    assert_eq!(reader.count().unwrap(), total as u64);
    for t in 0..tasks {
        for i in 0..per_task {
            let d = delivery(t * 1000 + i, &format!("cand_{t}"));
            assert_eq!(reader.get(&d.id).unwrap().as_ref(), Some(&d));
        }
    }
    let commits = store.commit_count();
    assert!(commits >= 1);
    assert!(
        commits < total as u64,
        "{commits} commits for {total} deliveries: no transaction held more than one"
    );
}

#[test]
fn a_duplicate_id_fails_alone() {
    let (_dir, store) = temp_store();
    let first = delivery(1, "a");
    store.insert_blocking(&first).unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (b, c) = (delivery(2, "b"), delivery(3, "c"));
    let results = rt.block_on(join_all([
        store.insert(&b),
        store.insert(&first),
        store.insert(&c),
    ]));
    assert!(results[0].is_ok() && results[2].is_ok(), "{results:?}");
    assert!(
        matches!(results[1], Err(StoreError::Sqlite { .. })),
        "{results:?}"
    );
    // The writer is still serving.
    store.insert_blocking(&delivery(4, "d")).unwrap();
    assert_eq!(store.reader().unwrap().count().unwrap(), 4);
}

#[test]
fn rows_survive_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/dirs/deliveries.db");
    let ds: Vec<_> = (1..=3).map(|n| delivery(n, "cand")).collect();
    {
        let store = Store::open(&path).unwrap();
        for d in &ds {
            store.insert_blocking(d).unwrap();
        }
        let clone = store.clone();
        drop(store);
        // A remaining clone keeps the writer alive.
        clone.insert_blocking(&odd_delivery(4)).unwrap();
    }
    let store = Store::open(&path).unwrap();
    let reader = store.reader().unwrap();
    assert_eq!(reader.count().unwrap(), 4);
    assert_eq!(reader.get(&ds[1].id).unwrap().as_ref(), Some(&ds[1]));
    assert_eq!(reader.last_seq().unwrap(), Some(4));
    assert_eq!(store.insert_blocking(&delivery(5, "cand")).unwrap(), 5);
}

#[test]
fn rows_page_in_arrival_order_even_with_gaps() {
    let (dir, store) = temp_store();
    for n in 1..=25 {
        store.insert_blocking(&delivery(n, "cand")).unwrap();
    }
    let reader = store.reader().unwrap();
    let seqs = |rows: Vec<hookscope::store::Row>| rows.iter().map(|r| r.seq).collect::<Vec<_>>();
    assert_eq!(seqs(reader.rows(0, 3).unwrap()), [1, 2, 3]);
    assert_eq!(seqs(reader.rows(20, 10).unwrap()), [21, 22, 23, 24, 25]);
    assert!(reader.rows(25, 10).unwrap().is_empty());
    assert_eq!(seqs(reader.rows_after(23, 10).unwrap()), [24, 25]);
    assert_eq!(reader.position(1).unwrap(), 0);
    assert_eq!(reader.position(25).unwrap(), 24);

    let row = &reader.rows(4, 1).unwrap()[0];
    let d = delivery(5, "cand");
    assert_eq!(row.id, d.id);
    assert_eq!(row.received_at, d.received_at);
    assert_eq!(row.findings.provider, ProviderId::TALENTSPROUT);
    assert_eq!(row.findings.verification.status, Status::Verified);
    assert_eq!(row.body_bytes, d.request.body_bytes);
    assert_eq!(row.findings.subject.as_deref(), Some("cand"));

    // Someone deletes rows by hand: offsets still count rows, not seqs.
    let other = rusqlite::Connection::open(dir.path().join("deliveries.db")).unwrap();
    other
        .execute("DELETE FROM deliveries WHERE seq IN (2, 5)", [])
        .unwrap();
    assert_eq!(reader.count().unwrap(), 23);
    assert_eq!(seqs(reader.rows(0, 4).unwrap()), [1, 3, 4, 6]);
    assert_eq!(seqs(reader.rows(21, 5).unwrap()), [24, 25]);
    assert_eq!(reader.position(6).unwrap(), 3);
    assert_eq!(reader.position(25).unwrap(), 22);
}

#[test]
fn previous_for_subject_finds_the_latest_earlier_one() {
    let (_dir, store) = temp_store();
    let a1 = store.insert_blocking(&delivery(1, "A")).unwrap();
    store.insert_blocking(&delivery(2, "B")).unwrap();
    let a3 = store.insert_blocking(&delivery(3, "A")).unwrap();
    let mut other_vendor = delivery(4, "A");
    other_vendor.findings.provider = ProviderId::CLASSET;
    store.insert_blocking(&other_vendor).unwrap();
    let a5 = store.insert_blocking(&delivery(5, "A")).unwrap();

    let reader = store.reader().unwrap();
    let prev = |p, s: &str, before| reader.previous_for_subject(p, s, before).unwrap();
    assert_eq!(
        prev(ProviderId::TALENTSPROUT, "A", a5),
        Some(delivery(3, "A"))
    );
    assert_eq!(
        prev(ProviderId::TALENTSPROUT, "A", a3),
        Some(delivery(1, "A"))
    );
    assert_eq!(prev(ProviderId::TALENTSPROUT, "A", a1), None);
    assert_eq!(prev(ProviderId::CLASSET, "A", a5), Some(other_vendor));
    assert_eq!(prev(ProviderId::TALENTSPROUT, "C", a5), None);
}

#[test]
fn fetched_json_is_kept_by_id() {
    let (_dir, store) = temp_store();
    let d = delivery(1, "cand");
    store.insert_blocking(&d).unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let json = serde_json::json!({"status": "complete", "scores": [1, 2]});
    assert!(rt.block_on(store.set_fetched(&d.id, &json)).unwrap());
    assert!(!rt.block_on(store.set_fetched("missing", &json)).unwrap());
    let reader = store.reader().unwrap();
    assert_eq!(reader.fetched(&d.id).unwrap(), Some(json));
    assert_eq!(reader.stored(&d.id).unwrap().unwrap().seq, 1);
}

#[test]
fn in_memory_stores_are_separate_and_readable() {
    let one = Store::in_memory().unwrap();
    let two = Store::in_memory().unwrap();
    assert!(one.path().is_none());
    let reader = one.reader().unwrap();
    for n in 1..=3 {
        one.insert_blocking(&delivery(n, "cand")).unwrap();
        assert_eq!(reader.count().unwrap(), n as u64);
    }
    assert_eq!(
        reader.get(&delivery(2, "cand").id).unwrap(),
        Some(delivery(2, "cand"))
    );
    assert_eq!(two.reader().unwrap().count().unwrap(), 0);
}

#[test]
fn rows_edited_by_hand_read_without_panicking() {
    let (dir, store) = temp_store();
    store.insert_blocking(&delivery(1, "cand")).unwrap();
    let other = rusqlite::Connection::open(dir.path().join("deliveries.db")).unwrap();
    other
        .execute(
            "INSERT INTO deliveries (id, received_at, method, path, headers, body, body_bytes, \
             provider, detected_by, verification_status, verification_scheme, \
             verification_detail, response_status, verification_hint, event_inferred) \
             VALUES ('odd', 'yesterday', 7, '/', 'not json', 'text body', 'many', 'martian', \
             'telepathy', 'maybe', '', '', -5, 'no_idea', 'yes')",
            [],
        )
        .unwrap();
    let reader = store.reader().unwrap();
    let d = reader.get("odd").unwrap().expect("row");
    // A provider name hookscope does not know is shown as stored (a scheme since removed).
    assert_eq!(d.findings.provider.as_str(), "martian");
    assert_eq!(d.findings.verification.status, Status::Unchecked);
    assert_eq!(d.findings.verification.hint, None);
    assert_eq!(d.request.method, "7");
    assert!(d.request.headers.is_empty());
    assert_eq!(&d.request.body[..], b"text body");
    assert_eq!(d.response_status, 0);
    assert_eq!(reader.rows(0, 10).unwrap().len(), 2);
}

#[test]
fn handles_can_move_between_threads() {
    fn shareable<T: Clone + Send + Sync + 'static>() {}
    fn sendable<T: Send + 'static>() {}
    shareable::<Store>();
    sendable::<hookscope::store::Reader>();
    let store = Store::in_memory().unwrap();
    let worker = {
        let store = store.clone();
        std::thread::spawn(move || store.insert_blocking(&delivery(1, "t")).unwrap())
    };
    assert_eq!(worker.join().unwrap(), 1);
    let reader = store.reader().unwrap();
    let count = std::thread::spawn(move || reader.count().unwrap());
    assert_eq!(count.join().unwrap(), 1);
}
