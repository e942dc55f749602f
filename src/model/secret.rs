//! Credentials as settings hold them: never shown whole.

use std::fmt;

use serde::Deserialize;

/// A credential from the settings. `Debug` and `Display` show it masked.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The real value, for computing and comparing only.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// `whsec_…3f` style: enough to tell two secrets apart, not enough to use one.
    pub(crate) fn masked(&self) -> String {
        mask(&self.0)
    }
}

/// Masks any credential-like value for display.
pub fn mask(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    if chars.len() <= 8 {
        return "•".repeat(chars.len().max(4));
    }
    let prefix: String = if value.starts_with("whsec_") {
        "whsec_".into()
    } else {
        chars[..2].iter().collect()
    };
    let suffix: String = chars[chars.len() - 2..].iter().collect();
    format!("{prefix}••••{suffix}")
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({})", self.masked())
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

/// The environment variable that can hold `providers.<provider>.<key>`; a `-` in the
/// provider id is written `_` (`HOOKSCOPE_STANDARD_WEBHOOKS_SECRET`).
pub fn env_var_name(provider: &str, key: &str) -> String {
    format!(
        "HOOKSCOPE_{}_{}",
        provider.replace('-', "_").to_ascii_uppercase(),
        key.to_ascii_uppercase()
    )
}
