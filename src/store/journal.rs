//! The filing journal. Under a burst the writer appends deliveries here and answers at
//! once, then files them into the database while the queue is quiet (`filing.rs`). An
//! append has reached the kernel before its sender is answered, as a WAL commit with
//! `synchronous=NORMAL` has, so kill -9 loses no acknowledged delivery either way.
//!
//! The journal is a folder beside the database (`deliveries.db.pending/`) of segment
//! files. A writer holds a lock on each segment it owns; a segment nobody holds (its
//! writer was killed, or stopped before filing everything) is adopted by the next writer
//! that opens the store. Filing is idempotent (rows are inserted by id, OR IGNORE), so a
//! segment filed again after a crash adds nothing twice.

use std::collections::{HashSet, VecDeque};
use std::fs::{self, File, OpenOptions};
use std::io;
use std::os::unix::fs::{DirBuilderExt, FileExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::writer::NewRow;

/// A new segment is started past this size, so that filed ones can be deleted.
const SEGMENT_BYTES: u64 = 64 << 20;
/// Filed per step at most, whatever the count, so that one step stays short.
const STEP_BYTES: u64 = 8 << 20;
/// Length (u32) and CRC-32 (u32) of the payload that follows.
const HEADER: usize = 8;
const KIND_INSERT: u8 = 1;
const KIND_UPDATE: u8 = 2;

/// A change to a row that is still in the journal, filed after it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) enum Update {
    Fetched { id: String, json: String },
    Forward { id: String, json: String },
    Status { id: String, status: u16 },
}

impl Update {
    pub(super) fn id(&self) -> &str {
        match self {
            Update::Fetched { id, .. } | Update::Forward { id, .. } | Update::Status { id, .. } => {
                id
            }
        }
    }
}

#[derive(Debug, Clone)]
pub(super) enum Entry {
    Insert(Box<NewRow>),
    Update(Update),
}

/// A delivery id as the journal keeps it: 16 bytes for the UUIDs the receiver gives,
/// so that a million rows waiting take some 20 MB. Any other id is hashed to 128 bits,
/// which no two ids share in practice.
fn key(id: &str) -> u128 {
    match uuid::Uuid::try_parse(id) {
        Ok(u) => u.as_u128(),
        Err(_) => {
            use sha2::Digest;
            let digest = sha2::Sha256::digest(id.as_bytes());
            let mut half = [0u8; 16];
            half.copy_from_slice(&digest[..16]);
            u128::from_be_bytes(half)
        }
    }
}

/// The folder of `db`'s journal.
pub(crate) fn folder_of(db: &Path) -> PathBuf {
    let mut name = db.file_name().unwrap_or_default().to_os_string();
    name.push(".pending");
    db.with_file_name(name)
}

fn encode(entry: &Entry, out: &mut Vec<u8>) -> io::Result<()> {
    let start = out.len();
    out.extend_from_slice(&[0; HEADER]);
    let (kind, body): (u8, &[u8]) = match entry {
        Entry::Insert(row) => (KIND_INSERT, &row.body),
        Entry::Update(_) => (KIND_UPDATE, &[]),
    };
    out.push(kind);
    out.extend_from_slice(&[0; 4]);
    let meta_at = out.len();
    match entry {
        Entry::Insert(row) => serde_json::to_writer(&mut *out, row)?,
        Entry::Update(u) => serde_json::to_writer(&mut *out, u)?,
    }
    let meta_len = u32::try_from(out.len() - meta_at).map_err(|_| too_long())?;
    out[meta_at - 4..meta_at].copy_from_slice(&meta_len.to_le_bytes());
    out.extend_from_slice(body);
    let payload = &out[start + HEADER..];
    let len = u32::try_from(payload.len()).map_err(|_| too_long())?;
    let crc = crc32fast::hash(payload);
    out[start..start + 4].copy_from_slice(&len.to_le_bytes());
    out[start + 4..start + HEADER].copy_from_slice(&crc.to_le_bytes());
    Ok(())
}

fn too_long() -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, "a journal entry past 4 GiB")
}

/// The entry in `payload`; `None` when it does not decode (a record written by
/// something else, which the CRC makes all but impossible).
fn decode(payload: &[u8]) -> Option<Entry> {
    let (&kind, rest) = payload.split_first()?;
    let meta_len = u32::from_le_bytes(rest.get(..4)?.try_into().ok()?) as usize;
    let meta = rest.get(4..4 + meta_len)?;
    let body = &rest[4 + meta_len..];
    match kind {
        KIND_INSERT => {
            let mut row: NewRow = serde_json::from_slice(meta).ok()?;
            row.body = bytes::Bytes::copy_from_slice(body);
            Some(Entry::Insert(Box::new(row)))
        }
        KIND_UPDATE => serde_json::from_slice(meta).ok().map(Entry::Update),
        _ => None,
    }
}

struct Segment {
    path: PathBuf,
    /// Open, and locked, for as long as it is in the journal.
    file: File,
    /// Where its last whole record ends.
    len: u64,
    /// Where filing has reached.
    filed_to: u64,
    /// This writer appends to it (the newest of its own).
    appending: bool,
    /// Its rows not filed yet, by [`key`]. Those left once it is filed to its end were
    /// in a damaged part, and go with it.
    rows: HashSet<u128>,
}

/// Entries read for filing, and where filing stands once they are committed.
pub(super) struct Step {
    pub entries: Vec<Entry>,
    end: u64,
    ids: Vec<u128>,
}

pub(super) struct Journal {
    folder: PathBuf,
    /// Names this writer's segments: start time and process, so that names sort by age.
    prefix: String,
    next: u64,
    segments: VecDeque<Segment>,
}

impl Journal {
    /// The journal of the database `db`, adopting the segments no live writer holds.
    pub(super) fn open(db: &Path) -> io::Result<Journal> {
        let folder = folder_of(db);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let mut journal = Journal {
            folder,
            prefix: format!("{nanos:024}-{}", std::process::id()),
            next: 0,
            segments: VecDeque::new(),
        };
        journal.adopt()?;
        Ok(journal)
    }

    fn adopt(&mut self) -> io::Result<()> {
        let mut names = match fs::read_dir(&self.folder) {
            Ok(dir) => dir
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "seg"))
                .collect::<Vec<_>>(),
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(e),
        };
        names.sort();
        for path in names {
            let file = match OpenOptions::new().read(true).write(true).open(&path) {
                Ok(f) => f,
                // Filed and deleted meanwhile by the writer that owned it.
                Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
                Err(e) => return Err(e),
            };
            match file.try_lock() {
                Ok(()) => {}
                // Another writer's, still running.
                Err(fs::TryLockError::WouldBlock) => continue,
                Err(fs::TryLockError::Error(e)) => return Err(e),
            }
            // Its writer may have filed and deleted it between the open and the lock.
            if !same_file(&file, &path) {
                continue;
            }
            let (len, rows) = scan(&file)?;
            self.segments.push_back(Segment {
                path,
                file,
                len,
                filed_to: 0,
                appending: false,
                rows,
            });
        }
        Ok(())
    }

    /// Nothing waits to be filed.
    pub(super) fn is_empty(&self) -> bool {
        self.pending_bytes() == 0
    }

    /// Bytes waiting to be filed.
    pub(super) fn pending_bytes(&self) -> u64 {
        // Counted from the segments, so that no tally can drift from them.
        self.segments.iter().map(|s| s.len - s.filed_to).sum()
    }

    /// Rows waiting to be filed.
    pub(super) fn pending_rows(&self) -> usize {
        self.segments.iter().map(|s| s.rows.len()).sum()
    }

    /// Delivery `id` is in the journal, not filed yet.
    pub(super) fn holds(&self, id: &str) -> bool {
        let key = key(id);
        self.segments.iter().any(|s| s.rows.contains(&key))
    }

    /// Appends `entries` in one write. On an error nothing of them is kept.
    pub(super) fn append(&mut self, entries: &[Entry]) -> io::Result<()> {
        let mut buf = Vec::new();
        for e in entries {
            encode(e, &mut buf)?;
        }
        let segment = self.appendable()?;
        if let Err(e) = segment.file.write_all_at(&buf, segment.len) {
            // A partial record would hide every later one from filing.
            let _ = segment.file.set_len(segment.len);
            return Err(e);
        }
        segment.len += buf.len() as u64;
        for e in entries {
            if let Entry::Insert(row) = e {
                segment.rows.insert(key(&row.id));
            }
        }
        Ok(())
    }

    fn appendable(&mut self) -> io::Result<&mut Segment> {
        let full = self
            .segments
            .back()
            .is_none_or(|s| !s.appending || s.len >= SEGMENT_BYTES);
        if full {
            if let Some(s) = self.segments.back_mut() {
                s.appending = false;
            }
            let name = format!("{}-{:06}", self.prefix, self.next);
            self.next += 1;
            let (path, file) = match self.new_segment(&name) {
                // Another writer removed the folder, empty, just after it was made.
                Err(e) if e.kind() == io::ErrorKind::NotFound => self.new_segment(&name),
                other => other,
            }?;
            self.segments.push_back(Segment {
                path,
                file,
                len: 0,
                filed_to: 0,
                appending: true,
                rows: HashSet::new(),
            });
        }
        // Just made sure there is one.
        self.segments
            .back_mut()
            .ok_or_else(|| io::Error::other("no journal segment"))
    }

    /// A new segment, locked before it is given the name other writers look for, so that
    /// none of them can take it for one whose writer is gone.
    fn new_segment(&self, name: &str) -> io::Result<(PathBuf, File)> {
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&self.folder)?;
        let hidden = self.folder.join(format!("{name}.new"));
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&hidden)?;
        file.lock()?;
        let path = self.folder.join(format!("{name}.seg"));
        if let Err(e) = fs::rename(&hidden, &path) {
            let _ = fs::remove_file(&hidden);
            return Err(e);
        }
        Ok((path, file))
    }

    /// The next entries to file, `max` at most, from the oldest segment.
    pub(super) fn next_step(&mut self, max: usize) -> io::Result<Step> {
        self.drop_filed();
        let Some(segment) = self.segments.front_mut() else {
            return Ok(Step {
                entries: Vec::new(),
                end: 0,
                ids: Vec::new(),
            });
        };
        let mut at = segment.filed_to;
        let mut entries = Vec::new();
        let mut ids = Vec::new();
        while entries.len() < max && at < segment.len && at - segment.filed_to < STEP_BYTES {
            let Some((entry, next)) = read_at(segment, at)? else {
                // The segment's torn tail: a write cut short that nobody was told of.
                tracing::warn!(
                    segment = %segment.path.display(),
                    "the journal segment ends in an incomplete record at byte {at}; it is left out"
                );
                segment.len = at;
                break;
            };
            if let Some(entry) = entry {
                if let Entry::Insert(row) = &entry {
                    ids.push(key(&row.id));
                }
                entries.push(entry);
            }
            at = next;
        }
        Ok(Step {
            entries,
            end: at,
            ids,
        })
    }

    /// `step` is committed to the database: its entries leave the journal.
    pub(super) fn filed(&mut self, step: Step) {
        if let Some(segment) = self.segments.front_mut() {
            segment.filed_to = step.end;
            for id in &step.ids {
                segment.rows.remove(id);
            }
        }
        self.drop_filed();
    }

    /// Deletes the segments filed to their end. The one being appended to goes too, so
    /// that an idle journal holds no file; the next append starts a new one.
    fn drop_filed(&mut self) {
        while let Some(s) = self.segments.front()
            && s.filed_to >= s.len
        {
            let Some(s) = self.segments.pop_front() else {
                break;
            };
            if let Err(e) = fs::remove_file(&s.path) {
                tracing::warn!(segment = %s.path.display(), "could not delete a filed journal segment: {e}");
            }
        }
        if self.segments.is_empty() {
            // Only when empty; another writer's segments keep it.
            let _ = fs::remove_dir(&self.folder);
        }
    }
}

/// Reads the record at `at`: `None` when there is no whole, intact record there; an
/// inner `None` for a record that is intact but does not decode (skipped).
fn read_at(segment: &Segment, at: u64) -> io::Result<Option<(Option<Entry>, u64)>> {
    let mut header = [0u8; HEADER];
    if at + HEADER as u64 > segment.len {
        return Ok(None);
    }
    segment.file.read_exact_at(&mut header, at)?;
    let len = u64::from(u32::from_le_bytes([
        header[0], header[1], header[2], header[3],
    ]));
    let crc = u32::from_le_bytes([header[4], header[5], header[6], header[7]]);
    let end = at + HEADER as u64 + len;
    if end > segment.len {
        return Ok(None);
    }
    let mut payload = vec![0u8; len as usize];
    segment
        .file
        .read_exact_at(&mut payload, at + HEADER as u64)?;
    if crc32fast::hash(&payload) != crc {
        return Ok(None);
    }
    Ok(Some((decode(&payload), end)))
}

/// An adopted segment's length up to its last whole record, and the rows it holds.
fn scan(file: &File) -> io::Result<(u64, HashSet<u128>)> {
    let whole = Segment {
        path: PathBuf::new(),
        file: file.try_clone()?,
        len: file.metadata()?.len(),
        filed_to: 0,
        appending: false,
        rows: HashSet::new(),
    };
    let mut at = 0;
    let mut rows = HashSet::new();
    while let Some((entry, next)) = read_at(&whole, at)? {
        if let Some(Entry::Insert(row)) = entry {
            rows.insert(key(&row.id));
        }
        at = next;
    }
    Ok((at, rows))
}

/// `file` is what `path` names now.
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::metadata(path)) {
        (Ok(a), Ok(b)) => (a.dev(), a.ino()) == (b.dev(), b.ino()),
        _ => false,
    }
}

/// What waits in a database's journal.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Waiting {
    pub segments: usize,
    pub bytes: u64,
    /// Of `segments`, those a running writer holds (and files itself).
    pub held: usize,
}

/// What waits in `db`'s journal, without touching it.
pub(crate) fn waiting(db: &Path) -> Waiting {
    let mut w = Waiting::default();
    let Ok(dir) = fs::read_dir(folder_of(db)) else {
        return w;
    };
    for path in dir.filter_map(|e| e.ok().map(|e| e.path())) {
        if path.extension().is_none_or(|x| x != "seg") {
            continue;
        }
        let Ok(file) = File::open(&path) else {
            continue;
        };
        w.segments += 1;
        w.bytes += file.metadata().map_or(0, |m| m.len());
        if file.try_lock_shared().is_err() {
            w.held += 1;
        }
    }
    w
}

#[cfg(test)]
#[path = "journal_tests.rs"]
mod tests;
