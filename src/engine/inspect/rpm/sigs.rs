//! The signatures an RPM's signature header carries, found before the
//! bytes they cover go by (the signature header comes first), so the pass
//! computes exactly the hash contexts they need:
//!
//! - over the main header: `RSAHEADER` (268) and `DSAHEADER` (267, also
//!   where rpm files EdDSA and ECDSA signatures) in v4 packages, and every
//!   signature of v6's `OPENPGP` (278, base64 strings);
//! - over the header and the compressed payload (legacy): `PGP` (1002)
//!   and `GPG` (1005).

use crate::engine::fetch::hashers::HashKey;
use crate::engine::shared::limits::SIGNATURE_MAX;
use crate::engine::verify::signature::{self, parse};

use super::header::Header;
use super::tags::sig;

/// One signature as found, before the covered bytes are hashed.
#[derive(Debug, Clone)]
pub struct Found {
    /// Where it is (`RSAHEADER (signature tag 268)`).
    pub tag: String,
    pub bytes: Result<Vec<u8>, String>,
    pub covers_payload: bool,
}

/// Every signature of the signature header, in tag order.
pub fn found(h: &Header) -> Vec<Found> {
    let mut out = Vec::new();
    for (tag, name, covers_payload) in [
        (sig::DSA, "DSAHEADER", false),
        (sig::RSA, "RSAHEADER", false),
        (sig::PGP, "PGP", true),
        (sig::GPG, "GPG", true),
    ] {
        if h.entry(tag).is_none() {
            continue;
        }
        let bytes = h
            .bin(tag)
            .map(<[u8]>::to_vec)
            .ok_or_else(|| "not binary data".to_string())
            .and_then(bounded);
        out.push(Found {
            tag: format!("{name} (signature tag {tag})"),
            bytes,
            covers_payload,
        });
    }
    if h.entry(sig::OPENPGP).is_some() {
        let strings = h.strings(sig::OPENPGP).unwrap_or_default();
        if strings.is_empty() {
            out.push(Found {
                tag: format!("OPENPGP (signature tag {})", sig::OPENPGP),
                bytes: Err("not a list of base64 signatures".into()),
                covers_payload: false,
            });
        }
        for (i, text) in strings.iter().enumerate() {
            out.push(Found {
                tag: format!("OPENPGP #{} (signature tag {})", i + 1, sig::OPENPGP),
                bytes: base64(text).and_then(bounded),
                covers_payload: false,
            });
        }
    }
    out
}

fn bounded(bytes: Vec<u8>) -> Result<Vec<u8>, String> {
    if bytes.len() as u64 > SIGNATURE_MAX {
        return Err(format!(
            "{} bytes, over the {SIGNATURE_MAX}-byte limit of a signature",
            bytes.len()
        ));
    }
    Ok(bytes)
}

/// The hash contexts the signatures need, over the header alone and over
/// header and payload (at most the cap of one file's signatures each).
pub fn hash_keys(found: &[Found]) -> (Vec<HashKey>, Vec<HashKey>) {
    let keys = |payload: bool| {
        let sigs: Vec<parse::Found> = found
            .iter()
            .filter(|f| f.covers_payload == payload)
            .filter_map(|f| f.bytes.as_deref().ok())
            .filter_map(|b| parse::detached(b).ok())
            .flatten()
            .collect();
        signature::hash_keys(&sigs)
    };
    (keys(false), keys(true))
}

/// Standard base64 (padding optional, no line breaks), as rpm stores v6
/// signatures.
fn base64(text: &[u8]) -> Result<Vec<u8>, String> {
    let value = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let text = text
        .strip_suffix(b"==")
        .or_else(|| text.strip_suffix(b"="))
        .unwrap_or(text);
    if text.len() as u64 > SIGNATURE_MAX * 2 {
        return Err("a signature over the size limit".into());
    }
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for &c in text {
        let v = value(c).ok_or_else(|| format!("not base64 (byte 0x{c:02x})"))?;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    if bits >= 6 {
        return Err("not base64 (a dangling character)".into());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_decodes_as_rpm_stores_it() {
        assert_eq!(base64(b"aGVsbG8=").unwrap(), b"hello");
        assert_eq!(base64(b"aGVsbG8").unwrap(), b"hello");
        assert_eq!(base64(b"aGk=").unwrap(), b"hi");
        assert!(base64(b"a!b=").is_err());
        assert!(base64(b"aGVsb").is_err());
    }
}
