//! Exports: NDJSON (the headless line plus everything needed to restore the delivery) and
//! HAR 1.2. Both stream: one delivery is in memory at a time.

use std::io::{BufWriter, Write};
use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{Reader, StoreError, Stored};
use crate::model::{Delivery, Line, rfc3339};
use crate::redact::Redactor;

/// One NDJSON export line; `import` reads the same shape back.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct ExportLine {
    #[serde(flatten)]
    pub line: Line,
    pub query: Option<String>,
    pub peer: Option<String>,
    pub headers: Vec<(String, String)>,
    pub body_truncated: bool,
    pub replay_of: Option<String>,
    /// What a vendor API returned about the delivery later, if anything.
    #[serde(default)]
    pub fetched: Option<Value>,
    pub body: String,
    #[serde(default)]
    pub body_encoding: BodyEncoding,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum BodyEncoding {
    #[default]
    Utf8,
    Base64,
}

impl ExportLine {
    fn new(stored: Stored) -> Self {
        let d = stored.delivery;
        let line = d.line();
        let r = d.request;
        let (body, body_encoding) = match String::from_utf8(r.body.to_vec()) {
            Ok(text) => (text, BodyEncoding::Utf8),
            Err(_) => (BASE64.encode(&r.body), BodyEncoding::Base64),
        };
        Self {
            line,
            query: r.query,
            peer: r.peer,
            headers: r.headers,
            body_truncated: r.body_truncated,
            replay_of: d.replay_of,
            fetched: stored.fetched,
            body,
            body_encoding,
        }
    }
}

fn output(e: std::io::Error) -> StoreError {
    StoreError::Output(Arc::new(e))
}

/// Writes one JSON object per line for every delivery received at or after `since`, with
/// the secrets `redactor` knows masked (a store written before they were configured may
/// hold them). Returns how many were written.
pub fn export_ndjson(
    reader: &Reader,
    since: Option<DateTime<Utc>>,
    out: &mut impl Write,
    redactor: &Redactor,
) -> Result<u64, StoreError> {
    let mut w = BufWriter::new(out);
    let n = reader.each_since(since, |mut stored| {
        redactor.apply(&mut stored.delivery);
        redactor.apply(&mut stored.fetched);
        crate::sanitize::to_json_writer(&mut w, &ExportLine::new(stored))
            .map_err(|e| output(e.into()))?;
        w.write_all(b"\n").map_err(output)
    })?;
    w.flush().map_err(output)?;
    Ok(n)
}

/// Writes one HAR 1.2 document with an entry per delivery received at or after `since`.
/// Returns the number of entries. Secrets are masked as in [`export_ndjson`].
pub fn export_har(
    reader: &Reader,
    since: Option<DateTime<Utc>>,
    out: &mut impl Write,
    redactor: &Redactor,
) -> Result<u64, StoreError> {
    let mut w = BufWriter::new(out);
    let creator = json!({"name": "hookscope", "version": env!("CARGO_PKG_VERSION")});
    write!(
        w,
        "{{\"log\":{{\"version\":\"1.2\",\"creator\":{creator},\"entries\":["
    )
    .map_err(output)?;
    let mut first = true;
    let n = reader.each_since(since, |mut stored| {
        redactor.apply(&mut stored.delivery);
        if !first {
            w.write_all(b",").map_err(output)?;
        }
        first = false;
        crate::sanitize::to_json_writer(&mut w, &har_entry(&stored.delivery))
            .map_err(|e| output(e.into()))
    })?;
    w.write_all(b"]}}\n").map_err(output)?;
    w.flush().map_err(output)?;
    Ok(n)
}

fn har_entry(d: &Delivery) -> Value {
    let r = &d.request;
    let host = r
        .header("host")
        .filter(|h| !h.is_empty())
        .unwrap_or("localhost");
    let mut url = format!("http://{host}{}", r.path);
    if let Some(q) = &r.query {
        url.push('?');
        url.push_str(q);
    }
    let headers: Vec<Value> = r
        .headers
        .iter()
        .map(|(name, value)| json!({"name": name, "value": value}))
        .collect();
    let query_string: Vec<Value> = crate::provider::query_pairs(r.query.as_deref())
        .map(|(name, value)| json!({"name": name, "value": value}))
        .collect();
    let mut request = json!({
        "method": r.method,
        "url": url,
        "httpVersion": "HTTP/1.1",
        "cookies": [],
        "headers": headers,
        "queryString": query_string,
        "headersSize": -1,
        "bodySize": r.body_bytes,
    });
    if r.body_bytes > 0 || !r.body.is_empty() {
        let mime = r.header("content-type").unwrap_or("");
        let mut post = match std::str::from_utf8(&r.body) {
            Ok(text) => json!({"mimeType": mime, "text": text}),
            Err(_) => {
                json!({"mimeType": mime, "text": BASE64.encode(&r.body), "encoding": "base64"})
            }
        };
        if r.body_truncated {
            post["comment"] = json!(format!(
                "body truncated: first {} of {} bytes kept",
                r.body.len(),
                r.body_bytes
            ));
        }
        request["postData"] = post;
    }
    let status_text = hyper::StatusCode::from_u16(d.response_status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("");
    json!({
        "startedDateTime": rfc3339(d.received_at),
        "time": 0,
        "request": request,
        "response": {
            "status": d.response_status,
            "statusText": status_text,
            "httpVersion": "HTTP/1.1",
            "cookies": [],
            "headers": [],
            "content": {"size": 0, "mimeType": ""},
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": -1,
        },
        "cache": {},
        "timings": {"send": 0, "wait": 0, "receive": 0},
        // HAR allows custom fields with a leading underscore.
        "_hookscope": {
            "id": d.id,
            "provider": d.findings.provider,
            "event": d.findings.event,
            "subject": d.findings.subject,
            "verification": d.findings.verification,
        },
    })
}
