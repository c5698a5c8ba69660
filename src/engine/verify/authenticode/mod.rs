//! Authenticode: the signatures Windows files carry (PE images, and MSI
//! packages, which give their own content digest: [`msi`]). A kind's
//! inspector reads the file in the one pass and hands over a
//! [`SignedFile`]: the digests it computed as the bytes went by, each
//! PKCS#7 signature found, and whatever bytes no signature covers. This
//! module judges them against the feed's pinned publishers and timestamp
//! authorities ([`Trust`]) and returns `authenticode.signature` and
//! `authenticode.timestamp` ([`judge`]).
//!
//! Parsing is RustCrypto's `cms`/`x509-cert`/`der`; chains and signatures
//! are checked by rustls-webpki (ring). Revocation is not checked online.

pub mod certs;
pub mod chain;
pub mod digest;
mod judge;
pub mod msi;
pub mod oids;
pub mod parse;
pub mod signature;
pub mod signer;
pub mod spc;
pub mod timestamp;

pub use judge::judge;

use std::path::PathBuf;

use certs::Pinned;
use digest::ImageDigest;

/// What a kind read of a file that may carry Authenticode signatures.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SignedFile {
    /// The file in words (`a 64-bit PE image for x86-64`).
    pub what: String,
    pub digests: Vec<ImageDigest>,
    /// Each PKCS#7 `SignedData`, exactly its DER.
    pub signatures: Vec<Vec<u8>>,
    /// Bytes no signature covers (in or after the certificate table),
    /// each naming its offset: any fails `authenticode.signature`.
    pub hidden: Vec<String>,
    /// Why the file could not be read to the end, if it could not.
    pub unreadable: Option<String>,
}

impl SignedFile {
    pub fn unreadable(why: impl Into<String>) -> SignedFile {
        SignedFile {
            unreadable: Some(why.into()),
            ..SignedFile::default()
        }
    }
}

/// The feed's Authenticode trust: `[trust] authenticode` and
/// `timestamp_authorities`.
#[derive(Debug, Clone, Default)]
pub struct Trust {
    pub publishers: Pinned,
    pub timestamp_authorities: Pinned,
}

impl Trust {
    /// Reads the pinned certificate files (PEM or DER).
    pub fn load(publishers: &[PathBuf], authorities: &[PathBuf]) -> Result<Trust, String> {
        Ok(Trust {
            publishers: Pinned::load(publishers)?,
            timestamp_authorities: Pinned::load(authorities)?,
        })
    }
}
