//! Check results as data: stable check identifiers, statuses, findings,
//! waivers, and the one rule that turns them into a verdict.

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
    ArchiveContents,
    ArchiveSafety,
    Signoff,
}

impl CheckId {
    pub const ALL: [CheckId; 11] = [
        CheckId::FeedFresh,
        CheckId::ReleaseNewest,
        CheckId::ReleaseRollback,
        CheckId::FetchSource,
        CheckId::FetchSize,
        CheckId::ChecksumSha256,
        CheckId::SignatureChecksums,
        CheckId::SignatureArtifact,
        CheckId::ArchiveContents,
        CheckId::ArchiveSafety,
        CheckId::Signoff,
    ];

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
            CheckId::ArchiveContents => "archive.contents",
            CheckId::ArchiveSafety => "archive.safety",
            CheckId::Signoff => "signoff",
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
}

impl Check {
    pub fn new(id: CheckId, status: Status, summary: impl Into<String>) -> Self {
        Check {
            id,
            status,
            summary: summary.into(),
            evidence: BTreeMap::new(),
            findings: Vec::new(),
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

/// A written reason to accept a warning.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Waiver {
    pub check: CheckId,
    pub reason: String,
}

impl Waiver {
    /// Parses `CHECK=REASON` as given on the command line; refuses unknown
    /// checks and empty reasons.
    pub fn parse(arg: &str) -> Result<Self, String> {
        let (check, reason) = arg
            .split_once('=')
            .ok_or_else(|| format!("waiver `{arg}` is not CHECK=REASON"))?;
        let check: CheckId = check.trim().parse()?;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(format!(
                "waiver for {check} has an empty reason: write why the warning is accepted"
            ));
        }
        if check == CheckId::Signoff {
            return Err("signoff cannot be waived".to_string());
        }
        Ok(Waiver {
            check,
            reason: reason.to_string(),
        })
    }
}

/// What became of a waiver once the checks were known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WaiverOutcome {
    /// It covers a warning.
    Applied,
    /// The check failed: a failure cannot be waived.
    RefusedFailed,
    /// The check did not warn; nothing to waive.
    NotNeeded,
}

impl WaiverOutcome {
    pub fn describe(self) -> &'static str {
        match self {
            WaiverOutcome::Applied => "accepted: covers the warning",
            WaiverOutcome::RefusedFailed => {
                "refused: the check failed, and a failure cannot be waived"
            }
            WaiverOutcome::NotNeeded => "not needed: the check did not warn",
        }
    }
}

/// The review's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Approved,
    Rejected,
}

impl Verdict {
    /// SPEC's exit code: 0 approved, 1 rejected.
    pub fn exit_code(self) -> u8 {
        match self {
            Verdict::Approved => 0,
            Verdict::Rejected => 1,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Approved => "approved",
            Verdict::Rejected => "rejected",
        }
    }
}

/// The verdict rule, in one place: any failure rejects; a warning without
/// an applied waiver rejects; otherwise approved.
pub fn verdict<'a>(checks: impl IntoIterator<Item = &'a Check>, waivers: &[Waiver]) -> Verdict {
    let rejected = checks.into_iter().any(|check| match check.status {
        Status::Fail => true,
        Status::Warn => waiver_outcome(check, waivers) != Some(WaiverOutcome::Applied),
        Status::Pass | Status::Skip => false,
    });
    if rejected {
        Verdict::Rejected
    } else {
        Verdict::Approved
    }
}

/// How the waivers (if any) for `check` were treated.
pub fn waiver_outcome(check: &Check, waivers: &[Waiver]) -> Option<WaiverOutcome> {
    waivers.iter().find(|w| w.check == check.id)?;
    Some(match check.status {
        Status::Warn => WaiverOutcome::Applied,
        Status::Fail => WaiverOutcome::RefusedFailed,
        Status::Pass | Status::Skip => WaiverOutcome::NotNeeded,
    })
}

/// Why a review is rejected, one line per reason, for people.
pub fn rejection_reasons<'a>(
    checks: impl IntoIterator<Item = &'a Check>,
    waivers: &[Waiver],
) -> Vec<String> {
    checks
        .into_iter()
        .filter_map(|check| match check.status {
            Status::Fail => Some(format!("{} failed: {}", check.id, check.summary)),
            Status::Warn if waiver_outcome(check, waivers) != Some(WaiverOutcome::Applied) => {
                Some(format!(
                    "{} warns and has no written reason (waiver): {}",
                    check.id, check.summary
                ))
            }
            _ => None,
        })
        .collect()
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

    #[test]
    fn waiver_parsing_refuses_unknown_checks_and_empty_reasons() {
        assert_eq!(
            Waiver::parse("release.newest=rolling back").map(|w| w.check),
            Ok(CheckId::ReleaseNewest)
        );
        assert!(Waiver::parse("release.newst=x").is_err());
        assert!(Waiver::parse("release.newest=  ").is_err());
        assert!(Waiver::parse("release.newest").is_err());
        assert!(Waiver::parse("signoff=because").is_err());
    }

    #[test]
    fn verdict_rule() {
        let pass = Check::pass(CheckId::FeedFresh, "ok");
        let warn = Check::warn(CheckId::ReleaseNewest, "older");
        let fail = Check::fail(CheckId::ChecksumSha256, "mismatch");
        let waive_warn = Waiver::parse("release.newest=because").unwrap();
        let waive_fail = Waiver::parse("checksum.sha256=because").unwrap();

        assert_eq!(verdict(std::slice::from_ref(&pass), &[]), Verdict::Approved);
        assert_eq!(
            verdict(&[pass.clone(), warn.clone()], &[]),
            Verdict::Rejected
        );
        assert_eq!(
            verdict(
                &[pass.clone(), warn.clone()],
                std::slice::from_ref(&waive_warn)
            ),
            Verdict::Approved
        );
        assert_eq!(
            verdict(
                &[pass.clone(), fail.clone()],
                std::slice::from_ref(&waive_fail)
            ),
            Verdict::Rejected
        );
        assert_eq!(
            waiver_outcome(&fail, &[waive_fail]),
            Some(WaiverOutcome::RefusedFailed)
        );
        assert_eq!(waiver_outcome(&pass, &[waive_warn]), None);
    }
}
