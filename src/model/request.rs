//! One request exactly as it arrived.

use bytes::Bytes;

/// A request as it arrived. `body` holds the exact bytes (only the first bytes when the
/// body was larger than the limit: then `body_truncated` is set and `body_bytes` is the
/// full size).
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    /// Lower-cased names, values as received (lossy UTF-8), in arrival order.
    pub headers: Vec<(String, String)>,
    pub body: Bytes,
    pub body_bytes: u64,
    pub body_truncated: bool,
    pub peer: Option<String>,
}

impl Request {
    /// A complete request (not truncated, no peer): `target` is the path with an
    /// optional `?query`, header names are lower-cased as the receiver stores them.
    pub fn new(method: &str, target: &str, headers: &[(&str, &str)], body: &[u8]) -> Self {
        let (path, query) = match target.split_once('?') {
            Some((path, query)) => (path, Some(query.to_string())),
            None => (target, None),
        };
        Self {
            method: method.to_string(),
            path: path.to_string(),
            query,
            headers: headers
                .iter()
                .map(|(n, v)| (n.to_ascii_lowercase(), (*v).to_string()))
                .collect(),
            body: Bytes::copy_from_slice(body),
            body_bytes: body.len() as u64,
            body_truncated: false,
            peer: None,
        }
    }

    /// A complete `POST` request; see [`Request::new`].
    pub fn post(target: &str, headers: &[(&str, &str)], body: &[u8]) -> Self {
        Self::new("POST", target, headers, body)
    }

    /// The first header with this (case-insensitive) name.
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        header(&self.headers, name)
    }
}

/// The first header with this (case-insensitive) name in a header list.
pub(crate) fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// One HTTP request to send (a vendor's delivery, a replay, a forward).
#[derive(Debug, Clone, PartialEq)]
pub struct Outgoing {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}
