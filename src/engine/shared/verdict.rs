//! What a review's checks add up to: the waivers an approver writes for
//! warnings, what became of each, and the one rule that turns checks and
//! waivers into a verdict (the review, the checklist and the walk's
//! sign-off form all apply it).

use serde::{Deserialize, Serialize};

use crate::engine::shared::check::{Check, Status};

pub use super::waiver::{Waiver, WaiverOutcome, is_waived, outcome_of, uncovered};

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

/// The verdict rule, in one place: any failure rejects; a warning not
/// wholly covered by waivers rejects; otherwise approved.
pub fn verdict<'a>(checks: impl IntoIterator<Item = &'a Check>, waivers: &[Waiver]) -> Verdict {
    let rejected = checks.into_iter().any(|check| match check.status {
        Status::Fail => true,
        Status::Warn => !is_waived(check, waivers),
        Status::Pass | Status::Skip => false,
    });
    if rejected {
        Verdict::Rejected
    } else {
        Verdict::Approved
    }
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
        .filter(|c| c.status == Status::Warn && !is_waived(c, waivers))
        .map(|c| match uncovered(c, waivers).as_slice() {
            [] => format!(
                "{} warns and has no written reason (waiver): {}",
                c.id, c.summary
            ),
            subjects => format!(
                "{} warns and {} of its findings have no written reason (waiver): {}",
                c.id,
                subjects.len(),
                subjects.join(", ")
            ),
        });
    failures.chain(unwaived).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::shared::check::CheckId;

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
        assert_eq!(outcome_of(&waive_fail, &fail), WaiverOutcome::RefusedFailed);
        assert_eq!(outcome_of(&waive_warn, &pass), WaiverOutcome::NotNeeded);
    }
}
