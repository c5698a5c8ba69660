//! Waivers: the written reasons an approver gives to accept warnings. A
//! waiver names a check and, for a check whose warnings are about entries
//! (archive.safety, archive.contents), may name one finding's subject:
//! `archive.safety:meridian-4.2.1/conf/logging.toml=reset by the installer`.
//! A check-wide waiver covers the findings present in this review, and the
//! record lists them, so no waiver silently accepts what a later release
//! adds.

use serde::{Deserialize, Serialize};

use crate::engine::shared::check::{Check, CheckId, Finding, Status};

/// A written reason to accept a warning (or one finding of it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Waiver {
    pub check: CheckId,
    /// The finding it is about (its subject, as the review shows it);
    /// `None`: the whole check.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    pub reason: String,
}

impl Waiver {
    /// A waiver of a whole check.
    pub fn check_wide(check: CheckId, reason: impl Into<String>) -> Waiver {
        Waiver {
            check,
            subject: None,
            reason: reason.into(),
        }
    }

    /// Parses `CHECK=REASON` or `CHECK:SUBJECT=REASON` as given on the
    /// command line (the subject ends at the first `=`); refuses unknown
    /// checks, empty subjects and empty reasons.
    pub fn parse(arg: &str) -> Result<Self, String> {
        let (target, reason) = arg
            .split_once('=')
            .ok_or_else(|| format!("waiver `{arg}` is not CHECK=REASON or CHECK:SUBJECT=REASON"))?;
        let (check, subject) = match target.split_once(':') {
            Some((check, subject)) if subject.trim().is_empty() => {
                return Err(format!("waiver for {check} names an empty finding"));
            }
            Some((check, subject)) => (check, Some(subject.trim().to_string())),
            None => (target, None),
        };
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
            subject,
            reason: reason.to_string(),
        })
    }

    /// Whether this waiver accepts `finding` of its check.
    fn covers(&self, finding: &Finding) -> bool {
        self.subject.as_ref().is_none_or(|s| *s == finding.subject)
    }
}

/// What became of a waiver once the checks were known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WaiverOutcome {
    /// It covers a warning (or, for a finding, that finding).
    Applied,
    /// The check failed: a failure cannot be waived.
    RefusedFailed,
    /// The check did not warn; nothing to waive.
    NotNeeded,
    /// It names a finding the check does not have.
    NoSuchFinding,
}

impl WaiverOutcome {
    pub fn describe(self) -> &'static str {
        match self {
            WaiverOutcome::Applied => "accepted: covers the warning",
            WaiverOutcome::RefusedFailed => {
                "refused: the check failed, and a failure cannot be waived"
            }
            WaiverOutcome::NotNeeded => "not needed: the check did not warn",
            WaiverOutcome::NoSuchFinding => "not applied: the check has no warning about it",
        }
    }
}

/// The warning findings of a check (each can be waived on its own).
fn warnings(check: &Check) -> impl Iterator<Item = &Finding> {
    check.findings.iter().filter(|f| f.status == Status::Warn)
}

/// What became of `waiver` against `check` (the check it names).
pub fn outcome_of(waiver: &Waiver, check: &Check) -> WaiverOutcome {
    match check.status {
        Status::Fail => WaiverOutcome::RefusedFailed,
        Status::Pass | Status::Skip => WaiverOutcome::NotNeeded,
        Status::Warn => match &waiver.subject {
            None => WaiverOutcome::Applied,
            Some(_) if warnings(check).any(|f| waiver.covers(f)) => WaiverOutcome::Applied,
            Some(_) => WaiverOutcome::NoSuchFinding,
        },
    }
}

/// The subjects of the warning findings of `check` that `waiver` covers
/// (what the record lists under it).
pub fn covered_by(waiver: &Waiver, check: &Check) -> Vec<String> {
    if check.status != Status::Warn {
        return Vec::new();
    }
    warnings(check)
        .filter(|f| waiver.covers(f) && f.unlisted_counts().is_none())
        .map(|f| f.subject.clone())
        .collect()
}

/// The subjects of the warning findings of `check` no waiver covers.
pub fn uncovered(check: &Check, waivers: &[Waiver]) -> Vec<String> {
    let mine: Vec<&Waiver> = waivers.iter().filter(|w| w.check == check.id).collect();
    warnings(check)
        .filter(|f| !mine.iter().any(|w| w.covers(f)))
        .map(|f| f.subject.clone())
        .collect()
}

/// Whether a warning check is accepted: a check with warning findings
/// when every one of them is covered, any other when a check-wide waiver
/// names it.
pub fn is_waived(check: &Check, waivers: &[Waiver]) -> bool {
    let mine = || waivers.iter().filter(|w| w.check == check.id);
    if warnings(check).next().is_none() {
        return mine().any(|w| w.subject.is_none());
    }
    uncovered(check, waivers).is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waiver_parsing_refuses_unknown_checks_and_empty_parts() {
        let w = Waiver::parse("release.newest=rolling back").unwrap();
        assert_eq!((w.check, w.subject), (CheckId::ReleaseNewest, None));
        let w = Waiver::parse("archive.safety:a/b=c=d").unwrap();
        assert_eq!(w.subject.as_deref(), Some("a/b"));
        assert_eq!(w.reason, "c=d");
        assert!(Waiver::parse("release.newst=x").is_err());
        assert!(Waiver::parse("release.newest=  ").is_err());
        assert!(Waiver::parse("release.newest").is_err());
        assert!(Waiver::parse("archive.safety: =x").is_err());
        assert!(Waiver::parse("signoff=because").is_err());
    }

    fn two_findings() -> Check {
        Check::warn(CheckId::ArchiveSafety, "2 WARN").with_findings(vec![
            Finding::new(Status::Warn, "a/x", "world-writable"),
            Finding::new(Status::Warn, "a/y", "world-writable"),
        ])
    }

    #[test]
    fn a_finding_waiver_covers_that_finding_only() {
        let check = two_findings();
        let x = Waiver::parse("archive.safety:a/x=reset by the installer").unwrap();
        let y = Waiver::parse("archive.safety:a/y=also reset").unwrap();
        let z = Waiver::parse("archive.safety:a/z=no such").unwrap();
        assert!(!is_waived(&check, std::slice::from_ref(&x)));
        assert_eq!(uncovered(&check, std::slice::from_ref(&x)), vec!["a/y"]);
        assert!(is_waived(&check, &[x.clone(), y]));
        assert_eq!(outcome_of(&z, &check), WaiverOutcome::NoSuchFinding);
        assert_eq!(covered_by(&x, &check), vec!["a/x"]);
    }

    #[test]
    fn a_check_wide_waiver_covers_the_findings_present_and_lists_them() {
        let check = two_findings();
        let all = Waiver::parse("archive.safety=all intended").unwrap();
        assert!(is_waived(&check, std::slice::from_ref(&all)));
        assert_eq!(covered_by(&all, &check), vec!["a/x", "a/y"]);
        let single = Check::warn(CheckId::ReleaseNewest, "older");
        assert!(is_waived(
            &single,
            &[Waiver::check_wide(CheckId::ReleaseNewest, "r")]
        ));
        let about_a_finding = Waiver::parse("release.newest:x=r").unwrap();
        assert!(!is_waived(&single, &[about_a_finding]));
    }
}
