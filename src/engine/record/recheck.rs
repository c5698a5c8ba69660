//! `recheck`: after install, do the installed files still match what was
//! reviewed? Compares a folder with a checklist's manifest: entries missing,
//! modified (content, size, mode, type, symlink target) and extra files.
//! Each file is read and hashed once; files are hashed on every core.
//!
//! A hard link in the archive is recorded in the manifest by the hash of
//! its target's name (it carries no content of its own); what was installed
//! there must be a regular file holding the content of that target entry.

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::engine::inspect::safety::{components, normalize};
use crate::engine::shared::event::Cancel;
use crate::engine::shared::manifest::ManifestEntry;
use crate::engine::shared::text::escape_path;

/// What the folder holds against the manifest (paths as the manifest
/// names them, escaped).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Recheck {
    pub checked: usize,
    pub matched: usize,
    pub missing: Vec<String>,
    /// Path and what differs.
    pub modified: Vec<(String, String)>,
    pub extra: Vec<String>,
    /// Manifest entries that cannot be mapped into the folder safely.
    pub skipped: Vec<String>,
}

impl Recheck {
    pub fn clean(&self) -> bool {
        self.missing.is_empty() && self.modified.is_empty() && self.extra.is_empty()
    }
}

#[cfg(unix)]
fn os_path(bytes: &[u8]) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    PathBuf::from(std::ffi::OsStr::from_bytes(bytes))
}

#[cfg(not(unix))]
fn os_path(bytes: &[u8]) -> PathBuf {
    PathBuf::from(String::from_utf8_lossy(bytes).into_owned())
}

#[cfg(unix)]
fn mode_of(meta: &std::fs::Metadata) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    Some(meta.permissions().mode() & 0o7777)
}

#[cfg(not(unix))]
fn mode_of(_meta: &std::fs::Metadata) -> Option<u32> {
    None
}

/// Compares `dir` with the manifest. With `prefix`, manifest paths under
/// that folder (the archive's top folder) map to `dir` itself.
pub fn recheck(
    manifest: &[ManifestEntry],
    dir: &Path,
    prefix: Option<&str>,
    cancel: &Cancel,
) -> Recheck {
    let prefix = prefix.map(|p| normalize(p.as_bytes()));
    let mut report = Recheck::default();
    let expected = in_folder(manifest, prefix.as_deref(), &mut report.skipped);
    report.checked = expected.len();
    let outcomes = compare_all(&expected, &link_targets(manifest), dir, cancel);
    for (i, difference, present) in outcomes {
        let shown = expected
            .get(i)
            .map(|(rel, _)| escape_path(rel))
            .unwrap_or_default();
        match (present, difference) {
            (false, _) => report.missing.push(shown),
            (true, Some(what)) => report.modified.push((shown, what)),
            (true, None) => report.matched += 1,
        }
    }
    // A package's manifest names installed paths (`/usr/bin/x`): `dir` is
    // then an install root other software shares, whose other files are
    // not this package's to account for.
    if !installs_at_root(manifest) {
        report.extra = extra(dir, &expected);
    }
    report
}

/// Whether the manifest is of a package installed at a root (every path
/// absolute, as inspection records a package's entries).
pub fn installs_at_root(manifest: &[ManifestEntry]) -> bool {
    !manifest.is_empty() && manifest.iter().all(|e| e.path.first() == Some(&b'/'))
}

/// A manifest entry and the path it maps to in the folder.
type Expected<'m> = (Vec<u8>, &'m ManifestEntry);

/// The manifest entries as paths in the folder (under `prefix`, if given).
/// An entry that would land outside the folder is not checked: its path
/// goes to `skipped`.
fn in_folder<'m>(
    manifest: &'m [ManifestEntry],
    prefix: Option<&[u8]>,
    skipped: &mut Vec<String>,
) -> Vec<Expected<'m>> {
    let mut expected = Vec::new();
    for e in manifest {
        let path = normalize(&e.path);
        let rel = match prefix {
            Some(p) if path == p => continue,
            Some(p) => match path.strip_prefix(p).and_then(|r| r.strip_prefix(b"/")) {
                Some(rest) => rest.to_vec(),
                None => continue,
            },
            None => path,
        };
        if rel.is_empty() {
            continue;
        }
        if rel.first() == Some(&b'/') || components(&rel).iter().any(|c| *c == b"..") {
            skipped.push(escape_path(&e.path));
            continue;
        }
        expected.push((rel, e));
    }
    expected
}

/// Index into the expected entries, what differs, and whether it is there.
type Outcome = (usize, Option<String>, bool);

/// Compares every expected entry with what the folder holds, on one
/// thread per core (at most 8); the outcomes in the manifest's order.
fn compare_all(
    expected: &[Expected<'_>],
    link_targets: &HashMap<String, &ManifestEntry>,
    dir: &Path,
    cancel: &Cancel,
) -> Vec<Outcome> {
    let outcomes: Mutex<Vec<Outcome>> = Mutex::new(Vec::new());
    let next = AtomicUsize::new(0);
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
        .clamp(1, 8);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                let mut buf = vec![0u8; 1 << 20];
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if cancel.is_cancelled() {
                        break;
                    }
                    let Some((rel, entry)) = expected.get(i) else {
                        break;
                    };
                    let content = expected_content(entry, link_targets);
                    let (difference, present) =
                        compare(&dir.join(os_path(rel)), entry, content, &mut buf);
                    if let Ok(mut o) = outcomes.lock() {
                        o.push((i, difference, present));
                    }
                }
            });
        }
    });
    let mut outcomes = outcomes.into_inner().unwrap_or_default();
    outcomes.sort_by_key(|o| o.0);
    outcomes
}

/// Files and symlinks in the folder that the manifest does not name, sorted.
fn extra(dir: &Path, expected: &[Expected<'_>]) -> Vec<String> {
    let known: HashSet<&[u8]> = expected.iter().map(|(rel, _)| rel.as_slice()).collect();
    let mut found = Vec::new();
    walk(dir, Vec::new(), &mut found);
    let mut extra: Vec<String> = found
        .into_iter()
        .filter(|rel| !known.contains(rel.as_slice()))
        .map(|rel| escape_path(&rel))
        .collect();
    extra.sort();
    extra
}

/// The file entries a hard link may name, by the SHA-256 of the name (as
/// written in the archive, and in its normal form: a link written
/// `./a/b` names the entry `a/b`).
fn link_targets(manifest: &[ManifestEntry]) -> HashMap<String, &ManifestEntry> {
    let mut targets = HashMap::new();
    for e in manifest.iter().filter(|e| e.kind == "file") {
        targets.insert(crate::engine::fetch::hashers::sha256_hex(&e.path), e);
        targets.insert(
            crate::engine::fetch::hashers::sha256_hex(&normalize(&e.path)),
            e,
        );
    }
    targets
}

/// The content a regular file at this entry must hold: its own for a
/// file, its target's for a hard link (`Err` when the manifest holds no
/// file the link names, so nothing can vouch for what is there).
fn expected_content<'a>(
    entry: &'a ManifestEntry,
    targets: &HashMap<String, &'a ManifestEntry>,
) -> Result<&'a ManifestEntry, String> {
    match entry.kind.as_str() {
        "hardlink" => targets.get(&entry.sha256).copied().ok_or_else(|| {
            "a hard link to no file the manifest holds: its content cannot be checked".to_string()
        }),
        _ => Ok(entry),
    }
}

/// `(what differs, whether it is there at all)`.
fn compare(
    path: &Path,
    entry: &ManifestEntry,
    content: Result<&ManifestEntry, String>,
    buf: &mut [u8],
) -> (Option<String>, bool) {
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return (None, false);
    };
    let kind = if meta.file_type().is_symlink() {
        "symlink"
    } else if meta.is_dir() {
        "dir"
    } else if meta.is_file() {
        "file"
    } else {
        "other"
    };
    let expected_kind = match entry.kind.as_str() {
        "hardlink" => "file",
        k => k,
    };
    if kind != expected_kind {
        return (Some(format!("is a {kind}, was a {}", entry.kind)), true);
    }
    let mut what = Vec::new();
    match kind {
        "symlink" => {
            let target = std::fs::read_link(path)
                .map(|t| t.into_os_string())
                .unwrap_or_default();
            if sha256_of_os(&target) != entry.sha256 {
                what.push(format!(
                    "symlink now points to {}",
                    escape_path(target.as_encoded_bytes())
                ));
            }
        }
        "file" => match content {
            Err(why) => what.push(why),
            Ok(reviewed) if meta.len() != reviewed.size => {
                what.push(format!(
                    "size {} bytes, reviewed {}",
                    meta.len(),
                    reviewed.size
                ));
            }
            Ok(reviewed) => match hash_file(path, buf) {
                Ok(sha) if sha == reviewed.sha256 => {}
                Ok(_) => what.push("content changed (SHA-256 differs)".to_string()),
                Err(e) => what.push(format!("cannot be read: {e}")),
            },
        },
        _ => {}
    }
    if kind != "symlink"
        && let Some(mode) = mode_of(&meta)
        && mode != entry.mode & 0o7777
    {
        what.push(format!(
            "mode {mode:04o}, reviewed {:04o}",
            entry.mode & 0o7777
        ));
    }
    ((!what.is_empty()).then(|| what.join("; ")), true)
}

fn sha256_of_os(s: &std::ffi::OsStr) -> String {
    crate::engine::fetch::hashers::sha256_hex(s.as_encoded_bytes())
}

fn hash_file(path: &Path, buf: &mut [u8]) -> std::io::Result<String> {
    use sha2::Digest;
    let mut file = std::fs::File::open(path)?;
    let mut sha = sha2::Sha256::new();
    loop {
        let n = file.read(buf)?;
        if n == 0 {
            break;
        }
        sha.update(&buf[..n]);
    }
    Ok(hex::encode(sha.finalize()))
}

/// Every file and symlink under `dir` (not following symlinks), relative.
fn walk(dir: &Path, rel: Vec<u8>, out: &mut Vec<Vec<u8>>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let mut path = rel.clone();
        if !path.is_empty() {
            path.push(b'/');
        }
        path.extend_from_slice(name.as_encoded_bytes());
        match e.file_type() {
            Ok(t) if t.is_dir() => walk(&e.path(), path, out),
            Ok(_) => out.push(path),
            Err(_) => {}
        }
    }
}
