//! The `[providers.X]` sections: one per vendor, its secrets and the few settings its
//! check and its follow-up need.

use std::path::PathBuf;

use serde::Deserialize;

use super::{ResponseOverride, Secret, SenderOverride};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ProvidersConfig {
    pub talentsprout: TalentSproutConfig,
    pub classet: ClassetConfig,
    pub clearspeed: ClearspeedConfig,
    pub brilliant: BrilliantConfig,
    pub jobmojito: JobMojitoConfig,
    #[serde(rename = "standard-webhooks")]
    pub standard_webhooks: TimestampedSecretConfig,
    pub stripe: TimestampedSecretConfig,
    pub github: SecretConfig,
    pub shopify: SecretConfig,
    pub slack: TimestampedSecretConfig,
    pub twilio: TwilioConfig,
}

impl ProvidersConfig {
    /// Every provider section's answer and sender overrides, by provider id.
    pub(super) fn overrides(
        &self,
    ) -> [(
        &'static str,
        Option<ResponseOverride>,
        Option<SenderOverride>,
    ); 11] {
        [
            (
                "talentsprout",
                self.talentsprout.response,
                self.talentsprout.sender,
            ),
            ("classet", self.classet.response, self.classet.sender),
            (
                "clearspeed",
                self.clearspeed.response,
                self.clearspeed.sender,
            ),
            ("brilliant", self.brilliant.response, self.brilliant.sender),
            ("jobmojito", self.jobmojito.response, self.jobmojito.sender),
            (
                "standard-webhooks",
                self.standard_webhooks.response,
                self.standard_webhooks.sender,
            ),
            ("stripe", self.stripe.response, self.stripe.sender),
            ("github", self.github.response, self.github.sender),
            ("shopify", self.shopify.response, self.shopify.sender),
            ("slack", self.slack.response, self.slack.sender),
            ("twilio", self.twilio.response, self.twilio.sender),
        ]
    }
}

pub(crate) const DEFAULT_TOLERANCE_SECS: u64 = 300;

/// TalentSprout's section has exactly the keys of the other timestamped schemes.
pub(crate) type TalentSproutConfig = TimestampedSecretConfig;

/// A signing secret and how far a signed timestamp may be from now (TalentSprout,
/// Standard Webhooks, Stripe, Slack).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TimestampedSecretConfig {
    pub secret: Option<Secret>,
    pub tolerance_secs: u64,
    pub response: Option<ResponseOverride>,
    pub sender: Option<SenderOverride>,
}

impl Default for TimestampedSecretConfig {
    fn default() -> Self {
        Self {
            secret: None,
            tolerance_secs: DEFAULT_TOLERANCE_SECS,
            response: None,
            sender: None,
        }
    }
}

/// A signing secret over the body alone (GitHub, Shopify).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SecretConfig {
    pub secret: Option<Secret>,
    pub response: Option<ResponseOverride>,
    pub sender: Option<SenderOverride>,
}

/// Twilio signs with the account's auth token over the URL it was configured with.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TwilioConfig {
    pub auth_token: Option<Secret>,
    /// The URL entered in Twilio's console, e.g. a tunnel's `https://…/twilio`: what
    /// Twilio signs, which is not the URL hookscope sees behind the tunnel.
    pub public_url: Option<String>,
    pub response: Option<ResponseOverride>,
    pub sender: Option<SenderOverride>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ClassetConfig {
    pub secret: Option<Secret>,
    pub api_key: Option<Secret>,
    pub response: Option<ResponseOverride>,
    pub sender: Option<SenderOverride>,
}

pub(crate) const DEFAULT_API_KEY_HEADER: &str = "x-api-key";

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ClearspeedConfig {
    pub api_key: Option<Secret>,
    pub api_key_header: String,
    pub bearer_token: Option<Secret>,
    pub jwt_secret: Option<Secret>,
    pub jwks_file: Option<PathBuf>,
    pub audience: Option<String>,
    /// Sender side: the OAuth2 client-credentials flow `send clearspeed` performs.
    pub token_url: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<Secret>,
    /// More credential sets: Clearspeed sets credentials per questionnaire.
    pub credentials: Vec<ClearspeedCredentials>,
    pub response: Option<ResponseOverride>,
    pub sender: Option<SenderOverride>,
}

/// `[[providers.clearspeed.credentials]]`: one questionnaire's credentials. Any of them
/// verifying a delivery verifies it, and the verdict names the set.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ClearspeedCredentials {
    /// How the verdict names this set, e.g. the questionnaire.
    pub name: Option<String>,
    pub api_key: Option<Secret>,
    pub bearer_token: Option<Secret>,
    pub jwt_secret: Option<Secret>,
    pub jwks_file: Option<PathBuf>,
    pub audience: Option<String>,
}

impl Default for ClearspeedConfig {
    fn default() -> Self {
        Self {
            api_key: None,
            api_key_header: DEFAULT_API_KEY_HEADER.into(),
            bearer_token: None,
            jwt_secret: None,
            jwks_file: None,
            audience: None,
            token_url: None,
            client_id: None,
            client_secret: None,
            credentials: Vec::new(),
            response: None,
            sender: None,
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BrilliantConfig {
    pub url_key: Option<Secret>,
    pub api_base: Option<String>,
    /// A single key sent as a bearer token; API V2 uses the key pair below instead.
    pub api_key: Option<Secret>,
    /// API V2's Public Key (identifies the tenant) and Private Key, both on every request.
    pub public_key: Option<Secret>,
    pub private_key: Option<Secret>,
    /// The headers that carry them (the vendor's public pages do not name them).
    pub public_key_header: Option<String>,
    pub private_key_header: Option<String>,
    pub response: Option<ResponseOverride>,
    pub sender: Option<SenderOverride>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct JobMojitoConfig {
    pub header: Option<String>,
    pub value: Option<Secret>,
    pub response: Option<ResponseOverride>,
    pub sender: Option<SenderOverride>,
}
