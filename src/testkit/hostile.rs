//! Hand-made archive bytes for the cases archive tools refuse to write:
//! `..` and absolute names, devices, PAX and GNU headers that rename an
//! entry, zip local headers that disagree with the central directory,
//! overlapping zip entries, encrypted flags. Each header is built field by
//! field, so a test states exactly which bytes are hostile.

use std::io::Write;

/// Tar built header by header.
#[derive(Default, Clone)]
pub struct RawTar {
    out: Vec<u8>,
}

/// Tar type flags.
pub mod kind {
    pub const FILE: u8 = b'0';
    pub const HARDLINK: u8 = b'1';
    pub const SYMLINK: u8 = b'2';
    pub const CHAR: u8 = b'3';
    pub const BLOCK: u8 = b'4';
    pub const DIR: u8 = b'5';
    pub const FIFO: u8 = b'6';
    pub const GNU_LONGNAME: u8 = b'L';
    pub const PAX: u8 = b'x';
}

fn octal_field(field: &mut [u8], value: u64) {
    let width = field.len() - 1;
    if value >= 8u64.saturating_pow(width as u32) {
        // Too big for octal: base-256, as GNU tar writes it.
        field.fill(0);
        let bytes = value.to_be_bytes();
        let n = field.len();
        field[n - 8..].copy_from_slice(&bytes);
        field[0] |= 0x80;
        return;
    }
    let text = format!("{value:0width$o}");
    let bytes = text.as_bytes();
    let start = bytes.len().saturating_sub(width);
    field[..width].copy_from_slice(&bytes[start..]);
    field[width] = 0;
}

/// One 512-byte ustar header with its checksum.
pub fn tar_header(name: &[u8], typeflag: u8, mode: u32, size: u64, link: &[u8]) -> [u8; 512] {
    let mut h = [0u8; 512];
    let n = name.len().min(100);
    h[..n].copy_from_slice(&name[..n]);
    octal_field(&mut h[100..108], u64::from(mode));
    octal_field(&mut h[108..116], 0);
    octal_field(&mut h[116..124], 0);
    octal_field(&mut h[124..136], size);
    octal_field(&mut h[136..148], 1_767_225_600);
    h[156] = typeflag;
    let l = link.len().min(100);
    h[157..157 + l].copy_from_slice(&link[..l]);
    h[257..263].copy_from_slice(b"ustar\0");
    h[263..265].copy_from_slice(b"00");
    h[148..156].copy_from_slice(b"        ");
    let sum: u64 = h.iter().map(|b| u64::from(*b)).sum();
    octal_field(&mut h[148..155], sum);
    h[155] = b' ';
    h
}

impl RawTar {
    pub fn new() -> Self {
        Self::default()
    }

    /// An entry with any name, type, mode and data.
    pub fn entry(mut self, name: &[u8], typeflag: u8, mode: u32, data: &[u8], link: &[u8]) -> Self {
        self.out
            .extend_from_slice(&tar_header(name, typeflag, mode, data.len() as u64, link));
        self.data(data);
        self
    }

    pub fn file(self, name: &str, data: &[u8]) -> Self {
        self.entry(name.as_bytes(), kind::FILE, 0o644, data, b"")
    }

    pub fn file_mode(self, name: &str, mode: u32, data: &[u8]) -> Self {
        self.entry(name.as_bytes(), kind::FILE, mode, data, b"")
    }

    pub fn symlink(self, name: &str, target: &str) -> Self {
        self.entry(
            name.as_bytes(),
            kind::SYMLINK,
            0o777,
            b"",
            target.as_bytes(),
        )
    }

    pub fn hardlink(self, name: &str, target: &str) -> Self {
        self.entry(
            name.as_bytes(),
            kind::HARDLINK,
            0o644,
            b"",
            target.as_bytes(),
        )
    }

    /// A GNU long-name header naming the next entry.
    pub fn gnu_long_name(mut self, name: &[u8]) -> Self {
        let mut body = name.to_vec();
        body.push(0);
        self.out.extend_from_slice(&tar_header(
            b"././@LongLink",
            kind::GNU_LONGNAME,
            0,
            body.len() as u64,
            b"",
        ));
        self.data(&body);
        self
    }

    /// A PAX extended header for the next entry.
    pub fn pax(mut self, records: &[(&str, &[u8])]) -> Self {
        let body = super::hostile_tar::pax_records(records);
        self.out.extend_from_slice(&tar_header(
            b"PaxHeader",
            kind::PAX,
            0o644,
            body.len() as u64,
            b"",
        ));
        self.data(&body);
        self
    }

    fn data(&mut self, data: &[u8]) {
        self.out.extend_from_slice(data);
        let pad = (512 - data.len() % 512) % 512;
        self.out.extend(std::iter::repeat_n(0u8, pad));
    }

    /// Appends raw bytes (to corrupt or extend the stream).
    pub fn raw(mut self, bytes: &[u8]) -> Self {
        self.out.extend_from_slice(bytes);
        self
    }

    /// The archive with its end-of-archive marker.
    pub fn finish(mut self) -> Vec<u8> {
        self.out.extend(std::iter::repeat_n(0u8, 1024));
        self.out
    }

    /// The archive without its end marker (as a cut-short download).
    pub fn unfinished(self) -> Vec<u8> {
        self.out
    }
}

/// Gzip of any bytes.
pub fn gz(data: &[u8]) -> Vec<u8> {
    super::archives::gzip(data).unwrap_or_default()
}

/// One entry for [`RawZip`].
#[derive(Clone)]
pub struct ZipEntry {
    pub name: Vec<u8>,
    /// Name written in the local header (normally the same).
    pub local_name: Option<Vec<u8>>,
    pub data: Vec<u8>,
    pub deflate: bool,
    /// Unix mode including type bits (e.g. `0o100644`).
    pub unix_mode: u32,
    pub encrypted: bool,
    /// Size written in the local header instead of the real one.
    pub local_size: Option<u32>,
}

impl ZipEntry {
    pub fn new(name: &str, data: &[u8]) -> Self {
        ZipEntry {
            name: name.as_bytes().to_vec(),
            local_name: None,
            data: data.to_vec(),
            deflate: true,
            unix_mode: 0o100644,
            encrypted: false,
            local_size: None,
        }
    }
}

/// Zip built record by record.
#[derive(Default)]
pub struct RawZip {
    entries: Vec<ZipEntry>,
    /// Central-directory records that point at an earlier entry's local header.
    aliases: Vec<(String, usize)>,
}

impl RawZip {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn entry(mut self, e: ZipEntry) -> Self {
        self.entries.push(e);
        self
    }

    /// Adds a directory record named `name` whose data is entry `index`'s
    /// (the overlapping-entries construction).
    pub fn alias(mut self, name: &str, index: usize) -> Self {
        self.aliases.push((name.to_string(), index));
        self
    }

    pub fn finish(self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut central = Vec::new();
        let mut records = 0u16;
        let mut written: Vec<(u32, u32, u32, u32, u16)> = Vec::new();
        for e in &self.entries {
            let offset = out.len() as u32;
            let crc = crc32fast::hash(&e.data);
            let body = if e.deflate {
                let mut enc =
                    flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
                let _ = enc.write_all(&e.data);
                enc.finish().unwrap_or_default()
            } else {
                e.data.clone()
            };
            let method: u16 = if e.deflate { 8 } else { 0 };
            let flags: u16 = if e.encrypted { 1 } else { 0 };
            let local_name = e.local_name.clone().unwrap_or_else(|| e.name.clone());
            let local_size = e.local_size.unwrap_or(e.data.len() as u32);
            out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
            out.extend_from_slice(&20u16.to_le_bytes());
            out.extend_from_slice(&flags.to_le_bytes());
            out.extend_from_slice(&method.to_le_bytes());
            out.extend_from_slice(&[0, 0, 0x21, 0x5c]);
            out.extend_from_slice(&crc.to_le_bytes());
            out.extend_from_slice(&(body.len() as u32).to_le_bytes());
            out.extend_from_slice(&local_size.to_le_bytes());
            out.extend_from_slice(&(local_name.len() as u16).to_le_bytes());
            out.extend_from_slice(&0u16.to_le_bytes());
            out.extend_from_slice(&local_name);
            out.extend_from_slice(&body);
            written.push((
                offset,
                crc,
                body.len() as u32,
                e.data.len() as u32,
                flags | (method << 8),
            ));
            central_record(
                &mut central,
                &e.name,
                flags,
                method,
                crc,
                body.len() as u32,
                e.data.len() as u32,
                offset,
                e.unix_mode,
            );
            records += 1;
        }
        for (name, index) in &self.aliases {
            if let (Some(w), Some(e)) = (written.get(*index), self.entries.get(*index)) {
                central_record(
                    &mut central,
                    name.as_bytes(),
                    w.4 & 0xff,
                    w.4 >> 8,
                    w.1,
                    w.2,
                    w.3,
                    w.0,
                    e.unix_mode,
                );
                records += 1;
            }
        }
        let start = out.len() as u32;
        out.extend_from_slice(&central);
        out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
        out.extend_from_slice(&[0, 0, 0, 0]);
        out.extend_from_slice(&records.to_le_bytes());
        out.extend_from_slice(&records.to_le_bytes());
        out.extend_from_slice(&(central.len() as u32).to_le_bytes());
        out.extend_from_slice(&start.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out
    }
}

#[allow(clippy::too_many_arguments)]
fn central_record(
    out: &mut Vec<u8>,
    name: &[u8],
    flags: u16,
    method: u16,
    crc: u32,
    compressed: u32,
    size: u32,
    offset: u32,
    unix_mode: u32,
) {
    out.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
    out.extend_from_slice(&(0x0300u16 | 20).to_le_bytes());
    out.extend_from_slice(&20u16.to_le_bytes());
    out.extend_from_slice(&flags.to_le_bytes());
    out.extend_from_slice(&method.to_le_bytes());
    out.extend_from_slice(&[0, 0, 0x21, 0x5c]);
    out.extend_from_slice(&crc.to_le_bytes());
    out.extend_from_slice(&compressed.to_le_bytes());
    out.extend_from_slice(&size.to_le_bytes());
    out.extend_from_slice(&(name.len() as u16).to_le_bytes());
    out.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 0]);
    out.extend_from_slice(&(unix_mode << 16).to_le_bytes());
    out.extend_from_slice(&offset.to_le_bytes());
    out.extend_from_slice(name);
}
