//! The evidence, read and judged before the artifact's pass: the
//! checksum file (a clearsigned one unwrapped) and the signatures over it,
//! the artifact's own signatures (whose hash contexts the pass computes),
//! the digests the bytes must match, and the release notes' declared
//! contents (read alongside the pass).

use jiff::Timestamp;

use crate::engine::fetch::evidence::{self, Evidence};
use crate::engine::fetch::read::PassPlan;
use crate::engine::inspect::notes::{self, Contents};
use crate::engine::select::feed::{Artifact, Release};
use crate::engine::verify::apt::Chain;
use crate::engine::verify::checksums::{self, Algo, ChecksumFile};
use crate::engine::verify::signature::{self, Found, SigOutcome, TrustStore};

/// The evidence, read and judged before the artifact pass.
pub struct JudgedEvidence {
    /// Whether the release names a checksum file at all.
    pub checksums_named: bool,
    pub checksum_file: ChecksumFile,
    /// `Err` when the checksum file itself could not be read.
    pub checksum_problem: Option<String>,
    pub checksums_signatures: SigOutcome,
    pub artifact_signatures: Result<Vec<Found>, String>,
    pub plan: PassPlan,
    /// The checksum file's path relative to its folder, for name matching.
    pub relative: String,
    /// The release notes' name and what they declare of this artifact
    /// (read alongside the artifact pass: see [`declared_contents`]).
    pub declared: Option<(String, Result<Contents, String>)>,
    /// The APT chain, when the release names an `index` (read after the
    /// evidence: see [`super::apt::read_chain`]).
    pub apt: Option<Chain>,
}

/// Reads the checksum file (unwrapping a clearsigned one), judges the
/// signatures over it, parses the artifact's signatures, and plans the
/// artifact pass.
pub fn judge_evidence(
    evidence: &Evidence,
    release: &Release,
    artifact: &Artifact,
    trust: &TrustStore,
    now: Timestamp,
) -> JudgedEvidence {
    let (text, checksum_problem, checksums_signatures) = read_checksum_file(evidence, trust, now);
    let checksum_file = checksums::parse(&text);
    let relative = match &release.checksums {
        Some(checksums) => relative_to(&checksums.value, &artifact.file.value),
        None => artifact.file.value.clone(),
    };
    let entries = checksum_file.entries_for(&relative, artifact.file_name());
    let expected = |algo: Algo| {
        let values: Vec<&Vec<u8>> = entries
            .iter()
            .filter(|e| e.algo == algo)
            .map(|e| &e.digest)
            .collect();
        // Only an unambiguous value tells right bytes from wrong ones.
        match values.as_slice() {
            [first, rest @ ..] if rest.iter().all(|v| v == first) => Some((*first).clone()),
            _ => None,
        }
    };
    let artifact_signatures = match &evidence.artifact_signature {
        None => Ok(Vec::new()),
        Some(file) => signature_file(file),
    };
    let mut keys = Vec::new();
    if let Ok(found) = &artifact_signatures {
        keys.extend(signature::hash_keys(found));
    }
    let plan = PassPlan {
        keys,
        stage_dir: None,
        expected_sha256: expected(Algo::Sha256),
        expected_sha512: expected(Algo::Sha512),
    };
    JudgedEvidence {
        checksums_named: evidence.checksums.is_some(),
        declared: None,
        apt: None,
        checksum_file,
        checksum_problem,
        checksums_signatures,
        artifact_signatures,
        plan,
        relative,
    }
}

/// The checksum file's text (a clearsigned file unwrapped), why it cannot
/// be used if it cannot, and the judgement of the signatures over it.
fn read_checksum_file(
    evidence: &Evidence,
    trust: &TrustStore,
    now: Timestamp,
) -> (Vec<u8>, Option<String>, SigOutcome) {
    let Some(file) = &evidence.checksums else {
        return (Vec::new(), None, SigOutcome::NonePublished);
    };
    let raw = &file.bytes;
    let name = file.name();
    let mut reports = Vec::new();
    let mut unusable = None;
    let mut checksum_problem = None;
    let text: Vec<u8> = if let Some(problem) = &file.problem {
        checksum_problem = Some(format!("{name}: {problem}"));
        Vec::new()
    } else if let Some(problem) = utf16_problem(raw) {
        checksum_problem = Some(format!("{name}: {problem}"));
        Vec::new()
    } else if signature::parse::is_clearsigned(raw) {
        match signature::parse::clearsigned(raw) {
            Ok(cs) => {
                reports.extend(signature::verify_clearsigned(&cs.signatures, trust, now));
                cs.text
            }
            Err(reason) => {
                unusable = Some(reason.clone());
                checksum_problem = Some(format!(
                    "{name} is a cleartext-signed file that cannot be read: {reason}"
                ));
                Vec::new()
            }
        }
    } else {
        raw.clone()
    };
    if let Some(sig_file) = &evidence.checksums_signature {
        match signature_file(sig_file) {
            Ok(found) => reports.extend(signature::verify_bytes(&found, raw, trust, now)),
            Err(reason) => unusable = Some(reason),
        }
    }
    let judged = match (unusable, reports.is_empty()) {
        (Some(reason), true) => SigOutcome::Unusable(reason),
        (_, false) => SigOutcome::Judged(reports),
        (None, true) => SigOutcome::NonePublished,
    };
    (text, checksum_problem, judged)
}

fn signature_file(file: &evidence::EvidenceFile) -> Result<Vec<Found>, String> {
    match &file.problem {
        Some(problem) => Err(problem.clone()),
        None => signature::parse::detached(&file.bytes),
    }
}

/// Checksum files saved as UTF-16 (a common Windows accident) read as
/// garbage; say what they are.
fn utf16_problem(bytes: &[u8]) -> Option<&'static str> {
    (bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]))
        .then_some("is UTF-16 text; checksum files must be ASCII or UTF-8 (re-save it as UTF-8)")
}

/// What the release notes declare of this artifact: the notes' name and
/// the declared contents (`Err` when the notes cannot be used).
pub fn declared_contents(
    evidence: &Evidence,
    artifact: &Artifact,
) -> Option<(String, Result<Contents, String>)> {
    evidence.notes.as_ref().map(|n| {
        let contents = match &n.problem {
            Some(problem) => Err(format!("{}: {problem}", n.name())),
            None => Ok(notes::declared_contents(
                &String::from_utf8_lossy(&n.bytes),
                artifact.file_name(),
            )),
        };
        (n.name().to_string(), contents)
    })
}

/// `target`'s path relative to the folder of `sibling` when they share it
/// (checksum files name artifacts relative to themselves).
fn relative_to(sibling: &str, target: &str) -> String {
    match sibling.rfind('/') {
        Some(i) => target
            .strip_prefix(&sibling[..=i])
            .unwrap_or(target)
            .to_string(),
        None => target.to_string(),
    }
}
