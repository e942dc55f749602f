//! Following a history that other processes write: the rows stored since the last look,
//! and whether the store can be reached. Over PostgreSQL a listening connection wakes
//! the watcher as soon as any receiver commits (NOTIFY carries only the new seq); a poll
//! every [`POLL`] is the fallback, and the only way for a SQLite file.

use std::time::Duration;

use super::{Reader, Row, StoreError, pg};

/// A file's device and inode: a file recreated under the same name is another file.
/// `None` when there is no file there.
pub(crate) fn file_identity(path: &std::path::Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

/// How often the store is asked for new rows without being told of any.
pub(crate) const POLL: Duration = Duration::from_millis(250);

/// Rows read per look.
const BATCH: usize = 1000;

/// What changed since the last look.
#[derive(Debug)]
pub(crate) enum Change {
    /// Rows stored since, in arrival order.
    Rows(Vec<Row>),
    /// The store cannot be read (the first failure after it could).
    Lost(StoreError),
    /// The store can be read again.
    Back,
}

pub(crate) struct Watch {
    reader: Reader,
    last: Option<i64>,
    listener: Option<pg::watch::Listener>,
    lost: bool,
}

impl Watch {
    /// Watches from the rows stored now on: only later ones are reported.
    pub(crate) fn new(reader: Reader) -> Result<Watch, StoreError> {
        let last = reader.last_seq()?;
        let listener = reader.pg_target().map(pg::watch::Listener::new);
        Ok(Watch {
            reader,
            last,
            listener,
            lost: false,
        })
    }

    /// Waits up to [`POLL`] (less when told of a commit) and reports what changed, if
    /// anything.
    pub(crate) fn changes(&mut self) -> Vec<Change> {
        match &mut self.listener {
            Some(l) => l.wait(POLL),
            None => std::thread::sleep(POLL),
        }
        let mut out = Vec::new();
        loop {
            match self.reader.rows_after(self.last.unwrap_or(i64::MIN), BATCH) {
                Ok(rows) => {
                    if std::mem::take(&mut self.lost) {
                        out.push(Change::Back);
                    }
                    let full = rows.len() == BATCH;
                    if let Some(r) = rows.last() {
                        self.last = Some(r.seq);
                        out.push(Change::Rows(rows));
                    }
                    if !full {
                        return out;
                    }
                }
                Err(e) => {
                    if !std::mem::replace(&mut self.lost, true) {
                        out.push(Change::Lost(e));
                    }
                    return out;
                }
            }
        }
    }
}
