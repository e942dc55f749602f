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
