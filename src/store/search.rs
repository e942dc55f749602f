//! Free text: what a term matches, and how it is found fast. A term matches a subject or
//! a body that has its words in order, case-folded, the last one by its beginning:
//! `grace hop` finds "Grace Hopper" and `grace.hopper@example.com`, `race` does not.
//!
//! The words are kept in an FTS5 index that the writer fills while it has nothing else
//! to do (indexing at ingest would halve the ingest rate). Deliveries it has not reached
//! yet are matched row by row with [`phrase_in`]. Both read words with the same code:
//! the index is fed [`WORDS_FN`]'s output, words already split and case-folded, through
//! FTS5's `ascii` tokenizer, which then only splits on the spaces between them. SQLite's
//! own Unicode tokenizer would disagree with Rust on some scripts, case folds and
//! invalid UTF-8, and a term would mean something else once its row is indexed.

use rusqlite::functions::FunctionFlags;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, params};

/// The SQL function that matches a term against the rows the index has not reached:
/// `hookscope_phrase(subject, body, term)`.
pub(crate) const PHRASE_FN: &str = "hookscope_phrase";

/// The SQL function giving what the index holds of a text: its folded words, separated
/// by spaces. `hookscope_words(text)`.
pub(crate) const WORDS_FN: &str = "hookscope_words";

/// The highest seq in the index, as a subquery.
pub(crate) const INDEXED_UPTO: &str = "(SELECT indexed_upto FROM delivery_words_progress)";

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The words of `text` as the index sees them, not yet case-folded.
fn raw_words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !is_word_char(c))
        .filter(|w| !w.is_empty())
}

/// `word` case-folded, one character at a time (so that a prefix folds as the word it
/// begins: no final-sigma rule).
fn fold(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    fold_into(word, &mut out);
    out
}

/// [`fold`], appending to `out`.
fn fold_into(word: &str, out: &mut String) {
    if word.is_ascii() {
        out.extend(word.bytes().map(|b| char::from(b.to_ascii_lowercase())));
    } else {
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
}

/// The words of a filter term, case-folded; empty when it has none (`--`, `@`).
pub(crate) fn words(term: &str) -> Vec<String> {
    raw_words(term).map(fold).collect()
}

/// What the index holds of `text`: its folded words, separated by spaces. The writer
/// runs this over every delivery, so runs of ASCII word characters (nearly all of a
/// body) are copied and lowercased whole; anything else goes a character at a time,
/// which folds as [`fold`] does (one character at a time).
fn index_text(text: &str) -> String {
    let is_ascii_word = |b: &u8| b.is_ascii_alphanumeric() || *b == b'_';
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut gap = false;
    let mut i = 0;
    while i < bytes.len() {
        let run = bytes[i..].iter().take_while(|b| is_ascii_word(b)).count();
        let (len, word) = if run > 0 {
            (run, true)
        } else if bytes[i].is_ascii() {
            (1, false)
        } else {
            let c = text[i..].chars().next().unwrap_or_default();
            (c.len_utf8(), c.is_alphanumeric())
        };
        if !word {
            gap = true;
        } else {
            if gap && !out.is_empty() {
                out.push(' ');
            }
            gap = false;
            let from = out.len();
            if run > 0 {
                out.push_str(&text[i..i + len]);
                out[from..].make_ascii_lowercase();
            } else {
                out.extend(text[i..i + len].chars().flat_map(char::to_lowercase));
            }
        }
        i += len;
    }
    out
}

/// The FTS5 query for a term's words: a phrase whose last word is a prefix. Words hold
/// only word characters, so none needs escaping.
pub(crate) fn fts_query(words: &[String], whole_words: bool) -> String {
    let phrase = format!("\"{}\"", words.join(" "));
    if whole_words { phrase } else { phrase + " *" }
}

/// `word` equals the case-folded `folded`.
fn word_is(word: &str, folded: &str) -> bool {
    if word.is_ascii() && folded.is_ascii() {
        word.eq_ignore_ascii_case(folded)
    } else {
        fold(word) == folded
    }
}

/// `word` begins with the case-folded `folded`.
fn word_starts(word: &str, folded: &str) -> bool {
    if word.is_ascii() && folded.is_ascii() {
        word.len() >= folded.len()
            && word.as_bytes()[..folded.len()].eq_ignore_ascii_case(folded.as_bytes())
    } else {
        fold(word).starts_with(folded)
    }
}

/// Whether `text` holds the phrase `words` (case-folded, the last one a prefix).
pub(crate) fn phrase_in(text: &str, words: &[String]) -> bool {
    let Some((last, init)) = words.split_last() else {
        return false;
    };
    let found: Vec<&str> = raw_words(text).collect();
    found
        .windows(words.len())
        .any(|w| w.iter().zip(init).all(|(a, b)| word_is(a, b)) && word_starts(w[init.len()], last))
}

/// A text argument as the words functions read it: bytes decoded leniently, so that
/// the index and row-by-row matching see the same characters.
fn text_arg(v: ValueRef<'_>) -> Option<std::borrow::Cow<'_, str>> {
    match v {
        // Checking first is several times faster than the lossy decoder on valid text.
        ValueRef::Text(b) | ValueRef::Blob(b) => Some(match std::str::from_utf8(b) {
            Ok(t) => t.into(),
            Err(_) => String::from_utf8_lossy(b),
        }),
        _ => None,
    }
}

/// Registers [`PHRASE_FN`] and [`WORDS_FN`] on a connection.
pub(crate) fn register(conn: &Connection) -> rusqlite::Result<()> {
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    conn.create_scalar_function(PHRASE_FN, 3, flags, |ctx| {
        // The term's words are worked out once per statement, not once per row.
        let words = ctx.get_or_create_aux(2, |v| -> rusqlite::Result<Vec<String>> {
            Ok(words(v.as_str().unwrap_or_default()))
        })?;
        let hit = |i| text_arg(ctx.get_raw(i)).is_some_and(|t| phrase_in(&t, &words));
        Ok(hit(0) || hit(1))
    })?;
    conn.create_scalar_function(WORDS_FN, 1, flags, |ctx| {
        Ok(text_arg(ctx.get_raw(0)).map(|t| index_text(&t)))
    })
}

/// About how many deliveries the index has not reached: the seqs past it (rows deleted
/// by hand leave gaps, counted too). Two lookups by key, cheap enough after each commit.
pub(crate) fn unindexed_estimate(conn: &Connection) -> rusqlite::Result<u64> {
    conn.prepare_cached(&format!(
        "SELECT coalesce((SELECT max(seq) FROM deliveries), 0) - {INDEXED_UPTO}"
    ))?
    .query_row([], |r| r.get::<_, i64>(0))
    .map(|n| u64::try_from(n).unwrap_or(0))
}

/// Adds up to `limit` deliveries the index has not reached to it, in one transaction.
/// Returns how many; zero when it is up to date.
pub(crate) fn index_pending(conn: &Connection, limit: usize) -> rusqlite::Result<usize> {
    let tx = conn.unchecked_transaction()?;
    // Words of rows deleted by hand go first: one of their seqs may be indexed again.
    let deleted: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM delivery_words_deleted)",
        [],
        |r| r.get(0),
    )?;
    if deleted {
        tx.execute_batch(
            "DELETE FROM delivery_words WHERE rowid IN (SELECT seq FROM delivery_words_deleted);
             DELETE FROM delivery_words_deleted;",
        )?;
    }
    let upto: i64 = tx.query_row(&format!("SELECT {INDEXED_UPTO}"), [], |r| r.get(0))?;
    let last: Option<i64> = tx
        .prepare_cached(
            "SELECT max(seq) FROM (SELECT seq FROM deliveries WHERE seq > ?1 ORDER BY seq \
             LIMIT ?2)",
        )?
        .query_row(params![upto, limit as i64], |r| r.get(0))?;
    let Some(last) = last else {
        tx.commit()?;
        return Ok(0);
    };
    let added = tx
        .prepare_cached(&format!(
            "INSERT INTO delivery_words (rowid, subject, body) SELECT seq, \
             {WORDS_FN}(subject), {WORDS_FN}(body) FROM deliveries WHERE seq > ?1 AND seq <= ?2"
        ))?
        .execute(params![upto, last])?;
    tx.prepare_cached("UPDATE delivery_words_progress SET indexed_upto = ?1 WHERE id = 1")?
        .execute([last])?;
    tx.commit()?;
    Ok(added)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(term: &str) -> Vec<String> {
        words(term)
    }

    #[test]
    fn words_split_on_anything_but_letters_digits_and_underscores() {
        assert_eq!(
            w("Grace.Hopper@example.com cand_0042 job-7"),
            ["grace", "hopper", "example", "com", "cand_0042", "job", "7"]
        );
        assert!(w("-- @ !").is_empty());
        assert_eq!(w("Ünïcode ÅB"), ["ünïcode", "åb"]);
    }

    #[test]
    fn a_phrase_matches_words_in_order_the_last_by_its_beginning() {
        let text = r#"{"name":"Grace Hopper","email":"grace.hopper@example.com"}"#;
        assert!(phrase_in(text, &w("grace hop")));
        assert!(phrase_in(text, &w("GRACE.HOPPER@EXAMPLE")));
        assert!(phrase_in(text, &w("hopper")));
        assert!(!phrase_in(text, &w("race")), "not from inside a word");
        assert!(!phrase_in(text, &w("hopper grace")), "order counts");
        assert!(
            !phrase_in(text, &w("gra hopper")),
            "only the last word is a prefix"
        );
        assert!(!phrase_in(text, &[]));
    }

    #[test]
    fn non_ascii_words_fold_case() {
        assert!(phrase_in("Zoë ÅSTRÖM", &w("åström")));
        assert!(phrase_in("Zoë ÅSTRÖM", &w("zoë åst")));
        assert!(!phrase_in("Zoe", &w("zoë")), "diacritics are kept");
        assert!(
            phrase_in("ΟΔΟΣΤΡΩΜΑ", &w("ΟΔΟΣ")),
            "no final sigma in a prefix"
        );
        assert_eq!(index_text("Grace HOPPER, İz"), "grace hopper i\u{307}z");
    }

    /// What the index held of `text` word by word, as filters read words.
    fn index_text_by_words(text: &str) -> String {
        raw_words(text).map(fold).collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn the_index_holds_the_words_filters_read() {
        for text in [
            "",
            "   ",
            "--a--",
            r#"{"Name":"Grace Hopper","email":"grace.hopper@example.com","n":42}"#,
            "cand_0042 JOB-7\tx\n_y_ ",
            "\u{1}\u{7f}end",
            "Zoë ÅSTRÖM–Núñez ΟΔΟΣ İz 東京_x",
        ] {
            assert_eq!(index_text(text), index_text_by_words(text), "{text:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn any_text_is_indexed_as_its_words(text in "\\PC{0,120}|[ -~é–Ñ]{0,120}") {
            proptest::prop_assert_eq!(index_text(&text), index_text_by_words(&text));
        }
    }

    #[test]
    fn the_query_is_a_prefix_phrase() {
        assert_eq!(fts_query(&w("Grace hop"), false), "\"grace hop\" *");
        assert_eq!(fts_query(&w("Grace hop"), true), "\"grace hop\"");
    }
}
