//! Verification, shared by every provider. A provider only says which [`Check`] applies
//! (scheme, header, key); this module runs it and, when it fails, diagnoses why.

use crate::model::Secret;
pub use crate::model::{Evidence, Hint, Status, Verification};

mod bearer;
mod diagnose;
mod encoding;
mod hmac;
mod js_json;
mod presented;
mod sign;
mod stripe;
mod template;
#[cfg(test)]
mod vectors;

pub use encoding::Encoding;
pub use hmac::{Algorithm, HeaderFormat, HmacCheck, SecretEncoding, TimestampRule};
pub(crate) use js_json::stringify as js_stringify;
pub(crate) use sign::{Credential, sign};
pub use stripe::{StripeHeader, parse_stripe_header};
pub(crate) use template::{Part, Template};

/// Where a credential is configured, for "set X" messages.
#[derive(Debug, Clone)]
pub struct KeyRef {
    pub value: Option<Secret>,
    /// e.g. `providers.talentsprout.secret`
    pub setting: &'static str,
    /// The sender's name for messages, e.g. `TalentSprout`.
    pub vendor: &'static str,
}

impl KeyRef {
    pub fn new(vendor: &'static str, value: Option<&Secret>, setting: &'static str) -> Self {
        Self {
            value: value.filter(|s| !s.expose().is_empty()).cloned(),
            setting,
            vendor,
        }
    }

    pub(crate) fn is_set(&self) -> bool {
        self.value.is_some()
    }

    /// `providers.talentsprout.secret (or HOOKSCOPE_TALENTSPROUT_SECRET)`
    pub(crate) fn how_to_set(&self) -> String {
        let mut parts = self.setting.split('.').skip(1);
        let provider = parts.next().unwrap_or_default();
        let key = parts.next().unwrap_or_default();
        format!(
            "{} in the config (or {})",
            self.setting,
            crate::model::env_var_name(provider, key)
        )
    }
}

/// The sender's name as a vendor unit gives it, from a setting such as
/// `providers.classet.secret`.
#[cfg(test)]
pub(crate) fn test_vendor_name(setting: &str) -> &'static str {
    let id = setting.split('.').nth(1).unwrap_or_default();
    crate::model::ProviderId::parse(id)
        .and_then(crate::provider::vendor)
        .map_or("the sender", |v| v.name())
}

/// What one request carries, as far as verification is concerned.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    /// Header names lower-cased, in arrival order.
    pub headers: &'a [(String, String)],
    pub body: &'a [u8],
    /// The HTTP method, e.g. `POST`.
    pub method: &'a str,
    pub path: &'a str,
    pub query: Option<&'a str>,
    /// Receipt time, Unix seconds.
    pub now: i64,
}

impl Input<'_> {
    /// The first header with this (case-insensitive) name.
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// The check a provider asks for.
#[derive(Debug, Clone)]
pub enum Check {
    /// An HMAC over content the scheme describes (body, timestamp, id, URL…).
    Hmac(HmacCheck),
    /// A static value in a header (API key, custom header, legacy key).
    StaticHeader(StaticHeaderCheck),
    /// `Authorization: Bearer …`: a static token or a JWT.
    Bearer(BearerCheck),
    /// A secret carried in the URL (path segment or query parameter).
    UrlKey(UrlKeyCheck),
    /// The provider does not authenticate and nothing is configured.
    Unsigned {
        scheme: &'static str,
        detail: String,
    },
}

#[derive(Debug, Clone)]
pub struct StaticHeaderCheck {
    pub scheme: &'static str,
    /// The configured header name (lower-case).
    pub header: String,
    /// The setting that names the header, where it is configurable.
    pub header_setting: Option<&'static str>,
    pub key: KeyRef,
}

#[derive(Debug, Clone)]
pub struct BearerCheck {
    pub scheme: &'static str,
    pub static_token: KeyRef,
    pub jwt_secret: KeyRef,
    /// A JWKS JSON file with RS256 keys.
    pub jwks_file: Option<std::path::PathBuf>,
    pub audience: Option<String>,
}

#[derive(Debug, Clone)]
pub struct UrlKeyCheck {
    pub scheme: &'static str,
    /// The key found in the URL, if any.
    pub presented: Option<String>,
    pub key: KeyRef,
}

impl Check {
    /// Whether the user configured what this check compares against.
    pub(crate) fn is_configured(&self) -> bool {
        match self {
            Check::Hmac(c) => c.key.is_set(),
            Check::StaticHeader(c) => c.key.is_set(),
            Check::Bearer(c) => {
                c.static_token.is_set() || c.jwt_secret.is_set() || c.jwks_file.is_some()
            }
            Check::UrlKey(c) => c.key.is_set(),
            Check::Unsigned { .. } => false,
        }
    }

    pub(crate) fn scheme(&self) -> &'static str {
        match self {
            Check::Hmac(c) => c.scheme,
            Check::StaticHeader(c) => c.scheme,
            Check::Bearer(c) => c.scheme,
            Check::UrlKey(c) => c.scheme,
            Check::Unsigned { scheme, .. } => scheme,
        }
    }
}

/// Runs `check` against `input`.
pub fn verify(check: &Check, input: &Input<'_>) -> Verification {
    match check {
        Check::Hmac(c) => diagnose::verify_hmac(c, input),
        Check::StaticHeader(c) => diagnose::verify_static_header(c, input),
        Check::Bearer(c) => bearer::verify_bearer(c, input),
        Check::UrlKey(c) => diagnose::verify_url_key(c, input),
        Check::Unsigned { scheme, detail } => {
            Verification::new(Status::Unsigned, *scheme, detail.clone())
        }
    }
}

/// Constant-time equality of two byte strings (length is not secret).
pub(crate) fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

/// HMAC-SHA256 of `msg` under `key`.
#[cfg(test)]
pub(crate) fn hmac_sha256(key: &[u8], msg: &[u8]) -> [u8; 32] {
    use ::hmac::{Hmac, Mac};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key).expect("HMAC accepts any key length");
    mac.update(msg);
    mac.finalize().into_bytes().into()
}

/// "2 h 13 min", "45 s", "3 d 4 h": durations for people.
pub(crate) fn human_duration(secs: u64) -> String {
    let (d, h, m, s) = (
        secs / 86_400,
        secs % 86_400 / 3600,
        secs % 3600 / 60,
        secs % 60,
    );
    match (d, h, m) {
        (0, 0, 0) => format!("{s} s"),
        (0, 0, _) if s == 0 => format!("{m} min"),
        (0, 0, _) => format!("{m} min {s} s"),
        (0, _, 0) => format!("{h} h"),
        (0, _, _) => format!("{h} h {m} min"),
        (_, 0, _) => format!("{d} d"),
        _ => format!("{d} d {h} h"),
    }
}
