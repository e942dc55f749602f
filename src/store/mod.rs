//! The history: one row per delivery in a `deliveries` table users can query with
//! `sqlite3` (a file, the default) or `psql` (a shared PostgreSQL database, `--store
//! postgres://…`). Either way one writer thread owns the write connection and commits
//! in groups, and readers open their own connections and fetch rows on demand; callers
//! see one [`Store`] and one [`Reader`].

use std::fs::OpenOptions;
use std::io;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, OnceLock};
use std::thread::JoinHandle;

use rusqlite::{Connection, OpenFlags};

use crate::model::{Delivery, Forward};

mod duration;
mod export;
mod filing;
mod import;
mod job;
mod journal;
mod link;
mod pg;
mod query;
mod read;
mod reader;
mod row;
mod schema;
mod search;
#[cfg(test)]
mod search_tests;
mod watch;
mod writer;

pub(crate) use duration::{parse_duration, since};
pub use export::{export_har, export_ndjson};
pub use import::{ImportReport, import_ndjson};
pub use link::LinkKey;
pub use query::{Answer, Exclusions, Filter, SeqRange, Tally};
pub use read::{Row, Stored};
pub use reader::{Interrupt, Reader};
pub use schema::SCHEMA_VERSION;
pub(crate) use watch::file_identity;
pub(crate) use watch::{Change, Watch};

use job::{Job, Reply};
use read::SqliteReader;
use row::NewRow;

/// Why the store could not be opened, read or written. Cloneable so that a failed group
/// commit can answer every waiter with the same error.
#[derive(Debug, Clone, thiserror::Error)]
pub enum StoreError {
    #[error(
        "store {} is not a SQLite database (file is corrupt or another format); it was left untouched",
        .path.display()
    )]
    NotADatabase { path: PathBuf },
    #[error(
        "store {} is a SQLite database of another program (it has tables but no hookscope \
         schema); it was left untouched",
        .path.display()
    )]
    Foreign { path: PathBuf },
    #[error("store {} is locked by another process", .path.display())]
    Locked { path: PathBuf },
    #[error("store {} is not writable: {source}", .path.display())]
    NotWritable {
        path: PathBuf,
        #[source]
        source: Arc<io::Error>,
    },
    #[error(
        "store {} has schema version {found}, newer than version {known} that this hookscope \
         knows; upgrade hookscope to use it (the file was left untouched)",
        .path.display()
    )]
    TooNew {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    #[error("store {}: {source}", .path.display())]
    Sqlite {
        path: PathBuf,
        #[source]
        source: Arc<rusqlite::Error>,
    },
    #[error("store {}: {source}", .path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: Arc<io::Error>,
    },
    #[error("store {}: the writer thread has stopped", .path.display())]
    WriterStopped { path: PathBuf },
    #[error("store {}: {source}", .path.display())]
    Postgres {
        path: PathBuf,
        #[source]
        source: Arc<postgres::Error>,
    },
    #[error("store {}: {message}", .path.display())]
    BadUrl { path: PathBuf, message: String },
    #[error("cannot write the export: {0}")]
    Output(#[source] Arc<io::Error>),
}

impl StoreError {
    /// Maps a SQLite error to the kind a person can act on.
    pub(crate) fn from_sqlite(path: &Path, e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode as C;
        let path = path.to_path_buf();
        match e.sqlite_error_code() {
            Some(C::NotADatabase | C::DatabaseCorrupt) => StoreError::NotADatabase { path },
            Some(C::DatabaseBusy | C::DatabaseLocked) => StoreError::Locked { path },
            Some(C::ReadOnly | C::CannotOpen | C::PermissionDenied) => StoreError::NotWritable {
                path,
                source: Arc::new(io::Error::new(io::ErrorKind::PermissionDenied, e)),
            },
            _ => StoreError::Sqlite {
                path,
                source: Arc::new(e),
            },
        }
    }

    /// Whether a query was stopped by [`Reader::interrupt_handle`].
    pub(crate) fn is_interrupted(&self) -> bool {
        match self {
            StoreError::Sqlite { source, .. } => {
                source.sqlite_error_code() == Some(rusqlite::ErrorCode::OperationInterrupted)
            }
            StoreError::Postgres { source, .. } => {
                source.code() == Some(&postgres::error::SqlState::QUERY_CANCELED)
            }
            _ => false,
        }
    }

    fn not_writable(path: &Path, e: io::Error) -> Self {
        StoreError::NotWritable {
            path: path.to_path_buf(),
            source: Arc::new(e),
        }
    }
}

/// Where the database lives.
#[derive(Debug, Clone)]
pub(crate) enum Location {
    File(PathBuf),
    Postgres(pg::Target),
    /// A shared-cache in-memory database, alive while any connection to it is open.
    Memory {
        uri: String,
        label: PathBuf,
        link: LinkKey,
    },
}

impl Location {
    pub(crate) fn label(&self) -> &Path {
        match self {
            Location::File(p) => p,
            Location::Memory { label, .. } => label,
            Location::Postgres(t) => t.label(),
        }
    }

    /// The key this store's replays are signed with, when it can be found.
    pub(crate) fn link_key(&self) -> Option<LinkKey> {
        match self {
            Location::File(p) => LinkKey::read_file(p),
            Location::Memory { link, .. } => Some(link.clone()),
            Location::Postgres(_) => None,
        }
    }

    /// A new read connection to this database.
    pub(crate) fn open_reader(&self) -> Result<SqliteReader, StoreError> {
        let label = self.label();
        let conn = match self {
            Location::File(path) => {
                let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
                Connection::open_with_flags(path, flags)
            }
            Location::Memory { uri, .. } => Connection::open_with_flags(uri, memory_flags()),
            Location::Postgres(_) => {
                return Err(StoreError::BadUrl {
                    path: label.to_path_buf(),
                    message: "not a SQLite database".into(),
                });
            }
        }
        .map_err(|e| StoreError::from_sqlite(label, e))?;
        let shared_cache = matches!(self, Location::Memory { .. });
        schema::prepare_reader(&conn, shared_cache)
            .map_err(|e| StoreError::from_sqlite(label, e))?;
        Ok(SqliteReader::new(conn, self.clone()))
    }
}

impl Reader {
    /// A reader of the database at `path` that never writes to it (nor to its folder),
    /// for `export`: a read-only file or folder works. The schema is not migrated.
    /// Over PostgreSQL it reads the database with a connection of its own.
    pub fn open_read_only(path: &Path) -> Result<Reader, StoreError> {
        if let Some(url) = path.to_str().filter(|s| pg::is_url(s)) {
            return Ok(pg::PgReader::open(pg::Target::parse(url)?)?.into());
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let usable = |conn: Connection| -> rusqlite::Result<Connection> {
            schema::prepare_reader(&conn, false)?;
            conn.query_row("SELECT count(*) FROM deliveries", [], |_| Ok(()))?;
            Ok(conn)
        };
        let conn = Connection::open_with_flags(path, flags).and_then(usable);
        let conn = match conn {
            Ok(c) => c,
            // A WAL database in a folder we cannot write to: SQLite cannot create its
            // shared-memory file there, so read the file as it is.
            Err(_) => {
                // In a URI's path only these three characters are not themselves.
                let escaped = path
                    .to_string_lossy()
                    .replace('%', "%25")
                    .replace('?', "%3f")
                    .replace('#', "%23");
                let uri = format!("file:{escaped}?immutable=1");
                Connection::open_with_flags(&uri, flags | OpenFlags::SQLITE_OPEN_URI)
                    .and_then(usable)
                    .map_err(|e| StoreError::from_sqlite(path, e))?
            }
        };
        Ok(SqliteReader::new(conn, Location::File(path.to_path_buf())).into())
    }
}

/// The store handle: cheap to clone, usable from any thread or task. Dropping the last
/// clone lets the writer flush what is queued and close the database.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

struct Inner {
    location: Location,
    jobs: Option<mpsc::Sender<Job>>,
    writer: Option<JoinHandle<()>>,
    commits: Arc<AtomicU64>,
    /// Deliveries journaled and not filed yet, as the writer last counted.
    filing: Arc<AtomicU64>,
    link: OnceLock<LinkKey>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        // Closing the channel ends the writer once the queue is drained; waiting for it
        // means the database is closed (WAL checkpointed) when the last handle is gone.
        self.jobs.take();
        if let Some(handle) = self.writer.take() {
            let _ = handle.join();
        }
    }
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("location", &self.inner.location)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Opens the database at `path`, migrating its schema forward: a SQLite file (created
    /// with mode 0600 if needed), or a PostgreSQL database when `path` is a
    /// `postgres://` URL. Every problem with it surfaces here, naming it.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        if let Some(url) = path.to_str().filter(|s| pg::is_url(s)) {
            return Self::open_postgres(url);
        }
        prepare_file(path)?;
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags)
            .map_err(|e| StoreError::from_sqlite(path, e))?;
        schema::prepare(&conn, path, true)?;
        let link = LinkKey::open_file(path).map_err(|e| StoreError::Io {
            path: LinkKey::file_for(path),
            source: Arc::new(e),
        })?;
        let journal = journal::Journal::open(path).map_err(|e| StoreError::Io {
            path: journal::folder_of(path),
            source: Arc::new(e),
        })?;
        Self::start(
            conn,
            Location::File(path.to_path_buf()),
            link,
            Some(journal),
        )
    }

    /// A private in-memory database, for running without history. Readers still work.
    pub fn in_memory() -> Result<Store, StoreError> {
        let uri = format!(
            "file:hookscope-mem-{}?mode=memory&cache=shared",
            uuid::Uuid::now_v7()
        );
        let label = PathBuf::from("(in memory)");
        let conn =
            Connection::open_with_flags(&uri, memory_flags() | OpenFlags::SQLITE_OPEN_CREATE)
                .map_err(|e| StoreError::from_sqlite(&label, e))?;
        schema::prepare(&conn, &label, false)?;
        let link = LinkKey::random().map_err(|e| StoreError::Io {
            path: label.clone(),
            source: Arc::new(e),
        })?;
        let location = Location::Memory {
            uri,
            label,
            link: link.clone(),
        };
        Self::start(conn, location, link, None)
    }

    /// Connects once at open, so that a wrong address, password or schema is reported
    /// here; afterwards the writer connects again by itself whenever it has to.
    fn open_postgres(url: &str) -> Result<Store, StoreError> {
        let target = pg::Target::parse(url)?;
        let (ready_tx, ready) = mpsc::sync_channel(1);
        let location = Location::Postgres(target.clone());
        let store = Self::spawn(location, move |queue, counter| {
            pg::writer::run(target, queue, counter, ready_tx)
        })?;
        let link = ready.recv().map_err(|_| store.stopped())??;
        let _ = store.inner.link.set(link);
        Ok(store)
    }

    fn start(
        conn: Connection,
        location: Location,
        link: LinkKey,
        journal: Option<journal::Journal>,
    ) -> Result<Store, StoreError> {
        let label = location.label().to_path_buf();
        let filing = Arc::new(AtomicU64::new(0));
        let shown = filing.clone();
        let store = Self::spawn_with(
            location,
            move |queue, counter| writer::run(conn, queue, counter, label, journal, shown),
            filing,
        )?;
        let _ = store.inner.link.set(link);
        Ok(store)
    }

    fn spawn(
        location: Location,
        run: impl FnOnce(mpsc::Receiver<Job>, Arc<AtomicU64>) + Send + 'static,
    ) -> Result<Store, StoreError> {
        Self::spawn_with(location, run, Arc::new(AtomicU64::new(0)))
    }

    fn spawn_with(
        location: Location,
        run: impl FnOnce(mpsc::Receiver<Job>, Arc<AtomicU64>) + Send + 'static,
        filing: Arc<AtomicU64>,
    ) -> Result<Store, StoreError> {
        let (jobs, queue) = mpsc::channel();
        let commits = Arc::new(AtomicU64::new(0));
        let counter = commits.clone();
        let writer = std::thread::Builder::new()
            .name("hookscope-store".into())
            .spawn(move || run(queue, counter))
            .map_err(|e| StoreError::Io {
                path: location.label().to_path_buf(),
                source: Arc::new(e),
            })?;
        Ok(Store {
            inner: Arc::new(Inner {
                location,
                jobs: Some(jobs),
                writer: Some(writer),
                commits,
                filing,
                link: OnceLock::new(),
            }),
        })
    }

    /// The database file, `None` for an in-memory or a PostgreSQL store.
    pub fn path(&self) -> Option<&Path> {
        match &self.inner.location {
            Location::File(p) => Some(p),
            Location::Memory { .. } | Location::Postgres(_) => None,
        }
    }

    /// Where the history is kept, as it may be shown (a URL's password masked).
    pub fn label(&self) -> String {
        self.inner.location.label().display().to_string()
    }

    /// How many transactions the writer has committed so far (several deliveries can
    /// share one).
    pub fn commit_count(&self) -> u64 {
        self.inner.commits.load(Ordering::Relaxed)
    }

    /// The key replays of this store's deliveries are signed with, so that a receiver
    /// writing here links them to their originals.
    pub(crate) fn link_key(&self) -> Option<&LinkKey> {
        self.inner.link.get()
    }

    /// Whether delivery `id` is stored (asked of the writer, so it sees every commit).
    pub(crate) async fn contains(&self, id: &str) -> Result<bool, StoreError> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.send(Job::Contains {
            id: id.to_string(),
            reply: Box::new(move |r| {
                let _ = tx.send(r);
            }),
        })?;
        rx.await.map_err(|_| self.stopped())?
    }

    /// Stores `d`; resolves once the transaction holding it has committed. Returns its seq.
    pub async fn insert(&self, d: &Delivery) -> Result<i64, StoreError> {
        self.insert_row(d, false).await.map(seq_of)
    }

    /// Records a received delivery: resolves once it is safe from a crash, committed or,
    /// under a burst, journaled to be filed into the database shortly after.
    pub(crate) async fn record(&self, d: &Delivery) -> Result<(), StoreError> {
        self.insert_row(d, true).await.map(drop)
    }

    async fn insert_row(&self, d: &Delivery, deferrable: bool) -> Result<Option<i64>, StoreError> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.send(Job::Insert {
            row: Box::new(NewRow::from_delivery(d, None)),
            deferrable,
            reply: Box::new(move |r| {
                let _ = tx.send(r);
            }),
        })?;
        rx.await.map_err(|_| self.stopped())?
    }

    /// [`Store::insert`] for synchronous callers; blocks until committed.
    pub fn insert_blocking(&self, d: &Delivery) -> Result<i64, StoreError> {
        let row = Box::new(NewRow::from_delivery(d, None));
        self.call_blocking(|reply| Job::Insert {
            row,
            deferrable: false,
            reply,
        })
        .map(seq_of)
    }

    /// Files every journaled delivery into the database; returns once they are in it.
    pub fn settle(&self) -> Result<(), StoreError> {
        self.call_blocking(|reply| Job::Settle { reply })
    }

    /// Records what a vendor API returned about delivery `id`. `false`: no such delivery.
    pub async fn set_fetched(
        &self,
        id: &str,
        json: &serde_json::Value,
    ) -> Result<bool, StoreError> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.send(Job::SetFetched {
            id: id.to_string(),
            json: json.to_string(),
            reply: Box::new(move |r| {
                let _ = tx.send(r);
            }),
        })?;
        rx.await.map_err(|_| self.stopped())?
    }

    /// Records what the user's app answered when delivery `id` was forwarded to it.
    pub(crate) async fn set_forward(
        &self,
        id: &str,
        forward: &Forward,
    ) -> Result<bool, StoreError> {
        let json = serde_json::to_string(forward).unwrap_or_default();
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.send(Job::SetForward {
            id: id.to_string(),
            json,
            reply: Box::new(move |r| {
                let _ = tx.send(r);
            }),
        })?;
        rx.await.map_err(|_| self.stopped())?
    }

    /// Corrects the answer recorded for delivery `id` (the client left before it was sent).
    pub(crate) async fn set_status(&self, id: &str, status: u16) -> Result<bool, StoreError> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.send(Job::SetStatus {
            id: id.to_string(),
            status,
            reply: Box::new(move |r| {
                let _ = tx.send(r);
            }),
        })?;
        rx.await.map_err(|_| self.stopped())?
    }

    /// Inserts rows whose id is not stored yet, in one transaction; `true` per inserted row.
    pub(crate) fn insert_new_blocking(&self, rows: Vec<NewRow>) -> Result<Vec<bool>, StoreError> {
        self.call_blocking(|reply| Job::Import { rows, reply })
    }

    fn call_blocking<T: Send + 'static>(
        &self,
        job: impl FnOnce(Reply<T>) -> Job,
    ) -> Result<T, StoreError> {
        let (tx, rx) = mpsc::sync_channel(1);
        self.send(job(Box::new(move |r| {
            let _ = tx.send(r);
        })))?;
        rx.recv().map_err(|_| self.stopped())?
    }

    fn send(&self, job: Job) -> Result<(), StoreError> {
        let jobs = self.inner.jobs.as_ref().ok_or_else(|| self.stopped())?;
        jobs.send(job).map_err(|_| self.stopped())
    }

    fn stopped(&self) -> StoreError {
        StoreError::WriterStopped {
            path: self.inner.location.label().to_path_buf(),
        }
    }

    /// A separate read connection; rows are fetched on demand.
    pub fn reader(&self) -> Result<Reader, StoreError> {
        match &self.inner.location {
            Location::Postgres(t) => Ok(pg::PgReader::open(t.clone())?.into()),
            other => Ok(other
                .open_reader()?
                .with_filing(self.inner.filing.clone())
                .into()),
        }
    }
}

/// Whether `--store` names a PostgreSQL database (`postgres://` or `postgresql://`)
/// rather than a SQLite file.
pub(crate) fn is_url(path: &Path) -> bool {
    path.to_str().is_some_and(pg::is_url)
}

/// `--store` as it may be shown: a URL's password masked.
pub(crate) fn shown(path: &Path) -> String {
    match path.to_str() {
        Some(s) if pg::is_url(s) => crate::redact::mask_url_password(s),
        _ => path.display().to_string(),
    }
}

fn memory_flags() -> OpenFlags {
    OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_URI | OpenFlags::SQLITE_OPEN_NO_MUTEX
}

/// Before reading the file at `path` as it is (`export`): files what a receiver that
/// stopped left in its journal, so that every delivery it acknowledged is read. What
/// cannot be filed (a read-only file, a receiver still running) is said in the message
/// returned, for stderr.
pub(crate) fn file_what_waits(path: &Path) -> Option<String> {
    let waiting = journal::waiting(path);
    if waiting.segments == 0 {
        return None;
    }
    if waiting.held < waiting.segments
        && let Err(e) = Store::open(path).and_then(|s| s.settle())
    {
        return Some(format!(
            "{} of received deliveries wait in {} to be filed into the store and are not \
             read: {e}",
            shown_bytes(waiting.bytes),
            journal::folder_of(path).display()
        ));
    }
    let left = journal::waiting(path);
    (left.segments > 0).then(|| {
        format!(
            "a running receiver is still filing {} of deliveries into the store; they are \
             not read yet",
            shown_bytes(left.bytes)
        )
    })
}

fn shown_bytes(n: u64) -> String {
    if n >= 1 << 20 {
        format!("{:.1} MiB", n as f64 / f64::from(1 << 20))
    } else {
        format!("{:.1} KiB", n as f64 / 1024.0)
    }
}

/// A committed insert's seq. Only deferrable inserts are journaled (and have none yet).
fn seq_of(seq: Option<i64>) -> i64 {
    seq.unwrap_or_default()
}

/// Creates parent directories and the file (mode 0600, before SQLite sees it), and checks
/// that the file and its directory are writable: SQLite would otherwise open read-only
/// without a word, and WAL needs to create files next to the database.
fn prepare_file(path: &Path) -> Result<(), StoreError> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir).map_err(|e| StoreError::not_writable(path, e))?;
    let created = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path);
    match created {
        Ok(_) => {}
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            OpenOptions::new()
                .read(true)
                .write(true)
                .open(path)
                .map_err(|e| StoreError::not_writable(path, e))?;
        }
        Err(e) => return Err(StoreError::not_writable(path, e)),
    }
    dir_writable(dir).map_err(|e| StoreError::not_writable(path, e))
}

fn dir_writable(dir: &Path) -> io::Result<()> {
    use rustix::fs::{Access, access};
    access(dir, Access::WRITE_OK | Access::EXEC_OK).map_err(io::Error::from)
}
