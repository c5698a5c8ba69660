//! Size limits for the small files a review reads whole (feeds, checksum
//! files, signatures, certificates, release notes), and the bounded read
//! that enforces them before anything is held in memory.

use std::io::Read;
use std::path::Path;

use crate::engine::shared::error::{Error, Result};

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
/// A vendor SBOM: 64 MiB holds well over a hundred thousand components.
pub const SBOM_MAX: u64 = 64 << 20;

/// Reads at most `limit` bytes of a local file; a larger file is refused
/// before it is read whole, and anything but a regular file (a FIFO, a
/// device such as `/dev/zero`, a socket, a folder) is refused before it is
/// opened.
pub fn read_local(path: &Path, limit: u64, what: &str) -> Result<Vec<u8>> {
    let (file, len) = open_regular(path).map_err(|e| match e {
        OpenError::Io(e) => Error::io(path, &e),
        OpenError::NotRegular(why) => Error::file(path, why),
    })?;
    if len > limit {
        return Err(too_large(path, what, limit));
    }
    read_bounded(file, limit).map_err(|e| match e {
        BoundedError::TooLarge => too_large(path, what, limit),
        BoundedError::Io(e) => Error::io(path, &e),
    })
}

/// Why a local file was not opened.
#[derive(Debug)]
pub enum OpenError {
    Io(std::io::Error),
    /// Not a regular file (said in words: "is a FIFO, not a regular file").
    NotRegular(String),
}

/// Opens a local file for reading only if it is a regular file, following
/// symlinks: the kind is looked at before opening (a FIFO would block the
/// open, a device never ends), the open does not wait for a FIFO's writer,
/// and the opened file must be the very file looked at. Returns the file
/// and its size.
pub fn open_regular(path: &Path) -> std::result::Result<(std::fs::File, u64), OpenError> {
    let before = std::fs::metadata(path).map_err(OpenError::Io)?;
    refuse_irregular(&before)?;
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // O_NONBLOCK: a FIFO swapped in after the look is not waited on.
        options.custom_flags(0o4000);
    }
    let file = options.open(path).map_err(OpenError::Io)?;
    let after = file.metadata().map_err(OpenError::Io)?;
    refuse_irregular(&after)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if (before.dev(), before.ino()) != (after.dev(), after.ino()) {
            return Err(OpenError::NotRegular(
                "was replaced while it was being opened; refused".to_string(),
            ));
        }
    }
    Ok((file, after.len()))
}

fn refuse_irregular(meta: &std::fs::Metadata) -> std::result::Result<(), OpenError> {
    if meta.is_file() {
        return Ok(());
    }
    let kind = if meta.is_dir() {
        "a folder"
    } else {
        irregular_kind(meta)
    };
    Err(OpenError::NotRegular(format!(
        "is {kind}, not a regular file; refused"
    )))
}

#[cfg(unix)]
fn irregular_kind(meta: &std::fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let kind = meta.file_type();
    if kind.is_fifo() {
        "a FIFO (named pipe)"
    } else if kind.is_char_device() {
        "a character device"
    } else if kind.is_block_device() {
        "a block device"
    } else if kind.is_socket() {
        "a socket"
    } else {
        "a special file"
    }
}

#[cfg(not(unix))]
fn irregular_kind(_meta: &std::fs::Metadata) -> &'static str {
    "a special file"
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
    // Grown by doubling, the buffer may be nearly twice the file; it is
    // kept for the whole review (release notes of a large package are
    // megabytes).
    buf.shrink_to_fit();
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
