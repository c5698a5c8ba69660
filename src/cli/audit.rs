//! `intake checklist verify FILE`: is the checklist unaltered, and signed by
//! a trusted signer? Exit 0 when both, 1 when altered, unsigned or badly
//! signed, 2 when the input cannot be used.

use std::path::{Path, PathBuf};

use jiff::Timestamp;

use crate::engine::record::audit;
use crate::engine::shared::verdict::Verdict;
use crate::settings::Settings;

use super::output::symbol;
use super::term::{self, Lines};
use super::{Format, Outcome};

pub fn run(file: &Path, signers: &[PathBuf], settings: &Settings, format: Format) -> Outcome {
    let signers: Vec<PathBuf> = if signers.is_empty() {
        settings.trusted_signers.clone()
    } else {
        signers.to_vec()
    };
    let report = match audit::audit(file, &signers, Timestamp::now()) {
        Ok(r) => r,
        Err(e) => return Outcome::Failed(e),
    };
    let r = &report.record;
    match format {
        Format::Text => {
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
            out.line(format!(
                "intact and signed by a trusted signer: {}",
                if report.intact() { "YES" } else { "NO" }
            ));
            term::print(out);
        }
        Format::Json => {
            let points: Vec<serde_json::Value> = report
                .points
                .iter()
                .map(|p| serde_json::json!({ "what": p.what, "status": p.status.as_str(), "summary": p.summary }))
                .collect();
            let json = serde_json::json!({
                "checklist": file.display().to_string(),
                "product": r.product,
                "version": r.version,
                "platform": r.platform,
                "verdict": r.verdict.as_str(),
                "points": points,
                "intact": report.intact(),
            });
            println!("{}", term::json(&json));
        }
    }
    // The same exit codes as a review: 0 approved (intact), 1 rejected.
    Outcome::Verdict(if report.intact() {
        Verdict::Approved
    } else {
        Verdict::Rejected
    })
}
