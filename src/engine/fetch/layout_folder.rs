//! An OCI image layout folder read as the tar of it, made on the fly (the
//! fetch layer's, since it is how a folder source serves it): so
//! the read pass, with its one walker, hashes, inspects and keeps (as the
//! store's copy) a folder exactly as it does the tar form. The tar is
//! deterministic: `oci-layout` and `index.json` first, then every other
//! file in byte order of its path, owner 0, time 0, mode 0644, no folder
//! entries, GNU long names past 99 bytes. Only regular files and folders
//! may be in the layout (a symlink could point anywhere on this machine);
//! one file at a time is open, and memory does not grow with the files.

use std::fs::File;
use std::io::{self, Cursor, Read};
use std::path::{Path, PathBuf};

/// One tar block.
const BLOCK: usize = 512;

/// The most files a layout folder may hold.
pub const MAX_FILES: usize = 100_000;

/// One file of the folder.
struct Item {
    name: Vec<u8>,
    path: PathBuf,
    size: u64,
}

/// The folder as a tar stream.
pub struct FolderTar {
    items: Vec<Item>,
    next: usize,
    /// Header (and padding) bytes waiting to be read.
    pending: Cursor<Vec<u8>>,
    /// The file being read and what is left of it.
    current: Option<(File, u64, u64)>,
}

/// Whether a path is a folder that holds an image layout.
pub fn is_layout(path: &Path) -> bool {
    path.is_dir() && path.join("oci-layout").is_file()
}

impl FolderTar {
    /// Lists the folder; returns the stream and the tar's size.
    pub fn open(dir: &Path) -> Result<(FolderTar, u64), String> {
        let mut items = Vec::new();
        list(dir, Vec::new(), &mut items, 0)?;
        let first = |name: &[u8]| match name {
            b"oci-layout" => 0,
            b"index.json" => 1,
            _ => 2,
        };
        items.sort_by(|a, b| (first(&a.name), &a.name).cmp(&(first(&b.name), &b.name)));
        let size = items
            .iter()
            .map(|i| entry_size(&i.name, i.size))
            .sum::<u64>()
            + 2 * BLOCK as u64;
        let tar = FolderTar {
            items,
            next: 0,
            pending: Cursor::new(Vec::new()),
            current: None,
        };
        Ok((tar, size))
    }

    /// Queues the next file's header, or the end-of-archive marker.
    fn advance(&mut self) -> io::Result<bool> {
        let Some(item) = self.items.get(self.next) else {
            if self.next == self.items.len() {
                self.next += 1;
                self.pending = Cursor::new(vec![0u8; 2 * BLOCK]);
                return Ok(true);
            }
            return Ok(false);
        };
        self.next += 1;
        let mut head = Vec::new();
        if item.name.len() > 99 {
            let mut long = item.name.clone();
            long.push(0);
            head.extend_from_slice(&header_block(
                b"././@LongLink",
                long.len() as u64,
                b'L',
                0o644,
            ));
            let pad = padding(long.len() as u64) as usize;
            head.extend_from_slice(&long);
            head.extend(std::iter::repeat_n(0u8, pad));
        }
        head.extend_from_slice(&header_block(&item.name, item.size, b'0', 0o644));
        self.pending = Cursor::new(head);
        let file = File::open(&item.path)?;
        self.current = Some((file, item.size, padding(item.size)));
        Ok(true)
    }
}

impl Read for FolderTar {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            let n = self.pending.read(buf)?;
            if n > 0 {
                return Ok(n);
            }
            if let Some((file, left, pad)) = &mut self.current {
                if *left > 0 {
                    let want = buf.len().min(usize::try_from(*left).unwrap_or(usize::MAX));
                    let n = file.read(&mut buf[..want])?;
                    if n == 0 {
                        return Err(io::Error::new(
                            io::ErrorKind::UnexpectedEof,
                            "a file of the image layout shrank while it was read",
                        ));
                    }
                    *left -= n as u64;
                    return Ok(n);
                }
                self.pending = Cursor::new(vec![0u8; *pad as usize]);
                self.current = None;
                continue;
            }
            if !self.advance()? {
                return Ok(0);
            }
        }
    }
}

fn padding(size: u64) -> u64 {
    (BLOCK as u64 - size % BLOCK as u64) % BLOCK as u64
}

fn entry_size(name: &[u8], size: u64) -> u64 {
    let long = if name.len() > 99 {
        let len = name.len() as u64 + 1;
        BLOCK as u64 + len + padding(len)
    } else {
        0
    };
    long + BLOCK as u64 + size + padding(size)
}

/// Lists the regular files under `dir`, refusing anything else.
fn list(dir: &Path, prefix: Vec<u8>, items: &mut Vec<Item>, depth: usize) -> Result<(), String> {
    if depth > 8 {
        return Err(format!(
            "{}: folders nested too deep for an image layout",
            dir.display()
        ));
    }
    let read = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in read {
        let entry = entry.map_err(|e| format!("{}: {e}", dir.display()))?;
        let path = entry.path();
        let kind = entry
            .file_type()
            .map_err(|e| format!("{}: {e}", path.display()))?;
        let Some(base) = entry.file_name().to_str().map(str::to_string) else {
            return Err(format!("{}: a name that is not UTF-8", path.display()));
        };
        let mut name = prefix.clone();
        name.extend_from_slice(base.as_bytes());
        if kind.is_dir() {
            name.push(b'/');
            list(&path, name, items, depth + 1)?;
        } else if kind.is_file() {
            let size = entry
                .metadata()
                .map_err(|e| format!("{}: {e}", path.display()))?
                .len();
            items.push(Item { name, path, size });
            if items.len() > MAX_FILES {
                return Err(format!(
                    "more than {MAX_FILES} files in the image layout: refused"
                ));
            }
        } else {
            return Err(format!(
                "{}: not a regular file or folder (an image layout holds only those); refused",
                path.display()
            ));
        }
    }
    Ok(())
}

/// A ustar header for `name` (`typeflag` `0` or `5`, or `L` for a GNU
/// long name), as the folder's tar is written: owner 0, time 0.
pub fn header_block(name: &[u8], size: u64, typeflag: u8, mode: u32) -> [u8; BLOCK] {
    let mut block = [0u8; BLOCK];
    let n = name.len().min(100);
    block[..n].copy_from_slice(&name[..n]);
    let field = |block: &mut [u8; BLOCK], at: usize, len: usize, value: u64| {
        let text = format!("{value:0width$o}", width = len - 1);
        let bytes = text.as_bytes();
        let start = bytes.len().saturating_sub(len - 1);
        block[at..at + len - 1].copy_from_slice(&bytes[start..]);
    };
    field(&mut block, 100, 8, u64::from(mode));
    field(&mut block, 108, 8, 0);
    field(&mut block, 116, 8, 0);
    field(&mut block, 124, 12, size);
    field(&mut block, 136, 12, 0);
    block[156] = typeflag;
    block[257..263].copy_from_slice(b"ustar\0");
    block[263..265].copy_from_slice(b"00");
    block[148..156].copy_from_slice(b"        ");
    let sum: u64 = block.iter().map(|b| u64::from(*b)).sum();
    let text = format!("{sum:06o}\0 ");
    block[148..156].copy_from_slice(text.as_bytes());
    block
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_reads_as_the_tar_of_it() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("oci-layout"), b"{}").unwrap();
        std::fs::create_dir_all(dir.path().join("blobs/sha256")).unwrap();
        let long = "c".repeat(120);
        std::fs::write(dir.path().join("blobs/sha256").join(&long), vec![7u8; 1000]).unwrap();
        let (mut tar, size) = FolderTar::open(dir.path()).unwrap();
        let mut bytes = Vec::new();
        tar.read_to_end(&mut bytes).unwrap();
        assert_eq!(bytes.len() as u64, size);
        // `oci-layout` first, then the long name's GNU header and the blob.
        assert_eq!(&bytes[..10], b"oci-layout");
        assert_eq!(bytes[1024 + 156], b'L');
        assert_eq!(&bytes[1536..1536 + 13], b"blobs/sha256/");
        assert!(bytes[bytes.len() - 1024..].iter().all(|b| *b == 0));
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_in_the_layout_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("oci-layout"), b"{}").unwrap();
        std::os::unix::fs::symlink("/etc/shadow", dir.path().join("index.json")).unwrap();
        let why = FolderTar::open(dir.path()).err().unwrap();
        assert!(why.contains("not a regular file or folder"), "{why}");
    }
}
