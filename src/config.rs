//! Settings: a TOML file, then `HOOKSCOPE_<PROVIDER>_<KEY>` environment variables, then
//! command-line flags. Secrets are wrapped in [`Secret`] so they never reach a log or a
//! `Debug` dump.

use std::path::{Path, PathBuf};

use serde::Deserialize;

pub(crate) const DEFAULT_ADDR: &str = "127.0.0.1:8787";
pub(crate) const DEFAULT_MAX_BODY_BYTES: u64 = 10 * 1024 * 1024;
pub(crate) const DEFAULT_MAX_CONNECTIONS: usize = 4096;
pub(crate) const DEFAULT_MAX_INFLIGHT_BYTES: u64 = 256 * 1024 * 1024;
pub(crate) const PROVIDER_NAMES: [&str; 11] = [
    "talentsprout",
    "classet",
    "clearspeed",
    "brilliant",
    "jobmojito",
    "standard-webhooks",
    "stripe",
    "github",
    "shopify",
    "slack",
    "twilio",
];

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("invalid config file {path}: {message}")]
    Invalid { path: PathBuf, message: String },
    #[error("environment variable {var}: {message}")]
    Env { var: String, message: String },
}

pub use crate::model::{Secret, env_var_name, mask};
pub(crate) use registry::{all_registered, registered};
pub(crate) use scheme::{EventSource, SchemeConfig};

mod registry;
mod scheme;
#[cfg(test)]
mod scheme_tests;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub server: ServerConfig,
    pub response: ResponseConfig,
    pub providers: ProvidersConfig,
    /// `[schemes.NAME]`, validated apart (see [`scheme`]) so that errors name their key.
    #[serde(skip)]
    pub schemes: Vec<SchemeConfig>,
    /// Where the config was read from, for messages. Not a TOML key.
    #[serde(skip)]
    pub source: Option<PathBuf>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServerConfig {
    pub addr: String,
    pub max_body_bytes: u64,
    /// Open connections at once; more are answered 503 with `Retry-After`.
    pub max_connections: usize,
    /// Request body bytes held in memory at once, over all connections; a body that
    /// would exceed it is answered 503 with `Retry-After`.
    pub max_inflight_bytes: u64,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            addr: DEFAULT_ADDR.into(),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            max_connections: DEFAULT_MAX_CONNECTIONS,
            max_inflight_bytes: DEFAULT_MAX_INFLIGHT_BYTES,
        }
    }
}

/// What the receiver answers.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct ResponseConfig {
    pub status: u16,
    pub delay_ms: u64,
    pub reject_invalid: bool,
}

impl Default for ResponseConfig {
    fn default() -> Self {
        Self {
            status: 200,
            delay_ms: 0,
            reject_invalid: false,
        }
    }
}

/// `[providers.X.response]`: any key left out falls back to `[response]`.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ResponseOverride {
    pub status: Option<u16>,
    pub delay_ms: Option<u64>,
    pub reject_invalid: Option<bool>,
}

/// `[providers.X.sender]`: how `send` imitates the vendor where its documentation is
/// silent (the values hookscope otherwise assumes).
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct SenderOverride {
    pub retries: Option<u32>,
    pub timeout_secs: Option<u64>,
}

impl ResponseOverride {
    pub(crate) fn apply(&self, base: ResponseConfig) -> ResponseConfig {
        ResponseConfig {
            status: self.status.unwrap_or(base.status),
            delay_ms: self.delay_ms.unwrap_or(base.delay_ms),
            reject_invalid: self.reject_invalid.unwrap_or(base.reject_invalid),
        }
    }
}

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
    fn overrides(
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

impl Config {
    /// Reads `--config`, else `./hookscope.toml`, else the platform config dir; no file at
    /// all means defaults. Environment variables are applied on top.
    pub(crate) fn load(explicit: Option<&Path>) -> Result<Self, ConfigError> {
        let path = match explicit {
            Some(p) => Some(p.to_path_buf()),
            None => default_config_paths().into_iter().find(|p| p.is_file()),
        };
        let text = match &path {
            Some(p) => std::fs::read_to_string(p).map_err(|source| ConfigError::Read {
                path: p.clone(),
                source,
            })?,
            None => String::new(),
        };
        let env: Vec<(String, String)> = std::env::vars().collect();
        let config = Self::from_parts(&text, path, &env)?;
        for w in config.warnings() {
            // Not eprintln!: stderr may be a closed pipe.
            use std::io::Write;
            let _ = writeln!(std::io::stderr(), "hookscope: warning: {w}");
        }
        Ok(config)
    }

    /// Parses `text` (from `path`, for messages) and applies `env` overrides.
    pub fn from_parts(
        text: &str,
        path: Option<PathBuf>,
        env: &[(String, String)],
    ) -> Result<Self, ConfigError> {
        let shown = path.clone().unwrap_or_else(|| PathBuf::from("<defaults>"));
        let mut table: toml::Table = toml::from_str(text).map_err(|e| ConfigError::Invalid {
            path: shown.clone(),
            message: e.message().to_string(),
        })?;
        let mut file_only = table.clone();
        file_only.remove("schemes");
        apply_env(&mut table, env)?;
        let schemes = table.remove("schemes");
        // The message names settings, never values: a value may be a secret, in the wrong
        // place or not.
        let values = crate::redact::Redactor::from_settings(string_values(&table));
        let mut config: Config = match Config::deserialize(toml::Value::Table(table)) {
            Ok(c) => c,
            Err(e) => return Err(blame(&file_only, env, &shown, &e, &values)),
        };
        config.schemes = match schemes {
            None => Ok(Vec::new()),
            Some(toml::Value::Table(t)) => scheme::parse(&t),
            Some(_) => Err("schemes: expected [schemes.NAME] sections".to_string()),
        }
        .map_err(|message| ConfigError::Invalid {
            path: shown.clone(),
            message,
        })?;
        config.check_statuses(&shown)?;
        config.source = path;
        Ok(config)
    }

    /// Every answer status must be one HTTP can carry.
    fn check_statuses(&self, shown: &Path) -> Result<(), ConfigError> {
        let overrides = self.providers.overrides();
        let keys = std::iter::once(("response.status".to_string(), Some(self.response.status)))
            .chain(overrides.into_iter().map(|(name, o, _)| {
                (
                    format!("providers.{name}.response.status"),
                    o.and_then(|o| o.status),
                )
            }))
            .chain(self.schemes.iter().map(|s| {
                (
                    format!("schemes.{}.response.status", s.name()),
                    s.response.and_then(|o| o.status),
                )
            }));
        for (key, status) in keys {
            if let Some(n) = status.filter(|n| !(100..=599).contains(n)) {
                return Err(ConfigError::Invalid {
                    path: shown.to_path_buf(),
                    message: format!("{key} = {n}: an HTTP status is between 100 and 599"),
                });
            }
        }
        Ok(())
    }

    /// Warnings about settings that work but should change: secrets too short to be
    /// shown masked without giving most of them away.
    pub(crate) fn warnings(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .secrets()
            .into_iter()
            .filter(|(_, s)| s.expose().chars().count() < 8)
            .map(|(name, _)| {
                format!(
                    "{name} is shorter than 8 characters: too short to mask safely \
                     (and to be a good secret)"
                )
            })
            .collect();
        // Large bodies may use 7/8 of the budget (the rest is kept for small ones).
        let room = self.server.max_inflight_bytes - self.server.max_inflight_bytes / 8;
        if room < self.server.max_body_bytes {
            out.push(format!(
                "server.max_inflight_bytes ({}) leaves room for bodies up to {room} bytes, \
                 below server.max_body_bytes ({}): larger bodies are always answered 503",
                self.server.max_inflight_bytes, self.server.max_body_bytes
            ));
        }
        out
    }

    /// Every configured secret with the setting it comes from: what the store and logs
    /// must never contain.
    pub(crate) fn secrets(&self) -> Vec<(&'static str, &Secret)> {
        let p = &self.providers;
        let sets = p
            .clearspeed
            .credentials
            .iter()
            .enumerate()
            .flat_map(|(i, c)| {
                [
                    (credential_setting(i, "api_key"), c.api_key.as_ref()),
                    (
                        credential_setting(i, "bearer_token"),
                        c.bearer_token.as_ref(),
                    ),
                    (credential_setting(i, "jwt_secret"), c.jwt_secret.as_ref()),
                ]
            });
        let candidates: [(&'static str, Option<&Secret>); 18] = [
            (
                "providers.talentsprout.secret",
                p.talentsprout.secret.as_ref(),
            ),
            ("providers.classet.secret", p.classet.secret.as_ref()),
            ("providers.classet.api_key", p.classet.api_key.as_ref()),
            (
                "providers.clearspeed.api_key",
                p.clearspeed.api_key.as_ref(),
            ),
            (
                "providers.clearspeed.bearer_token",
                p.clearspeed.bearer_token.as_ref(),
            ),
            (
                "providers.clearspeed.jwt_secret",
                p.clearspeed.jwt_secret.as_ref(),
            ),
            (
                "providers.clearspeed.client_secret",
                p.clearspeed.client_secret.as_ref(),
            ),
            ("providers.brilliant.url_key", p.brilliant.url_key.as_ref()),
            ("providers.brilliant.api_key", p.brilliant.api_key.as_ref()),
            (
                "providers.brilliant.public_key",
                p.brilliant.public_key.as_ref(),
            ),
            (
                "providers.brilliant.private_key",
                p.brilliant.private_key.as_ref(),
            ),
            ("providers.jobmojito.value", p.jobmojito.value.as_ref()),
            (
                "providers.standard-webhooks.secret",
                p.standard_webhooks.secret.as_ref(),
            ),
            ("providers.stripe.secret", p.stripe.secret.as_ref()),
            ("providers.github.secret", p.github.secret.as_ref()),
            ("providers.shopify.secret", p.shopify.secret.as_ref()),
            ("providers.slack.secret", p.slack.secret.as_ref()),
            ("providers.twilio.auth_token", p.twilio.auth_token.as_ref()),
        ];
        let schemes = self
            .schemes
            .iter()
            .map(|s| (s.secret_setting(), s.secret.as_ref()));
        candidates
            .into_iter()
            .chain(sets)
            .chain(schemes)
            .filter_map(|(name, s)| s.filter(|s| !s.expose().is_empty()).map(|s| (name, s)))
            .collect()
    }

    /// The secret a setting names (`providers.classet.secret`,
    /// `providers.clearspeed.credentials[1].api_key`), to read or replace it.
    pub(crate) fn secret_slot(&mut self, setting: &str) -> Option<&mut Option<Secret>> {
        if let Some(s) = self
            .schemes
            .iter_mut()
            .find(|s| s.secret_setting() == setting)
        {
            return Some(&mut s.secret);
        }
        let p = &mut self.providers;
        if let Some(rest) = setting.strip_prefix("providers.clearspeed.credentials[") {
            let (index, key) = rest.split_once("].")?;
            let set = p
                .clearspeed
                .credentials
                .get_mut(index.parse::<usize>().ok()?)?;
            return match key {
                "api_key" => Some(&mut set.api_key),
                "bearer_token" => Some(&mut set.bearer_token),
                "jwt_secret" => Some(&mut set.jwt_secret),
                _ => None,
            };
        }
        Some(match setting {
            "providers.talentsprout.secret" => &mut p.talentsprout.secret,
            "providers.classet.secret" => &mut p.classet.secret,
            "providers.classet.api_key" => &mut p.classet.api_key,
            "providers.clearspeed.api_key" => &mut p.clearspeed.api_key,
            "providers.clearspeed.bearer_token" => &mut p.clearspeed.bearer_token,
            "providers.clearspeed.jwt_secret" => &mut p.clearspeed.jwt_secret,
            "providers.clearspeed.client_secret" => &mut p.clearspeed.client_secret,
            "providers.brilliant.url_key" => &mut p.brilliant.url_key,
            "providers.brilliant.api_key" => &mut p.brilliant.api_key,
            "providers.brilliant.public_key" => &mut p.brilliant.public_key,
            "providers.brilliant.private_key" => &mut p.brilliant.private_key,
            "providers.jobmojito.value" => &mut p.jobmojito.value,
            "providers.standard-webhooks.secret" => &mut p.standard_webhooks.secret,
            "providers.stripe.secret" => &mut p.stripe.secret,
            "providers.github.secret" => &mut p.github.secret,
            "providers.shopify.secret" => &mut p.shopify.secret,
            "providers.slack.secret" => &mut p.slack.secret,
            "providers.twilio.auth_token" => &mut p.twilio.auth_token,
            _ => return None,
        })
    }

    /// `[providers.<id>.sender]` for one provider.
    pub(crate) fn sender_for(&self, provider: &str) -> Option<SenderOverride> {
        if let Some(s) = self.scheme(provider) {
            return s.sender;
        }
        self.providers
            .overrides()
            .into_iter()
            .find(|(name, _, _)| *name == provider)
            .and_then(|(_, _, sender)| sender)
    }

    /// The configured scheme named `name`.
    pub(crate) fn scheme(&self, name: &str) -> Option<&SchemeConfig> {
        self.schemes.iter().find(|s| s.name() == name)
    }

    /// The answer settings for one provider (`None`: unknown provider).
    pub(crate) fn response_for(&self, provider: Option<&str>) -> ResponseConfig {
        let over = provider.and_then(|provider| {
            if let Some(s) = self.scheme(provider) {
                return s.response;
            }
            self.providers
                .overrides()
                .into_iter()
                .find(|(name, _, _)| *name == provider)
                .and_then(|(_, response, _)| response)
        });
        over.map_or(self.response, |o| o.apply(self.response))
    }
}

/// `providers.clearspeed.credentials[i].key`, interned: settings are named by `&'static
/// str` everywhere, and a config names a handful of sets at most.
pub(crate) fn credential_setting(index: usize, key: &str) -> &'static str {
    static NAMES: std::sync::Mutex<Vec<&'static str>> = std::sync::Mutex::new(Vec::new());
    let name = format!("providers.clearspeed.credentials[{index}].{key}");
    let mut names = NAMES.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(n) = names.iter().find(|n| **n == name) {
        return n;
    }
    let leaked: &'static str = Box::leak(name.into_boxed_str());
    names.push(leaked);
    leaked
}

use scheme::env_spelling;

fn default_config_paths() -> Vec<PathBuf> {
    let mut paths = vec![PathBuf::from("hookscope.toml")];
    if let Some(dirs) = directories::ProjectDirs::from("", "", "hookscope") {
        paths.push(dirs.config_dir().join("hookscope.toml"));
    }
    paths
}

/// `HOOKSCOPE_CLASSET_SECRET=…` becomes `providers.classet.secret`. Numbers and booleans
/// are typed so that `HOOKSCOPE_TALENTSPROUT_TOLERANCE_SECS=600` works too.
fn apply_env(table: &mut toml::Table, env: &[(String, String)]) -> Result<(), ConfigError> {
    for (var, value) in env {
        let Some(rest) = var.strip_prefix("HOOKSCOPE_") else {
            continue;
        };
        let lower = rest.to_ascii_lowercase();
        // A scheme's variables are those of a section the file declares; the longest name
        // wins, so `acme` and `acme-pay` each get their own.
        let declared: Vec<String> = table
            .get("schemes")
            .and_then(toml::Value::as_table)
            .map(|t| t.keys().cloned().collect())
            .unwrap_or_default();
        let Some((section, provider)) = PROVIDER_NAMES
            .iter()
            .map(|p| ("providers", p.to_string()))
            .chain(declared.into_iter().map(|s| ("schemes", s)))
            .filter(|(_, p)| lower.starts_with(&format!("{}_", env_spelling(p))))
            .max_by_key(|(_, p)| p.len())
        else {
            continue;
        };
        let provider = provider.as_str();
        let key = &lower[provider.len() + 1..];
        if key.is_empty() {
            continue;
        }
        let typed = if let Ok(n) = value.parse::<i64>() {
            if key.ends_with("_secs") || key.ends_with("_ms") {
                toml::Value::Integer(n)
            } else {
                toml::Value::String(value.clone())
            }
        } else if key == "reject_invalid" {
            toml::Value::Boolean(value == "true" || value == "1")
        } else {
            toml::Value::String(value.clone())
        };
        let providers = table
            .entry(section)
            .or_insert_with(|| toml::Value::Table(Default::default()));
        let Some(providers) = providers.as_table_mut() else {
            return Err(ConfigError::Env {
                var: var.clone(),
                message: format!("`{section}` in the config file is not a table"),
            });
        };
        let section = providers
            .entry(provider.to_string())
            .or_insert_with(|| toml::Value::Table(Default::default()));
        match section.as_table_mut() {
            Some(t) => {
                t.insert(key.to_string(), typed);
            }
            None => {
                return Err(ConfigError::Env {
                    var: var.clone(),
                    message: format!("`{section}.{provider}` in the config file is not a table"),
                });
            }
        }
    }
    Ok(())
}

/// Every string in the settings with its dotted key, e.g. `providers.classet.secret`.
fn string_values(table: &toml::Table) -> Vec<(String, String)> {
    fn walk(prefix: &str, v: &toml::Value, out: &mut Vec<(String, String)>) {
        match v {
            toml::Value::String(s) => out.push((prefix.to_string(), s.clone())),
            toml::Value::Table(t) => {
                for (k, v) in t {
                    walk(&format!("{prefix}.{k}"), v, out);
                }
            }
            toml::Value::Array(items) => {
                for v in items {
                    walk(prefix, v, out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    for (k, v) in table {
        walk(k, v, &mut out);
    }
    out
}

/// The error of a config that does not deserialize, naming the environment variable that
/// broke it when the file alone is fine.
fn blame(
    file_only: &toml::Table,
    env: &[(String, String)],
    shown: &Path,
    e: &toml::de::Error,
    values: &crate::redact::Redactor,
) -> ConfigError {
    if Config::deserialize(toml::Value::Table(file_only.clone())).is_ok() {
        for (var, value) in env {
            let mut one = file_only.clone();
            let pair = [(var.clone(), value.clone())];
            if apply_env(&mut one, &pair).is_ok()
                && let Err(e) = Config::deserialize(toml::Value::Table(one))
            {
                return ConfigError::Env {
                    var: var.clone(),
                    message: values.redact_text(&describe_toml_error(&e)),
                };
            }
        }
    }
    ConfigError::Invalid {
        path: shown.to_path_buf(),
        message: values.redact_text(&describe_toml_error(e)),
    }
}

fn describe_toml_error(e: &toml::de::Error) -> String {
    // serde's message already names the unknown key and lists the expected ones.
    e.message().trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::from_parts(text, Some(PathBuf::from("/tmp/h.toml")), &[])
    }

    #[test]
    fn defaults_without_a_file() {
        let c = parse("").unwrap();
        assert_eq!(c.server.addr, "127.0.0.1:8787");
        assert_eq!(c.server.max_body_bytes, 10 * 1024 * 1024);
        assert_eq!(c.providers.talentsprout.tolerance_secs, 300);
        assert_eq!(c.providers.clearspeed.api_key_header, "x-api-key");
    }

    #[test]
    fn unknown_key_is_an_error_naming_key_and_file() {
        let err = parse("[providers.talentsprout]\nscret = \"x\"\n").unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("scret"), "{msg}");
        assert!(msg.contains("/tmp/h.toml"), "{msg}");
    }

    #[test]
    fn env_overrides_secret_and_numbers() {
        let env = vec![
            (
                "HOOKSCOPE_TALENTSPROUT_SECRET".to_string(),
                "whsec_env".to_string(),
            ),
            (
                "HOOKSCOPE_TALENTSPROUT_TOLERANCE_SECS".to_string(),
                "600".to_string(),
            ),
            ("HOOKSCOPE_LOG".to_string(), "debug".to_string()),
        ];
        let c = Config::from_parts("", None, &env).unwrap();
        assert_eq!(
            c.providers.talentsprout.secret.unwrap().expose(),
            "whsec_env"
        );
        assert_eq!(c.providers.talentsprout.tolerance_secs, 600);
    }

    #[test]
    fn scheme_sections_read_from_the_file_and_the_environment() {
        let text = "[providers.standard-webhooks]\nsecret = \"whsec_from_file_1\"\n\
                    tolerance_secs = 60\n[providers.twilio]\npublic_url = \"https://t.example/twilio\"\n\
                    [providers.github.response]\nstatus = 202\n";
        let env = vec![
            (
                "HOOKSCOPE_STANDARD_WEBHOOKS_SECRET".to_string(),
                "whsec_from_env_1".to_string(),
            ),
            (
                "HOOKSCOPE_TWILIO_AUTH_TOKEN".to_string(),
                "twilio_token_1".to_string(),
            ),
            (
                "HOOKSCOPE_STRIPE_TOLERANCE_SECS".to_string(),
                "90".to_string(),
            ),
            (
                "HOOKSCOPE_SLACK_SECRET".to_string(),
                "slack_secret_1".to_string(),
            ),
        ];
        let c = Config::from_parts(text, None, &env).unwrap();
        let p = &c.providers;
        assert_eq!(
            p.standard_webhooks.secret.as_ref().unwrap().expose(),
            "whsec_from_env_1"
        );
        assert_eq!(p.standard_webhooks.tolerance_secs, 60);
        assert_eq!(p.stripe.tolerance_secs, 90);
        assert_eq!(
            p.twilio.auth_token.as_ref().unwrap().expose(),
            "twilio_token_1"
        );
        assert_eq!(
            p.twilio.public_url.as_deref(),
            Some("https://t.example/twilio")
        );
        assert_eq!(c.response_for(Some("github")).status, 202);
        assert_eq!(c.response_for(Some("shopify")).status, 200);
        let names: Vec<&str> = c.secrets().iter().map(|(n, _)| *n).collect();
        assert!(
            names.contains(&"providers.standard-webhooks.secret"),
            "{names:?}"
        );
        assert!(names.contains(&"providers.twilio.auth_token"), "{names:?}");
        assert_eq!(
            env_var_name("standard-webhooks", "secret"),
            "HOOKSCOPE_STANDARD_WEBHOOKS_SECRET"
        );
        let mut c = c;
        assert!(c.secret_slot("providers.slack.secret").is_some());
        let err = parse("[providers.github]\ntolerance_secs = 5\n").unwrap_err();
        assert!(err.to_string().contains("tolerance_secs"), "{err}");
    }

    #[test]
    fn unknown_env_key_is_an_error() {
        let env = vec![("HOOKSCOPE_CLASSET_SCRET".to_string(), "x".to_string())];
        let err = Config::from_parts("", None, &env).unwrap_err();
        assert!(err.to_string().contains("scret"), "{err}");
    }

    #[test]
    fn errors_name_the_setting_and_never_echo_a_value() {
        let secret = "whsec_misplaced_SECRET_42";
        let texts = [
            format!("[providers.talentsprout]\ntolerance_secs = \"{secret}\"\n"),
            format!("[providers.classet]\nresponse = \"{secret}\"\n"),
            format!("[providers.clearspeed]\napi_key = [\"{secret}\"]\n"),
            format!("[server]\nmax_body_bytes = \"{secret}\"\n"),
            format!("[providers.classet]\nsecret = \"{secret}\" junk\n"),
            format!("[providers.classet]\nsecret = \"{secret}\"\nsecret = \"{secret}\"\n"),
            format!("[providers.classet]\nsecret = {secret}\n"),
        ];
        for text in &texts {
            let err = parse(text).unwrap_err().to_string();
            assert!(!err.contains(secret), "{text}: {err}");
        }
        let err = parse(&texts[0]).unwrap_err().to_string();
        assert!(
            err.contains("[redacted:providers.talentsprout.tolerance_secs]"),
            "{err}"
        );
        for (var, value) in [
            ("HOOKSCOPE_TALENTSPROUT_TOLERANCE_SECS", secret),
            ("HOOKSCOPE_CLASSET_RESPONSE", secret),
        ] {
            let env = vec![(var.to_string(), value.to_string())];
            let err = Config::from_parts("", None, &env).unwrap_err().to_string();
            assert!(!err.contains(secret), "{var}: {err}");
        }
    }

    #[test]
    fn a_status_outside_http_is_an_error_naming_the_key() {
        let err = parse("[response]\nstatus = 700\n").unwrap_err().to_string();
        assert!(err.contains("response.status = 700"), "{err}");
        let err = parse("[providers.classet.response]\nstatus = 42\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("providers.classet.response.status"), "{err}");
        assert!(parse("[response]\nstatus = 599\n").is_ok());
    }

    #[test]
    fn an_environment_error_names_the_variable_not_the_file() {
        let env = vec![(
            "HOOKSCOPE_TALENTSPROUT_TOLERANCE_SECS".to_string(),
            "soon".to_string(),
        )];
        let err = Config::from_parts("", Some(PathBuf::from("/tmp/h.toml")), &env)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("HOOKSCOPE_TALENTSPROUT_TOLERANCE_SECS"),
            "{err}"
        );
        assert!(!err.contains("/tmp/h.toml"), "{err}");
    }

    #[test]
    fn short_secrets_are_warned_about() {
        let c = parse("[providers.classet]\nsecret = \"abc\"\napi_key = \"long_enough_key\"\n")
            .unwrap();
        let w = c.warnings();
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(w[0].contains("providers.classet.secret"), "{w:?}");
        let tight = parse("[server]\nmax_inflight_bytes = 1048576\n").unwrap();
        assert!(tight.warnings()[0].contains("always answered 503"));
        assert!(parse("").unwrap().warnings().is_empty());
    }

    #[test]
    fn provider_response_override_falls_back() {
        let c = parse(
            "[response]\nstatus = 202\ndelay_ms = 5\n[providers.clearspeed.response]\nstatus = 204\n",
        )
        .unwrap();
        let r = c.response_for(Some("clearspeed"));
        assert_eq!((r.status, r.delay_ms), (204, 5));
        assert_eq!(c.response_for(Some("classet")).status, 202);
    }

    #[test]
    fn secrets_are_masked_in_debug() {
        let c = parse("[providers.classet]\nsecret = \"classet_sig_secret_1b7e\"\n").unwrap();
        let dump = format!("{c:?}");
        assert!(!dump.contains("classet_sig_secret_1b7e"), "{dump}");
        assert_eq!(c.secrets().len(), 1);
    }
}

#[cfg(test)]
mod example_tests {
    #[test]
    fn shipped_example_config_parses() {
        let text = include_str!("../assets/hookscope.example.toml");
        let c = super::Config::from_parts(text, None, &[]).unwrap();
        assert_eq!(c.server.addr, super::DEFAULT_ADDR);
        // The commented scheme is the README's example: valid once uncommented.
        let scheme: String = text
            .lines()
            .skip_while(|l| !l.starts_with("# [schemes.acme]"))
            .map(|l| format!("{}\n", l.trim_start_matches("# ")))
            .collect();
        let c = super::Config::from_parts(&scheme, None, &[]).unwrap();
        assert_eq!(c.schemes[0].route, Some("/acme"));
    }
}

impl crate::redact::Redactor {
    /// Masks every secret `config` holds.
    pub fn from_config(config: &Config) -> Self {
        Self::from_settings(
            config
                .secrets()
                .into_iter()
                .map(|(setting, s)| (setting.to_string(), s.expose().to_string())),
        )
    }
}
