//! The one read interface over either store: each method is answered by the SQLite
//! file's reader or the PostgreSQL one, with the same meaning.

use std::path::Path;

use chrono::{DateTime, Utc};

use super::pg::PgReader;
use super::read::SqliteReader;
use super::{Filter, Row, SeqRange, StoreError, Stored, Tally};
use crate::model::Delivery;
use crate::model::ProviderId;

/// A read connection. Each reader is independent; open one per thread that reads.
pub struct Reader(Backend);

enum Backend {
    Sqlite(SqliteReader),
    Postgres(PgReader),
}

impl From<SqliteReader> for Reader {
    fn from(r: SqliteReader) -> Self {
        Reader(Backend::Sqlite(r))
    }
}

impl From<PgReader> for Reader {
    fn from(r: PgReader) -> Self {
        Reader(Backend::Postgres(r))
    }
}

impl Reader {
    /// Deliveries the store's writer answered and has not filed into the database yet
    /// (journaled under a burst); 0 for a reader of another process's store.
    pub fn filing(&self) -> u64 {
        match &self.0 {
            Backend::Sqlite(r) => r.filing(),
            Backend::Postgres(_) => 0,
        }
    }
}

macro_rules! either {
    ($self:ident, $r:ident => $e:expr) => {
        match &$self.0 {
            Backend::Sqlite($r) => $e,
            Backend::Postgres($r) => $e,
        }
    };
}

/// Stops the query running on a reader, from another thread; it fails with an error
/// for which [`StoreError::is_interrupted`] holds.
pub struct Interrupt(InterruptBackend);

enum InterruptBackend {
    Sqlite(rusqlite::InterruptHandle),
    Postgres(super::pg::Cancel, super::pg::Target),
}

impl Interrupt {
    pub(crate) fn interrupt(&self) {
        match &self.0 {
            InterruptBackend::Sqlite(h) => h.interrupt(),
            InterruptBackend::Postgres(cancel, target) => {
                let token = cancel.lock().ok().and_then(|t| t.clone());
                if let Some(token) = token {
                    target.cancel_later(token);
                }
            }
        }
    }
}

impl Reader {
    /// Another reader of the same database, for another thread.
    pub(crate) fn another(&self) -> Result<Reader, StoreError> {
        Ok(either!(self, r => r.another()?.into()))
    }

    /// The database this reader reads, for messages (a URL's password masked).
    pub(crate) fn path(&self) -> &Path {
        match &self.0 {
            Backend::Sqlite(r) => r.path(),
            Backend::Postgres(r) => r.target().label(),
        }
    }

    /// Where the running query of this reader can be stopped from.
    pub(crate) fn interrupt_handle(&self) -> Interrupt {
        Interrupt(match &self.0 {
            Backend::Sqlite(r) => InterruptBackend::Sqlite(r.interrupt_handle()),
            Backend::Postgres(r) => InterruptBackend::Postgres(r.cancel(), r.target().clone()),
        })
    }

    /// The PostgreSQL database this reader reads, if it reads one.
    pub(crate) fn pg_target(&self) -> Option<&super::pg::Target> {
        match &self.0 {
            Backend::Postgres(r) => Some(r.target()),
            Backend::Sqlite(_) => None,
        }
    }

    /// Whether the store could be reached when last tried; a file always can (its
    /// problems are told as errors).
    pub(crate) fn connected(&self) -> bool {
        match &self.0 {
            Backend::Sqlite(_) => true,
            Backend::Postgres(r) => r.target().reachable(),
        }
    }

    /// The key replays of this store's deliveries are signed with, when there is one
    /// (a read-only SQLite file may have none beside it).
    pub fn link_key(&self) -> Option<super::LinkKey> {
        match &self.0 {
            Backend::Sqlite(r) => r.location().link_key(),
            Backend::Postgres(r) => r.link_key(),
        }
    }

    /// Number of deliveries stored.
    pub fn count(&self) -> Result<u64, StoreError> {
        either!(self, r => r.count())
    }

    /// How many deliveries the free-text index has not reached yet (they are still
    /// found, row by row). PostgreSQL indexes each delivery as it is stored.
    pub fn unindexed(&self) -> Result<u64, StoreError> {
        match &self.0 {
            Backend::Sqlite(r) => r.unindexed(),
            Backend::Postgres(_) => Ok(0),
        }
    }

    /// A number that changes whenever another connection commits new deliveries: cheap
    /// enough to ask every second. (SQLite's data version; over PostgreSQL the highest
    /// seq, which every receiver's commit raises.)
    pub(crate) fn data_version(&self) -> Result<i64, StoreError> {
        match &self.0 {
            Backend::Sqlite(r) => r.data_version(),
            Backend::Postgres(r) => Ok(r.last_seq()?.unwrap_or(0)),
        }
    }

    /// The highest seq stored, `None` when the table is empty.
    pub fn last_seq(&self) -> Result<Option<i64>, StoreError> {
        either!(self, r => r.last_seq())
    }

    /// How many deliveries came before the one with `seq`: its index in the whole table.
    pub fn position(&self, seq: i64) -> Result<u64, StoreError> {
        either!(self, r => r.position(seq))
    }

    /// Up to `limit` rows in arrival order, skipping the first `offset`.
    pub fn rows(&self, offset: u64, limit: usize) -> Result<Vec<Row>, StoreError> {
        either!(self, r => r.rows(offset, limit))
    }

    /// Up to `limit` rows with seq greater than `after_seq`, in arrival order.
    pub fn rows_after(&self, after_seq: i64, limit: usize) -> Result<Vec<Row>, StoreError> {
        either!(self, r => r.rows_after(after_seq, limit))
    }

    /// The rows with these seqs, in arrival order; seqs no longer stored are skipped.
    pub fn rows_at(&self, seqs: &[i64]) -> Result<Vec<Row>, StoreError> {
        either!(self, r => r.rows_at(seqs))
    }

    /// Rows whose id starts with `prefix`, in id order, at most `limit`.
    pub(crate) fn with_id_prefix(
        &self,
        prefix: &str,
        limit: usize,
    ) -> Result<Vec<Row>, StoreError> {
        either!(self, r => r.with_id_prefix(prefix, limit))
    }

    /// The full delivery with this id.
    pub fn get(&self, id: &str) -> Result<Option<Delivery>, StoreError> {
        either!(self, r => r.get(id))
    }

    /// The full delivery with this seq.
    pub fn get_by_seq(&self, seq: i64) -> Result<Option<Delivery>, StoreError> {
        either!(self, r => r.get_by_seq(seq))
    }

    /// The delivery with this id, with its seq and fetched JSON.
    pub fn stored(&self, id: &str) -> Result<Option<Stored>, StoreError> {
        either!(self, r => r.stored(id))
    }

    /// What a vendor API returned about delivery `id`, if anything was fetched.
    pub fn fetched(&self, id: &str) -> Result<Option<serde_json::Value>, StoreError> {
        either!(self, r => r.fetched(id))
    }

    /// The latest delivery before `before_seq` about the same subject from `provider`.
    pub fn previous_for_subject(
        &self,
        provider: ProviderId,
        subject: &str,
        before_seq: i64,
    ) -> Result<Option<Delivery>, StoreError> {
        either!(self, r => r.previous_for_subject(provider, subject, before_seq))
    }

    /// Calls `f` with every delivery received at or after `since` (all when `None`), in
    /// arrival order. Returns how many were passed to `f`.
    pub fn each_since<E: From<StoreError>>(
        &self,
        since: Option<DateTime<Utc>>,
        f: impl FnMut(Stored) -> Result<(), E>,
    ) -> Result<u64, E> {
        either!(self, r => r.each_since(since, f))
    }

    /// Counts the deliveries stored after seq `after` (all when `None`), by status.
    pub fn tally(&self, after: Option<i64>) -> Result<Tally, StoreError> {
        either!(self, r => r.tally(after))
    }

    /// How many deliveries in `range` match `filter`.
    pub fn count_matching(&self, filter: &Filter, range: SeqRange) -> Result<u64, StoreError> {
        either!(self, r => r.count_matching(filter, range))
    }

    /// The seqs of the deliveries in `range` matching `filter`, in arrival order.
    pub fn matching_seqs(&self, filter: &Filter, range: SeqRange) -> Result<Vec<i64>, StoreError> {
        either!(self, r => r.matching_seqs(filter, range))
    }

    /// Every event name stored, as first spelled.
    pub fn event_names(&self) -> Result<Vec<String>, StoreError> {
        either!(self, r => r.event_names())
    }
}
