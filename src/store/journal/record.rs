//! One journal record: its entry (a row to insert, or a change to a row inserted before
//! it) serialized, behind its length and CRC-32, so that a torn or damaged record is
//! known as such.

use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;

use serde::{Deserialize, Serialize};

use super::super::row::NewRow;

/// Length (u32) and CRC-32 (u32) of the payload that follows.
pub(super) const HEADER: usize = 8;
const KIND_INSERT: u8 = 1;
const KIND_UPDATE: u8 = 2;

/// A change to a row that is still in the journal, filed after it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(in crate::store) enum Update {
    Fetched { id: String, json: String },
    Forward { id: String, json: String },
    Status { id: String, status: u16 },
}

impl Update {
    /// Applies the change to its row; how many rows it changed (0: no such delivery).
    pub(in crate::store) fn apply(&self, conn: &rusqlite::Connection) -> rusqlite::Result<usize> {
        let (sql, value): (&str, rusqlite::types::Value) = match self {
            Update::Fetched { json, .. } => (
                "UPDATE deliveries SET fetched = ?2 WHERE id = ?1",
                json.clone().into(),
            ),
            Update::Forward { json, .. } => (
                "UPDATE deliveries SET forward = ?2 WHERE id = ?1",
                json.clone().into(),
            ),
            Update::Status { status, .. } => (
                "UPDATE deliveries SET response_status = ?2 WHERE id = ?1",
                i64::from(*status).into(),
            ),
        };
        conn.prepare_cached(sql)?
            .execute(rusqlite::params![self.id(), value])
    }

    pub(in crate::store) fn id(&self) -> &str {
        match self {
            Update::Fetched { id, .. } | Update::Forward { id, .. } | Update::Status { id, .. } => {
                id
            }
        }
    }
}

#[derive(Debug, Clone)]
pub(in crate::store) enum Entry {
    Insert(Box<NewRow>),
    Update(Update),
}

pub(super) fn encode(entry: &Entry, out: &mut Vec<u8>) -> io::Result<()> {
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

/// Reads the record at `at` of `file`, whose first `size` bytes are read: `None` when
/// there is no whole, intact record there; an inner `None` for a record that is intact
/// but does not decode (skipped).
pub(super) fn read_at(file: &File, size: u64, at: u64) -> io::Result<Option<(Option<Entry>, u64)>> {
    let mut header = [0u8; HEADER];
    if at + HEADER as u64 > size {
        return Ok(None);
    }
    file.read_exact_at(&mut header, at)?;
    let len = u64::from(u32::from_le_bytes([
        header[0], header[1], header[2], header[3],
    ]));
    let crc = u32::from_le_bytes([header[4], header[5], header[6], header[7]]);
    let end = at + HEADER as u64 + len;
    if end > size {
        return Ok(None);
    }
    let mut payload = vec![0u8; len as usize];
    file.read_exact_at(&mut payload, at + HEADER as u64)?;
    if crc32fast::hash(&payload) != crc {
        return Ok(None);
    }
    Ok(Some((decode(&payload), end)))
}
