//! The safety rules of SPEC.md's archive table that can be judged entry by
//! entry as the archive streams past: the form of each name, link targets
//! (resolved lexically, following symlinks seen earlier), entry types,
//! duplicates and world-writable modes. setuid/setgid needs the release
//! notes and is judged afterwards ([`setuid_findings`]).

use std::collections::HashMap;

use crate::engine::check::{Finding, Status};
use crate::engine::checklist::escape_path;

use super::{Entry, EntryKind};

/// How many symlinks one resolution may follow (as the kernel's limit).
const MAX_LINK_HOPS: usize = 40;

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

/// Judges entries one at a time, remembering what it needs (names seen,
/// symlinks) to judge later ones.
#[derive(Default)]
pub struct Safety {
    seen: HashMap<Vec<u8>, usize>,
    symlinks: HashMap<Vec<u8>, Vec<u8>>,
    count: usize,
}

impl Safety {
    pub fn new() -> Self {
        Self::default()
    }

    /// The findings about one entry, in archive order.
    pub fn judge(&mut self, entry: &Entry) -> Vec<Finding> {
        self.count += 1;
        let subject = shown(&entry.path);
        let mut out = Vec::new();
        let mut fail =
            |summary: String| out.push(Finding::new(Status::Fail, subject.clone(), summary));

        let bad_name = name_problem(&entry.path);
        if let Some(problem) = &bad_name {
            fail(problem.clone());
        }
        let normal = normalize(&entry.path);
        if normal.is_empty() && entry.kind != EntryKind::Dir {
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
            EntryKind::Symlink(target) => {
                let parent = parent_of(&normal);
                if let Some(why) = self.escapes(parent, target) {
                    fail(format!(
                        "symlink to {} leaves the archive root ({why})",
                        shown(target)
                    ));
                }
            }
            EntryKind::Hardlink(target) => {
                if let Some(why) = self.escapes(Vec::new(), target) {
                    fail(format!(
                        "hard link to {} leaves the archive root ({why})",
                        shown(target)
                    ));
                }
            }
            EntryKind::File | EntryKind::Dir => {}
        }
        // Written through a symlinked folder seen earlier?
        let parent = parent_of(&normal);
        if !parent.is_empty()
            && bad_name.is_none()
            && let Some(why) = self.escapes(Vec::new(), &parent)
        {
            fail(format!("would be written outside the archive root ({why})"));
        }
        if !normal.is_empty() {
            if let Some(first) = self.seen.get(&normal) {
                fail(format!(
                    "the same path twice (entries {} and {})",
                    first, self.count
                ));
            } else {
                self.seen.insert(normal.clone(), self.count);
            }
        }
        if let EntryKind::Symlink(target) = &entry.kind {
            self.symlinks.insert(normal, target.clone());
        }
        let world_writable = entry.mode & 0o002 != 0;
        let sticky = entry.mode & 0o1000 != 0;
        match entry.kind {
            EntryKind::File if world_writable => {
                out.push(Finding::new(
                    Status::Warn,
                    subject.clone(),
                    format!(
                        "world-writable ({:04o}): anyone on the host could change it",
                        entry.mode
                    ),
                ));
            }
            EntryKind::Dir if world_writable && !sticky => {
                out.push(Finding::new(
                    Status::Warn,
                    subject.clone(),
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

    /// Whether following `target` from the folder `from` (components) leaves
    /// the root, and why. Symlinks seen earlier are followed, lexically.
    fn escapes(&self, from: Vec<u8>, target: &[u8]) -> Option<String> {
        if target.first() == Some(&b'/') {
            return Some("absolute target".to_string());
        }
        if target.contains(&b'\\') || target.get(1) == Some(&b':') {
            return Some("a Windows-style path".to_string());
        }
        let mut stack: Vec<Vec<u8>> = components(&from).into_iter().map(<[u8]>::to_vec).collect();
        let mut queue: std::collections::VecDeque<Vec<u8>> =
            components(target).into_iter().map(<[u8]>::to_vec).collect();
        let mut hops = 0;
        while let Some(part) = queue.pop_front() {
            if part == b".." {
                if stack.pop().is_none() {
                    return Some("`..` climbs above it".to_string());
                }
                continue;
            }
            stack.push(part);
            let here = stack.join(&b'/');
            if let Some(link) = self.symlinks.get(&here) {
                hops += 1;
                if hops > MAX_LINK_HOPS {
                    return Some("too many symlinks in a row (a loop?)".to_string());
                }
                if link.first() == Some(&b'/') {
                    return Some(format!(
                        "through symlink {} to an absolute path",
                        shown(&here)
                    ));
                }
                stack.pop();
                for c in components(link).into_iter().rev() {
                    queue.push_front(c.to_vec());
                }
            }
        }
        None
    }
}

fn parent_of(normal: &[u8]) -> Vec<u8> {
    match normal.iter().rposition(|b| *b == b'/') {
        Some(i) => normal[..i].to_vec(),
        None => Vec::new(),
    }
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
    let text = String::from_utf8_lossy(path);
    if text.chars().any(char::is_control) {
        return Some("control characters in the name".to_string());
    }
    if text.chars().any(crate::engine::checklist::is_bidi_control) {
        return Some(
            "bidirectional-override characters in the name: it can show as a different name"
                .to_string(),
        );
    }
    None
}

/// setuid/setgid entries are failures unless the release notes declare the
/// entry with exactly that mode.
pub fn setuid_findings(
    entries: &[Entry],
    declared_mode: impl Fn(&[u8]) -> Option<u32>,
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
mod tests {
    use super::*;

    fn entry(path: &str, kind: EntryKind) -> Entry {
        Entry {
            path: path.as_bytes().to_vec(),
            kind,
            mode: 0o644,
            size: 0,
            sha256: None,
        }
    }

    fn link(path: &str, target: &str) -> Entry {
        entry(path, EntryKind::Symlink(target.as_bytes().to_vec()))
    }

    #[test]
    fn symlinks_are_resolved_through_earlier_symlinks() {
        let mut s = Safety::new();
        assert!(
            s.judge(&link("a/up", "..")).is_empty(),
            "a/up -> .. stays inside (it is the root)"
        );
        let f = s.judge(&link("a/up2", "../.."));
        assert_eq!(f.len(), 1, "{f:?}");
        // b -> a/up (the root), then b/../x climbs out through it.
        assert!(s.judge(&link("b", "a/up")).is_empty());
        let f = s.judge(&link("c", "b/../x"));
        assert_eq!(f.len(), 1, "{f:?}");
        // A file written through a symlinked folder that points outside.
        let mut s = Safety::new();
        assert_eq!(s.judge(&link("etc", "/etc")).len(), 1);
        let f = s.judge(&entry("etc/passwd", EntryKind::File));
        assert!(f[0].summary.contains("outside the archive root"), "{f:?}");
    }

    #[test]
    fn link_loops_end() {
        let mut s = Safety::new();
        s.judge(&link("x", "y"));
        s.judge(&link("y", "x"));
        let f = s.judge(&link("z", "x/a"));
        assert!(
            f.iter().any(|f| f.summary.contains("too many symlinks")),
            "{f:?}"
        );
    }

    #[test]
    fn duplicates_are_found_after_normalising() {
        let mut s = Safety::new();
        assert!(s.judge(&entry("./a/b", EntryKind::File)).is_empty());
        let f = s.judge(&entry("a//b", EntryKind::File));
        assert!(
            f[0].summary
                .contains("the same path twice (entries 1 and 2)"),
            "{f:?}"
        );
        assert!(s.judge(&entry("./", EntryKind::Dir)).is_empty());
        assert!(s.judge(&entry(".", EntryKind::Dir)).is_empty());
    }
}
