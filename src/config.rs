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
use env::{apply_env, blame, blame_scheme, parse_schemes, string_values};
pub use providers::*;
pub(crate) use registry::{all_registered, registered};
pub(crate) use scheme::{EventSource, SchemeConfig};

mod env;
mod intern;
mod providers;
mod registry;
mod scheme;
#[cfg(test)]
mod scheme_tests;
#[cfg(test)]
mod tests;

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
        let file = table.clone();
        let mut file_only = table.clone();
        file_only.remove("schemes");
        apply_env(&mut table, env)?;
        let schemes = parse_schemes(&table);
        table.remove("schemes");
        // The message names settings, never values: a value may be a secret, in the wrong
        // place or not.
        let values = crate::redact::Redactor::from_settings(string_values(&table));
        let mut config: Config = match Config::deserialize(toml::Value::Table(table)) {
            Ok(c) => c,
            Err(e) => return Err(blame(&file_only, env, &shown, &e, &values)),
        };
        config.schemes = schemes.map_err(|message| blame_scheme(&file, env, &shown, message))?;
        for s in &config.schemes {
            registry::register(s).map_err(|message| ConfigError::Invalid {
                path: shown.clone(),
                message,
            })?;
        }
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

fn default_config_paths() -> Vec<PathBuf> {
    let mut paths = vec![PathBuf::from("hookscope.toml")];
    if let Some(dirs) = directories::ProjectDirs::from("", "", "hookscope") {
        paths.push(dirs.config_dir().join("hookscope.toml"));
    }
    paths
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
