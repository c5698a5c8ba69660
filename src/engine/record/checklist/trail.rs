//! The parts of the Markdown checklist a change advisory board reads to
//! trust it: whether it is signed and by which key, the keys and
//! certificates the signature checks trusted, and how to verify the record
//! again (the exact command, and which files travel together).

use super::markdown::{Doc, text};
use super::record::Record;

/// The pinned keys (fingerprint, user ID) and certificate files.
pub(super) fn trust(doc: &mut Doc, r: &Record) {
    doc.line("## Trust");
    doc.blank();
    let t = &r.trust;
    doc.line(format!(
        "Signatures counted only from these pinned keys ({} needed):",
        t.threshold
    ));
    doc.blank();
    for key in &t.keys {
        let who = key
            .user_id
            .as_deref()
            .map(|u| format!(" ({})", text(u)))
            .unwrap_or_default();
        doc.line(format!("- `{}`{who}", text(&key.fingerprint)));
    }
    for cert in &t.certificates {
        doc.line(format!(
            "- certificate file {}: SHA-256 `{}`",
            text(&cert.file),
            text(&cert.sha256)
        ));
    }
    doc.blank();
}

/// Whether the record is signed, and how anyone checks it again.
pub(super) fn verifying(doc: &mut Doc, r: &Record) {
    doc.line("## Verifying this record");
    doc.blank();
    match &r.signed_with {
        Some(key) => {
            let who = key
                .user_id
                .as_deref()
                .map(|u| format!(" ({})", text(u)))
                .unwrap_or_default();
            doc.line(format!(
                "Signed with the key `{}`{who}: the signature is the `.toml.asc` beside the record.",
                text(&key.fingerprint)
            ));
        }
        None => doc.line("Not signed: the record can be checked as unaltered, not as signed."),
    }
    doc.blank();
    doc.line("These files travel together: the record (`.toml`), this page (`.md`), the");
    doc.line("manifest (`.manifest`) and, when signed, the signature (`.toml.asc`). To check");
    doc.line("them again, on any machine with intake:");
    doc.blank();
    let signer = if r.signed_with.is_some() {
        " --signer TEAM-CERTIFICATE.asc"
    } else {
        ""
    };
    doc.line("```");
    doc.line(format!("intake checklist verify RECORD.toml{signer}"));
    doc.line("```");
    doc.blank();
    doc.line("(RECORD is this file's name without `.md`.)");
}
