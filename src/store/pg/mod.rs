//! The PostgreSQL history: the same `deliveries` table as the SQLite file, shared by
//! several receivers and viewers. Connections are blocking `postgres` clients, each
//! owned by one thread (the writer's, a reader's, a watcher's), like the SQLite ones.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use postgres::config::SslMode;
use postgres::{Client, NoTls};

use super::StoreError;

mod query;
mod read;
mod rows;
mod schema;
mod tls;
pub(crate) mod watch;
mod words;
pub(crate) mod writer;

pub(crate) use read::{Cancel, PgReader};

/// The channel every commit that stored deliveries notifies, with the highest new seq as
/// its payload (never a body: NOTIFY payloads stop at 8,000 bytes).
pub(crate) const CHANNEL: &str = "hookscope_deliveries";

/// Taken (per transaction) by every writer before it stores deliveries, so that seqs
/// become visible in order: a reader that has seen seq N never later finds a new row
/// below N. Also held while migrating.
const WRITE_LOCK: i64 = 0x686f_6f6b_7363_6f70; // "hookscop"

/// How long a connection attempt may take before the store counts as unreachable.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Whether `--store` names a PostgreSQL database rather than a file.
pub(crate) fn is_url(s: &str) -> bool {
    let lower = s.get(..13).unwrap_or(s).to_ascii_lowercase();
    lower.starts_with("postgres://") || lower.starts_with("postgresql://")
}

/// A database to connect to, and how it is shown (password masked).
#[derive(Clone)]
pub(crate) struct Target {
    config: Arc<postgres::Config>,
    tls: tls::Mode,
    label: PathBuf,
    /// Whether the last attempt of any connection to this database (the writer's, the
    /// readers') reached it: shared by every clone, shown as "disconnected" in the UI.
    reachable: Arc<AtomicBool>,
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Target({})", self.label.display())
    }
}

impl Target {
    /// Reads a `postgres://` URL; the password may also come from `PGPASSWORD`.
    pub(crate) fn parse(url: &str) -> Result<Target, StoreError> {
        let label = PathBuf::from(crate::redact::mask_url_password(url));
        let bad = |message: String| StoreError::BadUrl {
            path: label.clone(),
            message,
        };
        let (url, mode) = tls::split_sslmode(url).map_err(bad)?;
        let mut config: postgres::Config = url
            .parse()
            .map_err(|e: postgres::Error| bad(e.to_string()))?;
        if config.get_password().is_none()
            && let Ok(p) = std::env::var("PGPASSWORD")
        {
            config.password(p);
        }
        if config.get_user().is_none()
            && let Ok(u) = std::env::var("PGUSER")
        {
            config.user(&u);
        }
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        config.application_name("hookscope");
        config.ssl_mode(match mode {
            tls::Mode::Off => SslMode::Disable,
            tls::Mode::Prefer => SslMode::Prefer,
            tls::Mode::Encrypt | tls::Mode::Verify(_) => SslMode::Require,
        });
        Ok(Target {
            config: Arc::new(config),
            tls: mode,
            label,
            reachable: Arc::new(AtomicBool::new(true)),
        })
    }

    /// The URL as shown in messages, password masked.
    pub(crate) fn label(&self) -> &Path {
        &self.label
    }

    pub(crate) fn connect(&self) -> Result<Client, StoreError> {
        let result = match &self.tls {
            tls::Mode::Off => self.config.connect(NoTls),
            mode => self.config.connect(tls::connector(mode)),
        };
        self.reachable.store(result.is_ok(), Ordering::Relaxed);
        result.map_err(|e| self.err(e))
    }

    /// Whether the database could be reached when last tried.
    pub(crate) fn reachable(&self) -> bool {
        self.reachable.load(Ordering::Relaxed)
    }

    /// A connection found closed: the database is gone until a connect succeeds.
    pub(crate) fn lost(&self) {
        self.reachable.store(false, Ordering::Relaxed);
    }

    /// Asks the server to stop the query running on the connection `token` belongs to,
    /// from a thread of its own (the request is a connection of its own).
    pub(crate) fn cancel_later(&self, token: postgres::CancelToken) {
        let tls = self.tls.clone();
        let _ = std::thread::Builder::new()
            .name("hookscope-pg-cancel".into())
            .spawn(move || {
                let _ = match &tls {
                    tls::Mode::Off => token.cancel_query(NoTls),
                    mode => token.cancel_query(tls::connector(mode)),
                };
            });
    }

    pub(crate) fn err(&self, e: postgres::Error) -> StoreError {
        // Not a server's answer (a constraint, a cancel): the connection itself failed.
        if e.is_closed() || e.as_db_error().is_none() {
            self.lost();
        }
        StoreError::Postgres {
            path: self.label.clone(),
            source: Arc::new(e),
        }
    }
}

/// Text as PostgreSQL takes it: `text` cannot hold NUL characters, which a JSON body may
/// put into a subject; they become U+FFFD rather than costing the delivery.
pub(crate) fn pg_text(s: &str) -> std::borrow::Cow<'_, str> {
    if s.contains('\0') {
        std::borrow::Cow::Owned(s.replace('\0', "\u{fffd}"))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_told_from_files() {
        assert!(is_url("postgres://u@h/db"));
        assert!(is_url("PostgreSQL://h/db"));
        assert!(!is_url("deliveries.db"));
        assert!(!is_url("postgres"));
    }

    #[test]
    fn a_bad_url_names_it_without_its_password() {
        let e = Target::parse("postgres://ann:hunter22@h:notaport/db").unwrap_err();
        let text = e.to_string();
        assert!(!text.contains("hunter22"), "{text}");
        assert!(text.contains("postgres://ann:***@h"), "{text}");
    }

    #[test]
    fn sslmode_words_of_libpq_are_understood() {
        for mode in [
            "disable",
            "allow",
            "prefer",
            "require",
            "verify-ca",
            "verify-full",
        ] {
            Target::parse(&format!("postgres://u@h/db?sslmode={mode}")).unwrap();
        }
        assert!(Target::parse("postgres://u@h/db?sslmode=maybe").is_err());
    }

    #[test]
    fn nul_characters_become_replacement_characters() {
        assert_eq!(pg_text("a\0b"), "a\u{fffd}b");
        assert!(matches!(pg_text("ab"), std::borrow::Cow::Borrowed(_)));
    }
}
