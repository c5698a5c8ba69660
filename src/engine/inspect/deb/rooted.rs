//! A package's data entries under the paths they are installed at. dpkg
//! installs `./usr/bin/x` (or `usr/bin/x`) at `/usr/bin/x`: it skips every
//! leading `/` and `./` of a name. Once the data member has been walked
//! and judged under the names it holds (so `..` and absolute names are
//! still findings), its entries, hard-link targets and the findings that
//! name them are given the installed path: what the operator sees, what
//! the manifest records, and what `intake recheck` looks for under the
//! install root it is given.

use std::collections::HashSet;

use crate::engine::inspect::report::{Entry, EntryKind};
use crate::engine::inspect::tar::sha256_of as text_sha256;
use crate::engine::shared::check::Finding;
use crate::engine::shared::text::{escape_path, unescape_path};

/// The installed path of an archive name.
pub fn installed(path: &[u8]) -> Vec<u8> {
    let mut rest = path;
    loop {
        if let Some(r) = rest.strip_prefix(b"/") {
            rest = r;
        } else if let Some(r) = rest.strip_prefix(b"./") {
            rest = r;
        } else {
            break;
        }
    }
    if rest == b"." {
        rest = b"";
    }
    let mut out = Vec::with_capacity(rest.len() + 1);
    out.push(b'/');
    out.extend_from_slice(rest);
    out
}

/// Gives the entries their installed paths, and the findings that name an
/// entry (by its escaped name) the entry's new name. Other subjects
/// (`(archive)`, `entry 3 (...)`) are prefixed with `member`.
pub fn root(entries: &mut [Entry], findings: &mut [Finding], member: &str) {
    let subjects: HashSet<Vec<u8>> = findings
        .iter()
        .filter_map(|f| unescape_path(&f.subject))
        .collect();
    let mut named: HashSet<Vec<u8>> = HashSet::new();
    for e in entries.iter_mut() {
        if subjects.contains(&e.path) {
            named.insert(e.path.clone());
        }
        e.path = installed(&e.path);
        if let EntryKind::Hardlink(target) = &mut e.kind {
            *target = installed(target);
            e.sha256 = Some(text_sha256(target));
        }
    }
    for f in findings.iter_mut() {
        match unescape_path(&f.subject).filter(|raw| named.contains(raw)) {
            Some(raw) => f.subject = escape_path(&installed(&raw)),
            None => f.subject = format!("{member}: {}", f.subject),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::shared::check::Status;

    #[test]
    fn leading_slashes_and_dots_go_as_dpkg_skips_them() {
        for (name, want) in [
            (&b"./usr/bin/x"[..], &b"/usr/bin/x"[..]),
            (b"usr/bin/x", b"/usr/bin/x"),
            (b"./", b"/"),
            (b".", b"/"),
            (b".//./etc/x", b"/etc/x"),
            (b"/etc/x", b"/etc/x"),
            (b"./.hidden", b"/.hidden"),
            (b"./../x", b"/../x"),
        ] {
            assert_eq!(installed(name), want, "{}", escape_path(name));
        }
    }

    #[test]
    fn entries_links_and_their_findings_move_together() {
        let entry = |path: &[u8], kind| Entry {
            path: path.to_vec(),
            kind,
            mode: 0o644,
            size: 0,
            sha256: None,
        };
        let mut entries = vec![
            entry(b"./usr/bin/x\x1b", EntryKind::File),
            entry(
                b"./usr/bin/y",
                EntryKind::Hardlink(b"./usr/bin/x\x1b".to_vec()),
            ),
        ];
        let mut findings = vec![
            Finding::new(Status::Fail, "./usr/bin/x\\x1b", "control characters"),
            Finding::new(Status::Fail, "(after the archive)", "hidden"),
        ];
        root(&mut entries, &mut findings, "data.tar.xz");
        assert_eq!(entries[0].path, b"/usr/bin/x\x1b");
        assert_eq!(
            entries[1].kind,
            EntryKind::Hardlink(b"/usr/bin/x\x1b".to_vec())
        );
        assert_eq!(entries[1].sha256, Some(text_sha256(b"/usr/bin/x\x1b")));
        assert_eq!(findings[0].subject, "/usr/bin/x\\x1b");
        assert_eq!(findings[1].subject, "data.tar.xz: (after the archive)");
    }
}
