//! The operator's settings: `$XDG_CONFIG_HOME/intake/config.toml` (the
//! platform's config folder elsewhere), or the file `--config` names.
//! Flags override them. An unknown or malformed setting is refused naming
//! the file, line and key; a missing file means defaults.

mod places;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::engine::select::toml_spans::{config_error, field_at};
use crate::engine::shared::error::{Error, Result};
use crate::engine::shared::limits;

pub use places::{default_cache, default_store, demo_feed, fetch};

/// Every setting (all optional).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settings {
    /// The file they came from, if any.
    pub path: Option<PathBuf>,
    /// The operator's name (the approver is always named per review).
    pub operator: Option<String>,
    /// OpenPGP secret key that signs checklists.
    pub signing_key: Option<PathBuf>,
    /// Certificates trusted to have signed checklists (`checklist verify`).
    pub trusted_signers: Vec<PathBuf>,
    pub checklist_dir: Option<PathBuf>,
    pub store_dir: Option<PathBuf>,
    pub cache_dir: Option<PathBuf>,
    /// Extra CA certificates (PEM) for https sources.
    pub ca_bundle: Option<PathBuf>,
    pub theme: Option<String>,
    /// Archive expanded-size limit, in bytes.
    pub max_expanded: Option<u64>,
    /// Network timeout, in seconds.
    pub timeout: Option<u64>,
    /// The approval history: a `postgresql://` URL (a team's shared
    /// history) or an SQLite file; unset, the store's `history.sqlite`.
    pub history: Option<String>,
    /// `[signers]`: each approver's name and the certificate of their
    /// signing key, so `approve` knows a key is the named approver's and
    /// `checklist verify` trusts their countersignatures.
    pub signers: BTreeMap<String, PathBuf>,
    /// `checklist verify` fails a checklist that no trusted approver
    /// countersigned.
    pub require_approval: bool,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Raw {
    operator: Option<Spanned<String>>,
    signing_key: Option<Spanned<String>>,
    trusted_signers: Option<Vec<Spanned<String>>>,
    checklist_dir: Option<Spanned<String>>,
    store_dir: Option<Spanned<String>>,
    cache_dir: Option<Spanned<String>>,
    ca_bundle: Option<Spanned<String>>,
    theme: Option<Spanned<String>>,
    max_expanded: Option<Spanned<String>>,
    timeout: Option<Spanned<i64>>,
    history: Option<Spanned<String>>,
    signers: Option<BTreeMap<String, Spanned<String>>>,
    require_approval: Option<bool>,
}

/// Where the settings file is by default.
pub fn default_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "intake").map(|p| p.config_dir().join("config.toml"))
}

impl Settings {
    /// Loads `path`, or the default file; a missing default file is no error.
    pub fn load(path: Option<&Path>) -> Result<Settings> {
        match path {
            Some(p) => Self::load_file(p),
            None => match default_path() {
                Some(p) if p.is_file() => Self::load_file(&p),
                _ => Ok(Settings::default()),
            },
        }
    }

    pub fn load_file(path: &Path) -> Result<Settings> {
        let bytes = limits::read_local(path, limits::FEED_MAX, "settings file")?;
        let text = limits::utf8_text(path, bytes)?;
        let raw: Raw = toml::from_str(&text).map_err(|e| {
            let span = e.span().unwrap_or(0..0);
            config_error(
                path,
                &text,
                span.clone(),
                &field_at(&text, span.start),
                e.message(),
            )
        })?;
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let err = |at: std::ops::Range<usize>, field: &str, message: String| {
            config_error(path, &text, at, field, &message)
        };
        let file = |s: Spanned<String>| {
            let value = s.into_inner();
            let p = PathBuf::from(&value);
            if p.is_absolute() { p } else { dir.join(p) }
        };
        let non_empty = |s: Spanned<String>, field: &str| {
            if s.get_ref().trim().is_empty() {
                Err(err(s.span(), field, "must not be empty".to_string()))
            } else {
                Ok(s.into_inner())
            }
        };
        let max_expanded = match raw.max_expanded {
            None => None,
            Some(s) => Some(
                crate::units::parse_size(s.get_ref())
                    .map_err(|m| err(s.span(), "max_expanded", m))?,
            ),
        };
        let timeout = match raw.timeout {
            None => None,
            Some(t) if *t.get_ref() >= 1 => Some(*t.get_ref() as u64),
            Some(t) => {
                return Err(err(
                    t.span(),
                    "timeout",
                    "must be at least 1 (seconds)".to_string(),
                ));
            }
        };
        Ok(Settings {
            path: Some(path.to_path_buf()),
            operator: raw.operator.map(|s| non_empty(s, "operator")).transpose()?,
            signing_key: raw.signing_key.map(file),
            trusted_signers: raw
                .trusted_signers
                .unwrap_or_default()
                .into_iter()
                .map(file)
                .collect(),
            checklist_dir: raw.checklist_dir.map(file),
            store_dir: raw.store_dir.map(file),
            cache_dir: raw.cache_dir.map(file),
            ca_bundle: raw.ca_bundle.map(file),
            theme: raw.theme.map(|s| non_empty(s, "theme")).transpose()?,
            max_expanded,
            timeout,
            history: raw
                .history
                .map(|s| {
                    let value = non_empty(s.clone(), "history")?;
                    Ok::<_, Error>(if value.contains("://") {
                        value
                    } else {
                        file(s).display().to_string()
                    })
                })
                .transpose()?,
            signers: signers(raw.signers.unwrap_or_default(), &err, &file)?,
            require_approval: raw.require_approval.unwrap_or(false),
        })
    }
}

/// `[signers]`: a name (as the checklist records the approver) for each
/// certificate file, neither empty.
fn signers(
    raw: BTreeMap<String, Spanned<String>>,
    err: &dyn Fn(std::ops::Range<usize>, &str, String) -> Error,
    file: &dyn Fn(Spanned<String>) -> PathBuf,
) -> Result<BTreeMap<String, PathBuf>> {
    let mut out = BTreeMap::new();
    for (name, cert) in raw {
        let field = format!("signers.{name}");
        if name.trim().is_empty() {
            return Err(err(
                cert.span(),
                "signers",
                "a name must not be empty: `\"b.approver\" = \"keys/b.approver.asc\"`".to_string(),
            ));
        }
        if cert.get_ref().trim().is_empty() {
            return Err(err(
                cert.span(),
                &field,
                "must name the approver's certificate file".to_string(),
            ));
        }
        out.insert(name, file(cert));
    }
    Ok(out)
}

/// A settings error for a value found invalid later (a key that cannot
/// sign, a theme that does not exist).
pub fn bad_setting(settings: &Settings, key: &str, message: impl Into<String>) -> Error {
    let path = settings
        .path
        .clone()
        .unwrap_or_else(|| PathBuf::from("(settings)"));
    Error::file(path, format!("{key}: {}", message.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Settings> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, text).unwrap();
        Settings::load_file(&path)
    }

    #[test]
    fn reads_every_setting_with_paths_relative_to_the_file() {
        let s = load("operator = \"a.operator\"\nsigning_key = \"keys/me.asc\"\ntrusted_signers = [\"/etc/intake/team.asc\"]\nchecklist_dir = \"/srv/checklists\"\nmax_expanded = \"2GiB\"\ntimeout = 10\ntheme = \"mono\"\n").unwrap();
        assert_eq!(s.operator.as_deref(), Some("a.operator"));
        assert!(s.signing_key.unwrap().ends_with("keys/me.asc"));
        assert_eq!(
            s.trusted_signers,
            vec![PathBuf::from("/etc/intake/team.asc")]
        );
        assert_eq!(s.max_expanded, Some(2 << 30));
        assert_eq!(s.timeout, Some(10));
    }

    #[test]
    fn refuses_unknown_and_malformed_settings_naming_line_and_key() {
        match load("operator = \"a\"\ncolour = \"blue\"\n") {
            Err(Error::Config {
                line,
                field,
                message,
                ..
            }) => {
                assert_eq!((line, field.as_str()), (2, "colour"));
                assert!(message.contains("unknown field `colour`"), "{message}");
            }
            other => panic!("{other:?}"),
        }
        match load("max_expanded = \"lots\"\n") {
            Err(Error::Config { line, field, .. }) => {
                assert_eq!((line, field.as_str()), (1, "max_expanded"))
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(load("timeout = 0\n"), Err(Error::Config { .. })));
        assert!(matches!(
            load("operator = \"\"\n"),
            Err(Error::Config { .. })
        ));
    }

    #[test]
    fn reads_the_signers_table_and_require_approval() {
        let s = load("require_approval = true\n\n[signers]\n\"b.approver\" = \"keys/b.approver.asc\"\n\"c.approver\" = \"/etc/intake/c.asc\"\n").unwrap();
        assert!(s.require_approval);
        assert!(s.signers["b.approver"].ends_with("keys/b.approver.asc"));
        assert!(s.signers["b.approver"].is_absolute());
        assert_eq!(s.signers["c.approver"], PathBuf::from("/etc/intake/c.asc"));
        assert!(!load("").unwrap().require_approval);
    }

    #[test]
    fn refuses_a_malformed_signers_table_naming_line_and_key() {
        for (text, at_line, at_field, words) in [
            (
                "[signers]\n\"b.approver\" = \"\"\n",
                2,
                "signers.b.approver",
                "certificate file",
            ),
            (
                "[signers]\n\"\" = \"k.asc\"\n",
                2,
                "signers",
                "a name must not be empty",
            ),
            ("signers = [\"k.asc\"]\n", 1, "signers", "invalid type"),
            (
                "require_approval = \"yes\"\n",
                1,
                "require_approval",
                "invalid type",
            ),
        ] {
            match load(text) {
                Err(Error::Config {
                    line,
                    field,
                    message,
                    ..
                }) => {
                    assert_eq!((line, field.as_str()), (at_line, at_field), "{text}");
                    assert!(message.contains(words), "{text}: {message}");
                }
                other => panic!("{text}: {other:?}"),
            }
        }
    }
}
