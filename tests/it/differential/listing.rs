//! One listing shape for every reader: path → (kind, size, mode, link
//! target, content SHA-256). Intake's comes from the engine's own walk (the
//! functions the review calls), a tool's from walking the tree it extracted
//! (symlinks not followed) or, for Python's zipfile, from its JSON lines.
//! Then the comparison, with the normalisations that make two listings of
//! the same install equal.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use intake::engine::inspect::Limits;
use intake::engine::inspect::contents::safety_check;
use intake::engine::inspect::notes::{Contents, Declared};
use intake::engine::inspect::report::EntryKind;
use intake::engine::inspect::safety::normalize;
use intake::engine::inspect::walk::walk_file;
use intake::engine::shared::check::Status;
use sha2::Digest;

/// One path's reading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub kind: String,
    pub size: u64,
    /// `mode & 0o7777`; `None` for symlinks and where the reader has none.
    pub mode: Option<u32>,
    pub link: Option<Vec<u8>>,
    pub sha256: Option<[u8; 32]>,
}

impl Row {
    fn new(kind: &str) -> Row {
        Row {
            kind: kind.to_string(),
            size: 0,
            mode: None,
            link: None,
            sha256: None,
        }
    }
}

impl fmt::Display for Row {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.kind)?;
        if self.kind == "file" {
            write!(f, " {} B", self.size)?;
        }
        if let Some(mode) = self.mode {
            write!(f, " mode {mode:04o}")?;
        }
        if let Some(link) = &self.link {
            write!(f, " -> {:?}", String::from_utf8_lossy(link))?;
        }
        if let Some(sha) = &self.sha256 {
            write!(f, " sha256 {}", &hex::encode(sha)[..12])?;
        }
        Ok(())
    }
}

/// Normalised path → reading.
pub type Listing = BTreeMap<Vec<u8>, Row>;

/// What intake makes of an archive.
pub struct IntakeView {
    /// Why `archive.safety` fails, when it does.
    pub refused: Option<String>,
    pub listing: Listing,
    /// The kind intake read the bytes as (`zip`, `tar.gz`, `file`, ...).
    pub kind: &'static str,
}

/// Reads the archive at `path` (artifact name `name`) as the review does:
/// from its file ([`walk_file`]); then `archive.safety` exactly
/// as the review judges it, with release notes declaring every entry's
/// mode (so a setuid bit is a decision, not an ambiguity).
pub fn intake(path: &Path, name: &str) -> IntakeView {
    let limits = Limits::default();
    let report = walk_file(path, name, &limits);
    let declared = Contents::Declared {
        entries: report
            .entries
            .iter()
            .map(|e| Declared {
                written: String::from_utf8_lossy(&normalize(&e.path)).into_owned(),
                size: None,
                sha256: None,
                mode: Some(e.mode),
                is_dir: e.kind == EntryKind::Dir,
            })
            .collect(),
        problems: Vec::new(),
    };
    let check = safety_check(&report, Some(&declared));
    let refused = (check.status == Status::Fail).then(|| check.summary.clone());
    let mut listing = Listing::new();
    for e in &report.entries {
        let path = normalize(&e.path);
        if path.is_empty() {
            continue;
        }
        let mut row = Row::new(e.kind.word());
        match &e.kind {
            EntryKind::File => {
                row.size = e.size;
                row.mode = Some(e.mode & 0o7777);
                row.sha256 = e.sha256;
            }
            EntryKind::Dir => row.mode = Some(e.mode & 0o7777),
            EntryKind::Symlink(target) => row.link = Some(target.clone()),
            // A hard link is its target's file once extracted.
            EntryKind::Hardlink(target) => match listing.get(&normalize(target)) {
                Some(file) if file.kind == "file" => row = file.clone(),
                _ => row.link = Some(target.clone()),
            },
            _ => row.mode = Some(e.mode & 0o7777),
        }
        listing.insert(path, row);
    }
    IntakeView {
        refused,
        listing,
        kind: report.kind,
    }
}

fn sha256(data: &[u8]) -> [u8; 32] {
    sha2::Sha256::digest(data).into()
}

/// The tree under `root` as extracted (symlinks not followed).
pub fn walk(root: &Path) -> std::io::Result<Listing> {
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::fs::{FileTypeExt, PermissionsExt};
    let mut listing = Listing::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let path = entry?.path();
            let meta = std::fs::symlink_metadata(&path)?;
            let t = meta.file_type();
            let rel = path.strip_prefix(root).unwrap_or(&path);
            let mut row = Row::new(if t.is_file() {
                "file"
            } else if t.is_dir() {
                "dir"
            } else if t.is_symlink() {
                "symlink"
            } else if t.is_char_device() {
                "chardev"
            } else if t.is_block_device() {
                "blockdev"
            } else if t.is_fifo() {
                "fifo"
            } else {
                "socket"
            });
            if t.is_symlink() {
                row.link = Some(std::fs::read_link(&path)?.as_os_str().as_bytes().to_vec());
            } else {
                row.mode = Some(meta.permissions().mode() & 0o7777);
            }
            if t.is_file() {
                let data = std::fs::read(&path)?;
                row.size = data.len() as u64;
                row.sha256 = Some(sha256(&data));
            }
            if t.is_dir() {
                stack.push(path.clone());
            }
            listing.insert(rel.as_os_str().as_bytes().to_vec(), row);
        }
    }
    Ok(listing)
}

#[derive(serde::Deserialize)]
struct PyRow {
    path: String,
    kind: String,
    size: u64,
    mode: Option<u32>,
    link: Option<String>,
    sha256: Option<String>,
}

/// Python zipfile's JSON lines (see `extract.py`); a later member of the
/// same name replaces an earlier one, as extracting would.
pub fn from_python_zip(stdout: &[u8]) -> Result<Listing, String> {
    let mut listing = Listing::new();
    for line in String::from_utf8_lossy(stdout).lines() {
        let py: PyRow = serde_json::from_str(line).map_err(|e| e.to_string())?;
        let path = hex::decode(&py.path).map_err(|e| e.to_string())?;
        let mut row = Row::new(&py.kind);
        row.size = py.size;
        row.mode = py.mode.filter(|_| py.kind != "symlink");
        row.link = py.link.map(|l| hex::decode(l).unwrap_or_default());
        row.sha256 = py
            .sha256
            .and_then(|s| hex::decode(s).ok())
            .and_then(|v| v.try_into().ok());
        listing.insert(normalize(&path), row);
    }
    Ok(listing)
}

fn same(a: &Row, b: &Row, mode_mask: u32) -> bool {
    let modes = match (a.mode, b.mode) {
        _ if a.kind == "symlink" => true,
        (Some(x), Some(y)) => x & mode_mask == y & mode_mask,
        // A reader without modes (a zip from another system) agrees.
        _ => true,
    };
    a.kind == b.kind && a.size == b.size && a.link == b.link && a.sha256 == b.sha256 && modes
}

/// Every path where the tool's reading differs from intake's. Directories
/// a tool made only to hold a listed path are dropped first; `mode_mask`
/// is the mode bits this tool, run this way, keeps.
pub fn compare(intake: &Listing, tool: &Listing, mode_mask: u32) -> Vec<String> {
    let implied = |path: &[u8]| {
        intake
            .keys()
            .any(|p| p.len() > path.len() && p.starts_with(path) && p[path.len()] == b'/')
    };
    let mut out = Vec::new();
    let shown = |row: Option<&Row>| row.map_or("absent".to_string(), |r| r.to_string());
    for (path, row) in tool {
        if !intake.contains_key(path) && row.kind == "dir" && implied(path) {
            continue;
        }
        let ours = intake.get(path);
        if !ours.is_some_and(|o| same(o, row, mode_mask)) {
            out.push(format!(
                "{:?}: intake {} | tool {}",
                String::from_utf8_lossy(path),
                shown(ours),
                row
            ));
        }
    }
    for (path, row) in intake {
        if !tool.contains_key(path) {
            out.push(format!(
                "{:?}: intake {} | tool absent",
                String::from_utf8_lossy(path),
                row
            ));
        }
    }
    out
}
