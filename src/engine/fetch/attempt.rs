//! One source, one attempt: open it, read the artifact once through the
//! pass (resuming a transfer cut short from the same source), and keep or
//! discard the bytes on this machine by whether the checksum file signs
//! them.

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use sequoia_openpgp::types::HashAlgorithm;

use crate::engine::fetch::hashers::HashKey;
use crate::engine::fetch::http::TooSlow;
use crate::engine::fetch::local_copy::{LocalCopy, StagedCopy};
use crate::engine::fetch::open::{Fetcher, Opened, SourceFailure, local_limit};
use crate::engine::fetch::pass::{self, PassError, PassOptions, PassOutput};
use crate::engine::fetch::read::{ArtifactRead, Inspector, PassPlan};
use crate::engine::select::feed::Artifact;
use crate::engine::select::source::Source;
use crate::engine::shared::error::{Error, Result, describe_io};
use crate::engine::shared::event::{Cancel, Event, Level, Reporter, SourceState, Step, log};

/// How many times a transfer cut short is resumed before the next source.
const RESUMES: usize = 2;

pub(super) enum Outcome<F> {
    Refused(String),
    Failed(String),
    Read(Box<ArtifactRead<F>>),
}

/// One attempt: the artifact from this source, and what the pass computes
/// and hands the bytes to.
pub(super) struct Attempting<'a, I> {
    pub(super) source: &'a Source,
    pub(super) artifact: &'a Artifact,
    pub(super) fetcher: &'a Fetcher,
    pub(super) plan: &'a PassPlan,
    /// The hash contexts the pass computes.
    pub(super) keys: &'a [HashKey],
    pub(super) inspector: &'a I,
}

/// One source: open, read once (resuming a transfer cut short), inspect.
pub(super) fn attempt_source<I: Inspector>(
    at: &Attempting<'_, I>,
    reporter: &mut dyn Reporter,
    cancel: &Cancel,
) -> Result<Outcome<I::Found>> {
    let mut resumes = 0;
    loop {
        let mut opened = match open(at, reporter) {
            Ok(opened) => opened,
            Err(outcome) => return Ok(outcome),
        };
        let limit = match read_limit(&opened, at.artifact, at.fetcher) {
            Ok(limit) => limit,
            Err(why) => return Ok(Outcome::Failed(why)),
        };
        // A local file, or the tar made of a layout folder, is staged.
        let mut staging = match (&opened.download, &at.plan.stage_dir) {
            (None, Some(dir)) => stage_file(dir),
            _ => None,
        };
        let consumer = at.inspector.during(opened.local.clone(), opened.size);
        let result = run_pass(
            at,
            &mut opened,
            consumer,
            limit,
            &mut staging,
            reporter,
            cancel,
        );
        match result {
            Ok(out) => return Ok(Outcome::Read(Box::new(keep(at, opened, out, staging)))),
            Err(PassError::Cancelled) => return Err(Error::Cancelled),
            Err(PassError::Read { offset, source: e })
                if opened.download.is_some()
                    && offset > opened.resumed_from
                    && resumes < RESUMES
                    && !TooSlow::is(&e) =>
            {
                resumes += 1;
                let why = describe_io(&e);
                say(
                    at,
                    reporter,
                    Level::Warn,
                    format!("the transfer broke after {offset} bytes ({why}); resuming"),
                );
            }
            Err(e) => return Ok(Outcome::Failed(failed(at, opened, e, reporter))),
        }
    }
}

/// Opens the source, or says why it could not be.
fn open<I>(
    at: &Attempting<'_, I>,
    reporter: &mut dyn Reporter,
) -> std::result::Result<Opened, Outcome<I::Found>>
where
    I: Inspector,
{
    let relative = &at.artifact.file.value;
    let opened = {
        let mut said = |line: String| say(at, reporter, Level::Info, line);
        at.fetcher
            .open(at.source, relative, at.artifact.size, &mut said)
    };
    let opened = opened.map_err(|failure| {
        log(
            reporter,
            Step::Fetch,
            Level::Warn,
            format!(
                "{relative}: {} skipped: {}",
                at.source.name,
                failure.describe()
            ),
        );
        match failure {
            SourceFailure::Refused(why) => Outcome::Refused(why),
            SourceFailure::Failed(why) | SourceFailure::TooLarge(why) => Outcome::Failed(why),
        }
    })?;
    if opened.resumed_from > 0 {
        reporter.report(Event::Source {
            file: at.artifact.file_name().to_string(),
            source: at.source.name.clone(),
            state: SourceState::Resuming {
                from: opened.resumed_from,
            },
        });
    }
    log(
        reporter,
        Step::Fetch,
        Level::Info,
        format!("{relative}: reading from {}", at.source.name),
    );
    Ok(opened)
}

/// No source gives more than it may: a download the feed's size (or the
/// ceiling), a local file what it held when opened (a file that grows
/// while it is read is cut off).
fn read_limit(
    opened: &Opened,
    artifact: &Artifact,
    fetcher: &Fetcher,
) -> std::result::Result<u64, String> {
    let ceiling = fetcher.settings.max_unknown_size;
    match (&opened.local, opened.size) {
        (Some(_), Some(at_open)) => local_limit(artifact.size, at_open, ceiling),
        _ => Ok(artifact.size.unwrap_or(ceiling)),
    }
}

/// The one read of the artifact from this source.
fn run_pass<I: Inspector>(
    at: &Attempting<'_, I>,
    opened: &mut Opened,
    consumer: pass::StreamConsumer<'static, I::Found>,
    limit: u64,
    staging: &mut Option<tempfile::NamedTempFile>,
    reporter: &mut dyn Reporter,
    cancel: &Cancel,
) -> std::result::Result<PassOutput<I::Found>, PassError> {
    let (total, resumed_from, started) = (opened.size, opened.resumed_from, Instant::now());
    let what = at.artifact.file_name().to_string();
    let mut progress = |done: u64| {
        let secs = started.elapsed().as_secs_f64();
        let rate = (secs > 0.2).then(|| ((done.saturating_sub(resumed_from)) as f64 / secs) as u64);
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
    let mut reader = std::mem::replace(&mut opened.reader, Box::new(std::io::empty()));
    let is_download = opened.download.is_some();
    let sink = opened.download.as_mut().and_then(|d| d.sink.as_mut());
    let options = PassOptions {
        limit: Some(limit),
        hash_off_reader: is_download,
        copy_to: sink.or(staging.as_mut().map(|t| t.as_file_mut())),
        copy_skip: resumed_from,
    };
    pass::read_once(
        &mut reader,
        at.keys,
        Some(consumer),
        options,
        &mut progress,
        cancel,
    )
}

/// The read as it came out of the pass: the bytes on this machine kept
/// when the checksum file signs them, discarded when it does not.
fn keep<I: Inspector>(
    at: &Attempting<'_, I>,
    opened: Opened,
    out: PassOutput<I::Found>,
    staging: Option<tempfile::NamedTempFile>,
) -> ArtifactRead<I::Found> {
    // A complete staging copy stands for the source file; otherwise the
    // store copies the source later, hashing it again.
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
    let inspected = at
        .inspector
        .after(out.consumed, local_copy.as_ref().map(LocalCopy::path));
    let sha256 = out
        .digests
        .digest(&HashKey::plain(HashAlgorithm::SHA256))
        .unwrap_or_default();
    let sha512 = out.digests.digest(&HashKey::plain(HashAlgorithm::SHA512));
    let wrong = at.plan.rejects(&sha256, sha512.as_ref());
    if wrong {
        // Wrong bytes are never resumed from, nor kept.
        if let Some(d) = opened.download {
            d.discard();
        }
        if let Some(copy) = &local_copy {
            copy.remove_own();
        }
    }
    ArtifactRead {
        source: at.source.name.clone(),
        url: String::new(),
        url_redacted: false,
        bytes: out.bytes,
        digests: out.digests,
        sha256,
        sha512,
        inspected,
        local_copy: if wrong { None } else { local_copy },
    }
}

/// Why a pass that could not be resumed failed, said and returned.
fn failed<I>(
    at: &Attempting<'_, I>,
    opened: Opened,
    e: PassError,
    reporter: &mut dyn Reporter,
) -> String {
    if matches!(e, PassError::TooLong { .. })
        && let Some(d) = opened.download
    {
        d.discard();
    }
    let why = match e {
        PassError::TooLong { limit } if opened.local.is_some() => {
            format!("the file grew past {limit} bytes while it was read: read no further")
        }
        PassError::TooLong { limit } => {
            format!("sent more than the {limit} bytes expected: stopped there")
        }
        other => other.to_string(),
    };
    log(
        reporter,
        Step::Fetch,
        Level::Warn,
        format!(
            "{}: {} failed: {why}",
            at.artifact.file.value, at.source.name
        ),
    );
    why
}

/// A fetch log line about this file at this source.
fn say<I>(at: &Attempting<'_, I>, reporter: &mut dyn Reporter, level: Level, line: String) {
    log(
        reporter,
        Step::Fetch,
        level,
        format!("{}: {}: {line}", at.artifact.file.value, at.source.name),
    );
}

/// A new file in the store's staging folder (removed unless kept).
fn stage_file(dir: &Path) -> Option<tempfile::NamedTempFile> {
    std::fs::create_dir_all(dir).ok()?;
    tempfile::Builder::new()
        .prefix(".intake-stage-")
        .tempfile_in(dir)
        .ok()
}
