//! Opening a source's files. Folder sources are read in place; `--offline`
//! refuses every non-local source before any connection is attempted.
//! Network access, when it exists, lives behind [`Fetcher::open`] only, so
//! "no hidden network call" stays one place to read.

use std::fs::File;
use std::io::Read;

use crate::engine::error::describe_io;
use crate::engine::limits::{self, BoundedError};
use crate::engine::source::{Location, Source};

/// A file opened for reading from a source.
pub struct Opened {
    pub reader: Box<dyn Read + Send>,
    /// The size the source announces, when it does.
    pub size: Option<u64>,
    /// The file itself, for folder sources (read in place).
    pub local: Option<std::path::PathBuf>,
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

/// Opens files of sources under the review's settings.
#[derive(Debug, Clone, Default)]
pub struct Fetcher {
    pub offline: bool,
}

impl Fetcher {
    pub fn new(offline: bool) -> Self {
        Fetcher { offline }
    }

    /// Opens `relative` from `source` for streaming.
    pub fn open(&self, source: &Source, relative: &str) -> Result<Opened, SourceFailure> {
        match &source.location {
            Location::Folder(dir) => {
                let path = dir.join(relative);
                let file = File::open(&path).map_err(|e| {
                    SourceFailure::Failed(format!("{}: {}", path.display(), describe_io(&e)))
                })?;
                let meta = file.metadata().map_err(|e| {
                    SourceFailure::Failed(format!("{}: {}", path.display(), describe_io(&e)))
                })?;
                if meta.is_dir() {
                    return Err(SourceFailure::Failed(format!(
                        "{}: is a folder, not a file",
                        path.display()
                    )));
                }
                Ok(Opened {
                    reader: Box::new(file),
                    size: Some(meta.len()),
                    local: Some(path),
                })
            }
            Location::Http(_) if self.offline => Err(SourceFailure::Refused(
                "refused: --offline allows local sources only".to_string(),
            )),
            Location::Http(_) => Err(SourceFailure::Failed(
                "HTTP sources are not supported by this build; use a folder or file:// source"
                    .to_string(),
            )),
        }
    }

    /// Reads a small file (evidence) whole, refusing more than `limit` bytes.
    pub fn read_small(
        &self,
        source: &Source,
        relative: &str,
        limit: u64,
    ) -> Result<Vec<u8>, SourceFailure> {
        let opened = self.open(source, relative)?;
        let too_large = || {
            SourceFailure::TooLarge(format!(
                "larger than {} MiB, which no such file needs; refused",
                limit >> 20
            ))
        };
        if opened.size.is_some_and(|s| s > limit) {
            return Err(too_large());
        }
        limits::read_bounded(opened.reader, limit).map_err(|e| match e {
            BoundedError::TooLarge => too_large(),
            BoundedError::Io(e) => {
                SourceFailure::Failed(format!("{relative}: {}", describe_io(&e)))
            }
        })
    }
}
