//! The link key: a replay sent by hookscope carries `x-hookscope-replay-sig`, an HMAC of
//! the replayed id under a key kept with the store, so that a receiver writing to that
//! store links only its own sender's replays, not any request that names an id.
//!
//! Beside a SQLite file the key is the file `<store>.link-key` (mode 0600), so a copy of
//! the database alone does not carry it; in PostgreSQL it is a row of
//! `hookscope_settings`, shared by every receiver and viewer of the database.

use std::fs::OpenOptions;
use std::io::{self, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use hmac::{Hmac, Mac};
use sha2::Sha256;

const KEY_BYTES: usize = 32;

/// The secret a store's replays are signed with. Never shown.
#[derive(Clone)]
pub struct LinkKey([u8; KEY_BYTES]);

impl std::fmt::Debug for LinkKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LinkKey(…)")
    }
}

impl LinkKey {
    /// A new key from the operating system's random source.
    pub fn random() -> io::Result<LinkKey> {
        let mut key = [0u8; KEY_BYTES];
        getrandom::fill(&mut key).map_err(io::Error::other)?;
        Ok(LinkKey(key))
    }

    /// The key as stored: hex.
    pub(crate) fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    pub(crate) fn from_hex(text: &str) -> Option<LinkKey> {
        let bytes = hex::decode(text.trim()).ok()?;
        Some(LinkKey(bytes.try_into().ok()?))
    }

    fn mac(&self, id: &str) -> Hmac<Sha256> {
        // Any key length is accepted by HMAC.
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes any key");
        mac.update(b"hookscope replay-of\n");
        mac.update(id.as_bytes());
        mac
    }

    /// The value of `x-hookscope-replay-sig` for a replay of delivery `id`.
    pub fn sign(&self, id: &str) -> String {
        hex::encode(self.mac(id).finalize().into_bytes())
    }

    /// Whether `signature` is [`LinkKey::sign`] of `id`, compared in constant time.
    pub(crate) fn verifies(&self, id: &str, signature: &str) -> bool {
        match hex::decode(signature.trim()) {
            Ok(bytes) => self.mac(id).verify_slice(&bytes).is_ok(),
            Err(_) => false,
        }
    }

    /// Where the key of the SQLite store at `db` is kept.
    pub(crate) fn file_for(db: &Path) -> PathBuf {
        let mut name = db.as_os_str().to_owned();
        name.push(".link-key");
        PathBuf::from(name)
    }

    /// The key of the SQLite store at `db`, if its file is there and readable.
    pub(crate) fn read_file(db: &Path) -> Option<LinkKey> {
        std::fs::read_to_string(Self::file_for(db))
            .ok()
            .and_then(|t| Self::from_hex(&t))
    }

    /// The key of the SQLite store at `db`, created (mode 0600) when it has none yet.
    /// Written under another name and linked into place, so that two processes opening
    /// the store at once agree on one key and neither reads a half-written file.
    pub(crate) fn open_file(db: &Path) -> io::Result<LinkKey> {
        let path = Self::file_for(db);
        if let Some(key) = Self::read_file(db) {
            return Ok(key);
        }
        let key = Self::random()?;
        let mut temp = path.as_os_str().to_owned();
        temp.push(format!(".{}", uuid::Uuid::now_v7().simple()));
        let temp = PathBuf::from(temp);
        let written = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&temp)
            .and_then(|mut f| {
                f.write_all(key.to_hex().as_bytes())?;
                f.sync_all()
            })
            .and_then(|()| std::fs::hard_link(&temp, &path));
        let _ = std::fs::remove_file(&temp);
        match written {
            Ok(()) => Ok(key),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                Self::read_file(db).ok_or_else(|| {
                    io::Error::new(
                        io::ErrorKind::InvalidData,
                        format!("{} does not hold a link key", path.display()),
                    )
                })
            }
            Err(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_verifies_for_its_id_and_key_only() {
        let key = LinkKey::random().unwrap();
        let other = LinkKey::random().unwrap();
        let sig = key.sign("0193a5b0-0000-7000-8000-000000000001");
        assert!(key.verifies("0193a5b0-0000-7000-8000-000000000001", &sig));
        assert!(!key.verifies("0193a5b0-0000-7000-8000-000000000002", &sig));
        assert!(!other.verifies("0193a5b0-0000-7000-8000-000000000001", &sig));
        assert!(!key.verifies("0193a5b0-0000-7000-8000-000000000001", "zz"));
        assert!(!key.verifies("0193a5b0-0000-7000-8000-000000000001", ""));
    }

    #[test]
    fn the_file_is_created_once_private_and_read_back() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("deliveries.db");
        assert!(LinkKey::read_file(&db).is_none());
        let first = LinkKey::open_file(&db).unwrap();
        let again = LinkKey::open_file(&db).unwrap();
        assert_eq!(first.to_hex(), again.to_hex());
        let meta = std::fs::metadata(LinkKey::file_for(&db)).unwrap();
        assert_eq!(meta.permissions().mode() & 0o777, 0o600);
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temporary file left"
        );
        assert_eq!(format!("{first:?}"), "LinkKey(…)");
    }
}
