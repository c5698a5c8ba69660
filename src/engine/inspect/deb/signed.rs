//! The package's bytes as the member walk reads them: counted (so every
//! finding can say at which byte it is), and hashed while a member that a
//! debsigs signature covers goes by. The signature comes last in the
//! package, after everything it covers: when the package is a file on this
//! machine its signature is looked at first ([`super::peek`]) for the hash
//! contexts it needs; otherwise the covered bytes are hashed with the
//! algorithms a signer is likely to have used ([`SIGNED_WITH`]). Either
//! way the signature is judged against those contexts afterwards: the
//! package is never read twice.

use std::io::{self, BufRead, Read};

use sequoia_openpgp::types::HashAlgorithm;

use crate::engine::fetch::hashers::{Digests, HashKey, Hasher};

/// The algorithms the covered bytes are hashed with when the signature
/// could not be looked at first: what GnuPG signs with by default
/// (SHA-256, and SHA-512 for some keys). A signature made otherwise is then
/// reported as not checkable.
pub const SIGNED_WITH: [HashAlgorithm; 2] = [HashAlgorithm::SHA256, HashAlgorithm::SHA512];

const BUFFER: usize = 256 * 1024;

/// A buffered reader over the package that hashes what it hands out while
/// [`Signed::hashing`] is on.
pub struct Signed<'a> {
    inner: &'a mut dyn BufRead,
    buf: Box<[u8]>,
    pos: usize,
    len: usize,
    /// Bytes handed out so far: the offset in the package.
    offset: u64,
    pub hashing: bool,
    hashers: Vec<(HashKey, Hasher)>,
}

/// The contexts of [`SIGNED_WITH`].
pub fn default_keys() -> Vec<HashKey> {
    SIGNED_WITH
        .iter()
        .map(|algo| HashKey::plain(*algo))
        .collect()
}

impl<'a> Signed<'a> {
    /// Reads `inner`, hashing covered bytes into a context per key.
    pub fn new(inner: &'a mut dyn BufRead, keys: Vec<HashKey>) -> Self {
        let hashers = keys
            .into_iter()
            .filter_map(|key| Hasher::new(&key).map(|h| (key, h)))
            .collect();
        Signed {
            inner,
            buf: vec![0u8; BUFFER].into_boxed_slice(),
            pos: 0,
            len: 0,
            offset: 0,
            hashing: false,
            hashers,
        }
    }

    /// Where the next byte is in the package.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// The hash contexts of every byte hashed.
    pub fn finish(self) -> Digests {
        Digests::finish(self.hashers)
    }
}

impl BufRead for Signed<'_> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.pos >= self.len {
            self.len = loop {
                match self.inner.read(&mut self.buf) {
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    other => break other?,
                }
            };
            self.pos = 0;
        }
        Ok(self.buf.get(self.pos..self.len).unwrap_or_default())
    }

    fn consume(&mut self, amt: usize) {
        let end = (self.pos + amt).min(self.len);
        if self.hashing {
            let taken = self.buf.get(self.pos..end).unwrap_or_default();
            for (_, hasher) in &mut self.hashers {
                hasher.update(taken);
            }
        }
        self.offset += (end - self.pos) as u64;
        self.pos = end;
    }
}

impl Read for Signed<'_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(out.len());
        out[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::fetch::hashers::hex_digest;

    #[test]
    fn only_the_bytes_read_while_hashing_are_hashed() {
        let data: Vec<u8> = (0..600_000u32).map(|i| (i % 251) as u8).collect();
        let mut source = &data[..];
        let mut signed = Signed::new(&mut source, default_keys());
        let mut skip = vec![0u8; 1000];
        signed.read_exact(&mut skip).unwrap();
        signed.hashing = true;
        let mut covered = vec![0u8; 500_000];
        signed.read_exact(&mut covered).unwrap();
        signed.hashing = false;
        io::copy(&mut signed, &mut io::sink()).unwrap();
        assert_eq!(signed.offset(), 600_000);
        let digests = signed.finish();
        for algo in SIGNED_WITH {
            let want = hex_digest(algo, &data[1000..501_000]);
            let got = hex::encode(digests.digest(&HashKey::plain(algo)).unwrap());
            assert_eq!(got, want, "{algo}");
        }
    }
}
