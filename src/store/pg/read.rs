//! PostgreSQL read connections. Each reader owns one connection on a thread of its own
//! (a blocking client cannot run inside the UI's async runtime); its methods hand that
//! thread a query and wait for the answer, as a SQLite reader waits for its file. A
//! dropped connection is opened again on the next read.

use std::collections::HashMap;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use chrono::{DateTime, Utc};
use postgres::{CancelToken, Client, GenericClient, IsolationLevel, Statement};

use super::Target;
use crate::model::{Delivery, ProviderId};
use crate::signature::Status;
use crate::store::read::{Row, Stored, stored_findings, stored_from};
use crate::store::{LinkKey, StoreError, Tally};

/// The columns of a [`Row`], ending with the payload's status read as the schema
/// allows.
macro_rules! row_columns {
    ($body_status:literal) => {
        concat!(
            "seq, id, received_at, method, path, query, peer, \
             provider, detected_by, event, event_inferred, subject, verification_status, \
             verification_scheme, verification_hint, verification_detail, response_status, \
             body_bytes, body_truncated, replay_of, forward IS NOT NULL, \
             CASE WHEN forward IS NOT NULL THEN hookscope_forward_status(forward) END, ",
            $body_status
        )
    };
}
const ROW_COLUMNS: &str = row_columns!(
    "CASE WHEN body_status_known THEN body_status ELSE hookscope_body_status(body) END"
);
/// Before schema 5 no row kept its payload's status: each is read from its body.
const ROW_COLUMNS_V4: &str = row_columns!("hookscope_body_status(body)");
const EXTRA: usize = 23;

/// Rows read per round trip by [`PgReader::each_since`].
const CHUNK: i64 = 500;

type Call = Box<dyn FnOnce(&mut Slot) + Send>;

/// A reader thread's connection, and its last failure to connect: while the server is
/// unreachable, reads fail at once for [`RETRY_AFTER`] instead of each waiting for a
/// connection attempt (the UI reads before every frame).
#[derive(Default)]
struct Slot {
    client: Option<Conn>,
    failed: Option<(Instant, StoreError)>,
}

/// A reader's connection, the statements it has prepared (a statement run before is
/// neither parsed nor planned again: planning was most of a page's read), and the
/// columns of a row as the database's schema has them.
pub(super) struct Conn {
    client: Client,
    prepared: HashMap<String, Statement>,
    /// Schema 5 or later: rows keep their payload's status, `delivery_count` its bounds.
    current: bool,
}

impl Conn {
    fn open(client: Client) -> Conn {
        let mut c = Conn {
            client,
            prepared: HashMap::new(),
            current: true,
        };
        // `export` reads a database no newer receiver has migrated yet, as it is.
        let version = c
            .client
            .query_one("SELECT version FROM hookscope_schema WHERE id = 1", &[])
            .map(|r| r.get::<_, i64>(0));
        c.current = !matches!(version, Ok(v) if v < 5);
        c
    }

    /// `sql` prepared on this connection, once.
    fn prepared(&mut self, sql: String) -> Result<Statement, postgres::Error> {
        if let Some(s) = self.prepared.get(&sql) {
            return Ok(s.clone());
        }
        let s = self.client.prepare(&sql)?;
        self.prepared.insert(sql, s.clone());
        Ok(s)
    }

    /// Whether the database has schema 5 or later (or none yet).
    pub(super) fn current(&self) -> bool {
        self.current
    }

    /// The columns of a [`Row`].
    fn columns(&self) -> &'static str {
        if self.current {
            ROW_COLUMNS
        } else {
            ROW_COLUMNS_V4
        }
    }

    /// A select of whole deliveries: a row's columns and the rest of each.
    fn full_select(&self, clause: &str) -> String {
        format!(
            "SELECT {}, headers, body, fetched, forward FROM deliveries {clause}",
            self.columns()
        )
    }

    /// The first seq plus `$1` when no seq between the first and the last is missing
    /// (only rows deleted by hand leave gaps), else NULL.
    fn seq_at_offset(&self) -> &'static str {
        if self.current {
            "(SELECT first + $1 FROM delivery_count WHERE id = 1 AND last - first + 1 = n)"
        } else {
            "(SELECT min(seq) + $1 FROM deliveries \
              HAVING max(seq) - min(seq) + 1 = (SELECT n FROM delivery_count WHERE id = 1))"
        }
    }
}

impl std::ops::Deref for Conn {
    type Target = Client;
    fn deref(&self) -> &Client {
        &self.client
    }
}

impl std::ops::DerefMut for Conn {
    fn deref_mut(&mut self) -> &mut Client {
        &mut self.client
    }
}

const RETRY_AFTER: Duration = Duration::from_millis(500);

/// Where a running query can be cancelled from, once the reader has connected.
pub(crate) type Cancel = Arc<Mutex<Option<CancelToken>>>;

pub(crate) struct PgReader {
    target: Target,
    calls: mpsc::Sender<Call>,
    cancel: Cancel,
}

impl PgReader {
    /// Connects at once, so that a bad URL or a stopped server is reported here.
    pub(crate) fn open(target: Target) -> Result<PgReader, StoreError> {
        let (calls, queue) = mpsc::channel::<Call>();
        std::thread::Builder::new()
            .name("hookscope-pg-reader".into())
            .spawn(move || {
                let mut slot = Slot::default();
                while let Ok(call) = queue.recv() {
                    call(&mut slot);
                }
            })
            .map_err(|e| StoreError::Io {
                path: target.label().to_path_buf(),
                source: Arc::new(e),
            })?;
        let reader = PgReader {
            target,
            calls,
            cancel: Arc::default(),
        };
        reader.with(|_| Ok(()))?;
        Ok(reader)
    }

    pub(crate) fn another(&self) -> Result<PgReader, StoreError> {
        PgReader::open(self.target.clone())
    }

    pub(crate) fn target(&self) -> &Target {
        &self.target
    }

    pub(crate) fn cancel(&self) -> Cancel {
        self.cancel.clone()
    }

    /// Runs `f` on the reader's connection, connecting first when needed. A connection
    /// found broken is opened again and `f` tried once more.
    pub(super) fn with<T: Send + 'static>(
        &self,
        f: impl Fn(&mut Conn) -> Result<T, postgres::Error> + Send + 'static,
    ) -> Result<T, StoreError> {
        let (tx, rx) = mpsc::sync_channel(1);
        let target = self.target.clone();
        let cancel = self.cancel.clone();
        let call: Call = Box::new(move |slot: &mut Slot| {
            let mut result = Err(StoreError::WriterStopped {
                path: target.label().to_path_buf(),
            });
            for _ in 0..2 {
                if slot.client.as_ref().is_some_and(|c| c.is_closed()) {
                    slot.client = None;
                }
                if slot.client.is_none()
                    && let Some((at, e)) = &slot.failed
                    && at.elapsed() < RETRY_AFTER
                {
                    result = Err(e.clone());
                    break;
                }
                let client = match &mut slot.client {
                    Some(c) => c,
                    None => match target.connect() {
                        Ok(c) => {
                            if let Ok(mut t) = cancel.lock() {
                                *t = Some(c.cancel_token());
                            }
                            slot.failed = None;
                            slot.client.insert(Conn::open(c))
                        }
                        Err(e) => {
                            slot.failed = Some((Instant::now(), e.clone()));
                            result = Err(e);
                            break;
                        }
                    },
                };
                match f(client) {
                    Ok(v) => {
                        result = Ok(v);
                        break;
                    }
                    Err(e) => {
                        let broken = e.is_closed() || e.as_db_error().is_none();
                        result = Err(target.err(e));
                        if !broken {
                            break;
                        }
                        slot.client = None;
                    }
                }
            }
            let _ = tx.send(result);
        });
        self.calls.send(call).map_err(|_| self.stopped())?;
        rx.recv().map_err(|_| self.stopped())?
    }

    fn stopped(&self) -> StoreError {
        StoreError::WriterStopped {
            path: self.target.label().to_path_buf(),
        }
    }

    /// The store's link key; `None` when it cannot be read (an older schema, no server).
    pub(crate) fn link_key(&self) -> Option<LinkKey> {
        self.with(|c| super::schema::read_link_key(c))
            .ok()
            .flatten()
    }

    pub(crate) fn count(&self) -> Result<u64, StoreError> {
        self.with(|c| {
            let n: i64 = c
                .query_one("SELECT n FROM delivery_count WHERE id = 1", &[])?
                .get(0);
            Ok(u64::try_from(n).unwrap_or(0))
        })
    }

    pub(crate) fn last_seq(&self) -> Result<Option<i64>, StoreError> {
        self.with(|c| Ok(c.query_one("SELECT max(seq) FROM deliveries", &[])?.get(0)))
    }

    pub(crate) fn position(&self, seq: i64) -> Result<u64, StoreError> {
        self.with(move |c| {
            let mut tx = snapshot(c)?;
            let Some((first, last, dense)) = bounds(&mut tx)? else {
                return Ok(0);
            };
            let before: i64 = if dense {
                seq.clamp(first, last + 1) - first
            } else {
                tx.query_one("SELECT count(*) FROM deliveries WHERE seq < $1", &[&seq])?
                    .get(0)
            };
            tx.commit()?;
            Ok(u64::try_from(before).unwrap_or(0))
        })
    }

    pub(crate) fn rows(&self, offset: u64, limit: usize) -> Result<Vec<Row>, StoreError> {
        let offset = i64::try_from(offset).unwrap_or(i64::MAX);
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.with(move |c| {
            // One round trip for a page of the table: without gaps the row at `$1` is
            // found by key, and the statement itself checks there are none.
            let by_key = c.prepared(format!(
                "SELECT {} FROM deliveries WHERE seq >= {} ORDER BY seq LIMIT $2",
                c.columns(),
                c.seq_at_offset()
            ))?;
            let rows = c.query(&by_key, &[&offset, &limit])?;
            // None past the end of a table without gaps; with gaps, counted from the start.
            let rows = if rows.is_empty() && !bounds(&mut **c)?.is_none_or(|(_, _, d)| d) {
                let by_offset = c.prepared(format!(
                    "SELECT {} FROM deliveries ORDER BY seq LIMIT $2 OFFSET $1",
                    c.columns()
                ))?;
                c.query(&by_offset, &[&offset, &limit])?
            } else {
                rows
            };
            Ok(rows.iter().map(row).collect())
        })
    }

    pub(crate) fn rows_after(&self, after: i64, limit: usize) -> Result<Vec<Row>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.with(move |c| {
            let sql = format!(
                "SELECT {} FROM deliveries WHERE seq > $1 ORDER BY seq LIMIT $2",
                c.columns()
            );
            let rows = c.query(&sql, &[&after, &limit])?;
            Ok(rows.iter().map(row).collect())
        })
    }

    pub(crate) fn rows_at(&self, seqs: &[i64]) -> Result<Vec<Row>, StoreError> {
        if seqs.is_empty() {
            return Ok(Vec::new());
        }
        let seqs = seqs.to_vec();
        self.with(move |c| {
            let sql = format!(
                "SELECT {} FROM deliveries WHERE seq = ANY($1) ORDER BY seq",
                c.columns()
            );
            let rows = c.query(&sql, &[&seqs])?;
            Ok(rows.iter().map(row).collect())
        })
    }

    /// Rows whose id starts with `prefix`, in id order, at most `limit`: a range of the
    /// id index (byte order), never a scan.
    pub(crate) fn with_id_prefix(
        &self,
        prefix: &str,
        limit: usize,
    ) -> Result<Vec<Row>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let start = super::pg_text(prefix).into_owned();
        let end = crate::store::read::prefix_successor(&start);
        self.with(move |c| {
            let sql = format!(
                "SELECT {} FROM deliveries WHERE id >= $1 \
                 AND ($2::text IS NULL OR id < $2) ORDER BY id LIMIT $3",
                c.columns()
            );
            let rows = c.query(&sql, &[&start, &end, &limit])?;
            Ok(rows.iter().map(row).collect())
        })
    }

    pub(crate) fn stored(&self, id: &str) -> Result<Option<Stored>, StoreError> {
        let id = super::pg_text(id).into_owned();
        self.one("WHERE id = $1", move |c, sql| c.query_opt(sql, &[&id]))
    }

    pub(crate) fn stored_by_seq(&self, seq: i64) -> Result<Option<Stored>, StoreError> {
        self.one("WHERE seq = $1", move |c, sql| c.query_opt(sql, &[&seq]))
    }

    pub(crate) fn get(&self, id: &str) -> Result<Option<Delivery>, StoreError> {
        Ok(self.stored(id)?.map(|s| s.delivery))
    }

    pub(crate) fn get_by_seq(&self, seq: i64) -> Result<Option<Delivery>, StoreError> {
        Ok(self.stored_by_seq(seq)?.map(|s| s.delivery))
    }

    pub(crate) fn fetched(&self, id: &str) -> Result<Option<serde_json::Value>, StoreError> {
        let id = super::pg_text(id).into_owned();
        self.with(move |c| {
            let raw: Option<Option<String>> = c
                .query_opt("SELECT fetched FROM deliveries WHERE id = $1", &[&id])?
                .map(|r| r.get(0));
            Ok(raw.flatten().map(|s| crate::store::read::parse_fetched(&s)))
        })
    }

    pub(crate) fn previous_for_subject(
        &self,
        provider: ProviderId,
        subject: &str,
        before_seq: i64,
    ) -> Result<Option<Delivery>, StoreError> {
        let subject = super::pg_text(subject).into_owned();
        let found = self.one(
            "WHERE subject = $1 AND provider = $2 AND seq < $3 ORDER BY seq DESC LIMIT 1",
            move |c, sql| c.query_opt(sql, &[&subject, &provider.as_str(), &before_seq]),
        )?;
        Ok(found.map(|s| s.delivery))
    }

    fn one(
        &self,
        clause: &str,
        run: impl Fn(&mut Client, &str) -> Result<Option<postgres::Row>, postgres::Error>
        + Send
        + 'static,
    ) -> Result<Option<Stored>, StoreError> {
        let clause = clause.to_string();
        self.with(move |c| {
            let sql = c.full_select(&clause);
            Ok(run(c, &sql)?.map(|r| stored(&r)))
        })
    }

    /// Calls `f` with every delivery received at or after `since`, in arrival order, a
    /// chunk of rows read at a time.
    pub(crate) fn each_since<E: From<StoreError>>(
        &self,
        since: Option<DateTime<Utc>>,
        mut f: impl FnMut(Stored) -> Result<(), E>,
    ) -> Result<u64, E> {
        let mut after = i64::MIN;
        let mut n = 0;
        loop {
            let chunk = self.with(move |c| {
                let sql = c.full_select(
                    "WHERE seq > $1 AND ($2::timestamptz IS NULL OR received_at >= $2) \
                     ORDER BY seq LIMIT $3",
                );
                let rows = c.query(&sql, &[&after, &since, &CHUNK])?;
                Ok(rows.iter().map(stored).collect::<Vec<_>>())
            })?;
            let Some(last) = chunk.last().map(|s| s.seq) else {
                return Ok(n);
            };
            after = last;
            for s in chunk {
                f(s)?;
                n += 1;
            }
        }
    }

    pub(crate) fn tally(&self, after: Option<i64>) -> Result<Tally, StoreError> {
        let after = after.unwrap_or(i64::MIN);
        let groups: Vec<(String, i64, Option<i64>)> = self.with(move |c| {
            Ok(c.query(
                "SELECT verification_status, count(*), max(seq) FROM deliveries \
                 WHERE seq > $1 GROUP BY verification_status",
                &[&after],
            )?
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2)))
            .collect())
        })?;
        let mut t = Tally::default();
        for (status, n, max) in groups {
            let n = u64::try_from(n).unwrap_or(0);
            t.total += n;
            t.last_seq = t.last_seq.max(max);
            match Status::parse(&status) {
                Some(Status::Verified) => t.verified += n,
                Some(Status::Failed) => t.failed += n,
                Some(Status::Unsigned) => t.unsigned += n,
                Some(Status::Unchecked) | None => t.unchecked += n,
            }
        }
        Ok(t)
    }

    pub(crate) fn event_names(&self) -> Result<Vec<String>, StoreError> {
        self.with(|c| {
            // One name per folding, as first spelled, in the order SQLite's NOCASE sorts.
            let sql = if c.current() {
                "SELECT DISTINCT ON (key) name FROM delivery_events ORDER BY key, first_seq"
            } else {
                "SELECT name FROM delivery_events ORDER BY key COLLATE \"C\""
            };
            Ok(c.query(sql, &[])?.iter().map(|r| r.get(0)).collect())
        })
    }
}

/// A read-only transaction that sees one moment of the table.
fn snapshot(c: &mut Client) -> Result<postgres::Transaction<'_>, postgres::Error> {
    c.build_transaction()
        .isolation_level(IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()
}

/// The first and last seq, and whether every seq between them is stored.
fn bounds(c: &mut impl GenericClient) -> Result<Option<(i64, i64, bool)>, postgres::Error> {
    let r = c.query_one(
        "SELECT min(seq), max(seq), (SELECT n FROM delivery_count WHERE id = 1) FROM deliveries",
        &[],
    )?;
    let (first, last, n): (Option<i64>, Option<i64>, Option<i64>) = (r.get(0), r.get(1), r.get(2));
    Ok(first.zip(last).map(|(f, l)| (f, l, Some(l - f + 1) == n)))
}

pub(super) fn row(r: &postgres::Row) -> Row {
    let text = |i: usize| r.get::<_, String>(i);
    Row {
        seq: r.get(0),
        id: text(1),
        received_at: r.get(2),
        method: text(3),
        path: text(4),
        query: r.get(5),
        peer: r.get(6),
        findings: stored_findings(
            &text(7),
            &text(8),
            r.get(9),
            r.get(10),
            r.get(11),
            [&text(12), &text(13), &text(15)],
            r.get::<_, Option<String>>(14).as_deref(),
        ),
        response_status: u16::try_from(r.get::<_, i32>(16)).unwrap_or(0),
        body_bytes: u64::try_from(r.get::<_, i64>(17)).unwrap_or(0),
        body_truncated: r.get(18),
        replay_of: r.get(19),
        forwarded: r.get(20),
        app_status: r
            .get::<_, Option<i32>>(21)
            .and_then(|s| u16::try_from(s).ok()),
        body_status: r.get(22),
    }
}

fn stored(r: &postgres::Row) -> Stored {
    let headers: String = r.get(EXTRA);
    let body: Vec<u8> = r.get(EXTRA + 1);
    stored_from(
        row(r),
        &headers,
        Bytes::from(body),
        r.get(EXTRA + 2),
        r.get(EXTRA + 3),
    )
}
