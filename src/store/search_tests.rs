//! Free text means the same for every row: the word index and the row-by-row matching of
//! rows it has not reached find exactly what [`phrase_in`] finds, at every stage of
//! indexing.

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use rusqlite::{Connection, params};

use super::read::Reader;
use super::search::{self, phrase_in};
use super::{Filter, Location, SeqRange};

/// A reader over a fresh in-memory database holding `rows` (subject, body), none indexed.
fn reader_with(rows: &[(Option<String>, Vec<u8>)]) -> Reader {
    let conn = Connection::open_in_memory().unwrap();
    super::schema::prepare(&conn, Path::new("test.db"), false).unwrap();
    search::register(&conn).unwrap();
    for (i, (subject, body)) in rows.iter().enumerate() {
        conn.execute(
            "INSERT INTO deliveries (id, received_at, method, path, headers, body, body_bytes, \
             provider, detected_by, subject, verification_status, verification_scheme, \
             verification_detail, response_status) VALUES (?1, '2026-01-01T00:00:00Z', 'POST', \
             '/x', '[]', ?2, ?3, 'unknown', 'path', ?4, 'unsigned', 'none', '', 200)",
            params![format!("id-{i}"), body, body.len() as i64, subject],
        )
        .unwrap();
    }
    Reader::new(conn, Location::File(PathBuf::from("test.db")))
}

fn oracle(rows: &[(Option<String>, Vec<u8>)], term: &str) -> Vec<i64> {
    let words = search::words(term);
    // Without words, a plain substring (terms here have no letters then).
    let has = |text: &str| {
        if words.is_empty() {
            text.contains(term)
        } else {
            phrase_in(text, &words)
        }
    };
    rows.iter()
        .enumerate()
        .filter(|(_, (subject, body))| {
            subject.as_deref().is_some_and(has) || has(&String::from_utf8_lossy(body))
        })
        .map(|(i, _)| i as i64 + 1)
        .collect()
}

fn found(reader: &Reader, term: &str, range: SeqRange) -> Vec<i64> {
    let filter = Filter {
        text: vec![term.to_string()],
        ..Filter::default()
    };
    reader.matching_seqs(&filter, range).unwrap()
}

/// Checks every term with none, some and all rows indexed, over the whole history and
/// over a range that straddles where the index stops.
fn check_agreement(rows: &[(Option<String>, Vec<u8>)], terms: &[String]) {
    let reader = reader_with(rows);
    let n = rows.len() as i64;
    let mut steps = vec![0, rows.len() / 2, rows.len()];
    steps.dedup();
    let mut indexed = 0;
    for step in steps {
        search::index_pending(reader.conn(), step - indexed).unwrap();
        indexed = step;
        for term in terms {
            let expected = oracle(rows, term);
            assert_eq!(
                found(&reader, term, SeqRange::default()),
                expected,
                "{term:?} with {indexed} of {n} rows indexed"
            );
            let range = SeqRange {
                after: Some(n / 4),
                upto: Some(n - n / 4),
            };
            let within: Vec<i64> = expected
                .into_iter()
                .filter(|s| *s > n / 4 && *s <= n - n / 4)
                .collect();
            assert_eq!(found(&reader, term, range), within, "{term:?} in {range:?}");
        }
    }
}

const VOCABULARY: &[&str] = &[
    "Grace",
    "Hopper",
    "grace.hopper@example.com",
    "cand_0042",
    "cand_00421",
    "CAND_0042x",
    "Zoë",
    "ÅSTRÖM",
    "job-7",
    "forklift",
    "operator,",
    "\"interview_result\"",
    "über",
    "日本語",
    "x",
    "--",
    "{\"k\":[1,2]}",
];

fn text_from(seed: &mut u64, words: usize) -> String {
    (0..words)
        .map(|_| {
            // A small LCG: reproducible rows without a random crate.
            *seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            VOCABULARY[(*seed >> 33) as usize % VOCABULARY.len()]
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn index_and_row_by_row_matching_agree() {
    let mut seed = 7;
    let mut rows: Vec<(Option<String>, Vec<u8>)> = (0..200)
        .map(|i| {
            let subject = (i % 3 != 0).then(|| text_from(&mut seed, 1));
            (subject, text_from(&mut seed, 12).into_bytes())
        })
        .collect();
    rows.push((None, b"bin\xff\xfeary grace\x00hopper".to_vec()));
    let terms: Vec<String> = [
        "grace",
        "GRACE HOP",
        "grace.hopper@example",
        "hopper grace",
        "race",
        "cand_0042",
        "cand_004",
        "zoë",
        "åström",
        "zoe",
        "job-7 forklift",
        "interview_result",
        "日本",
        "x",
        "bin",
        "ary",
        "grace hopper",
    ]
    .map(String::from)
    .to_vec();
    check_agreement(&rows, &terms);
}

#[test]
fn a_term_without_words_is_a_plain_substring() {
    let rows = vec![
        (None, b"a -- b".to_vec()),
        (Some("x@y".to_string()), b"{}".to_vec()),
    ];
    let reader = reader_with(&rows);
    assert_eq!(found(&reader, "--", SeqRange::default()), [1]);
    assert_eq!(found(&reader, "@", SeqRange::default()), [2]);
}

#[test]
fn deleting_a_row_by_hand_removes_its_words() {
    let rows = vec![(None, b"alpha".to_vec()), (None, b"alpha beta".to_vec())];
    let reader = reader_with(&rows);
    search::index_pending(reader.conn(), 10).unwrap();
    // As a user with sqlite3 would; the reader's connection is not read-only here.
    reader
        .conn()
        .execute("DELETE FROM deliveries WHERE seq = 2", [])
        .unwrap();
    assert_eq!(
        found(&reader, "beta", SeqRange::default()),
        Vec::<i64>::new()
    );
    assert_eq!(found(&reader, "alpha", SeqRange::default()), [1]);
}

#[test]
fn index_steps_are_bounded_and_resume() {
    let rows: Vec<_> = (0..10)
        .map(|i| (None, format!("w{i}").into_bytes()))
        .collect();
    let reader = reader_with(&rows);
    assert_eq!(search::index_pending(reader.conn(), 4).unwrap(), 4);
    assert_eq!(search::index_pending(reader.conn(), 4).unwrap(), 4);
    assert_eq!(search::index_pending(reader.conn(), 4).unwrap(), 2);
    assert_eq!(search::index_pending(reader.conn(), 4).unwrap(), 0);
    assert_eq!(found(&reader, "w9", SeqRange::default()), [10]);
}

fn word() -> impl Strategy<Value = String> {
    // Letters, digits and `_` from several scripts, and the separators around them.
    proptest::string::string_regex("[a-zA-Z0-9_éÉßøØçÇ日本ΣσЖж]{1,6}").unwrap()
}

fn separator() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[ .,@\\-:/\"{}\\[\\]\u{a0}]{1,2}").unwrap()
}

fn text() -> impl Strategy<Value = String> {
    proptest::collection::vec((word(), separator()), 0..12)
        .prop_map(|parts| parts.into_iter().map(|(w, s)| w + &s).collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn any_text_and_term_agree(
        bodies in proptest::collection::vec(text(), 1..12),
        terms in proptest::collection::vec(text(), 1..4),
    ) {
        let rows: Vec<_> = bodies.into_iter().map(|b| (None, b.into_bytes())).collect();
        check_agreement(&rows, &terms);
    }
}
