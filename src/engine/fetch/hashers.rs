//! Hash contexts: which ones a pass computes ([`HashKey`]: algorithm, v6
//! salt, text mode), OpenPGP text-mode canonicalisation as GnuPG does it,
//! the finished contexts a pass hands back ([`Digests`]), and the SHA-256
//! of small inputs held in memory.

use std::collections::BTreeMap;

use openpgp::crypto::hash::Context;
use openpgp::packet::Signature;
use openpgp::types::{HashAlgorithm, SignatureType};
use sequoia_openpgp as openpgp;

/// What one hash context covers: the algorithm, the salt prepended by v6
/// signatures, and whether line endings are normalised (text signatures).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct HashKey {
    pub algo: HashAlgorithm,
    pub salt: Vec<u8>,
    pub text: bool,
}

impl HashKey {
    pub fn plain(algo: HashAlgorithm) -> Self {
        HashKey {
            algo,
            salt: Vec::new(),
            text: false,
        }
    }

    /// The context a document signature needs.
    pub fn for_signature(sig: &Signature) -> Self {
        HashKey {
            algo: sig.hash_algo(),
            salt: sig.salt().map(<[u8]>::to_vec).unwrap_or_default(),
            text: sig.typ() == SignatureType::Text,
        }
    }
}

/// A hash context with optional text-mode line-ending normalisation.
pub struct Hasher {
    ctx: Context,
    /// `Some(carriage returns held back)` in text mode.
    text: Option<u64>,
}

impl Hasher {
    pub fn new(key: &HashKey) -> Option<Hasher> {
        let mut ctx = key.algo.context().ok()?.for_signature(4);
        if !key.salt.is_empty() {
            ctx.update(&key.salt);
        }
        Some(Hasher {
            ctx,
            text: key.text.then_some(0),
        })
    }

    pub fn update(&mut self, data: &[u8]) {
        match &mut self.text {
            None => self.ctx.update(data),
            Some(held) => canonicalise_text(&mut self.ctx, data, held),
        }
    }

    /// The finished context: carriage returns still held at the end of the
    /// data belong to a last line and are dropped, as GnuPG drops them.
    pub fn finish(self) -> Context {
        self.ctx
    }
}

/// OpenPGP text mode, as GnuPG hashes it when it verifies a text
/// signature (and so as operators check one): lines end at LF; the carriage
/// returns just before a line's end are dropped and the end is hashed as
/// CRLF. So `a\n` and `a\r\n` hash alike, while a lone CR inside a line is
/// not a line end and is hashed as it is. Carriage returns are held back
/// (`held` counts them) until the next byte says whether they end a line.
fn canonicalise_text(ctx: &mut Context, data: &[u8], held: &mut u64) {
    let mut start = 0;
    for (i, &b) in data.iter().enumerate() {
        match b {
            b'\r' => {
                ctx.update(data.get(start..i).unwrap_or_default());
                *held += 1;
                start = i + 1;
            }
            b'\n' => {
                ctx.update(data.get(start..i).unwrap_or_default());
                *held = 0;
                ctx.update(b"\r\n");
                start = i + 1;
            }
            _ if *held > 0 => {
                release_held(ctx, held);
                start = i;
            }
            _ => {}
        }
    }
    ctx.update(data.get(start..).unwrap_or_default());
}

/// Hashes carriage returns that turned out to be inside a line.
fn release_held(ctx: &mut Context, held: &mut u64) {
    const CRS: [u8; 64] = [b'\r'; 64];
    while *held > 0 {
        let n = (*held).min(CRS.len() as u64) as usize;
        ctx.update(CRS.get(..n).unwrap_or_default());
        *held -= n as u64;
    }
}

/// Finished hash contexts, by key.
#[derive(Clone, Default)]
pub struct Digests {
    contexts: BTreeMap<HashKey, Context>,
}

impl Digests {
    /// The contexts of a finished pass (or of bytes a kind hashed as they
    /// went by: a package's signed members), each hasher finished.
    pub fn finish(hashers: impl IntoIterator<Item = (HashKey, Hasher)>) -> Digests {
        let contexts = hashers.into_iter().map(|(k, h)| (k, h.finish())).collect();
        Digests { contexts }
    }

    /// The digest for a key, if it was computed.
    pub fn digest(&self, key: &HashKey) -> Option<Vec<u8>> {
        self.contexts
            .get(key)
            .cloned()
            .and_then(|c| c.into_digest().ok())
    }

    /// A copy of the finished context (to append a signature trailer to).
    pub fn context(&self, key: &HashKey) -> Option<Context> {
        self.contexts.get(key).cloned()
    }
}

/// Two sets of contexts are equal when they hold the same keys and digests.
impl PartialEq for Digests {
    fn eq(&self, other: &Self) -> bool {
        self.contexts.len() == other.contexts.len()
            && self
                .contexts
                .keys()
                .all(|k| other.contexts.contains_key(k) && self.digest(k) == other.digest(k))
    }
}

impl Eq for Digests {}

impl std::fmt::Debug for Digests {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.contexts.keys()).finish()
    }
}

/// SHA-256 of a small in-memory input, as lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

/// `data`'s digest by `algo`, computed directly: what a pass must agree with.
#[cfg(test)]
pub(crate) fn hex_digest(algo: HashAlgorithm, data: &[u8]) -> String {
    let mut c = algo.context().unwrap().for_digest();
    c.update(data);
    hex::encode(c.into_digest().unwrap())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_mode_canonicalises_line_ends_as_gnupg_does_across_chunks() {
        let cases: [(&str, &str); 6] = [
            ("one\r\ntwo\r\nthree", "one\r\ntwo\r\nthree"),
            ("one\ntwo\nthree\n", "one\r\ntwo\r\nthree\r\n"),
            // A lone CR is not a line end.
            ("one\rtwo\rthree", "one\rtwo\rthree"),
            ("a\r\rb\n", "a\r\rb\r\n"),
            // Carriage returns before a line's end, or at the very end, go.
            ("a\r\r\nb\r", "a\r\nb"),
            ("", ""),
        ];
        for (text, canonical) in cases {
            let want = hex_digest(HashAlgorithm::SHA256, canonical.as_bytes());
            for size in [1, 2, 3, text.len().max(1)] {
                let mut ctx = HashAlgorithm::SHA256.context().unwrap().for_digest();
                let mut held = 0;
                for piece in text.as_bytes().chunks(size) {
                    canonicalise_text(&mut ctx, piece, &mut held);
                }
                assert_eq!(
                    hex::encode(ctx.into_digest().unwrap()),
                    want,
                    "{text:?} by {size}"
                );
            }
        }
    }
}
