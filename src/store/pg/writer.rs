//! The PostgreSQL writer thread: the SQLite writer's group commit over one connection.
//! It blocks for one job, drains whatever else is queued into the same transaction,
//! commits, and only then answers every waiter. While the database cannot be reached
//! every job is answered with the error at once (the receiver answers 503) and the
//! connection is tried again for the next batch.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender};
use std::time::{Duration, Instant};

use postgres::{Client, Statement};

use super::rows::{insert_many, params};
use super::{CHANNEL, Target, WRITE_LOCK, pg_text, schema};
use crate::store::job::{Job, MAX_BATCH};
use crate::store::row::NewRow;
use crate::store::{LinkKey, StoreError};

/// A failed connection is not tried again sooner than this: meanwhile deliveries are
/// refused at once instead of each waiting for a connect to fail.
const RETRY_AFTER: Duration = Duration::from_millis(500);

/// No statement of the writer may hang the receiver longer than this.
const STATEMENT_TIMEOUT: &str = "SET statement_timeout = '15s'";

const INSERT: &str = "INSERT INTO deliveries (id, received_at, method, path, query, headers, \
    body, body_bytes, body_truncated, peer, provider, detected_by, event, event_inferred, \
    subject, verification_status, verification_scheme, verification_hint, \
    verification_detail, response_status, replay_of, fetched, forward, words, seq, \
    body_status, body_status_known) \
    VALUES ($1, $2::text::timestamptz, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, \
    $15, $16, $17, $18, $19, $20, $21, $22, $23, $24::tsvector, $25, $26, true)";

/// Many deliveries in one statement: one array per column, unnested into rows numbered
/// on from the highest stored seq (read under the writers' lock, taken before), and the
/// commit announced: a group commit sends its rows in one round trip instead of one
/// each, and learns their seqs from the answer.
fn insert_many_sql() -> String {
    format!(
        "WITH top AS (SELECT coalesce(max(seq), 0) AS seq FROM deliveries), \
         added AS (INSERT INTO deliveries (id, received_at, method, path, query, headers, \
         body, body_bytes, body_truncated, peer, provider, detected_by, event, event_inferred, \
         subject, verification_status, verification_scheme, verification_hint, \
         verification_detail, response_status, replay_of, fetched, forward, words, seq, \
         body_status, body_status_known) \
         SELECT r.id, r.received_at::timestamptz, r.method, r.path, r.query, r.headers, r.body, \
         r.body_bytes, r.body_truncated, r.peer, r.provider, r.detected_by, r.event, \
         r.event_inferred, r.subject, r.verification_status, r.verification_scheme, \
         r.verification_hint, r.verification_detail, r.response_status, r.replay_of, \
         r.fetched, r.forward, r.words, top.seq + r.n, r.body_status, true \
         FROM top, unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], \
         $6::text[], $7::bytea[], $8::int8[], $9::bool[], $10::text[], $11::text[], \
         $12::text[], $13::text[], $14::bool[], $15::text[], $16::text[], $17::text[], \
         $18::text[], $19::text[], $20::int4[], $21::text[], $22::text[], $23::text[], \
         $24::tsvector[], $25::text[]) WITH ORDINALITY AS r(id, received_at, method, path, query, headers, \
         body, body_bytes, body_truncated, peer, provider, detected_by, event, \
         event_inferred, subject, verification_status, verification_scheme, \
         verification_hint, verification_detail, response_status, replay_of, fetched, \
         forward, words, body_status, n) RETURNING seq) \
         SELECT min(seq), max(seq), pg_notify('{CHANNEL}', max(seq)::text)::text FROM added"
    )
}

struct Conn {
    client: Client,
    insert: Statement,
    insert_many: Statement,
    import: Statement,
}

impl Conn {
    fn open(target: &Target) -> Result<Conn, StoreError> {
        let mut client = target.connect()?;
        let err = |e| target.err(e);
        schema::prepare(&mut client, target)?;
        client.batch_execute(STATEMENT_TIMEOUT).map_err(err)?;
        let insert = client.prepare(INSERT).map_err(err)?;
        let insert_many = client.prepare(&insert_many_sql()).map_err(err)?;
        let import = client
            .prepare(&format!("{INSERT} ON CONFLICT (id) DO NOTHING"))
            .map_err(err)?;
        Ok(Conn {
            client,
            insert,
            insert_many,
            import,
        })
    }
}

/// Runs the writer. It connects (and creates or migrates the tables) first and tells
/// `ready` how that went: a wrong URL, password or schema is reported at open, and it
/// stops; later failures are answered job by job while it keeps trying.
pub(crate) fn run(
    target: Target,
    jobs: Receiver<Job>,
    commits: Arc<AtomicU64>,
    ready: SyncSender<Result<LinkKey, StoreError>>,
) {
    let opened = Conn::open(&target)
        .and_then(|mut c| schema::link_key(&mut c.client, &target).map(|key| (c, key)));
    let mut conn = match opened {
        Ok((c, key)) => {
            let _ = ready.send(Ok(key));
            Some(c)
        }
        Err(e) => {
            let _ = ready.send(Err(e));
            return;
        }
    };
    let mut failed_at: Option<(Instant, StoreError)> = None;
    loop {
        // Idle, it still looks after the connection now and then, so that a database
        // that went away (or came back) shows without waiting for a delivery.
        let first = match jobs.recv_timeout(RETRY_AFTER) {
            Ok(job) => job,
            Err(RecvTimeoutError::Disconnected) => break,
            Err(RecvTimeoutError::Timeout) => {
                if conn.as_ref().is_some_and(|c| c.client.is_closed()) {
                    target.lost();
                    conn = None;
                }
                if conn.is_none() {
                    match Conn::open(&target) {
                        Ok(c) => {
                            if failed_at.take().is_some() {
                                tracing::info!(store = %target.label().display(), "store reachable again");
                            }
                            conn = Some(c);
                        }
                        Err(e) => failed_at = Some((Instant::now(), e)),
                    }
                }
                continue;
            }
        };
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        if conn.as_ref().is_some_and(|c| c.client.is_closed()) {
            target.lost();
            conn = None;
        }
        if conn.is_none() {
            match &failed_at {
                Some((at, e)) if at.elapsed() < RETRY_AFTER => {
                    let e = e.clone();
                    batch
                        .into_iter()
                        .for_each(|job| answer(job, Err(e.clone())));
                    continue;
                }
                _ => match Conn::open(&target) {
                    Ok(c) => {
                        if failed_at.take().is_some() {
                            tracing::info!(store = %target.label().display(), "store reachable again");
                        }
                        conn = Some(c);
                    }
                    Err(e) => {
                        tracing::warn!(store = %target.label().display(), "store unreachable: {e}");
                        batch
                            .into_iter()
                            .for_each(|job| answer(job, Err(e.clone())));
                        failed_at = Some((Instant::now(), e));
                        continue;
                    }
                },
            }
        }
        let Some(c) = conn.as_mut() else { continue };
        if !commit_batch(c, &target, batch, &commits) {
            conn = None;
        }
    }
}

/// What a job produced inside the transaction, told to its waiter after the commit.
enum Out {
    Seq(i64),
    Flags(Vec<bool>),
    Found(bool),
}

impl Out {
    fn inserted(&self) -> bool {
        match self {
            Out::Seq(_) => true,
            Out::Flags(f) => f.contains(&true),
            Out::Found(_) => false,
        }
    }
}

fn answer(job: Job, out: Result<Out, StoreError>) {
    match job {
        Job::Insert { reply, .. } => reply(out.map(|o| match o {
            Out::Seq(s) => Some(s),
            _ => None,
        })),
        Job::Settle { reply } => reply(out.map(drop)),
        Job::Import { reply, .. } => reply(out.map(|o| match o {
            Out::Flags(f) => f,
            _ => Vec::new(),
        })),
        Job::SetFetched { reply, .. }
        | Job::SetForward { reply, .. }
        | Job::SetStatus { reply, .. }
        | Job::Contains { reply, .. } => reply(out.map(|o| matches!(o, Out::Found(true)))),
    }
}

enum Failure {
    /// One job's own error (a constraint); the connection is fine.
    Job(usize, StoreError),
    /// A grouped insert failed on one of its rows: the batch is run again row by row,
    /// which finds the row.
    Ungroup,
    /// The transaction or the connection failed: nothing of the batch is stored.
    Batch(StoreError),
}

/// Commits the batch, leaving out a job whose own statement fails (PostgreSQL aborts
/// the whole transaction on an error, so the rest is run again without it). Returns
/// `false` when the connection is unusable.
fn commit_batch(
    conn: &mut Conn,
    target: &Target,
    mut batch: Vec<Job>,
    commits: &AtomicU64,
) -> bool {
    let mut grouped = true;
    loop {
        match try_batch(conn, target, &batch, grouped) {
            Ok(outs) => {
                commits.fetch_add(1, Ordering::Relaxed);
                for (job, out) in batch.into_iter().zip(outs) {
                    answer(job, Ok(out));
                }
                return true;
            }
            Err(Failure::Ungroup) => grouped = false,
            Err(Failure::Job(i, e)) => {
                answer(batch.remove(i), Err(e));
                if batch.is_empty() {
                    return true;
                }
            }
            Err(Failure::Batch(e)) => {
                tracing::warn!(store = %target.label().display(), "commit failed: {e}");
                batch
                    .into_iter()
                    .for_each(|job| answer(job, Err(e.clone())));
                return !conn.client.is_closed();
            }
        }
    }
}

fn try_batch(
    conn: &mut Conn,
    target: &Target,
    batch: &[Job],
    grouped: bool,
) -> Result<Vec<Out>, Failure> {
    let whole = |e| Failure::Batch(target.err(e));
    let inserts = batch
        .iter()
        .any(|j| matches!(j, Job::Insert { .. } | Job::Import { .. }));
    // Seqs are handed out under the lock, from the highest stored: they appear in
    // order, without gaps, whichever receiver writes. BEGIN and the lock travel
    // together: every round trip is paid once per commit, and a commit's latency is
    // what bounds a receiver's rate.
    let begin = if inserts {
        format!("BEGIN; SELECT pg_advisory_xact_lock({WRITE_LOCK})")
    } else {
        "BEGIN".to_string()
    };
    conn.client.batch_execute(&begin).map_err(whole)?;
    match in_transaction(conn, target, batch, grouped) {
        Ok(outs) => {
            conn.client.batch_execute("COMMIT").map_err(whole)?;
            Ok(outs)
        }
        Err(f) => {
            if !conn.client.is_closed() {
                let _ = conn.client.batch_execute("ROLLBACK");
            }
            Err(f)
        }
    }
}

fn in_transaction(
    conn: &mut Conn,
    target: &Target,
    batch: &[Job],
    grouped: bool,
) -> Result<Vec<Out>, Failure> {
    let whole = |e| Failure::Batch(target.err(e));
    let Conn {
        client,
        insert,
        insert_many: many,
        import,
    } = conn;
    // The next seq, once known: a grouped insert numbers its rows itself and says.
    let mut next: Option<i64> = None;
    // The highest seq announced so far in this transaction.
    let mut announced = 0;
    let mut outs = Vec::with_capacity(batch.len());
    let mut i = 0;
    while i < batch.len() {
        let group: Vec<&NewRow> = batch[i..]
            .iter()
            .map_while(|j| match j {
                Job::Insert { row, .. } => Some(&**row),
                _ => None,
            })
            .collect();
        if grouped && group.len() > 1 {
            match insert_many(client, many, &group) {
                Ok((first, last)) => {
                    outs.extend((first..=last).map(Out::Seq));
                    next = Some(last + 1);
                    announced = last;
                    i += group.len();
                    continue;
                }
                Err(e) if e.as_db_error().is_some() && !e.is_closed() => {
                    return Err(Failure::Ungroup);
                }
                Err(e) => return Err(whole(e)),
            }
        }
        let job = &batch[i];
        let mut seq = match (next, job) {
            (Some(n), _) => n,
            (None, Job::Insert { .. } | Job::Import { .. }) => client
                .query_one("SELECT coalesce(max(seq), 0) + 1 FROM deliveries", &[])
                .map_err(whole)?
                .get(0),
            (None, _) => 0,
        };
        match apply(client, insert, import, job, &mut seq) {
            Ok(o) => outs.push(o),
            // A server's error about this job (a constraint) leaves the connection usable.
            Err(e) if e.as_db_error().is_some() && !e.is_closed() => {
                return Err(Failure::Job(i, target.err(e)));
            }
            Err(e) => return Err(whole(e)),
        }
        if matches!(job, Job::Insert { .. } | Job::Import { .. }) {
            next = Some(seq);
        }
        i += 1;
    }
    if let Some(n) = next
        && n - 1 > announced
        && outs.iter().any(Out::inserted)
    {
        client
            .execute(
                "SELECT pg_notify($1, $2)",
                &[&CHANNEL, &(n - 1).to_string()],
            )
            .map_err(whole)?;
    }
    Ok(outs)
}

fn apply(
    tx: &mut Client,
    insert: &Statement,
    import: &Statement,
    job: &Job,
    next: &mut i64,
) -> Result<Out, postgres::Error> {
    match job {
        Job::Insert { row, .. } => {
            let seq = *next;
            tx.execute(insert, &params(row, seq).refs())?;
            *next += 1;
            Ok(Out::Seq(seq))
        }
        Job::Import { rows, .. } => {
            let mut flags = Vec::with_capacity(rows.len());
            for row in rows {
                let added = tx.execute(import, &params(row, *next).refs())? > 0;
                if added {
                    *next += 1;
                }
                flags.push(added);
            }
            Ok(Out::Flags(flags))
        }
        Job::SetFetched { id, json, .. } => tx
            .execute(
                "UPDATE deliveries SET fetched = $2 WHERE id = $1",
                &[&pg_text(id).as_ref(), &pg_text(json).as_ref()],
            )
            .map(|n| Out::Found(n > 0)),
        Job::SetStatus { id, status, .. } => tx
            .execute(
                "UPDATE deliveries SET response_status = $2 WHERE id = $1",
                &[&pg_text(id).as_ref(), &i32::from(*status)],
            )
            .map(|n| Out::Found(n > 0)),
        Job::Contains { id, .. } => tx
            .query_one(
                "SELECT EXISTS (SELECT 1 FROM deliveries WHERE id = $1)",
                &[&pg_text(id).as_ref()],
            )
            .map(|row| Out::Found(row.get(0))),
        Job::SetForward { id, json, .. } => tx
            .execute(
                "UPDATE deliveries SET forward = $2 WHERE id = $1",
                &[&pg_text(id).as_ref(), &pg_text(json).as_ref()],
            )
            .map(|n| Out::Found(n > 0)),
        // Nothing is journaled over PostgreSQL: every row is committed before it is
        // answered.
        Job::Settle { .. } => Ok(Out::Found(true)),
    }
}
