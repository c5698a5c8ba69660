//! What an MSI's Authenticode signature signs, as Windows and
//! `osslsigncode` define it: the contents of every stream of the compound
//! file except the two signature streams at the root, storage by storage,
//! each storage's children in the signers' order (their UTF-16LE names
//! with the terminating zero compared byte by byte; when one name is a
//! prefix of the other, the longer first), each storage's CLSID after its
//! children, the root's last. Empty streams add nothing. When the package
//! holds `\x05MsiDigitalSignatureEx`, the digest of the entries' metadata
//! (the "pre-hash": names, sizes, state bits, times and CLSIDs in the same
//! order) comes first.
//!
//! This module gives the order and the metadata bytes over the directory's
//! entries ([`RawEntry`], as the MSI inspector reads them); the inspector
//! reads the streams themselves.

use std::cmp::Ordering;

/// One directory entry as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawEntry {
    /// The entry's index in the directory.
    pub id: u32,
    /// The name's UTF-16 code units, without the terminating zero.
    pub name16: Vec<u16>,
    /// 1 storage, 2 stream, 5 root.
    pub kind: u8,
    pub clsid: [u8; 16],
    pub state_bits: [u8; 4],
    pub created: [u8; 8],
    pub modified: [u8; 8],
    pub start: u32,
    pub size: u64,
    /// The index of the storage holding it (`None` for the root).
    pub parent: Option<usize>,
    /// The names from the root down, for `cfb` (`/a/b`).
    pub path: String,
}

impl RawEntry {
    pub fn is_stream(&self) -> bool {
        self.kind == 2
    }

    pub fn is_storage(&self) -> bool {
        self.kind == 1 || self.kind == 5
    }

    /// The name as text (unpaired surrogates replaced).
    pub fn name(&self) -> String {
        String::from_utf16_lossy(&self.name16)
    }

    /// The name's UTF-16LE bytes with the terminating zero, as signers
    /// sort them.
    pub fn sort_key(&self) -> Vec<u8> {
        let mut out: Vec<u8> = self.name16.iter().flat_map(|u| u.to_le_bytes()).collect();
        out.extend([0, 0]);
        out
    }
}

/// What an MSI is called in the evidence.
pub const WHAT: &str = "an MSI installer package";
/// The root stream holding the PKCS#7 signature.
pub const DIGITAL_SIGNATURE: &str = "\u{5}DigitalSignature";
/// The root stream holding the metadata pre-hash.
pub const DIGITAL_SIGNATURE_EX: &str = "\u{5}MsiDigitalSignatureEx";

/// One step of the content digest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The stream at this index of the entries: its bytes.
    Stream(usize),
    /// The storage at this index: its CLSID.
    Clsid(usize),
}

/// The signers' order of two names (see the module's words).
pub fn name_order(a: &[u8], b: &[u8]) -> Ordering {
    let n = a.len().min(b.len());
    match a.get(..n).cmp(&b.get(..n)) {
        Ordering::Equal => b.len().cmp(&a.len()),
        other => other,
    }
}

/// Whether the entry is one of the root's signature streams, which the
/// digest leaves out.
pub fn is_signature(entry: &RawEntry) -> bool {
    entry.parent == Some(0) && {
        let name = entry.name();
        name == DIGITAL_SIGNATURE || name == DIGITAL_SIGNATURE_EX
    }
}

/// The children of the storage at `parent`, in the signers' order, the
/// root's signature streams left out.
fn children(entries: &[RawEntry], parent: usize) -> Vec<usize> {
    let mut kids: Vec<(Vec<u8>, usize)> = entries
        .iter()
        .enumerate()
        .filter(|(_, e)| e.parent == Some(parent) && !is_signature(e))
        .map(|(i, e)| (e.sort_key(), i))
        .collect();
    kids.sort_by(|a, b| name_order(&a.0, &b.0));
    kids.into_iter().map(|(_, i)| i).collect()
}

/// The content digest's steps, in order, from the root (entry 0).
pub fn content_steps(entries: &[RawEntry]) -> Vec<Step> {
    let mut out = Vec::new();
    storage_steps(entries, 0, &mut out);
    out
}

fn storage_steps(entries: &[RawEntry], storage: usize, out: &mut Vec<Step>) {
    for child in children(entries, storage) {
        match entries.get(child) {
            Some(e) if e.is_stream() && e.size > 0 => out.push(Step::Stream(child)),
            Some(e) if e.is_storage() => storage_steps(entries, child, out),
            _ => {}
        }
    }
    out.push(Step::Clsid(storage));
}

/// The metadata the pre-hash covers, in order.
pub fn prehash_bytes(entries: &[RawEntry]) -> Vec<u8> {
    let mut out = Vec::new();
    prehash_storage(entries, 0, &mut out);
    out
}

fn prehash_storage(entries: &[RawEntry], storage: usize, out: &mut Vec<u8>) {
    if let Some(e) = entries.get(storage) {
        metadata(e, storage == 0, out);
    }
    for child in children(entries, storage) {
        match entries.get(child) {
            Some(e) if e.is_stream() => metadata(e, false, out),
            Some(e) if e.is_storage() => prehash_storage(entries, child, out),
            _ => {}
        }
    }
}

/// One entry's metadata: the name (not the root's), the CLSID of a
/// storage or the low 32 bits of a stream's size, the state bits, and the
/// times (not the root's).
fn metadata(e: &RawEntry, root: bool, out: &mut Vec<u8>) {
    if !root {
        out.extend(e.name16.iter().flat_map(|u| u.to_le_bytes()));
    }
    if e.is_stream() {
        out.extend(((e.size & 0xFFFF_FFFF) as u32).to_le_bytes());
    } else {
        out.extend(e.clsid);
    }
    out.extend(e.state_bits);
    if !root {
        out.extend(e.created);
        out.extend(e.modified);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(s: &str) -> Vec<u8> {
        let mut k: Vec<u8> = s.encode_utf16().flat_map(u16::to_le_bytes).collect();
        k.extend([0, 0]);
        k
    }

    #[test]
    fn names_sort_as_little_endian_bytes_with_their_terminator() {
        assert_eq!(name_order(&key("a"), &key("b")), Ordering::Less);
        // The terminator sorts a prefix first.
        assert_eq!(name_order(&key("ab"), &key("abc")), Ordering::Less);
        // Bytes, not code points: U+0100 (00 01) before U+0002 (02 00).
        assert_eq!(name_order(&key("\u{100}"), &key("\u{2}")), Ordering::Less);
    }
}
