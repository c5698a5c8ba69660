//! The header's file list (`DIRNAMES`/`BASENAMES`/`DIRINDEXES` with the
//! per-file arrays) against the payload as it streamed: every file of one
//! must be the other's, with the same type and mode, size, symlink target
//! and digest (`FILEDIGESTS`, in `FILEDIGESTALGO`). rpm installs modes,
//! owners and link targets from the header and content from the payload,
//! so a disagreement means what was reviewed is not what is installed; it
//! fails, naming the file. `%ghost` files are listed and never in the
//! payload.

use std::collections::HashMap;

use crate::engine::inspect::package::ListedDigests;
use crate::engine::inspect::report::{Entry, EntryKind};
use crate::engine::shared::check::{Finding, Status};
use crate::engine::shared::text::escape_path;

use super::header::Header;
use super::tags::{self, algo};

/// One file as the header lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub path: Vec<u8>,
    /// Type and permission bits (`0o100755`).
    pub mode: u32,
    pub size: u64,
    /// Hex, empty for what is not a regular file.
    pub digest: Vec<u8>,
    pub link: Vec<u8>,
    pub ghost: bool,
}

/// What the list is called in findings.
pub const LIST: &str = "the header's file list";

/// The header's files; `Err` when its arrays disagree in length or point
/// outside each other.
pub fn listed(h: &Header) -> Result<Vec<Listed>, String> {
    let Some(bases) = h.strings(tags::BASENAMES) else {
        return Ok(Vec::new());
    };
    let n = bases.len();
    let dirs = h.strings(tags::DIRNAMES).unwrap_or_default();
    let sizes = h
        .ints(tags::LONGFILESIZES)
        .or_else(|| h.ints(tags::FILESIZES));
    let need_ints = |tag: u32, name: &str| -> Result<Vec<u64>, String> {
        h.ints(tag)
            .filter(|v| v.len() == n)
            .ok_or_else(|| format!("{name} does not list the {n} files BASENAMES names"))
    };
    let need_strings = |tag: u32, name: &str| -> Result<Vec<&[u8]>, String> {
        h.strings(tag)
            .filter(|v| v.len() == n)
            .ok_or_else(|| format!("{name} does not list the {n} files BASENAMES names"))
    };
    let index = need_ints(tags::DIRINDEXES, "DIRINDEXES")?;
    let modes = need_ints(tags::FILEMODES, "FILEMODES")?;
    let sizes = sizes
        .filter(|v| v.len() == n)
        .ok_or_else(|| format!("FILESIZES does not list the {n} files BASENAMES names"))?;
    let digests = need_strings(tags::FILEDIGESTS, "FILEDIGESTS")?;
    let links = need_strings(tags::FILELINKTOS, "FILELINKTOS")?;
    let flags = h
        .ints(tags::FILEFLAGS)
        .filter(|v| v.len() == n)
        .unwrap_or_else(|| vec![0; n]);
    need_strings(tags::FILEUSERNAME, "FILEUSERNAME")?;
    need_strings(tags::FILEGROUPNAME, "FILEGROUPNAME")?;
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let dir = index
            .get(i)
            .and_then(|d| dirs.get(*d as usize))
            .ok_or_else(|| format!("DIRINDEXES of file {} points past DIRNAMES", i + 1))?;
        let mut path = dir.to_vec();
        path.extend_from_slice(bases[i]);
        out.push(Listed {
            path,
            mode: modes[i] as u32,
            size: sizes[i],
            digest: digests[i].to_ascii_lowercase(),
            link: links[i].to_vec(),
            ghost: flags[i] & tags::FILE_GHOST != 0,
        });
    }
    Ok(out)
}

/// The digest algorithm's name, when intake computes it per file.
pub fn algorithm(h: &Header) -> Result<&'static str, u64> {
    match h.int(tags::FILEDIGESTALGO).unwrap_or(algo::MD5) {
        algo::MD5 => Ok("MD5"),
        algo::SHA256 => Ok("SHA-256"),
        other => Err(other),
    }
}

/// Compares the list with the payload's entries (installed paths;
/// `md5` by entry index when the list is in MD5).
pub fn compare(
    listed: &[Listed],
    algorithm: Result<&'static str, u64>,
    entries: &[Entry],
    md5: &[Option<[u8; 16]>],
) -> ListedDigests {
    let mut findings = Vec::new();
    let mut fail = |path: &[u8], why: String| {
        findings.push(Finding::new(Status::Fail, escape_path(path), why));
    };
    let mut by_path: HashMap<&[u8], &Listed> = HashMap::with_capacity(listed.len());
    for l in listed {
        if by_path.insert(&l.path, l).is_some() {
            fail(&l.path, format!("{LIST} names this path twice"));
        }
    }
    let holders: HashMap<&[u8], usize> = entries
        .iter()
        .enumerate()
        .filter(|(_, e)| e.kind == EntryKind::File)
        .map(|(i, e)| (e.path.as_slice(), i))
        .collect();
    let mut seen: HashMap<&[u8], ()> = HashMap::with_capacity(entries.len());
    let mut agreed = 0u64;
    for (i, e) in entries.iter().enumerate() {
        seen.insert(&e.path, ());
        let Some(l) = by_path.get(e.path.as_slice()) else {
            fail(
                &e.path,
                format!("in the payload but not in {LIST}: rpm refuses to install it"),
            );
            continue;
        };
        if l.ghost {
            fail(
                &e.path,
                format!("a %ghost file in {LIST}, yet the payload holds it"),
            );
            continue;
        }
        // A hard link's content is the file that carries it.
        let content = match &e.kind {
            EntryKind::Hardlink(t) => holders.get(t.as_slice()).copied(),
            _ => Some(i),
        };
        for why in differences(l, e, content.and_then(|c| entries.get(c))) {
            fail(&e.path, why);
        }
        if !matches!(e.kind, EntryKind::File | EntryKind::Hardlink(_)) {
            continue;
        }
        let Ok(name) = algorithm else { continue };
        match digest_agrees(l, name, content, entries, md5) {
            Ok(()) => agreed += 1,
            Err(why) => fail(&e.path, why),
        }
    }
    for l in listed
        .iter()
        .filter(|l| !l.ghost && !seen.contains_key(l.path.as_slice()))
    {
        fail(&l.path, format!("listed in {LIST}, but not in the payload"));
    }
    if let Err(code) = algorithm {
        findings.push(Finding::new(
            Status::Fail,
            "FILEDIGESTALGO",
            format!("file digest algorithm {code}, which intake does not compute: the files cannot be compared with {LIST}"),
        ));
    }
    ListedDigests::Compared {
        list: "FILEDIGESTS".into(),
        algorithm: algorithm.unwrap_or("?"),
        agreed,
        unlisted: 0,
        findings,
    }
}

/// Whether the listed digest (`name`: `MD5` or `SHA-256`) is the one the
/// file holding the entry's content streamed past with.
fn digest_agrees(
    l: &Listed,
    name: &str,
    content: Option<usize>,
    entries: &[Entry],
    md5: &[Option<[u8; 16]>],
) -> Result<(), String> {
    let got = content.and_then(|c| match name {
        "MD5" => md5.get(c).copied().flatten().map(hex::encode),
        _ => entries.get(c).and_then(|h| h.sha256).map(hex::encode),
    });
    match got {
        Some(got) if got.as_bytes() == l.digest.as_slice() => Ok(()),
        Some(got) => Err(format!(
            "{name} {got}, but {LIST} says {}: the file is not the one the header lists",
            escape_path(&l.digest)
        )),
        None => Err(format!(
            "its {name} could not be computed to compare with {LIST}"
        )),
    }
}

/// How an entry differs from its listing (`content`: the entry holding
/// its data, for size).
fn differences(l: &Listed, e: &Entry, content: Option<&Entry>) -> Vec<String> {
    let mut out = Vec::new();
    let kind_bits = match &e.kind {
        EntryKind::File | EntryKind::Hardlink(_) => 0o100000,
        EntryKind::Dir => 0o040000,
        EntryKind::Symlink(_) => 0o120000,
        EntryKind::CharDevice => 0o020000,
        EntryKind::BlockDevice => 0o060000,
        EntryKind::Fifo => 0o010000,
        EntryKind::Socket => 0o140000,
        EntryKind::Other(_) => 0,
    };
    let mode = kind_bits | e.mode;
    if mode != l.mode {
        out.push(format!(
            "mode {mode:o} in the payload, {:o} in {LIST}: rpm installs the header's",
            l.mode
        ));
    }
    if kind_bits == 0o100000 {
        let size = content.map_or(0, |c| c.size);
        if size != l.size {
            out.push(format!("{size} bytes in the payload, {} in {LIST}", l.size));
        }
    }
    if let EntryKind::Symlink(target) = &e.kind
        && *target != l.link
    {
        out.push(format!(
            "a symlink to {} in the payload, to {} in {LIST}: rpm creates the header's",
            escape_path(target),
            escape_path(&l.link)
        ));
    }
    out
}
