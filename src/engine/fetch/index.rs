//! An APT repository's `Packages` index, from the feed's sources in order:
//! streamed through one read pass (never held whole; a distribution's is
//! ~50 MB) that hashes it while the caller's consumer reads it on its own
//! thread. A source whose bytes are not the ones the Release lists is
//! named and the next one is tried, its download discarded; the listed
//! bytes stay on this machine (the local file, or the download in the
//! cache) so the store can keep them with an approved release.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use tempfile::TempPath;

use crate::engine::fetch::download::Download;
use crate::engine::fetch::hashers::HashKey;
use crate::engine::fetch::open::{Fetcher, Opened, local_limit};
use crate::engine::fetch::pass::{self, PassOptions, StreamConsumer};
use crate::engine::select::feed::{Feed, Located};
use crate::engine::select::source::Source;
use crate::engine::shared::error::{Error, Result};
use crate::engine::shared::event::{Cancel, Event, Level, Reporter, SourceState, Step, log};
use sequoia_openpgp::types::HashAlgorithm;

/// What the Release lists for the index: its bytes must be these.
#[derive(Debug, Clone, Copy)]
pub struct Listed<'a> {
    pub size: u64,
    pub sha256: &'a [u8],
}

/// The index as read from one source, with what the consumer found.
#[derive(Debug, Clone)]
pub struct IndexFile<T> {
    pub source: String,
    /// Where it was read, tokens removed.
    pub url: String,
    pub bytes: u64,
    pub sha256: Vec<u8>,
    /// `None` when the consumer did not finish.
    pub consumed: Option<T>,
    /// The file on this machine holding exactly the listed bytes; `None`
    /// when the bytes were not the listed ones.
    pub kept: Option<KeptFile>,
}

/// Listed index bytes on this machine: a folder source's file, read in
/// place, or a download moved out of the cache (so it is never taken for
/// a transfer to resume) and removed when the last holder lets it go.
#[derive(Debug, Clone)]
pub enum KeptFile {
    Local(PathBuf),
    Downloaded(Arc<TempPath>),
}

impl KeptFile {
    pub fn path(&self) -> &Path {
        match self {
            KeptFile::Local(path) => path,
            KeptFile::Downloaded(temp) => temp,
        }
    }

    /// A finished download, moved beside the cache under a name of its own.
    fn downloaded(download: Download) -> Option<KeptFile> {
        let kept = tempfile::Builder::new()
            .prefix(".index-")
            .tempfile_in(download.part.parent()?)
            .ok()?
            .into_temp_path();
        match std::fs::rename(&download.part, &kept) {
            Ok(()) => {
                download.discard();
                Some(KeptFile::Downloaded(Arc::new(kept)))
            }
            Err(_) => {
                download.discard();
                None
            }
        }
    }
}

impl PartialEq for KeptFile {
    fn eq(&self, other: &Self) -> bool {
        self.path() == other.path()
    }
}

impl Eq for KeptFile {}

/// Reads the index at `at` from the first source whose bytes are the
/// listed ones; when every source that answered served other bytes, the
/// last of them (the chain then fails naming it); when none answered,
/// [`Error::Fetch`]. `consumer` makes one reader per attempt.
pub fn read_index<T: Send + 'static>(
    feed: &Feed,
    at: &Located<String>,
    listed: Listed<'_>,
    fetcher: &Fetcher,
    consumer: &dyn Fn() -> StreamConsumer<'static, T>,
    reporter: &mut dyn Reporter,
    cancel: &Cancel,
) -> Result<IndexFile<T>> {
    let mut failures = Vec::new();
    let mut wrong = None;
    for source in &feed.sources {
        cancel.check()?;
        match attempt(source, at, listed, fetcher, consumer(), reporter, cancel)? {
            Ok(read) if read.sha256 == listed.sha256 && read.bytes == listed.size => {
                say(reporter, source, at, SourceState::Served);
                return Ok(read);
            }
            Ok(read) => {
                say(reporter, source, at, SourceState::WrongBytes);
                log(
                    reporter,
                    Step::Fetch,
                    Level::Warn,
                    format!(
                        "{}: {} served bytes the Release does not list",
                        at.value, source.name
                    ),
                );
                wrong = Some(read);
            }
            Err(why) => {
                say(reporter, source, at, SourceState::Failed(why.clone()));
                log(
                    reporter,
                    Step::Fetch,
                    Level::Warn,
                    format!("{}: {} skipped: {why}", at.value, source.name),
                );
                failures.push(format!("{}: {why}", source.name));
            }
        }
    }
    wrong.ok_or_else(|| Error::Fetch {
        what: at.value.clone(),
        detail: failures.join("; "),
    })
}

fn say(reporter: &mut dyn Reporter, source: &Source, at: &Located<String>, state: SourceState) {
    reporter.report(Event::Source {
        file: crate::engine::select::feed::base_name(&at.value).to_string(),
        source: source.name.clone(),
        state,
    });
}

/// One source: open the index, read it once (hashing SHA-256 on this
/// thread while `consumer` reads it on another). A download stops past
/// the listed size; a local file is read as far as it goes (bounded by
/// the artifact ceiling), so a longer one is named as such. The inner
/// `Err` says why this source could not serve it.
fn attempt<T: Send + 'static>(
    source: &Source,
    at: &Located<String>,
    listed: Listed<'_>,
    fetcher: &Fetcher,
    consumer: StreamConsumer<'static, T>,
    reporter: &mut dyn Reporter,
    cancel: &Cancel,
) -> Result<std::result::Result<IndexFile<T>, String>> {
    let (url, _) = source.describe(&at.value);
    say(
        reporter,
        source,
        at,
        SourceState::Trying { url: url.clone() },
    );
    let mut lines = Vec::new();
    let opened = fetcher.open(source, &at.value, Some(listed.size), &mut |l| lines.push(l));
    for line in lines {
        log(
            reporter,
            Step::Fetch,
            Level::Info,
            format!("{}: {line}", at.value),
        );
    }
    let mut opened = match opened {
        Ok(opened) => opened,
        Err(failure) => return Ok(Err(failure.describe().to_string())),
    };
    let limit = match (&opened.local, opened.size) {
        (Some(_), Some(size)) => match local_limit(None, size, fetcher.settings.max_unknown_size) {
            Ok(limit) => limit,
            Err(why) => return Ok(Err(why)),
        },
        _ => listed.size,
    };
    let keys = [HashKey::plain(HashAlgorithm::SHA256)];
    let resumed_from = opened.resumed_from;
    let sink = opened.download.as_mut().and_then(|d| d.sink.as_mut());
    let options = PassOptions {
        limit: Some(limit),
        hash_off_reader: sink.is_some(),
        // A download's cache file gets the very bytes that were hashed.
        copy_to: sink,
        copy_skip: resumed_from,
    };
    let out = pass::read_once(
        &mut opened.reader,
        &keys,
        Some(consumer),
        options,
        &mut |_| {},
        cancel,
    );
    let sha256 = out
        .as_ref()
        .ok()
        .and_then(|o| o.digests.digest(&keys[0]))
        .unwrap_or_default();
    let listed_bytes =
        out.as_ref().is_ok_and(|o| o.bytes == listed.size) && sha256 == listed.sha256;
    let kept = keep(&mut opened, listed_bytes);
    let out = match out {
        Ok(out) => out,
        Err(pass::PassError::Cancelled) => return Err(Error::Cancelled),
        Err(other) => return Ok(Err(other.to_string())),
    };
    log(
        reporter,
        Step::Fetch,
        Level::Info,
        format!("{}: {} bytes from {}", at.value, out.bytes, source.name),
    );
    Ok(Ok(IndexFile {
        source: source.name.clone(),
        url,
        bytes: out.bytes,
        sha256,
        consumed: out.consumed,
        kept,
    }))
}

/// The listed bytes on this machine, for the store; other bytes than the
/// listed ones are never kept (a download of them is discarded).
fn keep(opened: &mut Opened, listed_bytes: bool) -> Option<KeptFile> {
    match opened.download.take() {
        Some(d) if !listed_bytes => {
            d.discard();
            None
        }
        Some(d) => KeptFile::downloaded(d),
        None => opened
            .local
            .clone()
            .filter(|_| listed_bytes)
            .map(KeptFile::Local),
    }
}
