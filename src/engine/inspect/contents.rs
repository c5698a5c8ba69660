//! The two archive checks: `archive.contents` (the archive against the
//! vendor's declared contents: missing, unexpected, changed size, hash or
//! mode) and `archive.safety` (the safety findings of the walk, plus
//! setuid/setgid entries the notes do not declare).

use std::collections::HashMap;

use crate::engine::inspect::notes::{Contents, Declared};
use crate::engine::inspect::report::{ArchiveReport, Entry, EntryKind};
use crate::engine::inspect::safety::{normalize, setuid_findings, shown};
use crate::engine::shared::check::{Check, CheckId, Finding, Status};
use crate::engine::shared::text::group;
use crate::engine::shared::text::short;

/// Why an archive check does not apply to a file that is no archive.
fn single_file(report: &ArchiveReport) -> String {
    if report.kind == crate::engine::inspect::pe::NAME {
        "a Windows PE image: one file, not an archive (its signature is authenticode.signature's)"
            .to_string()
    } else {
        "a single file, not an archive: checksum and signature checks only".to_string()
    }
}

/// `archive.contents`. `notes` is `None` when the release has no notes.
pub fn contents_check(report: &ArchiveReport, notes: Option<(&str, &Contents)>) -> Check {
    let id = CheckId::ArchiveContents;
    if !report.is_archive() {
        return Check::skip(id, single_file(report));
    }
    let (notes_name, declared, problems) = match notes {
        None => {
            return Check::warn(
                id,
                "contents not declared by the vendor (the release has no release notes)",
            );
        }
        Some((name, Contents::NotDeclared)) => {
            return Check::warn(
                id,
                format!(
                    "contents not declared by the vendor ({name} has no `## Contents:` section for this file)"
                ),
            );
        }
        Some((name, Contents::Declared { entries, problems })) => (name, entries, problems),
    };
    if let Some(why) = &report.stopped {
        return Check::fail(
            id,
            format!(
                "the archive could not be read to its end, so its contents cannot be compared: {why}"
            ),
        );
    }
    let mut findings: Vec<Finding> = problems
        .iter()
        .map(|p| Finding::new(Status::Fail, notes_name, p.clone()))
        .collect();
    let tally = compare(&report.entries, declared, &mut findings);
    let summary = format!(
        "contents vs {notes_name}: {} match · {} unexpected · {} missing · {} changed",
        group(tally.matched as u64),
        group(tally.unexpected as u64),
        group(tally.missing as u64),
        group(tally.changed as u64)
    );
    let status = if findings.iter().any(|f| f.status == Status::Fail) {
        Status::Fail
    } else {
        Status::Pass
    };
    Check::new(id, status, summary)
        .with_evidence("notes", notes_name.to_string())
        .with_evidence("declared", declared.len().to_string())
        .with_evidence("entries", report.entries.len().to_string())
        .with_findings(findings)
}

/// How the archive's entries compare with the declared contents.
#[derive(Default)]
struct Tally {
    matched: usize,
    changed: usize,
    unexpected: usize,
    missing: usize,
}

/// Compares the entries with the declared contents, adding a failing
/// finding for each entry that differs from its declaration, each one
/// not declared, and each declared file the archive lacks.
fn compare(entries: &[Entry], declared: &[Declared], findings: &mut Vec<Finding>) -> Tally {
    // One map of the declared paths; the entries are walked once against it.
    let mut wanted: HashMap<Vec<u8>, (usize, bool)> = HashMap::with_capacity(declared.len());
    for (i, d) in declared.iter().enumerate() {
        wanted
            .entry(normalize(d.written.as_bytes()))
            .or_insert((i, false));
    }
    let mut tally = Tally::default();
    for e in entries {
        let path = normalize(&e.path);
        match wanted.get_mut(&path) {
            Some((i, seen)) => {
                *seen = true;
                let differences = differences(&declared[*i], e);
                if differences.is_empty() {
                    tally.matched += 1;
                } else {
                    tally.changed += 1;
                    findings.push(Finding::new(
                        Status::Fail,
                        shown(&e.path),
                        differences.join("; "),
                    ));
                }
            }
            None if e.kind == EntryKind::Dir || path.is_empty() => {}
            None => {
                tally.unexpected += 1;
                findings.push(Finding::new(
                    Status::Fail,
                    shown(&e.path),
                    "in the archive, but not in the release notes",
                ));
            }
        }
    }
    tally.missing = missing(&wanted, declared, findings);
    tally
}

/// Declared files (folders aside) that no entry matched: one failing
/// finding each; returns how many.
fn missing(
    wanted: &HashMap<Vec<u8>, (usize, bool)>,
    declared: &[Declared],
    findings: &mut Vec<Finding>,
) -> usize {
    let mut missing = 0usize;
    for (i, seen) in wanted.values() {
        let d = &declared[*i];
        if !seen && !d.is_dir {
            missing += 1;
            findings.push(Finding::new(
                Status::Fail,
                d.written.clone(),
                "listed in the release notes, missing from the archive",
            ));
        }
    }
    missing
}

fn differences(d: &Declared, e: &Entry) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(size) = d.size
        && matches!(e.kind, EntryKind::File)
        && size != e.size
    {
        out.push(format!(
            "size {} bytes, the release notes say {}",
            group(e.size),
            group(size)
        ));
    }
    if let Some(want) = &d.sha256
        && e.sha256.as_ref() != Some(want)
    {
        let got = e.sha256.map(hex::encode);
        out.push(format!(
            "SHA-256 {}, the release notes say {}",
            got.as_deref()
                .map(short)
                .unwrap_or_else(|| "unknown".into()),
            short(&hex::encode(want))
        ));
    }
    if let Some(mode) = d.mode
        && mode & 0o7777 != e.mode & 0o7777
    {
        out.push(format!(
            "mode {:04o}, the release notes say {:04o}",
            e.mode & 0o7777,
            mode & 0o7777
        ));
    }
    out
}

/// `archive.safety`: the walk's findings plus undeclared setuid/setgid.
pub fn safety_check(report: &ArchiveReport, notes: Option<&Contents>) -> Check {
    safety_check_of(report, notes, false)
}

/// `archive.safety` of an artifact that is a package whose own signature
/// passed or not (`signed_package`: setuid/setgid entries the notes do not
/// declare then warn rather than fail).
pub fn safety_check_of(
    report: &ArchiveReport,
    notes: Option<&Contents>,
    signed_package: bool,
) -> Check {
    let id = CheckId::ArchiveSafety;
    if !report.is_archive() && report.findings.is_empty() {
        return Check::skip(id, single_file(report));
    }
    let modes: HashMap<Vec<u8>, u32> = match notes {
        Some(Contents::Declared { entries, .. }) => entries
            .iter()
            .filter_map(|d| d.mode.map(|m| (normalize(d.written.as_bytes()), m)))
            .collect(),
        _ => HashMap::new(),
    };
    let mut findings = report.findings.clone();
    findings.extend(setuid_findings(
        &report.entries,
        |path| modes.get(path).copied(),
        signed_package,
    ));
    let fails = crate::engine::shared::check::count_findings(&findings, Status::Fail);
    let warns = crate::engine::shared::check::count_findings(&findings, Status::Warn);
    let worst = findings
        .iter()
        .find(|f| f.status == Status::Fail)
        .or_else(|| findings.iter().find(|f| f.status == Status::Warn));
    let (status, summary) = match worst {
        None => (
            Status::Pass,
            format!(
                "no findings in {} entries ({}, {} bytes expanded)",
                group(report.entries.len() as u64),
                crate::engine::inspect::kinds::describe_named(report.kind),
                group(report.expanded)
            ),
        ),
        Some(first) => (
            if fails > 0 {
                Status::Fail
            } else {
                Status::Warn
            },
            format!(
                "{fails} FAIL, {warns} WARN; first: {}: {}",
                first.subject, first.summary
            ),
        ),
    };
    Check::new(id, status, summary)
        .with_evidence("entries", report.entries.len().to_string())
        .with_evidence("expanded", report.expanded.to_string())
        .with_findings(findings)
}
