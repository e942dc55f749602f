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

mod record;

pub(super) use record::{Entry, Update};
use record::{encode, read_at};

/// A new segment is started past this size, so that filed ones can be deleted.
const SEGMENT_BYTES: u64 = 64 << 20;
/// Filed per step at most, whatever the count, so that one step stays short.
const STEP_BYTES: u64 = 8 << 20;
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
            let Some((entry, next)) = read_at(&segment.file, segment.len, at)? else {
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

/// An adopted segment's length up to its last whole record, and the rows it holds.
fn scan(file: &File) -> io::Result<(u64, HashSet<u128>)> {
    let len = file.metadata()?.len();
    let mut at = 0;
    let mut rows = HashSet::new();
    while let Some((entry, next)) = read_at(file, len, at)? {
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
