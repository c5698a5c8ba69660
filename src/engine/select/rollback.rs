//! `release.rollback`: what was approved before on this machine (the
//! history's records, read by the history in `record/history.rs`) and how
//! the version and bytes under review compare with it.

use crate::engine::select::version::Scheme;
use crate::engine::shared::check::{Check, CheckId};
use crate::engine::shared::manifest::ManifestEntry;
use crate::engine::shared::text::escape_path;
use serde::{Deserialize, Serialize};

/// One approval.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Approval {
    pub version: String,
    pub platform: String,
    pub sha256: String,
    pub time: toml::value::Datetime,
    /// The checklist, where it was written.
    pub checklist: String,
    /// SHA-256 of the checklist's TOML (what a countersignature signs);
    /// absent in histories earlier versions wrote.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checklist_sha256: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change_request: Option<String>,
    pub operator: String,
    pub approver: String,
    /// The manifest's copy, relative to the history file (TOML histories
    /// of earlier versions; the database holds the manifest itself).
    #[serde(default)]
    pub manifest: String,
}

/// What a review knows of earlier approvals of its product and platform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Previous {
    /// Nothing recorded (or no history kept).
    None,
    /// The history could not be read: nothing is known.
    Unreadable(String),
    /// The most recent approval, and its manifest (or why it is missing).
    Found {
        approval: Box<Approval>,
        manifest: std::result::Result<Vec<ManifestEntry>, String>,
    },
}

/// `release.rollback`: is this older than what was approved here last?
pub fn rollback_check(previous: &Previous, version: &str, platform: &str, scheme: Scheme) -> Check {
    let id = CheckId::ReleaseRollback;
    match previous {
        Previous::None => Check::skip(
            id,
            format!("no earlier approval for {platform} is recorded on this machine"),
        ),
        Previous::Unreadable(why) => Check::warn(
            id,
            format!("the approval history is unavailable, so no previous approval is known: {why}"),
        ),
        Previous::Found { approval, .. } => {
            let when = approval
                .time
                .date
                .map(|d| d.to_string())
                .unwrap_or_default();
            let cr = approval
                .change_request
                .as_deref()
                .map(|c| format!(", {c}"))
                .unwrap_or_default();
            let said = format!("{} was approved here on {when}{cr}", approval.version);
            let check = match scheme.compare(version, &approval.version) {
                std::cmp::Ordering::Less => Check::warn(
                    id,
                    format!("{version} is older than {said}: a rollback needs a written reason"),
                ),
                std::cmp::Ordering::Equal => Check::pass(id, format!("a re-review: {said}")),
                std::cmp::Ordering::Greater => {
                    Check::pass(id, format!("{version} is newer than {said}"))
                }
            };
            check
                .with_evidence("last_approved", approval.version.clone())
                .with_evidence("approved_on", when)
        }
    }
}

/// `release.rollback` once the artifact is read: as [`rollback_check`],
/// and a failure when this version and platform were approved here for
/// other bytes (`approvals`: every approval of the platform recorded in the
/// history; the latest one in `previous` counts too). Same version,
/// different digest: the vendor's published file changed after it was
/// approved, which an operator must hear of before anything is installed.
pub fn rollback_check_read(
    previous: &Previous,
    approvals: &[Approval],
    version: &str,
    platform: &str,
    sha256: &str,
    scheme: Scheme,
) -> Check {
    let latest = match previous {
        Previous::Found { approval, .. } => Some(approval.as_ref()),
        _ => None,
    };
    let changed = approvals
        .iter()
        .chain(latest)
        .filter(|a| a.version == version && a.platform == platform)
        .filter(|a| !a.sha256.eq_ignore_ascii_case(sha256))
        .max_by_key(|a| a.time);
    let Some(earlier) = changed else {
        return rollback_check(previous, version, platform, scheme);
    };
    let when = earlier.time.date.map(|d| d.to_string()).unwrap_or_default();
    let was = escape_path(earlier.sha256.as_bytes());
    Check::fail(
        CheckId::ReleaseRollback,
        format!(
            "the store holds different bytes for {version} {platform} (SHA-256 {}) approved on {when}; these are SHA-256 {}: the vendor's bytes changed since: do not install; report it to the vendor",
            crate::engine::shared::text::short(&was),
            crate::engine::shared::text::short(sha256),
        ),
    )
    .with_evidence("last_approved", version.to_string())
    .with_evidence("approved_on", when)
    .with_evidence("approved_sha256", was)
    .with_evidence("sha256", sha256.to_string())
}
