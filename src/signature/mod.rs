//! Verification, shared by every provider. A provider only says which [`Check`] applies
//! (scheme, header, key); this module runs it and, when it fails, diagnoses why.

use serde::{Deserialize, Serialize};

use crate::config::Secret;

mod bearer;
mod diagnose;
mod encoding;
mod stripe;

pub use encoding::Encoding;
pub use stripe::{StripeHeader, parse_stripe_header};

/// The outcome of verifying one delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The vendor's documented check passed.
    Verified,
    /// The documented check failed; `hint` says the likeliest reason.
    Failed,
    /// Nothing to check: the provider does not sign and nothing is configured.
    Unsigned,
    /// A credential arrived but no secret is configured to check it.
    Unchecked,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Verified => "verified",
            Status::Failed => "failed",
            Status::Unsigned => "unsigned",
            Status::Unchecked => "unchecked",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "verified" => Status::Verified,
            "failed" => Status::Failed,
            "unsigned" => Status::Unsigned,
            "unchecked" => Status::Unchecked,
            _ => return None,
        })
    }
}

/// Why a documented check failed, tried in this order: the least invasive explanation wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Hint {
    TimestampOutsideTolerance,
    SecretPrefix,
    WrongEncoding,
    TrailingNewline,
    BodyReserialized,
    HeaderName,
    MissingCredential,
    /// A JWT whose `aud` is not the configured audience.
    WrongAudience,
    WrongSecret,
}

impl Hint {
    pub fn as_str(self) -> &'static str {
        match self {
            Hint::TimestampOutsideTolerance => "timestamp_outside_tolerance",
            Hint::SecretPrefix => "secret_prefix",
            Hint::WrongEncoding => "wrong_encoding",
            Hint::TrailingNewline => "trailing_newline",
            Hint::BodyReserialized => "body_reserialized",
            Hint::HeaderName => "header_name",
            Hint::MissingCredential => "missing_credential",
            Hint::WrongAudience => "wrong_audience",
            Hint::WrongSecret => "wrong_secret",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            Hint::TimestampOutsideTolerance,
            Hint::SecretPrefix,
            Hint::WrongEncoding,
            Hint::TrailingNewline,
            Hint::BodyReserialized,
            Hint::HeaderName,
            Hint::MissingCredential,
            Hint::WrongAudience,
            Hint::WrongSecret,
        ]
        .into_iter()
        .find(|h| h.as_str() == s)
    }
}

/// What the verification found, as printed in the headless line and stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verification {
    pub status: Status,
    /// Which scheme was applied, e.g. `talentsprout-hmac-sha256`.
    pub scheme: String,
    pub hint: Option<Hint>,
    /// One plain sentence a person can act on.
    pub detail: String,
    /// What the debugger shows; not part of the headless line.
    #[serde(skip)]
    pub evidence: Option<Evidence>,
}

/// The working behind a verdict: what was expected, what arrived, what was signed.
/// Never holds a secret or a static credential value.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Evidence {
    /// The signature computed with the configured secret over the raw body.
    pub expected: Option<String>,
    /// The signature (or a masked credential) that arrived.
    pub received: Option<String>,
    /// The exact string that was signed, e.g. `1763650000.{"event":…`.
    pub signed_payload: Option<String>,
    /// Seconds between the signed timestamp and receipt (positive: signed before receipt).
    pub skew_secs: Option<i64>,
    /// Decoded JWT claims, when the credential was a JWT.
    pub claims: Option<serde_json::Value>,
}

impl Verification {
    pub fn new(status: Status, scheme: impl Into<String>, detail: impl Into<String>) -> Self {
        Self {
            status,
            scheme: scheme.into(),
            hint: None,
            detail: detail.into(),
            evidence: None,
        }
    }

    pub fn failed(scheme: impl Into<String>, hint: Hint, detail: impl Into<String>) -> Self {
        Self {
            hint: Some(hint),
            ..Self::new(Status::Failed, scheme, detail)
        }
    }

    pub fn with_evidence(mut self, evidence: Evidence) -> Self {
        self.evidence = Some(evidence);
        self
    }
}

/// Where a credential is configured, for "set X" messages.
#[derive(Debug, Clone)]
pub struct KeyRef {
    pub value: Option<Secret>,
    /// e.g. `providers.talentsprout.secret`
    pub setting: &'static str,
}

impl KeyRef {
    pub fn new(value: Option<&Secret>, setting: &'static str) -> Self {
        Self {
            value: value.filter(|s| !s.expose().is_empty()).cloned(),
            setting,
        }
    }

    /// `providers.talentsprout.secret (or HOOKSCOPE_TALENTSPROUT_SECRET)`
    pub fn how_to_set(&self) -> String {
        let mut parts = self.setting.split('.').skip(1);
        let provider = parts.next().unwrap_or_default();
        let key = parts.next().unwrap_or_default();
        format!(
            "{} in the config (or {})",
            self.setting,
            crate::config::env_var_name(provider, key)
        )
    }
}

/// What one request carries, as far as verification is concerned.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    /// Header names lower-cased, in arrival order.
    pub headers: &'a [(String, String)],
    pub body: &'a [u8],
    pub path: &'a str,
    pub query: Option<&'a str>,
    /// Receipt time, Unix seconds.
    pub now: i64,
}

impl Input<'_> {
    /// The first header with this (case-insensitive) name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// The check a provider asks for.
#[derive(Debug, Clone)]
pub enum Check {
    /// HMAC-SHA256 over the body (optionally Stripe-style `t=…,v1=…` over `"{t}.{body}"`).
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
pub struct HmacCheck {
    pub scheme: &'static str,
    pub header: &'static str,
    /// How the vendor encodes the MAC in the header.
    pub encoding: Encoding,
    /// `Some(tolerance_secs)`: Stripe-style timestamped header.
    pub timestamped: Option<u64>,
    pub key: KeyRef,
}

#[derive(Debug, Clone)]
pub struct StaticHeaderCheck {
    pub scheme: &'static str,
    /// The configured header name (lower-case).
    pub header: String,
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
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

/// HMAC-SHA256 of `msg` under `key`.
pub fn hmac_sha256(key: &[u8], msg: &[u8]) -> [u8; 32] {
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key).expect("HMAC accepts any key length");
    mac.update(msg);
    mac.finalize().into_bytes().into()
}

/// "2 h 13 min", "45 s", "3 d 4 h": durations for people.
pub fn human_duration(secs: u64) -> String {
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
