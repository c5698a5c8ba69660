//! The digest algorithms an Authenticode signature may name, and hash
//! contexts for the ones intake accepts. SHA-1 and MD5 are recognised only
//! to be refused by name.

use const_oid::ObjectIdentifier;
use sha2::Digest;

use super::oids;

/// A digest algorithm as a signature names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DigestAlgorithm {
    Sha256,
    Sha384,
    Sha512,
    /// Recognised, never accepted.
    Sha1,
    /// Recognised, never accepted.
    Md5,
}

impl DigestAlgorithm {
    pub fn from_oid(oid: &ObjectIdentifier) -> Option<DigestAlgorithm> {
        Some(match *oid {
            oids::SHA256 => DigestAlgorithm::Sha256,
            oids::SHA384 => DigestAlgorithm::Sha384,
            oids::SHA512 => DigestAlgorithm::Sha512,
            oids::SHA1 => DigestAlgorithm::Sha1,
            oids::MD5 => DigestAlgorithm::Md5,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            DigestAlgorithm::Sha256 => "SHA-256",
            DigestAlgorithm::Sha384 => "SHA-384",
            DigestAlgorithm::Sha512 => "SHA-512",
            DigestAlgorithm::Sha1 => "SHA-1",
            DigestAlgorithm::Md5 => "MD5",
        }
    }

    /// Whether a signature made with it can count.
    pub fn accepted(self) -> bool {
        matches!(
            self,
            DigestAlgorithm::Sha256 | DigestAlgorithm::Sha384 | DigestAlgorithm::Sha512
        )
    }

    /// The digest of `data` held in memory (`None` for a refused algorithm).
    pub fn digest(self, data: &[u8]) -> Option<Vec<u8>> {
        let mut h = ImageHasher::new(self)?;
        h.update(data);
        Some(h.finish())
    }
}

/// A running hash of an accepted algorithm.
#[derive(Clone)]
pub enum ImageHasher {
    Sha256(sha2::Sha256),
    Sha384(sha2::Sha384),
    Sha512(sha2::Sha512),
}

impl ImageHasher {
    pub fn new(algorithm: DigestAlgorithm) -> Option<ImageHasher> {
        Some(match algorithm {
            DigestAlgorithm::Sha256 => ImageHasher::Sha256(sha2::Sha256::new()),
            DigestAlgorithm::Sha384 => ImageHasher::Sha384(sha2::Sha384::new()),
            DigestAlgorithm::Sha512 => ImageHasher::Sha512(sha2::Sha512::new()),
            DigestAlgorithm::Sha1 | DigestAlgorithm::Md5 => return None,
        })
    }

    pub fn algorithm(&self) -> DigestAlgorithm {
        match self {
            ImageHasher::Sha256(_) => DigestAlgorithm::Sha256,
            ImageHasher::Sha384(_) => DigestAlgorithm::Sha384,
            ImageHasher::Sha512(_) => DigestAlgorithm::Sha512,
        }
    }

    pub fn update(&mut self, data: &[u8]) {
        match self {
            ImageHasher::Sha256(h) => h.update(data),
            ImageHasher::Sha384(h) => h.update(data),
            ImageHasher::Sha512(h) => h.update(data),
        }
    }

    pub fn finish(self) -> Vec<u8> {
        match self {
            ImageHasher::Sha256(h) => h.finalize().to_vec(),
            ImageHasher::Sha384(h) => h.finalize().to_vec(),
            ImageHasher::Sha512(h) => h.finalize().to_vec(),
        }
    }
}

/// An image digest computed over the file's bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageDigest {
    pub algorithm: DigestAlgorithm,
    pub value: Vec<u8>,
}
