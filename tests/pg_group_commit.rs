//! The PostgreSQL writer stores a group commit's deliveries with one statement: every
//! field comes back as written, seqs stay gapless, and one bad row still fails alone.

mod store_support;

use std::collections::HashSet;

use futures_util::future::join_all;
use hookscope::store::{Store, StoreError};
use store_support::{delivery, odd_delivery, pg};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn a_burst_is_stored_in_few_transactions_field_for_field() {
    let url = pg::fresh_database();
    let store = Store::open(url.as_ref()).unwrap();
    let ds: Vec<_> = (0..300_i64)
        .map(|i| {
            if i % 7 == 0 {
                // Binary body, NUL, duplicate headers, no event: the odd columns too.
                odd_delivery(i)
            } else {
                delivery(i, &format!("cand_{}", i % 11))
            }
        })
        .collect();
    let seqs: Vec<i64> = runtime().block_on(async {
        join_all(ds.iter().map(|d| store.insert(d)))
            .await
            .into_iter()
            .map(|r| r.unwrap())
            .collect()
    });
    let distinct: HashSet<_> = seqs.iter().copied().collect();
    assert_eq!(
        distinct,
        (1..=300).collect::<HashSet<i64>>(),
        "gapless seqs"
    );
    let reader = store.reader().unwrap();
    assert_eq!(reader.count().unwrap(), 300);
    for (d, seq) in ds.iter().zip(&seqs) {
        assert_eq!(reader.get_by_seq(*seq).unwrap().as_ref(), Some(d));
    }
    let commits = store.commit_count();
    assert!(
        commits < 300,
        "{commits} commits for 300 deliveries: no transaction held more than one"
    );
}

#[test]
fn a_duplicate_in_a_group_fails_alone() {
    let url = pg::fresh_database();
    let store = Store::open(url.as_ref()).unwrap();
    let first = delivery(1, "a");
    store.insert_blocking(&first).unwrap();
    let mut ds: Vec<_> = (2..40_i64).map(|i| delivery(i, "b")).collect();
    ds.insert(20, first.clone());
    let results = runtime().block_on(join_all(ds.iter().map(|d| store.insert(d))));
    for (d, r) in ds.iter().zip(&results) {
        if d.id == first.id {
            assert!(matches!(r, Err(StoreError::Postgres { .. })), "{r:?}");
        } else {
            assert!(r.is_ok(), "{r:?}");
        }
    }
    let reader = store.reader().unwrap();
    assert_eq!(reader.count().unwrap(), 39);
    // Numbered without a gap where the duplicate was left out.
    assert_eq!(reader.last_seq().unwrap(), Some(39));
    store.insert_blocking(&delivery(50, "c")).unwrap();
    assert_eq!(reader.count().unwrap(), 40);
}
