//! Opening a source's files. Folder sources are read in place. HTTP(S)
//! sources go through [`crate::engine::fetch::http`] into a cache folder (never
//! the store) while the read pass hashes them; an interrupted download is
//! resumed from the cache with a ranged request guarded by the server's
//! validator, and the pass re-reads the cached part, so no byte is trusted
//! without being hashed. `--offline` refuses every non-local source before
//! any connection is attempted.

use std::cell::OnceCell;
use std::fs::{File, OpenOptions};
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use serde::{Deserialize, Serialize};
use url::Url;

use crate::engine::fetch::http::{Http, HttpSettings, Validator};
use crate::engine::fetch::pass::sha256_hex;
use crate::engine::select::source::{Location, Source, redact};
use crate::engine::shared::error::describe_io;
use crate::engine::shared::limits::{self, BoundedError};

/// A file opened for reading from a source.
pub struct Opened {
    pub reader: Box<dyn Read + Send>,
    /// The whole file's size, when known.
    pub size: Option<u64>,
    /// The file itself, for folder sources (read in place).
    pub local: Option<PathBuf>,
    /// The cache file a download is written to, for network sources.
    pub download: Option<Download>,
    /// Bytes already in the cache from an earlier, interrupted transfer.
    pub resumed_from: u64,
}

/// The verified bytes on this machine, and whose file it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LocalCopy {
    /// A folder source's file, read in place: not intake's to move.
    Source(PathBuf),
    /// A download in intake's own cache: it may be moved into the store.
    Download(PathBuf),
    /// A copy written in the store's staging folder during the read pass
    /// (the very bytes hashed): moved into place on approval, removed when
    /// the review ends any other way (see [`StagedCopy`]).
    Staged(Arc<StagedCopy>),
}

impl LocalCopy {
    pub fn path(&self) -> &Path {
        match self {
            LocalCopy::Source(p) | LocalCopy::Download(p) => p,
            LocalCopy::Staged(s) => &s.path,
        }
    }

    /// Whether intake owns the file (it may move or remove it).
    pub fn is_own(&self) -> bool {
        !matches!(self, LocalCopy::Source(_))
    }

    /// Removes intake's own copy (and a download's resume data); a
    /// source's file is never touched.
    pub fn remove_own(&self) {
        match self {
            LocalCopy::Source(_) => {}
            LocalCopy::Staged(s) => s.remove(),
            LocalCopy::Download(p) => {
                let _ = std::fs::remove_file(p);
                let _ = std::fs::remove_file(p.with_extension("json"));
            }
        }
    }
}

/// A staging copy in the store's staging folder. It is removed when the
/// last holder lets go of it (the review was rejected, failed, or was
/// abandoned), unless it was committed: moved into the store on approval.
#[derive(Debug)]
pub struct StagedCopy {
    path: PathBuf,
    committed: AtomicBool,
}

impl StagedCopy {
    /// Takes charge of the staging file at `path`.
    pub fn new(path: PathBuf) -> Self {
        StagedCopy {
            path,
            committed: AtomicBool::new(false),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The file was moved into the store: nothing is left to remove.
    pub fn commit(&self) {
        self.committed.store(true, Ordering::SeqCst);
    }

    /// Removes the file now (and the staging folder once it is empty).
    fn remove(&self) {
        if self.committed.swap(true, Ordering::SeqCst) {
            return;
        }
        let _ = std::fs::remove_file(&self.path);
        if let Some(dir) = self.path.parent() {
            let _ = std::fs::remove_dir(dir);
        }
    }
}

impl Drop for StagedCopy {
    fn drop(&mut self) {
        self.remove();
    }
}

impl PartialEq for StagedCopy {
    fn eq(&self, other: &Self) -> bool {
        self.path == other.path
    }
}

impl Eq for StagedCopy {}

/// Why a source could not serve a file (the next source is tried).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceFailure {
    /// Not tried: `--offline` refuses non-local sources.
    Refused(String),
    /// Tried and failed: not found, unreadable, connection error...
    Failed(String),
    /// The file is there but larger than a file of its kind may be.
    TooLarge(String),
}

impl SourceFailure {
    pub fn describe(&self) -> &str {
        match self {
            SourceFailure::Refused(why)
            | SourceFailure::Failed(why)
            | SourceFailure::TooLarge(why) => why,
        }
    }
}

/// Settings for fetching.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchSettings {
    pub offline: bool,
    pub http: HttpSettings,
    /// Where partial and finished downloads are kept.
    pub cache_dir: PathBuf,
    /// The most a download may bring when the feed gives no size.
    pub max_unknown_size: u64,
}

impl Default for FetchSettings {
    fn default() -> Self {
        FetchSettings {
            offline: false,
            http: HttpSettings::default(),
            cache_dir: std::env::temp_dir().join("intake-cache"),
            max_unknown_size: 64 << 30,
        }
    }
}

/// A download's file in the cache, and what resuming it needs.
#[derive(Debug)]
pub struct Download {
    pub part: PathBuf,
    meta: PathBuf,
    /// Where the received bytes are written (by the pass's copy thread).
    pub sink: Option<File>,
}

#[derive(Serialize, Deserialize)]
struct Meta {
    url: String,
    etag: Option<String>,
    last_modified: Option<String>,
}

impl Download {
    /// The bytes turned out wrong: nothing of them may be resumed.
    pub fn discard(self) {
        let _ = std::fs::remove_file(&self.part);
        let _ = std::fs::remove_file(&self.meta);
    }
}

/// Opens files of sources under the review's settings.
pub struct Fetcher {
    pub settings: FetchSettings,
    http: OnceCell<Result<Http, String>>,
}

impl Fetcher {
    pub fn new(settings: FetchSettings) -> Self {
        Fetcher {
            settings,
            http: OnceCell::new(),
        }
    }

    /// A fetcher for local sources only.
    pub fn offline() -> Self {
        Fetcher::new(FetchSettings {
            offline: true,
            ..FetchSettings::default()
        })
    }

    /// The client, made on first use (no network code runs before).
    fn http(&self) -> Result<&Http, SourceFailure> {
        self.http
            .get_or_init(|| Http::new(&self.settings.http))
            .as_ref()
            .map_err(|e| SourceFailure::Failed(format!("cannot set up HTTPS: {e}")))
    }

    /// The URL of `relative` under an HTTP source (a token on the base
    /// applies to every file under it).
    fn url(base: &Url, relative: &str) -> Result<Url, SourceFailure> {
        let mut url = base
            .join(relative)
            .map_err(|e| SourceFailure::Failed(format!("bad path {relative}: {e}")))?;
        if url.query().is_none() {
            url.set_query(base.query());
        }
        Ok(url)
    }

    /// Opens `relative` from `source` for streaming. A download is written
    /// to the cache as it is read; `expected` bounds what is accepted.
    pub fn open(
        &self,
        source: &Source,
        relative: &str,
        expected: Option<u64>,
        log: &mut dyn FnMut(String),
    ) -> Result<Opened, SourceFailure> {
        match &source.location {
            Location::Folder(dir) => open_local(&dir.join(relative)),
            Location::Http(_) if self.settings.offline => Err(refused()),
            Location::Http(base) => self.download(&Self::url(base, relative)?, expected, log),
        }
    }

    fn download(
        &self,
        url: &Url,
        expected: Option<u64>,
        log: &mut dyn FnMut(String),
    ) -> Result<Opened, SourceFailure> {
        let http = self.http()?;
        let failed = |e: io::Error| SourceFailure::Failed(format!("cache: {}", describe_io(&e)));
        let dir = self.settings.cache_dir.join("downloads");
        std::fs::create_dir_all(&dir).map_err(failed)?;
        let (shown, _) = redact(url);
        let key = sha256_hex(shown.as_bytes());
        let download = Download {
            part: dir.join(format!("{key}.part")),
            meta: dir.join(format!("{key}.json")),
            sink: None,
        };
        let have = std::fs::metadata(&download.part)
            .map(|m| m.len())
            .unwrap_or(0);
        let validator = std::fs::read(&download.meta)
            .ok()
            .and_then(|b| serde_json::from_slice::<Meta>(&b).ok())
            .and_then(|m| {
                m.etag
                    .map(Validator::ETag)
                    .or(m.last_modified.map(Validator::LastModified))
            });
        let resume = match (&validator, have) {
            (Some(v), n) if n > 0 => Some((n, v)),
            _ => None,
        };
        let response = http.get(url, resume, log).map_err(SourceFailure::Failed);
        let response = match response {
            // Asked from the end of a complete copy: the cached file is the file.
            Err(SourceFailure::Failed(why)) if resume.is_some() && why == "HTTP 416" => {
                log(format!(
                    "the cached copy ({have} bytes) is complete and unchanged"
                ));
                let file = File::open(&download.part).map_err(failed)?;
                return Ok(Opened {
                    reader: Box::new(file),
                    size: Some(have),
                    local: None,
                    download: Some(download),
                    resumed_from: have,
                });
            }
            other => other?,
        };
        let total = response.total.or(response.length);
        let ceiling = expected.unwrap_or(self.settings.max_unknown_size);
        if let Some(total) = total
            && total > ceiling
        {
            return Err(SourceFailure::Failed(format!(
                "announces {total} bytes, more than the {ceiling} expected: refused"
            )));
        }
        let resumed =
            response.status == 206 && resume.is_some() && response.range_start == Some(have);
        let sink = if resumed {
            log(format!("resuming after {have} bytes"));
            OpenOptions::new()
                .append(true)
                .open(&download.part)
                .map_err(failed)?
        } else {
            if resume.is_some() {
                log(
                    "the server sent the whole file (it changed, or ignores ranges): starting over"
                        .to_string(),
                );
            }
            // Without a validator a resume could splice two versions: keep no meta then.
            let _ = std::fs::remove_file(&download.meta);
            if let Some(validator) = &response.validator {
                let meta = Meta {
                    url: shown.clone(),
                    etag: match validator {
                        Validator::ETag(t) => Some(t.clone()),
                        Validator::LastModified(_) => None,
                    },
                    last_modified: match validator {
                        Validator::LastModified(d) => Some(d.clone()),
                        Validator::ETag(_) => None,
                    },
                };
                let json = serde_json::to_vec(&meta).unwrap_or_default();
                std::fs::write(&download.meta, json).map_err(failed)?;
            }
            File::create(&download.part).map_err(failed)?
        };
        // The pass writes the cache file on a thread of its own (`sink`,
        // after the cached prefix); this thread only receives.
        let (reader, resumed_from): (Box<dyn Read + Send>, u64) = if resumed {
            let prefix = File::open(&download.part).map_err(failed)?.take(have);
            (Box::new(prefix.chain(response.body)), have)
        } else {
            (response.body, 0)
        };
        let download = Download {
            sink: Some(sink),
            ..download
        };
        Ok(Opened {
            reader,
            size: total,
            local: None,
            download: Some(download),
            resumed_from,
        })
    }

    /// Reads a small file (evidence) whole, refusing more than `limit` bytes.
    pub fn read_small(
        &self,
        source: &Source,
        relative: &str,
        limit: u64,
        log: &mut dyn FnMut(String),
    ) -> Result<Vec<u8>, SourceFailure> {
        let too_large = || {
            SourceFailure::TooLarge(format!(
                "larger than {} MiB, which no such file needs; refused",
                limit >> 20
            ))
        };
        let (reader, size): (Box<dyn Read>, Option<u64>) = match &source.location {
            Location::Folder(dir) => {
                let opened = open_local(&dir.join(relative))?;
                (opened.reader, opened.size)
            }
            Location::Http(_) if self.settings.offline => return Err(refused()),
            Location::Http(base) => {
                let response = self
                    .http()?
                    .get(&Self::url(base, relative)?, None, log)
                    .map_err(SourceFailure::Failed)?;
                (response.body, response.length)
            }
        };
        if size.is_some_and(|s| s > limit) {
            return Err(too_large());
        }
        limits::read_bounded(reader, limit).map_err(|e| match e {
            BoundedError::TooLarge => too_large(),
            BoundedError::Io(e) => {
                SourceFailure::Failed(format!("{relative}: {}", describe_io(&e)))
            }
        })
    }
}

/// How many bytes of a local file may be read: what it held when opened
/// (so a file that grows while read is cut off), and the feed's size when
/// that is more (the size check then says the file is short). A file larger
/// than the ceiling (or the feed's size, when that is larger) is refused
/// unread.
pub fn local_limit(feed_size: Option<u64>, at_open: u64, ceiling: u64) -> Result<u64, String> {
    let allowed = feed_size.map_or(ceiling, |s| s.max(ceiling));
    if at_open > allowed {
        return Err(format!(
            "the file holds {at_open} bytes, more than the {allowed} any artifact may: refused unread"
        ));
    }
    Ok(feed_size.map_or(at_open, |s| s.max(at_open)))
}

fn refused() -> SourceFailure {
    SourceFailure::Refused("refused: --offline allows local sources only".to_string())
}

/// Opens a folder source's file: a regular file only (see
/// [`limits::open_regular`]); a FIFO, a device or a socket is refused
/// without being opened for reading.
fn open_local(path: &Path) -> Result<Opened, SourceFailure> {
    let (file, size) = limits::open_regular(path).map_err(|e| {
        let why = match e {
            // Local media often carry only some releases: say so plainly.
            limits::OpenError::Io(e) if e.kind() == io::ErrorKind::NotFound => {
                return SourceFailure::Failed(format!(
                    "not on this source (no file at {})",
                    path.display()
                ));
            }
            limits::OpenError::Io(e) => describe_io(&e),
            limits::OpenError::NotRegular(why) => why,
        };
        SourceFailure::Failed(format!("{}: {why}", path.display()))
    })?;
    Ok(Opened {
        reader: Box::new(file),
        size: Some(size),
        local: Some(path.to_path_buf()),
        download: None,
        resumed_from: 0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_reads_stop_at_what_the_file_held_or_the_feed_says() {
        // Larger than the feed says: read whole, for the size check to judge.
        assert_eq!(local_limit(Some(10), 50, 1000), Ok(50));
        // Shorter: up to the feed's size, no further.
        assert_eq!(local_limit(Some(10), 5, 1000), Ok(10));
        // No size given: what it held when opened.
        assert_eq!(local_limit(None, 700, 1000), Ok(700));
        assert!(local_limit(None, 1001, 1000).is_err());
        assert!(local_limit(Some(2000), 2001, 1000).is_err());
    }
}
