//! `intake recheck CHECKLIST DIR`: after install, do the installed files
//! still match the reviewed archive? Exit 0 when everything matches, 1 with
//! a report otherwise, 2 when the checklist cannot be used.

use crate::engine::fetch::hashers::sha256_hex;
use crate::engine::inspect::safety::components;
use crate::engine::record::audit::{read_record, sibling};
use crate::engine::record::checklist::Record;
use crate::engine::record::recheck::{Recheck, recheck};
use crate::engine::shared::error::Error;
use crate::engine::shared::event::Cancel;
use crate::engine::shared::manifest::ManifestEntry;
use crate::engine::shared::manifest::parse_manifest;
use crate::engine::shared::verdict::Verdict;

use super::term::{self, Lines};
use super::{Format, Outcome, RecheckArgs, json};

pub fn run(args: &RecheckArgs) -> Outcome {
    let (record, manifest) = match reviewed_manifest(args) {
        Ok(r) => r,
        Err(e) => return Outcome::Failed(e),
    };
    if !args.dir.is_dir() {
        return Outcome::Failed(Error::file(&args.dir, "is not a folder"));
    }
    let report = recheck(&manifest, &args.dir, args.prefix.as_deref(), &Cancel::new());
    let prefix = top_folder_instead(args, &manifest, &report);
    match args.format {
        Format::Text if args.quiet => {
            let mut out = Lines::new();
            out.line(result_line(&report));
            term::print(out);
        }
        Format::Text => term::print(text_report(args, &record, &report)),
        Format::Json => term::print_json(&json_report(args, &report, prefix.as_deref())),
    }
    if let Some(top) = &prefix {
        term::print_error(format!(
            "every entry is missing, but {} holds what the archive's top folder `{top}` holds: \
             if it was installed as this folder, run again with `--prefix {top}`",
            args.dir.display()
        ));
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
    out.line(result_line(report));
    out
}

/// The last line of the report (all `--quiet` prints).
fn result_line(report: &Recheck) -> String {
    let differences = report.missing.len() + report.modified.len() + report.extra.len();
    if differences == 0 {
        "result: everything matches".to_string()
    } else {
        format!("result: {differences} differences")
    }
}

/// DIR pointed one folder too deep, at the archive's top folder itself
/// (`/opt/meridian-4.2.1` for an archive of `meridian-4.2.1/...`, without
/// `--prefix`): nothing matches, every manifest path starts with one
/// folder that DIR does not hold, and most paths without that folder are
/// there. Returns that folder, for `--prefix`.
fn top_folder_instead(
    args: &RecheckArgs,
    manifest: &[ManifestEntry],
    report: &Recheck,
) -> Option<String> {
    if args.prefix.is_some() || report.matched > 0 || report.missing.is_empty() {
        return None;
    }
    let paths: Vec<Vec<&[u8]>> = manifest
        .iter()
        .map(|e| components(&e.path))
        .filter(|c| !c.is_empty())
        .collect();
    let top = *paths.first()?.first()?;
    if top == b".." || paths.iter().any(|c| c.first() != Some(&top)) {
        return None;
    }
    let top = std::str::from_utf8(top).ok()?;
    if args.dir.join(top).symlink_metadata().is_ok() {
        return None;
    }
    let below: Vec<String> = paths
        .iter()
        .filter(|c| c.len() > 1)
        .filter_map(|c| {
            std::str::from_utf8(&c[1..].join(&b'/'))
                .ok()
                .map(str::to_string)
        })
        .collect();
    let there = below
        .iter()
        .filter(|rest| args.dir.join(rest).symlink_metadata().is_ok())
        .count();
    (there > 0 && there * 2 >= below.len()).then(|| top.to_string())
}

/// The report for a program (`--format json`), with the `--prefix` to try
/// when DIR looks one folder too deep.
fn json_report(args: &RecheckArgs, report: &Recheck, prefix: Option<&str>) -> serde_json::Value {
    let fields = serde_json::json!({
        "checklist": args.checklist.display().to_string(),
        "dir": args.dir.display().to_string(),
        "checked": report.checked,
        "matched": report.matched,
        "missing": report.missing,
        "modified": report.modified.iter().map(|(p, w)| serde_json::json!({"path": p, "what": w})).collect::<Vec<_>>(),
        "extra": report.extra,
        "skipped": report.skipped,
        "clean": report.clean(),
        "suggested_prefix": prefix,
    });
    json::document(&json::RECHECK, fields)
}
