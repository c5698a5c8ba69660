//! Step 4, Inspect: every entry of a tar, tar.gz or zip archive, read as a
//! stream in the same pass that hashes the artifact, with nothing extracted
//! and nothing held whole in memory. Each entry is hashed, recorded for the
//! manifest and checked for safety as it goes by.
//!
//! The headers are parsed here ([`tar`], [`zip`]) rather than by the `tar`
//! and `zip` crates: a hostile archive must never make the reader allocate
//! what a size field claims, duplicates must be seen rather than merged, and
//! a corrupt archive must be reported with the entry and offset. Inflating
//! stays with flate2.

pub mod contents;
pub mod diff;
pub mod hasher;
pub mod inflate;
pub mod meter;
pub mod notes;
pub mod plan;
pub mod safety;
pub mod tar;
pub mod zip;

use std::io::{self, BufRead, Read};

use crate::engine::shared::check::{Finding, Status};

pub use meter::Limits;

/// What the bytes of an artifact are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArchiveKind {
    Tar,
    TarGz,
    Zip,
    /// Not an archive: checksum and signature checks only.
    Single,
}

impl ArchiveKind {
    pub fn describe(self) -> &'static str {
        match self {
            ArchiveKind::Tar => "a tar archive",
            ArchiveKind::TarGz => "a gzip-compressed tar archive",
            ArchiveKind::Zip => "a zip archive",
            ArchiveKind::Single => "a single file (not an archive)",
        }
    }

    /// The kind a file name promises.
    pub fn from_name(name: &str) -> ArchiveKind {
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".tar.gz") || lower.ends_with(".tgz") {
            ArchiveKind::TarGz
        } else if lower.ends_with(".tar") {
            ArchiveKind::Tar
        } else if lower.ends_with(".zip") {
            ArchiveKind::Zip
        } else {
            ArchiveKind::Single
        }
    }

    /// The kind the first bytes show (`head` should be at least 512 bytes
    /// when the file has them).
    pub fn sniff(head: &[u8]) -> ArchiveKind {
        if head.starts_with(&[0x1f, 0x8b]) {
            ArchiveKind::TarGz
        } else if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
            ArchiveKind::Zip
        } else if tar::looks_like_header(head) {
            ArchiveKind::Tar
        } else {
            ArchiveKind::Single
        }
    }
}

/// What an archive entry is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryKind {
    File,
    Dir,
    Symlink(Vec<u8>),
    Hardlink(Vec<u8>),
    CharDevice,
    BlockDevice,
    Fifo,
    Socket,
    /// An entry type the reader does not know (the raw type code).
    Other(String),
}

impl EntryKind {
    /// The word in the manifest's type column.
    pub fn word(&self) -> &'static str {
        match self {
            EntryKind::File => "file",
            EntryKind::Dir => "dir",
            EntryKind::Symlink(_) => "symlink",
            EntryKind::Hardlink(_) => "hardlink",
            EntryKind::CharDevice => "chardev",
            EntryKind::BlockDevice => "blockdev",
            EntryKind::Fifo => "fifo",
            EntryKind::Socket => "socket",
            EntryKind::Other(_) => "other",
        }
    }
}

/// One entry as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The name exactly as the archive gives it.
    pub path: Vec<u8>,
    pub kind: EntryKind,
    /// Permission bits including setuid/setgid/sticky (`0o7777`).
    pub mode: u32,
    /// Content size (0 for non-files).
    pub size: u64,
    /// SHA-256 of the content (files) or of the link target (links);
    /// `None` when it could not be read.
    pub sha256: Option<[u8; 32]>,
}

/// Everything the inspection found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchiveReport {
    pub kind: ArchiveKind,
    pub entries: Vec<Entry>,
    /// Safety findings, each naming its entry.
    pub findings: Vec<Finding>,
    /// Bytes of content after decompression.
    pub expanded: u64,
    /// Why the walk stopped before the end, if it did.
    pub stopped: Option<String>,
    /// A zip seen in a stream: it is walked from the downloaded file
    /// afterwards (its directory is at the end).
    pub deferred: bool,
}

impl ArchiveReport {
    pub fn new(kind: ArchiveKind) -> Self {
        ArchiveReport {
            kind,
            entries: Vec::new(),
            findings: Vec::new(),
            expanded: 0,
            stopped: None,
            deferred: false,
        }
    }

    /// Records why the walk could not go on (a corrupt or hostile archive).
    pub fn stop(&mut self, subject: impl Into<String>, why: impl Into<String>) {
        let why = why.into();
        self.findings
            .push(Finding::new(Status::Fail, subject, why.clone()));
        self.stopped.get_or_insert(why);
    }
}

/// Inspects a tar or tar.gz stream (zip needs its central directory first:
/// see [`zip::inspect`]). `archive_size` is the artifact's size when known,
/// for the whole-archive compression ratio.
pub fn inspect_stream(
    mut reader: impl BufRead,
    name_kind: ArchiveKind,
    archive_size: Option<u64>,
    limits: &Limits,
) -> ArchiveReport {
    // The first block tells the kind; it is read, then put back in front.
    let mut head = Vec::with_capacity(512);
    while head.len() < 512 {
        let available = match reader.fill_buf() {
            Ok(b) => b,
            Err(e) => {
                let mut report = ArchiveReport::new(name_kind);
                report.stop("(archive)", format!("could not be read: {e}"));
                return report;
            }
        };
        if available.is_empty() {
            break;
        }
        let n = available.len().min(512 - head.len());
        head.extend_from_slice(&available[..n]);
        reader.consume(n);
    }
    let buffered = meter::Counted::new(io::Cursor::new(head.clone()).chain(reader));
    let kind = ArchiveKind::sniff(&head);
    let mut report = match kind {
        ArchiveKind::TarGz => {
            let walked = inflate::gunzip_alongside(buffered, |inflated| {
                let compressed = inflated.counter();
                let metered =
                    meter::Metered::new(inflated, compressed, archive_size, limits.clone());
                tar::inspect(metered, kind, limits)
            });
            walked.unwrap_or_else(|| {
                let mut report = ArchiveReport::new(kind);
                report.stop("(archive)", "the archive walk stopped unexpectedly");
                report
            })
        }
        ArchiveKind::Tar => {
            let compressed = buffered.counter();
            let metered = meter::Metered::new(buffered, compressed, archive_size, limits.clone());
            tar::inspect(metered, kind, limits)
        }
        ArchiveKind::Zip => ArchiveReport {
            deferred: true,
            ..ArchiveReport::new(kind)
        },
        ArchiveKind::Single => ArchiveReport::new(kind),
    };
    name_mismatch(&mut report, name_kind, kind);
    report
}

/// A name that promises one kind over bytes of another is a finding.
pub fn name_mismatch(report: &mut ArchiveReport, name_kind: ArchiveKind, kind: ArchiveKind) {
    if name_kind == kind {
        return;
    }
    let status = if name_kind == ArchiveKind::Single {
        Status::Warn
    } else {
        Status::Fail
    };
    report.findings.push(Finding::new(
        status,
        "(artifact name)",
        format!(
            "the file name says {}, but the bytes are {}",
            name_kind.describe(),
            kind.describe()
        ),
    ));
}

/// Reads and hashes an entry's content, counting its bytes.
pub(crate) fn hash_content(reader: &mut dyn Read) -> io::Result<([u8; 32], u64)> {
    use sha2::Digest;
    let mut hasher = sha2::Sha256::new();
    let mut buf = [0u8; 64 * 1024];
    let mut total = 0u64;
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        hasher.update(&buf[..n]);
        total += n as u64;
    }
    Ok((hasher.finalize().into(), total))
}
