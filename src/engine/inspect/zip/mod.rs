//! Zip inspection, reading the archive from both ends and accounting for
//! every byte. The end records ([`end`]) and the central directory
//! ([`directory`]) are read first, with seeks, from the local file
//! ([`CentralDirectory::read`]); every record is kept, duplicates included.
//! Then the entries are walked as a stream in offset order ([`inspect`]),
//! in the same read pass that hashes the artifact: each local header is
//! compared with its directory record ([`local`]), the content is inflated
//! (stored and deflate only) and hashed, its CRC and size checked, and
//! bytes that belong to no entry, or to two, are named with their offsets.
//!
//! Wherever Info-ZIP unzip, Python's zipfile or another common reader could
//! read the bytes as a different archive, the review fails rather than
//! choosing one reading.

mod bytes;
mod comment;
pub mod directory;
pub mod end;
mod extra;
mod local;

use std::collections::HashMap;
use std::io::{BufReader, Read};

use crate::engine::shared::check::{Finding, Status};

use super::hasher::{self, EntryHasher, Hashed};
use super::kind::{Input, Kind};
use super::meter::{Counted, Limits};
use super::report::{ArchiveReport, Entry};
use super::safety::{Safety, shown};

pub use directory::{CdEntry, CentralDirectory};
use local::{EntryWalk, skip};

/// A zip archive: its directory is at the end, so it is walked from the
/// stream only when the file is on this machine to read the end first.
pub struct Zip;

pub static ZIP: Zip = Zip;

impl Kind for Zip {
    fn name(&self) -> &'static str {
        "zip"
    }

    fn describe(&self) -> &'static str {
        "a zip archive"
    }

    fn suffixes(&self) -> &'static [&'static str] {
        &[".zip"]
    }

    fn recognises(&self, head: &[u8]) -> bool {
        head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06")
    }

    fn walk(&self, input: Input<'_>) -> Option<ArchiveReport> {
        let path = input.file?;
        let directory = std::fs::File::open(path)
            .map_err(|e| e.to_string())
            .and_then(|mut file| {
                let len = match input.size {
                    Some(len) => len,
                    None => file.metadata().map_err(|e| e.to_string())?.len(),
                };
                Ok((CentralDirectory::read(&mut file, len, input.limits)?, len))
            });
        Some(match directory {
            Ok((cd, len)) => inspect(input.bytes, &cd, len, input.limits),
            Err(why) => {
                let mut report = ArchiveReport::new(self.name());
                report.stop("(central directory)", why);
                report
            }
        })
    }
}

/// Walks the entries of a zip stream (from its first byte) against its
/// central directory.
pub fn inspect(
    stream: impl Read,
    cd: &CentralDirectory,
    archive_size: u64,
    limits: &Limits,
) -> ArchiveReport {
    std::thread::scope(|scope| {
        let (mut hasher, worker) = hasher::start(scope, true);
        let (mut report, to_confirm) = walk(stream, cd, archive_size, limits, &mut hasher);
        hasher.finish();
        let digests: HashMap<usize, Hashed> =
            worker.join().unwrap_or_default().into_iter().collect();
        for c in to_confirm {
            let (Some(hashed), Some(entry)) =
                (digests.get(&c.index), report.entries.get_mut(c.index))
            else {
                continue;
            };
            entry.sha256 = Some(hashed.sha256);
            if hashed.size != c.size || hashed.crc32 != c.crc {
                report.findings.push(Finding::new(
                    Status::Fail,
                    c.subject,
                    format!(
                        "its content ({} bytes, CRC {:08x}) does not match the central directory ({} bytes, CRC {:08x})",
                        hashed.size, hashed.crc32, c.size, c.crc
                    ),
                ));
            }
        }
        report
    })
}

/// An entry whose content was read whole: its digest and CRC come back
/// from the hashing worker and are checked against the directory then.
struct ToConfirm {
    index: usize,
    subject: String,
    size: u64,
    crc: u32,
}

fn walk(
    stream: impl Read,
    cd: &CentralDirectory,
    archive_size: u64,
    limits: &Limits,
    hasher: &mut EntryHasher,
) -> (ArchiveReport, Vec<ToConfirm>) {
    let mut walk = Walk {
        stream: Counted::new(BufReader::with_capacity(256 * 1024, stream)),
        cd,
        archive_size,
        limits,
        hasher,
        safety: Safety::for_limits(limits),
        report: ArchiveReport::new(ZIP.name()),
        to_confirm: Vec::new(),
    };
    walk.report.findings.extend(cd.findings.iter().cloned());
    let mut order: Vec<&CdEntry> = cd.entries.iter().collect();
    order.sort_by_key(|e| (e.offset, e.index));
    let mut previous: Option<&CdEntry> = None;
    for e in order {
        if let Err(why) = walk.entry(e, previous) {
            let subject = shown(&e.name);
            walk.report
                .stop(format!("entry {} ({subject})", e.index), why);
            break;
        }
        previous = Some(e);
    }
    walk.finish()
}

/// A zip stream walked in the order of its entries' offsets.
struct Walk<'a, R> {
    stream: Counted<BufReader<R>>,
    cd: &'a CentralDirectory,
    archive_size: u64,
    limits: &'a Limits,
    hasher: &'a mut EntryHasher,
    safety: Safety,
    report: ArchiveReport,
    to_confirm: Vec<ToConfirm>,
}

impl<R: Read> Walk<'_, R> {
    /// Reads entry `e` (the one after `previous`) from where the stream
    /// is, and records it with its findings. `Err`: the walk cannot go on.
    fn entry(&mut self, e: &CdEntry, previous: Option<&CdEntry>) -> Result<(), String> {
        let subject = shown(&e.name);
        let (kind, mode) = e.kind_and_mode();
        let mut entry = Entry {
            path: e.name.clone(),
            kind,
            mode,
            size: e.size,
            sha256: None,
        };
        let index = self.report.entries.len();
        let mut findings: Vec<Finding> = e
            .problems
            .iter()
            .map(|p| Finding::new(Status::Fail, subject.clone(), p.clone()))
            .collect();
        let result = self.read_placed(e, previous, &mut entry, &mut findings, index);
        if result.is_ok() {
            findings.extend(into_directory(
                e,
                self.stream.counter().get(),
                self.cd.start,
            ));
        }
        if matches!(result, Ok(true)) {
            self.to_confirm.push(ToConfirm {
                index,
                subject,
                size: e.size,
                crc: e.crc,
            });
        }
        findings.splice(0..0, self.safety.judge(&entry));
        self.report.findings.extend(findings);
        self.report.entries.push(entry);
        result.and_then(|_| self.safety.exhausted().map_or(Ok(()), Err))
    }

    /// Reads the entry's local header and content, if it lies where the
    /// one pass can read it; a gap before it is a finding. `Ok(true)` when
    /// the content was read whole (its digest is coming).
    fn read_placed(
        &mut self,
        e: &CdEntry,
        previous: Option<&CdEntry>,
        entry: &mut Entry,
        findings: &mut Vec<Finding>,
        index: usize,
    ) -> Result<bool, String> {
        let pos = self.stream.counter().get();
        match placement(e, pos, previous, self.cd.start) {
            Placement::Unreadable(why) => {
                findings.push(Finding::new(Status::Fail, shown(&e.name), why));
                Ok(false)
            }
            Placement::After(gap) => {
                findings.extend(gap.map(|why| Finding::new(Status::Fail, shown(&e.name), why)));
                let mut walk = EntryWalk {
                    e,
                    entry,
                    findings,
                    expanded: &mut self.report.expanded,
                    hasher: &mut *self.hasher,
                    index,
                    archive_size: self.archive_size,
                    limits: self.limits,
                };
                skip(&mut self.stream, e.offset - pos).and_then(|()| walk.run(&mut self.stream))
            }
        }
    }

    /// After the last entry: bytes between it and the directory that no
    /// entry covers, and the safety checks over the whole archive.
    fn finish(mut self) -> (ArchiveReport, Vec<ToConfirm>) {
        let covered_to = self.stream.counter().get();
        if self.report.stopped.is_none() && covered_to < self.cd.start {
            self.report.findings.push(Finding::new(
                Status::Fail,
                directory::SUBJECT,
                format!(
                    "bytes {covered_to}..{} between the last entry and the central directory belong to no entry (hidden data)",
                    self.cd.start
                ),
            ));
        }
        let whole = self.safety.finish(&self.report.entries);
        self.report.findings.extend(whole);
        (self.report, self.to_confirm)
    }
}

/// An entry whose data runs on into the central directory (read up to `end`).
fn into_directory(e: &CdEntry, end: u64, cd_start: u64) -> Option<Finding> {
    (end > cd_start && e.offset < cd_start).then(|| {
        Finding::new(
            Status::Fail,
            shown(&e.name),
            format!(
                "its data (from offset {}) runs {} bytes into the central directory at offset {cd_start}: those bytes are read both as content and as the directory",
                e.offset,
                end - cd_start
            ),
        )
    })
}

/// Where an entry's local header is, against what the walk has read.
enum Placement {
    /// It cannot be read in the one pass (it overlaps what came before,
    /// or lies inside the directory): why.
    Unreadable(String),
    /// It comes after what was read, maybe after a gap (why that fails).
    After(Option<String>),
}

/// Judges where an entry's local header is, once the stream has been read
/// up to `pos`: every byte before it must belong to an earlier entry.
fn placement(e: &CdEntry, pos: u64, previous: Option<&CdEntry>, cd_start: u64) -> Placement {
    if e.offset < pos {
        let other = previous.map(|p| shown(&p.name)).unwrap_or_default();
        return Placement::Unreadable(format!(
            "its data overlaps {other}: its local header (offset {}) lies inside that entry, which runs to offset {pos} (overlapping entries: the zip-bomb construction)",
            e.offset
        ));
    }
    if e.offset >= cd_start {
        return Placement::Unreadable(format!(
            "its local header offset {} is not before the central directory (offset {cd_start})",
            e.offset
        ));
    }
    if e.offset == pos {
        return Placement::After(None);
    }
    Placement::After(Some(if pos == 0 {
        format!(
            "the archive starts with {} bytes before its first local header (offset {}) that belong to no entry: a self-extractor stub or another archive, which other tools read instead",
            e.offset, e.offset
        )
    } else {
        format!(
            "bytes {pos}..{} before its local header belong to no entry (hidden data)",
            e.offset
        )
    }))
}
