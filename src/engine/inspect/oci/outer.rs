//! The tar an image comes in (an OCI layout's tar, a `docker save`
//! tarball, or the tar intake makes of a layout folder), read header by
//! header: names (ustar prefix, GNU long names, PAX `path`), sizes, and
//! each regular file's bytes handed to the caller as a stream that ends
//! where the entry does. This is the container, not a layer: only regular
//! files and folders belong in it, so links and other types are reported
//! and skipped. Layers themselves go through the shared tar walker.

use std::io::{self, Read};

/// One tar block.
pub const BLOCK: usize = 512;
/// The longest GNU long name or PAX header read.
const EXTENSION_MAX: u64 = 64 * 1024;

/// An entry of the container, as its header gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// The name with leading `./` removed.
    pub name: String,
    pub size: u64,
    pub typeflag: u8,
    /// Byte offset of the header in the tar.
    pub offset: u64,
}

impl Header {
    pub fn is_file(&self) -> bool {
        matches!(self.typeflag, b'0' | 0 | b'7') && !self.name.ends_with('/')
    }

    pub fn is_dir(&self) -> bool {
        self.typeflag == b'5' || (self.typeflag == 0 && self.name.ends_with('/'))
    }
}

/// Reads the container's entries one at a time.
pub struct Outer<R: Read> {
    input: R,
    offset: u64,
    long_name: Option<String>,
}

impl<R: Read> Outer<R> {
    pub fn new(input: R) -> Self {
        Outer {
            input,
            offset: 0,
            long_name: None,
        }
    }

    /// The next entry's header, `Ok(None)` at the end-of-archive marker.
    /// Extension headers are read here and applied to the entry after.
    pub fn next_header(&mut self) -> Result<Option<Header>, String> {
        loop {
            let start = self.offset;
            let mut block = [0u8; BLOCK];
            match self.fill(&mut block)? {
                0 => {
                    return Err(format!(
                        "truncated: the tar ends at byte {start} without its end-of-archive marker"
                    ));
                }
                n if n < BLOCK => {
                    return Err(format!(
                        "truncated: the tar ends inside the header at byte {start}"
                    ));
                }
                _ => {}
            }
            if block.iter().all(|b| *b == 0) {
                return Ok(None);
            }
            verify_checksum(&block)
                .map_err(|why| format!("corrupt header at byte {start}: {why}"))?;
            let size = octal(&block[124..136])
                .ok_or_else(|| format!("corrupt header at byte {start}: unreadable size"))?;
            let typeflag = block[156];
            match typeflag {
                b'L' | b'x' => {
                    let body = self.extension(size, start)?;
                    let name = if typeflag == b'L' {
                        Some(String::from_utf8_lossy(cstr(&body)).into_owned())
                    } else {
                        pax_path(&body)
                    };
                    if name.is_some() {
                        self.long_name = name;
                    }
                }
                b'g' | b'K' => {
                    self.extension(size, start)?;
                }
                _ => {
                    let name = match self.long_name.take() {
                        Some(long) => long,
                        None => ustar_name(&block),
                    };
                    return Ok(Some(Header {
                        name: strip_dot(&name),
                        size,
                        typeflag,
                        offset: start,
                    }));
                }
            }
        }
    }

    /// The entry's content, `size` bytes; [`Self::finish_entry`] must be
    /// called after it is read (or not) to reach the next header.
    pub fn content(&mut self, size: u64) -> io::Take<&mut Self> {
        Read::take(self, size)
    }

    /// Skips what is left of an entry of `size` bytes of which `read` were
    /// read, and its padding.
    pub fn finish_entry(&mut self, size: u64, read: u64) -> Result<(), String> {
        let rest = size.saturating_sub(read) + padding(size);
        let skipped = io::copy(&mut Read::take(&mut *self, rest), &mut io::sink())
            .map_err(|e| format!("could not be read: {e}"))?;
        if skipped < rest {
            return Err(format!(
                "truncated: the tar ends at byte {} inside an entry",
                self.offset
            ));
        }
        Ok(())
    }

    /// Reads what follows the end-of-archive marker: only zeros may.
    pub fn trailing_data(&mut self) -> Result<u64, String> {
        let mut buf = [0u8; 64 * 1024];
        let mut nonzero = 0u64;
        loop {
            match self.read(&mut buf) {
                Ok(0) => return Ok(nonzero),
                Ok(n) => {
                    nonzero += buf[..n].iter().filter(|b| **b != 0).count() as u64;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(format!("could not be read: {e}")),
            }
        }
    }

    fn extension(&mut self, size: u64, start: u64) -> Result<Vec<u8>, String> {
        if size > EXTENSION_MAX {
            return Err(format!(
                "an extension header of {size} bytes at byte {start} (over the {EXTENSION_MAX}-byte limit)"
            ));
        }
        let mut body = Vec::new();
        Read::take(&mut *self, size)
            .read_to_end(&mut body)
            .map_err(|e| format!("could not be read: {e}"))?;
        if (body.len() as u64) < size {
            return Err(format!(
                "truncated inside the extension header at byte {start}"
            ));
        }
        self.finish_entry(size, size)?;
        Ok(body)
    }

    fn fill(&mut self, buf: &mut [u8]) -> Result<usize, String> {
        let mut got = 0;
        while got < buf.len() {
            match self.read(&mut buf[got..]) {
                Ok(0) => break,
                Ok(n) => got += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(format!("could not be read at byte {}: {e}", self.offset)),
            }
        }
        Ok(got)
    }
}

impl<R: Read> Read for Outer<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.input.read(buf)?;
        self.offset += n as u64;
        Ok(n)
    }
}

fn padding(size: u64) -> u64 {
    (BLOCK as u64 - size % BLOCK as u64) % BLOCK as u64
}

fn cstr(field: &[u8]) -> &[u8] {
    let end = field.iter().position(|b| *b == 0).unwrap_or(field.len());
    &field[..end]
}

fn ustar_name(block: &[u8; BLOCK]) -> String {
    let name = String::from_utf8_lossy(cstr(&block[..100])).into_owned();
    let prefix = cstr(&block[345..500]);
    if &block[257..262] == b"ustar" && !prefix.is_empty() {
        format!("{}/{name}", String::from_utf8_lossy(prefix))
    } else {
        name
    }
}

/// The name without leading `./` (a tar made with `tar -C dir .`).
fn strip_dot(name: &str) -> String {
    let mut rest = name;
    while let Some(r) = rest.strip_prefix("./") {
        rest = r;
    }
    rest.to_string()
}

/// The `path` record of a PAX header (`<len> path=<value>\n`).
fn pax_path(body: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(body);
    text.lines().find_map(|line| {
        let (_, record) = line.split_once(' ')?;
        record.strip_prefix("path=").map(str::to_string)
    })
}

/// An octal field (or GNU base-256 for large sizes).
pub fn octal(field: &[u8]) -> Option<u64> {
    if field.first().is_some_and(|b| b & 0x80 != 0) {
        let rest = field.get(1..)?;
        if rest.len() > 8 && rest[..rest.len() - 8].iter().any(|b| *b != 0) {
            return None;
        }
        return Some(rest.iter().fold(0u64, |n, b| (n << 8) | u64::from(*b)));
    }
    let text = cstr(field);
    let digits: Vec<u8> = text.iter().copied().filter(|b| *b != b' ').collect();
    if digits.is_empty() {
        return Some(0);
    }
    digits.iter().try_fold(0u64, |n, d| {
        if !(b'0'..=b'7').contains(d) {
            return None;
        }
        n.checked_mul(8)?.checked_add(u64::from(d - b'0'))
    })
}

fn verify_checksum(block: &[u8; BLOCK]) -> Result<(), String> {
    let stored = octal(&block[148..156]).ok_or("unreadable checksum")?;
    let sum: u64 = block
        .iter()
        .enumerate()
        .map(|(i, b)| {
            if (148..156).contains(&i) {
                32
            } else {
                u64::from(*b)
            }
        })
        .sum();
    if sum == stored {
        Ok(())
    } else {
        Err(format!(
            "header checksum {stored} but the block sums to {sum}"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::fetch::layout_folder::header_block;

    #[test]
    fn headers_written_are_read_back() {
        let mut tar = Vec::new();
        tar.extend_from_slice(&header_block(b"oci-layout", 3, b'0', 0o644));
        tar.extend_from_slice(b"abc");
        tar.extend_from_slice(&[0u8; 509]);
        tar.extend_from_slice(&[0u8; 1024]);
        let mut outer = Outer::new(&tar[..]);
        let h = outer.next_header().unwrap().unwrap();
        assert_eq!(
            (h.name.as_str(), h.size, h.is_file()),
            ("oci-layout", 3, true)
        );
        let mut body = Vec::new();
        outer.content(3).read_to_end(&mut body).unwrap();
        assert_eq!(body, b"abc");
        outer.finish_entry(3, 3).unwrap();
        assert_eq!(outer.next_header().unwrap(), None);
    }

    #[test]
    fn a_bad_checksum_or_size_is_refused() {
        let mut block = header_block(b"x", 1, b'0', 0o644);
        block[0] = b'y';
        assert!(
            Outer::new(&block[..])
                .next_header()
                .unwrap_err()
                .contains("checksum")
        );
        assert_eq!(octal(b"0000017\0"), Some(15));
        assert_eq!(octal(b"9\0"), None);
    }
}
