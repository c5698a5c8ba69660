//! Step 2, second half: reading the artifact from the sources in the
//! feed's order. Each attempt is one streaming pass that hashes (and feeds
//! the signature contexts) while the bytes arrive; a source whose bytes do
//! not match the signed checksum is named and the next one is tried.

use std::io::Read;

use crate::engine::archive::zip::CentralDirectory;
use crate::engine::archive::{self, ArchiveKind, ArchiveReport, Limits};
use crate::engine::check::{Check, CheckId, Finding, Status};
use crate::engine::checksums::short;
use crate::engine::error::{Error, Result};
use crate::engine::event::{Cancel, Event, Level, Reporter, Step, log};
use crate::engine::feed::{Artifact, Feed};
use crate::engine::fetch::{Fetcher, Opened, SourceFailure};
use crate::engine::hashing::{self, ChunkReader, Digests, HashKey, PassError, StreamConsumer};
use sequoia_openpgp::types::HashAlgorithm;

/// What the read pass must compute, and what the bytes must match.
#[derive(Debug, Clone, Default)]
pub struct PassPlan {
    pub keys: Vec<HashKey>,
    /// Inspection limits for the archive walk that shares the pass.
    pub limits: Limits,
    /// The signed SHA-256 / SHA-512, when the checksum file gives them.
    pub expected_sha256: Option<Vec<u8>>,
    pub expected_sha512: Option<Vec<u8>>,
}

/// The artifact as read from one source.
#[derive(Debug, Clone)]
pub struct ArtifactRead {
    pub source: String,
    /// Where it was read, tokens removed.
    pub url: String,
    pub url_redacted: bool,
    pub bytes: u64,
    pub digests: Digests,
    pub sha256: Vec<u8>,
    pub sha512: Option<Vec<u8>>,
    /// What the archive walk found (kind `Single` when not an archive).
    pub archive: ArchiveReport,
}

/// What happened at one source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attempt {
    Refused(String),
    Failed(String),
    WrongBytes { actual: String },
    Served,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceAttempt {
    pub source: String,
    pub url: String,
    pub attempt: Attempt,
}

/// The bytes the review goes on with, and every attempt on the way.
#[derive(Debug, Clone)]
pub struct Fetched {
    pub read: ArtifactRead,
    pub attempts: Vec<SourceAttempt>,
}

/// Reads the artifact from the first source that serves matching bytes.
/// When every source that answered served wrong bytes, the last of them
/// is returned (the checksum check will fail); when none answered, the
/// error is [`Error::Fetch`].
pub fn read_from_sources(
    feed: &Feed,
    artifact: &Artifact,
    fetcher: &Fetcher,
    plan: &PassPlan,
    reporter: &mut dyn Reporter,
    cancel: &Cancel,
) -> Result<Fetched> {
    let relative = &artifact.file.value;
    let mut keys = plan.keys.clone();
    keys.push(HashKey::plain(HashAlgorithm::SHA256));
    if plan.expected_sha512.is_some() {
        keys.push(HashKey::plain(HashAlgorithm::SHA512));
    }
    let mut attempts = Vec::new();
    let mut wrong: Option<ArtifactRead> = None;
    for source in &feed.sources {
        cancel.check()?;
        let (url, url_redacted) = source.describe(relative);
        let mut attempt = |a: Attempt| {
            attempts.push(SourceAttempt {
                source: source.name.clone(),
                url: url.clone(),
                attempt: a,
            })
        };
        let opened = match fetcher.open(source, relative) {
            Ok(o) => o,
            Err(failure) => {
                log(
                    reporter,
                    Step::Fetch,
                    Level::Warn,
                    format!(
                        "{relative}: {} skipped: {}",
                        source.name,
                        failure.describe()
                    ),
                );
                attempt(match failure {
                    SourceFailure::Refused(why) => Attempt::Refused(why),
                    SourceFailure::Failed(why) | SourceFailure::TooLarge(why) => {
                        Attempt::Failed(why)
                    }
                });
                continue;
            }
        };
        log(
            reporter,
            Step::Fetch,
            Level::Info,
            format!("{relative}: reading from {} ({url})", source.name),
        );
        let total = opened.size;
        let what = artifact.file_name().to_string();
        let mut progress = |done: u64| {
            reporter.report(Event::Progress {
                what: what.clone(),
                done,
                total,
            })
        };
        let name_kind = ArchiveKind::from_name(artifact.file_name());
        let (consumer, decided) = inspection(&opened, name_kind, &plan.limits);
        let mut reader = opened.reader;
        let out =
            match hashing::read_once(&mut reader, &keys, consumer, None, &mut progress, cancel) {
                Ok(out) => out,
                Err(PassError::Cancelled) => return Err(Error::Cancelled),
                Err(e) => {
                    log(
                        reporter,
                        Step::Fetch,
                        Level::Warn,
                        format!("{relative}: {} failed: {e}", source.name),
                    );
                    attempt(Attempt::Failed(e.to_string()));
                    continue;
                }
            };
        let inspected = out
            .consumed
            .or(decided)
            .unwrap_or_else(|| ArchiveReport::new(ArchiveKind::Single));
        let sha256 = out
            .digests
            .digest(&HashKey::plain(HashAlgorithm::SHA256))
            .unwrap_or_default();
        let sha512 = out.digests.digest(&HashKey::plain(HashAlgorithm::SHA512));
        let read = ArtifactRead {
            source: source.name.clone(),
            url: url.clone(),
            url_redacted,
            bytes: out.bytes,
            digests: out.digests,
            sha256: sha256.clone(),
            sha512: sha512.clone(),
            archive: inspected,
        };
        let mismatch = plan.expected_sha256.as_ref().is_some_and(|e| *e != sha256)
            || plan
                .expected_sha512
                .as_ref()
                .is_some_and(|e| Some(e) != sha512.as_ref());
        if mismatch {
            let actual = hex::encode(&sha256);
            log(
                reporter,
                Step::Fetch,
                Level::Warn,
                format!(
                    "{relative}: {} served bytes that do not match the signed checksum (SHA-256 {})",
                    source.name,
                    short(&actual)
                ),
            );
            attempt(Attempt::WrongBytes { actual });
            wrong = Some(read);
            continue;
        }
        log(
            reporter,
            Step::Fetch,
            Level::Info,
            format!("{relative}: {} bytes from {}", out.bytes, source.name),
        );
        attempt(Attempt::Served);
        return Ok(Fetched { read, attempts });
    }
    match wrong {
        Some(read) => Ok(Fetched { read, attempts }),
        None => Err(Error::Fetch {
            what: relative.clone(),
            detail: attempts
                .iter()
                .map(|a| match &a.attempt {
                    Attempt::Refused(w) | Attempt::Failed(w) => format!("{}: {w}", a.source),
                    _ => a.source.clone(),
                })
                .collect::<Vec<_>>()
                .join("; "),
        }),
    }
}

/// How the archive walk joins the read pass: a stream consumer, or a report
/// decided before reading (a zip whose directory cannot be read, a name
/// that promises an archive over bytes that are not one).
fn inspection(
    opened: &Opened,
    name_kind: ArchiveKind,
    limits: &Limits,
) -> (
    Option<StreamConsumer<'static, ArchiveReport>>,
    Option<ArchiveReport>,
) {
    let size = opened.size;
    let limits = limits.clone();
    let Some(path) = &opened.local else {
        let consumer: StreamConsumer<'static, ArchiveReport> =
            Box::new(move |r: &mut ChunkReader| {
                archive::inspect_stream(r, name_kind, size, &limits)
            });
        return (Some(consumer), None);
    };
    // A local file: look at its first bytes (and a zip's directory) first.
    let mut head = Vec::with_capacity(512);
    let opened_file = std::fs::File::open(path);
    if let Ok(file) = &opened_file {
        let _ = file.take(512).read_to_end(&mut head);
    }
    match ArchiveKind::sniff(&head) {
        ArchiveKind::Zip => {
            let len = size.unwrap_or(0);
            let directory = opened_file
                .map_err(|e| e.to_string())
                .and_then(|mut file| CentralDirectory::read(&mut file, len, &limits));
            match directory {
                Ok(cd) => {
                    let consumer: StreamConsumer<'static, ArchiveReport> =
                        Box::new(move |r: &mut ChunkReader| {
                            let mut report = archive::zip::inspect(r, &cd, len, &limits);
                            archive::name_mismatch(&mut report, name_kind, ArchiveKind::Zip);
                            report
                        });
                    (Some(consumer), None)
                }
                Err(why) => {
                    let mut report = ArchiveReport::new(ArchiveKind::Zip);
                    report.stop("(central directory)", why);
                    archive::name_mismatch(&mut report, name_kind, ArchiveKind::Zip);
                    (None, Some(report))
                }
            }
        }
        ArchiveKind::Single => {
            let mut report = ArchiveReport::new(ArchiveKind::Single);
            archive::name_mismatch(&mut report, name_kind, ArchiveKind::Single);
            (None, Some(report))
        }
        ArchiveKind::Tar | ArchiveKind::TarGz => {
            let consumer: StreamConsumer<'static, ArchiveReport> =
                Box::new(move |r: &mut ChunkReader| {
                    archive::inspect_stream(r, name_kind, size, &limits)
                });
            (Some(consumer), None)
        }
    }
}

/// `fetch.source`: which source served the bytes; a warning names every
/// source that served bytes not matching the signed checksum.
pub fn source_check(fetched: &Fetched) -> Check {
    let id = CheckId::FetchSource;
    let findings: Vec<Finding> = fetched
        .attempts
        .iter()
        .map(|a| match &a.attempt {
            Attempt::Refused(why) => {
                Finding::new(Status::Skip, &a.source, format!("not tried: {why}"))
            }
            Attempt::Failed(why) => {
                Finding::new(Status::Skip, &a.source, format!("could not serve: {why}"))
            }
            Attempt::WrongBytes { actual } => Finding::new(
                Status::Warn,
                &a.source,
                format!(
                    "served bytes that do not match the signed checksum (SHA-256 {})",
                    short(actual)
                ),
            ),
            Attempt::Served => Finding::new(
                Status::Pass,
                &a.source,
                format!("served matching bytes from {}", a.url),
            ),
        })
        .collect();
    let wrong: Vec<&str> = fetched
        .attempts
        .iter()
        .filter(|a| matches!(a.attempt, Attempt::WrongBytes { .. }))
        .map(|a| a.source.as_str())
        .collect();
    let served_ok = fetched
        .attempts
        .iter()
        .any(|a| a.attempt == Attempt::Served);
    let check = if wrong.is_empty() {
        Check::pass(
            id,
            format!("served by {} ({})", fetched.read.source, fetched.read.url),
        )
    } else if served_ok {
        Check::warn(
            id,
            format!(
                "{} served bytes that do not match the signed checksum; {} served matching bytes",
                wrong.join(", "),
                fetched.read.source
            ),
        )
    } else {
        Check::warn(
            id,
            format!(
                "every source that answered served wrong bytes: {}",
                wrong.join(", ")
            ),
        )
    };
    check
        .with_evidence("source", fetched.read.source.clone())
        .with_evidence("url", fetched.read.url.clone())
        .with_findings(findings)
}

/// `fetch.size`: the feed's `size`, when given, against the bytes read.
pub fn size_check(artifact: &Artifact, bytes: u64) -> Check {
    let id = CheckId::FetchSize;
    match artifact.size {
        None => Check::skip(
            id,
            format!("the feed gives no size; {} bytes read", group(bytes)),
        ),
        Some(size) if size == bytes => {
            Check::pass(id, format!("{} bytes, as the feed says", group(bytes)))
                .with_evidence("size", bytes.to_string())
        }
        Some(size) => Check::fail(
            id,
            format!("{} bytes, but the feed says {}", group(bytes), group(size)),
        )
        .with_evidence("expected", size.to_string())
        .with_evidence("actual", bytes.to_string()),
    }
}

/// `48,213,504`: digits grouped for reading aloud.
pub fn group(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
