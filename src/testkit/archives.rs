//! Deterministic archives for tests and samples: tar, tar.gz, tar.xz,
//! tar.zst, tar.bz2 and zip with fixed times, so the same entries always
//! give the same bytes. The compressors are the pure-Rust encoders of the
//! crates intake decodes with.

use std::io::Write;

use anyhow::Result;

/// One entry to put in an archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub path: String,
    pub kind: Kind,
    pub mode: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    File(Vec<u8>),
    Dir,
    Symlink(String),
}

impl Entry {
    pub fn file(path: &str, data: impl Into<Vec<u8>>) -> Self {
        Entry {
            path: path.to_string(),
            kind: Kind::File(data.into()),
            mode: 0o644,
        }
    }

    pub fn dir(path: &str) -> Self {
        Entry {
            path: path.to_string(),
            kind: Kind::Dir,
            mode: 0o755,
        }
    }

    pub fn symlink(path: &str, target: &str) -> Self {
        Entry {
            path: path.to_string(),
            kind: Kind::Symlink(target.to_string()),
            mode: 0o777,
        }
    }

    pub fn mode(mut self, mode: u32) -> Self {
        self.mode = mode;
        self
    }
}

/// 2026-01-01T00:00:00Z, the time every entry carries.
const MTIME: u64 = 1_767_225_600;

/// A plain tar archive.
pub fn tar(entries: &[Entry]) -> Result<Vec<u8>> {
    let mut builder = ::tar::Builder::new(Vec::new());
    for e in entries {
        let mut header = ::tar::Header::new_gnu();
        header.set_mtime(MTIME);
        header.set_mode(e.mode);
        header.set_uid(0);
        header.set_gid(0);
        match &e.kind {
            Kind::File(data) => {
                header.set_entry_type(::tar::EntryType::Regular);
                header.set_size(data.len() as u64);
                builder.append_data(&mut header, &e.path, &data[..])?;
            }
            Kind::Dir => {
                header.set_entry_type(::tar::EntryType::Directory);
                header.set_size(0);
                builder.append_data(&mut header, &e.path, std::io::empty())?;
            }
            Kind::Symlink(target) => {
                header.set_entry_type(::tar::EntryType::Symlink);
                header.set_size(0);
                builder.append_link(&mut header, &e.path, target)?;
            }
        }
    }
    Ok(builder.into_inner()?)
}

/// A gzip-compressed tar archive (no name or time in the gzip header).
pub fn tar_gz(entries: &[Entry]) -> Result<Vec<u8>> {
    gzip(&tar(entries)?)
}

/// Gzip-compresses bytes deterministically.
pub fn gzip(data: &[u8]) -> Result<Vec<u8>> {
    let mut enc = flate2::GzBuilder::new()
        .mtime(0)
        .write(Vec::new(), flate2::Compression::default());
    enc.write_all(data)?;
    Ok(enc.finish()?)
}

/// An xz-compressed tar archive.
pub fn tar_xz(entries: &[Entry]) -> Result<Vec<u8>> {
    xz(&tar(entries)?)
}

/// A zstd-compressed tar archive.
pub fn tar_zst(entries: &[Entry]) -> Result<Vec<u8>> {
    Ok(zstd(&tar(entries)?))
}

/// A bzip2-compressed tar archive.
pub fn tar_bz2(entries: &[Entry]) -> Result<Vec<u8>> {
    bzip2(&tar(entries)?)
}

/// One xz stream (preset 1: a 1 MiB dictionary, quick to make; CRC64).
pub fn xz(data: &[u8]) -> Result<Vec<u8>> {
    let mut enc = liblzma::write::XzEncoder::new(Vec::new(), 1);
    enc.write_all(data)?;
    Ok(enc.finish()?)
}

/// One zstd frame (ruzstd's fastest level, about `zstd -1`).
pub fn zstd(data: &[u8]) -> Vec<u8> {
    ruzstd::encoding::compress_to_vec(data, ruzstd::encoding::CompressionLevel::Fastest)
}

/// One bzip2 stream (900k blocks, as `bzip2` makes by default).
pub fn bzip2(data: &[u8]) -> Result<Vec<u8>> {
    let mut enc = ::bzip2::write::BzEncoder::new(Vec::new(), ::bzip2::Compression::best());
    enc.write_all(data)?;
    Ok(enc.finish()?)
}

/// A zip archive (deflated files, fixed times, Unix modes).
pub fn zip(entries: &[Entry]) -> Result<Vec<u8>> {
    use ::zip::write::SimpleFileOptions;
    let mut w = ::zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let time = ::zip::DateTime::from_date_and_time(2026, 1, 1, 0, 0, 0).unwrap_or_default();
    for e in entries {
        let options = SimpleFileOptions::default()
            .last_modified_time(time)
            .unix_permissions(e.mode)
            .compression_method(::zip::CompressionMethod::Deflated);
        match &e.kind {
            Kind::File(data) => {
                w.start_file(e.path.as_str(), options)?;
                w.write_all(data)?;
            }
            Kind::Dir => w.add_directory(e.path.as_str(), options)?,
            Kind::Symlink(target) => w.add_symlink(e.path.as_str(), target.as_str(), options)?,
        }
    }
    Ok(w.finish()?.into_inner())
}

/// Bytes that look random but are the same on every run (xorshift).
pub fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}
