//! The Markdown section of the vendor SBOM's component changes since the
//! SBOM approved last (`sbom.components`), one table row per change.

use super::markdown::{Doc, text};
use super::record::Record;

/// `## SBOM: component changes since <version>`, when there are changes.
pub(super) fn sbom_changes(doc: &mut Doc, r: &Record) {
    let Some(first) = r.sbom_changes.first() else {
        return;
    };
    doc.line(format!(
        "## SBOM: component changes since {}",
        text(&first.since)
    ));
    doc.blank();
    doc.line("| Change | Component | Package | Was | Now |");
    doc.line("|---|---|---|---|---|");
    let version = |v: &Option<String>| v.as_deref().map_or("-".to_string(), text);
    for c in &r.sbom_changes {
        doc.line(format!(
            "| {} | {} | {} | {} | {} |",
            text(&c.change),
            text(&c.component),
            text(&c.key),
            version(&c.from),
            version(&c.to)
        ));
    }
    doc.blank();
}
