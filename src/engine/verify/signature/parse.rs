//! Reading signature files: detached signatures (armored `.asc`, one or
//! more blocks, or binary `.sig`/`.gpg`) and cleartext-signed files (whose
//! signed text comes back along with signatures that already carry the
//! digest of that text).

use openpgp::Packet;
use openpgp::packet::Signature;
use openpgp::parse::{PacketParserBuilder, PacketParserResult, Parse};
use sequoia_openpgp as openpgp;

/// A signature as found in a file: parsed, or a packet that claims to be a
/// signature and cannot be understood.
#[derive(Debug, Clone)]
pub enum Found {
    Sig(Box<Signature>),
    Unreadable(String),
}

/// The most signatures read from one file. Vendors publish one or a few;
/// a file holding more is refused rather than read (each signature costs
/// a verification, and salted ones a pass over the data).
pub const MAX_SIGNATURES: usize = 100;

fn too_many() -> String {
    format!("holds more than {MAX_SIGNATURES} signatures; refused (no release needs that many)")
}

const ARMOR_BEGIN: &str = "-----BEGIN PGP SIGNATURE-----";
const CLEARSIGN_BEGIN: &[u8] = b"-----BEGIN PGP SIGNED MESSAGE-----";

/// Whether these bytes are a cleartext-signed message.
pub fn is_clearsigned(bytes: &[u8]) -> bool {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    bytes[start..].starts_with(CLEARSIGN_BEGIN)
}

/// Parses a detached signature file. `Err` says why the file as a whole
/// cannot be used (truncated, corrupt, not a signature).
pub fn detached(bytes: &[u8]) -> Result<Vec<Found>, String> {
    let text = std::str::from_utf8(bytes).ok();
    let blocks: Vec<&[u8]> = match text {
        // Several armored blocks concatenated: parse each.
        Some(t) if t.matches(ARMOR_BEGIN).count() > 1 => t
            .match_indices(ARMOR_BEGIN)
            .map(|(i, _)| i)
            .collect::<Vec<_>>()
            .windows(2)
            .map(|w| &bytes[w[0]..w[1]])
            .chain(t.rfind(ARMOR_BEGIN).map(|i| &bytes[i..]))
            .collect(),
        _ => vec![bytes],
    };
    let mut found = Vec::new();
    for block in blocks {
        packets(block, &mut found)?;
    }
    if found.is_empty() {
        return Err("holds no signature".to_string());
    }
    Ok(found)
}

/// Reads one block's packets into `found`, refusing past [`MAX_SIGNATURES`].
fn packets(bytes: &[u8], found: &mut Vec<Found>) -> Result<(), String> {
    let mut ppr = PacketParserBuilder::from_bytes(bytes)
        .and_then(|b| b.build())
        .map_err(|e| format!("not an OpenPGP signature: {e}"))?;
    while let PacketParserResult::Some(pp) = ppr {
        let (packet, next) = pp
            .next()
            .map_err(|e| format!("truncated or corrupt: {e}"))?;
        match packet {
            Packet::Signature(sig) => found.push(Found::Sig(Box::new(sig))),
            Packet::Unknown(u) if u.tag() == openpgp::packet::Tag::Signature => {
                found.push(Found::Unreadable(u.error().to_string()))
            }
            Packet::Marker(_) => {}
            other => {
                return Err(format!(
                    "not a detached signature: it holds a {} packet",
                    other.tag()
                ));
            }
        }
        if found.len() > MAX_SIGNATURES {
            return Err(too_many());
        }
        ppr = next;
    }
    Ok(())
}

/// The signed text and the signatures of a cleartext-signed file. The
/// signatures carry the digest of the text (computed while parsing).
#[derive(Debug, Clone)]
pub struct Clearsigned {
    pub text: Vec<u8>,
    pub signatures: Vec<Found>,
}

/// Parses a cleartext-signed file (`-----BEGIN PGP SIGNED MESSAGE-----`).
pub fn clearsigned(bytes: &[u8]) -> Result<Clearsigned, String> {
    let mut ppr = PacketParserBuilder::from_bytes(bytes)
        .map(|b| b.process_csf_message(true))
        .and_then(|b| b.build())
        .map_err(|e| format!("not a readable cleartext-signed file: {e}"))?;
    let mut text = Vec::new();
    let mut signatures = Vec::new();
    while let PacketParserResult::Some(mut pp) = ppr {
        if let Packet::Literal(_) = pp.packet {
            use std::io::Read;
            pp.read_to_end(&mut text)
                .map_err(|e| format!("truncated or corrupt: {e}"))?;
        }
        let (packet, next) = pp
            .next()
            .map_err(|e| format!("truncated or corrupt: {e}"))?;
        match packet {
            Packet::Signature(sig) => signatures.push(Found::Sig(Box::new(sig))),
            Packet::Unknown(u) if u.tag() == openpgp::packet::Tag::Signature => {
                signatures.push(Found::Unreadable(u.error().to_string()))
            }
            _ => {}
        }
        if signatures.len() > MAX_SIGNATURES {
            return Err(too_many());
        }
        ppr = next;
    }
    if signatures.is_empty() {
        return Err("the signature block is missing or unreadable (truncated?)".to_string());
    }
    Ok(Clearsigned { text, signatures })
}
