//! `sbom.components`: the vendor's SBOM, trusted only when a pinned
//! signature covers it (through the signed checksum file or its own
//! detached signature), compared with the SBOM of the release approved
//! last, and cross-checked with the artifact's entries.

use std::collections::HashMap;

use jiff::Timestamp;

use crate::engine::fetch::evidence::{Evidence, EvidenceFile};
use crate::engine::fetch::hashers::sha256_hex;
use crate::engine::inspect::report::Entry;
use crate::engine::shared::check::{Check, CheckId, Finding, Status};
use crate::engine::shared::text::{escape_path, group};
use crate::engine::verify::checksums::{Algo, ChecksumFile};
use crate::engine::verify::sbom::compare::{self, Change};
use crate::engine::verify::sbom::read::read;
use crate::engine::verify::sbom::{Baseline, Sbom};
use crate::engine::verify::signature::{self, SigOutcome, TrustStore};

const ID: CheckId = CheckId::SbomComponents;

/// What the SBOM check needs of the rest of the review.
pub(super) struct SbomInputs<'a> {
    pub evidence: &'a Evidence,
    pub checksum_file: &'a ChecksumFile,
    /// Whether `signature.checksums` passed (the checksum file is signed).
    pub checksums_signed: bool,
    pub trust: &'a TrustStore,
    pub now: Timestamp,
    pub baseline: &'a Baseline,
    /// The artifact's entries (`None`: it is a single file, not an archive).
    pub entries: Option<&'a [Entry]>,
}

/// The vendor's SBOM as the review read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VendorSbom {
    /// Its path as the feed names it.
    pub file: String,
    pub sbom: Sbom,
    /// Whether a pinned signature covers it (only then is it carried into
    /// the SBOM intake writes).
    pub covered: bool,
    /// The version whose SBOM it was compared with, and the changes.
    pub since: Option<(String, Vec<Change>)>,
}

/// `sbom.components`, when the feed names an SBOM for this artifact, and
/// the SBOM when it could be read.
pub(super) fn sbom_check(inputs: &SbomInputs<'_>) -> Option<(Check, Option<VendorSbom>)> {
    let file = inputs.evidence.sbom.as_ref()?;
    if let Some(problem) = &file.problem {
        let check = Check::fail(ID, format!("the SBOM {}: {problem}", file.relative));
        return Some((check, None));
    }
    let sbom = match read(&file.bytes) {
        Ok(sbom) => sbom,
        Err(why) => {
            let check = Check::fail(ID, format!("the SBOM {}: {why}", file.relative));
            return Some((check, None));
        }
    };
    let covered = coverage(file, inputs);
    let mut findings: Vec<Finding> = sbom
        .problems()
        .into_iter()
        .map(|p| Finding::new(Status::Warn, file.relative.clone(), p))
        .collect();
    let (files_said, file_findings) = cross_check(&sbom, inputs.entries);
    findings.extend(file_findings);
    let (since, compared, unreadable_baseline) = changes(&sbom, inputs.baseline);
    if let Some((_, changes)) = &compared {
        findings.extend(changes.iter().map(finding));
    }
    findings.extend(unreadable_baseline);
    let status = match (&covered, worst(&findings)) {
        (_, Status::Fail) => Status::Fail,
        (Err(_), _) | (_, Status::Warn) => Status::Warn,
        _ => Status::Pass,
    };
    let trust_said = match &covered {
        Ok(by) => format!("covered by {by}"),
        Err(_) => "SBOM not covered by a signature: shown, never trusted".to_string(),
    };
    let summary = format!(
        "{}, {} components; {trust_said}; {since}; {files_said}",
        sbom.format,
        group(sbom.components.len() as u64)
    );
    let check = Check::new(ID, status, summary)
        .with_evidence("sbom", file.relative.clone())
        .with_evidence("sha256", sha256_hex(&file.bytes))
        .with_evidence("format", sbom.format.clone())
        .with_evidence(
            "covered_by",
            covered
                .clone()
                .unwrap_or_else(|why| format!("nothing: {why}")),
        );
    let vendor = VendorSbom {
        file: file.relative.clone(),
        sbom,
        covered: covered.is_ok(),
        since: compared,
    };
    Some((check.with_findings(findings), Some(vendor)))
}

fn worst(findings: &[Finding]) -> Status {
    if findings.iter().any(|f| f.status == Status::Fail) {
        Status::Fail
    } else if findings.iter().any(|f| f.status == Status::Warn) {
        Status::Warn
    } else {
        Status::Pass
    }
}

/// What vouches for the SBOM's bytes: the signed checksum file listing it
/// with the right digest, or its own signature by pinned keys.
fn coverage(file: &EvidenceFile, inputs: &SbomInputs<'_>) -> Result<String, String> {
    let listed = listed_in_checksums(file, inputs.checksum_file);
    if inputs.checksums_signed && listed {
        return Ok(format!(
            "the signed checksum file, which lists {}",
            file.name()
        ));
    }
    if let Some(sig) = &inputs.evidence.sbom_signature {
        let outcome = match &sig.problem {
            Some(problem) => SigOutcome::Unusable(problem.clone()),
            None => match signature::parse::detached(&sig.bytes) {
                Ok(found) => SigOutcome::Judged(signature::verify_bytes(
                    &found,
                    &file.bytes,
                    inputs.trust,
                    inputs.now,
                )),
                Err(why) => SigOutcome::Unusable(why),
            },
        };
        let judged = signature::judge(ID, sig.name(), &outcome, inputs.trust.threshold);
        if judged.status == Status::Pass {
            return Ok(format!("{} ({})", sig.name(), judged.summary));
        }
        return Err(format!("{}: {}", sig.name(), judged.summary));
    }
    Err(if listed {
        "the checksum file lists it, but is not signed by the pinned keys".to_string()
    } else {
        "neither the signed checksum file nor a signature of its own covers it".to_string()
    })
}

/// Whether a strong, named line of the checksum file gives the SBOM's digest.
fn listed_in_checksums(file: &EvidenceFile, checksums: &ChecksumFile) -> bool {
    let sha256 = sha256_hex(&file.bytes);
    let sha512 = hex::encode(<sha2::Sha512 as sha2::Digest>::digest(&file.bytes));
    let relative = file.relative.as_str();
    checksums.entries.iter().any(|e| {
        let named = e.name.as_deref().is_some_and(|n| {
            let n = n.strip_prefix("./").unwrap_or(n);
            n == file.name() || relative.ends_with(&format!("/{n}")) || n == relative
        });
        let digest = hex::encode(&e.digest);
        named
            && match e.algo {
                Algo::Sha256 => digest == sha256,
                Algo::Sha512 => digest == sha512,
                _ => false,
            }
    })
}

/// The files the SBOM lists against the entries: a different SHA-256 or a
/// file the artifact does not hold fails.
fn cross_check(sbom: &Sbom, entries: Option<&[Entry]>) -> (String, Vec<Finding>) {
    if sbom.files.is_empty() {
        return ("it lists no files".to_string(), Vec::new());
    }
    let Some(entries) = entries else {
        return (
            "the artifact is a single file, so the files it lists are not compared".to_string(),
            Vec::new(),
        );
    };
    let by_path = entry_digests(entries);
    let mut findings = Vec::new();
    let mut agreed = 0u64;
    for f in &sbom.files {
        let path = normalised(f.path.as_bytes());
        match (by_path.get(path), &f.sha256) {
            (None, _) => findings.push(Finding::new(
                Status::Fail,
                escape_path(f.path.as_bytes()),
                "the SBOM lists this file, and the artifact does not hold it",
            )),
            (Some(actual), Some(said)) if !said.eq_ignore_ascii_case(actual) => {
                findings.push(Finding::new(
                    Status::Fail,
                    escape_path(f.path.as_bytes()),
                    format!("the SBOM gives SHA-256 {said}; the artifact's bytes are {actual}"),
                ))
            }
            _ => agreed += 1,
        }
    }
    let said = format!(
        "{} of {} files it lists agree with the artifact",
        group(agreed),
        group(sbom.files.len() as u64)
    );
    (said, findings)
}

/// Each entry's SHA-256 by its path without `./` or `/` in front, also
/// without the one top folder every entry shares (SBOMs of a tarball often
/// list paths inside it).
fn entry_digests(entries: &[Entry]) -> HashMap<&[u8], String> {
    let mut map = HashMap::new();
    let paths = entries.iter().map(|e| normalised(&e.path));
    let top = paths
        .clone()
        .next()
        .and_then(|p| p.split(|b| *b == b'/').next());
    let shared_top = top.filter(|top| {
        paths
            .clone()
            .all(|p| p == *top || p.starts_with(&[*top, b"/"].concat()))
    });
    for e in entries {
        let Some(sha) = e.sha256 else { continue };
        let path = normalised(&e.path);
        let hex = hex::encode(sha);
        if let Some(top) = shared_top
            && let Some(inside) = path.get(top.len() + 1..).filter(|_| path.len() > top.len())
        {
            map.insert(inside, hex.clone());
        }
        map.insert(path, hex);
    }
    map
}

fn normalised(path: &[u8]) -> &[u8] {
    let mut p = path;
    loop {
        match p {
            [b'.', b'/', rest @ ..] | [b'/', rest @ ..] => p = rest,
            _ => return p,
        }
    }
}

/// Changes since a baseline version, as [`VendorSbom::since`] holds them.
type Compared = Option<(String, Vec<Change>)>;

/// How the comparison reads in the summary, the component changes since
/// the baseline, and a finding when the baseline cannot be read.
fn changes(sbom: &Sbom, baseline: &Baseline) -> (String, Compared, Option<Finding>) {
    let (version, bytes) = match baseline {
        Baseline::None(why) => return (format!("no baseline ({why})"), None, None),
        Baseline::Found { version, bytes } => (version, bytes),
    };
    let before = match read(bytes) {
        Ok(before) => before,
        Err(why) => {
            let f = Finding::new(
                Status::Warn,
                version.clone(),
                format!("the SBOM approved with {version} cannot be read: {why}"),
            );
            let said = format!("no baseline (the SBOM of {version} cannot be read)");
            return (said, None, Some(f));
        }
    };
    let compared = compare::compare(&before, sbom);
    let said = format!(
        "since {version}: {} changed, {} unchanged",
        group(compared.changes.len() as u64),
        group(compared.unchanged as u64)
    );
    (said, Some((version.clone(), compared.changes)), None)
}

fn finding(change: &Change) -> Finding {
    let version = |c: &crate::engine::verify::sbom::Component| {
        c.version.clone().unwrap_or_else(|| "(no version)".into())
    };
    let subject = |c: &crate::engine::verify::sbom::Component| compare::key(c);
    match change {
        Change::Added(c) => Finding::new(
            Status::Pass,
            subject(c),
            format!("added: {} {}", c.name, version(c)),
        ),
        Change::Removed(c) => Finding::new(
            Status::Pass,
            subject(c),
            format!("removed: {} {}", c.name, version(c)),
        ),
        Change::Upgraded { from, to } => Finding::new(
            Status::Pass,
            subject(to),
            format!("upgraded: {} {} → {}", to.name, version(from), version(to)),
        ),
        Change::Changed { from, to } => Finding::new(
            Status::Pass,
            subject(to),
            format!(
                "changed: {} {} → {} (no known order)",
                to.name,
                version(from),
                version(to)
            ),
        ),
        Change::Downgraded { from, to } => Finding::new(
            Status::Warn,
            subject(to),
            format!(
                "downgraded: {} {} → {}",
                to.name,
                version(from),
                version(to)
            ),
        ),
        Change::Rebuilt { from, to } => Finding::new(
            Status::Fail,
            subject(to),
            format!(
                "rebuilt: {} {} has SHA-256 {} now, {} when approved: the same version with other bytes",
                to.name,
                version(to),
                to.sha256.as_deref().unwrap_or("-"),
                from.sha256.as_deref().unwrap_or("-")
            ),
        ),
    }
}
