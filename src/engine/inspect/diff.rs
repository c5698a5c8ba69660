//! What changed since the last approved release: entries added, removed
//! and changed (size, hash, mode), between two manifests. Archives usually
//! carry the version in their top folder (`meridian-4.2.0/`,
//! `meridian-4.2.1/`); when each side has one top folder, it is set aside
//! so the same file is compared with itself.

use std::collections::BTreeMap;

use crate::engine::shared::manifest::ManifestEntry;
use crate::engine::shared::text::escape_path;

/// The differences, each list sorted by path (shown escaped).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diff {
    pub added: Vec<String>,
    pub removed: Vec<String>,
    /// Path and what changed (`size`, `sha256`, `mode`, `type`).
    pub changed: Vec<(String, String)>,
}

impl Diff {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }

    pub fn summary(&self) -> String {
        format!(
            "{} added, {} removed, {} changed",
            self.added.len(),
            self.removed.len(),
            self.changed.len()
        )
    }
}

/// Paths without a top folder every entry shares.
fn by_path(entries: &[ManifestEntry]) -> BTreeMap<Vec<u8>, &ManifestEntry> {
    let top = |p: &[u8]| p.split(|b| *b == b'/').next().map(<[u8]>::to_vec);
    let first = entries.first().and_then(|e| top(&e.path));
    let shared = first.filter(|t| {
        entries
            .iter()
            .all(|e| top(&e.path).as_ref() == Some(t) && e.path.len() > t.len())
    });
    entries
        .iter()
        .map(|e| {
            let path = match &shared {
                Some(t) => e.path[t.len()..]
                    .strip_prefix(b"/")
                    .unwrap_or(&e.path[t.len()..])
                    .to_vec(),
                None => e.path.clone(),
            };
            (path, e)
        })
        .filter(|(p, _)| !p.is_empty())
        .collect()
}

/// The diff from `before` to `after`.
pub fn diff(before: &[ManifestEntry], after: &[ManifestEntry]) -> Diff {
    let (old, new) = (by_path(before), by_path(after));
    let mut d = Diff::default();
    for (path, n) in &new {
        match old.get(path) {
            None => d.added.push(escape_path(path)),
            Some(o) => {
                let mut what = Vec::new();
                if o.kind != n.kind {
                    what.push(format!("type {} -> {}", o.kind, n.kind));
                }
                if o.size != n.size {
                    what.push(format!("size {} -> {}", o.size, n.size));
                }
                if o.sha256 != n.sha256 && o.kind == n.kind {
                    what.push("sha256".to_string());
                }
                if o.mode != n.mode {
                    what.push(format!("mode {:04o} -> {:04o}", o.mode, n.mode));
                }
                if !what.is_empty() {
                    d.changed.push((escape_path(path), what.join(", ")));
                }
            }
        }
    }
    d.removed = old
        .keys()
        .filter(|p| !new.contains_key(*p))
        .map(|p| escape_path(p))
        .collect();
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(path: &str, sha: &str, size: u64, mode: u32) -> ManifestEntry {
        ManifestEntry {
            sha256: sha.into(),
            size,
            mode,
            kind: "file".into(),
            path: path.as_bytes().to_vec(),
        }
    }

    #[test]
    fn versioned_top_folders_are_set_aside() {
        let before = [
            e("m-4.2.0/bin/m", "a", 10, 0o755),
            e("m-4.2.0/conf/x", "b", 5, 0o644),
            e("m-4.2.0/old", "c", 1, 0o644),
        ];
        let after = [
            e("m-4.2.1/bin/m", "a2", 12, 0o755),
            e("m-4.2.1/conf/x", "b", 5, 0o600),
            e("m-4.2.1/new", "d", 1, 0o644),
        ];
        let d = diff(&before, &after);
        assert_eq!(d.added, vec!["new"]);
        assert_eq!(d.removed, vec!["old"]);
        assert_eq!(
            d.changed,
            vec![
                ("bin/m".into(), "size 10 -> 12, sha256".into()),
                ("conf/x".into(), "mode 0644 -> 0600".into())
            ]
        );
        assert_eq!(d.summary(), "1 added, 1 removed, 2 changed");
    }
}
