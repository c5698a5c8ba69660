//! The checklist record: the fields SPEC.md lists, in its order, as one
//! serde structure. TOML is written from it; JSON is converted from the
//! same TOML value so both always agree.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::engine::review::{
    ArtifactRecord, EvidenceSource, KeyRecord, Review, Since, TrustRecord,
};
use crate::engine::shared::check::{Check, CheckId};
use crate::engine::shared::verdict::{Verdict, Waiver, WaiverOutcome, outcome_of};
use crate::engine::shared::waiver::covered_by;
use crate::engine::verify::sbom::compare;

use super::SignOff;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    pub intake_version: String,
    pub product: String,
    pub product_name: String,
    pub vendor: String,
    pub version: String,
    pub platform: String,
    pub channel: String,
    pub verdict: Verdict,
    pub started: toml::value::Datetime,
    pub finished: toml::value::Datetime,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change_request: Option<String>,
    pub operator: String,
    pub approver: String,
    /// Why the review is rejected, in words (empty when approved).
    #[serde(default)]
    pub rejected_because: Vec<String>,
    /// The step log.
    #[serde(default)]
    pub log: Vec<String>,
    /// The key the record is signed with (its signature is the `.asc`
    /// beside it); absent when the record is not signed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed_with: Option<KeyRecord>,
    pub artifact: ArtifactRecord,
    /// The pinned keys and certificates the signature checks used.
    #[serde(default)]
    pub trust: TrustRecord,
    pub inputs: InputsSection,
    #[serde(rename = "evidence_file", default)]
    pub evidence_files: Vec<EvidenceSource>,
    /// What changed since the last approval here.
    pub since: SinceSection,
    #[serde(rename = "check")]
    pub checks: Vec<Check>,
    #[serde(rename = "waiver", default, skip_serializing_if = "Vec::is_empty")]
    pub waivers: Vec<WaiverRecord>,
    /// The vendor SBOM's component changes since the SBOM approved last.
    #[serde(rename = "sbom_change", default, skip_serializing_if = "Vec::is_empty")]
    pub sbom_changes: Vec<SbomChange>,
}

/// One component change of the vendor's SBOM (see `sbom.components`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SbomChange {
    /// `added`, `removed`, `upgraded`, `downgraded`, `changed`, `rebuilt`.
    pub change: String,
    pub component: String,
    /// The package URL without its version, or `supplier|name`.
    pub key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// The version compared with.
    pub since: String,
}

impl SbomChange {
    fn all_of(review: &Review) -> Vec<SbomChange> {
        let Some((since, changes)) = review.sbom.as_ref().and_then(|s| s.since.as_ref()) else {
            return Vec::new();
        };
        changes
            .iter()
            .map(|c| {
                let (change, from, to) = c.parts();
                let shown = to.or(from).map(|x| x.name.clone()).unwrap_or_default();
                SbomChange {
                    change: change.to_string(),
                    key: to.or(from).map(compare::key).unwrap_or_default(),
                    component: shown,
                    from: from.and_then(|x| x.version.clone()),
                    to: to.and_then(|x| x.version.clone()),
                    since: since.clone(),
                }
            })
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InputsSection {
    pub feed: String,
    /// Absent when the release names no checksum file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checksums: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    pub signatures: Vec<String>,
    pub certificates: Vec<String>,
    pub manifest: String,
    /// SHA-256 of the SBOM intake wrote (`<name>.cdx.json`), when it wrote one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sbom: Option<String>,
}

/// What changed since the last approved release (full lists).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SinceSection {
    pub summary: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approved: Option<toml::value::Datetime>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub added: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub removed: Vec<String>,
    /// `path: what changed`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changed: Vec<String>,
}

impl SinceSection {
    fn from(since: &Since) -> Self {
        match since {
            Since::NothingKnown(why) => SinceSection {
                summary: why.clone(),
                version: None,
                approved: None,
                added: Vec::new(),
                removed: Vec::new(),
                changed: Vec::new(),
            },
            Since::Changes {
                version,
                approved,
                diff,
            } => SinceSection {
                summary: format!("since {version}: {}", diff.summary()),
                version: Some(version.clone()),
                approved: Some(*approved),
                added: diff.added.clone(),
                removed: diff.removed.clone(),
                changed: diff
                    .changed
                    .iter()
                    .map(|(p, w)| format!("{p}: {w}"))
                    .collect(),
            },
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WaiverRecord {
    pub check: CheckId,
    /// The finding it names (`None`: the whole check).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    pub reason: String,
    pub outcome: WaiverOutcome,
    /// Who accepted it (the approver) and when (the sign-off).
    #[serde(default)]
    pub by: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<toml::value::Datetime>,
    /// The findings it accepted in this review, by subject: a check-wide
    /// waiver lists every one, so what it covered is on the record.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub covers: Vec<String>,
}

/// A TOML datetime (`2026-11-22T09:14:03Z`) for a timestamp, to the second.
pub fn toml_datetime(t: Timestamp) -> toml::value::Datetime {
    let text = t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string();
    text.parse().unwrap_or(toml::value::Datetime {
        date: None,
        time: None,
        offset: None,
    })
}

/// The review's step log, then the sign-off, each line with its time.
fn log_with_sign_off(review: &Review, sign_off: &SignOff, finished: Timestamp) -> Vec<String> {
    let cr = sign_off
        .change_request
        .as_deref()
        .filter(|c| !c.trim().is_empty())
        .map(|c| format!(" for {}", c.trim()))
        .unwrap_or_default();
    let mut log = review.log.clone();
    log.push(format!(
        "{} Sign off: reviewed by {}, approved by {}{cr}",
        finished.strftime("%H:%M:%SZ"),
        sign_off.operator.trim(),
        sign_off.approver.trim()
    ));
    log
}

impl Record {
    pub(super) fn new(
        review: &Review,
        sign_off: &SignOff,
        checks: Vec<Check>,
        (verdict, rejected_because): (Verdict, Vec<String>),
        finished: Timestamp,
        (manifest_sha256, sbom_sha256): (String, Option<String>),
    ) -> Record {
        let waivers = sign_off
            .waivers
            .iter()
            .map(|w: &Waiver| {
                let check = checks.iter().find(|c| c.id == w.check);
                WaiverRecord {
                    check: w.check,
                    subject: w.subject.clone(),
                    reason: w.reason.clone(),
                    outcome: check.map_or(WaiverOutcome::NotNeeded, |c| outcome_of(w, c)),
                    by: sign_off.approver.trim().to_string(),
                    time: Some(toml_datetime(finished)),
                    covers: check.map(|c| covered_by(w, c)).unwrap_or_default(),
                }
            })
            .collect();
        Record {
            intake_version: env!("CARGO_PKG_VERSION").to_string(),
            product: review.product.id.clone(),
            product_name: review.product.name.clone(),
            vendor: review.product.vendor.clone(),
            version: review.version.clone(),
            platform: review.platform.clone(),
            channel: review.channel.clone(),
            verdict,
            started: toml_datetime(review.started),
            finished: toml_datetime(finished),
            change_request: sign_off
                .change_request
                .clone()
                .filter(|c| !c.trim().is_empty()),
            operator: sign_off.operator.trim().to_string(),
            approver: sign_off.approver.trim().to_string(),
            rejected_because,
            log: log_with_sign_off(review, sign_off, finished),
            signed_with: sign_off.signed_with.clone(),
            artifact: review.artifact.clone(),
            trust: review.trust.clone(),
            inputs: InputsSection {
                feed: review.inputs.feed.clone(),
                checksums: review.inputs.checksums.clone(),
                notes: review.inputs.notes.clone(),
                signatures: review.inputs.signatures.clone(),
                certificates: review.inputs.certificates.clone(),
                manifest: manifest_sha256,
                sbom: sbom_sha256,
            },
            evidence_files: review.evidence.clone(),
            since: SinceSection::from(&review.since),
            checks,
            waivers,
            sbom_changes: SbomChange::all_of(review),
        }
    }

    /// The TOML text of the record.
    pub fn to_toml(&self) -> String {
        // Serialising plain data to TOML cannot fail; an empty string would
        // be caught by the caller's write (never written silently).
        toml::to_string(self).unwrap_or_default()
    }

    pub fn finished_timestamp(&self) -> Option<Timestamp> {
        self.finished.to_string().parse().ok()
    }
}

/// The record as JSON (datetimes as RFC 3339 strings), converted from
/// the TOML text so the two can never disagree.
pub fn to_json(record: &Record) -> serde_json::Value {
    match toml::from_str::<toml::Value>(&record.to_toml()) {
        Ok(value) => toml_to_json(value),
        Err(_) => serde_json::Value::Null,
    }
}

fn toml_to_json(value: toml::Value) -> serde_json::Value {
    use serde_json::Value as J;
    match value {
        toml::Value::String(s) => J::String(s),
        toml::Value::Integer(i) => J::from(i),
        toml::Value::Float(f) => J::from(f),
        toml::Value::Boolean(b) => J::Bool(b),
        toml::Value::Datetime(d) => J::String(d.to_string()),
        toml::Value::Array(a) => J::Array(a.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => {
            J::Object(t.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect())
        }
    }
}
