//! Check results as data: stable check identifiers, statuses, findings.
//! What a review's checks add up to (waivers, the verdict) is
//! [`super::verdict`]'s.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The stable identifiers of SPEC.md, in the order a checklist lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum CheckId {
    FeedFresh,
    ReleaseNewest,
    ReleaseRollback,
    FetchSource,
    FetchSize,
    ChecksumSha256,
    SignatureChecksums,
    SignatureArtifact,
    PackageSignature,
    PackageDigests,
    PackageIdentity,
    ArchiveContents,
    ArchiveSafety,
    PackageScripts,
    AuthenticodeSignature,
    AuthenticodeTimestamp,
    ImageDigest,
    ImageSignature,
    SbomComponents,
    Signoff,
}

impl CheckId {
    pub const ALL: [CheckId; 20] = [
        CheckId::FeedFresh,
        CheckId::ReleaseNewest,
        CheckId::ReleaseRollback,
        CheckId::FetchSource,
        CheckId::FetchSize,
        CheckId::ChecksumSha256,
        CheckId::SignatureChecksums,
        CheckId::SignatureArtifact,
        CheckId::PackageSignature,
        CheckId::PackageDigests,
        CheckId::PackageIdentity,
        CheckId::ArchiveContents,
        CheckId::ArchiveSafety,
        CheckId::PackageScripts,
        CheckId::AuthenticodeSignature,
        CheckId::AuthenticodeTimestamp,
        CheckId::ImageDigest,
        CheckId::ImageSignature,
        CheckId::SbomComponents,
        CheckId::Signoff,
    ];

    /// Whether the check is listed only for package kinds (a Debian
    /// package): SPEC lists no check for a kind it does not apply to.
    pub fn is_package(self) -> bool {
        matches!(
            self,
            CheckId::PackageSignature
                | CheckId::PackageDigests
                | CheckId::PackageIdentity
                | CheckId::PackageScripts
        )
    }

    /// Whether the check is listed only for files that carry Authenticode
    /// signatures (Windows PE images).
    pub fn is_authenticode(self) -> bool {
        matches!(
            self,
            CheckId::AuthenticodeSignature | CheckId::AuthenticodeTimestamp
        )
    }

    /// Whether the check is listed only for container images.
    pub fn is_image(self) -> bool {
        matches!(self, CheckId::ImageDigest | CheckId::ImageSignature)
    }

    /// Whether the check is listed only for what it judges: a package, a
    /// Windows PE image, an SBOM the feed names.
    pub fn is_conditional(self) -> bool {
        self.is_package()
            || self.is_authenticode()
            || self.is_image()
            || self == CheckId::SbomComponents
    }

    /// The checks every review lists, whatever the artifact's kind.
    pub fn every_review() -> Vec<CheckId> {
        CheckId::ALL
            .into_iter()
            .filter(|id| !id.is_conditional())
            .collect()
    }

    pub fn as_str(self) -> &'static str {
        match self {
            CheckId::FeedFresh => "feed.fresh",
            CheckId::ReleaseNewest => "release.newest",
            CheckId::ReleaseRollback => "release.rollback",
            CheckId::FetchSource => "fetch.source",
            CheckId::FetchSize => "fetch.size",
            CheckId::ChecksumSha256 => "checksum.sha256",
            CheckId::SignatureChecksums => "signature.checksums",
            CheckId::SignatureArtifact => "signature.artifact",
            CheckId::PackageSignature => "package.signature",
            CheckId::PackageDigests => "package.digests",
            CheckId::PackageIdentity => "package.identity",
            CheckId::PackageScripts => "package.scripts",
            CheckId::AuthenticodeSignature => "authenticode.signature",
            CheckId::AuthenticodeTimestamp => "authenticode.timestamp",
            CheckId::ImageDigest => "image.digest",
            CheckId::ImageSignature => "image.signature",
            CheckId::SbomComponents => "sbom.components",
            CheckId::ArchiveContents => "archive.contents",
            CheckId::ArchiveSafety => "archive.safety",
            CheckId::Signoff => "signoff",
        }
    }
}

impl CheckId {
    /// What the check asks, in one line (`intake checks` lists them).
    pub fn meaning(self) -> &'static str {
        match self {
            CheckId::FeedFresh => "the feed is within its own review date (`expires`)",
            CheckId::ReleaseNewest => "the release is the newest of its channel",
            CheckId::ReleaseRollback => "not older than the last approval here, nor changed bytes",
            CheckId::FetchSource => "the bytes came from the primary source or a named mirror",
            CheckId::FetchSize => "the artifact is the size the feed says",
            CheckId::ChecksumSha256 => "SHA-256 (and SHA-512) match the vendor's checksum file",
            CheckId::SignatureChecksums => "the checksum file is signed by pinned keys (threshold)",
            CheckId::SignatureArtifact => "the artifact's own signature, when published, holds",
            CheckId::PackageSignature => "a package's embedded signature, when present, holds",
            CheckId::PackageDigests => "a package's own file digests agree with its files",
            CheckId::PackageIdentity => "a package's name, version and architecture fit the feed",
            CheckId::PackageScripts => "install-time scripts of a package, each needing a reason",
            CheckId::AuthenticodeSignature => "Authenticode signature holds, by a pinned publisher",
            CheckId::AuthenticodeTimestamp => {
                "the Authenticode timestamp holds, by a pinned authority"
            }
            CheckId::ImageDigest => "an image's pinned digest chain holds, blob by blob",
            CheckId::ImageSignature => "the image's cosign signature is by a pinned key",
            CheckId::SbomComponents => "the vendor SBOM is signed and agrees with the files",
            CheckId::ArchiveContents => "the artifact holds what the release notes declare",
            CheckId::ArchiveSafety => "nothing escapes its folder, hides or unpacks differently",
            CheckId::Signoff => "an operator and a different approver signed off",
        }
    }
}

impl fmt::Display for CheckId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for CheckId {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        CheckId::ALL
            .into_iter()
            .find(|id| id.as_str() == s)
            .ok_or_else(|| {
                let known: Vec<&str> = CheckId::ALL.iter().map(|id| id.as_str()).collect();
                format!("unknown check `{s}` (known: {})", known.join(", "))
            })
    }
}

impl From<CheckId> for String {
    fn from(id: CheckId) -> String {
        id.as_str().to_string()
    }
}

impl TryFrom<String> for CheckId {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

/// The outcome of a check or of one finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Skip,
    Warn,
    Fail,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Skip => "skip",
            Status::Warn => "warn",
            Status::Fail => "fail",
        }
    }

    /// The word shown to people (never colour alone).
    pub fn word(self) -> &'static str {
        match self {
            Status::Pass => "PASS",
            Status::Skip => "SKIP",
            Status::Warn => "WARN",
            Status::Fail => "FAIL",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One thing a check found, naming the entry or key it concerns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub status: Status,
    /// The archive entry, key fingerprint, source or file it concerns.
    pub subject: String,
    pub summary: String,
}

impl Finding {
    pub fn new(status: Status, subject: impl Into<String>, summary: impl Into<String>) -> Self {
        Finding {
            status,
            subject: subject.into(),
            summary: summary.into(),
        }
    }
}

/// Findings a check lists; past this many, one last finding counts the
/// rest (the check's status and the verdict still count every one).
pub const MAX_LISTED_FINDINGS: usize = 1_000;

/// The subject of the finding that counts findings not listed.
pub const UNLISTED: &str = "(not listed)";

impl Finding {
    /// The finding that stands for `fails` failing and `warns` other
    /// findings not listed; it fails when any of them does.
    pub fn unlisted(fails: u64, warns: u64) -> Finding {
        Finding::new(
            if fails > 0 {
                Status::Fail
            } else {
                Status::Warn
            },
            UNLISTED,
            format!(
                "and {} more findings of this check, not listed ({fails} FAIL, {warns} WARN)",
                crate::engine::shared::text::group(fails + warns)
            ),
        )
    }

    /// The counts an [`Finding::unlisted`] finding stands for.
    pub fn unlisted_counts(&self) -> Option<(u64, u64)> {
        if self.subject != UNLISTED {
            return None;
        }
        let (_, counts) = self.summary.rsplit_once('(')?;
        let (fails, rest) = counts.split_once(" FAIL, ")?;
        let warns = rest.strip_suffix(" WARN)")?;
        Some((fails.parse().ok()?, warns.parse().ok()?))
    }
}

/// How many findings have `status`, counting those an unlisted finding
/// stands for.
pub fn count_findings(findings: &[Finding], status: Status) -> u64 {
    findings
        .iter()
        .map(|f| match (f.unlisted_counts(), status) {
            (Some((fails, _)), Status::Fail) => fails,
            (Some((_, warns)), Status::Warn) => warns,
            (Some(_), _) => 0,
            (None, _) => u64::from(f.status == status),
        })
        .sum()
}

/// The result of one check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    pub id: CheckId,
    pub status: Status,
    /// One line, in words, that a person can read aloud.
    pub summary: String,
    /// What the verdict rests on (expected and actual hash, signer...).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub evidence: BTreeMap<String, String>,
    #[serde(default, rename = "finding", skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<Finding>,
    /// What to do about a failure or a warning, in words (none when the
    /// check passed or was skipped).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_step: Option<String>,
}

impl Check {
    pub fn new(id: CheckId, status: Status, summary: impl Into<String>) -> Self {
        Check {
            id,
            status,
            summary: summary.into(),
            evidence: BTreeMap::new(),
            findings: Vec::new(),
            next_step: None,
        }
    }

    pub fn pass(id: CheckId, summary: impl Into<String>) -> Self {
        Self::new(id, Status::Pass, summary)
    }

    pub fn warn(id: CheckId, summary: impl Into<String>) -> Self {
        Self::new(id, Status::Warn, summary)
    }

    pub fn fail(id: CheckId, summary: impl Into<String>) -> Self {
        Self::new(id, Status::Fail, summary)
    }

    pub fn skip(id: CheckId, summary: impl Into<String>) -> Self {
        Self::new(id, Status::Skip, summary)
    }

    pub fn with_next_step(mut self, step: impl Into<String>) -> Self {
        self.next_step = Some(step.into());
        self
    }

    pub fn with_evidence(mut self, key: &str, value: impl Into<String>) -> Self {
        self.evidence.insert(key.to_string(), value.into());
        self
    }

    /// Lists the first [`MAX_LISTED_FINDINGS`] findings and counts the
    /// rest in one last finding (and the `findings_not_listed` evidence),
    /// so no archive can make a checklist grow without bound.
    pub fn with_findings(mut self, findings: Vec<Finding>) -> Self {
        let (mut fails, mut warns) = (0u64, 0u64);
        let mut listed = Vec::with_capacity(findings.len().min(MAX_LISTED_FINDINGS + 1));
        for f in findings {
            if let Some((f_count, w_count)) = f.unlisted_counts() {
                fails += f_count;
                warns += w_count;
            } else if listed.len() < MAX_LISTED_FINDINGS {
                listed.push(f);
            } else if f.status == Status::Fail {
                fails += 1;
            } else {
                warns += 1;
            }
        }
        if fails + warns > 0 {
            listed.push(Finding::unlisted(fails, warns));
            self.evidence.insert(
                "findings_not_listed".to_string(),
                (fails + warns).to_string(),
            );
        }
        self.findings = listed;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_ids_round_trip_through_their_names() {
        for id in CheckId::ALL {
            assert_eq!(id.as_str().parse::<CheckId>(), Ok(id));
        }
        assert!("checksum.md5".parse::<CheckId>().is_err());
    }
}
