//! Who sent a request and how we recognised them.

use std::sync::RwLock;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A provider's id as printed in the headless line and stored: a built-in vendor's
/// (`classet`), a configured scheme's name (`acme`), or `unknown`. Copy and cheap: the
/// text is interned once per distinct name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProviderId(&'static str);

/// Names registered so far; built-ins first. Bounded so stored or imported text cannot
/// grow it without limit: past the bound an unregistered name reads as `unknown`.
static NAMES: RwLock<Vec<&'static str>> = RwLock::new(Vec::new());
const MAX_NAMES: usize = 512;

impl ProviderId {
    pub const CLEARSPEED: Self = Self("clearspeed");
    pub const TALENTSPROUT: Self = Self("talentsprout");
    pub const BRILLIANT: Self = Self("brilliant");
    pub const CLASSET: Self = Self("classet");
    pub const JOBMOJITO: Self = Self("jobmojito");
    pub(crate) const STANDARD_WEBHOOKS: Self = Self("standard-webhooks");
    pub(crate) const STRIPE: Self = Self("stripe");
    pub(crate) const GITHUB: Self = Self("github");
    pub(crate) const SHOPIFY: Self = Self("shopify");
    pub(crate) const SLACK: Self = Self("slack");
    pub(crate) const TWILIO: Self = Self("twilio");
    pub const UNKNOWN: Self = Self("unknown");

    const BUILT_IN: [Self; 12] = [
        Self::CLEARSPEED,
        Self::TALENTSPROUT,
        Self::BRILLIANT,
        Self::CLASSET,
        Self::JOBMOJITO,
        Self::STANDARD_WEBHOOKS,
        Self::STRIPE,
        Self::GITHUB,
        Self::SHOPIFY,
        Self::SLACK,
        Self::TWILIO,
        Self::UNKNOWN,
    ];

    pub fn as_str(self) -> &'static str {
        self.0
    }

    /// The id of a known provider (built-in or registered), matched case-insensitively.
    pub(crate) fn parse(s: &str) -> Option<Self> {
        if let Some(p) = Self::BUILT_IN
            .into_iter()
            .find(|p| p.0.eq_ignore_ascii_case(s))
        {
            return Some(p);
        }
        let names = NAMES.read().unwrap_or_else(|e| e.into_inner());
        names
            .iter()
            .find(|n| n.eq_ignore_ascii_case(s))
            .map(|n| Self(n))
    }

    /// Registers a name (a configured scheme) and returns its id.
    pub(crate) fn register(name: &str) -> Self {
        Self::parse(name).unwrap_or_else(|| Self::intern(name))
    }

    /// The id as stored or imported: known ids as themselves, other names interned while
    /// there is room, `unknown` after.
    pub(crate) fn from_stored(s: &str) -> Self {
        Self::parse(s).unwrap_or_else(|| Self::intern(s))
    }

    fn intern(name: &str) -> Self {
        let mut names = NAMES.write().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = names.iter().find(|n| n.eq_ignore_ascii_case(name)) {
            return Self(n);
        }
        if names.len() >= MAX_NAMES || name.is_empty() {
            return Self::UNKNOWN;
        }
        let leaked: &'static str = Box::leak(name.to_ascii_lowercase().into_boxed_str());
        names.push(leaked);
        Self(leaked)
    }
}

impl std::fmt::Display for ProviderId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

impl Serialize for ProviderId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0)
    }
}

impl<'de> Deserialize<'de> for ProviderId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = std::borrow::Cow::<'de, str>::deserialize(d)?;
        Ok(Self::from_stored(&s))
    }
}

/// How the provider was recognised.
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
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum DetectedBy {
    Path,
    Header,
    Body,
    None,
}

impl DetectedBy {
    pub(crate) fn as_str(self) -> &'static str {
        self.into()
    }

    pub(crate) fn parse(s: &str) -> Option<Self> {
        s.parse().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_ins_parse_case_insensitively_and_others_are_registered() {
        assert_eq!(ProviderId::parse("Classet"), Some(ProviderId::CLASSET));
        assert_eq!(ProviderId::parse("acme-test-scheme"), None);
        let acme = ProviderId::from_stored("acme-test-scheme");
        assert_eq!(acme.as_str(), "acme-test-scheme");
        assert_eq!(ProviderId::parse("ACME-test-scheme"), Some(acme));
        let json = serde_json::to_string(&acme).unwrap();
        assert_eq!(serde_json::from_str::<ProviderId>(&json).unwrap(), acme);
    }

    #[test]
    fn detected_by_round_trips_through_text() {
        for d in [
            DetectedBy::Path,
            DetectedBy::Header,
            DetectedBy::Body,
            DetectedBy::None,
        ] {
            assert_eq!(DetectedBy::parse(d.as_str()), Some(d));
        }
        assert_eq!(DetectedBy::parse("nope"), None);
    }
}
