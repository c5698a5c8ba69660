//! The manifest: one line per entry of the artifact,
//! `sha256<TAB>size<TAB>mode<TAB>type<TAB>path`, each path escaped by
//! [`escape_path`] so no line can be forged by a name. Inspection makes
//! the entries, the checklist writes them, the history and recheck read
//! them back: the format is written and read here only.

use std::path::Path;

use crate::engine::shared::limits;
use crate::engine::shared::text::{escape_path, unescape_path};

/// One line of the artifact's manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestEntry {
    pub sha256: String,
    pub size: u64,
    /// Octal permission bits, e.g. `0755`.
    pub mode: u32,
    pub kind: String,
    /// The path as raw bytes (escaped when written).
    pub path: Vec<u8>,
}

/// Renders the manifest file.
pub fn render(entries: &[ManifestEntry]) -> Vec<u8> {
    let mut out = String::new();
    for e in entries {
        out.push_str(&format!(
            "{}\t{}\t{:04o}\t{}\t{}\n",
            e.sha256,
            e.size,
            e.mode & 0o7777,
            e.kind,
            escape_path(&e.path)
        ));
    }
    out.into_bytes()
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
