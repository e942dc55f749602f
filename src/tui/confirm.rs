//! A question asked before something that cannot be undone from the UI (writing the
//! config file): what will happen, in words, and the command to run on yes.

use std::path::PathBuf;

use crate::config::{Secret, mask};
use crate::config_file::Target;

/// Writes a setting into the config file (see [`crate::config_file::write_setting`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteSetting {
    pub path: PathBuf,
    pub setting: &'static str,
    pub value: Secret,
}

impl WriteSetting {
    /// The environment variable that overrides this setting, when one can.
    pub(crate) fn env_var(&self) -> Option<String> {
        let rest = self.setting.strip_prefix("providers.")?;
        let (provider, key) = rest.split_once('.')?;
        (!key.contains(['.', '['])).then(|| crate::config::env_var_name(provider, key))
    }

    /// Carries the write out, and says how it went.
    pub(crate) fn execute(&self, env_set: impl Fn(&str) -> bool) -> Result<String, String> {
        crate::config_file::write_setting(&self.path, self.setting, &self.value)
            .map_err(|e| format!("Could not write {}: {e}", self.setting))?;
        let mut text = format!(
            "Wrote {} to {}; the receiver uses it from its next start.",
            self.setting,
            self.path.display()
        );
        if let Some(var) = self.env_var().filter(|v| env_set(v)) {
            text.push_str(&format!(" {var} is set and overrides the file."));
        }
        Ok(text)
    }
}

/// The question on screen and what yes does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirm {
    pub title: String,
    /// What will happen, a line each; never a secret in the clear.
    pub lines: Vec<String>,
    pub write: WriteSetting,
}

impl Confirm {
    /// Asks before writing `value` as `setting` into `target`.
    pub(crate) fn write_setting(target: &Target, setting: &'static str, value: Secret) -> Self {
        let file = target.path.display().to_string();
        let mut lines = vec![format!("{setting} = \"{}\"", mask(value.expose()))];
        if target.exists {
            lines.push(format!(
                "into {file}, in place: its comments and other settings stay."
            ));
        } else {
            lines.push(format!(
                "No config file was read: this creates {file} (readable by you only)."
            ));
        }
        Self {
            title: "Write the secret to the config file?".into(),
            lines,
            write: WriteSetting {
                path: target.path.clone(),
                setting,
                value,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_question_names_file_and_key_and_masks_the_value() {
        let target = Target {
            path: PathBuf::from("/etc/hookscope.toml"),
            exists: true,
        };
        let c = Confirm::write_setting(
            &target,
            "providers.classet.secret",
            Secret::new("sk_live_abcdef123456"),
        );
        let all = format!("{} {}", c.title, c.lines.join(" "));
        assert!(all.contains("providers.classet.secret"), "{all}");
        assert!(all.contains("/etc/hookscope.toml"), "{all}");
        assert!(!all.contains("sk_live_abcdef123456"), "{all}");
        assert!(!all.contains("abcdef1234"), "{all}");
        let missing = Target {
            path: PathBuf::from("hookscope.toml"),
            exists: false,
        };
        let c = Confirm::write_setting(&missing, "providers.classet.secret", Secret::new("x"));
        assert!(
            c.lines[1].contains("creates hookscope.toml"),
            "{:?}",
            c.lines
        );
    }

    #[test]
    fn a_set_environment_variable_is_named_after_writing() {
        let dir = tempfile::tempdir().expect("temp dir");
        let w = WriteSetting {
            path: dir.path().join("h.toml"),
            setting: "providers.classet.secret",
            value: Secret::new("v"),
        };
        let said = w
            .execute(|v| v == "HOOKSCOPE_CLASSET_SECRET")
            .expect("written");
        assert!(said.contains("HOOKSCOPE_CLASSET_SECRET is set"), "{said}");
        let said = w.execute(|_| false).expect("written");
        assert!(!said.contains("overrides"), "{said}");
        let set = WriteSetting {
            setting: "providers.clearspeed.credentials[0].api_key",
            ..w
        };
        assert_eq!(set.env_var(), None);
    }
}
