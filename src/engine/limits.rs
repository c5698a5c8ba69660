//! Size limits for the small files a review reads whole (feeds, checksum
//! files, signatures, certificates, release notes), and the bounded read
//! that enforces them before anything is held in memory.

use std::io::Read;
use std::path::Path;

use crate::engine::error::{Error, Result};

/// A feed is a hand-written TOML file.
pub const FEED_MAX: u64 = 4 << 20;
/// Checksum files list a release's files; 16 MiB is tens of thousands of lines.
pub const CHECKSUMS_MAX: u64 = 16 << 20;
/// A detached signature file holds a few signatures of a few hundred bytes.
pub const SIGNATURE_MAX: u64 = 1 << 20;
/// Certificates with many third-party certifications can be large.
pub const CERTIFICATE_MAX: u64 = 8 << 20;
/// Release notes with a contents table for a big archive.
pub const NOTES_MAX: u64 = 64 << 20;

/// Reads at most `limit` bytes of a local file; a larger file is refused
/// before it is read whole.
pub fn read_local(path: &Path, limit: u64, what: &str) -> Result<Vec<u8>> {
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, &e))?;
    let meta = file.metadata().map_err(|e| Error::io(path, &e))?;
    if meta.is_dir() {
        return Err(Error::file(path, "is a folder, not a file"));
    }
    if meta.len() > limit {
        return Err(too_large(path, what, limit));
    }
    read_bounded(file, limit).map_err(|e| match e {
        BoundedError::TooLarge => too_large(path, what, limit),
        BoundedError::Io(e) => Error::io(path, &e),
    })
}

fn too_large(path: &Path, what: &str, limit: u64) -> Error {
    Error::file(
        path,
        format!("too large for a {what} (over {} MiB); refused", limit >> 20),
    )
}

#[derive(Debug)]
pub enum BoundedError {
    TooLarge,
    Io(std::io::Error),
}

/// Reads a stream to its end, refusing more than `limit` bytes (a file can
/// grow after its size was looked at, and streams have no size).
pub fn read_bounded(reader: impl Read, limit: u64) -> Result<Vec<u8>, BoundedError> {
    let mut buf = Vec::new();
    let mut taken = reader.take(limit.saturating_add(1));
    taken.read_to_end(&mut buf).map_err(BoundedError::Io)?;
    if buf.len() as u64 > limit {
        return Err(BoundedError::TooLarge);
    }
    Ok(buf)
}

/// Decodes UTF-8 text (with or without a byte-order mark), saying where the
/// first bad byte is.
pub fn utf8_text(path: &Path, bytes: Vec<u8>) -> Result<String> {
    let bytes = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => rest.to_vec(),
        None => bytes,
    };
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        Error::file(
            path,
            format!("not UTF-8 text (bad byte at offset {at}); save it as UTF-8"),
        )
    })
}
