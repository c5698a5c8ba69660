//! An RPM header (the signature header and the main header share the
//! format): an 8-byte intro (magic, version 1, reserved), the index entry
//! count and the store size, the index (16 bytes an entry: tag, type,
//! offset, count) and the store. Read with hard bounds before anything is
//! allocated (at most [`Bounds::entries`] entries, a store of at most
//! [`Bounds::store`] bytes), kept exactly as read (signatures and digests
//! are over these bytes, never a re-serialisation), and every entry's data
//! checked against the store as rpm checks it: a known type, aligned, in
//! range, strings terminated, entries in store order without overlap, no
//! tag twice, and the region tag's trailer covering the whole header.

use std::collections::HashSet;
use std::io::{self, Read};

/// The intro every header starts with.
pub const MAGIC: [u8; 8] = [0x8e, 0xad, 0xe8, 0x01, 0, 0, 0, 0];
/// Intro, entry count and store size.
pub const INTRO: usize = 16;
const ENTRY: usize = 16;

/// How large a header may be before it is refused unread.
#[derive(Debug, Clone, Copy)]
pub struct Bounds {
    pub entries: u32,
    pub store: u32,
}

/// The signature header: rpm itself refuses more than 32 entries.
pub const SIGNATURE_BOUNDS: Bounds = Bounds {
    entries: 32,
    store: 64 << 20,
};

/// The main header: rpm's own entry limit, and a store of 64 MiB (rpm
/// allows 256 MiB; the largest real headers, with tens of thousands of
/// files, are a few MiB).
pub const MAIN_BOUNDS: Bounds = Bounds {
    entries: 0xffff,
    store: 64 << 20,
};

/// Data types, as numbered in the format.
pub mod kind {
    pub const CHAR: u32 = 1;
    pub const INT8: u32 = 2;
    pub const INT16: u32 = 3;
    pub const INT32: u32 = 4;
    pub const INT64: u32 = 5;
    pub const STRING: u32 = 6;
    pub const BIN: u32 = 7;
    pub const STRING_ARRAY: u32 = 8;
    pub const I18NSTRING: u32 = 9;
}

/// One index entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexEntry {
    pub tag: u32,
    pub kind: u32,
    pub offset: u32,
    pub count: u32,
}

/// A header, exactly as read, with its index checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// Every byte of the header, intro included.
    pub bytes: Vec<u8>,
    pub entries: Vec<IndexEntry>,
    /// Where the store starts in [`Header::bytes`].
    store_start: usize,
}

/// A value of an entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value<'a> {
    Ints(Vec<u64>),
    Strings(Vec<&'a [u8]>),
    Bin(&'a [u8]),
}

/// Why a header cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unreadable {
    /// The input ended `got` bytes into something `wanted` long.
    Truncated {
        what: &'static str,
    },
    /// The bytes are not a header rpm reads.
    Invalid(String),
    Io(String),
}

impl std::fmt::Display for Unreadable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unreadable::Truncated { what } => {
                write!(f, "truncated: the package ends inside {what}")
            }
            Unreadable::Invalid(why) => f.write_str(why),
            Unreadable::Io(e) => write!(f, "could not be read: {e}"),
        }
    }
}

fn read_exact(r: &mut dyn Read, buf: &mut [u8], what: &'static str) -> Result<(), Unreadable> {
    r.read_exact(buf).map_err(|e| match e.kind() {
        io::ErrorKind::UnexpectedEof => Unreadable::Truncated { what },
        _ => Unreadable::Io(e.to_string()),
    })
}

fn be32(b: &[u8], at: usize) -> u32 {
    let mut word = [0u8; 4];
    if let Some(s) = b.get(at..at + 4) {
        word.copy_from_slice(s);
    }
    u32::from_be_bytes(word)
}

/// Reads one header whose region tag is `region`.
pub fn read(r: &mut dyn Read, bounds: Bounds, region: u32) -> Result<Header, Unreadable> {
    let mut intro = [0u8; INTRO];
    read_exact(r, &mut intro, "the header's intro")?;
    if intro[..8] != MAGIC {
        return Err(Unreadable::Invalid(format!(
            "no header magic (8e ad e8 01 00 00 00 00) where a header must start: found {}",
            hex::encode(&intro[..8])
        )));
    }
    let (count, store) = (be32(&intro, 8), be32(&intro, 12));
    if count == 0 || count > bounds.entries {
        return Err(Unreadable::Invalid(format!(
            "{count} index entries (at least 1, at most {} read); refused unread",
            bounds.entries
        )));
    }
    if store > bounds.store {
        return Err(Unreadable::Invalid(format!(
            "a data store of {store} bytes (at most {} read); refused unread",
            bounds.store
        )));
    }
    let store_start = INTRO + count as usize * ENTRY;
    let mut bytes = vec![0u8; store_start + store as usize];
    bytes[..INTRO].copy_from_slice(&intro);
    read_exact(r, &mut bytes[INTRO..], "the header's index or store")?;
    let entries = (0..count as usize)
        .map(|i| {
            let at = INTRO + i * ENTRY;
            IndexEntry {
                tag: be32(&bytes, at),
                kind: be32(&bytes, at + 4),
                offset: be32(&bytes, at + 8),
                count: be32(&bytes, at + 12),
            }
        })
        .collect();
    let header = Header {
        bytes,
        entries,
        store_start,
    };
    header.check(region)?;
    Ok(header)
}

impl Header {
    fn store(&self) -> &[u8] {
        self.bytes.get(self.store_start..).unwrap_or_default()
    }

    /// The checks rpm makes of the index, and a few more where tools could
    /// otherwise read one header two ways.
    fn check(&self, region: u32) -> Result<(), Unreadable> {
        let store = self.store();
        let bad = |e: &IndexEntry, why: &str| {
            Unreadable::Invalid(format!(
                "index entry for tag {} (type {}, offset {}, count {}): {why}",
                e.tag, e.kind, e.offset, e.count
            ))
        };
        let mut seen = HashSet::new();
        let mut end = 0usize;
        let first_is_region = self.entries.first().is_some_and(|e| e.tag == region);
        if !first_is_region {
            return Err(Unreadable::Invalid(format!(
                "no region tag {region} first: rpm rebuilds such a legacy header before checking its digests and signatures, so what it checks is not these bytes; refused"
            )));
        }
        for (i, e) in self.entries.iter().enumerate() {
            if !seen.insert(e.tag) {
                return Err(bad(
                    e,
                    "the tag comes twice: tools may read either; refused",
                ));
            }
            let len = data_len(e, store).map_err(|why| bad(e, &why))?;
            if i == 0 {
                continue;
            }
            let offset = e.offset as usize;
            if offset < end {
                return Err(bad(e, "its data overlaps the entry before it"));
            }
            end = offset + len;
        }
        self.check_region(region)
    }

    /// The region tag's trailer must say the region is the whole header.
    fn check_region(&self, region: u32) -> Result<(), Unreadable> {
        let store = self.store();
        let Some(e) = self.entries.first() else {
            return Ok(());
        };
        let at = e.offset as usize;
        if e.kind != kind::BIN || e.count != 16 || at + 16 != store.len() {
            return Err(Unreadable::Invalid(format!(
                "the region tag {region} does not close the header (type {}, count {}, at {at} of a {}-byte store)",
                e.kind,
                e.count,
                store.len()
            )));
        }
        let trailer = (
            be32(store, at),
            be32(store, at + 4),
            be32(store, at + 8),
            be32(store, at + 12),
        );
        let covers = (self.entries.len() * ENTRY) as u32;
        if trailer != (region, kind::BIN, covers.wrapping_neg(), 16) {
            return Err(Unreadable::Invalid(format!(
                "the region trailer of tag {region} does not cover the {} index entries: rpm would read part of the header as outside its signed region; refused",
                self.entries.len()
            )));
        }
        Ok(())
    }

    /// The entry of `tag`, if any.
    pub fn entry(&self, tag: u32) -> Option<&IndexEntry> {
        self.entries.iter().find(|e| e.tag == tag)
    }

    /// The value of `tag`, if the header has it (checked when read).
    pub fn get(&self, tag: u32) -> Option<Value<'_>> {
        let e = self.entry(tag)?;
        let store = self.store();
        let at = e.offset as usize;
        let n = e.count as usize;
        let ints = |size: usize| {
            let data = store.get(at..at + n * size)?;
            Some(Value::Ints(
                data.chunks_exact(size)
                    .map(|c| c.iter().fold(0u64, |acc, b| acc << 8 | u64::from(*b)))
                    .collect(),
            ))
        };
        match e.kind {
            kind::CHAR | kind::INT8 => ints(1),
            kind::INT16 => ints(2),
            kind::INT32 => ints(4),
            kind::INT64 => ints(8),
            kind::BIN => store.get(at..at + n).map(Value::Bin),
            kind::STRING | kind::STRING_ARRAY | kind::I18NSTRING => {
                let mut rest = store.get(at..)?;
                let mut out = Vec::with_capacity(n.min(rest.len()));
                for _ in 0..n {
                    let nul = rest.iter().position(|b| *b == 0)?;
                    out.push(&rest[..nul]);
                    rest = &rest[nul + 1..];
                }
                Some(Value::Strings(out))
            }
            _ => None,
        }
    }

    /// The first string of `tag` (a STRING, or an array's first).
    pub fn text(&self, tag: u32) -> Option<&[u8]> {
        match self.get(tag)? {
            Value::Strings(s) => s.first().copied(),
            _ => None,
        }
    }

    /// Every string of `tag`.
    pub fn strings(&self, tag: u32) -> Option<Vec<&[u8]>> {
        match self.get(tag)? {
            Value::Strings(s) => Some(s),
            _ => None,
        }
    }

    /// The numbers of `tag`.
    pub fn ints(&self, tag: u32) -> Option<Vec<u64>> {
        match self.get(tag)? {
            Value::Ints(v) => Some(v),
            _ => None,
        }
    }

    /// The first number of `tag`.
    pub fn int(&self, tag: u32) -> Option<u64> {
        self.ints(tag)?.first().copied()
    }

    /// The bytes of a BIN `tag`.
    pub fn bin(&self, tag: u32) -> Option<&[u8]> {
        match self.get(tag)? {
            Value::Bin(b) => Some(b),
            _ => None,
        }
    }
}

/// How many store bytes an entry's data takes, checked against the store.
fn data_len(e: &IndexEntry, store: &[u8]) -> Result<usize, String> {
    let at = e.offset as usize;
    if at > store.len() {
        return Err(format!(
            "its data starts past the end of the {}-byte store",
            store.len()
        ));
    }
    if e.count == 0 {
        return Err("a count of 0".into());
    }
    let n = e.count as usize;
    let fixed = |size: usize| -> Result<usize, String> {
        if !at.is_multiple_of(size) {
            return Err(format!("misaligned for {size}-byte values"));
        }
        n.checked_mul(size)
            .filter(|len| at + len <= store.len())
            .ok_or_else(|| "its data runs past the end of the store".to_string())
    };
    match e.kind {
        kind::CHAR | kind::INT8 | kind::BIN => fixed(1),
        kind::INT16 => fixed(2),
        kind::INT32 => fixed(4),
        kind::INT64 => fixed(8),
        kind::STRING if n != 1 => Err("a STRING with a count other than 1".into()),
        kind::STRING | kind::STRING_ARRAY | kind::I18NSTRING => {
            let mut pos = at;
            for _ in 0..n {
                let nul = store
                    .get(pos..)
                    .and_then(|rest| rest.iter().position(|b| *b == 0))
                    .ok_or("a string runs past the end of the store")?;
                pos += nul + 1;
            }
            Ok(pos - at)
        }
        other => Err(format!("unknown data type {other}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A header of one NAME string, with its region tag and trailer.
    fn sample(name: &[u8]) -> Vec<u8> {
        let mut store = name.to_vec();
        store.push(0);
        let trailer_at = store.len() as u32;
        for v in [63u32, kind::BIN, 32u32.wrapping_neg(), 16] {
            store.extend_from_slice(&v.to_be_bytes());
        }
        let mut out = MAGIC.to_vec();
        for v in [
            2u32,
            store.len() as u32,
            63,
            kind::BIN,
            trailer_at,
            16,
            1000,
            kind::STRING,
            0,
            1,
        ] {
            out.extend_from_slice(&v.to_be_bytes());
        }
        out.extend_from_slice(&store);
        out
    }

    #[test]
    fn a_header_reads_back_exactly_as_written() {
        let bytes = sample(b"meridian");
        let h = read(&mut &bytes[..], MAIN_BOUNDS, 63).unwrap();
        assert_eq!(h.bytes, bytes);
        assert_eq!(h.text(1000), Some(&b"meridian"[..]));
        assert_eq!(h.get(1001), None);
    }

    #[test]
    fn a_wrong_region_trailer_or_a_tag_twice_is_refused() {
        let mut bytes = sample(b"m");
        // The trailer's entry count: it no longer covers the index.
        let at = bytes.len() - 8;
        bytes[at..at + 4].copy_from_slice(&48u32.wrapping_neg().to_be_bytes());
        let err = read(&mut &bytes[..], MAIN_BOUNDS, 63).unwrap_err();
        assert!(err.to_string().contains("region trailer"), "{err}");
        let mut twice = sample(b"m");
        twice[32..36].copy_from_slice(&63u32.to_be_bytes());
        let err = read(&mut &twice[..], MAIN_BOUNDS, 63).unwrap_err();
        assert!(err.to_string().contains("twice"), "{err}");
    }
}
