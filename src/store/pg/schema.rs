//! The PostgreSQL layout, its version (the `hookscope_schema` table) and the forward
//! migrations. The `deliveries` table has the SQLite store's columns and meaning;
//! `received_at` is a `timestamptz`, `body` a `bytea`, flags are booleans, and `words`
//! holds the free-text index (see `words.rs`).

use postgres::Client;

use super::{Target, WRITE_LOCK};
use crate::store::{LinkKey, StoreError};

/// Migration `i` takes the schema from version `i` to `i + 1`. Entries are never edited
/// once released.
const MIGRATIONS: &[&str] = &[V1, V2, V3, V4, V5];

const V1: &str = "
CREATE TABLE deliveries (
    -- Given by the writer under its lock: one more than the highest, never a gap.
    seq                 bigint PRIMARY KEY,
    -- Byte order, so that an id prefix is a range of its index whatever the locale.
    id                  text COLLATE \"C\" NOT NULL UNIQUE,
    received_at         timestamptz NOT NULL,
    method              text NOT NULL,
    path                text NOT NULL,
    query               text,
    headers             text NOT NULL,
    body                bytea NOT NULL,
    body_bytes          bigint NOT NULL,
    body_truncated      boolean NOT NULL DEFAULT false,
    peer                text,
    provider            text NOT NULL,
    detected_by         text NOT NULL,
    event               text,
    event_inferred      boolean NOT NULL DEFAULT false,
    subject             text,
    verification_status text NOT NULL,
    verification_scheme text NOT NULL,
    verification_hint   text,
    verification_detail text NOT NULL,
    response_status     integer NOT NULL,
    replay_of           text,
    fetched             text,
    forward             text,
    words               tsvector
);
CREATE INDEX deliveries_received_at ON deliveries (received_at);
CREATE INDEX deliveries_provider_subject ON deliveries (provider, subject);
CREATE INDEX deliveries_verification_status ON deliveries (verification_status);
CREATE INDEX deliveries_words ON deliveries USING gin (words);

-- count(*) reads the whole table; this keeps the count at hand, also when rows are
-- deleted by hand with psql.
CREATE TABLE delivery_count (
    id integer PRIMARY KEY CHECK (id = 1),
    n  bigint NOT NULL
);
INSERT INTO delivery_count (id, n) VALUES (1, 0);
CREATE FUNCTION hookscope_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE delivery_count SET n = n + (SELECT count(*) FROM changed) WHERE id = 1;
    ELSE
        UPDATE delivery_count SET n = n - (SELECT count(*) FROM changed) WHERE id = 1;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER deliveries_count_insert AFTER INSERT ON deliveries
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION hookscope_count();
CREATE TRIGGER deliveries_count_delete AFTER DELETE ON deliveries
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION hookscope_count();

-- What the app answered when a delivery was forwarded, for the list: `forward` is JSON
-- text, and one edited by hand into something else must not fail a read.
CREATE FUNCTION hookscope_forward_status(forward text) RETURNS integer
    LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    RETURN (forward::jsonb ->> 'status')::integer;
EXCEPTION WHEN others THEN
    RETURN NULL;
END $$;

-- The payload's own top-level `status` text, for the list, as SQLite's json_extract
-- gives it; a body that is not JSON has none.
CREATE FUNCTION hookscope_body_status(body bytea) RETURNS text
    LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    j jsonb;
BEGIN
    j := convert_from(body, 'UTF8')::jsonb;
    IF jsonb_typeof(j -> 'status') IN ('string', 'object', 'array') THEN
        RETURN j ->> 'status';
    END IF;
    RETURN NULL;
EXCEPTION WHEN others THEN
    RETURN NULL;
END $$;

-- Each event name as first spelled, keyed as the filter compares them.
CREATE TABLE delivery_events (
    key  text PRIMARY KEY,
    name text NOT NULL
);
CREATE FUNCTION hookscope_event_name() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO delivery_events (key, name) VALUES (lower(NEW.event), NEW.event)
        ON CONFLICT (key) DO NOTHING;
    RETURN NULL;
END $$;
CREATE TRIGGER deliveries_event_names AFTER INSERT ON deliveries
    FOR EACH ROW WHEN (NEW.event IS NOT NULL) EXECUTE FUNCTION hookscope_event_name();
";

const V2: &str = "
-- Settings of the store itself: `link_key`, the key hookscope signs its replays with.
CREATE TABLE hookscope_settings (
    name  text PRIMARY KEY,
    value text NOT NULL
);
";

const V3: &str = "
-- A free-text filter also takes the rows whose words were too many to index: this
-- finds them (almost always none) without reading the table.
CREATE INDEX deliveries_words_missing ON deliveries (seq) WHERE words IS NULL;
-- Status and provider filters, and the header's counts per status, read this index
-- alone (with seq in it) instead of every matching row.
CREATE INDEX deliveries_status_provider ON deliveries (verification_status, provider, seq);
DROP INDEX deliveries_verification_status;
";

const V4: &str = "
-- Bodies and words compressed with lz4 rather than pglz: pglz was most of a stored
-- row's cost on the server. Rows stored before keep theirs; a server built without lz4
-- (or older than 14) keeps pglz.
DO $$
BEGIN
    EXECUTE 'ALTER TABLE deliveries ALTER COLUMN body SET COMPRESSION lz4, '
        'ALTER COLUMN words SET COMPRESSION lz4';
EXCEPTION WHEN others THEN
    NULL;
END $$;
";

const V5: &str = "
-- The payload's top-level status for the list, found by the writer: reading it out of
-- each row's body was most of what a page of the table cost. Rows stored before keep it
-- unknown (`body_status_known` false) and are read from their body as before.
ALTER TABLE deliveries ADD COLUMN body_status text,
    ADD COLUMN body_status_known boolean NOT NULL DEFAULT false;

-- A row PostgreSQL toasts (past about 2 KB) keeps its body and words out of line
-- (compressed) down to 128 bytes, not just below 2 KB: such a row is then a few hundred
-- bytes, so the rows a text search finds, or a page of the list, are read from a table
-- several times smaller. Rows stored before keep theirs.
ALTER TABLE deliveries SET (toast_tuple_target = 128);

-- Hint, answer and event filters read an index, as they do in the file: hints and
-- answers other than 2xx are rare in a healthy stream, and an event word is resolved to
-- the stored spellings it means first (below).
CREATE INDEX deliveries_hint ON deliveries (verification_hint, seq)
    WHERE verification_hint IS NOT NULL;
CREATE INDEX deliveries_answer ON deliveries (response_status, seq)
    WHERE response_status NOT BETWEEN 200 AND 299;
-- Names past 1 KiB are not indexed (nor listed below): an index entry has a size limit,
-- and a delivery must never be refused for its event's length.
CREATE INDEX deliveries_event ON deliveries (event, seq) WHERE octet_length(event) <= 1024;

-- The first and last seq beside the count, kept by the same trigger: a page of the table
-- is found by key from them, without planning min() and max() over the table's indexes
-- for every page.
ALTER TABLE delivery_count ADD COLUMN first bigint, ADD COLUMN last bigint;
UPDATE delivery_count
    SET first = (SELECT min(seq) FROM deliveries), last = (SELECT max(seq) FROM deliveries)
    WHERE id = 1;
CREATE OR REPLACE FUNCTION hookscope_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE delivery_count AS d
            SET n = d.n + c.added, first = least(d.first, c.low), last = greatest(d.last, c.high)
            FROM (SELECT count(*) AS added, min(seq) AS low, max(seq) AS high FROM changed) c
            WHERE d.id = 1;
    ELSE
        -- The row first, so that the bounds below are read after a writer's commit that
        -- held it, not from before (each statement here reads what is committed).
        PERFORM 1 FROM delivery_count WHERE id = 1 FOR UPDATE;
        UPDATE delivery_count
            SET n = n - (SELECT count(*) FROM changed),
                first = (SELECT min(seq) FROM deliveries),
                last = (SELECT max(seq) FROM deliveries)
            WHERE id = 1;
    END IF;
    RETURN NULL;
END $$;

-- Every spelling of an event name once, with its ASCII case folding (as the filter and
-- SQLite's NOCASE fold; lower() before folded other letters too) and the seq it first
-- came with: a filter word is resolved here (a few rows) to the spellings it means, which
-- the event index finds without folding every row. Recorded once per statement.
DROP TRIGGER deliveries_event_names ON deliveries;
DROP TABLE delivery_events;
CREATE TABLE delivery_events (
    name      text COLLATE \"C\" PRIMARY KEY,
    key       text COLLATE \"C\" NOT NULL,
    first_seq bigint NOT NULL
);
CREATE INDEX delivery_events_key ON delivery_events (key, first_seq);
INSERT INTO delivery_events (name, key, first_seq)
    SELECT event, translate(event, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'),
        min(seq)
    FROM deliveries WHERE octet_length(event) <= 1024 GROUP BY event;
CREATE OR REPLACE FUNCTION hookscope_event_name() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO delivery_events (name, key, first_seq)
        SELECT event,
            translate(event, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'),
            min(seq)
        FROM changed WHERE octet_length(event) <= 1024 GROUP BY event
        ON CONFLICT (name) DO NOTHING;
    RETURN NULL;
END $$;
CREATE TRIGGER deliveries_event_names AFTER INSERT ON deliveries
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION hookscope_event_name();
";

/// The key replays of this database are signed with, created by the first writer.
pub(crate) fn link_key(client: &mut Client, target: &Target) -> Result<LinkKey, StoreError> {
    let err = |e| target.err(e);
    let fresh = LinkKey::random().map_err(|e| StoreError::Io {
        path: target.label().to_path_buf(),
        source: std::sync::Arc::new(e),
    })?;
    client
        .execute(
            "INSERT INTO hookscope_settings (name, value) VALUES ('link_key', $1) \
             ON CONFLICT (name) DO NOTHING",
            &[&fresh.to_hex()],
        )
        .map_err(err)?;
    read_link_key(client)
        .map_err(err)?
        .ok_or_else(|| StoreError::BadUrl {
            path: target.label().to_path_buf(),
            message: "hookscope_settings holds no valid link_key".into(),
        })
}

/// The stored link key, `None` when there is none.
pub(crate) fn read_link_key(client: &mut Client) -> Result<Option<LinkKey>, postgres::Error> {
    let row = client.query_opt(
        "SELECT value FROM hookscope_settings WHERE name = 'link_key'",
        &[],
    )?;
    Ok(row.and_then(|r| LinkKey::from_hex(r.get(0))))
}

/// Creates or migrates the schema. Several receivers may start at once: the migration
/// runs under the writers' lock, so one migrates and the others find it done.
pub(crate) fn prepare(client: &mut Client, target: &Target) -> Result<(), StoreError> {
    migrate_with(client, target, MIGRATIONS)
}

fn migrate_with(
    client: &mut Client,
    target: &Target,
    migrations: &[&str],
) -> Result<(), StoreError> {
    let err = |e| target.err(e);
    let mut tx = client.transaction().map_err(err)?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&WRITE_LOCK])
        .map_err(err)?;
    let current = version(&mut tx, target, migrations.len() as i64)?;
    if current == 0 {
        tx.batch_execute("CREATE TABLE hookscope_schema (id integer PRIMARY KEY CHECK (id = 1), version bigint NOT NULL); INSERT INTO hookscope_schema VALUES (1, 0);")
            .map_err(err)?;
    }
    for (i, step) in migrations.iter().enumerate().skip(current as usize) {
        tx.batch_execute(step).map_err(err)?;
        tx.execute(
            "UPDATE hookscope_schema SET version = $1 WHERE id = 1",
            &[&(i as i64 + 1)],
        )
        .map_err(err)?;
    }
    tx.commit().map_err(err)
}

/// The database's schema version, when this build can use it: 0 for a database
/// without hookscope's tables.
fn version(
    tx: &mut postgres::Transaction<'_>,
    target: &Target,
    known: i64,
) -> Result<i64, StoreError> {
    let err = |e| target.err(e);
    let row = tx
        .query_one(
            "SELECT to_regclass('hookscope_schema') IS NOT NULL, \
                    to_regclass('deliveries') IS NOT NULL",
            &[],
        )
        .map_err(err)?;
    let (ours, deliveries): (bool, bool) = (row.get(0), row.get(1));
    if !ours {
        if deliveries {
            return Err(StoreError::Foreign {
                path: target.label().to_path_buf(),
            });
        }
        return Ok(0);
    }
    let found: i64 = tx
        .query_one("SELECT version FROM hookscope_schema WHERE id = 1", &[])
        .map_err(err)?
        .get(0);
    if found > known {
        return Err(StoreError::TooNew {
            path: target.label().to_path_buf(),
            found,
            known,
        });
    }
    Ok(found)
}
