//! A tar reader for inspection: ustar, GNU (long names and links) and PAX
//! (`path`, `linkpath`, `size`) headers, checksums verified, every entry
//! type reported (unknown ones too), content hashed as it streams past.
//! Header fields are read as strictly as GNU tar, bsdtar and Python's
//! tarfile agree on them ([`field`]), and extension headers that would let
//! those tools name or size an entry differently are refused
//! ([`extension`]). Names, long names and PAX headers are read only up to
//! their limits, so a size field can never make it allocate; a corrupt or
//! truncated archive is reported with the entry and offset where it went
//! wrong.

mod extension;
mod field;
mod walk;

use std::io::{self, Read};

use crate::engine::shared::check::{Finding, Status};

use super::hasher::{self, EntryHasher};
use super::kind::{Input, Kind};
use super::meter::Counted;
use super::meter::{Bomb, Limits, Metered, Refused};
use super::report::ArchiveReport;
use super::safety::{Safety, shown};

use extension::Pending;
use field::BLOCK;

/// Whether a 512-byte block is a tar header (magic or a valid checksum).
pub fn looks_like_header(block: &[u8]) -> bool {
    let Some(block) = block
        .get(..BLOCK)
        .and_then(|b| <&[u8; BLOCK]>::try_from(b).ok())
    else {
        return false;
    };
    if block.iter().all(|b| *b == 0) {
        return false;
    }
    &block[257..262] == b"ustar" || field::checksum(block).is_ok()
}

/// A tar archive, uncompressed.
pub struct Tar;

pub static TAR: Tar = Tar;

impl Kind for Tar {
    fn name(&self) -> &'static str {
        "tar"
    }

    fn describe(&self) -> &'static str {
        "a tar archive"
    }

    fn suffixes(&self) -> &'static [&'static str] {
        &[".tar"]
    }

    fn recognises(&self, head: &[u8]) -> bool {
        looks_like_header(head)
    }

    fn walk(&self, input: Input<'_>) -> Option<ArchiveReport> {
        let counted = Counted::new(input.bytes);
        let compressed = counted.counter();
        let metered = Metered::new(counted, compressed, input.size, input.limits.clone());
        Some(inspect(metered, self.name(), input.limits))
    }
}

/// Why the walk stops.
enum Stop {
    /// A finding with the entry and offset.
    At(String),
    Bomb(Bomb),
    /// A decoder's deliberate refusal, said as it is under its own subject.
    Refused(Refused),
}

struct Walker<R: Read> {
    stream: Metered<R>,
    limits: Limits,
    report: ArchiveReport,
    safety: Safety,
    /// Index (1-based) and name of the entry being read.
    index: usize,
    current: Option<Vec<u8>>,
    /// What the extension headers read so far give the next entry.
    pending: Pending,
    /// Hashes file content on another thread.
    hasher: EntryHasher,
    extras: Extras,
    kept: Kept,
}

/// What a walk keeps beyond the report, for a kind that reads a tar
/// inside its own container (a Debian package's members).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Extras {
    /// Compute each regular file's MD5 (a package's `md5sums` names them).
    pub md5: bool,
    /// Keep the content of regular files, up to this many bytes in all
    /// (0: none). The stream's expanded-size limit bounds it too.
    pub keep_up_to: u64,
    /// Judge the entries as a root filesystem (see
    /// [`Safety::root_filesystem`]).
    pub root_filesystem: bool,
}

/// What [`Extras`] asked for, by entry index.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Kept {
    /// Each entry's MD5, when asked for (`None` for non-files).
    pub md5: Vec<Option<[u8; 16]>>,
    /// The content of regular files kept, in entry order.
    pub files: Vec<(usize, Vec<u8>)>,
    /// Files whose content was not kept: over the budget.
    pub not_kept: Vec<usize>,
    /// Bytes kept in all.
    pub bytes: u64,
}

/// Reads a tar stream to its end (or to the first reason to stop).
pub fn inspect<R: Read>(stream: Metered<R>, kind: &'static str, limits: &Limits) -> ArchiveReport {
    inspect_with(stream, kind, limits, Extras::default()).0
}

/// As [`inspect`], keeping what `extras` asks for.
pub fn inspect_with<R: Read>(
    stream: Metered<R>,
    kind: &'static str,
    limits: &Limits,
    extras: Extras,
) -> (ArchiveReport, Kept) {
    std::thread::scope(|scope| {
        let also = hasher::Also {
            crc32: false,
            md5: extras.md5,
        };
        let (hasher, worker) = hasher::start_with(scope, also);
        let mut w = Walker {
            stream,
            limits: limits.clone(),
            report: ArchiveReport::new(kind),
            safety: if extras.root_filesystem {
                Safety::for_limits(limits).root_filesystem()
            } else {
                Safety::for_limits(limits)
            },
            index: 0,
            current: None,
            pending: Pending::default(),
            hasher,
            extras,
            kept: Kept::default(),
        };
        let walked = w.walk();
        let subject = match &w.current {
            Some(path) => format!("entry {} ({})", w.index, shown(path)),
            None => format!("entry {} (its header)", w.index + 1),
        };
        // Problems of extension headers no entry took (the walk stopped first).
        for why in std::mem::take(&mut w.pending.problems) {
            w.report
                .findings
                .push(Finding::new(Status::Fail, subject.clone(), why));
        }
        match walked {
            Ok(()) => {}
            Err(Stop::At(why)) => w.report.stop(subject, why),
            Err(Stop::Bomb(bomb)) => w.report.stop(subject, bomb.to_string()),
            Err(Stop::Refused(refused)) => w.report.stop(refused.subject(), refused.to_string()),
        }
        w.report.expanded = w.stream.expanded();
        let whole = w.safety.finish(&w.report.entries);
        w.report.findings.extend(whole);
        let Walker {
            mut report,
            hasher,
            mut kept,
            ..
        } = w;
        hasher.finish();
        if extras.md5 {
            kept.md5 = vec![None; report.entries.len()];
        }
        for (index, hashed) in worker.join().unwrap_or_default() {
            if let Some(entry) = report.entries.get_mut(index) {
                entry.sha256 = Some(hashed.sha256);
            }
            if let Some(md5) = kept.md5.get_mut(index) {
                *md5 = hashed.md5;
            }
        }
        (report, kept)
    })
}

impl<R: Read> Walker<R> {
    /// Maps a read error to a stop, telling bombs and a decoder's
    /// refusals from corruption.
    fn failed(&self, e: io::Error, doing: &str) -> Stop {
        if let Some(bomb) = e.get_ref().and_then(|inner| inner.downcast_ref::<Bomb>()) {
            return Stop::Bomb(bomb.clone());
        }
        if let Some(refused) = e
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<Refused>())
        {
            return Stop::Refused(refused.clone());
        }
        let at = self.stream.expanded();
        let compressed = self.stream.consumed();
        let kind = if e.kind() == io::ErrorKind::UnexpectedEof {
            "truncated".to_string()
        } else {
            format!("corrupt ({e})")
        };
        Stop::At(format!(
            "{kind} while reading {doing}, at byte {at} of the tar stream (byte {compressed} of the artifact)"
        ))
    }

    /// Fills `buf` completely; `Ok(false)` at a clean end of input.
    fn fill(&mut self, buf: &mut [u8], doing: &str) -> Result<bool, Stop> {
        let mut got = 0;
        while got < buf.len() {
            match self.stream.read(&mut buf[got..]) {
                Ok(0) if got == 0 => return Ok(false),
                Ok(0) => return Err(self.failed(io::ErrorKind::UnexpectedEof.into(), doing)),
                Ok(n) => got += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(self.failed(e, doing)),
            }
        }
        Ok(true)
    }

    /// Reads `len` bytes of an extension body, refusing more than `max`.
    fn body(&mut self, len: u64, max: u64, what: &str) -> Result<Vec<u8>, Stop> {
        if len > max {
            return Err(Stop::At(format!(
                "a {what} of {len} bytes (over the {max}-byte limit)"
            )));
        }
        let mut data = vec![0u8; len as usize];
        if !self.fill(&mut data, what)? {
            return Err(self.failed(io::ErrorKind::UnexpectedEof.into(), what));
        }
        self.skip_padding(len)?;
        Ok(data)
    }

    fn skip_padding(&mut self, len: u64) -> Result<(), Stop> {
        let pad = (BLOCK as u64 - len % BLOCK as u64) % BLOCK as u64;
        let mut buf = [0u8; BLOCK];
        if pad > 0 && !self.fill(&mut buf[..pad as usize], "padding")? {
            return Err(self.failed(io::ErrorKind::UnexpectedEof.into(), "padding"));
        }
        Ok(())
    }

    /// Passes an entry's content to the hashing worker (keeping it, when
    /// asked and within the budget); returns the bytes read.
    fn content(&mut self, size: u64) -> Result<u64, Stop> {
        let index = self.report.entries.len();
        self.hasher.begin(index);
        let keep = self.extras.keep_up_to > 0;
        let room = self.extras.keep_up_to.saturating_sub(self.kept.bytes);
        let mut kept = (keep && size <= room).then(Vec::new);
        if keep && kept.is_none() {
            self.kept.not_kept.push(index);
        }
        let mut got = 0u64;
        let result = loop {
            if got >= size {
                break Ok(got);
            }
            let want = (size - got).min(usize::MAX as u64) as usize;
            let read = match &mut kept {
                Some(kept) => self.hasher.read_keeping(&mut self.stream, want, kept),
                None => self.hasher.read_from(&mut self.stream, want),
            };
            match read {
                Ok(0) => break Ok(got),
                Ok(n) => got += n as u64,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => break Err(self.failed(e, "an entry's content")),
            }
        };
        self.hasher.end();
        if let Some(kept) = kept {
            self.kept.bytes += kept.len() as u64;
            self.kept.files.push((index, kept));
        }
        result
    }

    /// After the end-of-archive marker only zeros may follow.
    fn trailer(&mut self) -> Result<(), Stop> {
        let end = self.stream.expanded();
        let hidden = crate::engine::inspect::meter::nonzero_to_end(&mut self.stream)
            .map_err(|e| self.failed(e, "the end of the archive"))?;
        if hidden > 0 {
            self.report.findings.push(Finding::new(
                Status::Fail,
                "(after the archive)",
                format!("{hidden} bytes of data after the end-of-archive marker at byte {end}: content no tool would list"),
            ));
        }
        Ok(())
    }
}

pub(crate) fn sha256_of(data: &[u8]) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(data).into()
}
