//! The checklist as Markdown, rendered from the record alone (so a
//! rendering can be checked against its record later). Every value that
//! came from outside (names, user IDs, summaries) is escaped so it cannot
//! change the document's structure.

use crate::engine::shared::check::Status;

use super::record::Record;

/// Renders the Markdown checklist.
pub fn render(r: &Record) -> String {
    let mut md = String::new();
    let mut line = |s: String| {
        md.push_str(&s);
        md.push('\n');
    };
    line(format!(
        "# Install review: {} {} ({})",
        text(&r.product_name),
        text(&r.version),
        text(&r.platform)
    ));
    line(String::new());
    line(format!(
        "**Verdict: {}**",
        r.verdict.as_str().to_uppercase()
    ));
    line(String::new());
    for reason in &r.rejected_because {
        line(format!("- {}", text(reason)));
    }
    if !r.rejected_because.is_empty() {
        line(String::new());
    }
    line("| Field | Value |".into());
    line("|---|---|".into());
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
        line(format!("| {k} | {v} |"));
    }
    line(String::new());

    line("## Artifact".into());
    line(String::new());
    line("| Field | Value |".into());
    line("|---|---|".into());
    let a = &r.artifact;
    let redacted = if a.url_redacted {
        " (access token removed)"
    } else {
        ""
    };
    line(format!("| File | {} |", text(&a.file)));
    line(format!("| Source | {} |", text(&a.source)));
    line(format!("| URL | {}{redacted} |", text(&a.url)));
    line(format!("| Size | {} bytes |", a.size));
    line(format!("| SHA-256 | `{}` |", text(&a.sha256)));
    if let Some(sha512) = &a.sha512 {
        line(format!("| SHA-512 | `{}` |", text(sha512)));
    }
    line(String::new());

    line("## Checks".into());
    line(String::new());
    line("| Check | Status | Summary |".into());
    line("|---|---|---|".into());
    for c in &r.checks {
        line(format!(
            "| `{}` | {} | {} |",
            c.id,
            c.status.word(),
            text(&c.summary)
        ));
    }
    line(String::new());
    let notable: Vec<_> = r
        .checks
        .iter()
        .flat_map(|c| c.findings.iter().map(move |f| (c, f)))
        .filter(|(_, f)| matches!(f.status, Status::Warn | Status::Fail))
        .collect();
    if !notable.is_empty() {
        line("### Findings".into());
        line(String::new());
        for (c, f) in notable {
            line(format!(
                "- {} `{}`: {}: {}",
                f.status.word(),
                c.id,
                text(&f.subject),
                text(&f.summary)
            ));
        }
        line(String::new());
    }
    line("### Evidence".into());
    line(String::new());
    for c in r.checks.iter().filter(|c| !c.evidence.is_empty()) {
        let parts: Vec<String> = c
            .evidence
            .iter()
            .map(|(k, v)| format!("{k}: {}", text(v)))
            .collect();
        line(format!("- `{}`: {}", c.id, parts.join("; ")));
    }
    line(String::new());

    if !r.waivers.is_empty() {
        line("## Waivers".into());
        line(String::new());
        line("| Check | Reason | Outcome |".into());
        line("|---|---|---|".into());
        for w in &r.waivers {
            line(format!(
                "| `{}` | {} | {} |",
                w.check,
                text(&w.reason),
                w.outcome.describe()
            ));
        }
        line(String::new());
    }

    line("## Since the last approval".into());
    line(String::new());
    line(text(&r.since.summary));
    line(String::new());
    const SHOWN: usize = 20;
    let lists: [(&str, &Vec<String>); 3] = [
        ("Added", &r.since.added),
        ("Removed", &r.since.removed),
        ("Changed", &r.since.changed),
    ];
    for (title, list) in lists {
        if list.is_empty() {
            continue;
        }
        line(format!("{title}:"));
        line(String::new());
        for item in list.iter().take(SHOWN) {
            line(format!("- {}", text(item)));
        }
        if list.len() > SHOWN {
            line(format!(
                "- and {} more (all of them in the TOML record)",
                list.len() - SHOWN
            ));
        }
        line(String::new());
    }

    line("## Inputs (SHA-256)".into());
    line(String::new());
    let i = &r.inputs;
    line(format!("- feed: `{}`", text(&i.feed)));
    line(format!("- checksums: `{}`", text(&i.checksums)));
    if let Some(notes) = &i.notes {
        line(format!("- release notes: `{}`", text(notes)));
    }
    for s in &i.signatures {
        line(format!("- signature: `{}`", text(s)));
    }
    for c in &i.certificates {
        line(format!("- certificate: `{}`", text(c)));
    }
    line(format!("- manifest: `{}`", text(&i.manifest)));
    line(String::new());

    if !r.evidence_files.is_empty() {
        line("## Evidence files".into());
        line(String::new());
        for e in &r.evidence_files {
            line(format!(
                "- {} from {} ({})",
                text(&e.file),
                text(&e.source),
                text(&e.url)
            ));
        }
        line(String::new());
    }
    if !r.log.is_empty() {
        line("## Step log".into());
        line(String::new());
        for l in &r.log {
            line(format!("- {}", text(l)));
        }
        line(String::new());
    }
    md
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
