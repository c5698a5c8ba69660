//! The safety rules of SPEC.md's archive table. The form of each name,
//! entry types, duplicates and world-writable modes are judged entry by
//! entry as the archive streams past ([`Safety::judge`]); links, folders
//! written through symlinks and names that collide on the review's target
//! platform are judged once the whole archive is known
//! ([`Safety::finish`]), so the order of entries cannot hide them.
//! setuid/setgid needs the release notes and is judged afterwards
//! ([`setuid_findings`]). The work and memory all this takes are bounded:
//! names are not copied (duplicates are found by digest), findings past
//! [`MAX_FINDINGS`] are counted rather than kept, and the walk stops once
//! the names read pass [`Limits::max_name_bytes`].

mod links;
mod platform;

use std::collections::HashMap;

use sha2::{Digest, Sha256};

use crate::engine::shared::check::{Finding, Status};
use crate::engine::shared::text::escape_path;

use super::meter::Limits;
use super::report::{Entry, EntryKind};

pub use links::{MAX_LINK_HOPS, MAX_LINK_NODES};
pub use platform::Platform;

/// Safety findings kept for one archive; the rest are counted, and one
/// last finding says how many (and how many of them failed).
pub const MAX_FINDINGS: usize = 1_000;

/// A path as the components it names: no empty or `.` parts.
pub fn components(path: &[u8]) -> Vec<&[u8]> {
    path.split(|b| *b == b'/')
        .filter(|c| !c.is_empty() && *c != b".")
        .collect()
}

/// `./a//b/` and `a/b` name the same entry.
pub fn normalize(path: &[u8]) -> Vec<u8> {
    components(path).join(&b'/')
}

/// The entry's name as it may be shown: every control or reordering
/// character escaped, so no name can rewrite the screen it is shown on.
pub fn shown(path: &[u8]) -> String {
    escape_path(path)
}

/// A 128-bit digest of a normalized path: duplicates are found without
/// keeping a second copy of every name.
fn path_key(path: &[u8]) -> [u8; 16] {
    let mut hasher = Sha256::new();
    for (i, part) in components(path).into_iter().enumerate() {
        if i > 0 {
            hasher.update(b"/");
        }
        hasher.update(part);
    }
    let digest = hasher.finalize();
    let mut key = [0u8; 16];
    key.copy_from_slice(&digest[..16]);
    key
}

/// Judges entries one at a time, remembering what it needs (names seen,
/// symlinks) to judge the whole archive at its end.
pub struct Safety {
    seen: HashMap<[u8; 16], usize>,
    links: links::LinkTree,
    platform: Platform,
    count: usize,
    name_bytes: u64,
    max_name_bytes: u64,
    max_link_steps: u64,
    /// Findings handed out so far, and those counted but not kept.
    kept: usize,
    omitted: (u64, u64),
    /// A root filesystem (a package's data, installed at `/`).
    rooted: bool,
}

impl Default for Safety {
    fn default() -> Self {
        Self::for_limits(&Limits::default())
    }
}

impl Safety {
    pub fn new() -> Self {
        Self::default()
    }

    /// With the review's target platform and name budget.
    pub fn for_limits(limits: &Limits) -> Self {
        Safety {
            seen: HashMap::new(),
            links: links::LinkTree::new(limits.max_link_steps),
            platform: Platform::from_name(&limits.platform),
            count: 0,
            name_bytes: 0,
            max_name_bytes: limits.max_name_bytes,
            max_link_steps: limits.max_link_steps,
            kept: 0,
            omitted: (0, 0),
            rooted: false,
        }
    }

    /// Judging a root filesystem (a package installed at `/`): a symlink's
    /// absolute target is followed from the root, as it will be once
    /// installed, rather than leaving it; an entry written through one of
    /// the package's own symlinks fails, since it would land elsewhere
    /// than its name (and the package's records) say.
    pub fn root_filesystem(mut self) -> Self {
        self.rooted = true;
        self.links.rooted = true;
        self
    }

    /// Why the walk must stop here, once the names read pass the budget.
    pub fn exhausted(&self) -> Option<String> {
        (self.name_bytes > self.max_name_bytes).then(|| {
            format!(
                "the entry names and link targets add up to more than {} bytes (the limit for one archive): refused",
                self.max_name_bytes
            )
        })
    }

    /// Keeps the first [`MAX_FINDINGS`] findings, counts the rest.
    fn keep(&mut self, found: Vec<Finding>) -> Vec<Finding> {
        let mut out = Vec::new();
        for f in found {
            if self.kept < MAX_FINDINGS {
                self.kept += 1;
                out.push(f);
            } else if f.status == Status::Fail {
                self.omitted.0 += 1;
            } else {
                self.omitted.1 += 1;
            }
        }
        out
    }

    /// The findings about one entry that need no later entry, in archive order.
    pub fn judge(&mut self, entry: &Entry) -> Vec<Finding> {
        self.count += 1;
        self.name_bytes += entry.path.len() as u64;
        // Walking an entry's own name and link target is always allowed.
        let mut steps = 2 * (entry.path.iter().filter(|b| **b == b'/').count() as u64 + 1);
        if let EntryKind::Symlink(t) | EntryKind::Hardlink(t) = &entry.kind {
            self.name_bytes += t.len() as u64;
            steps += 2 * (t.iter().filter(|b| **b == b'/').count() as u64 + 1);
        }
        self.links.allow(steps);
        let found = self.judge_entry(entry);
        self.keep(found)
    }

    fn judge_entry(&mut self, entry: &Entry) -> Vec<Finding> {
        // The escaped name is made only for a finding: most entries have none.
        let subject = || shown(&entry.path);
        let mut out = Vec::new();
        let mut fail = |summary: String| out.push(Finding::new(Status::Fail, subject(), summary));

        if let Some(problem) = name_problem(&entry.path) {
            fail(problem);
        }
        let empty = components(&entry.path).is_empty();
        if empty && entry.kind != EntryKind::Dir {
            fail("an entry with an empty name".to_string());
        }
        match &entry.kind {
            EntryKind::CharDevice | EntryKind::BlockDevice => {
                fail("a device entry: an installer has no reason to create devices".into())
            }
            EntryKind::Fifo => fail("a FIFO (named pipe) entry".into()),
            EntryKind::Socket => fail("a socket entry".into()),
            EntryKind::Other(code) => fail(format!(
                "an entry of unknown type {code}: cannot say what it would create"
            )),
            EntryKind::Symlink(target) => self.links.insert(&entry.path, target),
            EntryKind::Hardlink(_) | EntryKind::File | EntryKind::Dir => {}
        }
        if !empty {
            let key = path_key(&entry.path);
            if let Some(first) = self.seen.get(&key) {
                fail(format!(
                    "the same path twice (entries {} and {})",
                    first, self.count
                ));
            } else {
                self.seen.insert(key, self.count);
            }
        }
        let world_writable = entry.mode & 0o002 != 0;
        let sticky = entry.mode & 0o1000 != 0;
        match entry.kind {
            EntryKind::File if world_writable => {
                out.push(Finding::new(
                    Status::Warn,
                    subject(),
                    format!(
                        "world-writable ({:04o}): anyone on the host could change it",
                        entry.mode
                    ),
                ));
            }
            EntryKind::Dir if world_writable && !sticky => {
                out.push(Finding::new(
                    Status::Warn,
                    subject(),
                    format!(
                        "world-writable folder ({:04o}) without the sticky bit",
                        entry.mode
                    ),
                ));
            }
            _ => {}
        }
        out
    }

    /// The findings that need the whole archive (`entries`, every entry
    /// judged, in order): links and folders resolved through the final set
    /// of symlinks, names that collide on the target platform, and a count
    /// of the findings not kept.
    pub fn finish(&mut self, entries: &[Entry]) -> Vec<Finding> {
        let mut found = Vec::new();
        for entry in entries {
            found.extend(self.link_findings(entry));
        }
        if self.links.overwhelmed {
            found.push(Finding::new(
                Status::Fail,
                "(archive)",
                format!(
                    "its symlinks are too many or too deep to resolve within the limits ({MAX_LINK_NODES} symlink path parts, {} steps beyond its names): where its links lead cannot be judged; refused",
                    self.max_link_steps
                ),
            ));
        }
        platform::findings(entries, self.platform, &mut |f| found.push(f));
        let mut out = self.keep(found);
        let (fails, warns) = self.omitted;
        if fails + warns > 0 {
            out.push(Finding::unlisted(fails, warns));
        }
        out
    }

    /// Where one entry's link, or the folder it is written into, leads.
    fn link_findings(&mut self, entry: &Entry) -> Option<Finding> {
        let parent = parent_of(&entry.path);
        let (outcome, what) = match &entry.kind {
            EntryKind::Symlink(target) => (
                self.target_outcome(parent, target),
                format!("symlink to {} leaves the archive root", shown(target)),
            ),
            EntryKind::Hardlink(target) => (
                self.target_outcome(b"", target),
                format!("hard link to {} leaves the archive root", shown(target)),
            ),
            _ => (links::Outcome::Inside, String::new()),
        };
        if let links::Outcome::Escapes(why) = outcome {
            return Some(Finding::new(
                Status::Fail,
                shown(&entry.path),
                format!("{what} ({why})"),
            ));
        }
        // Written through a symlinked folder (anywhere in the archive)?
        if components(parent).is_empty() || name_problem(&entry.path).is_some() {
            return None;
        }
        match self.links.resolve_counting(b"", parent) {
            (links::Outcome::Escapes(why), _) => Some(Finding::new(
                Status::Fail,
                shown(&entry.path),
                format!("would be written outside the archive root ({why})"),
            )),
            (links::Outcome::Inside, hops) if self.rooted && hops > 0 => Some(Finding::new(
                Status::Fail,
                shown(&entry.path),
                "would be written through a symlink of the same package: it would land elsewhere than its name says",
            )),
            _ => None,
        }
    }

    fn target_outcome(&mut self, from: &[u8], target: &[u8]) -> links::Outcome {
        if self.rooted && target.first() == Some(&b'/') {
            return self.links.resolve(b"", target);
        }
        if target.first() == Some(&b'/') {
            return links::Outcome::Escapes("absolute target".to_string());
        }
        if target.contains(&b'\\') || target.get(1) == Some(&b':') {
            return links::Outcome::Escapes("a Windows-style path".to_string());
        }
        self.links.resolve(from, target)
    }
}

/// The folder part of a name as written (`a/b//c/.` → `a/b`).
fn parent_of(path: &[u8]) -> &[u8] {
    let parts = components(path);
    let Some(last_but_one) = parts.len().checked_sub(2).and_then(|i| parts.get(i)) else {
        return b"";
    };
    // The components are slices of `path`: the parent ends where the
    // last-but-one component does.
    let end = last_but_one.as_ptr() as usize - path.as_ptr() as usize + last_but_one.len();
    path.get(..end).unwrap_or(b"")
}

/// What is wrong with a name's form, if anything.
pub fn name_problem(path: &[u8]) -> Option<String> {
    if path.first() == Some(&b'/') {
        return Some("an absolute path".to_string());
    }
    if path.len() >= 2 && path[0].is_ascii_alphabetic() && path[1] == b':' {
        return Some("a drive-letter path".to_string());
    }
    if path.contains(&b'\\') {
        return Some("a backslash in the path (a Windows path separator)".to_string());
    }
    if path.split(|b| *b == b'/').any(|c| c == b"..") {
        return Some("a `..` component: it would be written outside the folder".to_string());
    }
    if path.is_ascii() {
        // No bidirectional characters in ASCII: only the control bytes matter.
        return (path.iter().any(|b| b.is_ascii_control()))
            .then(|| "control characters in the name".to_string());
    }
    let text = String::from_utf8_lossy(path);
    if text.chars().any(char::is_control) {
        return Some("control characters in the name".to_string());
    }
    if text
        .chars()
        .any(crate::engine::shared::text::is_bidi_control)
    {
        return Some(
            "bidirectional-override characters in the name: it can show as a different name"
                .to_string(),
        );
    }
    None
}

/// setuid/setgid entries are failures unless the release notes declare the
/// entry with exactly that mode. In a package whose own signature passed
/// (`signed_package`), the vendor's signed metadata declares them: an
/// entry the notes do not declare is a warning that needs a reason.
pub fn setuid_findings(
    entries: &[Entry],
    declared_mode: impl Fn(&[u8]) -> Option<u32>,
    signed_package: bool,
) -> Vec<Finding> {
    entries
        .iter()
        .filter(|e| e.mode & 0o6000 != 0 && matches!(e.kind, EntryKind::File | EntryKind::Dir))
        .filter_map(|e| {
            let bits = match (e.mode & 0o4000 != 0, e.mode & 0o2000 != 0) {
                (true, true) => "setuid and setgid",
                (true, false) => "setuid",
                _ => "setgid",
            };
            match declared_mode(&normalize(&e.path)) {
                Some(mode) if mode & 0o7777 == e.mode & 0o7777 => None,
                Some(mode) => Some(Finding::new(
                    Status::Fail,
                    shown(&e.path),
                    format!(
                        "{bits} ({:04o}), but the release notes declare mode {mode:04o}",
                        e.mode & 0o7777
                    ),
                )),
                None if signed_package => Some(Finding::new(
                    Status::Warn,
                    shown(&e.path),
                    format!(
                        "{bits} ({:04o}) in a package whose own signature passed (the vendor's signed package declares it): needs a written reason",
                        e.mode & 0o7777
                    ),
                )),
                None => Some(Finding::new(
                    Status::Fail,
                    shown(&e.path),
                    format!(
                        "{bits} ({:04o}), and the release notes do not declare that mode",
                        e.mode & 0o7777
                    ),
                )),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
