//! The writer thread: group commit. It blocks for one job, drains whatever else is queued
//! into the same transaction, commits once, then answers every waiter.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, TryRecvError};
use std::time::{Duration, Instant};

use rusqlite::{Connection, params};

use super::StoreError;
use super::filing::Filing;
use super::job::{Job, MAX_BATCH, Reply};
use super::journal::{Journal, Update};
use super::row::insert;
use super::search;

/// Answers one waiter once the commit outcome is known.
type Finish = Box<dyn FnOnce(Result<(), StoreError>) + Send>;

impl Job {
    /// Runs the job inside the open transaction. Its own error goes to its waiter only;
    /// a copy is returned so the batch can tell whether the transaction survived it.
    fn apply(self, conn: &Connection, path: &Path) -> (Finish, Option<StoreError>) {
        let err = |e| StoreError::from_sqlite(path, e);
        fn finish<T: Send + 'static>(
            reply: Reply<T>,
            result: Result<T, StoreError>,
        ) -> (Finish, Option<StoreError>) {
            let failure = result.as_ref().err().cloned();
            let f: Finish =
                Box::new(move |commit: Result<(), StoreError>| reply(commit.and(result)));
            (f, failure)
        }
        match self {
            Job::Insert { row, reply, .. } => {
                let r = insert(conn, &row, false).and_then(|seq| {
                    // Without OR IGNORE a row that is not inserted is an error.
                    seq.map(Some).ok_or(rusqlite::Error::QueryReturnedNoRows)
                });
                finish(reply, r.map_err(err))
            }
            // The journal was filed before this batch (`Filing::take`).
            Job::Settle { reply } => finish(reply, Ok(())),
            Job::Import { rows, reply } => {
                let r = rows
                    .iter()
                    .map(|row| insert(conn, row, true).map(|seq| seq.is_some()))
                    .collect::<rusqlite::Result<Vec<bool>>>();
                finish(reply, r.map_err(err))
            }
            Job::SetFetched { id, json, reply } => {
                let r = Update::Fetched { id, json }.apply(conn).map(|n| n > 0);
                finish(reply, r.map_err(err))
            }
            Job::SetForward { id, json, reply } => {
                let r = Update::Forward { id, json }.apply(conn).map(|n| n > 0);
                finish(reply, r.map_err(err))
            }
            Job::SetStatus { id, status, reply } => {
                let r = Update::Status { id, status }.apply(conn).map(|n| n > 0);
                finish(reply, r.map_err(err))
            }
            Job::Contains { id, reply } => {
                let r = conn
                    .prepare_cached("SELECT EXISTS (SELECT 1 FROM deliveries WHERE id = ?1)")
                    .and_then(|mut s| s.query_row(params![id], |row| row.get(0)));
                finish(reply, r.map_err(err))
            }
        }
    }

    fn apply_error(self, e: StoreError) {
        match self {
            Job::Insert { reply, .. } => reply(Err(e)),
            Job::Settle { reply } => reply(Err(e)),
            Job::Import { reply, .. } => reply(Err(e)),
            Job::SetFetched { reply, .. } => reply(Err(e)),
            Job::SetForward { reply, .. } => reply(Err(e)),
            Job::SetStatus { reply, .. } => reply(Err(e)),
            Job::Contains { reply, .. } => reply(Err(e)),
        }
    }
}

/// How long the queue must stay empty before the writer turns to the word index.
const INDEX_WHEN_IDLE: Duration = Duration::from_millis(20);
/// Rows indexed per transaction: a delivery arriving meanwhile waits for one such step
/// (a few milliseconds) at most.
const INDEX_STEP: usize = 256;
/// Under a steady stream the queue is never idle; one step this often still indexes
/// about 2,500 deliveries a second, at a few percent of the writer's time.
const INDEX_WHEN_BUSY: Duration = Duration::from_millis(100);
/// Above that rate the rows not yet indexed pile up, and filters match them row by row.
/// Past this many, the writer indexes after each commit as many rows as it wrote (and
/// the excess), so that the tail a filter reads row by row stays about this long
/// however long the stream lasts; the stream then runs at the rate the writer can both
/// store and index.
pub(crate) const TAIL_BOUND: u64 = 10_000;
/// Rows indexed after one commit at most, so that one delivery never waits long.
const CATCH_UP_STEP: usize = 2_048;
/// Past the bound, indexing waits until the excess is this large: every step is a
/// transaction of its own and flushes a new segment that FTS5 must merge later, so one
/// step of a thousand rows costs far less per row than one after every small commit.
pub(crate) const CATCH_UP_MIN: u64 = 1_024;

pub(crate) fn run(
    conn: Connection,
    jobs: Receiver<Job>,
    commits: Arc<AtomicU64>,
    path: PathBuf,
    journal: Option<Journal>,
    shown: Arc<AtomicU64>,
) {
    let mut index = WordIndex::new();
    let mut filing = Filing::new(journal, &path);
    // What a journal left by an earlier receiver holds, until it is filed.
    shown.store(filing.pending_rows() as u64, Ordering::Relaxed);
    // The last loop did background work (filing, indexing): carry on while the queue
    // is empty rather than wait for it to stay quiet again.
    let mut working = false;
    loop {
        // Entries waiting whose filing failed a moment ago count too: the timeout below
        // is what tries again.
        let background = filing.holds_any() || index.behind;
        let next = if !background {
            jobs.recv().map_err(|_| RecvTimeoutError::Disconnected)
        } else if working {
            jobs.try_recv().map_err(|e| match e {
                TryRecvError::Empty => RecvTimeoutError::Timeout,
                TryRecvError::Disconnected => RecvTimeoutError::Disconnected,
            })
        } else {
            jobs.recv_timeout(INDEX_WHEN_IDLE)
        };
        let first = match next {
            Ok(job) => job,
            Err(RecvTimeoutError::Timeout) => {
                // Rows are filed before they are indexed.
                if filing.due() {
                    working = filing.step(&conn, &path).is_some();
                    shown.store(filing.pending_rows() as u64, Ordering::Relaxed);
                    // The rows just filed wait for the word index.
                    index.behind |= working;
                } else if index.behind {
                    index.step(&conn, &path);
                    working = index.behind;
                } else {
                    // Waiting to retry filing.
                    working = false;
                }
                continue;
            }
            // Every Store handle is gone and the queue is empty.
            Err(RecvTimeoutError::Disconnected) => break,
        };
        working = false;
        let mut batch = vec![first];
        // What queued while the last commit ran joins this one. No waiting for more: on a
        // busy machine a sleep of 100 µs became milliseconds before the writer ran again,
        // with every waiting sender stalled (the ingest bench lost about a quarter).
        drain(&jobs, &mut batch);
        let queued = batch.len();
        let deferrable = super::filing::deferrable(&batch);
        let batch = filing.take(&conn, &path, batch);
        if !batch.is_empty() {
            commit_batch(&conn, batch, &commits, &path);
        }
        if filing.holds_any() {
            index.behind |= filing.after_batch(&conn, &path, queued, deferrable) > 0;
            if filing.over_bound() {
                // A stream past the journal's bound: the word index keeps its tail
                // bounded as it does without the journal.
                index.after_commit(&conn, &path);
            }
            shown.store(filing.pending_rows() as u64, Ordering::Relaxed);
        } else {
            shown.store(0, Ordering::Relaxed);
            index.after_commit(&conn, &path);
        }
    }
    filing.finish(&conn, &path);
}

/// The writer's side of the free-text index (`search.rs`): whether rows may be waiting
/// for it, whether the queue was quiet long enough to index, and when it last did.
pub(super) struct WordIndex {
    behind: bool,
    last_step: Instant,
    /// The last step failed: catching up waits for the next occasional step, so that a
    /// full disk is not retried (and logged) after every commit.
    failing: bool,
}

impl WordIndex {
    pub(super) fn new() -> Self {
        Self {
            behind: true,
            last_step: Instant::now(),
            failing: false,
        }
    }

    fn step(&mut self, conn: &Connection, path: &Path) {
        self.step_by(conn, path, INDEX_STEP);
    }

    /// Keeps up while the queue is never idle: a step now and then, and once the tail
    /// is [`CATCH_UP_MIN`] past [`TAIL_BOUND`], as many rows as it grew by.
    pub(super) fn after_commit(&mut self, conn: &Connection, path: &Path) {
        self.behind = true;
        let due = self.last_step.elapsed() >= INDEX_WHEN_BUSY;
        let over = search::unindexed_estimate(conn).map_or(0, |n| n.saturating_sub(TAIL_BOUND));
        if over >= CATCH_UP_MIN && (!self.failing || due) {
            let rows = usize::try_from(over).map_or(CATCH_UP_STEP, |n| n.min(CATCH_UP_STEP));
            self.step_by(conn, path, rows);
        } else if due {
            self.step(conn, path);
        }
    }

    fn step_by(&mut self, conn: &Connection, path: &Path, rows: usize) {
        self.last_step = Instant::now();
        self.failing = false;
        match search::index_pending(conn, rows) {
            Ok(n) => self.behind = n > 0,
            Err(e) => {
                self.failing = true;
                // Filters still find these rows, row by row; try again after the next
                // commit rather than spinning on a full disk.
                tracing::warn!(path = %path.display(), "indexing deliveries for search failed: {e}");
                self.behind = false;
            }
        }
    }
}

fn drain(jobs: &Receiver<Job>, batch: &mut Vec<Job>) {
    while batch.len() < MAX_BATCH {
        match jobs.try_recv() {
            Ok(job) => batch.push(job),
            Err(_) => break,
        }
    }
}

fn commit_batch(conn: &Connection, batch: Vec<Job>, commits: &AtomicU64, path: &Path) {
    let err = |e| StoreError::from_sqlite(path, e);
    if let Err(e) = conn.execute_batch("BEGIN IMMEDIATE") {
        let e = err(e);
        for job in batch {
            job.apply_error(e.clone());
        }
        return;
    }
    let mut finished = Vec::with_capacity(batch.len());
    let mut rolled_back = None;
    let mut jobs = batch.into_iter();
    for job in jobs.by_ref() {
        let (finish, failure) = job.apply(conn, path);
        finished.push(finish);
        // Some failures (disk full, I/O) roll the whole transaction back: nothing of this
        // batch is stored, so nobody may be told otherwise.
        if failure.is_some() && conn.is_autocommit() {
            rolled_back = failure;
            break;
        }
    }
    let outcome = match rolled_back {
        Some(e) => Err(e),
        None => conn.execute_batch("COMMIT").map_err(err),
    };
    match outcome {
        Ok(()) => {
            commits.fetch_add(1, Ordering::Relaxed);
            finished.into_iter().for_each(|f| f(Ok(())));
        }
        Err(e) => {
            if !conn.is_autocommit() {
                let _ = conn.execute_batch("ROLLBACK");
            }
            finished.into_iter().for_each(|f| f(Err(e.clone())));
            jobs.for_each(|job| job.apply_error(e.clone()));
        }
    }
}
