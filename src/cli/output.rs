//! The text report of a review: one line per check, each status in words
//! and a symbol (never colour alone), the findings that matter, the
//! verdict and where the checklist was written.

use crate::engine::check::{Status, Verdict};
use crate::engine::checklist::{Record, Written};

use super::progress::human_bytes;

/// A symbol for each status, beside its word.
pub fn symbol(status: Status) -> &'static str {
    match status {
        Status::Pass => "✓",
        Status::Warn => "!",
        Status::Fail => "✗",
        Status::Skip => "-",
    }
}

pub fn text(record: &Record, written: &Written) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "intake · {} {} · {} · {} ({})\n",
        record.product_name,
        record.version,
        record.platform,
        record.artifact.file,
        human_bytes(record.artifact.size)
    ));
    let width = record
        .checks
        .iter()
        .map(|c| c.id.as_str().len())
        .max()
        .unwrap_or(0);
    for c in &record.checks {
        out.push_str(&format!(
            "  {} {} {:<width$}  {}\n",
            c.status.word(),
            symbol(c.status),
            c.id.as_str(),
            c.summary
        ));
        // A finding that only repeats the summary (one signature) adds nothing.
        let worth_a_line = |f: &&crate::engine::check::Finding| {
            matches!(f.status, Status::Warn | Status::Fail) && !c.summary.contains(&f.summary)
        };
        for f in c.findings.iter().filter(worth_a_line) {
            out.push_str(&format!(
                "         {} {}: {}\n",
                f.status.word(),
                f.subject,
                f.summary
            ));
        }
    }
    for w in &record.waivers {
        out.push_str(&format!(
            "  waiver {}: \"{}\" ({})\n",
            w.check,
            w.reason,
            w.outcome.describe()
        ));
    }
    match record.verdict {
        Verdict::Approved => out.push_str("verdict: APPROVED\n"),
        Verdict::Rejected => {
            out.push_str("verdict: REJECTED\n");
            for reason in &record.rejected_because {
                out.push_str(&format!("  - {reason}\n"));
            }
        }
    }
    out.push_str(&format!("checklist: {}\n", written.toml.display()));
    out.push_str(&format!("           {}\n", written.markdown.display()));
    out.push_str(&format!("           {}\n", written.manifest.display()));
    out
}
