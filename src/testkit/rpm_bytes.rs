//! The bytes of RPM packages, as rpm writes them: headers (region tag
//! first, its trailer at the end of the store, values aligned), the lead,
//! the signature header around a main header and payload, cpio `newc`
//! entries, and a public key `rpmkeys --import` accepts. For the builder
//! in [`super::rpm`] and for tests that break one thing.

use anyhow::Result;
use sequoia_openpgp::Cert;
use sequoia_openpgp::types::PublicKeyAlgorithm;
use sha2::Digest;

use super::rpm::Parts;
use crate::engine::inspect::rpm::header::{MAGIC, kind};
use crate::engine::inspect::rpm::tags::{self, sig};

/// A built time, fixed.
const BUILT: u32 = 1_767_225_600;

/// The bytes of a header with these entries, as rpm lays one out: the
/// region tag first (its trailer at the end of the store), the data in
/// index order, each value aligned. For the test kit and the tests.
pub fn write_header(region: u32, entries: &[(u32, u32, Vec<u8>, u32)]) -> Vec<u8> {
    let mut store: Vec<u8> = Vec::new();
    let mut index: Vec<[u32; 4]> = Vec::new();
    for (tag, kind, data, count) in entries {
        let align = match *kind {
            kind::INT16 => 2,
            kind::INT32 => 4,
            kind::INT64 => 8,
            _ => 1,
        };
        while !store.len().is_multiple_of(align) {
            store.push(0);
        }
        index.push([*tag, *kind, store.len() as u32, *count]);
        store.extend_from_slice(data);
    }
    let il = index.len() as u32 + 1;
    let trailer_at = store.len() as u32;
    for v in [region, kind::BIN, (il * 16).wrapping_neg(), 16] {
        store.extend_from_slice(&v.to_be_bytes());
    }
    index.insert(0, [region, kind::BIN, trailer_at, 16]);
    let mut out = MAGIC.to_vec();
    out.extend_from_slice(&il.to_be_bytes());
    out.extend_from_slice(&(store.len() as u32).to_be_bytes());
    for e in index {
        for v in e {
            out.extend_from_slice(&v.to_be_bytes());
        }
    }
    out.extend_from_slice(&store);
    out
}

/// The signature tag rpmsign files a key's header signature under.
pub fn signature_tag(cert: &Cert) -> u32 {
    match cert.primary_key().key().pk_algo() {
        PublicKeyAlgorithm::RSAEncryptSign => sig::RSA,
        _ => sig::DSA,
    }
}

/// The 96-byte lead of a binary package for Linux.
pub fn lead(name: &str) -> Vec<u8> {
    let mut l = vec![0u8; 96];
    l[..4].copy_from_slice(&[0xed, 0xab, 0xee, 0xdb]);
    l[4] = 3;
    l[9] = 1; // archnum
    let n = name.len().min(65);
    l[10..10 + n].copy_from_slice(&name.as_bytes()[..n]);
    l[77] = 1; // osnum
    l[79] = 5; // header-style signatures
    l
}

/// The package from its parts and extra signature-header entries (each
/// `(tag, type, data, count)`): SHA256HEADER, SIZE and PAYLOADSIZE are
/// always there.
pub fn assemble(parts: &Parts, extra: &[(u32, u32, Vec<u8>, u32)]) -> Vec<u8> {
    let sha = hex::encode(sha2::Sha256::digest(&parts.main));
    let size = (parts.main.len() + parts.payload.len()) as u32;
    let mut entries = vec![
        (
            sig::SHA256,
            kind::STRING,
            format!("{sha}\0").into_bytes(),
            1,
        ),
        (sig::SIZE, kind::INT32, size.to_be_bytes().to_vec(), 1),
    ];
    entries.extend(extra.iter().cloned());
    entries.sort_by_key(|e| e.0);
    assemble_raw(parts, &write_header(tags::HEADERSIGNATURES, &entries))
}

/// The package from its parts and a signature header as given.
pub fn assemble_raw(parts: &Parts, signature: &[u8]) -> Vec<u8> {
    let mut out = parts.lead.clone();
    out.extend_from_slice(signature);
    out.resize(out.len() + (8 - signature.len() % 8) % 8, 0);
    out.extend_from_slice(&parts.main);
    out.extend_from_slice(&parts.payload);
    out
}

/// One `newc` entry: header, name, padding, data, padding.
pub fn cpio_entry(out: &mut Vec<u8>, name: &str, ino: u32, mode: u32, nlink: u32, data: &[u8]) {
    let fields = [
        ino,
        mode,
        0,
        0,
        nlink,
        BUILT,
        data.len() as u32,
        0,
        0,
        0,
        0,
        name.len() as u32 + 1,
        0,
    ];
    out.extend_from_slice(b"070701");
    for f in fields {
        out.extend_from_slice(format!("{f:08x}").as_bytes());
    }
    out.extend_from_slice(name.as_bytes());
    out.push(0);
    pad4(out);
    out.extend_from_slice(data);
    pad4(out);
}

fn pad4(out: &mut Vec<u8>) {
    while !out.len().is_multiple_of(4) {
        out.push(0);
    }
}

pub(super) fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// `cert`'s primary key as `rpmkeys --import` (rpm 4.18's own OpenPGP
/// parser) accepts it: the key, its first user ID and a fresh binding
/// whose only critical subpacket is the creation time (rpm refuses
/// critical key-flags and primary-user-ID subpackets, which sequoia
/// marks critical), armored. The key and its fingerprint are unchanged.
pub fn rpm_importable_key(cert: &Cert) -> Result<Vec<u8>> {
    use sequoia_openpgp::Packet;
    use sequoia_openpgp::packet::signature::SignatureBuilder;
    use sequoia_openpgp::packet::signature::subpacket::{Subpacket, SubpacketValue};
    use sequoia_openpgp::serialize::Serialize;
    use sequoia_openpgp::types::{KeyFlags, SignatureType};
    let key = cert.primary_key().key().clone();
    let mut signer = key.clone().parts_into_secret()?.into_keypair()?;
    let uid = cert
        .userids()
        .next()
        .ok_or_else(|| anyhow::anyhow!("no user ID"))?
        .userid()
        .clone();
    let created = key.creation_time();
    let flags = KeyFlags::empty().set_certification().set_signing();
    let builder = SignatureBuilder::new(SignatureType::PositiveCertification)
        .set_signature_creation_time(created)?
        .modify_hashed_area(|mut area| {
            area.add(Subpacket::new(SubpacketValue::KeyFlags(flags), false)?)?;
            Ok(area)
        })?;
    let binding = uid.bind(&mut signer, cert, builder)?;
    let mut out = Vec::new();
    let mut w =
        sequoia_openpgp::armor::Writer::new(&mut out, sequoia_openpgp::armor::Kind::PublicKey)?;
    for p in [
        Packet::from(key.role_into_primary()),
        Packet::from(uid),
        Packet::from(binding),
    ] {
        p.serialize(&mut w)?;
    }
    w.finalize()?;
    Ok(out)
}
