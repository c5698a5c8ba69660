//! Zip bytes laid out record by record, every field of the end records,
//! the central directory and the local headers chosen by the test: the
//! hidden-data, two-readings and zip64 cases of issue 10, which no zip
//! tool writes. [`ZipLayout::finish`] also says where each part landed, so
//! a test can name the exact offsets it expects in a finding.

use std::io::Write;

/// One entry of a [`ZipLayout`].
#[derive(Clone)]
pub struct Member {
    pub name: Vec<u8>,
    pub data: Vec<u8>,
    pub deflate: bool,
    /// General-purpose flags of the central record.
    pub flags: u16,
    /// Flags of the local header, when they differ.
    pub local_flags: Option<u16>,
    /// Unix mode including type bits (e.g. `0o100644`).
    pub unix_mode: u32,
    pub local_extra: Vec<u8>,
    pub central_extra: Vec<u8>,
    /// (compressed, size) written in the central record (and the local
    /// header) instead of the real ones.
    pub sizes: Option<(u32, u32)>,
    /// CRC-32 written in both headers instead of the real one.
    pub crc: Option<u32>,
    /// Local header offset written in the central record instead of the real one.
    pub offset: Option<u32>,
    /// The disk its local header is on, in the central record.
    pub disk: u16,
    pub comment: Vec<u8>,
    /// Bytes after the compressed data, counted in its compressed size.
    pub trailing: Vec<u8>,
    /// Bytes before its local header that belong to no entry.
    pub gap_before: Vec<u8>,
}

impl Member {
    pub fn new(name: &str, data: &[u8]) -> Self {
        Self::raw(name.as_bytes(), data)
    }

    /// A member with a name of any bytes.
    pub fn raw(name: &[u8], data: &[u8]) -> Self {
        Member {
            name: name.to_vec(),
            data: data.to_vec(),
            deflate: true,
            flags: 0,
            local_flags: None,
            unix_mode: 0o100644,
            local_extra: Vec::new(),
            central_extra: Vec::new(),
            sizes: None,
            crc: None,
            offset: None,
            disk: 0,
            comment: Vec::new(),
            trailing: Vec::new(),
            gap_before: Vec::new(),
        }
    }

    fn body(&self) -> Vec<u8> {
        let mut body = if self.deflate {
            let mut enc =
                flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
            let _ = enc.write_all(&self.data);
            enc.finish().unwrap_or_default()
        } else {
            self.data.clone()
        };
        body.extend_from_slice(&self.trailing);
        body
    }
}

/// The end-of-central-directory fields, each overridable (`None`: the true value).
#[derive(Clone, Default)]
pub struct EndFields {
    pub disk: Option<u16>,
    pub directory_disk: Option<u16>,
    pub disk_entries: Option<u16>,
    pub entries: Option<u16>,
    pub size: Option<u32>,
    pub start: Option<u32>,
    pub comment_len: Option<u16>,
}

/// A zip64 end record and locator, written before the end record.
#[derive(Clone, Default)]
pub struct Zip64End {
    /// The total entry count in the zip64 record instead of the true one.
    pub entries: Option<u64>,
    /// Where the locator says the record is, instead of where it is.
    pub locator_points_at: Option<u64>,
    /// The locator's total number of disks (1 when `None`).
    pub disks: Option<u32>,
    /// Bytes between the zip64 record and its locator.
    pub gap: Vec<u8>,
    /// Write 0xFFFF/0xFFFFFFFF in the end record's fields (else true values).
    pub sentinels: bool,
}

/// A whole archive, part by part.
#[derive(Clone, Default)]
pub struct ZipLayout {
    /// Bytes before the first local header.
    pub prefix: Vec<u8>,
    pub members: Vec<Member>,
    /// Bytes after the central directory, before the end records.
    pub after_directory: Vec<u8>,
    pub zip64: Option<Zip64End>,
    pub end: EndFields,
    pub comment: Vec<u8>,
    /// Bytes after the comment.
    pub trailer: Vec<u8>,
}

/// The bytes and where their parts start.
pub struct Built {
    pub bytes: Vec<u8>,
    /// Local header offsets, by member.
    pub local: Vec<u64>,
    pub directory: u64,
    pub directory_len: u64,
    /// The zip64 end record, when written.
    pub zip64: Option<u64>,
    pub end: u64,
}

impl ZipLayout {
    pub fn of(members: Vec<Member>) -> Self {
        ZipLayout {
            members,
            ..Self::default()
        }
    }

    pub fn finish(&self) -> Built {
        let mut out = self.prefix.clone();
        let mut central = Vec::new();
        let mut local = Vec::new();
        for m in &self.members {
            out.extend_from_slice(&m.gap_before);
            let offset = out.len() as u32;
            local.push(u64::from(offset));
            let body = m.body();
            let method: u16 = if m.deflate { 8 } else { 0 };
            let crc = m.crc.unwrap_or_else(|| crc32fast::hash(&m.data));
            let (compressed, size) = m.sizes.unwrap_or((body.len() as u32, m.data.len() as u32));
            let mut h = Header {
                flags: m.local_flags.unwrap_or(m.flags),
                method,
                crc,
                compressed,
                size,
                name: &m.name,
                extra: &m.local_extra,
            };
            h.local(&mut out);
            out.extend_from_slice(&body);
            h.flags = m.flags;
            h.extra = &m.central_extra;
            h.central(&mut central, m, m.offset.unwrap_or(offset));
        }
        let directory = out.len() as u64;
        out.extend_from_slice(&central);
        out.extend_from_slice(&self.after_directory);
        let count = self.members.len() as u64;
        let zip64 = self.zip64.as_ref().map(|z| {
            let at = out.len() as u64;
            put(&mut out, &0x0606_4b50u32.to_le_bytes());
            put(&mut out, &44u64.to_le_bytes());
            put(&mut out, &[45, 3, 45, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            put(&mut out, &count.to_le_bytes());
            put(&mut out, &z.entries.unwrap_or(count).to_le_bytes());
            put(&mut out, &(central.len() as u64).to_le_bytes());
            put(&mut out, &directory.to_le_bytes());
            out.extend_from_slice(&z.gap);
            put(&mut out, &0x0706_4b50u32.to_le_bytes());
            put(&mut out, &0u32.to_le_bytes());
            put(&mut out, &z.locator_points_at.unwrap_or(at).to_le_bytes());
            put(&mut out, &z.disks.unwrap_or(1).to_le_bytes());
            at
        });
        let end = out.len() as u64;
        let wide = self.zip64.as_ref().is_some_and(|z| z.sentinels);
        let (n16, n32) = if wide {
            (0xFFFF, 0xFFFF_FFFF)
        } else {
            (count as u16, 0)
        };
        let e = &self.end;
        put(&mut out, &0x0605_4b50u32.to_le_bytes());
        put(&mut out, &e.disk.unwrap_or(0).to_le_bytes());
        put(&mut out, &e.directory_disk.unwrap_or(0).to_le_bytes());
        put(&mut out, &e.disk_entries.unwrap_or(n16).to_le_bytes());
        put(&mut out, &e.entries.unwrap_or(n16).to_le_bytes());
        let (size, start) = if wide {
            (n32, n32)
        } else {
            (central.len() as u32, directory as u32)
        };
        put(&mut out, &e.size.unwrap_or(size).to_le_bytes());
        put(&mut out, &e.start.unwrap_or(start).to_le_bytes());
        let comment_len = e.comment_len.unwrap_or(self.comment.len() as u16);
        put(&mut out, &comment_len.to_le_bytes());
        out.extend_from_slice(&self.comment);
        out.extend_from_slice(&self.trailer);
        Built {
            bytes: out,
            local,
            directory,
            directory_len: central.len() as u64,
            zip64,
            end,
        }
    }
}

fn put(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(bytes);
}

/// The fields a local header and a central record share.
struct Header<'a> {
    flags: u16,
    method: u16,
    crc: u32,
    compressed: u32,
    size: u32,
    name: &'a [u8],
    extra: &'a [u8],
}

impl Header<'_> {
    fn shared(&self, out: &mut Vec<u8>) {
        put(out, &self.flags.to_le_bytes());
        put(out, &self.method.to_le_bytes());
        put(out, &[0, 0, 0x21, 0x5c]);
        put(out, &self.crc.to_le_bytes());
        put(out, &self.compressed.to_le_bytes());
        put(out, &self.size.to_le_bytes());
        put(out, &(self.name.len() as u16).to_le_bytes());
        put(out, &(self.extra.len() as u16).to_le_bytes());
    }

    fn local(&self, out: &mut Vec<u8>) {
        put(out, &0x0403_4b50u32.to_le_bytes());
        put(out, &20u16.to_le_bytes());
        self.shared(out);
        put(out, self.name);
        put(out, self.extra);
    }

    fn central(&self, out: &mut Vec<u8>, m: &Member, offset: u32) {
        put(out, &0x0201_4b50u32.to_le_bytes());
        put(out, &(0x0300u16 | 20).to_le_bytes());
        put(out, &20u16.to_le_bytes());
        self.shared(out);
        put(out, &(m.comment.len() as u16).to_le_bytes());
        put(out, &m.disk.to_le_bytes());
        put(out, &0u16.to_le_bytes());
        put(out, &(m.unix_mode << 16).to_le_bytes());
        put(out, &offset.to_le_bytes());
        put(out, self.name);
        put(out, self.extra);
        put(out, &m.comment);
    }
}

/// An extra-field block: its id, length and body.
pub fn extra_field(id: u16, body: &[u8]) -> Vec<u8> {
    let mut out = id.to_le_bytes().to_vec();
    out.extend_from_slice(&(body.len() as u16).to_le_bytes());
    out.extend_from_slice(body);
    out
}

/// An Info-ZIP Unicode Path field (version 1) naming `unicode`, for a
/// header whose own name is `header_name`.
pub fn unicode_path(header_name: &[u8], unicode: &str) -> Vec<u8> {
    let mut body = vec![1u8];
    body.extend_from_slice(&crc32fast::hash(header_name).to_le_bytes());
    body.extend_from_slice(unicode.as_bytes());
    extra_field(0x7075, &body)
}

/// A zip64 extended-information field holding `values` (8 bytes each).
pub fn zip64_field(values: &[u64]) -> Vec<u8> {
    let body: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
    extra_field(0x0001, &body)
}
