//! What a review is asked to do and what it found, up to sign-off.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::engine::fetch::evidence::Evidence;
use crate::engine::fetch::local_copy::LocalCopy;
use crate::engine::fetch::open::FetchSettings;
use crate::engine::inspect::Limits;
use crate::engine::inspect::diff::Diff;
use crate::engine::inspect::diff::diff;
use crate::engine::inspect::package::Package;
use crate::engine::select::feed::Product;
use crate::engine::select::rollback::{Approval, Previous};
use crate::engine::shared::check::{Check, CheckId};
use crate::engine::shared::manifest::ManifestEntry;
use crate::engine::verify::sbom::Baseline;
use crate::engine::verify::signature::TrustStore;

use super::sbom::VendorSbom;

/// What to review.
#[derive(Debug, Clone)]
pub struct Request {
    pub version: String,
    pub platform: String,
    /// The review's clock: every time-dependent rule uses this.
    pub now: Timestamp,
    /// Where files come from: offline or not, timeouts, trust, cache.
    pub fetch: FetchSettings,
    /// Archive inspection limits (the expanded-size limit is configurable).
    pub limits: Limits,
    /// Where to stage a copy for the store during the pass (`None`: the
    /// review will not store).
    pub stage_dir: Option<std::path::PathBuf>,
    /// What was approved before here (for `release.rollback` and the diff).
    pub previous: Previous,
    /// Every approval of this platform recorded here: a re-review of an
    /// approved version whose bytes changed fails `release.rollback`.
    pub approvals: Vec<Approval>,
    /// The SBOM approved last, that the vendor's SBOM is compared with.
    pub sbom_baseline: Baseline,
}

/// The artifact as reviewed (the checklist's `[artifact]` table).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArtifactRecord {
    pub file: String,
    pub source: String,
    pub url: String,
    /// True when a token (user info, query) was removed from the URL.
    pub url_redacted: bool,
    pub size: u64,
    pub sha256: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha512: Option<String>,
}

/// SHA-256 of every input the verdicts rest on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Inputs {
    pub feed: String,
    /// `None` when the release names no checksum file.
    pub checksums: Option<String>,
    pub notes: Option<String>,
    pub signatures: Vec<String>,
    pub certificates: Vec<String>,
}

/// The trust the verdicts rest on (the checklist's `[trust]`): the
/// pinned keys by fingerprint and user ID, how many must sign, and each
/// certificate file with its SHA-256.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrustRecord {
    pub threshold: usize,
    #[serde(default, rename = "key")]
    pub keys: Vec<KeyRecord>,
    #[serde(default, rename = "certificate")]
    pub certificates: Vec<CertificateFile>,
}

/// A key by its primary fingerprint and first user ID.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyRecord {
    pub fingerprint: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CertificateFile {
    pub file: String,
    pub sha256: String,
}

/// Where an evidence file came from (the checklist's `[[evidence_file]]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvidenceSource {
    pub file: String,
    pub source: String,
    pub url: String,
    pub sha256: String,
}

/// Everything a review found, up to sign-off.
#[derive(Debug, Clone)]
pub struct Review {
    pub product: Product,
    pub version: String,
    pub platform: String,
    pub channel: String,
    pub started: Timestamp,
    pub artifact: ArtifactRecord,
    pub inputs: Inputs,
    pub evidence: Vec<EvidenceSource>,
    /// The pinned keys and certificates the signature checks used.
    pub trust: TrustRecord,
    /// Every check but `signoff`, in SPEC order.
    pub checks: Vec<Check>,
    pub manifest: Vec<ManifestEntry>,
    /// The step log, in order.
    pub log: Vec<String>,
    /// The evidence files as gathered (what the store keeps on approval).
    pub gathered: Evidence,
    /// The verified bytes on this machine (source file or download).
    pub local_copy: Option<LocalCopy>,
    /// What changed since the last approval here.
    pub since: Since,
    /// What a package says of itself (package kinds only): its maintainer
    /// scripts in full, for the Inspect step.
    pub package: Option<Box<Package>>,
    /// The vendor's SBOM, when the feed names one that could be read.
    pub sbom: Option<VendorSbom>,
    /// Whether the review looked inside the artifact (an archive or
    /// package), rather than at one opaque file.
    pub inspected_entries: bool,
    /// The APT index the chain's first link verified, on this machine
    /// (what the store keeps beside the Release file).
    pub apt_index: Option<KeptIndex>,
}

/// An APT `Packages` index whose bytes are the ones the Release lists.
#[derive(Debug, Clone)]
pub struct KeptIndex {
    /// Its path as the feed writes it (`dists/stable/main/.../Packages.xz`).
    pub relative: String,
    /// Its bytes on this machine.
    pub file: crate::engine::fetch::index::KeptFile,
    /// Their SHA-256, hex (checked again as the store copies them).
    pub sha256: String,
}

/// What changed since the last approval of this product and platform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Since {
    /// Nothing approved before (or said why nothing is known).
    NothingKnown(String),
    Changes {
        version: String,
        approved: toml::value::Datetime,
        diff: Diff,
    },
}

impl Review {
    pub fn check(&self, id: CheckId) -> Option<&Check> {
        self.checks.iter().find(|c| c.id == id)
    }
}

/// The pinned keys (fingerprint and first user ID) and certificate files.
pub(super) fn trust_record(trust: &TrustStore) -> TrustRecord {
    TrustRecord {
        threshold: trust.threshold,
        keys: trust
            .pinned
            .iter()
            .map(|cert| KeyRecord {
                fingerprint: cert.fingerprint().to_hex(),
                user_id: cert
                    .userids()
                    .next()
                    .map(|u| String::from_utf8_lossy(u.userid().value()).into_owned()),
            })
            .collect(),
        certificates: trust
            .files
            .iter()
            .map(|(path, sha256)| CertificateFile {
                file: path.display().to_string(),
                sha256: sha256.clone(),
            })
            .collect(),
    }
}

/// The diff of two manifests; of two images', on their flattened
/// filesystems (see [`super::image_flat`]).
fn image_or_plain_diff(before: &[ManifestEntry], after: &[ManifestEntry]) -> Diff {
    use super::image_flat::{flatten, is_layered};
    if is_layered(before) && is_layered(after) {
        diff(&flatten(before), &flatten(after))
    } else {
        diff(before, after)
    }
}

/// The diff against the last approval, or why there is none.
pub(super) fn since(previous: &Previous, manifest: &[ManifestEntry]) -> Since {
    match previous {
        Previous::None => Since::NothingKnown(
            "no previous approval of this platform is recorded here".to_string(),
        ),
        Previous::Unreadable(why) => {
            Since::NothingKnown(format!("no previous approval known: {why}"))
        }
        Previous::Found {
            approval,
            manifest: Err(why),
        } => Since::NothingKnown(format!(
            "{} was approved, but its manifest cannot be read: {why}",
            approval.version
        )),
        Previous::Found {
            approval,
            manifest: Ok(before),
        } => Since::Changes {
            version: approval.version.clone(),
            approved: approval.time,
            diff: image_or_plain_diff(before, manifest),
        },
    }
}
