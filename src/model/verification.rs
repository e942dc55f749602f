//! The verdict on a delivery's authenticity, and why.

use serde::{Deserialize, Serialize};

/// The outcome of verifying one delivery.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::EnumIter,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Status {
    /// The vendor's documented check passed.
    Verified,
    /// The documented check failed; `hint` says the likeliest reason.
    Failed,
    /// Nothing to check: the provider does not sign and nothing is configured.
    Unsigned,
    /// A credential arrived but nothing is configured to check it.
    Unchecked,
}

impl Status {
    pub(crate) fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(s: &str) -> Option<Self> {
        s.parse().ok()
    }
}

/// Why a documented check failed, tried in this order: the least invasive explanation wins.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::EnumIter,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Hint {
    /// The timestamp is in milliseconds, or ISO text, where Unix seconds were expected.
    TimestampUnit,
    TimestampOutsideTolerance,
    SecretPrefix,
    /// The key was used as text where it should be decoded (base64, hex), or the reverse.
    SecretEncoding,
    /// The secret has leading or trailing whitespace; the trimmed one verifies.
    SecretWhitespace,
    WrongEncoding,
    /// The digest is another algorithm's (e.g. SHA-1 for SHA-256), and that one verifies.
    WrongAlgorithm,
    /// The signature is over other content than the scheme's (e.g. the body alone).
    SignedContent,
    TrailingNewline,
    BodyReserialized,
    HeaderName,
    MissingCredential,
    /// A JWT whose `aud` is not the configured audience.
    WrongAudience,
    WrongSecret,
}

impl Hint {
    pub(crate) fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(s: &str) -> Option<Self> {
        s.parse().ok()
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

    pub(crate) fn with_evidence(mut self, evidence: Evidence) -> Self {
        self.evidence = Some(evidence);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::IntoEnumIterator;

    #[test]
    fn names_round_trip_and_match_serde() {
        for h in Hint::iter() {
            assert_eq!(Hint::parse(h.as_str()), Some(h));
            assert_eq!(serde_json::to_value(h).unwrap(), h.as_str());
        }
        for s in Status::iter() {
            assert_eq!(Status::parse(s.as_str()), Some(s));
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
        assert_eq!(Hint::parse("header_name"), Some(Hint::HeaderName));
        assert_eq!(Hint::parse("nope"), None);
    }
}
