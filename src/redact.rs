//! Keeps configured secrets out of everything we write: a credential that arrived in a
//! header, path or query and equals a configured secret is stored as a reference to the
//! setting instead (`[redacted:providers.clearspeed.api_key]`), which replay can restore.

use crate::config::Config;
use crate::delivery::Request;
use crate::provider::percent_decode;

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
        req.path = self.redact_url(&req.path, &['/'], false);
        if let Some(q) = &req.query {
            req.query = Some(self.redact_url(q, &['&', '='], true));
        }
    }

    /// A path or query. A secret with characters such as `+`, `/` or `=` arrives
    /// percent-encoded, so the decoded text is searched too. Where it holds a secret, that
    /// part (between `separators`) is stored decoded around the marker and re-encoded, so
    /// the rest of the URL stays as written.
    fn redact_url(&self, text: &str, separators: &[char], plus_is_space: bool) -> String {
        let hides_secret = |t: &str| {
            let decoded = percent_decode(t, plus_is_space);
            self.secrets
                .iter()
                .any(|(s, _)| decoded.contains(s.as_str()))
        };
        let literal = self.redact_text(text);
        if !hides_secret(&literal) {
            return literal;
        }
        let mut out = String::with_capacity(literal.len());
        for part in literal.split_inclusive(separators) {
            let (part, separator) = match part.strip_suffix(separators) {
                Some(p) => (p, &part[p.len()..]),
                None => (part, ""),
            };
            if hides_secret(part) {
                let decoded = percent_decode(part, plus_is_space);
                out.push_str(&self.encode_around_markers(&self.redact_text(&decoded), &[]));
            } else {
                out.push_str(part);
            }
            out.push_str(separator);
        }
        if !hides_secret(&out) {
            return out;
        }
        // A secret spread over several parts: the whole text decoded, separators kept.
        let decoded = percent_decode(&literal, plus_is_space);
        self.encode_around_markers(&self.redact_text(&decoded), separators)
    }

    /// Percent-encodes `text` except the markers in it and the `keep` characters.
    fn encode_around_markers(&self, text: &str, keep: &[char]) -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while !rest.is_empty() {
            let next = self
                .secrets
                .iter()
                .filter_map(|(_, m)| rest.find(m.as_str()).map(|at| (at, m.len())))
                .min();
            let (plain, marker_len) = next.unwrap_or((rest.len(), 0));
            for c in rest[..plain].chars() {
                if keep.contains(&c) {
                    out.push(c);
                } else {
                    out.push_str(&percent_encode(c.encode_utf8(&mut [0; 4])));
                }
            }
            out.push_str(&rest[plain..plain + marker_len]);
            rest = &rest[plain + marker_len..];
        }
        out
    }

    /// The inverse, for re-sending a stored delivery with its real credentials.
    pub fn restore_text(&self, text: &str) -> String {
        self.restore_with(text, str::to_string)
    }

    /// As [`Redactor::restore_text`] for a path or query: the secret goes back
    /// percent-encoded, which reads as the same key wherever it was in the URL.
    pub fn restore_url(&self, text: &str) -> String {
        self.restore_with(text, percent_encode)
    }

    fn restore_with(&self, text: &str, form: impl Fn(&str) -> String) -> String {
        let mut out = text.to_string();
        for (secret, marker) in &self.secrets {
            if out.contains(marker.as_str()) {
                out = out.replace(marker.as_str(), &form(secret));
            }
        }
        out
    }
}

/// Percent-encodes everything but the unreserved characters of RFC 3986.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
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

    #[test]
    fn percent_encoded_secrets_in_the_url_are_redacted_too() {
        let config = Config::from_parts(
            "[providers.brilliant]\nurl_key = \"br+key=a/b\"\n",
            None,
            &[],
        )
        .unwrap();
        let r = Redactor::from_config(&config);
        let mut req = Request {
            method: "POST".into(),
            path: "/brilliant/br%2Bkey%3Da%2Fb".into(),
            query: Some("x=1&key=br%2bkey%3Da%2Fb&tail=br%2Bkey%3Da%2Fb%20and%26more".into()),
            headers: Vec::new(),
            body: bytes::Bytes::new(),
            body_bytes: 0,
            body_truncated: false,
            peer: None,
        };
        r.redact(&mut req);
        let marker = "[redacted:providers.brilliant.url_key]";
        assert_eq!(req.path, format!("/brilliant/{marker}"));
        assert_eq!(
            req.query.as_deref(),
            Some(format!("x=1&key={marker}&tail={marker}%20and%26more").as_str())
        );
        // Restored into a URL, the key is encoded again and reads back the same.
        let path = r.restore_url(&req.path);
        assert_eq!(path, "/brilliant/br%2Bkey%3Da%2Fb");
        let route = crate::provider::route(&path, None);
        assert_eq!(route.url_key.as_deref(), Some("br+key=a/b"));
        let query = r.restore_url(req.query.as_deref().unwrap());
        assert_eq!(
            crate::provider::query_param(Some(&query), "key").as_deref(),
            Some("br+key=a/b")
        );
    }

    #[test]
    fn a_secret_across_path_segments_is_redacted() {
        let config = Config::from_parts(
            "[providers.brilliant]\nurl_key = \"br+key=a/b\"\n",
            None,
            &[],
        )
        .unwrap();
        let r = Redactor::from_config(&config);
        let marker = "[redacted:providers.brilliant.url_key]";
        let mut req = Request {
            method: "POST".into(),
            path: "/xbr+key=a/by/%41".into(),
            query: Some("k=br%2Bkey=a/b&x=1".into()),
            headers: Vec::new(),
            body: bytes::Bytes::new(),
            body_bytes: 0,
            body_truncated: false,
            peer: None,
        };
        r.redact(&mut req);
        assert_eq!(req.path, format!("/x{marker}y/%41"));
        // Spread over two query parts: stored decoded, its separators kept.
        assert_eq!(
            req.query.as_deref(),
            Some(format!("k={marker}&x=1").as_str())
        );

        let mut req = Request {
            path: "/brilliant/br%2Bkey%3Da/b".into(),
            query: None,
            ..req
        };
        r.redact(&mut req);
        assert_eq!(req.path, format!("/brilliant/{marker}"));
    }

    #[test]
    fn url_parts_without_a_secret_are_kept_as_written() {
        let config =
            Config::from_parts("[providers.brilliant]\nurl_key = \"brkey999\"\n", None, &[])
                .unwrap();
        let r = Redactor::from_config(&config);
        let mut req = Request {
            method: "POST".into(),
            path: "/brilliant/a%2Fb/brkey999".into(),
            query: Some("q=%41+b&&key=brkey999&=".into()),
            headers: Vec::new(),
            body: bytes::Bytes::new(),
            body_bytes: 0,
            body_truncated: false,
            peer: None,
        };
        r.redact(&mut req);
        assert_eq!(
            req.path,
            "/brilliant/a%2Fb/[redacted:providers.brilliant.url_key]"
        );
        assert_eq!(
            req.query.as_deref(),
            Some("q=%41+b&&key=[redacted:providers.brilliant.url_key]&=")
        );
    }
}
