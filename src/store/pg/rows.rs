//! A delivery's values as the writer's statements take them: one row's parameters for
//! the single-row INSERT, or a group's columns as arrays for the grouped one.

use postgres::types::ToSql;
use postgres::{Client, Statement};

use super::pg_text;
use super::words::{self, Vector};
use crate::store::row::NewRow;

/// The text columns of a row, in statement order.
const TEXTS: usize = 19;

/// A row's values as PostgreSQL takes them, owned so that references to them can be
/// handed to the statement.
pub(super) struct Params {
    /// The text columns in statement order, NUL characters replaced (see `pg_text`).
    texts: Vec<Option<String>>,
    body: Vec<u8>,
    body_bytes: i64,
    body_truncated: bool,
    event_inferred: bool,
    response_status: i32,
    words: Option<Vector>,
    seq: i64,
}

pub(super) fn params(r: &NewRow, seq: i64) -> Params {
    let o = |s: Option<&str>| s.map(|s| pg_text(s).into_owned());
    let f = &r.findings;
    Params {
        texts: vec![
            o(Some(&r.id)),
            o(Some(&r.received_at)),
            o(Some(&r.method)),
            o(Some(&r.path)),
            o(r.query.as_deref()),
            o(Some(&r.headers)),
            o(r.peer.as_deref()),
            o(Some(f.provider.as_str())),
            o(Some(f.detected_by.as_str())),
            o(f.event.as_deref()),
            o(f.subject.as_deref()),
            o(Some(f.verification.status.as_str())),
            o(Some(&f.verification.scheme)),
            o(f.verification.hint.map(|h| h.as_str())),
            o(Some(&f.verification.detail)),
            o(r.replay_of.as_deref()),
            o(r.fetched.as_deref()),
            o(r.forward.as_deref()),
            body_status(&r.body).map(|s| pg_text(&s).into_owned()),
        ],
        body: r.body.to_vec(),
        body_bytes: r.body_bytes,
        body_truncated: r.body_truncated,
        event_inferred: f.event_inferred,
        response_status: i32::try_from(r.response_status).unwrap_or(0),
        words: words::vector(f.subject.as_deref(), &r.body).map(Vector),
        seq,
    }
}

impl Params {
    /// In the order of [`INSERT`]'s placeholders.
    pub(super) fn refs(&self) -> Vec<&(dyn ToSql + Sync)> {
        let t = |i: usize| -> &(dyn ToSql + Sync) { &self.texts[i] };
        vec![
            t(0),
            t(1),
            t(2),
            t(3),
            t(4),
            t(5),
            &self.body,
            &self.body_bytes,
            &self.body_truncated,
            t(6),
            t(7),
            t(8),
            t(9),
            &self.event_inferred,
            t(10),
            t(11),
            t(12),
            t(13),
            t(14),
            &self.response_status,
            t(15),
            t(16),
            t(17),
            &self.words,
            &self.seq,
            t(18),
        ]
    }
}

/// Inserts `rows` with one statement (the writer's grouped INSERT), numbered in order
/// after the highest stored seq; their first and last seq.
pub(super) fn insert_many(
    client: &mut Client,
    statement: &Statement,
    rows: &[&NewRow],
) -> Result<(i64, i64), postgres::Error> {
    let rows: Vec<Params> = rows.iter().map(|r| params(r, 0)).collect();
    let text =
        |i: usize| -> Vec<Option<&str>> { rows.iter().map(|p| p.texts[i].as_deref()).collect() };
    let t: Vec<Vec<Option<&str>>> = (0..TEXTS).map(text).collect();
    let body: Vec<&[u8]> = rows.iter().map(|p| p.body.as_slice()).collect();
    let body_bytes: Vec<i64> = rows.iter().map(|p| p.body_bytes).collect();
    let body_truncated: Vec<bool> = rows.iter().map(|p| p.body_truncated).collect();
    let event_inferred: Vec<bool> = rows.iter().map(|p| p.event_inferred).collect();
    let response_status: Vec<i32> = rows.iter().map(|p| p.response_status).collect();
    let words: Vec<Option<&Vector>> = rows.iter().map(|p| p.words.as_ref()).collect();
    let params: [&(dyn ToSql + Sync); 25] = [
        &t[0],
        &t[1],
        &t[2],
        &t[3],
        &t[4],
        &t[5],
        &body,
        &body_bytes,
        &body_truncated,
        &t[6],
        &t[7],
        &t[8],
        &t[9],
        &event_inferred,
        &t[10],
        &t[11],
        &t[12],
        &t[13],
        &t[14],
        &response_status,
        &t[15],
        &t[16],
        &t[17],
        &words,
        &t[18],
    ];
    let row = client.query_one(statement, &params)?;
    Ok((row.get(0), row.get(1)))
}

/// The payload's own top-level `status`, as the list shows it and SQLite's `json_extract`
/// gives it: a string as it reads, an object or array as compact JSON, nothing for other
/// values or a body that is not a JSON object. Of repeated keys the first counts.
pub(super) fn body_status(body: &[u8]) -> Option<String> {
    use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
    use serde_json::Value;

    struct FirstStatus;
    impl<'de> Visitor<'de> for FirstStatus {
        type Value = Option<Value>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut found = None;
            while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                if key == "status" && found.is_none() {
                    found = Some(map.next_value::<Value>()?);
                } else {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            Ok(found)
        }
    }

    let mut de = serde_json::Deserializer::from_slice(body);
    let status = de.deserialize_map(FirstStatus).ok()?;
    de.end().ok()?;
    match status? {
        Value::String(s) => Some(s),
        v @ (Value::Object(_) | Value::Array(_)) => Some(v.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::body_status;

    #[test]
    fn the_body_status_is_read_as_sqlite_reads_it() {
        assert_eq!(
            body_status(br#"{"status":"Under Review"}"#).as_deref(),
            Some("Under Review")
        );
        assert_eq!(
            body_status(br#"{"a":1,"status":{"risk": "R2" }}"#).as_deref(),
            Some(r#"{"risk":"R2"}"#)
        );
        assert_eq!(
            body_status(br#"{"status":[1, 2]}"#).as_deref(),
            Some("[1,2]")
        );
        for none in [
            &br#"{"status":3}"#[..],
            br#"{"status":null}"#,
            br#"{"state":"x"}"#,
            br#"["status"]"#,
            b"status: x",
            b"\xff\xfe",
        ] {
            assert_eq!(
                body_status(none),
                None,
                "{:?}",
                String::from_utf8_lossy(none)
            );
        }
    }
}
