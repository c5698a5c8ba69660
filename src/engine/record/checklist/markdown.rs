//! The checklist as Markdown, rendered from the record alone (so a
//! rendering can be checked against its record later). Every value that
//! came from outside (names, user IDs, summaries) is escaped so it cannot
//! change the document's structure.

use crate::engine::shared::check::Status;
use crate::engine::shared::verdict::WaiverOutcome;

use super::record::Record;
use super::sbom_table::sbom_changes;
use super::trail::{trust, verifying};

/// Renders the Markdown checklist.
pub fn render(r: &Record) -> String {
    let mut doc = Doc(String::new());
    heading(&mut doc, r);
    fields(&mut doc, r);
    artifact(&mut doc, r);
    checks(&mut doc, r);
    next_steps(&mut doc, r);
    findings(&mut doc, r);
    evidence(&mut doc, r);
    waivers(&mut doc, r);
    since(&mut doc, r);
    sbom_changes(&mut doc, r);
    inputs(&mut doc, r);
    evidence_files(&mut doc, r);
    trust(&mut doc, r);
    step_log(&mut doc, r);
    verifying(&mut doc, r);
    doc.0
}

/// The document being written, a line at a time.
pub(super) struct Doc(String);

impl Doc {
    pub(super) fn line(&mut self, s: impl AsRef<str>) {
        self.0.push_str(s.as_ref());
        self.0.push('\n');
    }

    pub(super) fn blank(&mut self) {
        self.0.push('\n');
    }
}

/// The title, the verdict, and why the review was rejected.
fn heading(doc: &mut Doc, r: &Record) {
    doc.line(format!(
        "# Install review: {} {} ({})",
        text(&r.product_name),
        text(&r.version),
        text(&r.platform)
    ));
    doc.blank();
    doc.line(format!(
        "**Verdict: {}**",
        r.verdict.as_str().to_uppercase()
    ));
    doc.blank();
    for reason in &r.rejected_because {
        doc.line(format!("- {}", text(reason)));
    }
    if !r.rejected_because.is_empty() {
        doc.blank();
    }
}

/// What was reviewed, by whom and when.
fn fields(doc: &mut Doc, r: &Record) {
    doc.line("| Field | Value |");
    doc.line("|---|---|");
    let rows = [
        (
            "Product",
            format!("{} (`{}`)", text(&r.product_name), text(&r.product)),
        ),
        ("Vendor", text(&r.vendor)),
        (
            "Version",
            format!("{} ({} channel)", text(&r.version), text(&r.channel)),
        ),
        ("Platform", text(&r.platform)),
        (
            "Change request",
            r.change_request
                .as_deref()
                .map(text)
                .unwrap_or_else(|| "(none given)".into()),
        ),
        ("Operator", text(&r.operator)),
        ("Approver", text(&r.approver)),
        ("Started", r.started.to_string()),
        ("Finished", r.finished.to_string()),
        ("intake", text(&r.intake_version)),
    ];
    for (k, v) in rows {
        doc.line(format!("| {k} | {v} |"));
    }
    doc.blank();
}

fn artifact(doc: &mut Doc, r: &Record) {
    doc.line("## Artifact");
    doc.blank();
    doc.line("| Field | Value |");
    doc.line("|---|---|");
    let a = &r.artifact;
    let redacted = if a.url_redacted {
        " (access token removed)"
    } else {
        ""
    };
    doc.line(format!("| File | {} |", text(&a.file)));
    doc.line(format!("| Source | {} |", text(&a.source)));
    doc.line(format!("| URL | {}{redacted} |", text(&a.url)));
    doc.line(format!("| Size | {} bytes |", a.size));
    doc.line(format!("| SHA-256 | `{}` |", text(&a.sha256)));
    if let Some(sha512) = &a.sha512 {
        doc.line(format!("| SHA-512 | `{}` |", text(sha512)));
    }
    doc.blank();
}

fn checks(doc: &mut Doc, r: &Record) {
    doc.line("## Checks");
    doc.blank();
    doc.line("| Check | Status | Summary |");
    doc.line("|---|---|---|");
    for c in &r.checks {
        // A warning accepted in writing says so where it is listed.
        let waived = c.status == Status::Warn
            && r.waivers
                .iter()
                .any(|w| w.check == c.id && w.outcome == WaiverOutcome::Applied);
        let status = if waived {
            "WARN (waived)"
        } else {
            c.status.word()
        };
        doc.line(format!("| `{}` | {status} | {} |", c.id, text(&c.summary)));
    }
    doc.blank();
}

/// What to do about each failure, then each warning (none: no section).
fn next_steps(doc: &mut Doc, r: &Record) {
    let with_step = |status: Status| {
        r.checks
            .iter()
            .filter(move |c| c.status == status)
            .filter_map(|c| c.next_step.as_ref().map(|step| (c, step)))
    };
    let steps: Vec<_> = with_step(Status::Fail)
        .chain(with_step(Status::Warn))
        .collect();
    if steps.is_empty() {
        return;
    }
    doc.line("### Next steps");
    doc.blank();
    for (c, step) in steps {
        doc.line(format!("- {} `{}`: {}", c.status.word(), c.id, text(step)));
    }
    doc.blank();
}

/// The findings that warn or fail, check by check (none: no section).
fn findings(doc: &mut Doc, r: &Record) {
    let notable: Vec<_> = r
        .checks
        .iter()
        .flat_map(|c| c.findings.iter().map(move |f| (c, f)))
        .filter(|(_, f)| matches!(f.status, Status::Warn | Status::Fail))
        .collect();
    if notable.is_empty() {
        return;
    }
    doc.line("### Findings");
    doc.blank();
    for (c, f) in notable {
        doc.line(format!(
            "- {} `{}`: {}: {}",
            f.status.word(),
            c.id,
            text(&f.subject),
            text(&f.summary)
        ));
    }
    doc.blank();
}

/// What each check's result rests on.
fn evidence(doc: &mut Doc, r: &Record) {
    doc.line("### Evidence");
    doc.blank();
    for c in r.checks.iter().filter(|c| !c.evidence.is_empty()) {
        doc.line(format!("- `{}`", c.id));
        for (key, value) in &c.evidence {
            doc.line(format!("  - {}: {}", key.replace('_', " "), text(value)));
        }
    }
    doc.blank();
}

fn waivers(doc: &mut Doc, r: &Record) {
    if r.waivers.is_empty() {
        return;
    }
    doc.line("## Waivers");
    doc.blank();
    doc.line("| Check | Finding | Reason | By, when | Outcome | Covers |");
    doc.line("|---|---|---|---|---|---|");
    for w in &r.waivers {
        let when = w.time.map(|t| t.to_string()).unwrap_or_default();
        doc.line(format!(
            "| `{}` | {} | {} | {}, {when} | {} | {} |",
            w.check,
            w.subject
                .as_deref()
                .map_or("(the whole check)".to_string(), text),
            text(&w.reason),
            text(&w.by),
            w.outcome.describe(),
            covers(&w.covers)
        ));
    }
    doc.blank();
}

/// The findings a waiver accepted, as a table cell (a long list is
/// counted: the TOML record lists every one).
fn covers(subjects: &[String]) -> String {
    const SHOWN: usize = 5;
    let mut cell: Vec<String> = subjects.iter().take(SHOWN).map(|s| text(s)).collect();
    if subjects.len() > SHOWN {
        cell.push(format!("and {} more", subjects.len() - SHOWN));
    }
    if cell.is_empty() {
        "-".to_string()
    } else {
        cell.join("; ")
    }
}

/// What changed since the last approval. Long lists are cut short here;
/// the TOML record holds them whole.
fn since(doc: &mut Doc, r: &Record) {
    const SHOWN: usize = 20;
    doc.line("## Since the last approval");
    doc.blank();
    doc.line(text(&r.since.summary));
    doc.blank();
    let lists: [(&str, &Vec<String>); 3] = [
        ("Added", &r.since.added),
        ("Removed", &r.since.removed),
        ("Changed", &r.since.changed),
    ];
    for (title, list) in lists {
        if list.is_empty() {
            continue;
        }
        doc.line(format!("{title}:"));
        doc.blank();
        for item in list.iter().take(SHOWN) {
            doc.line(format!("- {}", text(item)));
        }
        if list.len() > SHOWN {
            doc.line(format!(
                "- and {} more (all of them in the TOML record)",
                list.len() - SHOWN
            ));
        }
        doc.blank();
    }
}

/// The SHA-256 of every file the review rests on.
fn inputs(doc: &mut Doc, r: &Record) {
    doc.line("## Inputs (SHA-256)");
    doc.blank();
    let i = &r.inputs;
    doc.line(format!("- feed: `{}`", text(&i.feed)));
    match &i.checksums {
        Some(checksums) => doc.line(format!("- checksums: `{}`", text(checksums))),
        None => doc.line("- checksums: none (the release names no checksum file)"),
    }
    if let Some(notes) = &i.notes {
        doc.line(format!("- release notes: `{}`", text(notes)));
    }
    for s in &i.signatures {
        doc.line(format!("- signature: `{}`", text(s)));
    }
    for c in &i.certificates {
        doc.line(format!("- certificate: `{}`", text(c)));
    }
    doc.line(format!("- manifest: `{}`", text(&i.manifest)));
    doc.blank();
}

/// Where each evidence file was read.
fn evidence_files(doc: &mut Doc, r: &Record) {
    if r.evidence_files.is_empty() {
        return;
    }
    doc.line("## Evidence files");
    doc.blank();
    for e in &r.evidence_files {
        doc.line(format!(
            "- {} from {} ({})",
            text(&e.file),
            text(&e.source),
            text(&e.url)
        ));
    }
    doc.blank();
}

fn step_log(doc: &mut Doc, r: &Record) {
    if r.log.is_empty() {
        return;
    }
    doc.line("## Step log");
    doc.blank();
    for l in &r.log {
        doc.line(format!("- {}", text(l)));
    }
    doc.blank();
}

/// Escapes a value for Markdown: structure characters get a backslash,
/// line breaks and control characters become visible escapes.
pub fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || crate::engine::shared::text::is_bidi_control(c) => {
                out.push_str(&format!("\\u{{{:04x}}}", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}
