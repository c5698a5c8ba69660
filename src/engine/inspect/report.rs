//! What inspection finds, whatever the kind: every entry (name, type,
//! mode, size, digest), the findings that name their entry, and how many
//! bytes expanded. Each kind's walker fills one [`ArchiveReport`]; the
//! contents, safety and manifest machinery read only this.

use std::io::{self, Read};

use crate::engine::shared::check::{Finding, Status};

use super::package::Package;
use crate::engine::verify::authenticode::SignedFile;

/// The kind of bytes that are no archive: checksum and signature checks
/// only, the artifact itself the manifest's one line.
pub const NOT_AN_ARCHIVE: &str = "file";

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
    /// The kind's name ([`crate::engine::inspect::kind::Kind::name`]),
    /// or [`NOT_AN_ARCHIVE`].
    pub kind: &'static str,
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
    /// What a package says of itself (package kinds only).
    pub package: Option<Box<Package>>,
    /// The digests and signatures of a file that carries Authenticode
    /// signatures (a Windows PE image).
    pub authenticode: Option<Box<SignedFile>>,
    /// A container image's digest chain and signatures.
    pub image: Option<Box<super::oci::Image>>,
}

impl ArchiveReport {
    pub fn new(kind: &'static str) -> Self {
        ArchiveReport {
            kind,
            entries: Vec::new(),
            findings: Vec::new(),
            expanded: 0,
            stopped: None,
            deferred: false,
            package: None,
            authenticode: None,
            image: None,
        }
    }

    /// Whether the bytes were walked as an archive of some kind.
    pub fn is_archive(&self) -> bool {
        self.kind != NOT_AN_ARCHIVE && self.kind != super::pe::NAME
    }

    /// Records why the walk could not go on (a corrupt or hostile archive).
    pub fn stop(&mut self, subject: impl Into<String>, why: impl Into<String>) {
        let why = why.into();
        self.findings
            .push(Finding::new(Status::Fail, subject, why.clone()));
        self.stopped.get_or_insert(why);
    }
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
