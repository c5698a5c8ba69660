//! Step 2, second half: reading the artifact from the sources in the
//! feed's order. Each attempt is one streaming pass that hashes (and feeds
//! the signature contexts and the archive walk) while the bytes arrive. A
//! transfer cut short is resumed from the same source; a source whose bytes
//! do not match the signed checksum is named and the next one is tried.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use sequoia_openpgp::types::HashAlgorithm;

use crate::engine::fetch::http::TooSlow;
use crate::engine::fetch::open::{Fetcher, LocalCopy, SourceFailure, StagedCopy, local_limit};
use crate::engine::fetch::pass::{self, Digests, HashKey, PassError, PassOptions};
use crate::engine::inspect::plan::{inspection, walk_downloaded_zip};
use crate::engine::inspect::{ArchiveKind, ArchiveReport, Limits};
use crate::engine::select::feed::{Artifact, Feed};
use crate::engine::select::source::Source;
use crate::engine::shared::error::{Error, Result};
use crate::engine::shared::event::{Cancel, Event, Level, Reporter, SourceState, Step, log};
use crate::engine::shared::text::short;

/// A new file in the store's staging folder (removed unless kept).
fn stage_file(dir: &Path) -> Option<tempfile::NamedTempFile> {
    std::fs::create_dir_all(dir).ok()?;
    tempfile::Builder::new()
        .prefix(".intake-stage-")
        .tempfile_in(dir)
        .ok()
}

/// How many times a transfer cut short is resumed before the next source.
const RESUMES: usize = 2;

/// What the read pass must compute, and what the bytes must match.
#[derive(Debug, Clone, Default)]
pub struct PassPlan {
    pub keys: Vec<HashKey>,
    /// Inspection limits for the archive walk that shares the pass.
    pub limits: Limits,
    /// The signed SHA-256 / SHA-512, when the checksum file gives them.
    pub expected_sha256: Option<Vec<u8>>,
    pub expected_sha512: Option<Vec<u8>>,
    /// Where to write a staging copy of a local source's bytes during the
    /// pass (the store's staging folder), if the review will store.
    pub stage_dir: Option<PathBuf>,
}

impl PassPlan {
    /// Whether bytes with these digests are not the ones the checksum file
    /// signs: either listed digest disagreeing is enough. One rule decides
    /// both "wrong bytes, try the next source" and "do not keep this copy",
    /// so a SHA-512-only checksum file protects the cache as SHA-256 does.
    pub fn rejects(&self, sha256: &[u8], sha512: Option<&Vec<u8>>) -> bool {
        self.expected_sha256
            .as_ref()
            .is_some_and(|e| e.as_slice() != sha256)
            || self
                .expected_sha512
                .as_ref()
                .is_some_and(|e| Some(e) != sha512)
    }
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
    /// The bytes on this machine: the source file itself, or the download
    /// in the cache (what the store copies from, re-hashing as it goes).
    pub local_copy: Option<LocalCopy>,
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
        let state = |reporter: &mut dyn Reporter, state: SourceState| {
            reporter.report(Event::Source {
                file: artifact.file_name().to_string(),
                source: source.name.clone(),
                state,
            })
        };
        state(reporter, SourceState::Trying { url: url.clone() });
        let outcome = attempt_source(source, artifact, fetcher, plan, &keys, reporter, cancel)?;
        let (attempt, read) = match outcome {
            Outcome::Refused(why) => {
                state(reporter, SourceState::Refused(why.clone()));
                (Attempt::Refused(why), None)
            }
            Outcome::Failed(why) => {
                state(reporter, SourceState::Failed(why.clone()));
                (Attempt::Failed(why), None)
            }
            Outcome::Read(read) => {
                if plan.rejects(&read.sha256, read.sha512.as_ref()) {
                    let actual = hex::encode(&read.sha256);
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
                    state(reporter, SourceState::WrongBytes);
                    (Attempt::WrongBytes { actual }, Some(read))
                } else {
                    log(
                        reporter,
                        Step::Fetch,
                        Level::Info,
                        format!("{relative}: {} bytes from {}", read.bytes, source.name),
                    );
                    state(reporter, SourceState::Served);
                    attempts.push(SourceAttempt {
                        source: source.name.clone(),
                        url: url.clone(),
                        attempt: Attempt::Served,
                    });
                    let read = ArtifactRead {
                        url,
                        url_redacted,
                        ..*read
                    };
                    return Ok(Fetched { read, attempts });
                }
            }
        };
        if let Some(read) = read {
            wrong = Some(ArtifactRead {
                url: url.clone(),
                url_redacted,
                ..*read
            });
        }
        attempts.push(SourceAttempt {
            source: source.name.clone(),
            url,
            attempt,
        });
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

enum Outcome {
    Refused(String),
    Failed(String),
    Read(Box<ArtifactRead>),
}

/// One source: open, read once (resuming a transfer cut short), inspect.
fn attempt_source(
    source: &Source,
    artifact: &Artifact,
    fetcher: &Fetcher,
    plan: &PassPlan,
    keys: &[HashKey],
    reporter: &mut dyn Reporter,
    cancel: &Cancel,
) -> Result<Outcome> {
    let relative = &artifact.file.value;
    let name_kind = ArchiveKind::from_name(artifact.file_name());
    let mut resumes = 0;
    loop {
        let opened = {
            let mut said = |line: String| {
                log(
                    reporter,
                    Step::Fetch,
                    Level::Info,
                    format!("{relative}: {}: {line}", source.name),
                )
            };
            fetcher.open(source, relative, artifact.size, &mut said)
        };
        let mut opened = match opened {
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
                return Ok(match failure {
                    SourceFailure::Refused(why) => Outcome::Refused(why),
                    SourceFailure::Failed(why) | SourceFailure::TooLarge(why) => {
                        Outcome::Failed(why)
                    }
                });
            }
        };
        if opened.resumed_from > 0 {
            reporter.report(Event::Source {
                file: artifact.file_name().to_string(),
                source: source.name.clone(),
                state: SourceState::Resuming {
                    from: opened.resumed_from,
                },
            });
        }
        log(
            reporter,
            Step::Fetch,
            Level::Info,
            format!("{relative}: reading from {}", source.name),
        );
        // No source gives more than it may: a download the feed's size (or
        // the ceiling), a local file what it held when opened (a file that
        // grows while it is read is cut off).
        let ceiling = fetcher.settings.max_unknown_size;
        let limit = match (&opened.local, opened.size) {
            (Some(_), Some(at_open)) => match local_limit(artifact.size, at_open, ceiling) {
                Ok(limit) => limit,
                Err(why) => return Ok(Outcome::Failed(why)),
            },
            _ => artifact.size.unwrap_or(ceiling),
        };
        let limit = Some(limit);
        let (consumer, decided) = inspection(&opened, name_kind, &plan.limits);
        let (total, resumed_from, started) = (opened.size, opened.resumed_from, Instant::now());
        let what = artifact.file_name().to_string();
        let mut progress = |done: u64| {
            let secs = started.elapsed().as_secs_f64();
            let rate =
                (secs > 0.2).then(|| ((done.saturating_sub(resumed_from)) as f64 / secs) as u64);
            let eta = match (rate, total) {
                (Some(r), Some(t)) if r > 0 => Some(t.saturating_sub(done) / r),
                _ => None,
            };
            reporter.report(Event::Progress {
                what: what.clone(),
                done,
                total,
                rate,
                eta,
            })
        };
        let mut staging = match (&opened.local, &plan.stage_dir) {
            (Some(_), Some(dir)) => stage_file(dir),
            _ => None,
        };
        let mut reader = std::mem::replace(&mut opened.reader, Box::new(std::io::empty()));
        let is_download = opened.download.is_some();
        let sink = opened.download.as_mut().and_then(|d| d.sink.as_mut());
        let options = PassOptions {
            limit,
            hash_off_reader: is_download,
            copy_to: sink.or(staging.as_mut().map(|t| t.as_file_mut())),
            copy_skip: resumed_from,
        };
        let result = pass::read_once(&mut reader, keys, consumer, options, &mut progress, cancel);
        drop(reader);
        let out = match result {
            Ok(out) => out,
            Err(PassError::Cancelled) => return Err(Error::Cancelled),
            // Cut short after some progress: resume from the same source.
            Err(PassError::Read { offset, source: e })
                if opened.download.is_some()
                    && offset > resumed_from
                    && resumes < RESUMES
                    && !TooSlow::is(&e) =>
            {
                resumes += 1;
                let why = crate::engine::shared::error::describe_io(&e);
                log(
                    reporter,
                    Step::Fetch,
                    Level::Warn,
                    format!(
                        "{relative}: {}: the transfer broke after {offset} bytes ({why}); resuming",
                        source.name
                    ),
                );
                continue;
            }
            Err(e) => {
                if matches!(e, PassError::TooLong { .. })
                    && let Some(d) = opened.download
                {
                    d.discard();
                }
                let local = opened.local.is_some();
                let why = match e {
                    PassError::TooLong { limit } if local => format!(
                        "the file grew past {limit} bytes while it was read: read no further"
                    ),
                    PassError::TooLong { limit } => {
                        format!("sent more than the {limit} bytes expected: stopped there")
                    }
                    other => other.to_string(),
                };
                log(
                    reporter,
                    Step::Fetch,
                    Level::Warn,
                    format!("{relative}: {} failed: {why}", source.name),
                );
                return Ok(Outcome::Failed(why));
            }
        };
        // A complete staging copy stands for the source file; otherwise
        // the store copies the source later, hashing it again.
        let staged = staging
            .filter(|_| out.copied)
            .and_then(|t| t.keep().ok())
            .map(|(_, path)| LocalCopy::Staged(Arc::new(StagedCopy::new(path))));
        let local_copy = staged
            .or_else(|| opened.local.clone().map(LocalCopy::Source))
            .or_else(|| {
                opened
                    .download
                    .as_ref()
                    .map(|d| LocalCopy::Download(d.part.clone()))
            });
        let mut inspected = out
            .consumed
            .or(decided)
            .unwrap_or_else(|| ArchiveReport::new(ArchiveKind::Single));
        if inspected.deferred
            && let Some(copy) = &local_copy
        {
            inspected = walk_downloaded_zip(copy.path(), name_kind, &plan.limits);
        }
        let sha256 = out
            .digests
            .digest(&HashKey::plain(HashAlgorithm::SHA256))
            .unwrap_or_default();
        let sha512 = out.digests.digest(&HashKey::plain(HashAlgorithm::SHA512));
        let wrong = plan.rejects(&sha256, sha512.as_ref());
        if wrong {
            // Wrong bytes are never resumed from, nor kept.
            if let Some(d) = opened.download {
                d.discard();
            }
            if let Some(copy) = &local_copy {
                copy.remove_own();
            }
        }
        return Ok(Outcome::Read(Box::new(ArtifactRead {
            source: source.name.clone(),
            url: String::new(),
            url_redacted: false,
            bytes: out.bytes,
            digests: out.digests,
            sha256,
            sha512,
            archive: inspected,
            local_copy: if wrong { None } else { local_copy },
        })));
    }
}
