//! Writing one setting back into the config file in place: the rest of the file, its
//! comments and its layout included, stays as the user wrote it.

use std::io::Write;
use std::path::{Path, PathBuf};

use toml_edit::{DocumentMut, Item, Table, TableLike, Value};

use crate::config::{Config, Secret};

/// Why a setting could not be written. Never carries the value.
#[derive(Debug, thiserror::Error)]
pub(crate) enum WriteError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is not valid TOML: {message}")]
    Invalid { path: PathBuf, message: String },
    #[error("{path} has no place for {setting}: {why}")]
    NoPlace {
        path: PathBuf,
        setting: String,
        why: String,
    },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Where a setting would be written: the file the config was read from, else
/// `hookscope.toml` in the working directory, the first place `Config::load` looks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub path: PathBuf,
    /// Whether the file is there already (else writing creates it).
    pub exists: bool,
}

impl Target {
    pub(crate) fn for_config(config: &Config) -> Self {
        match &config.source {
            Some(path) => Self {
                exists: path.is_file(),
                path: path.clone(),
            },
            None => {
                let path = PathBuf::from("hookscope.toml");
                Self {
                    exists: path.is_file(),
                    path,
                }
            }
        }
    }
}

/// Sets `setting` (`providers.classet.secret`, `providers.clearspeed.credentials[1].api_key`)
/// to `value` in the file at `path`, creating the file, its tables and the key as needed.
/// A value already there keeps its comments; the file keeps its permissions, and a new
/// one is readable by its owner only, as it holds a secret.
pub(crate) fn write_setting(path: &Path, setting: &str, value: &Secret) -> Result<(), WriteError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(source) => {
            return Err(WriteError::Read {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    let mut doc: DocumentMut =
        text.parse()
            .map_err(|e: toml_edit::TomlError| WriteError::Invalid {
                path: path.to_path_buf(),
                message: e.message().to_string(),
            })?;
    set(doc.as_table_mut(), setting, value.expose()).map_err(|why| WriteError::NoPlace {
        path: path.to_path_buf(),
        setting: setting.to_string(),
        why,
    })?;
    replace(path, doc.to_string().as_bytes()).map_err(|source| WriteError::Write {
        path: path.to_path_buf(),
        source,
    })
}

/// One step of a setting's name: a key, or a key with the index of a table in an array
/// of tables (`credentials[1]`).
fn steps(setting: &str) -> Result<Vec<(&str, Option<usize>)>, String> {
    setting
        .split('.')
        .map(|part| match part.split_once('[') {
            Some((key, rest)) => {
                let index = rest
                    .strip_suffix(']')
                    .and_then(|i| i.parse().ok())
                    .ok_or_else(|| format!("`{part}` is not a key"))?;
                Ok((key, Some(index)))
            }
            None if part.is_empty() => Err("an empty key".to_string()),
            None => Ok((part, None)),
        })
        .collect()
}

fn set(root: &mut Table, setting: &str, value: &str) -> Result<(), String> {
    let steps = steps(setting)?;
    let Some(((last, None), parents)) = steps.split_last() else {
        return Err("the last part names no key".into());
    };
    let mut table: &mut dyn TableLike = root;
    for (key, index) in parents {
        let item = table.entry(key).or_insert_with(|| {
            // `[providers.classet]` alone, not an empty `[providers]` above it.
            let mut t = Table::new();
            t.set_implicit(true);
            Item::Table(t)
        });
        table = match index {
            Some(i) => item
                .as_array_of_tables_mut()
                .and_then(|a| a.get_mut(*i))
                .map(|t| t as &mut dyn TableLike)
                .ok_or_else(|| format!("there is no `[[…{key}]]` number {}", i + 1))?,
            None => item
                .as_table_like_mut()
                .ok_or_else(|| format!("`{key}` is not a table"))?,
        };
    }
    match table.get_mut(last) {
        Some(Item::Value(old)) => {
            // The comment after the old value belongs to the setting, not to the value.
            let decor = old.decor().clone();
            *old = Value::from(value);
            *old.decor_mut() = decor;
        }
        Some(_) => return Err(format!("`{last}` is a table, not a value")),
        None => {
            table.insert(last, toml_edit::value(value));
        }
    }
    Ok(())
}

/// Writes `bytes` to a file beside `path`, then renames it over `path`: a crash midway
/// leaves the old file whole.
fn replace(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "hookscope.toml".into());
    let temp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(&temp)?;
        file.write_all(bytes)?;
        if let Ok(meta) = std::fs::metadata(path) {
            file.set_permissions(meta.permissions())?;
        }
        file.sync_all()?;
        std::fs::rename(&temp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(before: &str, setting: &str, value: &str) -> String {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("hookscope.toml");
        std::fs::write(&path, before).expect("write");
        write_setting(&path, setting, &Secret::new(value)).expect("written");
        std::fs::read_to_string(&path).expect("read")
    }

    #[test]
    fn an_existing_secret_is_replaced_and_every_comment_kept() {
        let before = "# hookscope settings\n\
                      listen = \"127.0.0.1:7777\" # the port\n\
                      \n\
                      [providers.classet]\n\
                      # from the dashboard, rotated monthly\n\
                      secret = \"old-secret\" # keep in sync\n\
                      api_key = \"k\"\n";
        let after = written(before, "providers.classet.secret", "new-secret");
        assert_eq!(
            after,
            "# hookscope settings\n\
             listen = \"127.0.0.1:7777\" # the port\n\
             \n\
             [providers.classet]\n\
             # from the dashboard, rotated monthly\n\
             secret = \"new-secret\" # keep in sync\n\
             api_key = \"k\"\n"
        );
    }

    #[test]
    fn a_missing_key_and_table_are_added_below_what_is_there() {
        let before = "# mine\n[providers.talentsprout]\nsecret = \"whsec_a\"\n";
        let after = written(before, "providers.classet.secret", "s3cr3t");
        assert_eq!(
            after,
            "# mine\n[providers.talentsprout]\nsecret = \"whsec_a\"\n\n\
             [providers.classet]\nsecret = \"s3cr3t\"\n"
        );
        let parsed = Config::from_parts(&after, None, &[]).expect("still a config");
        assert_eq!(
            parsed.providers.classet.secret.as_ref().map(Secret::expose),
            Some("s3cr3t")
        );
    }

    #[test]
    fn a_credential_set_is_written_in_its_own_array_entry() {
        let before = "[[providers.clearspeed.credentials]]\nname = \"a\"\napi_key = \"1\"\n\n\
                      [[providers.clearspeed.credentials]]\nname = \"b\" # second\napi_key = \"2\"\n";
        let after = written(before, "providers.clearspeed.credentials[1].api_key", "two");
        assert!(after.contains("name = \"a\"\napi_key = \"1\""), "{after}");
        assert!(
            after.contains("name = \"b\" # second\napi_key = \"two\""),
            "{after}"
        );
    }

    #[test]
    fn dotted_and_inline_tables_are_written_where_they_are() {
        let after = written(
            "[providers]\nclasset = { secret = \"a\" } # inline\n",
            "providers.classet.secret",
            "b",
        );
        assert_eq!(
            after,
            "[providers]\nclasset = { secret = \"b\" } # inline\n"
        );
    }

    #[test]
    fn no_file_yet_creates_one_for_the_owner_only() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("hookscope.toml");
        write_setting(&path, "providers.jobmojito.value", &Secret::new("v")).expect("created");
        assert_eq!(
            std::fs::read_to_string(&path).expect("read"),
            "[providers.jobmojito]\nvalue = \"v\"\n"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn a_broken_file_is_left_alone_and_the_error_names_no_value() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("hookscope.toml");
        std::fs::write(&path, "[providers.classet\nsecret = \"old\"\n").expect("write");
        let err = write_setting(&path, "providers.classet.secret", &Secret::new("n3w-value"))
            .expect_err("invalid TOML");
        assert!(matches!(err, WriteError::Invalid { .. }), "{err}");
        assert!(!err.to_string().contains("n3w-value"));
        assert_eq!(
            std::fs::read_to_string(&path).expect("read"),
            "[providers.classet\nsecret = \"old\"\n"
        );
        let err = write_setting(
            &path,
            "providers.clearspeed.credentials[3].api_key",
            &Secret::new("x"),
        );
        assert!(err.is_err());
    }

    #[test]
    fn a_table_where_a_value_should_be_is_refused() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("h.toml");
        std::fs::write(&path, "[providers.classet.secret]\nx = 1\n").expect("write");
        let err = write_setting(&path, "providers.classet.secret", &Secret::new("x"))
            .expect_err("a table");
        assert!(matches!(err, WriteError::NoPlace { .. }), "{err}");
    }
}
