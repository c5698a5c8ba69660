//! What a review's checks add up to: the waivers an approver writes for
//! warnings, what became of each, and the one rule that turns checks and
//! waivers into a verdict (the review, the checklist and the walk's
//! sign-off form all apply it).

use serde::{Deserialize, Serialize};

use crate::engine::shared::check::{Check, CheckId, Status};

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

/// Why a review is rejected, one line per reason, for people: failures
/// first (nothing can accept them), then warnings without a written
/// reason, so the first complaint read is never the waivable one.
pub fn rejection_reasons<'a>(
    checks: impl IntoIterator<Item = &'a Check> + Clone,
    waivers: &[Waiver],
) -> Vec<String> {
    let failures = checks
        .clone()
        .into_iter()
        .filter(|c| c.status == Status::Fail)
        .map(|c| format!("{} failed: {}", c.id, c.summary));
    let unwaived = checks
        .into_iter()
        .filter(|c| {
            c.status == Status::Warn && waiver_outcome(c, waivers) != Some(WaiverOutcome::Applied)
        })
        .map(|c| {
            format!(
                "{} warns and has no written reason (waiver): {}",
                c.id, c.summary
            )
        });
    failures.chain(unwaived).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

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
