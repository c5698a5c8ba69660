//! The text report of a review: one line per check, each status in words
//! and a symbol (never colour alone), the findings that matter, the
//! verdict and where the checklist was written.

use crate::engine::record::checklist::{Record, Written};
use crate::engine::shared::check::Status;
use crate::engine::shared::verdict::Verdict;

use super::progress::human_bytes;
use super::term::Lines;

/// A symbol for each status, beside its word.
pub fn symbol(status: Status) -> &'static str {
    match status {
        Status::Pass => "✓",
        Status::Warn => "!",
        Status::Fail => "✗",
        Status::Skip => "-",
    }
}

/// The line that says the verdict (all `--quiet` prints).
pub fn verdict_line(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Approved => "verdict: APPROVED",
        Verdict::Rejected => "verdict: REJECTED",
    }
}

/// The report, every line escaped whole (see [`super::term`]).
pub fn text(record: &Record, written: &Written) -> String {
    let mut out = Lines::new();
    out.line(format!(
        "intake · {} {} · {} · {} ({})",
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
        out.line(format!(
            "  {} {} {:<width$}  {}",
            c.status.word(),
            symbol(c.status),
            c.id.as_str(),
            c.summary
        ));
        // A finding that only repeats the summary (one signature) adds nothing.
        let worth_a_line = |f: &&crate::engine::shared::check::Finding| {
            matches!(f.status, Status::Warn | Status::Fail) && !c.summary.contains(&f.summary)
        };
        for f in c.findings.iter().filter(worth_a_line) {
            out.line(format!(
                "         {} {}: {}",
                f.status.word(),
                f.subject,
                f.summary
            ));
        }
        if let Some(step) = &c.next_step {
            out.line(format!("         next: {step}"));
        }
    }
    for w in &record.waivers {
        let about = w
            .subject
            .as_deref()
            .map(|s| format!(" ({s})"))
            .unwrap_or_default();
        let covers = match w.covers.len() {
            0 => String::new(),
            1 => "; covers 1 finding".to_string(),
            n => format!("; covers {n} findings"),
        };
        out.line(format!(
            "  waiver {}{about}: \"{}\" ({}{covers})",
            w.check,
            w.reason,
            w.outcome.describe()
        ));
    }
    out.line(verdict_line(record.verdict));
    if record.verdict == Verdict::Rejected {
        for reason in &record.rejected_because {
            out.line(format!("  - {reason}"));
        }
    }
    out.line(format!("checklist: {}", written.toml.display()));
    out.line(format!("           {}", written.markdown.display()));
    out.line(format!("           {}", written.manifest.display()));
    if let Some(sbom) = &written.sbom {
        out.line(format!("           {}", sbom.display()));
    }
    out.into_string()
}

/// The points a checklist audit checked, one line each, names aligned.
pub fn audit_points(out: &mut super::term::Lines, points: &[crate::engine::record::audit::Point]) {
    let width = points.iter().map(|p| p.what.len()).max().unwrap_or(0);
    for p in points {
        out.line(format!(
            "  {} {} {:<width$}  {}",
            p.status.word(),
            symbol(p.status),
            p.what,
            p.summary
        ));
    }
}
