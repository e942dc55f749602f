//! Read connections: paging through rows in arrival order and fetching single deliveries
//! with their headers and body, on demand.

use bytes::Bytes;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, Utc};
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OptionalExtension, params};

use super::{Location, StoreError};
use crate::model::{Delivery, DetectedBy, Findings, ProviderId, Request, rfc3339};
use crate::signature::{Hint, Status, Verification};

mod prefix;

pub(super) use prefix::prefix_successor;

/// One line of the history list: every column but the headers, body and fetched JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub seq: i64,
    pub id: String,
    pub received_at: DateTime<Utc>,
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    pub peer: Option<String>,
    /// Without evidence: the list keeps only what the headless line has.
    pub findings: Findings,
    pub response_status: u16,
    pub body_bytes: u64,
    pub body_truncated: bool,
    pub replay_of: Option<String>,
    /// Whether the delivery was forwarded to the user's app.
    pub forwarded: bool,
    /// The app's HTTP status, when it answered.
    pub app_status: Option<u16>,
    /// The payload's own top-level `status` text, when it has one: what happened, for
    /// vendors whose event name is always the same (Clearspeed's `Result Update`).
    pub body_status: Option<String>,
}

impl Row {
    /// The delivery this row lists, without its headers, body and later findings: what
    /// announcing a delivery stored by another process needs.
    pub(crate) fn into_delivery(self) -> Delivery {
        stored_from(self, "[]", Bytes::new(), None, None).delivery
    }
}

/// A full delivery with its place in the table and what was fetched about it later.
#[derive(Debug, Clone, PartialEq)]
pub struct Stored {
    pub seq: i64,
    pub delivery: Delivery,
    pub fetched: Option<serde_json::Value>,
}

pub(super) const ROW_COLUMNS: &str = "seq, id, received_at, method, path, query, peer, provider, \
    detected_by, event, event_inferred, subject, verification_status, verification_scheme, \
    verification_hint, verification_detail, response_status, body_bytes, body_truncated, \
    replay_of, forward IS NOT NULL, json_extract(forward, '$.status'), \
    CASE WHEN json_valid(CAST(body AS TEXT)) THEN json_extract(CAST(body AS TEXT), '$.status') END";
/// Index of the first column after [`ROW_COLUMNS`] in full selects.
const EXTRA: usize = 23;

fn full_select(clause: &str) -> String {
    format!("SELECT {ROW_COLUMNS}, headers, body, fetched, forward FROM deliveries {clause}")
}

/// A read connection. Each reader is independent; open one per thread that reads.
pub(crate) struct SqliteReader {
    conn: Connection,
    location: Location,
    /// Deliveries the store's writer has journaled and not filed yet, when this reader
    /// belongs to the store that writes.
    filing: Option<Arc<AtomicU64>>,
}

impl SqliteReader {
    pub(crate) fn new(conn: Connection, location: Location) -> Self {
        Self {
            conn,
            location,
            filing: None,
        }
    }

    pub(crate) fn with_filing(mut self, filing: Arc<AtomicU64>) -> Self {
        self.filing = Some(filing);
        self
    }

    /// Deliveries answered but not in the database yet (filed shortly).
    pub(crate) fn filing(&self) -> u64 {
        self.filing
            .as_ref()
            .map_or(0, |f| f.load(Ordering::Relaxed))
    }

    pub(crate) fn location(&self) -> &Location {
        &self.location
    }

    /// Another reader of the same database, for another thread.
    pub(crate) fn another(&self) -> Result<SqliteReader, StoreError> {
        self.location.open_reader()
    }

    /// The database this reader reads, for messages.
    pub(crate) fn path(&self) -> &Path {
        self.location.label()
    }

    /// Stops the query running on this reader from another thread; it fails with an
    /// interrupted error.
    pub(crate) fn interrupt_handle(&self) -> rusqlite::InterruptHandle {
        self.conn.get_interrupt_handle()
    }

    pub(super) fn err(&self, e: rusqlite::Error) -> StoreError {
        StoreError::from_sqlite(self.location.label(), e)
    }

    /// The connection, for the other read queries of the store module.
    pub(super) fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Number of deliveries stored.
    pub(crate) fn count(&self) -> Result<u64, StoreError> {
        self.count_in(&self.conn).map_err(|e| self.err(e))
    }

    fn count_in(&self, conn: &Connection) -> rusqlite::Result<u64> {
        let n: i64 = conn.query_row("SELECT n FROM delivery_count WHERE id = 1", [], |r| {
            r.get(0)
        })?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// How many deliveries the free-text index has not reached yet (they are still found,
    /// row by row).
    pub(crate) fn unindexed(&self) -> Result<u64, StoreError> {
        self.conn
            .query_row(
                &format!(
                    "SELECT count(*) FROM deliveries WHERE seq > {}",
                    super::search::INDEXED_UPTO
                ),
                [],
                |r| r.get::<_, i64>(0),
            )
            .map(|n| u64::try_from(n).unwrap_or(0))
            .map_err(|e| self.err(e))
    }

    /// A number that changes whenever another connection (of this process or another)
    /// commits to the database: cheap enough to ask every second.
    pub(crate) fn data_version(&self) -> Result<i64, StoreError> {
        self.conn
            .query_row("PRAGMA data_version", [], |r| r.get(0))
            .map_err(|e| self.err(e))
    }

    /// The highest seq stored, `None` when the table is empty.
    pub(crate) fn last_seq(&self) -> Result<Option<i64>, StoreError> {
        self.conn
            .query_row("SELECT max(seq) FROM deliveries", [], |r| r.get(0))
            .map_err(|e| self.err(e))
    }

    /// How many deliveries came before the one with `seq`: its index in the whole table.
    /// Found by key unless rows were deleted by hand.
    pub(crate) fn position(&self, seq: i64) -> Result<u64, StoreError> {
        let run = || -> rusqlite::Result<u64> {
            let tx = self.conn.unchecked_transaction()?;
            let (first, last): (Option<i64>, Option<i64>) = tx.query_row(
                "SELECT (SELECT min(seq) FROM deliveries), (SELECT max(seq) FROM deliveries)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            let (Some(first), Some(last)) = (first, last) else {
                return Ok(0);
            };
            let dense = u64::try_from(last - first + 1).ok() == Some(self.count_in(&tx)?);
            let before = if dense {
                seq.clamp(first, last + 1) - first
            } else {
                tx.query_row(
                    "SELECT count(*) FROM deliveries WHERE seq < ?1",
                    [seq],
                    |r| r.get(0),
                )?
            };
            Ok(u64::try_from(before).unwrap_or(0))
        };
        run().map_err(|e| self.err(e))
    }

    /// Up to `limit` rows in arrival order, skipping the first `offset`.
    pub(crate) fn rows(&self, offset: u64, limit: usize) -> Result<Vec<Row>, StoreError> {
        self.rows_in_snapshot(offset, limit)
            .map_err(|e| self.err(e))
    }

    fn rows_in_snapshot(&self, offset: u64, limit: usize) -> rusqlite::Result<Vec<Row>> {
        let tx = self.conn.unchecked_transaction()?;
        let (first, last): (Option<i64>, Option<i64>) = tx.query_row(
            "SELECT (SELECT min(seq) FROM deliveries), (SELECT max(seq) FROM deliveries)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let (Some(first), Some(last)) = (first, last) else {
            return Ok(Vec::new());
        };
        let offset = i64::try_from(offset).unwrap_or(i64::MAX);
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let dense = u64::try_from(last - first + 1).ok() == Some(self.count_in(&tx)?);
        let rows = if dense {
            // No gaps: the row at `offset` is found by key, not by stepping over rows.
            let mut stmt = tx.prepare_cached(&format!(
                "SELECT {ROW_COLUMNS} FROM deliveries WHERE seq >= ?1 ORDER BY seq LIMIT ?2"
            ))?;
            stmt.query_map(params![first.saturating_add(offset), limit], read_row)?
                .collect::<rusqlite::Result<Vec<_>>>()?
        } else {
            let mut stmt = tx.prepare_cached(&format!(
                "SELECT {ROW_COLUMNS} FROM deliveries ORDER BY seq LIMIT ?2 OFFSET ?1"
            ))?;
            stmt.query_map(params![offset, limit], read_row)?
                .collect::<rusqlite::Result<Vec<_>>>()?
        };
        tx.commit()?;
        Ok(rows)
    }

    /// Up to `limit` rows with seq greater than `after_seq`, in arrival order.
    pub(crate) fn rows_after(&self, after_seq: i64, limit: usize) -> Result<Vec<Row>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let sql =
            format!("SELECT {ROW_COLUMNS} FROM deliveries WHERE seq > ?1 ORDER BY seq LIMIT ?2");
        self.conn
            .prepare_cached(&sql)
            .and_then(|mut s| {
                s.query_map(params![after_seq, limit], read_row)?
                    .collect::<rusqlite::Result<Vec<_>>>()
            })
            .map_err(|e| self.err(e))
    }

    /// The full delivery with this id.
    pub(crate) fn get(&self, id: &str) -> Result<Option<Delivery>, StoreError> {
        Ok(self.one("WHERE id = ?1", params![id])?.map(|s| s.delivery))
    }

    /// The full delivery with this seq.
    pub(crate) fn get_by_seq(&self, seq: i64) -> Result<Option<Delivery>, StoreError> {
        Ok(self
            .one("WHERE seq = ?1", params![seq])?
            .map(|s| s.delivery))
    }

    /// The delivery with this id, with its seq and fetched JSON.
    pub(crate) fn stored(&self, id: &str) -> Result<Option<Stored>, StoreError> {
        self.one("WHERE id = ?1", params![id])
    }

    /// What a vendor API returned about delivery `id`, if anything was fetched.
    pub(crate) fn fetched(&self, id: &str) -> Result<Option<serde_json::Value>, StoreError> {
        let raw: Option<Option<String>> = self
            .conn
            .query_row("SELECT fetched FROM deliveries WHERE id = ?1", [id], |r| {
                Ok(opt_text(r.get_ref(0)?))
            })
            .optional()
            .map_err(|e| self.err(e))?;
        Ok(raw.flatten().map(|s| parse_fetched(&s)))
    }

    /// The latest delivery before `before_seq` about the same subject from `provider`.
    pub(crate) fn previous_for_subject(
        &self,
        provider: ProviderId,
        subject: &str,
        before_seq: i64,
    ) -> Result<Option<Delivery>, StoreError> {
        let found = self.one(
            "WHERE subject = ?1 AND provider = ?2 AND seq < ?3 ORDER BY seq DESC LIMIT 1",
            params![subject, provider.as_str(), before_seq],
        )?;
        Ok(found.map(|s| s.delivery))
    }

    fn one(&self, clause: &str, p: impl rusqlite::Params) -> Result<Option<Stored>, StoreError> {
        self.conn
            .prepare_cached(&full_select(clause))
            .and_then(|mut s| s.query_row(p, read_stored).optional())
            .map_err(|e| self.err(e))
    }

    /// Calls `f` with every delivery received at or after `since` (all when `None`), in
    /// arrival order, one row at a time. Returns how many were passed to `f`.
    pub(crate) fn each_since<E: From<StoreError>>(
        &self,
        since: Option<DateTime<Utc>>,
        mut f: impl FnMut(Stored) -> Result<(), E>,
    ) -> Result<u64, E> {
        let err = |e| E::from(self.err(e));
        let (clause, bound) = match since {
            // Stored in the same format, so text order is time order. The index finds the
            // first match; from there rows stream in seq order (`+` keeps the planner from
            // sorting every match by seq first).
            Some(t) => (
                "WHERE seq >= (SELECT min(seq) FROM deliveries WHERE received_at >= ?1) \
                 AND +received_at >= ?1 ORDER BY seq",
                Some(rfc3339(t)),
            ),
            None => ("WHERE ?1 IS NULL ORDER BY seq", None),
        };
        let mut stmt = self.conn.prepare(&full_select(clause)).map_err(err)?;
        let mut rows = stmt.query(params![bound]).map_err(err)?;
        let mut n = 0;
        while let Some(row) = rows.next().map_err(err)? {
            f(read_stored(row).map_err(err)?)?;
            n += 1;
        }
        Ok(n)
    }
}

pub(super) fn read_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    let t = |i| r.get_ref(i).map(text);
    let o = |i| r.get_ref(i).map(opt_text);
    let n = |i| r.get_ref(i).map(int);
    Ok(Row {
        seq: n(0)?,
        id: t(1)?,
        received_at: DateTime::parse_from_rfc3339(&t(2)?)
            .map(|d| d.with_timezone(&Utc))
            .unwrap_or(DateTime::UNIX_EPOCH),
        method: t(3)?,
        path: t(4)?,
        query: o(5)?,
        peer: o(6)?,
        findings: stored_findings(
            &t(7)?,
            &t(8)?,
            o(9)?,
            n(10)? != 0,
            o(11)?,
            [&t(12)?, &t(13)?, &t(15)?],
            o(14)?.as_deref(),
        ),
        response_status: u16::try_from(n(16)?).unwrap_or(0),
        body_bytes: u64::try_from(n(17)?).unwrap_or(0),
        body_truncated: n(18)? != 0,
        replay_of: o(19)?,
        forwarded: n(20)? != 0,
        app_status: match r.get_ref(21)? {
            ValueRef::Integer(code) => u16::try_from(code).ok(),
            _ => None,
        },
        body_status: match r.get_ref(22)? {
            ValueRef::Text(t) => Some(String::from_utf8_lossy(t).into_owned()),
            _ => None,
        },
    })
}

fn read_stored(r: &rusqlite::Row<'_>) -> rusqlite::Result<Stored> {
    let row = read_row(r)?;
    let body = match r.get_ref(EXTRA + 1)? {
        ValueRef::Blob(b) | ValueRef::Text(b) => Bytes::copy_from_slice(b),
        _ => Bytes::new(),
    };
    Ok(stored_from(
        row,
        &text(r.get_ref(EXTRA)?),
        body,
        opt_text(r.get_ref(EXTRA + 2)?),
        opt_text(r.get_ref(EXTRA + 3)?),
    ))
}

/// Findings from their stored columns (status, scheme, detail; hint apart as it may be
/// NULL). Shared by both stores; unknown names read as the least that can be claimed.
#[allow(clippy::too_many_arguments)]
pub(super) fn stored_findings(
    provider: &str,
    detected_by: &str,
    event: Option<String>,
    event_inferred: bool,
    subject: Option<String>,
    [status, scheme, detail]: [&str; 3],
    hint: Option<&str>,
) -> Findings {
    Findings {
        provider: ProviderId::from_stored(provider),
        detected_by: DetectedBy::parse(detected_by).unwrap_or(DetectedBy::None),
        event,
        event_inferred,
        subject,
        verification: Verification {
            // An unreadable status claims nothing: the delivery was not checked.
            status: Status::parse(status).unwrap_or(Status::Unchecked),
            scheme: scheme.to_string(),
            hint: hint.and_then(Hint::parse),
            detail: detail.to_string(),
            evidence: None,
        },
    }
}

/// A full delivery from its list row and the columns the list leaves out, as stored
/// (headers, fetched and forward as JSON text). Shared by both stores.
pub(super) fn stored_from(
    row: Row,
    headers: &str,
    body: Bytes,
    fetched: Option<String>,
    forward: Option<String>,
) -> Stored {
    let headers = serde_json::from_str(headers).unwrap_or_default();
    let fetched = fetched.map(|s| parse_fetched(&s));
    let delivery = Delivery {
        id: row.id,
        received_at: row.received_at,
        request: Request {
            method: row.method,
            path: row.path,
            query: row.query,
            headers,
            body,
            body_bytes: row.body_bytes,
            body_truncated: row.body_truncated,
            peer: row.peer,
        },
        findings: row.findings,
        response_status: row.response_status,
        replay_of: row.replay_of,
        forward: forward.and_then(|s| serde_json::from_str(&s).ok()),
    };
    Stored {
        seq: row.seq,
        delivery,
        fetched,
    }
}

/// Fetched JSON as stored; text edited by hand into something else is kept as a string.
pub(super) fn parse_fetched(s: &str) -> serde_json::Value {
    serde_json::from_str(s).unwrap_or_else(|_| serde_json::Value::String(s.to_string()))
}

// Columns are read leniently: a value of an unexpected type (edited by hand with sqlite3)
// becomes its closest meaning rather than an error.

fn text(v: ValueRef<'_>) -> String {
    opt_text(v).unwrap_or_default()
}

fn opt_text(v: ValueRef<'_>) -> Option<String> {
    match v {
        ValueRef::Null => None,
        ValueRef::Integer(i) => Some(i.to_string()),
        ValueRef::Real(f) => Some(f.to_string()),
        ValueRef::Text(b) | ValueRef::Blob(b) => Some(String::from_utf8_lossy(b).into_owned()),
    }
}

fn int(v: ValueRef<'_>) -> i64 {
    match v {
        ValueRef::Integer(i) => i,
        ValueRef::Real(f) => f as i64,
        ValueRef::Text(b) => std::str::from_utf8(b)
            .ok()
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(0),
        ValueRef::Null | ValueRef::Blob(_) => 0,
    }
}
