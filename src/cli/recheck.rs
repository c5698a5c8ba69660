//! `intake recheck CHECKLIST DIR`: after install, do the installed files
//! still match the reviewed archive? Exit 0 when everything matches, 1 with
//! a report otherwise, 2 when the checklist cannot be used.

use crate::engine::fetch::hashers::sha256_hex;
use crate::engine::record::audit::{read_record, sibling};
use crate::engine::record::checklist::Record;
use crate::engine::record::recheck::{Recheck, recheck};
use crate::engine::shared::error::Error;
use crate::engine::shared::event::Cancel;
use crate::engine::shared::manifest::ManifestEntry;
use crate::engine::shared::manifest::parse_manifest;
use crate::engine::shared::verdict::Verdict;

use super::term::{self, Lines};
use super::{Format, Outcome, RecheckArgs};

pub fn run(args: &RecheckArgs) -> Outcome {
    let (record, manifest) = match reviewed_manifest(args) {
        Ok(r) => r,
        Err(e) => return Outcome::Failed(e),
    };
    if !args.dir.is_dir() {
        return Outcome::Failed(Error::file(&args.dir, "is not a folder"));
    }
    let report = recheck(&manifest, &args.dir, args.prefix.as_deref(), &Cancel::new());
    match args.format {
        Format::Text => term::print(text_report(args, &record, &report)),
        Format::Json => println!("{}", term::json(&json_report(args, &report))),
    }
    Outcome::Verdict(if report.clean() {
        Verdict::Approved
    } else {
        Verdict::Rejected
    })
}

/// The checklist's record and the manifest beside it, once the manifest
/// is shown to be the one the checklist recorded.
fn reviewed_manifest(args: &RecheckArgs) -> Result<(Record, Vec<ManifestEntry>), Error> {
    let (record, _) = read_record(&args.checklist)?;
    let manifest_path = sibling(&args.checklist, "manifest");
    let bytes = std::fs::read(&manifest_path).map_err(|e| Error::io(&manifest_path, &e))?;
    // A manifest that is not the one reviewed cannot vouch for anything.
    if sha256_hex(&bytes) != record.inputs.manifest {
        return Err(Error::file(
            &manifest_path,
            "is not the manifest this checklist recorded (altered?): run `intake checklist verify` on the checklist",
        ));
    }
    let manifest = parse_manifest(&bytes).map_err(|why| Error::file(&manifest_path, why))?;
    Ok((record, manifest))
}

/// The report for a person: every difference on a line, then the result.
fn text_report(args: &RecheckArgs, record: &Record, report: &Recheck) -> Lines {
    let mut out = Lines::new();
    out.line(format!(
        "recheck of {} against {} {} {} ({})",
        args.dir.display(),
        record.product,
        record.version,
        record.platform,
        args.checklist.display()
    ));
    out.line(format!(
        "  {} of {} entries match",
        report.matched, report.checked
    ));
    for m in &report.missing {
        out.line(format!("  MISSING   {m}"));
    }
    for (path, what) in &report.modified {
        out.line(format!("  MODIFIED  {path}: {what}"));
    }
    for e in &report.extra {
        out.line(format!("  EXTRA     {e}"));
    }
    for s in &report.skipped {
        out.line(format!("  SKIPPED   {s} (outside the folder: not checked)"));
    }
    let differences = report.missing.len() + report.modified.len() + report.extra.len();
    out.line(format!(
        "result: {}",
        if differences == 0 {
            "everything matches".to_string()
        } else {
            format!("{differences} differences")
        }
    ));
    out
}

/// The report for a program (`--format json`).
fn json_report(args: &RecheckArgs, report: &Recheck) -> serde_json::Value {
    serde_json::json!({
        "checklist": args.checklist.display().to_string(),
        "dir": args.dir.display().to_string(),
        "checked": report.checked,
        "matched": report.matched,
        "missing": report.missing,
        "modified": report.modified.iter().map(|(p, w)| serde_json::json!({"path": p, "what": w})).collect::<Vec<_>>(),
        "extra": report.extra,
        "skipped": report.skipped,
        "clean": report.clean(),
    })
}
