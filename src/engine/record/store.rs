//! The local store of approved releases: for each product, the verified
//! artifacts and their evidence under the same relative paths the feed
//! uses, the pinned certificates, and a copy of the feed whose only source
//! is that folder. The store is therefore a ready `file://` source for
//! other hosts and for air-gapped media; `intake verify <store>/<id>/feed.toml`
//! re-runs a review from it.
//!
//! Nothing unverified is placed here: the artifact is copied from the bytes
//! the review read and hashed again on the way, and every file is written
//! atomically. An artifact is never replaced by different bytes (a vendor
//! changing a published file is exactly what an operator must hear of);
//! evidence this review verified may replace an older copy (a re-signed
//! checksum file, an APT repository's renewed `Packages` index, which is
//! copied from this machine hashed again like the artifact). Nor is the trust: the store feed pins what the
//! releases in it were approved under, and a review under other pins is
//! refused (`trust.rs`).

use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use jiff::Timestamp;

use crate::engine::fetch::hashers::sha256_hex;
use crate::engine::fetch::local_copy::LocalCopy;
use crate::engine::record::checklist::{WriteError, write_new};
use crate::engine::review::Review;
use crate::engine::select::feed::Feed;
use crate::engine::shared::error::{Error, Result};
use crate::engine::shared::limits;
use crate::engine::verify::sbom::Baseline;
use crate::engine::verify::signature::TrustStore;

mod feed;
mod trust;

use feed::{StoredCertificates, store_feed};
pub use trust::{LeftOut, StorePins};

/// Where an approved artifact went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placed {
    /// The store's feed for this product.
    pub feed: PathBuf,
    pub artifact: PathBuf,
    /// Pinned keys the store feed leaves out (revoked as compromised).
    pub left_out: Vec<LeftOut>,
}

/// A store folder.
#[derive(Debug, Clone)]
pub struct Store {
    pub root: PathBuf,
}

impl Store {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Store { root: root.into() }
    }

    /// Where reviews write their staging copies (inside the store, so a
    /// copy is moved into place, never copied again).
    pub fn staging_dir(&self) -> PathBuf {
        self.root.join(".staging")
    }

    /// Removes staging copies a crashed review left behind (a day old).
    pub fn sweep_staging(&self) {
        let Ok(entries) = std::fs::read_dir(self.staging_dir()) else {
            return;
        };
        let day = std::time::Duration::from_secs(24 * 3600);
        for e in entries.flatten() {
            let old = e
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age > day);
            if old {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }

    /// The folder of one product.
    pub fn product_dir(&self, id: &str) -> PathBuf {
        self.root.join(id)
    }

    /// The pins a review of `feed` would give this store's feed, refused
    /// when the store already holds the product under other trust: asked
    /// before a review starts (nothing is then written) and again when an
    /// approved artifact is placed.
    pub fn pins_for(&self, feed: &Feed, trust: &TrustStore, now: Timestamp) -> Result<StorePins> {
        let pins = trust::store_trust(feed, trust, now)?;
        let feed_path = self.product_dir(&feed.product.id).join("feed.toml");
        trust::same_as_store(&feed_path, &feed.product.id, &pins)?;
        Ok(pins)
    }

    /// The vendor SBOM the store keeps with an approved release's evidence
    /// (for the comparison `sbom.components` makes), or why there is none.
    pub fn approved_sbom(&self, product_id: &str, version: &str, platform: &str) -> Baseline {
        let dir = self.product_dir(product_id);
        let feed_path = dir.join("feed.toml");
        if !feed_path.is_file() {
            return Baseline::None(format!(
                "{version} was approved, but this store does not keep it"
            ));
        }
        let listed = Feed::load(&feed_path).and_then(|feed| {
            let artifact = feed.release(version)?.artifact(platform)?;
            Ok(artifact.sbom.as_ref().map(|s| s.file.value.clone()))
        });
        let relative = match listed {
            Ok(Some(relative)) => relative,
            Ok(None) => return Baseline::None(format!("{version} was approved without an SBOM")),
            Err(e) => {
                return Baseline::None(format!(
                    "the store's record of {version} cannot be read: {e}"
                ));
            }
        };
        match limits::read_local(&dir.join(&relative), limits::SBOM_MAX, "SBOM") {
            Ok(bytes) => Baseline::Found {
                version: version.to_string(),
                bytes,
            },
            Err(e) => Baseline::None(format!(
                "the SBOM approved with {version} cannot be read: {e}"
            )),
        }
    }

    /// Places an approved review's artifact (copied from the verified bytes
    /// on this machine) with its evidence, and updates the store feed.
    pub fn place(&self, feed: &Feed, trust: &TrustStore, review: &Review) -> Result<Placed> {
        let release = feed.release(&review.version)?;
        let artifact = release.artifact(&review.platform)?;
        let pins = self.pins_for(feed, trust, review.started)?;
        let copy_from = review.local_copy.as_ref().ok_or_else(|| {
            Error::file(
                &self.root,
                "no verified copy of the artifact on this machine to store",
            )
        })?;
        let (evidence, sha256) = (&review.gathered, review.artifact.sha256.as_str());
        let dir = self.product_dir(&feed.product.id);
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, &e))?;
        for file in evidence.files() {
            if file.problem.is_none() {
                put_bytes(&dir.join(&file.relative), &file.bytes)?;
            }
        }
        if let Some(index) = &review.apt_index {
            let to = dir.join(&index.relative);
            put_verified_copy(index.file.path(), &to, &index.sha256, Existing::Replace)?;
        }
        let target = dir.join(&artifact.file.value);
        match copy_from {
            // Intake's own copy (a download, or the staging copy written in
            // the read pass), hashed as it was written: moved, not copied.
            own if own.is_own() && !target.exists() => {
                if move_download(own.path(), &target, sha256)? == Moved::Linked
                    && let LocalCopy::Staged(staged) = own
                {
                    staged.commit();
                }
            }
            other => put_verified_copy(other.path(), &target, sha256, Existing::Keep)?,
        }
        let certs = StoredCertificates {
            openpgp: put_certificates(&dir, "keys", &pins.files)?,
            authenticode: put_certificates(&dir, "keys/authenticode", &pins.authenticode)?,
            timestamp_authorities: put_certificates(
                &dir,
                "keys/timestamp",
                &pins.timestamp_authorities,
            )?,
            cosign_keys: put_certificates(&dir, "keys/cosign", &pins.cosign_keys)?,
        };
        let feed_path = dir.join("feed.toml");
        let text = store_feed(feed, &pins, &certs, (release, artifact), &feed_path)?;
        replace_atomically(&feed_path, text.as_bytes())?;
        Ok(Placed {
            feed: feed_path,
            artifact: target,
            left_out: pins.left_out,
        })
    }
}

/// Copies the certificate files into the product's `keys/` folder, as
/// they were when the review read them; returns their paths there.
fn put_certificates(dir: &Path, folder: &str, files: &[(PathBuf, String)]) -> Result<Vec<String>> {
    let mut cert_names = Vec::new();
    for (i, (path, sha)) in files.iter().enumerate() {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let name = if cert_names.contains(&format!("{folder}/{name}")) {
            format!("{folder}/{i}-{name}")
        } else {
            format!("{folder}/{name}")
        };
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, &e))?;
        if sha256_hex(&bytes) != *sha {
            return Err(Error::file(
                path,
                "the certificate changed during the review: not stored",
            ));
        }
        put_bytes(&dir.join(&name), &bytes)?;
        cert_names.push(name);
    }
    Ok(cert_names)
}

/// Writes evidence this review verified: a new file, or a replacement of
/// an older copy (a vendor may re-sign a checksum file), atomically.
fn put_bytes(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, &e))?;
    }
    match write_new(path, bytes) {
        Ok(()) => Ok(()),
        Err(WriteError::Exists) => {
            let existing = std::fs::read(path).map_err(|e| Error::io(path, &e))?;
            if existing == bytes {
                Ok(())
            } else {
                replace_atomically(path, bytes)
            }
        }
        Err(WriteError::Io(e)) => Err(Error::io(path, &e)),
    }
}

/// What a copy does when the store already holds other bytes under the
/// name: an artifact is never replaced; evidence a newer review verified
/// (an APT index, which a repository renews under the same name) is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Existing {
    Keep,
    Replace,
}

/// Copies the verified bytes into the store, hashing them again on the
/// way: bytes that changed since the review are refused.
fn put_verified_copy(from: &Path, to: &Path, sha256: &str, existing: Existing) -> Result<()> {
    if to.exists() {
        let held = hash_file(to)?;
        if held == sha256 {
            return Ok(());
        }
        if existing == Existing::Keep {
            return Err(Error::file(
                to,
                "the store already holds different bytes under this name: not replaced",
            ));
        }
    }
    let dir = to.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, &e))?;
    let mut source = File::open(from).map_err(|e| Error::io(from, &e))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".intake-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| Error::io(dir, &e))?;
    let mut hasher = <sha2::Sha256 as sha2::Digest>::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = source.read(&mut buf).map_err(|e| Error::io(from, &e))?;
        if n == 0 {
            break;
        }
        sha2::Digest::update(&mut hasher, &buf[..n]);
        tmp.write_all(&buf[..n]).map_err(|e| Error::io(to, &e))?;
    }
    if hex::encode(sha2::Digest::finalize(hasher)) != sha256 {
        return Err(Error::file(
            from,
            "the artifact changed after it was verified: not stored",
        ));
    }
    tmp.as_file().sync_all().map_err(|e| Error::io(to, &e))?;
    match existing {
        Existing::Keep => tmp.persist_noclobber(to).map(|_| ()),
        Existing::Replace => tmp.persist(to).map(|_| ()),
    }
    .map_err(|e| Error::io(to, &e.error))
}

/// Moves a verified download into the store (durably); copies with a
/// re-hash when the cache is on another file system.
fn move_download(from: &Path, to: &Path, sha256: &str) -> Result<Moved> {
    let dir = to.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, &e))?;
    File::open(from)
        .and_then(|f| f.sync_all())
        .map_err(|e| Error::io(from, &e))?;
    match std::fs::hard_link(from, to) {
        Ok(()) => {
            let _ = std::fs::remove_file(from);
            Ok(Moved::Linked)
        }
        // Another file system (or no hard links): copy, hashing again.
        Err(_) => put_verified_copy(from, to, sha256, Existing::Keep).map(|()| Moved::Copied),
    }
}

/// How a verified copy reached the store: moved (the original name is
/// gone), or copied (the original is still there, for its owner to remove).
#[derive(Debug, PartialEq, Eq)]
enum Moved {
    Linked,
    Copied,
}

fn hash_file(path: &Path) -> Result<String> {
    let mut file = File::open(path).map_err(|e| Error::io(path, &e))?;
    let mut hasher = <sha2::Sha256 as sha2::Digest>::new();
    std::io::copy(&mut file, &mut hasher).map_err(|e| Error::io(path, &e))?;
    Ok(hex::encode(sha2::Digest::finalize(hasher)))
}

/// Replaces `path` atomically: a reader sees the old file or the new one,
/// never a part (the store's feed, the approval history, manifests).
pub(crate) fn replace_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".intake-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| Error::io(dir, &e))?;
    tmp.write_all(bytes).map_err(|e| Error::io(path, &e))?;
    tmp.as_file().sync_all().map_err(|e| Error::io(path, &e))?;
    tmp.persist(path).map_err(|e| Error::io(path, &e.error))?;
    Ok(())
}
