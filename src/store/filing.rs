//! When the writer journals instead of committing, and when it files the journal into
//! the database. A delivery that arrives alone is committed before it is answered, as
//! always, and every reader sees it at once. Once deliveries queue faster than the
//! database takes them, they go to the journal (`journal.rs`) and are answered there.
//! The journal is filed while the queue is quiet; under a stream, one step now and then,
//! and a step after every batch once the burst is over; past its bound, after every
//! batch as much as it brought.

use std::path::Path;
use std::time::{Duration, Instant};

use rusqlite::Connection;

use super::StoreError;
use super::job::{Job, Reply};
use super::journal::{Entry, Journal, Step, Update};
use super::row::insert;

/// Inserts in one drained batch from which the writer stops committing them itself: the
/// queue grows faster than commits go.
const PRESSURE: usize = 16;
/// Past this many bytes or rows waiting, filing no longer waits for a quiet queue. At
/// 45,000 deliveries of 2 KiB a second, about 15 s of a burst; the rows' ids then take
/// some 40 MB.
const PENDING_MAX_BYTES: u64 = 2 << 30;
const PENDING_MAX_ROWS: usize = 2_000_000;
/// Entries filed per transaction.
const STEP: usize = 512;
/// No batch reached [`PRESSURE`] for this long: the burst is over, and every batch files
/// a step of what waits.
const CALM: Duration = Duration::from_millis(100);
/// Under a stream that never leaves the queue quiet, one step this often still files
/// about 5,000 deliveries a second, at a few percent of the writer's time.
const FILE_WHEN_BUSY: Duration = Duration::from_millis(100);
/// After a failed step (a full disk), the next waits this long.
const RETRY_AFTER: Duration = Duration::from_secs(1);
/// How long a writer that is closing files what is left; the rest stays in the journal
/// for the next writer.
const FINISH_WITHIN: Duration = Duration::from_secs(3);

pub(super) struct Filing {
    journal: Option<Journal>,
    failed_at: Option<Instant>,
    /// The database file as opened: filing stops if it is deleted or replaced, and what
    /// waits stays in the journal for the next store opened at that path.
    identity: Option<(u64, u64)>,
    gone_said: bool,
    last_step: Instant,
    /// When a batch last reached [`PRESSURE`].
    last_pressed: Instant,
    max_bytes: u64,
    max_rows: usize,
}

impl Filing {
    pub(super) fn new(journal: Option<Journal>, path: &Path) -> Self {
        Self {
            identity: journal.as_ref().and_then(|_| super::file_identity(path)),
            journal,
            failed_at: None,
            gone_said: false,
            last_step: Instant::now(),
            last_pressed: Instant::now(),
            max_bytes: PENDING_MAX_BYTES,
            max_rows: PENDING_MAX_ROWS,
        }
    }

    /// Entries wait to be filed, and a step may run now.
    pub(super) fn due(&self) -> bool {
        self.holds_any() && self.failed_at.is_none_or(|t| t.elapsed() >= RETRY_AFTER)
    }

    /// Entries wait in the journal (due or not).
    pub(super) fn holds_any(&self) -> bool {
        self.journal.as_ref().is_some_and(|j| !j.is_empty())
    }

    /// Rows appended and not filed yet.
    pub(super) fn pending_rows(&self) -> usize {
        self.journal.as_ref().map_or(0, Journal::pending_rows)
    }

    /// Takes from `batch` what goes to the journal, appends and answers it, and returns
    /// the jobs that go to the database. Jobs that need every row filed (an import, a
    /// settle) get it first.
    pub(super) fn take(&mut self, conn: &Connection, path: &Path, batch: Vec<Job>) -> Vec<Job> {
        if self.journal.is_none() {
            return batch;
        }
        let mut batch = batch;
        if batch
            .iter()
            .any(|j| matches!(j, Job::Import { .. } | Job::Settle { .. }))
        {
            let settled = self.settle(conn, path);
            let (settles, rest): (Vec<Job>, Vec<Job>) = batch
                .into_iter()
                .partition(|j| matches!(j, Job::Settle { .. }));
            for job in settles {
                if let Job::Settle { reply } = job {
                    reply(settled.clone());
                }
            }
            batch = rest;
        }
        // Past the bound while filing fails (a full disk, a store held by another
        // process), nothing more is journaled: the batch meets the database's error.
        if self.over_bound() && self.failed_at.is_some() {
            return batch;
        }
        let Some(journal) = self.journal.as_mut() else {
            return batch;
        };
        if journal.is_empty() && deferrable(&batch) < PRESSURE {
            return batch;
        }
        let mut entries = Vec::new();
        let mut answers: Vec<Answer> = Vec::new();
        let mut rest = Vec::new();
        let mut appended = std::collections::HashSet::new();
        for job in batch {
            match job {
                Job::Insert {
                    row,
                    deferrable: true,
                    reply,
                } => {
                    appended.insert(row.id.clone());
                    entries.push(Entry::Insert(row));
                    answers.push(Answer::Insert(reply));
                }
                Job::SetFetched { id, json, reply }
                    if journal.holds(&id) || appended.contains(&id) =>
                {
                    entries.push(Entry::Update(Update::Fetched { id, json }));
                    answers.push(Answer::Updated(reply));
                }
                Job::SetForward { id, json, reply }
                    if journal.holds(&id) || appended.contains(&id) =>
                {
                    entries.push(Entry::Update(Update::Forward { id, json }));
                    answers.push(Answer::Updated(reply));
                }
                Job::SetStatus { id, status, reply }
                    if journal.holds(&id) || appended.contains(&id) =>
                {
                    entries.push(Entry::Update(Update::Status { id, status }));
                    answers.push(Answer::Updated(reply));
                }
                Job::Contains { id, reply } if journal.holds(&id) || appended.contains(&id) => {
                    answers.push(Answer::Updated(reply));
                }
                other => rest.push(other),
            }
        }
        let outcome = if entries.is_empty() {
            Ok(())
        } else {
            journal.append(&entries).map_err(|e| StoreError::Io {
                path: super::journal::folder_of(path),
                source: std::sync::Arc::new(e),
            })
        };
        for a in answers {
            a.send(outcome.clone());
        }
        rest
    }

    /// After a batch while entries wait: past the bound, files as many as the batch
    /// brought (one step at least), so that the journal stops growing and the stream runs
    /// at the rate of filing. Below it, one step once the pressure is gone (a batch
    /// below [`PRESSURE`] for [`CALM`]), or every [`FILE_WHEN_BUSY`] under a stream that never
    /// leaves the queue quiet. Returns how many entries it filed.
    pub(super) fn after_batch(
        &mut self,
        conn: &Connection,
        path: &Path,
        queued: usize,
        deferrable: usize,
    ) -> usize {
        let over = self.over_bound();
        if deferrable >= PRESSURE {
            self.last_pressed = Instant::now();
        }
        // Batches come small and large by turns within a burst: only a while without a
        // large one says that it is over.
        let light = self.last_pressed.elapsed() >= CALM;
        let due_by_time = self.last_step.elapsed() >= FILE_WHEN_BUSY;
        let mut left = match (over, light || due_by_time) {
            (true, _) => queued.max(1),
            (false, true) => 1,
            (false, false) => 0,
        };
        let mut filed = 0;
        while left > 0 && self.due() {
            let Some(n) = self.step(conn, path) else {
                break;
            };
            filed += n;
            left = left.saturating_sub(n.max(1));
        }
        filed
    }

    /// More waits than the bound allows.
    pub(super) fn over_bound(&self) -> bool {
        self.journal
            .as_ref()
            .is_some_and(|j| j.pending_bytes() > self.max_bytes || j.pending_rows() > self.max_rows)
    }

    /// Files one step; how many entries it filed, `None` when it failed or had nothing.
    pub(super) fn step(&mut self, conn: &Connection, path: &Path) -> Option<usize> {
        let journal = self.journal.as_mut()?;
        if super::file_identity(path) != self.identity {
            if !self.gone_said {
                self.gone_said = true;
                tracing::warn!(
                    path = %path.display(),
                    "the store file was deleted or replaced; {} journaled deliveries stay in {} \
                     for the next store opened there",
                    journal.pending_rows(),
                    super::journal::folder_of(path).display()
                );
            }
            self.failed_at = Some(Instant::now());
            return None;
        }
        self.last_step = Instant::now();
        let outcome = journal
            .next_step(STEP)
            .map_err(|e| e.to_string())
            .and_then(|step| file(conn, &step).map(|()| step).map_err(|e| e.to_string()));
        match outcome {
            // Deleted or replaced during the step: what went into it is filed again into
            // the next store (filing twice adds nothing twice).
            Ok(_) if super::file_identity(path) != self.identity => {
                self.failed_at = Some(Instant::now());
                None
            }
            Ok(step) => {
                let n = step.entries.len();
                journal.filed(step);
                self.failed_at = None;
                Some(n)
            }
            Err(e) => {
                tracing::warn!(path = %path.display(), "filing journaled deliveries failed: {e}");
                self.failed_at = Some(Instant::now());
                None
            }
        }
    }

    /// Files everything, for jobs that must see every row.
    fn settle(&mut self, conn: &Connection, path: &Path) -> Result<(), StoreError> {
        // A step that failed a moment ago is tried again at once: the caller waits.
        self.failed_at = None;
        while self.due() {
            if self.step(conn, path).is_none() {
                break;
            }
        }
        if !self.holds_any() {
            return Ok(());
        }
        Err(StoreError::Io {
            path: super::journal::folder_of(path),
            source: std::sync::Arc::new(std::io::Error::other(format!(
                "{} journaled deliveries (and changes to them) could not be filed into the \
                 store (see the log)",
                self.pending_rows()
            ))),
        })
    }

    /// Files what it can before the writer closes; says what is left.
    pub(super) fn finish(&mut self, conn: &Connection, path: &Path) {
        let start = Instant::now();
        while self.due() && start.elapsed() < FINISH_WITHIN {
            if self.step(conn, path).is_none() {
                break;
            }
        }
        let left = self.pending_rows();
        if self.holds_any() {
            let folder = super::journal::folder_of(path);
            // Said on stderr as well: the receiver is closing, its screen is gone.
            let what = match left {
                0 => "changes to deliveries".to_string(),
                n => format!("{n} deliveries"),
            };
            let message = format!(
                "{what} are kept in {} and are filed into the store the next time hookscope \
                 opens it",
                folder.display()
            );
            tracing::warn!("{message}");
            eprintln!("hookscope: {message}");
        }
    }
}

/// The inserts in `batch` that may be journaled.
pub(super) fn deferrable(batch: &[Job]) -> usize {
    batch
        .iter()
        .filter(|j| {
            matches!(
                j,
                Job::Insert {
                    deferrable: true,
                    ..
                }
            )
        })
        .count()
}

/// Commits `step`'s entries in one transaction. Rows already stored (filed before a
/// crash cut the journal short of knowing it) are skipped.
fn file(conn: &Connection, step: &Step) -> rusqlite::Result<()> {
    if step.entries.is_empty() {
        return Ok(());
    }
    conn.execute_batch("BEGIN IMMEDIATE")?;
    let result = step.entries.iter().try_for_each(|e| match e {
        Entry::Insert(row) => insert(conn, row, true).map(drop),
        Entry::Update(u) => u.apply(conn).map(drop),
    });
    match result.and_then(|()| conn.execute_batch("COMMIT")) {
        Ok(()) => Ok(()),
        Err(e) => {
            if !conn.is_autocommit() {
                let _ = conn.execute_batch("ROLLBACK");
            }
            Err(e)
        }
    }
}

/// A journaled job's waiter.
enum Answer {
    Insert(Reply<Option<i64>>),
    Updated(Reply<bool>),
}

impl Answer {
    fn send(self, outcome: Result<(), StoreError>) {
        match self {
            // The seq is given when the row is filed.
            Answer::Insert(reply) => reply(outcome.map(|()| None)),
            Answer::Updated(reply) => reply(outcome.map(|()| true)),
        }
    }
}

#[cfg(test)]
#[path = "filing_tests.rs"]
mod tests;
