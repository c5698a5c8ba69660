//! `package.digests` as inspection sees it: each `md5sums` line against the
//! MD5 of the data entry it names, computed while that entry streamed.
//! Debian leaves configuration files out of `md5sums`, so a file the list
//! does not name is counted, not judged. A hard link is judged by the
//! content of the file it links to. Entries carry their installed paths
//! (`/usr/bin/x`, see [`super::rooted`]).

use std::collections::{HashMap, HashSet};

use crate::engine::inspect::package::ListedDigests;
use crate::engine::inspect::report::{Entry, EntryKind};
use crate::engine::inspect::safety::normalize;
use crate::engine::shared::check::{Finding, Status};
use crate::engine::shared::text::escape_path;

use super::control::Listed;

/// Compares the listed digests with the entries' (`md5` by entry index).
pub fn compare(
    list: &str,
    listed: Vec<Listed>,
    problems: Vec<String>,
    entries: &[Entry],
    md5: &[Option<[u8; 16]>],
) -> ListedDigests {
    let mut findings: Vec<Finding> = problems
        .into_iter()
        .map(|p| Finding::new(Status::Fail, list, p))
        .collect();
    let mut wanted: HashMap<Vec<u8>, ([u8; 16], bool)> = HashMap::with_capacity(listed.len());
    for (digest, path) in listed {
        match wanted.get(&path) {
            Some((other, _)) if *other != digest => findings.push(Finding::new(
                Status::Fail,
                installed(&path),
                format!("{list} lists this path twice, with different digests"),
            )),
            Some(_) => {}
            None => {
                wanted.insert(path, (digest, false));
            }
        }
    }
    let file_md5 = content_digests(entries, md5);
    let (mut agreed, mut unlisted) = (0u64, 0u64);
    for (i, e) in entries.iter().enumerate() {
        if !matches!(e.kind, EntryKind::File | EntryKind::Hardlink(_)) {
            continue;
        }
        let path = normalize(&e.path);
        let Some((want, seen)) = wanted.get_mut(&path) else {
            unlisted += 1;
            continue;
        };
        *seen = true;
        let got = match &e.kind {
            EntryKind::Hardlink(target) => file_md5.get(&normalize(target)).copied().flatten(),
            _ => md5.get(i).copied().flatten(),
        };
        match got {
            Some(got) if got == *want => agreed += 1,
            Some(got) => findings.push(Finding::new(
                Status::Fail,
                escape_path(&e.path),
                format!(
                    "MD5 {} but {list} says {}: the file is not the one the package lists",
                    hex::encode(got),
                    hex::encode(want)
                ),
            )),
            None => findings.push(Finding::new(
                Status::Fail,
                escape_path(&e.path),
                format!("its MD5 could not be computed to compare with {list}"),
            )),
        }
    }
    let mut missing: Vec<&Vec<u8>> = wanted
        .iter()
        .filter(|(_, (_, seen))| !seen)
        .map(|(path, _)| path)
        .collect();
    missing.sort();
    for path in missing {
        findings.push(Finding::new(
            Status::Fail,
            installed(path),
            format!("listed in {list}, but no file of the package has this path"),
        ));
    }
    ListedDigests::Compared {
        list: list.to_string(),
        algorithm: "MD5",
        agreed,
        unlisted,
        findings,
    }
}

/// A listed path as the package's entries show it (where it is installed).
fn installed(path: &[u8]) -> String {
    format!("/{}", escape_path(path))
}

/// The MD5 of each regular file a hard link names (by normalised path).
fn content_digests(
    entries: &[Entry],
    md5: &[Option<[u8; 16]>],
) -> HashMap<Vec<u8>, Option<[u8; 16]>> {
    let targets: HashSet<Vec<u8>> = entries
        .iter()
        .filter_map(|e| match &e.kind {
            EntryKind::Hardlink(target) => Some(normalize(target)),
            _ => None,
        })
        .collect();
    if targets.is_empty() {
        return HashMap::new();
    }
    entries
        .iter()
        .enumerate()
        .filter(|(_, e)| e.kind == EntryKind::File)
        .map(|(i, e)| (normalize(&e.path), md5.get(i).copied().flatten()))
        .filter(|(path, _)| targets.contains(path))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str) -> Entry {
        Entry {
            path: path.as_bytes().to_vec(),
            kind: EntryKind::File,
            mode: 0o644,
            size: 1,
            sha256: None,
        }
    }

    #[test]
    fn each_listed_file_agrees_differs_or_is_missing() {
        let mut link = file("/usr/bin/m2");
        link.kind = EntryKind::Hardlink(b"/usr/bin/m".to_vec());
        let entries = [
            file("/usr/bin/m"),
            link,
            file("/etc/m.conf"),
            file("/usr/lib/x"),
        ];
        let md5 = [Some([1; 16]), None, Some([3; 16]), Some([4; 16])];
        let listed = vec![
            ([1; 16], b"usr/bin/m".to_vec()),
            ([1; 16], b"usr/bin/m2".to_vec()),
            ([9; 16], b"usr/lib/x".to_vec()),
            ([5; 16], b"usr/share/gone".to_vec()),
        ];
        let ListedDigests::Compared {
            agreed,
            unlisted,
            findings,
            ..
        } = compare("md5sums", listed, vec![], &entries, &md5)
        else {
            panic!("not compared");
        };
        assert_eq!((agreed, unlisted), (2, 1));
        assert_eq!(findings.len(), 2, "{findings:#?}");
        assert_eq!(findings[0].subject, "/usr/lib/x");
        assert!(findings[0].summary.contains(&"09".repeat(16)));
        assert_eq!(findings[1].subject, "/usr/share/gone");
        assert!(findings[1].summary.contains("no file of the package"));
    }
}
