//! The flattened filesystem of an image's manifest: what a container sees
//! once its layers are stacked. The manifest names an image's entries
//! `layer-<n>/<path>`; flattened, each path is the last layer's entry for
//! it, a whiteout (`.wh.<name>`) removes `<name>` (and what is under it)
//! of the layers below, and an opaque whiteout (`.wh..wh..opq`) empties its
//! folder of what the layers below put there. The diff since the last
//! approved image compares these, so a file that moved between layers, or
//! a layer rebuilt with the same files, shows no change.

use std::collections::BTreeMap;

use crate::engine::shared::manifest::ManifestEntry;

const WHITEOUT: &[u8] = b".wh.";
const OPAQUE: &[u8] = b".wh..wh..opq";

/// The layer number and the path of a manifest name `layer-<n>/<path>`.
fn layered(path: &[u8]) -> Option<(u32, &[u8])> {
    let rest = path.strip_prefix(b"layer-")?;
    let slash = rest.iter().position(|b| *b == b'/')?;
    let number = std::str::from_utf8(rest.get(..slash)?).ok()?.parse().ok()?;
    Some((number, rest.get(slash + 1..)?))
}

/// Whether every entry is named by its layer (the manifest of an image).
pub fn is_layered(manifest: &[ManifestEntry]) -> bool {
    !manifest.is_empty() && manifest.iter().all(|e| layered(&e.path).is_some())
}

/// The flattened entries, by path (no layer prefix), in path order.
pub fn flatten(manifest: &[ManifestEntry]) -> Vec<ManifestEntry> {
    let mut layers: BTreeMap<u32, Vec<(&[u8], &ManifestEntry)>> = BTreeMap::new();
    for e in manifest {
        if let Some((n, path)) = layered(&e.path) {
            layers
                .entry(n)
                .or_default()
                .push((path.strip_suffix(b"/").unwrap_or(path), e));
        }
    }
    let mut seen: BTreeMap<Vec<u8>, ManifestEntry> = BTreeMap::new();
    for entries in layers.values() {
        for (path, _) in entries {
            let (dir, base) = split(path);
            if base == OPAQUE {
                remove_under(&mut seen, dir);
            } else if let Some(name) = base.strip_prefix(WHITEOUT) {
                let mut target = dir.to_vec();
                if !target.is_empty() {
                    target.push(b'/');
                }
                target.extend_from_slice(name);
                seen.remove(&target);
                remove_under(&mut seen, &target);
            }
        }
        for (path, e) in entries {
            let (_, base) = split(path);
            if base.starts_with(WHITEOUT) || path.is_empty() {
                continue;
            }
            let flat = ManifestEntry {
                path: path.to_vec(),
                ..(*e).clone()
            };
            seen.insert(path.to_vec(), flat);
        }
    }
    seen.into_values().collect()
}

fn split(path: &[u8]) -> (&[u8], &[u8]) {
    match path.iter().rposition(|b| *b == b'/') {
        Some(i) => (&path[..i], &path[i + 1..]),
        None => (&[], path),
    }
}

/// Removes every path under the folder `dir` (`dir` itself stays).
fn remove_under(seen: &mut BTreeMap<Vec<u8>, ManifestEntry>, dir: &[u8]) {
    let mut prefix = dir.to_vec();
    if !prefix.is_empty() {
        prefix.push(b'/');
    }
    seen.retain(|path, _| !path.starts_with(&prefix) || path.as_slice() == dir);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(path: &str, sha: &str) -> ManifestEntry {
        ManifestEntry {
            sha256: sha.into(),
            size: 1,
            mode: 0o644,
            kind: "file".into(),
            path: path.as_bytes().to_vec(),
        }
    }

    fn paths(flat: &[ManifestEntry]) -> Vec<(String, String)> {
        flat.iter()
            .map(|e| {
                (
                    String::from_utf8_lossy(&e.path).into_owned(),
                    e.sha256.clone(),
                )
            })
            .collect()
    }

    #[test]
    fn upper_layers_win_and_whiteouts_remove() {
        let manifest = [
            entry("layer-1/etc/motd", "a"),
            entry("layer-1/etc/os-release", "b"),
            entry("layer-1/opt/app/old/x", "c"),
            entry("layer-2/etc/os-release", "B"),
            entry("layer-2/etc/.wh.motd", "e"),
            entry("layer-2/opt/app/old/.wh..wh..opq", "e"),
            entry("layer-2/opt/app/old/y", "d"),
        ];
        assert!(is_layered(&manifest));
        assert_eq!(
            paths(&flatten(&manifest)),
            [
                ("etc/os-release".into(), "B".into()),
                ("opt/app/old/y".into(), "d".into())
            ]
        );
        assert!(!is_layered(&[entry("/usr/bin/x", "a")]));
    }

    #[test]
    fn a_file_moved_between_layers_is_the_same_file() {
        let before = flatten(&[entry("layer-1/a", "1"), entry("layer-2/b", "2")]);
        let after = flatten(&[entry("layer-1/a", "1"), entry("layer-1/b", "2")]);
        assert_eq!(before, after);
    }
}
