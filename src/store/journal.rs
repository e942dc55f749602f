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

use std::collections::{HashMap, VecDeque};
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
    /// Its entries not filed yet, counted by delivery ([`key`]): a row and the changes
    /// to it. Those left once it is filed to its end were in a damaged part, and go
    /// with it.
    pending: HashMap<u128, u32>,
    /// Of those, rows.
    rows: usize,
    /// A record in it is intact but unreadable (written by another version): the file is
    /// kept, renamed `.bad`, rather than deleted once filed.
    keep: bool,
}

/// Entries read for filing, and where filing stands once they are committed.
pub(super) struct Step {
    pub entries: Vec<Entry>,
    end: u64,
    /// Each entry's delivery, and whether it is a row.
    keys: Vec<(u128, bool)>,
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
                .collect::<Vec<_>>(),
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(e),
        };
        names.sort();
        for path in names {
            let ext = path
                .extension()
                .and_then(|x| x.to_str())
                .unwrap_or_default();
            if ext != "seg" && ext != "new" {
                continue;
            }
            match adoptable(&path) {
                // A segment killed before it was named held nothing: nothing was
                // appended before the name.
                Ok(Some(_)) if ext == "new" => {
                    let _ = fs::remove_file(&path);
                }
                Ok(Some(file)) => {
                    let (len, pending, rows) = scan(&file)?;
                    self.segments.push_back(Segment {
                        path,
                        file,
                        len,
                        filed_to: 0,
                        appending: false,
                        pending,
                        rows,
                        keep: false,
                    });
                }
                Ok(None) => {}
                // One segment that cannot be read keeps the others from nobody.
                Err(e) => tracing::warn!(
                    segment = %path.display(),
                    "a journal segment left by another receiver cannot be adopted: {e}"
                ),
            }
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
        self.segments.iter().map(|s| s.rows).sum()
    }

    /// Delivery `id` is in the journal, not filed yet.
    pub(super) fn holds(&self, id: &str) -> bool {
        let key = key(id);
        self.segments.iter().any(|s| s.pending.contains_key(&key))
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
            let (key, row) = key_of(e);
            *segment.pending.entry(key).or_default() += 1;
            segment.rows += usize::from(row);
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
                pending: HashMap::new(),
                rows: 0,
                keep: false,
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
                keys: Vec::new(),
            });
        };
        let mut at = segment.filed_to;
        let mut entries = Vec::new();
        let mut keys = Vec::new();
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
            let Some(entry) = entry else {
                // Not lost: filing stops here and the file is kept for a version that
                // reads it.
                tracing::warn!(
                    segment = %segment.path.display(),
                    "a journal record at byte {at} is intact but cannot be read by this \
                     version; the segment is kept as .bad from there"
                );
                segment.keep = true;
                segment.len = at;
                break;
            };
            keys.push(key_of(&entry));
            entries.push(entry);
            at = next;
        }
        Ok(Step {
            entries,
            end: at,
            keys,
        })
    }

    /// `step` is committed to the database: its entries leave the journal.
    pub(super) fn filed(&mut self, step: Step) {
        if let Some(segment) = self.segments.front_mut() {
            segment.filed_to = step.end;
            for (key, row) in &step.keys {
                if let Some(n) = segment.pending.get_mut(key) {
                    *n -= 1;
                    if *n == 0 {
                        segment.pending.remove(key);
                    }
                }
                segment.rows -= usize::from(*row);
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
            let gone = if s.keep {
                fs::rename(&s.path, s.path.with_extension("bad"))
            } else {
                fs::remove_file(&s.path)
            };
            if let Err(e) = gone {
                tracing::warn!(segment = %s.path.display(), "could not delete a filed journal segment: {e}");
            }
        }
        if self.segments.is_empty() {
            // Only when empty; another writer's segments keep it.
            let _ = fs::remove_dir(&self.folder);
        }
    }
}

/// The segment at `path`, locked, when no running writer holds it.
fn adoptable(path: &Path) -> io::Result<Option<File>> {
    let file = match OpenOptions::new().read(true).write(true).open(path) {
        Ok(f) => f,
        // Filed and deleted meanwhile by the writer that owned it.
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    match file.try_lock() {
        Ok(()) => {}
        // Another writer's, still running.
        Err(fs::TryLockError::WouldBlock) => return Ok(None),
        Err(fs::TryLockError::Error(e)) => return Err(e),
    }
    // Its writer may have filed and deleted it between the open and the lock.
    Ok(same_file(&file, path).then_some(file))
}

/// An adopted segment's length up to its last whole record, its entries by delivery,
/// and how many rows.
fn scan(file: &File) -> io::Result<(u64, HashMap<u128, u32>, usize)> {
    let len = file.metadata()?.len();
    let mut at = 0;
    let mut pending: HashMap<u128, u32> = HashMap::new();
    let mut rows = 0;
    while let Some((entry, next)) = read_at(file, len, at)? {
        // One that does not decode stops filing there (`next_step`) and counts nothing.
        let Some(entry) = entry else { break };
        let (key, row) = key_of(&entry);
        *pending.entry(key).or_default() += 1;
        rows += usize::from(row);
        at = next;
    }
    // Filing reads to the end of the whole records, the unreadable one included.
    while let Some((_, next)) = read_at(file, len, at)? {
        at = next;
    }
    Ok((at, pending, rows))
}

/// An entry's delivery, and whether the entry is its row.
fn key_of(entry: &Entry) -> (u128, bool) {
    match entry {
        Entry::Insert(row) => (key(&row.id), true),
        Entry::Update(u) => (key(u.id()), false),
    }
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
