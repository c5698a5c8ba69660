//! Lower-level tar bytes than [`super::hostile::RawTar`] writes: a header
//! with any raw numeric field, the old GNU magic, extension headers of any
//! type with any body (malformed PAX records included). Each function
//! returns whole 512-byte blocks, to append with `RawTar::raw`.

use super::hostile::{kind, tar_header};

/// Byte offsets of the header fields the tests overwrite.
pub mod at {
    pub const MODE: usize = 100;
    pub const UID: usize = 108;
    pub const GID: usize = 116;
    pub const SIZE: usize = 124;
    pub const MTIME: usize = 136;
    pub const CHECKSUM: usize = 148;
    pub const LINK: usize = 157;
    pub const MAGIC: usize = 257;
    pub const DEVMAJOR: usize = 329;
    pub const PREFIX: usize = 345;
}

/// Writes the checksum a header's bytes call for (unsigned sum, the
/// checksum field counted as spaces), as `0000000\0 ` style octal.
pub fn reseal(header: &mut [u8; 512]) {
    header[at::CHECKSUM..at::CHECKSUM + 8].copy_from_slice(b"        ");
    let sum: u64 = header.iter().map(|b| u64::from(*b)).sum();
    let text = format!("{sum:06o}\0 ");
    header[at::CHECKSUM..at::CHECKSUM + 8].copy_from_slice(text.as_bytes());
}

/// `header` with `bytes` written at `offset`, checksum made valid again.
pub fn with_field(mut header: [u8; 512], offset: usize, bytes: &[u8]) -> [u8; 512] {
    let end = (offset + bytes.len()).min(512);
    header[offset..end].copy_from_slice(&bytes[..end - offset]);
    reseal(&mut header);
    header
}

/// A checksum field written as is (not resealed): for checksum forms.
pub fn with_checksum(mut header: [u8; 512], field: &[u8; 8]) -> [u8; 512] {
    header[at::CHECKSUM..at::CHECKSUM + 8].copy_from_slice(field);
    header
}

/// `header` with the old GNU magic `ustar  \0` (whose prefix field GNU tar
/// and bsdtar do not read).
pub fn old_gnu(header: [u8; 512]) -> [u8; 512] {
    with_field(header, at::MAGIC, b"ustar  \0")
}

/// A plain file header for `name` announcing `size` bytes.
pub fn file_header(name: &str, size: u64) -> [u8; 512] {
    tar_header(name.as_bytes(), kind::FILE, 0o644, size, b"")
}

/// `data` followed by the NULs that pad it to whole blocks.
pub fn padded(data: &[u8]) -> Vec<u8> {
    let mut out = data.to_vec();
    out.extend(std::iter::repeat_n(0u8, (512 - data.len() % 512) % 512));
    out
}

/// An extension header of any type with any body, padded.
pub fn extension(typeflag: u8, body: &[u8]) -> Vec<u8> {
    let name: &[u8] = match typeflag {
        b'L' | b'K' => b"././@LongLink",
        b'g' => b"pax_global_header",
        _ => b"PaxHeader",
    };
    let mut out = tar_header(name, typeflag, 0o644, body.len() as u64, b"").to_vec();
    out.extend(padded(body));
    out
}

/// PAX records (`"%d %s=%s\n"`, the length counting itself).
pub fn pax_records(records: &[(&str, &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    for (key, value) in records {
        let rest = key.len() + value.len() + 3;
        let mut len = rest + 1;
        while len.to_string().len() + rest != len {
            len += 1;
        }
        body.extend_from_slice(format!("{len} {key}=").as_bytes());
        body.extend_from_slice(value);
        body.push(b'\n');
    }
    body
}

/// A GNU long-link header (`K`) naming the next entry's link target.
pub fn gnu_long_link(link: &[u8]) -> Vec<u8> {
    let mut body = link.to_vec();
    body.push(0);
    extension(b'K', &body)
}

/// A GNU long-name header (`L`).
pub fn gnu_long_name(name: &[u8]) -> Vec<u8> {
    let mut body = name.to_vec();
    body.push(0);
    extension(b'L', &body)
}

/// A PAX global header (`g`) with these records.
pub fn pax_global(records: &[(&str, &[u8])]) -> Vec<u8> {
    extension(b'g', &pax_records(records))
}

/// The checksum a header's bytes call for (the field counted as spaces).
pub fn checksum_of(header: &[u8; 512]) -> u64 {
    header
        .iter()
        .enumerate()
        .map(|(i, b)| {
            if (at::CHECKSUM..at::CHECKSUM + 8).contains(&i) {
                u64::from(b' ')
            } else {
                u64::from(*b)
            }
        })
        .sum()
}
