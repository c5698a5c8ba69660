//! The payload's cpio archive, in the `newc` format rpm writes (`070701`,
//! 110-byte ASCII headers, names and data padded to 4 bytes), walked from
//! the decompressed stream into the shared entry machinery: each entry
//! judged by [`Safety`] as it comes, file content hashed on the hashing
//! thread, the whole archive judged at its end.
//!
//! Where tools could read the bytes differently, the walk stops with a
//! failing finding rather than guess: a header field that is not 8 hex
//! digits, a name whose length field disagrees with its terminating NUL,
//! non-zero padding, the `crc` (`070702`) variant, `newc` and stripped
//! (`07070X`) entries mixed, and any non-zero byte after `TRAILER!!!`.
//! Stripped entries are read when the header lists `LONGFILESIZES` (see
//! [`super::stripped`]), refused otherwise. Hard links come as
//! rpm writes them: every link of a file but the last with no data; they
//! are reported as links to the one that carries it.

use std::collections::HashMap;
use std::io::{self, Read};

use crate::engine::inspect::hasher::{self, EntryHasher};
use crate::engine::inspect::meter::{Bomb, Limits, Metered, Refused};
use crate::engine::inspect::report::{ArchiveReport, Entry, EntryKind};
use crate::engine::inspect::safety::{Safety, shown};
use crate::engine::inspect::tar::sha256_of;
use crate::engine::shared::check::{Finding, Status};

mod header;

use header::{Fields, NEWC, parse};

use super::stripped::{self, Stripped};

const TRAILER: &[u8] = b"TRAILER!!!";

/// What the walk gives back beside the report, by entry index.
#[derive(Debug)]
pub struct Walked {
    pub report: ArchiveReport,
    pub md5: Vec<Option<[u8; 16]>>,
}

/// Why the walk stops.
enum Stop {
    At(String),
    Bomb(Bomb),
    Refused(Refused),
}

struct Walker<R: Read> {
    stream: Metered<R>,
    limits: Limits,
    report: ArchiveReport,
    safety: Safety,
    hasher: EntryHasher,
    /// 1-based index and name of the entry being read.
    index: usize,
    current: Option<Vec<u8>>,
    /// Files with more than one link, by inode: their entry indexes.
    links: HashMap<u64, Vec<usize>>,
    /// The header's files, when the payload is of stripped entries.
    stripped: Option<Vec<Stripped>>,
}

/// Walks the cpio archive `stream` holds to its end (`md5`: compute each
/// file's MD5 beside its SHA-256; `stripped`: the header's files, when it
/// lists `LONGFILESIZES` and rpm writes stripped entries).
pub fn walk<R: Read>(
    stream: Metered<R>,
    kind: &'static str,
    limits: &Limits,
    md5: bool,
    stripped: Option<Vec<Stripped>>,
) -> Walked {
    std::thread::scope(|scope| {
        let also = hasher::Also { crc32: false, md5 };
        let (hasher, worker) = hasher::start_with(scope, also);
        let mut w = Walker {
            stream,
            limits: limits.clone(),
            report: ArchiveReport::new(kind),
            safety: Safety::for_limits(limits).root_filesystem(),
            hasher,
            index: 0,
            current: None,
            links: HashMap::new(),
            stripped,
        };
        let walked = w.walk();
        let subject = match &w.current {
            Some(path) => format!("entry {} ({})", w.index, shown(path)),
            None => format!("entry {} (its header)", w.index + 1),
        };
        match walked {
            Ok(()) => {}
            Err(Stop::At(why)) => w.report.stop(subject, why),
            Err(Stop::Bomb(bomb)) => w.report.stop(subject, bomb.to_string()),
            Err(Stop::Refused(r)) => w.report.stop(r.subject(), r.to_string()),
        }
        w.report.expanded = w.stream.expanded();
        w.hard_links();
        let whole = w.safety.finish(&w.report.entries);
        w.report.findings.extend(whole);
        let Walker {
            mut report, hasher, ..
        } = w;
        hasher.finish();
        let mut md5s = vec![None; if md5 { report.entries.len() } else { 0 }];
        for (index, hashed) in worker.join().unwrap_or_default() {
            if let Some(entry) = report.entries.get_mut(index)
                && entry.kind == EntryKind::File
            {
                entry.sha256 = Some(hashed.sha256);
            }
            if let Some(slot) = md5s.get_mut(index) {
                *slot = hashed.md5;
            }
        }
        Walked { report, md5: md5s }
    })
}

impl<R: Read> Walker<R> {
    fn walk(&mut self) -> Result<(), Stop> {
        loop {
            let start = self.stream.expanded();
            let mut header = [0u8; NEWC];
            if !self.fill(&mut header[..6], "a header")? {
                return Err(Stop::At(format!(
                    "truncated: the payload ends at byte {start} without the cpio trailer"
                )));
            }
            if header[..6] == *stripped::MAGIC && self.stripped.is_some() {
                let (fields, name) = self.stripped_header(start)?;
                self.entry(fields, name, start)?;
                continue;
            }
            if !self.fill(&mut header[6..], "a header")? {
                return Err(self.failed(io::ErrorKind::UnexpectedEof.into(), "a header"));
            }
            let fields = parse(&header).map_err(|why| {
                Stop::At(format!(
                    "corrupt cpio header at byte {start} of the payload: {why}"
                ))
            })?;
            let name = self.name(&fields, start)?;
            if name == TRAILER {
                return self.after_trailer();
            }
            if self.stripped.is_some() {
                return Err(Stop::At(format!(
                    "a `newc` entry at byte {start} in a payload of stripped entries (the header lists LONGFILESIZES): rpm writes one kind or the other; refused"
                )));
            }
            self.entry(fields, name, start)?;
        }
    }

    /// A stripped entry's header: the file's index, looked up in the
    /// header's list for everything else.
    fn stripped_header(&mut self, start: u64) -> Result<(Fields, Vec<u8>), Stop> {
        let mut digits = [0u8; 8];
        if !self.fill(&mut digits, "a stripped entry's index")? {
            return Err(self.failed(
                io::ErrorKind::UnexpectedEof.into(),
                "a stripped entry's index",
            ));
        }
        self.padding(stripped::HEADER, "the stripped entry's padding")?;
        let file = stripped::index(&digits)
            .ok()
            .and_then(|fx| self.stripped.as_ref()?.get(fx))
            .ok_or_else(|| {
                Stop::At(format!(
                    "the stripped entry at byte {start} names file {} of the header's list, which has no such file; refused",
                    crate::engine::shared::text::escape_path(&digits)
                ))
            })?;
        let fields = Fields {
            ino: file.links.unwrap_or(u64::MAX),
            mode: file.mode,
            nlink: if file.links.is_some() { 2 } else { 1 },
            size: file.content,
            namesize: 0,
        };
        Ok((fields, file.name.clone()))
    }

    /// The entry's name: `namesize` bytes, the last (and only the last) NUL.
    fn name(&mut self, f: &Fields, start: u64) -> Result<Vec<u8>, Stop> {
        if f.namesize < 2 || f.namesize > self.limits.max_name as u64 + 1 {
            return Err(Stop::At(format!(
                "a name length of {} bytes in the header at byte {start} (1 to {} read); refused",
                f.namesize, self.limits.max_name
            )));
        }
        let mut name = vec![0u8; f.namesize as usize];
        if !self.fill(&mut name, "a name")? {
            return Err(self.failed(io::ErrorKind::UnexpectedEof.into(), "a name"));
        }
        if name.pop() != Some(0) || name.contains(&0) {
            return Err(Stop::At(format!(
                "the name length in the header at byte {start} ({} bytes) does not end at the name's NUL: cpio and rpm would read different names and find the data at different places; refused",
                f.namesize
            )));
        }
        self.padding(NEWC as u64 + f.namesize, "the name's padding")?;
        Ok(name)
    }

    /// One entry: judged, its data hashed (files) or read (symlinks).
    fn entry(&mut self, f: Fields, path: Vec<u8>, start: u64) -> Result<(), Stop> {
        self.index += 1;
        if self.index > self.limits.max_entries {
            return Err(Stop::At(format!(
                "more than {} entries: refused",
                self.limits.max_entries
            )));
        }
        self.stream.entry_starts();
        self.current = Some(path.clone());
        let mut extra = Vec::new();
        let kind = match f.mode & 0o170000 {
            0o100000 => EntryKind::File,
            0o040000 => EntryKind::Dir,
            0o120000 => EntryKind::Symlink(self.link_target(f.size, &path)?),
            0o020000 => EntryKind::CharDevice,
            0o060000 => EntryKind::BlockDevice,
            0o010000 => EntryKind::Fifo,
            0o140000 => EntryKind::Socket,
            other => EntryKind::Other(format!("{other:o}")),
        };
        let mut entry = Entry {
            path,
            kind,
            mode: f.mode & 0o7777,
            size: 0,
            sha256: None,
        };
        match &entry.kind {
            EntryKind::File => {
                let got = self.content(f.size)?;
                if got < f.size {
                    return Err(Stop::At(format!(
                        "truncated inside {}: {} bytes announced, {got} present",
                        shown(&entry.path),
                        f.size
                    )));
                }
                entry.size = f.size;
                if f.nlink > 1 {
                    let index = self.report.entries.len();
                    self.links.entry(f.ino).or_default().push(index);
                }
            }
            EntryKind::Symlink(target) => entry.sha256 = Some(sha256_of(target)),
            _ if f.size > 0 => {
                extra.push(Finding::new(
                    Status::Fail,
                    shown(&entry.path),
                    format!(
                        "a {} entry that carries {} bytes of data (header at byte {start}); refused",
                        entry.kind.word(),
                        f.size
                    ),
                ));
                self.skip(f.size)?;
            }
            _ => {}
        }
        self.padding(f.size, "the data's padding")?;
        let mut findings = self.safety.judge(&entry);
        findings.extend(extra);
        self.report.findings.extend(findings);
        self.report.entries.push(entry);
        self.safety
            .exhausted()
            .map_or(Ok(()), |why| Err(Stop::At(why)))?;
        self.current = None;
        Ok(())
    }

    /// A symlink's target: its data, within the name limit.
    fn link_target(&mut self, size: u64, path: &[u8]) -> Result<Vec<u8>, Stop> {
        if size == 0 || size > self.limits.max_name as u64 {
            return Err(Stop::At(format!(
                "the symlink {} has a target of {size} bytes (1 to {} read); refused",
                shown(path),
                self.limits.max_name
            )));
        }
        let mut target = vec![0u8; size as usize];
        if !self.fill(&mut target, "a symlink target")? {
            return Err(self.failed(io::ErrorKind::UnexpectedEof.into(), "a symlink target"));
        }
        Ok(target)
    }

    /// Hands a file's content to the hashing worker; the bytes read.
    fn content(&mut self, size: u64) -> Result<u64, Stop> {
        let index = self.report.entries.len();
        self.hasher.begin(index);
        let mut got = 0u64;
        let result = loop {
            if got >= size {
                break Ok(got);
            }
            let want = (size - got).min(usize::MAX as u64) as usize;
            match self.hasher.read_from(&mut self.stream, want) {
                Ok(0) => break Ok(got),
                Ok(n) => got += n as u64,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => break Err(self.failed(e, "an entry's content")),
            }
        };
        self.hasher.end();
        result
    }

    fn skip(&mut self, size: u64) -> Result<(), Stop> {
        let mut rest = (&mut self.stream).take(size);
        let got = io::copy(&mut rest, &mut io::sink()).map_err(|e| self.failed(e, "data"))?;
        if got < size {
            return Err(self.failed(io::ErrorKind::UnexpectedEof.into(), "data"));
        }
        Ok(())
    }

    /// The zero bytes that bring `len` to a multiple of 4.
    fn padding(&mut self, len: u64, what: &str) -> Result<(), Stop> {
        let pad = ((4 - len % 4) % 4) as usize;
        let mut buf = [0u8; 3];
        if pad > 0 && !self.fill(&mut buf[..pad], what)? {
            return Err(self.failed(io::ErrorKind::UnexpectedEof.into(), what));
        }
        if buf.iter().any(|b| *b != 0) {
            return Err(Stop::At(format!(
                "{what} at byte {} is not zeros: the lengths before it do not describe the archive; refused",
                self.stream.expanded() - pad as u64
            )));
        }
        Ok(())
    }

    /// After the trailer only zeros may follow (block padding).
    fn after_trailer(&mut self) -> Result<(), Stop> {
        let end = self.stream.expanded();
        let hidden = crate::engine::inspect::meter::nonzero_to_end(&mut self.stream)
            .map_err(|e| self.failed(e, "the end of the payload"))?;
        if hidden > 0 {
            self.report.findings.push(Finding::new(
                Status::Fail,
                "(after the payload)",
                format!(
                    "{hidden} bytes of data after the cpio trailer (TRAILER!!!) at byte {end}: content rpm never installs and no listing shows; refused"
                ),
            ));
        }
        Ok(())
    }

    /// The links of a file but the one carrying its data become hard links
    /// to it, as rpm installs them.
    fn hard_links(&mut self) {
        for indexes in self.links.values() {
            let Some(&holder) = indexes
                .iter()
                .find(|&&i| self.report.entries.get(i).is_some_and(|e| e.size > 0))
            else {
                continue;
            };
            let Some(target) = self.report.entries.get(holder).map(|e| e.path.clone()) else {
                continue;
            };
            for &i in indexes.iter().filter(|&&i| i != holder) {
                if let Some(e) = self.report.entries.get_mut(i)
                    && e.size == 0
                {
                    e.sha256 = Some(sha256_of(&target));
                    e.kind = EntryKind::Hardlink(target.clone());
                }
            }
        }
    }

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

    fn failed(&self, e: io::Error, doing: &str) -> Stop {
        if let Some(bomb) = e.get_ref().and_then(|i| i.downcast_ref::<Bomb>()) {
            return Stop::Bomb(bomb.clone());
        }
        if let Some(refused) = e.get_ref().and_then(|i| i.downcast_ref::<Refused>()) {
            return Stop::Refused(refused.clone());
        }
        let kind = if e.kind() == io::ErrorKind::UnexpectedEof {
            "truncated".to_string()
        } else {
            format!("corrupt ({e})")
        };
        Stop::At(format!(
            "{kind} while reading {doing}, at byte {} of the payload (byte {} of it compressed)",
            self.stream.expanded(),
            self.stream.consumed()
        ))
    }
}
