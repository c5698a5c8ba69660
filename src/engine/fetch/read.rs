//! What one read of the artifact computes and who reads along: the hash
//! contexts and the digests the bytes must match ([`PassPlan`]), the
//! caller's [`Inspector`], and what comes out ([`ArtifactRead`]).

use std::path::{Path, PathBuf};

use sequoia_openpgp::types::HashAlgorithm;

use crate::engine::fetch::hashers::{Digests, HashKey};
use crate::engine::fetch::local_copy::LocalCopy;
use crate::engine::fetch::pass::StreamConsumer;

/// What reads the artifact's content in the pass, alongside the hashes.
/// Fetching hands it the bytes and keeps what it returns, knowing nothing
/// of what that is; the inspector knows nothing of where the bytes came
/// from beyond whether they are in a file on this machine.
pub trait Inspector: Sync {
    type Found: Send + 'static;
    /// The consumer of one attempt's pass. `file`: the artifact on this
    /// machine while the pass runs (a local source), `size` its size.
    fn during(
        &self,
        file: Option<PathBuf>,
        size: Option<u64>,
    ) -> StreamConsumer<'static, Self::Found>;
    /// After the pass: what the consumer found (`None` if it did not
    /// finish), and the bytes on this machine, for whatever could not be
    /// done from the stream.
    fn after(&self, during: Option<Self::Found>, copy: Option<&Path>) -> Self::Found;
}

/// What the read pass must compute, and what the bytes must match.
#[derive(Debug, Clone, Default)]
pub struct PassPlan {
    pub keys: Vec<HashKey>,
    /// The signed SHA-256 / SHA-512, when the checksum file gives them.
    pub expected_sha256: Option<Vec<u8>>,
    pub expected_sha512: Option<Vec<u8>>,
    /// Where to write a staging copy of a local source's bytes during the
    /// pass (the store's staging folder), if the review will store.
    pub stage_dir: Option<PathBuf>,
}

impl PassPlan {
    /// Whether bytes with these digests are not the ones the checksum file
    /// signs: either listed digest disagreeing is enough. One rule decides
    /// both "wrong bytes, try the next source" and "do not keep this copy",
    /// so a SHA-512-only checksum file protects the cache as SHA-256 does.
    pub fn rejects(&self, sha256: &[u8], sha512: Option<&Vec<u8>>) -> bool {
        self.expected_sha256
            .as_ref()
            .is_some_and(|e| e.as_slice() != sha256)
            || self
                .expected_sha512
                .as_ref()
                .is_some_and(|e| Some(e) != sha512)
    }

    /// Every hash context the pass computes: the signatures' and the
    /// checksums'.
    pub(super) fn all_keys(&self) -> Vec<HashKey> {
        let mut keys = self.keys.clone();
        keys.push(HashKey::plain(HashAlgorithm::SHA256));
        if self.expected_sha512.is_some() {
            keys.push(HashKey::plain(HashAlgorithm::SHA512));
        }
        keys
    }
}

/// The artifact as read from one source, with what the inspector found.
#[derive(Debug, Clone)]
pub struct ArtifactRead<F> {
    pub source: String,
    /// Where it was read, tokens removed.
    pub url: String,
    pub url_redacted: bool,
    pub bytes: u64,
    pub digests: Digests,
    pub sha256: Vec<u8>,
    pub sha512: Option<Vec<u8>>,
    pub inspected: F,
    /// The bytes on this machine: the source file itself, or the download
    /// in the cache (what the store copies from, re-hashing as it goes).
    pub local_copy: Option<LocalCopy>,
}
