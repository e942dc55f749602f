//! The table layout, its version (`PRAGMA user_version`) and the forward migrations.

use std::path::Path;
use std::time::Duration;

use rusqlite::Connection;

use super::StoreError;

/// Migration `i` takes the schema from version `i` to `i + 1`. A new version is one more
/// entry; entries are never edited once released.
const MIGRATIONS: &[&str] = &[V1, V2, V3, V4, V5];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Short at open so a locked file is reported promptly; longer afterwards so a `sqlite3`
/// session briefly writing does not fail an insert.
const OPEN_BUSY: Duration = Duration::from_millis(1500);
const RUN_BUSY: Duration = Duration::from_secs(5);

/// The page size of a new database file.
const PAGE_SIZE: i64 = 8192;

const V1: &str = "
CREATE TABLE deliveries (
    seq                 INTEGER PRIMARY KEY,
    id                  TEXT NOT NULL UNIQUE,
    received_at         TEXT NOT NULL,
    method              TEXT NOT NULL,
    path                TEXT NOT NULL,
    query               TEXT,
    headers             TEXT NOT NULL,
    body                BLOB NOT NULL,
    body_bytes          INTEGER NOT NULL,
    body_truncated      INTEGER NOT NULL DEFAULT 0,
    peer                TEXT,
    provider            TEXT NOT NULL,
    detected_by         TEXT NOT NULL,
    event               TEXT,
    event_inferred      INTEGER NOT NULL DEFAULT 0,
    subject             TEXT,
    verification_status TEXT NOT NULL,
    verification_scheme TEXT NOT NULL,
    verification_hint   TEXT,
    verification_detail TEXT NOT NULL,
    response_status     INTEGER NOT NULL,
    replay_of           TEXT,
    fetched             TEXT
);
CREATE INDEX deliveries_received_at ON deliveries(received_at);
CREATE INDEX deliveries_subject ON deliveries(subject);
CREATE INDEX deliveries_provider ON deliveries(provider);
CREATE INDEX deliveries_verification_status ON deliveries(verification_status);

-- count(*) walks a whole index; this keeps the row count at hand, even when rows are
-- deleted by hand with sqlite3.
CREATE TABLE delivery_count (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  INTEGER NOT NULL
);
INSERT INTO delivery_count (id, n) VALUES (1, 0);
CREATE TRIGGER deliveries_count_insert AFTER INSERT ON deliveries
BEGIN
    UPDATE delivery_count SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER deliveries_count_delete AFTER DELETE ON deliveries
BEGIN
    UPDATE delivery_count SET n = n - 1 WHERE id = 1;
END;
";

/// v2: what the user's app answered when a delivery was forwarded to it (JSON).
const V2: &str = "ALTER TABLE deliveries ADD COLUMN forward TEXT;";

/// v3: one index on (provider, subject) instead of one on each. Every query on either
/// column names the provider (a filter, or the previous delivery about a subject from a
/// provider), and each index costs every insert; this one also finds that previous
/// delivery without scanning the provider's rows.
const V3: &str = "
DROP INDEX IF EXISTS deliveries_subject;
DROP INDEX IF EXISTS deliveries_provider;
CREATE INDEX IF NOT EXISTS deliveries_provider_subject ON deliveries(provider, subject);
";

/// v4: the free-text index (see `search.rs`), which the writer fills for existing rows
/// too, and the event names seen, for reading filter words without scanning every row.
/// Written to be harmless where these objects already exist.
const V4: &str = "
-- Fed hookscope_words(), words already split and folded: the ascii tokenizer only
-- splits them on spaces (every other character of theirs is a word character to it).
CREATE VIRTUAL TABLE IF NOT EXISTS delivery_words USING fts5(
    subject, body,
    content = '', contentless_delete = 1, detail = full,
    tokenize = \"ascii tokenchars '_'\"
);
-- Every delivery with seq <= indexed_upto is in delivery_words.
CREATE TABLE IF NOT EXISTS delivery_words_progress (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    indexed_upto INTEGER NOT NULL
);
INSERT OR IGNORE INTO delivery_words_progress (id, indexed_upto) VALUES (1, 0);
-- Rows deleted (by hand) are listed here until the writer takes them out of the index;
-- a trigger touching delivery_words itself would fail in a sqlite3 older than its
-- contentless_delete option. Deleting the newest rows lets their seqs be used again: the
-- index must then not claim to hold them.
CREATE TABLE IF NOT EXISTS delivery_words_deleted (seq INTEGER PRIMARY KEY);
CREATE TRIGGER IF NOT EXISTS deliveries_words_delete AFTER DELETE ON deliveries
BEGIN
    INSERT INTO delivery_words_deleted (seq) SELECT old.seq
        WHERE NOT EXISTS (SELECT 1 FROM delivery_words_deleted WHERE seq = old.seq);
    UPDATE delivery_words_progress
        SET indexed_upto = (SELECT coalesce(max(seq), 0) FROM deliveries)
        WHERE id = 1 AND indexed_upto > (SELECT coalesce(max(seq), 0) FROM deliveries);
END;

-- Each event name as first spelled, compared as the filter compares them.
CREATE TABLE IF NOT EXISTS delivery_events (name TEXT PRIMARY KEY COLLATE NOCASE) WITHOUT ROWID;
INSERT OR IGNORE INTO delivery_events (name)
    SELECT event FROM deliveries WHERE event IS NOT NULL ORDER BY seq;
-- Not INSERT OR IGNORE: a trigger takes the conflict policy of the statement firing it,
-- and the writer inserts deliveries with OR FAIL.
CREATE TRIGGER IF NOT EXISTS deliveries_event_names AFTER INSERT ON deliveries WHEN new.event IS NOT NULL
BEGIN
    INSERT INTO delivery_events (name) SELECT new.event
        WHERE NOT EXISTS (SELECT 1 FROM delivery_events WHERE name = new.event);
END;
";

/// v5: indexes that let each filter qualifier find its rows without reading the table
/// (a filter's seqs come from the index alone). The status index also holds the provider,
/// so that a status and a provider together are one range. The hint and answer indexes
/// are partial: they hold only the exceptions (a failure's hint, an answer other than
/// 2xx), which a healthy stream does not write to. Events compare NOCASE, as the filter
/// does.
const V5: &str = "
DROP INDEX IF EXISTS deliveries_verification_status;
CREATE INDEX IF NOT EXISTS deliveries_status_provider
    ON deliveries(verification_status, provider);
CREATE INDEX IF NOT EXISTS deliveries_hint
    ON deliveries(verification_hint) WHERE verification_hint IS NOT NULL;
CREATE INDEX IF NOT EXISTS deliveries_answer
    ON deliveries(response_status) WHERE response_status NOT BETWEEN 200 AND 299;
CREATE INDEX IF NOT EXISTS deliveries_event ON deliveries(event COLLATE NOCASE);
";

/// Readies the writer connection: checks the file is a database we may use, enables WAL
/// (`wal`: false for in-memory databases) and migrates. The migration always runs in a
/// write transaction so that a lock or a read-only file is reported now, not on the
/// first delivery.
pub(crate) fn prepare(conn: &Connection, path: &Path, wal: bool) -> Result<(), StoreError> {
    migrate_with(conn, path, wal, MIGRATIONS)?;
    // The writer fills the word index through it.
    super::search::register(conn).map_err(|e| StoreError::from_sqlite(path, e))
}

fn migrate_with(
    conn: &Connection,
    path: &Path,
    wal: bool,
    migrations: &[&str],
) -> Result<(), StoreError> {
    let sql = |e| StoreError::from_sqlite(path, e);
    conn.busy_timeout(OPEN_BUSY).map_err(sql)?;
    // Read before anything writes: a foreign or newer file must be left exactly as it is.
    if check_version(conn, path, migrations.len() as i64)? == 0 {
        // Only an empty file can still take a page size (not once it is in WAL mode). A
        // row with a ~2 KiB body fills most of a 4 KiB page alone; 8 KiB pages hold three,
        // so each delivery costs far fewer page writes and checkpoint copies.
        conn.pragma_update(None, "page_size", PAGE_SIZE)
            .map_err(sql)?;
    }
    if wal {
        let mode: String = conn
            .pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))
            .map_err(sql)?;
        if !mode.eq_ignore_ascii_case("wal") {
            tracing::warn!(path = %path.display(), mode, "store could not switch to WAL mode");
        }
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(sql)?;
    }
    conn.execute_batch("BEGIN IMMEDIATE").map_err(sql)?;
    let result = check_version(conn, path, migrations.len() as i64).and_then(|current| {
        for (i, step) in migrations.iter().enumerate().skip(current as usize) {
            conn.execute_batch(step).map_err(sql)?;
            conn.pragma_update(None, "user_version", i as i64 + 1)
                .map_err(sql)?;
        }
        conn.execute_batch("COMMIT").map_err(sql)
    });
    if result.is_err() {
        let _ = conn.execute_batch("ROLLBACK");
    }
    result?;
    conn.busy_timeout(RUN_BUSY).map_err(sql)
}

/// The file's schema version, when this build can use the file.
fn check_version(conn: &Connection, path: &Path, known: i64) -> Result<i64, StoreError> {
    let sql = |e| StoreError::from_sqlite(path, e);
    let found: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(sql)?;
    let objects: i64 = conn
        .query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))
        .map_err(sql)?;
    if found > known {
        return Err(StoreError::TooNew {
            path: path.to_path_buf(),
            found,
            known,
        });
    }
    if found <= 0 && objects > 0 {
        return Err(StoreError::Foreign {
            path: path.to_path_buf(),
        });
    }
    Ok(found.max(0))
}

/// Readies a read connection. Shared-cache (in-memory) readers read uncommitted data so
/// that they never hit table locks held by the writer; file readers get WAL snapshots.
pub(crate) fn prepare_reader(conn: &Connection, shared_cache: bool) -> rusqlite::Result<()> {
    conn.busy_timeout(RUN_BUSY)?;
    conn.pragma_update(None, "query_only", true)?;
    super::search::register(conn)?;
    if shared_cache {
        conn.pragma_update(None, "read_uncommitted", true)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version(conn: &Connection) -> i64 {
        conn.pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap()
    }

    #[test]
    fn a_later_migration_runs_on_a_v1_database() {
        let conn = Connection::open_in_memory().unwrap();
        let path = Path::new("test.db");
        migrate_with(&conn, path, false, &[V1]).unwrap();
        assert_eq!(version(&conn), 1);
        let v2 = "ALTER TABLE deliveries ADD COLUMN note TEXT;";
        migrate_with(&conn, path, false, &[V1, v2]).unwrap();
        assert_eq!(version(&conn), 2);
        conn.execute("SELECT note FROM deliveries", []).unwrap();
        // Running again is a no-op, not a second ALTER.
        migrate_with(&conn, path, false, &[V1, v2]).unwrap();
        assert_eq!(version(&conn), 2);
    }

    #[test]
    fn a_v2_store_with_rows_gains_event_names_and_a_search_index_to_fill() {
        let conn = Connection::open_in_memory().unwrap();
        let path = Path::new("test.db");
        migrate_with(&conn, path, false, &[V1, V2]).unwrap();
        for (i, event) in ["Result Update", "result update", "call_completed"]
            .iter()
            .enumerate()
        {
            conn.execute(
                "INSERT INTO deliveries (id, received_at, method, path, headers, body, \
                 body_bytes, provider, detected_by, event, subject, verification_status, \
                 verification_scheme, verification_detail, response_status) VALUES (?1, 't', \
                 'POST', '/', '[]', 'Grace Hopper', 12, 'classet', 'path', ?2, 's', \
                 'verified', 'x', '', 200)",
                rusqlite::params![format!("id-{i}"), event],
            )
            .unwrap();
        }
        migrate_with(&conn, path, false, MIGRATIONS).unwrap();
        assert_eq!(version(&conn), SCHEMA_VERSION);
        let names: Vec<String> = conn
            .prepare("SELECT name FROM delivery_events ORDER BY name")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(names, ["call_completed", "Result Update"]);
        super::super::search::register(&conn).unwrap();
        assert_eq!(super::super::search::index_pending(&conn, 10).unwrap(), 3);
        let hits: i64 = conn
            .query_row(
                "SELECT count(*) FROM delivery_words WHERE delivery_words MATCH '\"grace hop\" *'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(hits, 3);
        // Running V4 again (a store that already has its tables) changes nothing.
        conn.execute_batch(V4).unwrap();
    }

    #[test]
    fn a_failing_migration_leaves_the_previous_version() {
        let conn = Connection::open_in_memory().unwrap();
        let path = Path::new("test.db");
        migrate_with(&conn, path, false, &[V1]).unwrap();
        let err =
            migrate_with(&conn, path, false, &[V1, "CREATE TABLE deliveries (x);"]).unwrap_err();
        assert!(matches!(err, StoreError::Sqlite { .. }), "{err}");
        assert_eq!(version(&conn), 1);
    }

    #[test]
    fn the_count_table_follows_inserts_and_deletes() {
        let conn = Connection::open_in_memory().unwrap();
        migrate_with(&conn, Path::new("t"), false, MIGRATIONS).unwrap();
        let insert = "INSERT INTO deliveries (id, received_at, method, path, headers, body, \
            body_bytes, provider, detected_by, verification_status, verification_scheme, \
            verification_detail, response_status) \
            VALUES (?1, '', 'POST', '/', '[]', x'', 0, 'unknown', 'none', 'unsigned', '', '', 200)";
        for id in ["a", "b", "c"] {
            conn.execute(insert, [id]).unwrap();
        }
        conn.execute("DELETE FROM deliveries WHERE id = 'b'", [])
            .unwrap();
        let n: i64 = conn
            .query_row("SELECT n FROM delivery_count", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 2);
    }

    #[test]
    fn v3_replaces_the_subject_and_provider_indexes_keeping_the_rows() {
        let conn = Connection::open_in_memory().unwrap();
        let path = Path::new("t");
        migrate_with(&conn, path, false, &[V1, V2]).unwrap();
        conn.execute(
            "INSERT INTO deliveries (id, received_at, method, path, headers, body, body_bytes, \
             provider, detected_by, subject, verification_status, verification_scheme, \
             verification_detail, response_status) VALUES ('a', '', 'POST', '/', '[]', x'', 0, \
             'classet', 'path', 'cand_1', 'verified', '', '', 200)",
            [],
        )
        .unwrap();
        migrate_with(&conn, path, false, MIGRATIONS).unwrap();
        let indexes: Vec<String> = conn
            .prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL ORDER BY name")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(
            indexes,
            [
                "deliveries_answer",
                "deliveries_event",
                "deliveries_hint",
                "deliveries_provider_subject",
                "deliveries_received_at",
                "deliveries_status_provider"
            ]
        );
        let plan: String = conn
            .query_row(
                "EXPLAIN QUERY PLAN SELECT seq FROM deliveries WHERE subject = 'cand_1' \
                 AND provider = 'classet' AND seq < 10 ORDER BY seq DESC LIMIT 1",
                [],
                |r| r.get(3),
            )
            .unwrap();
        assert!(plan.contains("deliveries_provider_subject"), "{plan}");
        let n: i64 = conn
            .query_row("SELECT n FROM delivery_count", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 1);
    }

    #[test]
    fn a_new_file_gets_large_pages_and_an_old_one_keeps_its_own() {
        let dir = tempfile::tempdir().unwrap();
        let page_size = |c: &Connection| -> i64 {
            c.pragma_query_value(None, "page_size", |r| r.get(0))
                .unwrap()
        };
        let fresh = dir.path().join("fresh.db");
        let conn = Connection::open(&fresh).unwrap();
        migrate_with(&conn, &fresh, true, MIGRATIONS).unwrap();
        assert_eq!(page_size(&conn), PAGE_SIZE);

        // As an earlier build made it.
        let old = dir.path().join("old.db");
        let conn = Connection::open(&old).unwrap();
        conn.pragma_update(None, "page_size", 4096).unwrap();
        conn.execute_batch(V1).unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        drop(conn);
        let conn = Connection::open(&old).unwrap();
        migrate_with(&conn, &old, true, MIGRATIONS).unwrap();
        assert_eq!(page_size(&conn), 4096);
        assert_eq!(version(&conn), SCHEMA_VERSION);
    }
}
