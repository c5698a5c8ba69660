//! rpm's stripped payload entries (`07070X`), which rpm writes whenever a
//! header lists `LONGFILESIZES` (every v6 package, and v4 packages with a
//! file of 4 GiB or more): the entry gives only the file's index in the
//! header (8 hex digits, padded to 4 bytes) and then its content, and
//! everything else (name, mode, link target, size) comes from the header.
//! So the walk takes each stripped entry's metadata from the header's
//! file list, and the content's length by rpm's own rule: a regular file's
//! size, but nothing for each link of a hard-linked file save the last; a
//! symlink's target; nothing for the rest. The content is then hashed and
//! compared with `FILEDIGESTS` as for `newc` entries.

use std::collections::HashMap;

use super::files::Listed;
use super::header::Header;
use super::tags;

/// The magic number of a stripped entry.
pub const MAGIC: &[u8; 6] = b"07070X";
/// The entry's header: the magic and the 8-digit file index.
pub const HEADER: u64 = 14;

/// One file of the header's list, as a stripped entry stands for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stripped {
    /// The payload name rpm would have written in `newc` (`./usr/bin/x`).
    pub name: Vec<u8>,
    /// Type and permission bits, from the header.
    pub mode: u32,
    /// The bytes of content that follow the entry's header.
    pub content: u64,
    /// The hard-link set the file belongs to (an identifier shared by its
    /// links), when it has more than one link.
    pub links: Option<u64>,
}

/// The header's files as stripped entries, when the header lists
/// `LONGFILESIZES` (the only case rpm writes them); `None` otherwise.
pub fn table(h: &Header, listed: &[Listed]) -> Option<Vec<Stripped>> {
    h.entry(tags::LONGFILESIZES)?;
    let inodes = h.ints(tags::FILEINODES).filter(|v| v.len() == listed.len());
    let devices = h
        .ints(tags::FILEDEVICES)
        .filter(|v| v.len() == listed.len());
    let sets = link_sets(listed, inodes.as_deref(), devices.as_deref());
    Some(
        listed
            .iter()
            .enumerate()
            .map(|(fx, l)| {
                let set = sets.get(&fx).copied();
                let content = match l.mode & 0o170000 {
                    0o100000 if set.is_some_and(|(_, last)| last != fx) => 0,
                    0o100000 | 0o120000 => l.size,
                    _ => 0,
                };
                let mut name = b".".to_vec();
                name.extend_from_slice(&l.path);
                Stripped {
                    name,
                    mode: l.mode,
                    content,
                    links: set.map(|(id, _)| id),
                }
            })
            .collect(),
    )
}

/// Regular files sharing a device and inode (rpm's hard-link sets): for
/// each member, the set's identifier and its last member (the one rpm
/// writes the content with).
fn link_sets(
    listed: &[Listed],
    inodes: Option<&[u64]>,
    devices: Option<&[u64]>,
) -> HashMap<usize, (u64, usize)> {
    let (Some(inodes), Some(devices)) = (inodes, devices) else {
        return HashMap::new();
    };
    let mut by_inode: HashMap<(u64, u64), Vec<usize>> = HashMap::new();
    for (fx, l) in listed.iter().enumerate() {
        if l.mode & 0o170000 == 0o100000 && !l.ghost {
            by_inode
                .entry((devices[fx], inodes[fx]))
                .or_default()
                .push(fx);
        }
    }
    let mut sets = HashMap::new();
    for members in by_inode.into_values().filter(|m| m.len() > 1) {
        let last = members.iter().copied().max().unwrap_or_default();
        for fx in members {
            sets.insert(fx, (last as u64, last));
        }
    }
    sets
}

/// The file index of a stripped entry's 8 hex digits.
pub fn index(digits: &[u8; 8]) -> Result<usize, String> {
    if !digits.iter().all(u8::is_ascii_hexdigit) {
        return Err(format!(
            "the file index `{}` is not 8 hex digits",
            crate::engine::shared::text::escape_path(digits)
        ));
    }
    let text = std::str::from_utf8(digits).map_err(|e| e.to_string())?;
    usize::from_str_radix(text, 16).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listed(path: &str, mode: u32, size: u64) -> Listed {
        Listed {
            path: path.as_bytes().to_vec(),
            mode,
            size,
            digest: Vec::new(),
            link: Vec::new(),
            ghost: false,
        }
    }

    #[test]
    fn only_the_last_link_of_a_set_carries_content() {
        let files = [
            listed("/a", 0o100644, 5),
            listed("/b", 0o100644, 5),
            listed("/c", 0o100644, 7),
            listed("/d", 0o040755, 4096),
            listed("/e", 0o120777, 1),
        ];
        let inodes = [9, 9, 3, 4, 5];
        let devices = [1, 1, 1, 1, 1];
        let sets = link_sets(&files, Some(&inodes), Some(&devices));
        assert_eq!(sets.get(&0), Some(&(1, 1)));
        assert_eq!(sets.get(&1), Some(&(1, 1)));
        assert_eq!(sets.get(&2), None);
        // Same inode on another device is another file.
        let sets = link_sets(&files, Some(&inodes), Some(&[1, 2, 1, 1, 1]));
        assert!(sets.is_empty());
    }

    #[test]
    fn the_index_is_eight_hex_digits() {
        assert_eq!(index(b"0000001f"), Ok(31));
        assert!(index(b"0000001g").is_err());
        assert!(index(b"+000001f").is_err());
    }
}
