//! What a request presents to an HMAC check: the signature values its header carries,
//! and the timestamp, id and URL the signed content is built from.

use super::stripe::parse_stripe_header;
use super::template::Context;
use super::{HeaderFormat, HmacCheck, Input};

/// The signature values in a header, as this check's format reads them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Presented {
    /// Each MAC as written, without prefix or version label.
    pub values: Vec<String>,
    /// A single value that lacks the configured prefix (read whole).
    pub prefix_missing: bool,
    /// The timestamp carried by the header itself (`t=`), exactly as written.
    pub t_text: Option<String>,
}

impl Presented {
    /// Reads `raw` in this check's header format; `Err` says in plain words what is wrong.
    pub(crate) fn read(c: &HmacCheck, raw: &str) -> Result<Self, String> {
        match c.format {
            HeaderFormat::Stripe => match parse_stripe_header(raw) {
                Ok(h) => Ok(Self {
                    values: h.v1,
                    prefix_missing: false,
                    t_text: h.t_text,
                }),
                // `t=` as ISO 8601 text is read, so the diagnosis can name the unit.
                Err(e) => iso_stripe(raw).ok_or(e),
            },
            HeaderFormat::StandardWebhooks => {
                if raw.trim().is_empty() {
                    return Err("it is empty".into());
                }
                let values: Vec<String> = raw
                    .split_whitespace()
                    .filter_map(|entry| entry.split_once(','))
                    .filter(|(version, sig)| *version == "v1" && !sig.is_empty())
                    .map(|(_, sig)| sig.to_string())
                    .collect();
                if values.is_empty() {
                    return Err("it has no v1,<signature> entry".into());
                }
                Ok(Self {
                    values,
                    prefix_missing: false,
                    t_text: None,
                })
            }
            HeaderFormat::Single => {
                let value = raw.trim();
                if value.is_empty() {
                    return Err("it is empty".into());
                }
                let (value, prefix_missing) = match c.prefix.as_deref() {
                    Some(p) => match strip_prefix_ignore_case(value, p) {
                        Some(rest) => (rest, false),
                        None => (value, true),
                    },
                    None => (value, false),
                };
                Ok(Self {
                    values: vec![value.to_string()],
                    prefix_missing,
                    t_text: None,
                })
            }
        }
    }

    /// Whether a header that does not read in this format still carries a signature
    /// (mis-written) rather than none at all.
    pub(crate) fn names_a_signature(c: &HmacCheck, raw: &str) -> bool {
        match c.format {
            HeaderFormat::Stripe => raw.split(',').any(|part| {
                part.split_once('=')
                    .is_some_and(|(k, v)| k.trim() == "v1" && !v.trim().is_empty())
            }),
            HeaderFormat::StandardWebhooks => raw
                .split_whitespace()
                .any(|e| e.split_once(',').is_some_and(|(_, s)| !s.is_empty())),
            HeaderFormat::Single => !raw.trim().is_empty(),
        }
    }
}

/// A `t=<ISO 8601>,v1=…` header, as written.
fn iso_stripe(raw: &str) -> Option<Presented> {
    let mut t = None;
    let mut values = Vec::new();
    for (key, value) in raw.split(',').filter_map(|p| p.split_once('=')) {
        match key.trim() {
            "t" if t.is_none() => t = Some(value.trim().to_string()),
            "v1" if !value.trim().is_empty() => values.push(value.trim().to_string()),
            _ => {}
        }
    }
    let t = t.filter(|t| chrono::DateTime::parse_from_rfc3339(t).is_ok())?;
    (!values.is_empty()).then_some(Presented {
        values,
        prefix_missing: false,
        t_text: Some(t),
    })
}

fn strip_prefix_ignore_case<'a>(value: &'a str, prefix: &str) -> Option<&'a str> {
    let head = value.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &value[prefix.len()..])
}

/// What the signed content is built from, apart from the body.
#[derive(Debug, Clone)]
pub(super) struct Material<'a> {
    pub input: &'a Input<'a>,
    /// The timestamp as written (from the signature header or the timestamp header).
    pub timestamp: Option<String>,
    pub id: Option<String>,
    pub url: String,
}

impl<'a> Material<'a> {
    /// The material of `input` for `c`, the timestamp taken from `presented` when the
    /// signature header carries it.
    pub(crate) fn new(c: &HmacCheck, input: &'a Input<'a>, presented: Option<&Presented>) -> Self {
        let timestamp = match c.timestamp.as_ref().and_then(|t| t.header.as_deref()) {
            Some(h) => input.header(h).map(|v| v.trim().to_string()),
            None => presented.and_then(|p| p.t_text.clone()),
        };
        Self {
            input,
            timestamp,
            id: c
                .id_header
                .as_deref()
                .and_then(|h| input.header(h))
                .map(|v| v.trim().to_string()),
            url: signed_url(c.public_url.as_deref(), input),
        }
    }

    pub(crate) fn context(&self) -> Context<'_> {
        Context {
            timestamp: self.timestamp.as_deref(),
            id: self.id.as_deref(),
            method: self.input.method,
            url: &self.url,
            path: self.input.path,
            headers: self.input.headers,
        }
    }

    /// The exact bytes the sender signs, with `body` in place of the body.
    pub(crate) fn message(&self, c: &HmacCheck, body: &[u8]) -> Vec<u8> {
        c.signed.render(&self.context(), body)
    }
}

/// The URL a sender signs for `{url}`. A configured public URL that is only an origin
/// (`https://abc.example`) gets the request's path and query; one with a path is the
/// URL as configured, with the request's query when it has none of its own. Without
/// one, the URL is rebuilt from the request (`X-Forwarded-Proto`, else http; `Host`).
pub(crate) fn signed_url(public_url: Option<&str>, input: &Input<'_>) -> String {
    let query = input.query.map_or(String::new(), |q| format!("?{q}"));
    if let Some(public) = public_url.map(str::trim).filter(|u| !u.is_empty()) {
        let after_scheme = public.find("://").map_or(0, |i| i + 3);
        let has_path = public[after_scheme..]
            .find('/')
            .is_some_and(|i| !public[after_scheme + i..].trim_end_matches('/').is_empty());
        return if !has_path {
            format!("{}{}{query}", public.trim_end_matches('/'), input.path)
        } else if public.contains('?') {
            public.to_string()
        } else {
            format!("{public}{query}")
        };
    }
    let proto = input
        .header("x-forwarded-proto")
        .map(|p| p.split(',').next().unwrap_or("http").trim().to_string())
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| "http".into());
    let host = input.header("host").unwrap_or("localhost");
    format!("{proto}://{host}{}{query}", input.path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input<'a>(headers: &'a [(String, String)], query: Option<&'a str>) -> Input<'a> {
        Input {
            headers,
            body: b"",
            method: "POST",
            path: "/myapp.php",
            query,
            now: 0,
        }
    }

    #[test]
    fn the_public_url_replaces_what_the_tunnel_changed() {
        let h = [("host".to_string(), "127.0.0.1:8080".to_string())];
        let i = input(&h, Some("foo=1&bar=2"));
        let want = "https://mycompany.com/myapp.php?foo=1&bar=2";
        assert_eq!(signed_url(Some("https://mycompany.com"), &i), want);
        assert_eq!(signed_url(Some("https://mycompany.com/"), &i), want);
        assert_eq!(
            signed_url(Some("https://mycompany.com/myapp.php"), &i),
            want
        );
        assert_eq!(
            signed_url(Some("https://mycompany.com/myapp.php?foo=1&bar=2"), &i),
            want
        );
        assert_eq!(
            signed_url(None, &i),
            "http://127.0.0.1:8080/myapp.php?foo=1&bar=2"
        );
        let h = [
            ("host".to_string(), "abc.tunnel.dev".to_string()),
            ("x-forwarded-proto".to_string(), "https".to_string()),
        ];
        assert_eq!(
            signed_url(None, &input(&h, None)),
            "https://abc.tunnel.dev/myapp.php"
        );
    }
}
