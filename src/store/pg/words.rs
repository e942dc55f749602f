//! Free text in PostgreSQL. A term means what it means on SQLite (`search.rs`): its
//! words in order in the subject or the body, case-folded, the last one by its
//! beginning. The words are split and folded by hookscope's own code and kept in a
//! `tsvector` of hex-encoded lexemes, written and queried as literals, so PostgreSQL's
//! parser and dictionaries never reinterpret them. The index answers "every word of the
//! term occurs" (a superset); the rows it finds are then checked for the phrase with
//! [`phrase_in`], exactly as on SQLite.

use std::collections::HashSet;
use std::error::Error;

use bytes::{BufMut, BytesMut};
use postgres::types::{IsNull, ToSql, Type, to_sql_checked};

use crate::store::search::{phrase_in, words};

/// Longest lexeme kept, in hex digits (PostgreSQL refuses lexemes over 2 KiB). A longer
/// word is kept by its beginning, and a term word that long is looked up as a prefix.
pub(super) const MAX_LEXEME: usize = 2000;

/// A tsvector stops at 1 MiB; a row whose words would not fit keeps none and is checked
/// row by row instead.
const MAX_VECTOR: usize = 900_000;

fn lexeme(word: &str) -> (String, bool) {
    // By table rather than `write!`: the writer thread encodes every word of every body.
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut hex = String::with_capacity((word.len() * 2).min(MAX_LEXEME));
    for b in word.bytes() {
        hex.push(char::from(DIGITS[usize::from(b >> 4)]));
        hex.push(char::from(DIGITS[usize::from(b & 0xf)]));
        if hex.len() >= MAX_LEXEME {
            return (hex, true);
        }
    }
    (hex, false)
}

/// A row's `words`, its hex lexemes separated by spaces, sent to the server in
/// tsvector's binary form: parsing the text form costs the server more than the rest of
/// an insert but the indexes.
#[derive(Debug)]
pub(super) struct Vector(pub(super) String);

impl ToSql for Vector {
    fn to_sql(&self, _: &Type, out: &mut BytesMut) -> Result<IsNull, Box<dyn Error + Sync + Send>> {
        // A count, then each lexeme NUL-terminated with no positions; the server sorts
        // them. Lexemes are distinct (`vector`) and hex, so never hold a NUL.
        let lexemes = || self.0.split(' ').filter(|l| !l.is_empty());
        out.put_i32(i32::try_from(lexemes().count())?);
        for l in lexemes() {
            out.put_slice(l.as_bytes());
            out.put_u8(0);
            out.put_u16(0);
        }
        Ok(IsNull::No)
    }

    fn accepts(ty: &Type) -> bool {
        *ty == Type::TS_VECTOR
    }

    to_sql_checked!();
}

/// The `words` column of a row: its hex lexemes, `None` when they would be too many.
pub(crate) fn vector(subject: Option<&str>, body: &[u8]) -> Option<String> {
    let body = String::from_utf8_lossy(body);
    let mut seen = HashSet::new();
    // Words cut to the same beginning: the binary form must not repeat a lexeme.
    let mut cut_seen = HashSet::new();
    let mut out = String::new();
    for w in subject.into_iter().flat_map(words).chain(words(&body)) {
        if seen.insert(w.clone()) {
            let (hex, cut) = lexeme(&w);
            if cut && !cut_seen.insert(hex.clone()) {
                continue;
            }
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&hex);
            if out.len() > MAX_VECTOR {
                return None;
            }
        }
    }
    Some(out)
}

/// The tsquery literal finding rows that hold every word of `term` (the last unless
/// `whole_words`, and any cut short, as prefixes); `None` for a term without words.
pub(crate) fn query(term: &str, whole_words: bool) -> Option<String> {
    let words = words(term);
    let last = words.len().checked_sub(1)?;
    let parts: Vec<String> = words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let (hex, cut) = lexeme(w);
            if cut || (i == last && !whole_words) {
                format!("{hex}:*")
            } else {
                hex
            }
        })
        .collect();
    Some(parts.join(" & "))
}

/// Whether a row found by the index holds every term as a phrase.
pub(crate) fn row_matches(terms: &[Vec<String>], subject: Option<&str>, body: &[u8]) -> bool {
    let body = String::from_utf8_lossy(body);
    terms
        .iter()
        .all(|w| subject.is_some_and(|s| phrase_in(s, w)) || phrase_in(&body, w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_become_hex_lexemes_once_each() {
        assert_eq!(
            vector(Some("Grace"), b"grace HOPPER").unwrap(),
            "6772616365 686f70706572"
        );
        assert_eq!(vector(None, b"--").unwrap(), "");
    }

    #[test]
    fn words_cut_to_one_beginning_are_one_lexeme() {
        let a = format!("{}a", "x".repeat(3000));
        let b = format!("{}b", "x".repeat(3000));
        let v = vector(None, format!("{a} {b}").as_bytes()).unwrap();
        assert_eq!(v.len(), MAX_LEXEME);
    }

    #[test]
    fn the_binary_form_counts_and_ends_each_lexeme() {
        let mut out = BytesMut::new();
        Vector("6162 63".into())
            .to_sql(&Type::TS_VECTOR, &mut out)
            .unwrap();
        assert_eq!(&out[..], b"\0\0\0\x026162\0\0\x0063\0\0\0");
    }

    #[test]
    fn a_term_asks_for_all_its_words_the_last_by_prefix() {
        assert_eq!(query("Grace hop", false).unwrap(), "6772616365 & 686f70:*");
        assert_eq!(query("Grace hop", true).unwrap(), "6772616365 & 686f70");
        assert!(query("--", false).is_none());
    }

    #[test]
    fn long_words_are_cut_and_found_by_prefix() {
        let long = "a".repeat(5000);
        let v = vector(None, long.as_bytes()).unwrap();
        assert_eq!(v.len(), MAX_LEXEME);
        let q = query(&format!("{long} b"), false).unwrap();
        assert!(q.starts_with(&"61".repeat(1000)));
        assert!(q.contains(":* & 62:*"), "{q}");
    }

    #[test]
    fn the_phrase_check_is_the_sqlite_one() {
        let terms = vec![words("grace hop")];
        assert!(row_matches(&terms, None, b"Grace Hopper"));
        assert!(!row_matches(&terms, None, b"hopper grace"));
        assert!(row_matches(&terms, Some("grace hopper"), b""));
    }
}
