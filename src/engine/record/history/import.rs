//! The TOML histories earlier versions of intake wrote: one
//! `approvals.toml` per product folder in the store, with a copy of each
//! approved manifest beside it. The database imports each once; these
//! functions find and read them with the same care as before (a newer
//! format is refused, a manifest path leading outside the store is not
//! followed).

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::engine::select::rollback::Approval;
use crate::engine::shared::limits;
use crate::engine::shared::text::escape_path;

/// The TOML history format earlier versions wrote.
const FORMAT: u32 = 1;
/// A history file larger than this is not a history file.
const HISTORY_MAX: u64 = 64 << 20;
/// A manifest copy larger than this is not one intake wrote.
const MANIFEST_MAX: u64 = 1 << 30;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[allow(dead_code)]
    format: u32,
    #[serde(default, rename = "approval")]
    approvals: Vec<Approval>,
}

/// The TOML histories waiting in the store: `(product id, file)`.
pub(super) fn legacy_files(store_root: &Path) -> Vec<(String, PathBuf)> {
    let Ok(dir) = std::fs::read_dir(store_root) else {
        return Vec::new();
    };
    let mut found: Vec<(String, PathBuf)> = dir
        .filter_map(|entry| entry.ok())
        .filter_map(|entry| {
            let file = entry.path().join("approvals.toml");
            let product = entry.file_name().to_str()?.to_string();
            file.is_file().then_some((product, file))
        })
        .collect();
    found.sort();
    found
}

/// Once imported, the TOML history is renamed so no one edits it thinking
/// it still counts (a failed rename is harmless: the database remembers).
pub(super) fn set_aside(file: &Path) {
    let _ = std::fs::rename(file, file.with_extension("toml.imported"));
}

/// An approval of a TOML history, and its manifest's bytes when the copy
/// is there.
pub(super) type Imported = (Approval, Option<Vec<u8>>);

/// The approvals of a TOML history, each with its manifest's bytes when
/// the copy is there.
pub(super) fn read_legacy(path: &Path) -> Result<Vec<Imported>, String> {
    let file = read(path).map_err(|why| {
        format!("{why}; it was not imported: move it aside once you have checked it")
    })?;
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut out = Vec::new();
    for approval in file.approvals {
        let manifest = match manifest_in_store(dir, &approval.manifest) {
            Ok(Some(copy)) => Some(
                limits::read_local(&copy, MANIFEST_MAX, "manifest").map_err(|e| e.to_string())?,
            ),
            Ok(None) => None,
            Err(why) => {
                return Err(format!(
                    "{}: the approval of {} {why}; the history is not trusted, and was not imported",
                    path.display(),
                    escape_path(approval.version.as_bytes())
                ));
            }
        };
        out.push((approval, manifest));
    }
    Ok(out)
}

fn read(path: &Path) -> Result<File, String> {
    let shown = path.display();
    let bytes = limits::read_local(path, HISTORY_MAX, "history").map_err(|e| e.to_string())?;
    let text = String::from_utf8(bytes).map_err(|_| format!("{shown}: not UTF-8"))?;
    // The format first: a newer intake's history is not read as ours.
    let format = toml::from_str::<toml::Table>(&text)
        .map_err(|e| format!("{shown} cannot be read: {}", e.message()))?
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
    toml::from_str(&text).map_err(|e| format!("{shown} cannot be read: {}", e.message()))
}

/// Where an approval's manifest copy is: a relative path of plain names
/// that stays inside the history's folder once symlinks are followed, and
/// names a regular file there (`Ok(None)`: it is simply missing). Anything
/// else (`..`, an absolute path, a symlink leading out, a FIFO or device)
/// is refused: the history was not written by intake.
fn manifest_in_store(dir: &Path, relative: &str) -> Result<Option<PathBuf>, String> {
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

/// Reads a TOML history as the import would (for the fuzz target): its
/// approvals, or why it is refused.
pub fn parse_for_import(path: &Path) -> Result<usize, String> {
    read_legacy(path).map(|approvals| approvals.len())
}
