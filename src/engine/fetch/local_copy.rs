//! The verified bytes on this machine after a read: a folder source's own
//! file (never intake's to touch), a download in intake's cache, or a copy
//! written in the store's staging folder during the read pass, which
//! removes itself unless it was moved into the store.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

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
