//! Free text means the same for every row: the word index and the row-by-row matching of
//! rows it has not reached find exactly what [`phrase_in`] finds, at every stage of
//! indexing.

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use rusqlite::{Connection, params};

use super::read::SqliteReader;
use super::search::{self, phrase_in};
use super::{Filter, Location, SeqRange};

/// A reader over a fresh in-memory database holding `rows` (subject, body), none indexed.
fn reader_with(rows: &[(Option<String>, Vec<u8>)]) -> SqliteReader {
    let conn = Connection::open_in_memory().unwrap();
    super::schema::prepare(&conn, Path::new("test.db"), false).unwrap();
    search::register(&conn).unwrap();
    for (i, (subject, body)) in rows.iter().enumerate() {
        insert_row(&conn, i, subject.as_deref(), body);
    }
    SqliteReader::new(conn, Location::File(PathBuf::from("test.db")))
}

/// Stores row `i` (seq `i + 1`).
fn insert_row(conn: &Connection, i: usize, subject: Option<&str>, body: &[u8]) {
    conn.execute(
        "INSERT INTO deliveries (id, received_at, method, path, headers, body, body_bytes, \
         provider, detected_by, subject, verification_status, verification_scheme, \
         verification_detail, response_status) VALUES (?1, '2026-01-01T00:00:00Z', 'POST', \
         '/x', '[]', ?2, ?3, 'unknown', 'path', ?4, 'unsigned', 'none', '', 200)",
        params![format!("id-{i}"), body, body.len() as i64, subject],
    )
    .unwrap();
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

fn found(reader: &SqliteReader, term: &str, range: SeqRange) -> Vec<i64> {
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
fn scripts_case_folds_and_broken_bytes_mean_the_same_indexed_or_not() {
    let cases: &[(&[u8], &str)] = &[
        ("e\u{301}cole".as_bytes(), "cole"),
        ("e\u{301}cole".as_bytes(), "e\u{301}c"),
        ("İstanbul".as_bytes(), "İstanbul"),
        ("İstanbul".as_bytes(), "istanbul"),
        ("Ꭰabc".as_bytes(), "Ꭰabc"),
        ("𞤀𞤢".as_bytes(), "𞤀"),
        ("ΟΔΟΣΤΡΩΜΑ".as_bytes(), "ΟΔΟΣ"),
        ("ΟΔΟΣ x".as_bytes(), "οδοσ x"),
        ("ΟΔΟΣ x".as_bytes(), "οδος x"),
        ("x\u{345}y".as_bytes(), "y"),
        ("भाषा".as_bytes(), "षा"),
        ("كَتَبَ".as_bytes(), "تَبَ"),
        ("மொழி".as_bytes(), "ழி"),
        ("ab\u{E000}cd".as_bytes(), "cd"),
        (b"ab\xAAcd", "cd"),
        (b"5\xB5m", "m"),
        (b"\xff\xfegrace\x80hopper", "grace hopper"),
        ("Kelvin \u{212A} ﬁne Ａｂｃ ß ẞ".as_bytes(), "ss"),
        ("Kelvin \u{212A} ﬁne Ａｂｃ ß ẞ".as_bytes(), "ａｂ"),
        ("① ² 🙂 a".as_bytes(), "a"),
    ];
    let rows: Vec<(Option<String>, Vec<u8>)> = cases
        .iter()
        .map(|(body, _)| (None, body.to_vec()))
        .collect();
    let terms: Vec<String> = cases.iter().map(|(_, t)| t.to_string()).collect();
    check_agreement(&rows, &terms);
}

#[test]
fn a_seq_used_again_after_deleting_the_newest_row_is_searchable() {
    let rows = vec![(None, b"alpha".to_vec()), (None, b"beta".to_vec())];
    let reader = reader_with(&rows);
    search::index_pending(reader.conn(), 10).unwrap();
    reader
        .conn()
        .execute("DELETE FROM deliveries WHERE seq = 2", [])
        .unwrap();
    reader
        .conn()
        .execute(
            "INSERT INTO deliveries (id, received_at, method, path, headers, body, body_bytes, \
             provider, detected_by, verification_status, verification_scheme, \
             verification_detail, response_status) VALUES ('again', 't', 'POST', '/x', '[]', \
             'gamma', 5, 'unknown', 'path', 'unsigned', 'none', '', 200)",
            [],
        )
        .unwrap();
    assert_eq!(
        reader.conn().last_insert_rowid(),
        2,
        "the seq is used again"
    );
    assert_eq!(found(&reader, "gamma", SeqRange::default()), [2]);
    search::index_pending(reader.conn(), 10).unwrap();
    assert_eq!(found(&reader, "gamma", SeqRange::default()), [2]);
    assert_eq!(
        found(&reader, "beta", SeqRange::default()),
        Vec::<i64>::new()
    );
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
    // Letters, digits and `_` from several scripts, combining marks, case-folding
    // oddities, and the separators around them.
    proptest::string::string_regex(
        "[a-zA-Z0-9_éÉßẞøØçÇ日本ΣσςЖжİıK\u{212A}\u{301}\u{345}षाَتᎠ𞤀\u{E000}²①]{1,6}",
    )
    .unwrap()
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
        // Some bodies get a stray byte that is not UTF-8.
        let rows: Vec<_> = bodies
            .into_iter()
            .enumerate()
            .map(|(i, b)| {
                let mut bytes = b.into_bytes();
                if i % 3 == 1 {
                    bytes.insert(bytes.len() / 2, 0xAA);
                }
                (None, bytes)
            })
            .collect();
        check_agreement(&rows, &terms);
    }
}

/// Under a stream that never lets the writer idle, the rows not yet indexed stop growing
/// near the bound: once the tail is [`CATCH_UP_MIN`] past it, a commit is followed by
/// indexing as many rows.
#[test]
fn the_unindexed_tail_stays_bounded_while_rows_keep_coming() {
    use super::writer::{CATCH_UP_MIN, TAIL_BOUND, WordIndex};
    let bound = usize::try_from(TAIL_BOUND).unwrap();
    let min = usize::try_from(CATCH_UP_MIN).unwrap();
    let rows: Vec<_> = (0..bound + min + 300)
        .map(|i| (None, format!("word{}", i % 7).into_bytes()))
        .collect();
    let (last, first) = rows.split_last().unwrap();
    let reader = reader_with(first);
    let conn = reader.conn();
    let path = Path::new("test.db");
    let upto = || -> i64 {
        conn.query_row(
            "SELECT indexed_upto FROM delivery_words_progress",
            [],
            |r| r.get(0),
        )
        .unwrap()
    };
    let mut index = WordIndex::new();
    // Past the bound by less than the step: only the occasional step would index.
    search::index_pending(conn, 300).unwrap();
    index.after_commit(conn, path);
    assert_eq!(upto(), 300);
    assert_eq!(
        search::unindexed_estimate(conn).unwrap(),
        TAIL_BOUND + CATCH_UP_MIN - 1
    );
    // One more row and the tail is indexed down to the bound.
    insert_row(conn, rows.len() - 1, None, &last.1);
    index.after_commit(conn, path);
    assert_eq!(upto(), i64::try_from(min + 300).unwrap());
    assert_eq!(search::unindexed_estimate(conn).unwrap(), TAIL_BOUND);
    index.after_commit(conn, path);
    assert!(search::unindexed_estimate(conn).unwrap() <= TAIL_BOUND);
    // Indexed rows are found through the index, the rest row by row, alike.
    assert_eq!(
        found(&reader, "word3", SeqRange::default()),
        oracle(&rows, "word3")
    );
}
