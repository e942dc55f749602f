//! The environment over the file: `HOOKSCOPE_<PROVIDER>_<KEY>` variables written into
//! the settings table, and errors that name the variable or the key that broke them.

use std::path::Path;

use serde::Deserialize;

use super::scheme::{self, env_spelling};
use super::{Config, ConfigError, PROVIDER_NAMES, SchemeConfig};

/// `HOOKSCOPE_CLASSET_SECRET=…` becomes `providers.classet.secret`. Numbers and booleans
/// are typed so that `HOOKSCOPE_TALENTSPROUT_TOLERANCE_SECS=600` works too.
pub(super) fn apply_env(
    table: &mut toml::Table,
    env: &[(String, String)],
) -> Result<(), ConfigError> {
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
pub(super) fn string_values(table: &toml::Table) -> Vec<(String, String)> {
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
pub(super) fn blame(
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

/// The `[schemes.NAME]` sections of a settings table.
pub(super) fn parse_schemes(table: &toml::Table) -> Result<Vec<SchemeConfig>, String> {
    match table.get("schemes") {
        None => Ok(Vec::new()),
        Some(toml::Value::Table(t)) => scheme::parse(t),
        Some(_) => Err("schemes: expected [schemes.NAME] sections".to_string()),
    }
}

/// A scheme error names the environment variable that broke it when the file's own
/// sections are fine, as every other setting's error does.
pub(super) fn blame_scheme(
    file: &toml::Table,
    env: &[(String, String)],
    shown: &Path,
    message: String,
) -> ConfigError {
    if parse_schemes(file).is_ok() {
        for (var, value) in env {
            let mut one = file.clone();
            let pair = [(var.clone(), value.clone())];
            if apply_env(&mut one, &pair).is_ok()
                && let Err(message) = parse_schemes(&one)
            {
                return ConfigError::Env {
                    var: var.clone(),
                    message,
                };
            }
        }
    }
    ConfigError::Invalid {
        path: shown.to_path_buf(),
        message,
    }
}

fn describe_toml_error(e: &toml::de::Error) -> String {
    // serde's message already names the unknown key and lists the expected ones.
    e.message().trim().to_string()
}
