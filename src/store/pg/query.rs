//! Filtered reads over PostgreSQL: the same [`Filter`] words and results as on SQLite
//! (`store/query.rs`). Lists become `= ANY(...)`, event names are compared with ASCII
//! case folding as SQLite's `lower()` does, and free text goes through the `words`
//! index (see `words.rs`), its finds checked for the phrase where the index alone
//! cannot tell.

use postgres::types::ToSql;

use super::read::{Conn, PgReader};
use super::words;
use crate::model::ProviderId;
use crate::signature::{Hint, Status};
use crate::store::query::{like_pattern, since};
use crate::store::search;
use crate::store::{Answer, Filter, SeqRange, StoreError};

type Param = Box<dyn ToSql + Sync + Send>;

/// SQL text and its parameters, built together so the placeholders stay numbered.
#[derive(Default)]
struct Sql {
    conditions: Vec<String>,
    params: Vec<Param>,
}

impl Sql {
    fn param(&mut self, p: impl ToSql + Sync + Send + 'static) -> String {
        self.params.push(Box::new(p));
        format!("${}", self.params.len())
    }

    fn any(&mut self, column: &str, values: Vec<String>) {
        if !values.is_empty() {
            let p = self.param(values);
            self.conditions.push(format!("{column} = ANY({p})"));
        }
    }

    fn where_sql(&self) -> String {
        if self.conditions.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", self.conditions.join(" AND "))
        }
    }

    fn refs(&self) -> Vec<&(dyn ToSql + Sync)> {
        self.params
            .iter()
            .map(|p| p.as_ref() as &(dyn ToSql + Sync))
            .collect()
    }
}

/// SQLite's `lower()`: ASCII letters only.
const ASCII_LOWER: &str =
    "translate(event, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')";

/// What the index cannot decide, checked on the rows it lets through: positive terms of
/// several words (the index knows they occur, not in what order) or with a word longer
/// than a lexeme, and every negated term that has words.
struct Check {
    terms: Vec<Vec<String>>,
    not: Vec<Vec<String>>,
    /// SQL saying which rows need the check (`None`: none do).
    need: Option<String>,
}

impl Check {
    fn keeps(&self, subject: Option<&str>, body: &[u8]) -> bool {
        words::row_matches(&self.terms, subject, body)
            && !self
                .not
                .iter()
                .any(|w| words::row_matches(std::slice::from_ref(w), subject, body))
    }
}

impl Sql {
    /// Events whose name is one of `names`, as [`EventKeys`] resolved them.
    fn event(&mut self, events: &EventKeys, names: &[String]) -> String {
        let p = self.param(names.to_vec());
        if events.current {
            // As the index is: the names listed are never longer.
            format!("(event = ANY({p}) AND octet_length(event) <= 1024)")
        } else {
            format!("{ASCII_LOWER} = ANY({p})")
        }
    }

    fn answer(&mut self, a: &Answer) -> String {
        let from = self.param(i32::from(a.from));
        let to = self.param(i32::from(a.to));
        format!("response_status BETWEEN {from} AND {to}")
    }

    fn substring(&mut self, term: &str) -> String {
        // Only punctuation (`--`, `@`): a plain substring, as on SQLite.
        let t = self.param(term.to_string());
        let b = self.param(term.as_bytes().to_vec());
        format!("(coalesce(strpos(subject, {t}) > 0, false) OR position({b}::bytea in body) > 0)")
    }

    fn none_of(&mut self, column: &str, values: Vec<String>) {
        if !values.is_empty() {
            let p = self.param(values);
            self.conditions
                .push(format!("({column} IS NULL OR NOT ({column} = ANY({p})))"));
        }
    }

    fn any_of<T>(&mut self, items: &[T], one: impl Fn(&mut Sql, &T) -> String) -> Option<String> {
        if items.is_empty() {
            return None;
        }
        let parts: Vec<String> = items.iter().map(|i| one(self, i)).collect();
        Some(format!("({})", parts.join(" OR ")))
    }
}

/// What a filter's event words mean in this database: the stored spellings
/// (`delivery_events`, a few rows) equal to a word or having it as one ` · ` part, ASCII
/// case folded, passed to the query as constants so that the planner reads the event index
/// for as many rows as its statistics say they have.
struct EventKeys {
    named: Vec<Vec<String>>,
    excluded: Vec<Vec<String>>,
    /// Schema 5 or later: the names are spellings, compared with the event itself;
    /// before, the table held one folded key per name, compared with the folded event.
    current: bool,
}

impl EventKeys {
    fn read(c: &mut Conn, filter: &Filter) -> Result<EventKeys, postgres::Error> {
        let current = c.current();
        let mut names = |words: &[String]| -> Result<Vec<Vec<String>>, postgres::Error> {
            words
                .iter()
                .map(|e| {
                    let e = e.to_ascii_lowercase();
                    let escaped = like_pattern(&e);
                    let escaped = escaped.trim_start_matches('%').trim_end_matches('%');
                    let wanted = if current { "name" } else { "key" };
                    let rows = c.query(
                        &format!(
                            "SELECT {wanted} FROM delivery_events \
                             WHERE key = $1 OR key LIKE $2 OR key LIKE $3"
                        ),
                        &[&e, &format!("%· {escaped}"), &format!("{escaped} ·%")],
                    )?;
                    Ok(rows.iter().map(|r| r.get(0)).collect())
                })
                .collect()
        };
        Ok(EventKeys {
            named: names(&filter.events)?,
            excluded: names(&filter.not.events)?,
            current,
        })
    }
}

fn conditions(filter: &Filter, range: SeqRange, events: &EventKeys) -> (Sql, Check) {
    let mut sql = Sql::default();
    let names = |p: &[ProviderId]| p.iter().map(|p| p.as_str().to_string()).collect();
    let statuses = |s: &[Status]| s.iter().map(|s| s.as_str().to_string()).collect();
    let hints = |h: &[Hint]| h.iter().map(|h| h.as_str().to_string()).collect();
    sql.any("provider", names(&filter.providers));
    sql.any("verification_status", statuses(&filter.statuses));
    sql.any("verification_hint", hints(&filter.hints));
    if let Some(c) = sql.any_of(&events.named, |s, names| s.event(events, names)) {
        sql.conditions.push(c);
    }
    if let Some(c) = sql.any_of(&filter.answers, |s, a| s.answer(a)) {
        sql.conditions.push(c);
    }
    if let Some(c) = sql.any_of(&filter.ids, |s, prefix| {
        let from = s.param(prefix.clone());
        let to = s.param(format!("{prefix}\u{10ffff}"));
        format!("(id >= {from} AND id < {to})")
    }) {
        sql.conditions.push(c);
    }
    if let Some(from) = filter.since_secs.and_then(since) {
        let p = sql.param(from);
        sql.conditions.push(format!("received_at >= {p}"));
    }
    let mut check = Check {
        terms: Vec::new(),
        not: Vec::new(),
        need: None,
    };
    let mut need = Vec::new();
    let mut inexact = false;
    // Every term's words in one query of the index: one scan that intersects them,
    // rather than a scan per term whose rows are then read to match the others.
    let mut all = Vec::new();
    for term in &filter.text {
        match words::query(term, filter.whole_words) {
            Some(q) => {
                let w = search::words(term);
                inexact |= w.len() > 1 || w.iter().any(|w| w.len() * 2 >= words::MAX_LEXEME);
                check.terms.push(w);
                all.push(q);
            }
            None => {
                let c = sql.substring(term);
                sql.conditions.push(c);
            }
        }
    }
    if !all.is_empty() {
        let p = sql.param(all.join(" & "));
        // A row too large for the index keeps no words and is checked instead.
        sql.conditions
            .push(format!("(words @@ {p}::text::tsquery OR words IS NULL)"));
    }
    let not = &filter.not;
    sql.none_of("provider", names(&not.providers));
    sql.none_of("verification_status", statuses(&not.statuses));
    sql.none_of("verification_hint", hints(&not.hints));
    if let Some(any) = sql.any_of(&events.excluded, |s, names| s.event(events, names)) {
        sql.conditions.push(format!("(event IS NULL OR NOT {any})"));
    }
    if let Some(any) = sql.any_of(&not.answers, |s, a| s.answer(a)) {
        sql.conditions.push(format!("NOT {any}"));
    }
    for term in &not.text {
        match words::query(term, false) {
            Some(q) => {
                // Only rows the index says may hold the term are checked for it.
                check.not.push(search::words(term));
                let p = sql.param(q);
                need.push(format!("words @@ {p}::text::tsquery"));
            }
            None => {
                let c = sql.substring(term);
                sql.conditions.push(format!("NOT {c}"));
            }
        }
    }
    if !check.terms.is_empty() || !check.not.is_empty() {
        need.push("words IS NULL".into());
        if inexact {
            need = vec!["true".into()];
        }
        check.need = Some(format!("({})", need.join(" OR ")));
    }
    if let Some(a) = range.after {
        let p = sql.param(a);
        sql.conditions.push(format!("seq > {p}"));
    }
    if let Some(u) = range.upto {
        let p = sql.param(u);
        sql.conditions.push(format!("seq <= {p}"));
    }
    (sql, check)
}

impl PgReader {
    pub(crate) fn matching_seqs(
        &self,
        filter: &Filter,
        range: SeqRange,
    ) -> Result<Vec<i64>, StoreError> {
        let filter = filter.clone();
        self.with(move |c| {
            let events = EventKeys::read(c, &filter)?;
            let (sql, check) = conditions(&filter, range, &events);
            let mut tx = c.transaction()?;
            if filter.text.iter().any(|t| words::query(t, false).is_some()) {
                if range.after.is_none() {
                    // The words index finds the rows (exactly, with room for its
                    // bitmap); the planner would rather walk the table in seq order and
                    // match each row's words, unpacking every one of them, several times
                    // slower for a word most rows hold.
                    tx.batch_execute(
                        "SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off; \
                         SET LOCAL work_mem = '64MB'",
                    )?;
                } else {
                    // A few thousand new or newest rows: walked by seq, their words
                    // matched, rather than every row of the history the index holds for a
                    // common word.
                    tx.batch_execute("SET LOCAL enable_bitmapscan = off")?;
                }
            }
            let Some(need) = &check.need else {
                let q = format!(
                    "SELECT seq FROM deliveries {} ORDER BY seq",
                    sql.where_sql()
                );
                let seqs = tx
                    .query(&q, &sql.refs())?
                    .iter()
                    .map(|r| r.get(0))
                    .collect();
                tx.commit()?;
                return Ok(seqs);
            };
            // Only the rows the index cannot vouch for bring their text along.
            let q = format!(
                "SELECT seq, {need}, CASE WHEN {need} THEN subject END, \
                 CASE WHEN {need} THEN body END FROM deliveries {} ORDER BY seq",
                sql.where_sql()
            );
            let rows = tx.query(&q, &sql.refs())?;
            tx.commit()?;
            Ok(rows
                .iter()
                .filter(|r| {
                    !r.get::<_, bool>(1) || {
                        let subject: Option<String> = r.get(2);
                        let body: Option<Vec<u8>> = r.get(3);
                        check.keeps(subject.as_deref(), body.as_deref().unwrap_or_default())
                    }
                })
                .map(|r| r.get(0))
                .collect())
        })
    }

    pub(crate) fn count_matching(
        &self,
        filter: &Filter,
        range: SeqRange,
    ) -> Result<u64, StoreError> {
        if !filter.text.is_empty() || !filter.not.text.is_empty() {
            return Ok(self.matching_seqs(filter, range)?.len() as u64);
        }
        let filter = filter.clone();
        self.with(move |c| {
            let events = EventKeys::read(c, &filter)?;
            let (sql, _) = conditions(&filter, range, &events);
            let q = format!("SELECT count(*) FROM deliveries {}", sql.where_sql());
            let n: i64 = c.query_one(&q, &sql.refs())?.get(0);
            Ok(u64::try_from(n).unwrap_or(0))
        })
    }
}
