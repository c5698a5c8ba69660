//! `intake checklist verify FILE`: is the checklist unaltered, and signed by
//! a trusted signer? Exit 0 when both, 1 when altered, unsigned or badly
//! signed, 2 when the input cannot be used.

use std::path::{Path, PathBuf};

use jiff::Timestamp;

use crate::engine::record::audit::{self, Audit};
use crate::engine::shared::verdict::Verdict;
use crate::settings::Settings;

use super::output::symbol;
use super::term::{self, Lines};
use super::{ChecklistVerifyArgs, Format, Outcome, json};

pub fn run(args: &ChecklistVerifyArgs, settings: &Settings) -> Outcome {
    let signers: Vec<PathBuf> = if args.signers.is_empty() {
        settings.trusted_signers.clone()
    } else {
        args.signers.clone()
    };
    let report = match audit::audit(&args.file, &signers, Timestamp::now()) {
        Ok(r) => r,
        Err(e) => return Outcome::Failed(e),
    };
    match args.format {
        Format::Text if args.quiet => {
            let mut out = Lines::new();
            out.line(result_line(&report));
            term::print(out);
        }
        Format::Text => term::print(text_report(&args.file, &report)),
        Format::Json => term::print_json(&json_report(&args.file, &report)),
    }
    // The same exit codes as a review: 0 approved (intact and signed by a
    // trusted signer), 1 rejected.
    Outcome::Verdict(if report.verified() {
        Verdict::Approved
    } else {
        Verdict::Rejected
    })
}

/// The last line of the report (all `--quiet` prints).
fn result_line(report: &Audit) -> String {
    format!(
        "intact and signed by a trusted signer: {}",
        if report.verified() { "YES" } else { "NO" }
    )
}

fn text_report(file: &Path, report: &Audit) -> Lines {
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
    for p in &report.points {
        out.line(format!(
            "  {} {} {:<9}  {}",
            p.status.word(),
            symbol(p.status),
            p.what,
            p.summary
        ));
    }
    out.line(result_line(report));
    out
}

/// The `intake.checklist-verify/1` document: `intact` (the manifest and
/// the Markdown are the record's own, signed or not) apart from `signed`
/// (a good signature by a trusted signer); `verified` is both (exit 0).
fn json_report(file: &Path, report: &Audit) -> serde_json::Value {
    let r = &report.record;
    let points: Vec<serde_json::Value> = report
        .points
        .iter()
        .map(|p| serde_json::json!({ "what": p.what, "status": p.status.as_str(), "summary": p.summary }))
        .collect();
    let fields = serde_json::json!({
        "checklist": json::path(file),
        "signature_file": report.signature.as_deref().map(json::path),
        "product": r.product,
        "version": r.version,
        "platform": r.platform,
        "verdict": r.verdict.as_str(),
        "change_request": r.change_request,
        "finished": r.finished.to_string(),
        "points": points,
        "intact": report.intact(),
        "signed": report.signed(),
        "verified": report.verified(),
    });
    json::document(&json::CHECKLIST_VERIFY, fields)
}
