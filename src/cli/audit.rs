//! `intake checklist verify FILE`: is the checklist unaltered, signed by a
//! trusted signer, and (when it is countersigned, or approval is required)
//! countersigned by a trusted approver? Exit 0 when so, 1 when altered,
//! unsigned, badly signed or badly countersigned (or not countersigned
//! when `--require-approval`), 2 when the input cannot be used.

use std::path::{Path, PathBuf};

use jiff::Timestamp;

use crate::engine::record::audit::{self, Audit};
use crate::engine::record::signers::{SignedBy, Trusted};
use crate::engine::shared::verdict::Verdict;
use crate::settings::Settings;

use super::term::{self, Lines};
use super::{ChecklistVerifyArgs, Format, Outcome, json};

/// The certificates checklists are checked against: `--signer` (else
/// `trusted_signers`), and every approver's certificate in `[signers]`.
pub(super) fn trusted(flags: &[PathBuf], settings: &Settings) -> Trusted {
    let signers = if flags.is_empty() {
        settings.trusted_signers.clone()
    } else {
        flags.to_vec()
    };
    Trusted::new(signers, settings.signers.clone())
}

pub fn run(args: &ChecklistVerifyArgs, settings: &Settings) -> Outcome {
    let trusted = trusted(&args.signers, settings);
    let required = args.require_approval || settings.require_approval;
    let report = match audit::audit_trusting(&args.file, &trusted, Timestamp::now()) {
        Ok(r) => r,
        Err(e) => return Outcome::Failed(e),
    };
    match args.format {
        Format::Text if args.quiet => {
            let mut out = Lines::new();
            out.line(result_line(&report, required));
            term::print(out);
        }
        Format::Text => term::print(text_report(&args.file, &report, required)),
        Format::Json => term::print_json(&json_report(&args.file, &report, required)),
    }
    // The same exit codes as a review: 0 approved (intact and signed by a
    // trusted signer, countersigned when required), 1 rejected.
    Outcome::Verdict(if report.verified_with(required) {
        Verdict::Approved
    } else {
        Verdict::Rejected
    })
}

/// The last line of the report (all `--quiet` prints). A checklist nobody
/// countersigned, when none is required, keeps the line it always had.
fn result_line(report: &Audit, required: bool) -> String {
    let yes = if report.verified_with(required) {
        "YES"
    } else {
        "NO"
    };
    if required || report.countersignature.is_some() {
        format!("intact, signed and countersigned by trusted signers: {yes}")
    } else {
        format!("intact and signed by a trusted signer: {yes}")
    }
}

fn text_report(file: &Path, report: &Audit, required: bool) -> Lines {
    let r = &report.record;
    let mut out = Lines::new();
    out.line(format!(
        "checklist {} ({} {} {}, {}{})",
        file.display(),
        r.product,
        r.version,
        r.platform,
        r.verdict.as_str().to_uppercase(),
        r.change_request
            .as_deref()
            .map(|c| format!(", {c}"))
            .unwrap_or_default()
    ));
    super::output::audit_points(&mut out, &report.points);
    if let Some(by) = &report.signed_by {
        out.line(format!(
            "signed by:        {} (operator {})",
            by.words(),
            r.operator
        ));
    }
    match &report.countersigned_by {
        Some(by) => out.line(format!(
            "countersigned by: {} (approver {})",
            by.words(),
            r.approver
        )),
        None if report.countersignature.is_none() && required => {
            out.line("not countersigned, and approval is required (intake approve)")
        }
        None if report.countersignature.is_none() => {
            out.line("not countersigned (intake approve; --require-approval makes it required)")
        }
        None => {}
    }
    out.line(result_line(report, required));
    out
}

/// Each point checked, for JSON.
pub(super) fn points_json(report: &Audit) -> Vec<serde_json::Value> {
    report
        .points
        .iter()
        .map(|p| serde_json::json!({ "what": p.what, "status": p.status.as_str(), "summary": p.summary }))
        .collect()
}

/// Who signed, which key, when.
pub(super) fn signer_json(by: &SignedBy) -> serde_json::Value {
    serde_json::json!({
        "fingerprint": by.fingerprint,
        "user_id": by.user_id,
        "time": by.time.map(|t| t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()),
    })
}

/// The `intake.checklist-verify/1` document: `intact` (the manifest and
/// the Markdown are the record's own, signed or not) apart from `signed`
/// (a good signature by a trusted signer) and `countersigned` (a good
/// countersignature by a trusted approver's key); `verified` is what exit
/// 0 means.
fn json_report(file: &Path, report: &Audit, required: bool) -> serde_json::Value {
    let r = &report.record;
    let fields = serde_json::json!({
        "checklist": json::path(file),
        "signature_file": report.signature.as_deref().map(json::path),
        "product": r.product,
        "version": r.version,
        "platform": r.platform,
        "verdict": r.verdict.as_str(),
        "change_request": r.change_request,
        "finished": r.finished.to_string(),
        "points": points_json(report),
        "intact": report.intact(),
        "signed": report.signed(),
        "verified": report.verified_with(required),
        "operator": r.operator,
        "approver": r.approver,
        "signed_by": report.signed_by.as_ref().map(signer_json),
        "countersignature_file": report.countersignature.as_deref().map(json::path),
        "countersigned_by": report.countersigned_by.as_ref().map(signer_json),
        "countersigned": report.countersigned(),
        "approval_required": required,
    });
    json::document(&json::CHECKLIST_VERIFY, fields)
}
