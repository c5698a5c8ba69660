//! What was approved before on this machine: one `approvals.toml` per
//! product in the store, and a copy of each approved manifest beside it, so
//! a later review can warn of a rollback and show what changed. Written
//! atomically. A history that cannot be read is never trusted: it degrades
//! to "no previous approval known", with a warning.

use std::path::{Path, PathBuf};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::engine::record::checklist::toml_datetime;
use crate::engine::record::store::replace_atomically;
use crate::engine::select::rollback::{Approval, Previous};
use crate::engine::shared::error::{Error, Result};
use crate::engine::shared::limits;
use crate::engine::shared::manifest::read_manifest;
use crate::engine::shared::text::escape_path;

/// The history format this version writes and reads.
const FORMAT: u32 = 1;
/// A history file larger than this is not a history file.
const HISTORY_MAX: u64 = 64 << 20;

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    format: u32,
    #[serde(default, rename = "approval")]
    approvals: Vec<Approval>,
}

/// A product's history file.
#[derive(Debug, Clone)]
pub struct History {
    pub path: PathBuf,
}

impl History {
    /// The history of `product_id` in the store at `store_root`.
    pub fn in_store(store_root: &Path, product_id: &str) -> Self {
        History {
            path: store_root.join(product_id).join("approvals.toml"),
        }
    }

    fn read(&self) -> std::result::Result<File, String> {
        if !self.path.is_file() {
            return Ok(File {
                format: FORMAT,
                approvals: Vec::new(),
            });
        }
        let shown = self.path.display();
        let bytes =
            limits::read_local(&self.path, HISTORY_MAX, "history").map_err(|e| e.to_string())?;
        let text = String::from_utf8(bytes).map_err(|_| format!("{shown}: not UTF-8"))?;
        // The format first: a newer intake's history is not read as ours.
        let format = toml::from_str::<toml::Table>(&text)
            .map_err(|e| format!("{shown}: {}", e.message()))?
            .get("format")
            .and_then(toml::Value::as_integer);
        match format {
            Some(f) if f == i64::from(FORMAT) => {}
            Some(f) if f > i64::from(FORMAT) => {
                return Err(format!(
                    "{shown}: written by a newer intake (history format {f}); this version does not read it"
                ));
            }
            _ => {
                return Err(format!(
                    "{shown}: not an approval history (no `format = {FORMAT}`)"
                ));
            }
        }
        toml::from_str(&text).map_err(|e| format!("{shown}: {}", e.message()))
    }

    /// The most recent approval of `platform`, with its manifest.
    pub fn previous(&self, platform: &str) -> Previous {
        let file = match self.read() {
            Ok(f) => f,
            Err(why) => return Previous::Unreadable(why),
        };
        let Some(approval) = file
            .approvals
            .into_iter()
            .filter(|a| a.platform == platform)
            .max_by_key(|a| a.time)
        else {
            return Previous::None;
        };
        let dir = self.path.parent().unwrap_or(Path::new("."));
        let manifest = match manifest_in_store(dir, &approval.manifest) {
            Ok(Some(path)) => read_manifest(&path),
            Ok(None) => Err(format!(
                "{}: no such file",
                dir.join(&approval.manifest).display()
            )),
            // A history pointing outside the store is not the store's history.
            Err(why) => {
                return Previous::Unreadable(format!(
                    "{}: the approval of {} {why}; the history is not trusted",
                    self.path.display(),
                    escape_path(approval.version.as_bytes())
                ));
            }
        };
        Previous::Found {
            approval: Box::new(approval),
            manifest,
        }
    }

    /// Every approval of `platform` recorded (none when the history cannot
    /// be read: [`History::previous`] says why).
    pub fn approvals(&self, platform: &str) -> Vec<Approval> {
        self.read()
            .map(|file| {
                file.approvals
                    .into_iter()
                    .filter(|a| a.platform == platform)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Records an approval and keeps a copy of its manifest.
    pub fn record(&self, mut approval: Approval, manifest: &[u8]) -> Result<()> {
        let dir = self.path.parent().unwrap_or(Path::new(".")).to_path_buf();
        let copy = format!(
            "manifests/{}-{}.manifest",
            approval.version, approval.platform
        );
        std::fs::create_dir_all(dir.join("manifests")).map_err(|e| Error::io(&dir, &e))?;
        replace_atomically(&dir.join(&copy), manifest)?;
        approval.manifest = copy;
        // An unreadable history is kept aside, never silently overwritten.
        let mut file = match self.read() {
            Ok(f) => f,
            Err(_) => {
                let aside = self
                    .path
                    .with_extension(format!("toml.unreadable-{}", Timestamp::now().as_second()));
                std::fs::rename(&self.path, &aside).map_err(|e| Error::io(&self.path, &e))?;
                File::default()
            }
        };
        file.format = FORMAT;
        file.approvals.push(approval);
        let text = toml::to_string(&file).map_err(|e| Error::file(&self.path, e.to_string()))?;
        replace_atomically(&self.path, text.as_bytes())
    }
}

/// Where an approval's manifest copy is: a relative path of plain names
/// that stays inside the history's folder once symlinks are followed, and
/// names a regular file there (`Ok(None)`: it is simply missing). Anything
/// else (`..`, an absolute path, a symlink leading out, a FIFO or device)
/// is refused: the history was not written by intake.
fn manifest_in_store(dir: &Path, relative: &str) -> std::result::Result<Option<PathBuf>, String> {
    let named = || format!("names its manifest `{}`", escape_path(relative.as_bytes()));
    let plain = !relative.is_empty()
        && Path::new(relative)
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)));
    if !plain {
        return Err(format!("{}, not a path inside the store", named()));
    }
    let joined = dir.join(relative);
    if std::fs::symlink_metadata(&joined).is_err() {
        return Ok(None);
    }
    let (Ok(root), Ok(real)) = (std::fs::canonicalize(dir), std::fs::canonicalize(&joined)) else {
        return Err(format!("{}, which leads nowhere", named()));
    };
    if !real.starts_with(&root) {
        return Err(format!(
            "{}, which leads outside the store (to {})",
            named(),
            escape_path(real.as_os_str().as_encoded_bytes())
        ));
    }
    if !std::fs::metadata(&real).is_ok_and(|m| m.is_file()) {
        return Err(format!("{}, which is not a regular file", named()));
    }
    Ok(Some(real))
}

/// A new approval record for a review signed off now.
pub fn approval(
    version: &str,
    platform: &str,
    sha256: &str,
    checklist: &Path,
    record: &crate::engine::record::checklist::Record,
    now: Timestamp,
) -> Approval {
    Approval {
        version: version.to_string(),
        platform: platform.to_string(),
        sha256: sha256.to_string(),
        time: toml_datetime(now),
        checklist: checklist.display().to_string(),
        change_request: record.change_request.clone(),
        operator: record.operator.clone(),
        approver: record.approver.clone(),
        manifest: String::new(),
    }
}
