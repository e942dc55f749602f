//! A delivery as the writer binds it to the INSERT: converted on the caller's side of
//! the queue, serialized (all but its body) in the journal, inserted by the writer or
//! by filing.

use bytes::Bytes;
use rusqlite::{Connection, params};

use crate::model::{Delivery, Findings, Verification, rfc3339};

/// A delivery as bound to the INSERT, converted on the caller's side of the channel.
/// Serialized, all but its body, in the journal.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct NewRow {
    pub(super) id: String,
    pub(super) received_at: String,
    pub(super) method: String,
    pub(super) path: String,
    pub(super) query: Option<String>,
    pub(super) headers: String,
    #[serde(skip)]
    pub(super) body: Bytes,
    pub(super) body_bytes: i64,
    pub(super) body_truncated: bool,
    pub(super) peer: Option<String>,
    pub(super) findings: Findings,
    pub(super) response_status: i64,
    pub(super) replay_of: Option<String>,
    pub(super) fetched: Option<String>,
    pub(super) forward: Option<String>,
}

impl NewRow {
    pub(crate) fn from_delivery(d: &Delivery, fetched: Option<&serde_json::Value>) -> Self {
        let r = &d.request;
        Self {
            id: d.id.clone(),
            received_at: rfc3339(d.received_at),
            method: r.method.clone(),
            path: r.path.clone(),
            query: r.query.clone(),
            // A list of string pairs always serializes.
            headers: serde_json::to_string(&r.headers).unwrap_or_else(|_| "[]".into()),
            body: r.body.clone(),
            body_bytes: i64::try_from(r.body_bytes).unwrap_or(i64::MAX),
            body_truncated: r.body_truncated,
            peer: r.peer.clone(),
            findings: stored_findings(&d.findings),
            response_status: i64::from(d.response_status),
            replay_of: d.replay_of.clone(),
            fetched: fetched.map(|v| v.to_string()),
            forward: d
                .forward
                .as_ref()
                .and_then(|f| serde_json::to_string(f).ok()),
        }
    }
}

/// The findings as stored: the verdict without its evidence, which only the debugger of a
/// live delivery shows. Copied field by field, so the evidence (the signed payload, as
/// long as the body) is not copied only to be dropped.
fn stored_findings(f: &Findings) -> Findings {
    let v = &f.verification;
    Findings {
        provider: f.provider,
        event: f.event.clone(),
        event_inferred: f.event_inferred,
        subject: f.subject.clone(),
        detected_by: f.detected_by,
        verification: Verification {
            status: v.status,
            scheme: v.scheme.clone(),
            hint: v.hint,
            detail: v.detail.clone(),
            evidence: None,
        },
    }
}

macro_rules! insert_sql {
    ($verb:literal) => {
        concat!(
            $verb,
            " INTO deliveries (id, received_at, method, path, query, headers, body, body_bytes, \
            body_truncated, peer, provider, detected_by, event, event_inferred, subject, \
            verification_status, verification_scheme, verification_hint, verification_detail, \
            response_status, replay_of, fetched, forward) \
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, \
            ?18, ?19, ?20, ?21, ?22, ?23)"
        )
    };
}

/// The new row's seq; `None` when `skip_existing` and the id is already stored.
pub(super) fn insert(
    conn: &Connection,
    r: &NewRow,
    skip_existing: bool,
) -> rusqlite::Result<Option<i64>> {
    // OR FAIL, not the default ABORT: one row's constraints are all checked before anything
    // is written, so the outcome is the same, but ABORT with the count trigger makes SQLite
    // keep a statement journal, a copy of every page the row touches.
    let sql = if skip_existing {
        insert_sql!("INSERT OR IGNORE")
    } else {
        insert_sql!("INSERT OR FAIL")
    };
    let mut stmt = conn.prepare_cached(sql)?;
    let f = &r.findings;
    let inserted = stmt.execute(params![
        r.id,
        r.received_at,
        r.method,
        r.path,
        r.query,
        r.headers,
        &r.body[..],
        r.body_bytes,
        r.body_truncated,
        r.peer,
        f.provider.as_str(),
        f.detected_by.as_str(),
        f.event,
        f.event_inferred,
        f.subject,
        f.verification.status.as_str(),
        f.verification.scheme,
        f.verification.hint.map(|h| h.as_str()),
        f.verification.detail,
        r.response_status,
        r.replay_of,
        r.fetched,
        r.forward,
    ])?;
    // Cheaper than RETURNING, which buffers its rows in a temporary table.
    Ok((inserted > 0).then(|| conn.last_insert_rowid()))
}
