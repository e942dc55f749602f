//! Keeps configured secrets out of everything we write. Every exit (the store, the
//! headless line, exports, imports, the UI's footer, `send`/`replay` output, errors)
//! passes what it writes through [`Redactor::apply`]: a configured secret, in any form a
//! URL or JSON would carry it, becomes a reference to its setting
//! (`[redacted:providers.clearspeed.api_key]`), which replay can restore.

use crate::model::Request;

mod exits;
mod store_url;

pub(crate) use exits::Redact;
pub(crate) use store_url::mask_url_password;

/// Secrets shorter than this would match innocent text.
const MIN_SECRET_LEN: usize = 4;

/// The text every marker starts with.
pub(crate) const MARKER_PREFIX: &str = "[redacted:";

#[derive(Clone, Default)]
pub struct Redactor {
    /// (secret value, marker), longest first so a secret containing another wins.
    secrets: Vec<(String, String)>,
    /// Every written form of each secret (as is, percent-encoded, JSON-escaped) with its
    /// marker, longest first.
    forms: Vec<(String, String)>,
}

impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Redactor({} secrets)", self.secrets.len())
    }
}

/// A path part or a query, decoded: in a query `+` is a space.
fn decode(text: &str, plus_is_space: bool) -> String {
    let text = if plus_is_space {
        text.replace('+', " ")
    } else {
        text.to_string()
    };
    percent_encoding::percent_decode_str(&text)
        .decode_utf8_lossy()
        .into_owned()
}

pub(crate) fn marker(setting: &str) -> String {
    format!("{MARKER_PREFIX}{setting}]")
}

/// The settings whose markers are still in `text` (no secret was there to restore).
pub(crate) fn markers_in(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find(MARKER_PREFIX) {
        rest = &rest[at + MARKER_PREFIX.len()..];
        let Some(end) = rest.find(']') else { break };
        let setting = rest[..end].to_string();
        if !out.contains(&setting) {
            out.push(setting);
        }
        rest = &rest[end..];
    }
    out
}

impl Redactor {
    /// Masks each `(setting, value)` pair's value.
    pub(crate) fn from_settings(settings: impl IntoIterator<Item = (String, String)>) -> Self {
        let mut secrets: Vec<(String, String)> = settings
            .into_iter()
            .filter(|(_, value)| value.len() >= MIN_SECRET_LEN)
            .map(|(setting, value)| (value, marker(&setting)))
            .collect();
        secrets.sort_by_key(|(s, _)| std::cmp::Reverse(s.len()));
        let mut forms: Vec<(String, String)> = Vec::new();
        for (secret, marker) in &secrets {
            let encoded = percent_encode(secret);
            let quoted = serde_json::to_string(secret).unwrap_or_default();
            let json = quoted
                .strip_prefix('"')
                .and_then(|q| q.strip_suffix('"'))
                .unwrap_or(secret)
                .to_string();
            for form in [secret.clone(), encoded.to_ascii_lowercase(), encoded, json] {
                if !forms.iter().any(|(f, _)| *f == form) {
                    forms.push((form, marker.clone()));
                }
            }
        }
        forms.sort_by_key(|(s, _)| std::cmp::Reverse(s.len()));
        Self { secrets, forms }
    }

    /// Whether there is anything to mask.
    pub(crate) fn is_empty(&self) -> bool {
        self.secrets.is_empty()
    }

    /// Masks `value` in place: the one way text leaves hookscope.
    pub fn apply<T: Redact + ?Sized>(&self, value: &mut T) {
        if !self.is_empty() {
            value.redact_with(self);
        }
    }

    /// [`Redactor::apply`] for a value that is passed on.
    pub(crate) fn clean<T: Redact>(&self, mut value: T) -> T {
        self.apply(&mut value);
        value
    }

    pub(crate) fn redact_text(&self, text: &str) -> String {
        let mut out = std::borrow::Cow::Borrowed(text);
        for (form, marker) in &self.forms {
            if out.contains(form.as_str()) {
                out = std::borrow::Cow::Owned(out.replace(form.as_str(), marker));
            }
        }
        out.into_owned()
    }

    /// An error as it may be shown: its whole chain, masked.
    pub(crate) fn error(&self, e: anyhow::Error) -> anyhow::Error {
        if self.is_empty() {
            return e;
        }
        anyhow::Error::msg(self.redact_text(&format!("{e:#}")))
    }

    /// Replaces secrets in header values, the path, the query and the peer. The body is
    /// the vendor's data and is kept exactly.
    fn redact_request(&self, req: &mut Request) {
        for (_, value) in &mut req.headers {
            *value = self.redact_text(value);
        }
        req.path = self.redact_url(&req.path, &['/'], false);
        if let Some(q) = &req.query {
            req.query = Some(self.redact_url(q, &['&', '='], true));
        }
        if let Some(peer) = &req.peer {
            req.peer = Some(self.redact_text(peer));
        }
    }

    /// A path or query. A secret with characters such as `+`, `/` or `=` arrives
    /// percent-encoded, so the decoded text is searched too. Where it holds a secret, that
    /// part (between `separators`) is stored decoded around the marker and re-encoded, so
    /// the rest of the URL stays as written.
    fn redact_url(&self, text: &str, separators: &[char], plus_is_space: bool) -> String {
        let hides_secret = |t: &str| {
            let decoded = decode(t, plus_is_space);
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
                let decoded = decode(part, plus_is_space);
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
        let decoded = decode(&literal, plus_is_space);
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
    pub(crate) fn restore_text(&self, text: &str) -> String {
        self.restore_with(text, str::to_string)
    }

    /// As [`Redactor::restore_text`] for a path or query: the secret goes back
    /// percent-encoded, which reads as the same key wherever it was in the URL.
    pub(crate) fn restore_url(&self, text: &str) -> String {
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
mod tests;
