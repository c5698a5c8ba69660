//! What was approved before on this machine: one `approvals.toml` per
//! product in the store, and a copy of each approved manifest beside it, so
//! a later review can warn of a rollback and show what changed. Written
//! atomically. A history that cannot be read is never trusted: it degrades
//! to "no previous approval known", with a warning.

use std::path::{Path, PathBuf};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::engine::check::{Check, CheckId};
use crate::engine::checklist::{escape_path, toml_datetime, unescape_path};
use crate::engine::error::{Error, Result};
use crate::engine::limits;
use crate::engine::review::ManifestEntry;
use crate::engine::store::replace_atomically;
use crate::engine::version;

/// The history format this version writes and reads.
const FORMAT: u32 = 1;
/// A history file larger than this is not a history file.
const HISTORY_MAX: u64 = 64 << 20;

/// One approval.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Approval {
    pub version: String,
    pub platform: String,
    pub sha256: String,
    pub time: toml::value::Datetime,
    /// The checklist, where it was written.
    pub checklist: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change_request: Option<String>,
    pub operator: String,
    pub approver: String,
    /// The manifest's copy, relative to the history file.
    pub manifest: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    format: u32,
    #[serde(default, rename = "approval")]
    approvals: Vec<Approval>,
}

/// What a review knows of earlier approvals of its product and platform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Previous {
    /// Nothing recorded (or no history kept).
    None,
    /// The history could not be read: nothing is known.
    Unreadable(String),
    /// The most recent approval, and its manifest (or why it is missing).
    Found {
        approval: Box<Approval>,
        manifest: std::result::Result<Vec<ManifestEntry>, String>,
    },
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

/// Reads a manifest file (`sha256 TAB size TAB mode TAB type TAB path`).
pub fn read_manifest(path: &Path) -> std::result::Result<Vec<ManifestEntry>, String> {
    let bytes = limits::read_local(path, 1 << 30, "manifest").map_err(|e| e.to_string())?;
    parse_manifest(&bytes).map_err(|why| format!("{}: {why}", path.display()))
}

/// Parses manifest text; says which line is wrong.
pub fn parse_manifest(bytes: &[u8]) -> std::result::Result<Vec<ManifestEntry>, String> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| "not UTF-8 (an escaped manifest always is)".to_string())?;
    text.lines()
        .enumerate()
        .map(|(i, line)| {
            let bad = || {
                format!(
                    "line {} is not `sha256<TAB>size<TAB>mode<TAB>type<TAB>path`",
                    i + 1
                )
            };
            let mut cols = line.splitn(5, '\t');
            let (sha, size, mode, kind, path) = (
                cols.next(),
                cols.next(),
                cols.next(),
                cols.next(),
                cols.next(),
            );
            let (Some(sha), Some(size), Some(mode), Some(kind), Some(path)) =
                (sha, size, mode, kind, path)
            else {
                return Err(bad());
            };
            Ok(ManifestEntry {
                sha256: sha.to_string(),
                size: size.parse().map_err(|_| bad())?,
                mode: u32::from_str_radix(mode, 8).map_err(|_| bad())?,
                kind: kind.to_string(),
                path: unescape_path(path).ok_or_else(bad)?,
            })
        })
        .collect()
}

/// `release.rollback`: is this older than what was approved here last?
pub fn rollback_check(previous: &Previous, version: &str, platform: &str) -> Check {
    let id = CheckId::ReleaseRollback;
    match previous {
        Previous::None => Check::skip(
            id,
            format!("no earlier approval for {platform} is recorded on this machine"),
        ),
        Previous::Unreadable(why) => Check::warn(
            id,
            format!("the approval history cannot be read, so no previous approval is known: {why}"),
        ),
        Previous::Found { approval, .. } => {
            let when = approval
                .time
                .date
                .map(|d| d.to_string())
                .unwrap_or_default();
            let cr = approval
                .change_request
                .as_deref()
                .map(|c| format!(", {c}"))
                .unwrap_or_default();
            let said = format!("{} was approved here on {when}{cr}", approval.version);
            let check = match version::compare(version, &approval.version) {
                std::cmp::Ordering::Less => Check::warn(
                    id,
                    format!("{version} is older than {said}: a rollback needs a written reason"),
                ),
                std::cmp::Ordering::Equal => Check::pass(id, format!("a re-review: {said}")),
                std::cmp::Ordering::Greater => {
                    Check::pass(id, format!("{version} is newer than {said}"))
                }
            };
            check
                .with_evidence("last_approved", approval.version.clone())
                .with_evidence("approved_on", when)
        }
    }
}

/// `release.rollback` once the artifact is read: as [`rollback_check`],
/// and a failure when this version and platform were approved here for
/// other bytes (`approvals`: every approval of the platform recorded in the
/// history; the latest one in `previous` counts too). Same version,
/// different digest: the vendor's published file changed after it was
/// approved, which an operator must hear of before anything is installed.
pub fn rollback_check_read(
    previous: &Previous,
    approvals: &[Approval],
    version: &str,
    platform: &str,
    sha256: &str,
) -> Check {
    let latest = match previous {
        Previous::Found { approval, .. } => Some(approval.as_ref()),
        _ => None,
    };
    let changed = approvals
        .iter()
        .chain(latest)
        .filter(|a| a.version == version && a.platform == platform)
        .filter(|a| !a.sha256.eq_ignore_ascii_case(sha256))
        .max_by_key(|a| a.time);
    let Some(earlier) = changed else {
        return rollback_check(previous, version, platform);
    };
    let when = earlier.time.date.map(|d| d.to_string()).unwrap_or_default();
    let was = escape_path(earlier.sha256.as_bytes());
    Check::fail(
        CheckId::ReleaseRollback,
        format!(
            "the store holds different bytes for {version} {platform} (SHA-256 {}) approved on {when}; these are SHA-256 {}: the vendor's bytes changed since: do not install; report it to the vendor",
            crate::engine::checksums::short(&was),
            crate::engine::checksums::short(sha256),
        ),
    )
    .with_evidence("last_approved", version.to_string())
    .with_evidence("approved_on", when)
    .with_evidence("approved_sha256", was)
    .with_evidence("sha256", sha256.to_string())
}

/// A new approval record for a review signed off now.
pub fn approval(
    version: &str,
    platform: &str,
    sha256: &str,
    checklist: &Path,
    record: &crate::engine::checklist::Record,
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
