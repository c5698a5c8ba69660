//! A review from start to the point of sign-off: the steps in order, each
//! a function, and [`run`] which performs them all (what `intake verify`
//! does). The result, [`Review`], holds every check except `signoff`;
//! [`crate::engine::record::checklist::Checklist::build`] adds the sign-off.

use jiff::Timestamp;

use crate::engine::fetch::checks;
use crate::engine::fetch::evidence::{self, Evidence};
use crate::engine::fetch::open::{FetchSettings, Fetcher};
use crate::engine::fetch::pass::sha256_hex;
use crate::engine::fetch::sources::{self, Fetched, PassPlan};
use crate::engine::inspect::contents;
use crate::engine::inspect::diff::Diff;
use crate::engine::inspect::notes::{self, Contents};
use crate::engine::inspect::{ArchiveKind, Limits};
use crate::engine::select::choose;
use crate::engine::select::feed::{Artifact, Feed, Product, Release};
use crate::engine::select::rollback::{self, Approval, Previous};
use crate::engine::shared::check::{Check, CheckId};
use crate::engine::shared::error::Result;
use crate::engine::shared::event::{Cancel, Event, Level, Reporter, Step, log};
use crate::engine::shared::manifest::ManifestEntry;
use crate::engine::verify::checksums::{self, Algo, ChecksumFile, Computed};
use crate::engine::verify::signature::{self, Found, SigOutcome, TrustStore};

/// What to review.
#[derive(Debug, Clone)]
pub struct Request {
    pub version: String,
    pub platform: String,
    /// The review's clock: every time-dependent rule uses this.
    pub now: Timestamp,
    /// Where files come from: offline or not, timeouts, trust, cache.
    pub fetch: FetchSettings,
    /// Archive inspection limits (the expanded-size limit is configurable).
    pub limits: Limits,
    /// Where to stage a copy for the store during the pass (`None`: the
    /// review will not store).
    pub stage_dir: Option<std::path::PathBuf>,
    /// What was approved before here (for `release.rollback` and the diff).
    pub previous: Previous,
    /// Every approval of this platform recorded here: a re-review of an
    /// approved version whose bytes changed fails `release.rollback`.
    pub approvals: Vec<Approval>,
}

/// The artifact as reviewed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArtifactRecord {
    pub file: String,
    pub source: String,
    pub url: String,
    pub url_redacted: bool,
    pub size: u64,
    pub sha256: String,
    pub sha512: Option<String>,
}

/// SHA-256 of every input the verdicts rest on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Inputs {
    pub feed: String,
    pub checksums: String,
    pub notes: Option<String>,
    pub signatures: Vec<String>,
    pub certificates: Vec<String>,
}

/// Where an evidence file came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceSource {
    pub file: String,
    pub source: String,
    pub url: String,
    pub sha256: String,
}

/// Everything a review found, up to sign-off.
#[derive(Debug, Clone)]
pub struct Review {
    pub product: Product,
    pub version: String,
    pub platform: String,
    pub channel: String,
    pub started: Timestamp,
    pub artifact: ArtifactRecord,
    pub inputs: Inputs,
    pub evidence: Vec<EvidenceSource>,
    /// Every check but `signoff`, in SPEC order.
    pub checks: Vec<Check>,
    pub manifest: Vec<ManifestEntry>,
    /// The step log, in order.
    pub log: Vec<String>,
    /// The evidence files as gathered (what the store keeps on approval).
    pub gathered: Evidence,
    /// The verified bytes on this machine (source file or download).
    pub local_copy: Option<crate::engine::fetch::open::LocalCopy>,
    /// What changed since the last approval here.
    pub since: Since,
}

/// What changed since the last approval of this product and platform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Since {
    /// Nothing approved before (or said why nothing is known).
    NothingKnown(String),
    Changes {
        version: String,
        approved: toml::value::Datetime,
        diff: Diff,
    },
}

impl Review {
    pub fn check(&self, id: CheckId) -> Option<&Check> {
        self.checks.iter().find(|c| c.id == id)
    }
}

/// Keeps the step log while passing events on.
struct Recorder<'a> {
    inner: &'a mut dyn Reporter,
    lines: Vec<String>,
}

impl Reporter for Recorder<'_> {
    fn report(&mut self, event: Event) {
        if let Event::Log {
            step,
            level,
            message,
        } = &event
        {
            let mark = if *level == Level::Warn { "! " } else { "" };
            self.lines
                .push(format!("{}: {mark}{message}", step.title()));
        }
        self.inner.report(event);
    }
}

/// Runs every step of the review up to sign-off.
pub fn run(
    feed: &Feed,
    trust: &TrustStore,
    request: &Request,
    reporter: &mut dyn Reporter,
    cancel: &Cancel,
) -> Result<Review> {
    let release = feed.release(&request.version)?;
    let artifact = release.artifact(&request.platform)?;
    let mut rec = Recorder {
        inner: reporter,
        lines: Vec::new(),
    };
    log(
        &mut rec,
        Step::Select,
        Level::Info,
        format!(
            "{} {} for {} selected",
            feed.product.name, release.version, artifact.platform
        ),
    );
    // `release.rollback` waits for the bytes: a re-review compares digests.
    let selection = vec![
        choose::feed_fresh(feed, request.now),
        choose::release_newest(feed, release),
    ];

    let fetcher = Fetcher::new(request.fetch.clone());
    let evidence = evidence::gather(feed, release, artifact, &fetcher, &mut rec, cancel)?;
    let mut judged = judge_evidence(&evidence, release, artifact, trust, request.now);
    judged.plan.limits = request.limits.clone();
    judged.plan.limits.platform = artifact.platform.clone();
    judged.plan.stage_dir = request.stage_dir.clone();
    // The release notes are read on the side while the pass runs: the pass
    // leaves most of a core free when the archive compresses well.
    let (declared, fetched) = std::thread::scope(|scope| {
        let notes = scope.spawn(|| declared_contents(&evidence, artifact));
        let fetched =
            sources::read_from_sources(feed, artifact, &fetcher, &judged.plan, &mut rec, cancel);
        (notes.join().ok().flatten(), fetched)
    });
    let fetched = fetched?;
    judged.declared = declared;
    log(
        &mut rec,
        Step::Verify,
        Level::Info,
        "checksum and signatures checked",
    );
    let mut review = assemble(
        feed, trust, release, artifact, request, selection, evidence, judged, fetched,
    );
    review.log = rec.lines;
    Ok(review)
}

/// The evidence, read and judged before the artifact pass.
pub struct JudgedEvidence {
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
    let raw = &evidence.checksums.bytes;
    let mut reports = Vec::new();
    let mut unusable = None;
    let mut checksum_problem = None;
    let text: Vec<u8> = if let Some(problem) = &evidence.checksums.problem {
        checksum_problem = Some(format!("{}: {problem}", evidence.checksums.name()));
        Vec::new()
    } else if let Some(problem) = utf16_problem(raw) {
        checksum_problem = Some(format!("{}: {problem}", evidence.checksums.name()));
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
                    "{} is a cleartext-signed file that cannot be read: {reason}",
                    evidence.checksums.name()
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
    let checksums_signatures = match (unusable, reports.is_empty()) {
        (Some(reason), true) => SigOutcome::Unusable(reason),
        (_, false) => SigOutcome::Judged(reports),
        (None, true) => SigOutcome::NonePublished,
    };

    let checksum_file = checksums::parse(&text);
    let relative = relative_to(&release.checksums.value, &artifact.file.value);
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
        limits: Limits::default(),
        stage_dir: None,
        expected_sha256: expected(Algo::Sha256),
        expected_sha512: expected(Algo::Sha512),
    };
    JudgedEvidence {
        declared: None,
        checksum_file,
        checksum_problem,
        checksums_signatures,
        artifact_signatures,
        plan,
        relative,
    }
}

fn signature_file(file: &evidence::EvidenceFile) -> std::result::Result<Vec<Found>, String> {
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

/// The diff against the last approval, or why there is none.
fn since(previous: &Previous, manifest: &[ManifestEntry]) -> Since {
    match previous {
        Previous::None => Since::NothingKnown(
            "no previous approval of this platform is recorded here".to_string(),
        ),
        Previous::Unreadable(why) => {
            Since::NothingKnown(format!("no previous approval known: {why}"))
        }
        Previous::Found {
            approval,
            manifest: Err(why),
        } => Since::NothingKnown(format!(
            "{} was approved, but its manifest cannot be read: {why}",
            approval.version
        )),
        Previous::Found {
            approval,
            manifest: Ok(before),
        } => Since::Changes {
            version: approval.version.clone(),
            approved: approval.time,
            diff: crate::engine::inspect::diff::diff(before, manifest),
        },
    }
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

#[allow(clippy::too_many_arguments)]
fn assemble(
    feed: &Feed,
    trust: &TrustStore,
    release: &Release,
    artifact: &Artifact,
    request: &Request,
    selection: Vec<Check>,
    evidence: Evidence,
    judged: JudgedEvidence,
    mut fetched: Fetched,
) -> Review {
    let read = &fetched.read;
    let checksums_name = evidence.checksums.name().to_string();
    let computed = Computed {
        sha256: read.sha256.clone(),
        sha512: read.sha512.clone(),
    };
    let checksum_check = match &judged.checksum_problem {
        Some(problem) => Check::fail(CheckId::ChecksumSha256, problem.clone()),
        None => checksums::evaluate(
            &judged.checksum_file,
            &checksums_name,
            &judged.relative,
            artifact.file_name(),
            &computed,
        ),
    };
    let checksums_sig_file = evidence
        .checksums_signature
        .as_ref()
        .map_or(checksums_name.clone(), |f| f.name().to_string());
    let mut sig_checksums = signature::judge(
        CheckId::SignatureChecksums,
        &checksums_sig_file,
        &judged.checksums_signatures,
        trust.threshold,
    );
    let artifact_outcome = match (&evidence.artifact_signature, &judged.artifact_signatures) {
        (None, _) => SigOutcome::NonePublished,
        (Some(_), Err(reason)) => SigOutcome::Unusable(reason.clone()),
        (Some(_), Ok(found)) => SigOutcome::Judged(signature::verify_with_digests(
            found,
            &read.digests,
            trust,
            request.now,
        )),
    };
    let artifact_sig_file = evidence
        .artifact_signature
        .as_ref()
        .map_or("", |f| f.name())
        .to_string();
    let mut sig_artifact = signature::judge(
        CheckId::SignatureArtifact,
        &artifact_sig_file,
        &artifact_outcome,
        trust.threshold,
    );
    signature::apply_required(trust.required, &mut sig_checksums, &mut sig_artifact);

    let declared = &judged.declared;
    let (contents, safety) = match declared {
        Some((name, Err(problem))) => (
            Check::fail(
                CheckId::ArchiveContents,
                format!("the release notes cannot be used: {problem}"),
            )
            .with_evidence("notes", name.clone()),
            contents::safety_check(&read.archive, None),
        ),
        Some((name, Ok(c))) => (
            contents::contents_check(&read.archive, Some((name, c))),
            contents::safety_check(&read.archive, Some(c)),
        ),
        None => (
            contents::contents_check(&read.archive, None),
            contents::safety_check(&read.archive, None),
        ),
    };
    let mut checks = selection;
    checks.push(rollback::rollback_check_read(
        &request.previous,
        &request.approvals,
        &release.version,
        &artifact.platform,
        &hex::encode(&read.sha256),
    ));
    checks.extend([
        checks::mixed_sources(
            checks::source_check(&fetched),
            &evidence,
            &read.source,
            &[&sig_checksums, &sig_artifact],
        ),
        checks::size_check(artifact, read.bytes),
        checksum_check,
        sig_checksums,
        sig_artifact,
        contents,
        safety,
    ]);
    checks.sort_by_key(|c| c.id);

    let inputs = Inputs {
        feed: sha256_hex(&feed.bytes),
        checksums: sha256_hex(&evidence.checksums.bytes),
        notes: evidence.notes.as_ref().map(|n| sha256_hex(&n.bytes)),
        signatures: [&evidence.checksums_signature, &evidence.artifact_signature]
            .into_iter()
            .flatten()
            .map(|f| sha256_hex(&f.bytes))
            .collect(),
        certificates: trust.files.iter().map(|(_, sha)| sha.clone()).collect(),
    };
    // The entries move into the manifest: a hostile archive's names are
    // never held twice.
    let entries = std::mem::take(&mut fetched.read.archive.entries);
    let read = &fetched.read;
    let manifest = if read.archive.kind == ArchiveKind::Single {
        vec![ManifestEntry {
            sha256: hex::encode(&read.sha256),
            size: read.bytes,
            mode: 0o644,
            kind: "file".to_string(),
            path: artifact.file_name().as_bytes().to_vec(),
        }]
    } else {
        entries
            .into_iter()
            .map(|e| ManifestEntry {
                sha256: e.sha256.map(hex::encode).unwrap_or_else(|| "-".to_string()),
                size: e.size,
                mode: e.mode,
                kind: e.kind.word().to_string(),
                path: e.path,
            })
            .collect()
    };
    // Judged here, so the manifest (every name) is not copied for the diff.
    let since = since(&request.previous, &manifest);
    let sources: Vec<EvidenceSource> = evidence
        .files()
        .map(|f| EvidenceSource {
            file: f.relative.clone(),
            source: f.source.clone(),
            url: f.url.clone(),
            sha256: sha256_hex(&f.bytes),
        })
        .collect();
    Review {
        product: feed.product.clone(),
        version: release.version.clone(),
        platform: artifact.platform.clone(),
        channel: release.channel.clone(),
        started: request.now,
        artifact: ArtifactRecord {
            file: artifact.file_name().to_string(),
            source: read.source.clone(),
            url: read.url.clone(),
            url_redacted: read.url_redacted,
            size: read.bytes,
            sha256: hex::encode(&read.sha256),
            sha512: read.sha512.as_ref().map(hex::encode),
        },
        inputs,
        evidence: sources,
        checks,
        manifest,
        log: Vec::new(),
        local_copy: read.local_copy.clone(),
        since,
        gathered: evidence,
    }
}
