//! The compound file's directory: 128-byte entries forming, under each
//! storage, a tree of siblings. Walked from the root with a mark per
//! entry and an explicit stack, so a tree that points back at itself is
//! refused naming the entry, and no depth of nesting recurses.

use super::sector::{le32, u16_at, u32_at};

const ENTRY: usize = 128;
const NO_ENTRY: u32 = 0xFFFF_FFFF;
/// Storages nested deeper than this are refused (MSI files use two).
const DEPTH_MAX: usize = 64;

pub use crate::engine::verify::authenticode::msi::RawEntry;

/// Every entry reachable from the root (entry 0), the root first, each
/// storage's children after it.
pub fn tree(raw: &[u8], sector_size: u64) -> Result<Vec<RawEntry>, String> {
    let count = raw.len() / ENTRY;
    let mut seen = vec![false; count];
    let root = entry(raw, 0, sector_size, None, String::new())?;
    if root.kind != 5 {
        return Err("directory entry 0 is not the root storage".into());
    }
    seen[0] = true;
    let mut out = vec![root];
    // (storage index in `out`, depth)
    let mut storages = vec![(0usize, 0usize)];
    while let Some((parent, depth)) = storages.pop() {
        let Some(p) = out.get(parent) else { break };
        let first_child = child_of(raw, p.id);
        let base = p.path.clone();
        // In-order walk of the sibling tree under the storage.
        let mut stack: Vec<u32> = Vec::new();
        let mut at = first_child;
        loop {
            while at != NO_ENTRY {
                let i = at as usize;
                match seen.get_mut(i) {
                    None => {
                        return Err(format!(
                            "directory entry {at} is past the directory ({count} entries)"
                        ));
                    }
                    Some(true) => {
                        return Err(format!(
                            "directory entry {at} is reached twice: the directory tree has a cycle"
                        ));
                    }
                    Some(s) => *s = true,
                }
                stack.push(at);
                at = u32_at(raw, i * ENTRY + 68);
            }
            let Some(id) = stack.pop() else { break };
            let e = entry(raw, id, sector_size, Some(parent), base.clone())?;
            if e.is_storage() {
                if depth + 1 > DEPTH_MAX {
                    return Err(format!(
                        "directory entry {id}: storages nested deeper than {DEPTH_MAX}"
                    ));
                }
                storages.push((out.len(), depth + 1));
            }
            out.push(e);
            at = u32_at(raw, id as usize * ENTRY + 72);
        }
    }
    Ok(out)
}

fn child_of(raw: &[u8], id: u32) -> u32 {
    u32_at(raw, id as usize * ENTRY + 76)
}

fn entry(
    raw: &[u8],
    id: u32,
    sector_size: u64,
    parent: Option<usize>,
    base: String,
) -> Result<RawEntry, String> {
    let at = id as usize * ENTRY;
    let b = raw
        .get(at..at + ENTRY)
        .ok_or_else(|| format!("directory entry {id} is past the directory"))?;
    let name_len = usize::from(u16_at(b, 64));
    if name_len > 64 || name_len % 2 != 0 {
        return Err(format!(
            "directory entry {id}: a name length of {name_len} bytes"
        ));
    }
    let units = name_len.saturating_sub(2) / 2;
    let name16: Vec<u16> = (0..units).map(|i| u16_at(b, i * 2)).collect();
    let kind = b.get(66).copied().unwrap_or(0);
    if !matches!(kind, 1 | 2 | 5) {
        return Err(format!(
            "directory entry {id}: object type {kind} in the tree"
        ));
    }
    let mut size =
        u64::from(le32(b.get(120..).unwrap_or_default())) | (u64::from(u32_at(b, 124)) << 32);
    if sector_size == 512 {
        // Version 3 files: the high half is not part of the size.
        size &= 0xFFFF_FFFF;
    }
    let copy = |r: std::ops::Range<usize>, out: &mut [u8]| {
        if let Some(s) = b.get(r) {
            out.copy_from_slice(s);
        }
    };
    let mut e = RawEntry {
        id,
        name16,
        kind,
        clsid: [0; 16],
        state_bits: [0; 4],
        created: [0; 8],
        modified: [0; 8],
        start: u32_at(b, 116),
        size,
        parent,
        path: String::new(),
    };
    copy(80..96, &mut e.clsid);
    copy(96..100, &mut e.state_bits);
    copy(100..108, &mut e.created);
    copy(108..116, &mut e.modified);
    e.path = if parent.is_some() {
        format!("{base}/{}", e.name())
    } else {
        String::new()
    };
    Ok(e)
}
