//! Keeps configured secrets out of everything we write: a credential that arrived in a
//! header, path or query and equals a configured secret is stored as a reference to the
//! setting instead (`[redacted:providers.clearspeed.api_key]`), which replay can restore.

use crate::config::Config;
use crate::delivery::Request;

/// Secrets shorter than this would match innocent text.
const MIN_SECRET_LEN: usize = 4;

#[derive(Clone, Default)]
pub struct Redactor {
    /// (secret value, marker), longest first so a secret containing another wins.
    secrets: Vec<(String, String)>,
}

impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Redactor({} secrets)", self.secrets.len())
    }
}

pub fn marker(setting: &str) -> String {
    format!("[redacted:{setting}]")
}

impl Redactor {
    pub fn from_config(config: &Config) -> Self {
        let mut secrets: Vec<(String, String)> = config
            .secrets()
            .into_iter()
            .filter(|(_, s)| s.expose().len() >= MIN_SECRET_LEN)
            .map(|(setting, s)| (s.expose().to_string(), marker(setting)))
            .collect();
        secrets.sort_by_key(|(s, _)| std::cmp::Reverse(s.len()));
        Self { secrets }
    }

    pub fn redact_text(&self, text: &str) -> String {
        let mut out = text.to_string();
        for (secret, marker) in &self.secrets {
            if out.contains(secret.as_str()) {
                out = out.replace(secret.as_str(), marker);
            }
        }
        out
    }

    /// Replaces secrets in header values, the path and the query. The body is the
    /// vendor's data and is kept exactly.
    pub fn redact(&self, req: &mut Request) {
        if self.secrets.is_empty() {
            return;
        }
        for (_, value) in &mut req.headers {
            *value = self.redact_text(value);
        }
        req.path = self.redact_text(&req.path);
        if let Some(q) = &req.query {
            req.query = Some(self.redact_text(q));
        }
    }

    /// The inverse, for re-sending a stored delivery with its real credentials.
    pub fn restore_text(&self, text: &str) -> String {
        let mut out = text.to_string();
        for (secret, marker) in &self.secrets {
            if out.contains(marker.as_str()) {
                out = out.replace(marker.as_str(), secret);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_in_headers_path_and_query_become_markers_and_back() {
        let config = Config::from_parts(
            "[providers.clearspeed]\napi_key = \"cs_live_key_123\"\n[providers.brilliant]\nurl_key = \"brkey999\"\n",
            None,
            &[],
        )
        .unwrap();
        let r = Redactor::from_config(&config);
        let mut req = Request {
            method: "POST".into(),
            path: "/brilliant/brkey999".into(),
            query: Some("key=brkey999".into()),
            headers: vec![("x-api-key".into(), "cs_live_key_123".into())],
            body: bytes::Bytes::from_static(b"cs_live_key_123 stays in the body"),
            body_bytes: 33,
            body_truncated: false,
            peer: None,
        };
        r.redact(&mut req);
        assert_eq!(req.headers[0].1, "[redacted:providers.clearspeed.api_key]");
        assert_eq!(
            req.path,
            "/brilliant/[redacted:providers.brilliant.url_key]"
        );
        assert_eq!(
            req.query.as_deref(),
            Some("key=[redacted:providers.brilliant.url_key]")
        );
        assert!(req.body.starts_with(b"cs_live_key_123"));
        assert_eq!(r.restore_text(&req.path), "/brilliant/brkey999");
    }
}
