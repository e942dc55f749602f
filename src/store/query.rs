//! Filtered reads for the live table: counts and pages of the rows matching a [`Filter`],
//! done in SQL so that only the rows on screen are ever loaded.

use rusqlite::params_from_iter;
use rusqlite::types::Value;

use super::StoreError;
use super::read::{ROW_COLUMNS, Row, SqliteReader, read_row};
use super::search::{self, INDEXED_UPTO, PHRASE_FN};
use crate::model::ProviderId;
use crate::signature::{Hint, Status};

/// Which deliveries to show. Every non-empty list must match (they are AND-ed); within a
/// list any value will do (OR); every text term must occur in the subject or the body;
/// nothing in [`Filter::not`] may match.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub providers: Vec<ProviderId>,
    pub statuses: Vec<Status>,
    pub hints: Vec<Hint>,
    /// Event names, compared case-insensitively (ASCII), whole or as one ` · ` part of
    /// a name (`Under Review` matches `Result Update · Under Review`).
    pub events: Vec<String>,
    /// Free-text terms, each matched as words in the subject or the body (see
    /// `search.rs`); a term without words is found as a plain substring.
    pub text: Vec<String>,
    /// Our answer's status code in any of these ranges.
    pub answers: Vec<Answer>,
    /// Delivery id prefixes (lower case), any of them.
    pub ids: Vec<String>,
    /// Only deliveries received within this many seconds of the query.
    pub since_secs: Option<u64>,
    /// What must not match.
    pub not: Box<Exclusions>,
    /// Every word of the text terms is matched whole, the last one too: a first look
    /// that the word index answers without expanding a prefix into every word that
    /// begins with it (`com` of an email into `communication`, `company`…). Its matches
    /// are some of the filter's own.
    pub whole_words: bool,
}

/// The negated words of a filter (`-classet`, `-failed`): a delivery matching any one is
/// left out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Exclusions {
    pub providers: Vec<ProviderId>,
    pub statuses: Vec<Status>,
    pub hints: Vec<Hint>,
    pub events: Vec<String>,
    pub text: Vec<String>,
    pub answers: Vec<Answer>,
}

impl Exclusions {
    pub(crate) fn is_empty(&self) -> bool {
        self.providers.is_empty()
            && self.statuses.is_empty()
            && self.hints.is_empty()
            && self.events.is_empty()
            && self.text.is_empty()
            && self.answers.is_empty()
    }
}

/// A range of HTTP status codes: `401`, or a class such as `4xx`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Answer {
    pub from: u16,
    pub to: u16,
}

impl Answer {
    /// `401` or `4xx` (any case).
    pub fn parse(text: &str) -> Option<Answer> {
        let t = text.to_ascii_lowercase();
        if let Some(class) = t.strip_suffix("xx") {
            let d: u16 = class.parse().ok().filter(|d| (1..=5).contains(d))?;
            return Some(Answer {
                from: d * 100,
                to: d * 100 + 99,
            });
        }
        let code: u16 = t.parse().ok().filter(|c| (100..=599).contains(c))?;
        Some(Answer {
            from: code,
            to: code,
        })
    }

    pub(crate) fn label(self) -> String {
        if self.from == self.to {
            self.from.to_string()
        } else {
            format!("{}xx", self.from / 100)
        }
    }

    fn sql(self, params: &mut Vec<Value>) -> String {
        params.push(Value::Integer(i64::from(self.from)));
        params.push(Value::Integer(i64::from(self.to)));
        "response_status BETWEEN ? AND ?".into()
    }

    /// Whether no 2xx code is in the range: the answers the partial index
    /// `deliveries_answer` holds.
    fn outside_2xx(self) -> bool {
        self.to < 200 || self.from > 299
    }
}

/// Answers in `answers`: by the partial index of the answers other than 2xx when none of
/// them is a 2xx. The condition repeats the index's own, as SQL text, so that the
/// planner sees that the index holds every row it asks for.
fn answers_sql(answers: &[Answer], params: &mut Vec<Value>) -> Option<String> {
    let any = any_sql(answers, params, |a, p| a.sql(p))?;
    Some(if answers.iter().all(|a| a.outside_2xx()) {
        format!("({any} AND {NOT_2XX})")
    } else {
        any
    })
}

/// The condition of the partial index `deliveries_answer` (schema v5), word for word.
const NOT_2XX: &str = "response_status NOT BETWEEN 200 AND 299";

/// The earliest time `since:` lets through; `None` for a span reaching before year 1
/// (every delivery), which no store needs to compare.
pub(super) fn since(secs: u64) -> Option<chrono::DateTime<chrono::Utc>> {
    let from = chrono::TimeDelta::try_seconds(i64::try_from(secs).ok()?)
        .and_then(|d| chrono::Utc::now().checked_sub_signed(d))?;
    (chrono::Datelike::year(&from) >= 1).then_some(from)
}

/// `(a OR b …)` over items, or nothing for none.
fn any_sql<T>(
    items: &[T],
    params: &mut Vec<Value>,
    one: impl Fn(&T, &mut Vec<Value>) -> String,
) -> Option<String> {
    if items.is_empty() {
        return None;
    }
    let parts: Vec<String> = items.iter().map(|i| one(i, params)).collect();
    Some(format!("({})", parts.join(" OR ")))
}

/// Events named in `events`: the stored names (`delivery_events`, a few rows) that match
/// are worked out first, then found in the event index. Both sides compare NOCASE, as
/// `lower()` does (ASCII), so every spelling of a name is found.
fn events_sql(events: &[String], params: &mut Vec<Value>) -> Option<String> {
    let names = any_sql(events, params, |e, p| event_sql(e, p))?;
    Some(format!(
        "event COLLATE NOCASE IN (SELECT name FROM delivery_events WHERE {names})"
    ))
}

/// A name (column `name`) equal to `e`, or having it as one ` · ` part.
fn event_sql(e: &str, params: &mut Vec<Value>) -> String {
    let e = e.to_ascii_lowercase();
    let escaped: String = like_pattern(&e)
        .trim_start_matches('%')
        .trim_end_matches('%')
        .to_string();
    params.push(Value::Text(e));
    params.push(Value::Text(format!("%· {escaped}")));
    params.push(Value::Text(format!("{escaped} ·%")));
    "(lower(name) = ? OR lower(name) LIKE ? ESCAPE '\\' OR lower(name) LIKE ? ESCAPE '\\')".into()
}

fn in_sql(
    column: &str,
    values: Vec<String>,
    negate: bool,
    params: &mut Vec<Value>,
) -> Option<String> {
    if values.is_empty() {
        return None;
    }
    let marks = vec!["?"; values.len()].join(", ");
    params.extend(values.into_iter().map(Value::Text));
    Some(if negate {
        // A NULL column is not any of the values.
        format!("({column} IS NULL OR {column} NOT IN ({marks}))")
    } else {
        format!("{column} IN ({marks})")
    })
}

impl Filter {
    pub(crate) fn is_empty(&self) -> bool {
        self.providers.is_empty()
            && self.statuses.is_empty()
            && self.hints.is_empty()
            && self.events.is_empty()
            && self.text.is_empty()
            && self.answers.is_empty()
            && self.ids.is_empty()
            && self.since_secs.is_none()
            && self.not.is_empty()
    }

    /// The SQL conditions (AND-ed) for the rows in `range`, and their parameters;
    /// `indexed` is how far the word index reaches.
    fn conditions(&self, range: SeqRange, indexed: i64, params: &mut Vec<Value>) -> Vec<String> {
        let mut out = Vec::new();
        // Over a few new rows the seq range is the way in; the (provider, subject) index
        // would walk all of a provider's rows.
        // Left out too when a status is excluded (and none asked for): the (status,
        // provider) index then answers from its entries alone, where the (provider,
        // subject) one would read each of a provider's rows for its status.
        let provider = if range.after.is_some()
            || (self.statuses.is_empty() && !self.not.statuses.is_empty())
        {
            "+provider"
        } else {
            "provider"
        };
        let names = |p: &[ProviderId]| p.iter().map(|p| p.as_str().to_string()).collect();
        let statuses = |s: &[Status]| s.iter().map(|s| s.as_str().to_string()).collect();
        let hints = |h: &[Hint]| h.iter().map(|h| h.as_str().to_string()).collect();
        out.extend(in_sql(provider, names(&self.providers), false, params));
        out.extend(in_sql(
            "verification_status",
            statuses(&self.statuses),
            false,
            params,
        ));
        out.extend(in_sql(
            "verification_hint",
            hints(&self.hints),
            false,
            params,
        ));
        out.extend(events_sql(&self.events, params));
        out.extend(answers_sql(&self.answers, params));
        out.extend(any_sql(&self.ids, params, |prefix, p| {
            // A range of the id index: every id starting with the prefix sorts before
            // the prefix followed by the highest character.
            p.push(Value::Text(prefix.clone()));
            p.push(Value::Text(format!("{prefix}\u{10ffff}")));
            "(id >= ? AND id < ?)".into()
        }));
        if let Some(from) = self.since_secs.and_then(since) {
            params.push(Value::Text(crate::model::rfc3339(from)));
            out.push("received_at >= ?".into());
        }
        if let Some(set) = word_set(&self.text, self.whole_words, range, indexed, params) {
            out.push(format!("seq IN ({set})"));
        }
        for term in self.text.iter().filter(|t| search::words(t).is_empty()) {
            out.push(substring_sql(term, params));
        }
        let not = &self.not;
        out.extend(in_sql(provider, names(&not.providers), true, params));
        out.extend(in_sql(
            "verification_status",
            statuses(&not.statuses),
            true,
            params,
        ));
        out.extend(in_sql("verification_hint", hints(&not.hints), true, params));
        if let Some(any) = events_sql(&not.events, params) {
            out.push(format!("(event IS NULL OR NOT {any})"));
        }
        if let Some(any) = any_sql(&not.answers, params, |a, p| a.sql(p)) {
            out.push(format!("NOT {any}"));
        }
        for term in &not.text {
            if search::words(term).is_empty() {
                let found = substring_sql(term, params);
                out.push(format!("NOT {found}"));
            } else if let Some(set) =
                word_set(std::slice::from_ref(term), false, range, indexed, params)
            {
                out.push(format!("seq NOT IN ({set})"));
            }
        }
        range.push(&mut out, params);
        out
    }

    /// The query for the seqs in `range` matching the filter, in no particular order.
    fn matching_sql(&self, range: SeqRange, indexed: i64, params: &mut Vec<Value>) -> String {
        match self.word_matches(range, indexed, params) {
            // Rows need not be read at all.
            Some(set) if self.words_only() => set,
            _ => {
                params.clear();
                let conditions = self.conditions(range, indexed, params);
                // No ORDER BY: an index answers in its own order, and sorting the seqs
                // afterwards costs a fraction of SQLite sorting them.
                format!("SELECT seq FROM deliveries {}", where_sql(&conditions))
            }
        }
    }

    /// Whether a text term has words, looked up in the word index.
    pub(crate) fn has_words(&self) -> bool {
        self.text.iter().any(|t| !search::words(t).is_empty())
    }

    /// The filter is free text with words and nothing else: the word index alone
    /// answers it.
    fn words_only(&self) -> bool {
        let rest = Filter {
            text: Vec::new(),
            ..self.clone()
        };
        rest.is_empty()
            && !self.text.is_empty()
            && self.text.iter().all(|t| !search::words(t).is_empty())
    }

    /// The seqs in `range` holding every text term that has words (see `search.rs`), as
    /// a query: found in the word index up to `indexed`, where it reaches, and row by row
    /// after that. Each part is bounded by `range` and left out when the range misses it,
    /// so that looking at a few new rows never searches them all. `None` when no term
    /// has words.
    fn word_matches(
        &self,
        range: SeqRange,
        indexed: i64,
        params: &mut Vec<Value>,
    ) -> Option<String> {
        word_set(&self.text, self.whole_words, range, indexed, params)
    }
}

/// The seqs in `range` holding every one of `text`'s terms that has words, as a query
/// (see [`Filter::word_matches`]); `None` when no term has words.
fn word_set(
    text: &[String],
    whole_words: bool,
    range: SeqRange,
    indexed: i64,
    params: &mut Vec<Value>,
) -> Option<String> {
    let terms: Vec<(&String, Vec<String>)> = text
        .iter()
        .map(|t| (t, search::words(t)))
        .filter(|(_, w)| !w.is_empty())
        .collect();
    if terms.is_empty() {
        return None;
    }
    let fts = terms
        .iter()
        .map(|(_, w)| search::fts_query(w, whole_words))
        .collect::<Vec<_>>()
        .join(" AND ");
    let after = range.after.unwrap_or(i64::MIN);
    let upto = range.upto.unwrap_or(i64::MAX);
    let mut parts = Vec::new();
    if after < indexed {
        params.extend([
            Value::Text(fts),
            Value::Integer(after),
            Value::Integer(upto.min(indexed)),
        ]);
        // Rows deleted by hand stay in the index until the writer next indexes.
        parts.push(
            "SELECT rowid FROM delivery_words WHERE delivery_words MATCH ? \
             AND rowid > ? AND rowid <= ? \
             AND rowid NOT IN (SELECT seq FROM delivery_words_deleted)"
                .to_string(),
        );
    }
    if upto > indexed {
        params.extend([Value::Integer(after.max(indexed)), Value::Integer(upto)]);
        let row_by_row = terms
            .iter()
            .map(|(term, _)| {
                params.push(Value::Text(term.to_string()));
                format!("{PHRASE_FN}(subject, body, ?)")
            })
            .collect::<Vec<_>>()
            .join(" AND ");
        parts.push(format!(
            "SELECT seq FROM deliveries WHERE seq > ? AND seq <= ? AND {row_by_row}"
        ));
    }
    if parts.is_empty() {
        // An empty range.
        parts.push("SELECT 0 WHERE 0".into());
    }
    Some(parts.join(" UNION ALL "))
}

/// `term` as a plain substring of the subject or the body.
fn substring_sql(term: &str, params: &mut Vec<Value>) -> String {
    // Only punctuation (`--`, `@`): nothing for the index.
    let pattern = like_pattern(term);
    params.push(Value::Text(pattern.clone()));
    params.push(Value::Text(pattern));
    // coalesce: a delivery without a subject does not hold the term there, so that
    // `NOT` of this keeps it.
    "(coalesce(subject LIKE ? ESCAPE '\\', 0) OR CAST(body AS TEXT) LIKE ? ESCAPE '\\')".into()
}

/// `%term%` with LIKE's wildcards in `term` taken literally.
pub(super) fn like_pattern(term: &str) -> String {
    let mut p = String::with_capacity(term.len() + 2);
    p.push('%');
    for c in term.chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

/// How many deliveries there are, by verification status, up to `last_seq`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// The highest seq counted; `None` when nothing was.
    pub last_seq: Option<i64>,
    pub total: u64,
    pub verified: u64,
    pub failed: u64,
    pub unsigned: u64,
    pub unchecked: u64,
}

impl Tally {
    /// Adds a tally of later rows to this one.
    pub(crate) fn add(&mut self, later: Tally) {
        self.last_seq = later.last_seq.or(self.last_seq);
        self.total += later.total;
        self.verified += later.verified;
        self.failed += later.failed;
        self.unsigned += later.unsigned;
        self.unchecked += later.unchecked;
    }
}

/// Rows with `seq` in `(after, upto]`; an open end when `None`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SeqRange {
    pub after: Option<i64>,
    pub upto: Option<i64>,
}

impl SeqRange {
    fn push(self, conditions: &mut Vec<String>, params: &mut Vec<Value>) {
        if let Some(a) = self.after {
            conditions.push("seq > ?".into());
            params.push(Value::Integer(a));
        }
        if let Some(u) = self.upto {
            // Over the whole history the bound holds for nearly every row: as an index
            // range it would have the planner walk the table by seq rather than scan a
            // far smaller index holding the columns asked about (`+` keeps it a check).
            conditions.push(
                if self.after.is_some() {
                    "seq <= ?"
                } else {
                    "+seq <= ?"
                }
                .into(),
            );
            params.push(Value::Integer(u));
        }
    }
}

fn where_sql(conditions: &[String]) -> String {
    if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    }
}

impl SqliteReader {
    /// Counts the deliveries stored after seq `after` (all when `None`), by status, in
    /// one statement so that the counts and `last_seq` agree.
    pub(crate) fn tally(&self, after: Option<i64>) -> Result<Tally, StoreError> {
        let mut stmt = self
            .conn()
            .prepare_cached(
                "SELECT verification_status, count(*), max(seq) FROM deliveries \
                 WHERE seq > ?1 GROUP BY verification_status",
            )
            .map_err(|e| self.err(e))?;
        let groups = stmt
            .query_map([after.unwrap_or(i64::MIN)], |r| {
                Ok((
                    r.get::<_, Option<String>>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, Option<i64>>(2)?,
                ))
            })
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(|e| self.err(e))?;
        let mut t = Tally::default();
        for (status, n, max) in groups {
            let n = u64::try_from(n).unwrap_or(0);
            t.total += n;
            t.last_seq = t.last_seq.max(max);
            // An unreadable status claims nothing, as in the row reader.
            match status.as_deref().and_then(Status::parse) {
                Some(Status::Verified) => t.verified += n,
                Some(Status::Failed) => t.failed += n,
                Some(Status::Unsigned) => t.unsigned += n,
                Some(Status::Unchecked) | None => t.unchecked += n,
            }
        }
        Ok(t)
    }

    /// How many deliveries in `range` match `filter`.
    pub(crate) fn count_matching(
        &self,
        filter: &Filter,
        range: SeqRange,
    ) -> Result<u64, StoreError> {
        let indexed = self.indexed_upto()?;
        let mut params = Vec::new();
        let conditions = filter.conditions(range, indexed, &mut params);
        let sql = format!("SELECT count(*) FROM deliveries {}", where_sql(&conditions));
        let n: i64 = self
            .conn()
            .prepare_cached(&sql)
            .and_then(|mut s| s.query_row(params_from_iter(params), |r| r.get(0)))
            .map_err(|e| self.err(e))?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// How far the word index reaches. Read before a query that uses it: it only grows,
    /// so a query seeing more indexed rows than this still matches them, row by row.
    fn indexed_upto(&self) -> Result<i64, StoreError> {
        self.conn()
            .prepare_cached(&format!("SELECT {INDEXED_UPTO}"))
            .and_then(|mut s| s.query_row([], |r| r.get(0)))
            .map_err(|e| self.err(e))
    }

    /// The seqs of the deliveries in `range` matching `filter`, in arrival order: what a
    /// filtered table pages through, so that any page is read by key.
    pub(crate) fn matching_seqs(
        &self,
        filter: &Filter,
        range: SeqRange,
    ) -> Result<Vec<i64>, StoreError> {
        let indexed = self.indexed_upto()?;
        let mut params = Vec::new();
        let sql = filter.matching_sql(range, indexed, &mut params);
        let mut seqs = self
            .conn()
            .prepare_cached(&sql)
            .and_then(|mut s| {
                s.query_map(params_from_iter(params), |r| r.get(0))?
                    .collect::<rusqlite::Result<Vec<i64>>>()
            })
            .map_err(|e| self.err(e))?;
        // The word index answers in seq order; other indexes by their own key.
        if !seqs.is_sorted() {
            seqs.sort_unstable();
        }
        Ok(seqs)
    }

    /// The rows with these seqs, in arrival order; seqs no longer stored are skipped.
    pub(crate) fn rows_at(&self, seqs: &[i64]) -> Result<Vec<Row>, StoreError> {
        if seqs.is_empty() {
            return Ok(Vec::new());
        }
        let list = serde_json::to_string(seqs).unwrap_or_else(|_| "[]".into());
        self.conn()
            .prepare_cached(&format!(
                "SELECT {ROW_COLUMNS} FROM deliveries \
                 WHERE seq IN (SELECT value FROM json_each(?1)) ORDER BY seq"
            ))
            .and_then(|mut s| {
                s.query_map([list], read_row)?
                    .collect::<rusqlite::Result<Vec<_>>>()
            })
            .map_err(|e| self.err(e))
    }

    /// Every event name stored, as first spelled, for recognising event names in a filter.
    pub(crate) fn event_names(&self) -> Result<Vec<String>, StoreError> {
        self.conn()
            .prepare_cached("SELECT name FROM delivery_events ORDER BY name")
            .and_then(|mut s| {
                s.query_map([], |r| r.get::<_, String>(0))?
                    .collect::<rusqlite::Result<Vec<_>>>()
            })
            .map_err(|e| self.err(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_wildcards_in_terms_are_literal() {
        assert_eq!(like_pattern("50%_a\\b"), "%50\\%\\_a\\\\b%");
    }

    #[test]
    fn empty_filter_has_no_conditions() {
        let mut params = Vec::new();
        assert!(
            Filter::default()
                .conditions(SeqRange::default(), 0, &mut params)
                .is_empty()
        );
        assert!(params.is_empty());
        assert!(Filter::default().is_empty());
    }

    #[test]
    fn lists_become_in_clauses_and_terms_word_searches() {
        let f = Filter {
            providers: vec![ProviderId::CLASSET, ProviderId::BRILLIANT],
            statuses: vec![Status::Failed],
            text: vec!["cand_1".into(), "--".into()],
            ..Filter::default()
        };
        let mut params = Vec::new();
        let c = f.conditions(SeqRange::default(), 10, &mut params);
        assert_eq!(c[0], "provider IN (?, ?)");
        assert_eq!(c[1], "verification_status IN (?)");
        assert!(c[2].contains("MATCH ?"), "{}", c[2]);
        assert!(c[3].contains("subject LIKE ?"), "{}", c[3]);
        assert_eq!(params.len(), 3 + 6 + 2);
        assert_eq!(params[3], Value::Text("\"cand_1\" *".into()));
        assert!(!f.words_only());
    }

    #[test]
    fn terms_share_one_index_query() {
        let f = Filter {
            text: vec!["Grace".into(), "hop-per".into()],
            ..Filter::default()
        };
        let mut params = Vec::new();
        let set = f
            .word_matches(SeqRange::default(), 10, &mut params)
            .unwrap();
        assert_eq!(
            params[0],
            Value::Text("\"grace\" * AND \"hop per\" *".into())
        );
        assert_eq!(set.matches(PHRASE_FN).count(), 2);
        assert!(f.words_only());
        // New rows past the index: no index lookup at all.
        let new = SeqRange {
            after: Some(10),
            upto: Some(12),
        };
        let set = f.word_matches(new, 10, &mut Vec::new()).unwrap();
        assert!(!set.contains("MATCH"), "{set}");
        // All indexed: no row-by-row part.
        let old = SeqRange {
            after: None,
            upto: Some(10),
        };
        let set = f.word_matches(old, 10, &mut Vec::new()).unwrap();
        assert!(!set.contains(PHRASE_FN), "{set}");
    }

    /// Every qualifier is answered from an index, never by reading every row: the plan
    /// of each filter's query names no scan of the table itself.
    #[test]
    fn each_qualifier_is_found_through_an_index() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        super::super::schema::prepare(&conn, std::path::Path::new("t.db"), false).unwrap();
        let filters = [
            Filter {
                providers: vec![ProviderId::CLASSET],
                ..Filter::default()
            },
            Filter {
                statuses: vec![Status::Failed],
                ..Filter::default()
            },
            Filter {
                providers: vec![ProviderId::CLASSET],
                statuses: vec![Status::Failed, Status::Unsigned],
                ..Filter::default()
            },
            Filter {
                hints: vec![Hint::WrongSecret, Hint::SecretEncoding],
                ..Filter::default()
            },
            Filter {
                events: vec!["Result Update".into()],
                ..Filter::default()
            },
            Filter {
                answers: vec![Answer::parse("4xx").unwrap(), Answer::parse("503").unwrap()],
                ..Filter::default()
            },
            Filter {
                since_secs: Some(900),
                ..Filter::default()
            },
            Filter {
                ids: vec!["0193a5b0-".into()],
                ..Filter::default()
            },
            Filter {
                text: vec!["grace hopper".into()],
                ..Filter::default()
            },
            Filter {
                not: Box::new(Exclusions {
                    providers: vec![ProviderId::CLASSET],
                    statuses: vec![Status::Failed],
                    ..Exclusions::default()
                }),
                ..Filter::default()
            },
            Filter {
                not: Box::new(Exclusions {
                    providers: vec![ProviderId::CLASSET],
                    ..Exclusions::default()
                }),
                ..Filter::default()
            },
            Filter {
                providers: vec![ProviderId::CLASSET],
                not: Box::new(Exclusions {
                    statuses: vec![Status::Failed],
                    ..Exclusions::default()
                }),
                ..Filter::default()
            },
        ];
        for filter in filters {
            let mut params = Vec::new();
            // As the table searches: the history up to the last row counted.
            let all = SeqRange {
                after: None,
                upto: Some(1_000_000),
            };
            let sql = filter.matching_sql(all, 1_000_000, &mut params);
            let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
            let plan: Vec<String> = stmt
                .query_map(params_from_iter(params), |r| r.get(3))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap();
            // Neither the table read row by row nor an index pointing into it.
            assert!(
                !plan.iter().any(|step| step == "SCAN deliveries"
                    || step.starts_with("SEARCH deliveries USING INTEGER PRIMARY KEY")
                    || step.starts_with("SEARCH deliveries USING INDEX")),
                "{filter:?}: {plan:?}"
            );
        }
    }
}
