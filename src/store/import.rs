//! Import of NDJSON written by [`super::export_ndjson`]. Idempotent: a delivery whose id
//! is already stored is counted as a duplicate and left as it is.

use std::io::BufRead;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use bytes::Bytes;
use chrono::{DateTime, Utc};

use super::export::{BodyEncoding, ExportLine};
use super::row::NewRow;
use super::{Store, StoreError};
use crate::model::{Delivery, Request};
use crate::redact::Redactor;

/// Lines per transaction: large enough to import quickly, small enough to keep the
/// writer responsive to live deliveries.
const BATCH: usize = 500;

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub imported: u64,
    /// Lines whose id was already stored (or appeared earlier in the input).
    pub duplicates: u64,
    /// Lines that were skipped: 1-based line number and why.
    pub errors: Vec<(usize, String)>,
}

/// Reads export lines from `input` into `store`, masking the secrets `redactor` knows as
/// the receiver would have. A bad line is reported and skipped; only a failure to write to
/// the store ends the import early with an error.
pub fn import_ndjson(
    store: &Store,
    mut input: impl BufRead,
    redactor: &Redactor,
) -> Result<ImportReport, StoreError> {
    let mut report = ImportReport::default();
    let mut batch = Vec::with_capacity(BATCH);
    let mut buf = Vec::new();
    let mut line_no = 0;
    loop {
        buf.clear();
        match input.read_until(b'\n', &mut buf) {
            Ok(0) => break,
            Ok(_) => line_no += 1,
            Err(e) => {
                report
                    .errors
                    .push((line_no + 1, format!("cannot read the input: {e}")));
                break;
            }
        }
        let line = buf.trim_ascii();
        if line.is_empty() {
            continue;
        }
        match parse_line(line, redactor) {
            Ok(row) => batch.push(row),
            Err(message) => report.errors.push((line_no, message)),
        }
        if batch.len() >= BATCH {
            flush(store, &mut batch, &mut report)?;
        }
    }
    flush(store, &mut batch, &mut report)?;
    Ok(report)
}

fn flush(
    store: &Store,
    batch: &mut Vec<NewRow>,
    report: &mut ImportReport,
) -> Result<(), StoreError> {
    if batch.is_empty() {
        return Ok(());
    }
    for inserted in store.insert_new_blocking(std::mem::take(batch))? {
        if inserted {
            report.imported += 1;
        } else {
            report.duplicates += 1;
        }
    }
    Ok(())
}

fn parse_line(raw: &[u8], redactor: &Redactor) -> Result<NewRow, String> {
    let e: ExportLine = serde_json::from_slice(raw).map_err(|e| e.to_string())?;
    let l = e.line;
    if l.id.trim().is_empty() {
        return Err("`id` is empty".into());
    }
    let received_at = DateTime::parse_from_rfc3339(&l.received_at)
        .map_err(|err| format!("`received_at` {:?} is not RFC 3339: {err}", l.received_at))?
        .with_timezone(&Utc);
    let body = match e.body_encoding {
        BodyEncoding::Utf8 => Bytes::from(e.body.into_bytes()),
        BodyEncoding::Base64 => BASE64
            .decode(e.body.as_bytes())
            .map(Bytes::from)
            .map_err(|err| format!("`body` is not valid base64: {err}"))?,
    };
    let mut delivery = Delivery {
        id: l.id,
        received_at,
        request: Request {
            method: l.method,
            path: l.path,
            query: e.query,
            headers: e.headers,
            body,
            body_bytes: l.body_bytes,
            body_truncated: e.body_truncated,
            peer: e.peer,
        },
        findings: l.findings,
        response_status: l.response.status,
        replay_of: e.replay_of,
        forward: l.forward,
    };
    redactor.apply(&mut delivery);
    let fetched = redactor.clean(e.fetched);
    Ok(NewRow::from_delivery(&delivery, fetched.as_ref()))
}
