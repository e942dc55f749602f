//! What the store's writer thread is asked to do, and how it answers.

use super::StoreError;
use super::row::NewRow;

/// Jobs per transaction at most, so one commit never waits on an unbounded queue.
pub(super) const MAX_BATCH: usize = 256;

/// How a waiter is answered: a oneshot for async callers, a std channel for blocking ones.
pub(crate) type Reply<T> = Box<dyn FnOnce(Result<T, StoreError>) + Send>;

pub(crate) enum Job {
    /// The reply holds the row's seq; `None` when it was journaled (and `deferrable`),
    /// to be filed later with a seq given then.
    Insert {
        row: Box<NewRow>,
        deferrable: bool,
        reply: Reply<Option<i64>>,
    },
    /// Files everything journaled.
    Settle {
        reply: Reply<()>,
    },
    /// Rows whose id may already be stored (an import): those are skipped, not errors.
    Import {
        rows: Vec<NewRow>,
        reply: Reply<Vec<bool>>,
    },
    SetFetched {
        id: String,
        json: String,
        reply: Reply<bool>,
    },
    SetForward {
        id: String,
        json: String,
        reply: Reply<bool>,
    },
    SetStatus {
        id: String,
        status: u16,
        reply: Reply<bool>,
    },
    Contains {
        id: String,
        reply: Reply<bool>,
    },
}
