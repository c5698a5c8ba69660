//! The checklist: the record of one review and its sign-off, written as
//! three files for the change request: `.toml` (the machine-readable
//! record), `.md` (the same record for people) and `.manifest` (every
//! archive entry). [`Checklist::build`] is the only way to make one, so
//! every front end writes the same record.

mod cyclonedx;
mod markdown;
mod record;
mod sbom_table;
mod trail;
mod write;

pub use crate::engine::shared::manifest::render as render_manifest;
pub use cyclonedx::SbomDocument;
pub use markdown::render as render_markdown;
pub use record::{InputsSection, Record, WaiverRecord, to_json, toml_datetime};
pub use write::{WriteError, Written, write, write_new};

use jiff::Timestamp;

use crate::engine::fetch::hashers::sha256_hex;
use crate::engine::review::{KeyRecord, Review};
use crate::engine::shared::check::{Check, CheckId};
use crate::engine::shared::verdict::{self as rules, Verdict, Waiver};

/// Who signs off, and what they accept.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SignOff {
    pub operator: String,
    pub approver: String,
    pub change_request: Option<String>,
    pub waivers: Vec<Waiver>,
    /// The key the checklist will be signed with, if any (recorded in it).
    pub signed_with: Option<KeyRecord>,
}

impl SignOff {
    /// Both names given, and two different people.
    pub fn problem(&self) -> Option<String> {
        let operator = self.operator.trim();
        let approver = self.approver.trim();
        if operator.is_empty() {
            Some("the operator's name is missing".to_string())
        } else if approver.is_empty() {
            Some("the approver's name is missing".to_string())
        } else if operator.eq_ignore_ascii_case(approver) {
            Some(format!(
                "the operator and the approver must be two different people (both are `{operator}`)"
            ))
        } else {
            None
        }
    }

    /// The `signoff` check.
    pub fn check(&self) -> Check {
        match self.problem() {
            Some(problem) => Check::fail(CheckId::Signoff, problem).with_next_step(
                "give both names: the operator and the approver must be two different people",
            ),
            None => {
                let cr = self
                    .change_request
                    .as_deref()
                    .map(|c| format!(" for {c}"))
                    .unwrap_or_else(|| ", no change request reference given".to_string());
                Check::pass(
                    CheckId::Signoff,
                    format!(
                        "reviewed by {}, approved by {}{cr}",
                        self.operator.trim(),
                        self.approver.trim()
                    ),
                )
            }
        }
    }
}

/// The verdict a review gets with this sign-off, and why it would be
/// rejected: the one rule the checklist, `intake verify` and the walk's
/// sign-off form (every frame, so the review's checks are not copied) all
/// apply.
pub fn verdict(review: &Review, sign_off: &SignOff) -> (Verdict, Vec<String>) {
    let signoff = sign_off.check();
    let checks = || {
        review
            .checks
            .iter()
            .filter(|c| c.id != CheckId::Signoff)
            .chain(std::iter::once(&signoff))
    };
    (
        rules::verdict(checks(), &sign_off.waivers),
        rules::rejection_reasons(checks(), &sign_off.waivers),
    )
}

/// A built checklist: the record and its two renderings.
#[derive(Debug, Clone)]
pub struct Checklist {
    pub record: Record,
    pub toml: String,
    pub markdown: String,
    pub manifest: Vec<u8>,
    /// `<name>.cdx.json`: the SBOM of what the review inspected (none for
    /// a single opaque file), written from `manifest` as it is written.
    pub sbom: Option<SbomDocument>,
}

impl Checklist {
    /// Builds the checklist of a review at sign-off time `finished`.
    pub fn build(review: &Review, sign_off: &SignOff, finished: Timestamp) -> Checklist {
        let manifest = render_manifest(&review.manifest);
        let (verdict, reasons) = verdict(review, sign_off);
        let mut checks: Vec<Check> = review.checks.clone();
        checks.retain(|c| c.id != CheckId::Signoff);
        checks.push(sign_off.check());
        let sbom = SbomDocument::of(review, verdict, finished);
        let record = Record::new(
            review,
            sign_off,
            checks,
            (verdict, reasons),
            finished,
            (
                sha256_hex(&manifest),
                sbom.as_ref().map(|s| s.sha256(&manifest)),
            ),
        );
        let toml = record.to_toml();
        let markdown = render_markdown(&record);
        Checklist {
            record,
            toml,
            markdown,
            manifest,
            sbom,
        }
    }

    /// The file name stem: `<product>-<version>-<platform>-<UTC time>`,
    /// an epoch's `:` written `%3a` (as `apt-get download` names files: a
    /// `:` is not allowed in a Windows file name, and `%` never appears in
    /// a version, so the name reads back unambiguously).
    pub fn stem(&self) -> String {
        let r = &self.record;
        let time = r
            .finished_timestamp()
            .map(|t| t.strftime("%Y%m%dT%H%M%SZ").to_string())
            .unwrap_or_default();
        let version = r.version.replace(':', "%3a");
        format!("{}-{version}-{}-{time}", r.product, r.platform)
    }
}
