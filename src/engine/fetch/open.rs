//! Opening a source's files. Folder sources are read in place. HTTP(S)
//! sources go through [`crate::engine::fetch::http`] into a cache folder
//! ([`crate::engine::fetch::download`]) while the read pass hashes them.
//! `--offline` refuses every non-local source before any connection is
//! attempted.

use std::cell::OnceCell;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use url::Url;

use crate::engine::fetch::download::{Download, download};
use crate::engine::fetch::http::{Http, HttpSettings};
use crate::engine::fetch::layout_folder::{FolderTar, is_layout};
use crate::engine::select::source::{Location, Source};
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
            Location::Http(base) => {
                let url = Self::url(base, relative)?;
                let ceiling = expected.unwrap_or(self.settings.max_unknown_size);
                let cache = &self.settings.cache_dir;
                let d = download(self.http()?, cache, &url, ceiling, log)
                    .map_err(SourceFailure::Failed)?;
                Ok(Opened {
                    reader: d.reader,
                    size: d.size,
                    local: None,
                    download: Some(d.download),
                    resumed_from: d.resumed_from,
                })
            }
        }
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
    // Only a folder that is an image layout (it holds `oci-layout`) is
    // an artifact; any other folder is refused as before.
    if is_layout(path) {
        return open_layout_folder(path);
    }
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

/// A folder artifact (an OCI image layout) is read as the tar of it, made
/// on the fly (see [`FolderTar`]): one walker for the folder and the tar
/// forms, and the staged store copy is that tar.
fn open_layout_folder(path: &Path) -> Result<Opened, SourceFailure> {
    let (tar, size) = FolderTar::open(path)
        .map_err(|why| SourceFailure::Failed(format!("{}: {why}", path.display())))?;
    Ok(Opened {
        reader: Box::new(tar),
        size: Some(size),
        local: None,
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
