//! Zip inspection in two parts. The central directory is read first, with
//! seeks, from the local file ([`CentralDirectory::read`]); every record is
//! kept, duplicates included. Then the entries are walked as a stream in
//! offset order ([`inspect`]), in the same read pass that hashes the
//! artifact: each local header is compared with its directory record, the
//! content is inflated (stored and deflate only) and hashed, its CRC and
//! size checked, and bytes that belong to no entry, or to two, are named.

use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};

use crate::engine::check::{Finding, Status};

use std::collections::HashMap;

use super::hasher::{self, EntryHasher, Hashed};
use super::meter::{Bomb, Counted, Limits, Metered};
use super::safety::{Safety, shown};
use super::{ArchiveKind, ArchiveReport, Entry, EntryKind};

const EOCD_SIG: u32 = 0x0605_4b50;
const ZIP64_LOCATOR_SIG: u32 = 0x0706_4b50;
const ZIP64_EOCD_SIG: u32 = 0x0606_4b50;
const CENTRAL_SIG: u32 = 0x0201_4b50;
const LOCAL_SIG: u32 = 0x0403_4b50;
const DESCRIPTOR_SIG: u32 = 0x0807_4b50;
/// A directory larger than this is refused (a million long names fit).
const MAX_DIRECTORY: u64 = 512 << 20;

/// One central-directory record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CdEntry {
    /// 1-based position in the directory.
    pub index: usize,
    pub name: Vec<u8>,
    pub flags: u16,
    pub method: u16,
    pub crc: u32,
    pub compressed: u64,
    pub size: u64,
    pub offset: u64,
    /// Unix permission and type bits, when the archive was made on Unix.
    pub unix_mode: Option<u32>,
    /// The DOS directory attribute.
    pub dos_dir: bool,
    pub zip64: bool,
}

impl CdEntry {
    pub fn encrypted(&self) -> bool {
        self.flags & 1 != 0
    }

    fn kind_and_mode(&self) -> (EntryKind, u32) {
        let is_dir_name = self.name.last() == Some(&b'/');
        match self.unix_mode {
            Some(mode) => {
                let kind = match mode & 0o170000 {
                    0o040000 => EntryKind::Dir,
                    0o120000 => EntryKind::Symlink(Vec::new()),
                    0o020000 => EntryKind::CharDevice,
                    0o060000 => EntryKind::BlockDevice,
                    0o010000 => EntryKind::Fifo,
                    0o140000 => EntryKind::Socket,
                    0 | 0o100000 if is_dir_name => EntryKind::Dir,
                    0 | 0o100000 => EntryKind::File,
                    other => EntryKind::Other(format!("{other:o}")),
                };
                (kind, mode & 0o7777)
            }
            None if is_dir_name || self.dos_dir => (EntryKind::Dir, 0o755),
            None => (EntryKind::File, 0o644),
        }
    }
}

/// The central directory: where it is and what it lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CentralDirectory {
    pub entries: Vec<CdEntry>,
    /// Where the directory starts (entries' data must end before it).
    pub start: u64,
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(a)
}

fn read_exact_or(r: &mut impl Read, buf: &mut [u8], what: &str) -> Result<(), String> {
    r.read_exact(buf).map_err(|e| {
        if e.kind() == io::ErrorKind::UnexpectedEof {
            format!("truncated: {what} is cut short")
        } else {
            format!("could not read {what}: {e}")
        }
    })
}

impl CentralDirectory {
    /// Reads the directory of a zip file with seeks (nothing else is read).
    pub fn read<F: Read + Seek>(
        file: &mut F,
        len: u64,
        limits: &Limits,
    ) -> Result<CentralDirectory, String> {
        let tail_len = len.min(65_535 + 22);
        if tail_len < 22 {
            return Err("too short to be a zip archive".to_string());
        }
        file.seek(SeekFrom::Start(len - tail_len))
            .map_err(|e| e.to_string())?;
        let mut tail = vec![0u8; tail_len as usize];
        read_exact_or(file, &mut tail, "the end of the archive")?;
        // The last signature whose comment length reaches exactly to the end.
        let eocd = (0..=tail.len() - 22)
            .rev()
            .find(|&i| {
                u32_at(&tail, i) == EOCD_SIG
                    && i + 22 + usize::from(u16_at(&tail, i + 20)) == tail.len()
            })
            .ok_or("no end-of-central-directory record: truncated, or not a zip archive")?;
        let eocd_pos = len - tail_len + eocd as u64;
        let mut count = u64::from(u16_at(&tail, eocd + 10));
        let mut size = u64::from(u32_at(&tail, eocd + 12));
        let mut start = u64::from(u32_at(&tail, eocd + 16));
        if count == 0xFFFF || size == 0xFFFF_FFFF || start == 0xFFFF_FFFF {
            // Zip64: the locator sits just before the record.
            let loc = eocd
                .checked_sub(20)
                .ok_or("zip64 archive without its locator")?;
            if u32_at(&tail, loc) != ZIP64_LOCATOR_SIG {
                return Err("zip64 archive without its locator".to_string());
            }
            let at = u64_at(&tail, loc + 8);
            if at + 56 > len {
                return Err(format!(
                    "the zip64 directory record points past the end (offset {at})"
                ));
            }
            file.seek(SeekFrom::Start(at)).map_err(|e| e.to_string())?;
            let mut rec = [0u8; 56];
            read_exact_or(file, &mut rec, "the zip64 directory record")?;
            if u32_at(&rec, 0) != ZIP64_EOCD_SIG {
                return Err(format!("no zip64 directory record at offset {at}"));
            }
            count = u64_at(&rec, 32);
            size = u64_at(&rec, 40);
            start = u64_at(&rec, 48);
        }
        if start.checked_add(size).is_none_or(|end| end > eocd_pos) {
            return Err(format!(
                "the central directory (offset {start}, {size} bytes) runs past its end record"
            ));
        }
        if size > MAX_DIRECTORY || count > limits.max_entries as u64 || count > size / 46 + 1 {
            return Err(format!(
                "the central directory claims {count} entries in {size} bytes: refused"
            ));
        }
        file.seek(SeekFrom::Start(start))
            .map_err(|e| e.to_string())?;
        let mut dir = BufReader::new(file.take(size));
        // Grown by records actually read, never by the count the archive claims.
        let mut entries = Vec::new();
        for index in 1..=count as usize {
            entries.push(read_record(&mut dir, index)?);
        }
        Ok(CentralDirectory { entries, start })
    }
}

fn read_record(r: &mut impl Read, index: usize) -> Result<CdEntry, String> {
    let what = format!("central directory record {index}");
    let mut fixed = [0u8; 46];
    read_exact_or(r, &mut fixed, &what)?;
    if u32_at(&fixed, 0) != CENTRAL_SIG {
        return Err(format!("corrupt: {what} has no signature"));
    }
    let host = (u16_at(&fixed, 4) >> 8) as u8;
    let (name_len, extra_len, comment_len) =
        (u16_at(&fixed, 28), u16_at(&fixed, 30), u16_at(&fixed, 32));
    let mut name = vec![0u8; usize::from(name_len)];
    read_exact_or(r, &mut name, &what)?;
    let mut extra = vec![0u8; usize::from(extra_len)];
    read_exact_or(r, &mut extra, &what)?;
    let mut comment = vec![0u8; usize::from(comment_len)];
    read_exact_or(r, &mut comment, &what)?;
    let external = u32_at(&fixed, 38);
    let mut e = CdEntry {
        index,
        name,
        flags: u16_at(&fixed, 8),
        method: u16_at(&fixed, 10),
        crc: u32_at(&fixed, 16),
        compressed: u64::from(u32_at(&fixed, 20)),
        size: u64::from(u32_at(&fixed, 24)),
        offset: u64::from(u32_at(&fixed, 42)),
        unix_mode: matches!(host, 3 | 19)
            .then_some(external >> 16)
            .filter(|m| *m != 0),
        dos_dir: external & 0x10 != 0,
        zip64: false,
    };
    if let Some(z) = zip64_extra(&extra) {
        let mut at = 0;
        let mut next = |field: &mut u64| {
            if *field == 0xFFFF_FFFF && at + 8 <= z.len() {
                *field = u64_at(z, at);
                at += 8;
            }
        };
        next(&mut e.size);
        next(&mut e.compressed);
        next(&mut e.offset);
        e.zip64 = true;
    }
    Ok(e)
}

/// The zip64 extended-information field, if present.
fn zip64_extra(extra: &[u8]) -> Option<&[u8]> {
    let mut at = 0;
    while at + 4 <= extra.len() {
        let (id, len) = (u16_at(extra, at), usize::from(u16_at(extra, at + 2)));
        let body = extra.get(at + 4..at + 4 + len)?;
        if id == 0x0001 {
            return Some(body);
        }
        at += 4 + len;
    }
    None
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
    let mut stream = Counted::new(BufReader::with_capacity(256 * 1024, stream));
    let mut report = ArchiveReport::new(ArchiveKind::Zip);
    let mut to_confirm = Vec::new();
    let mut safety = Safety::for_limits(limits);
    let mut order: Vec<&CdEntry> = cd.entries.iter().collect();
    order.sort_by_key(|e| (e.offset, e.index));
    let mut covered_to = 0u64;
    let mut previous: Option<&CdEntry> = None;
    for e in order {
        let subject = shown(&e.name);
        let (kind, mode) = e.kind_and_mode();
        let mut entry = Entry {
            path: e.name.clone(),
            kind,
            mode,
            size: e.size,
            sha256: None,
        };
        let index = report.entries.len();
        let pos = stream.counter().get();
        let mut findings = Vec::new();
        let result = if e.offset < pos {
            let other = previous.map(|p| shown(&p.name)).unwrap_or_default();
            findings.push(Finding::new(
                Status::Fail,
                subject.clone(),
                format!(
                    "its data overlaps {other} (overlapping entries: the zip-bomb construction)"
                ),
            ));
            Ok(false)
        } else {
            if e.offset > covered_to {
                findings.push(Finding::new(
                    Status::Fail,
                    format!("bytes {covered_to}..{}", e.offset),
                    "bytes that belong to no entry of the central directory (hidden data?)",
                ));
            }
            let mut walk = EntryWalk {
                e,
                entry: &mut entry,
                findings: &mut findings,
                expanded: &mut report.expanded,
                hasher: &mut *hasher,
                index,
                archive_size,
                limits,
            };
            skip(&mut stream, e.offset - pos).and_then(|()| walk.run(&mut stream))
        };
        if matches!(result, Ok(true)) {
            to_confirm.push(ToConfirm {
                index,
                subject: subject.clone(),
                size: e.size,
                crc: e.crc,
            });
        }
        covered_to = covered_to.max(stream.counter().get());
        findings.splice(0..0, safety.judge(&entry));
        report.findings.extend(findings);
        report.entries.push(entry);
        previous = Some(e);
        let result = result.and_then(|whole| safety.exhausted().map_or(Ok(whole), Err));
        if let Err(why) = result {
            report.stop(format!("entry {} ({subject})", e.index), why);
            break;
        }
    }
    if report.stopped.is_none() && covered_to < cd.start {
        report.findings.push(Finding::new(
            Status::Fail,
            format!("bytes {covered_to}..{}", cd.start),
            "bytes between the last entry and the central directory that belong to no entry (hidden data?)",
        ));
    }
    let whole = safety.finish(&report.entries);
    report.findings.extend(whole);
    (report, to_confirm)
}

fn skip(r: &mut impl Read, n: u64) -> Result<(), String> {
    let got = io::copy(&mut r.take(n), &mut io::sink()).map_err(|e| e.to_string())?;
    if got < n {
        return Err("truncated: the archive ends before this entry".to_string());
    }
    Ok(())
}

/// One entry's walk: its local header, its content, its descriptor.
struct EntryWalk<'a> {
    e: &'a CdEntry,
    entry: &'a mut Entry,
    findings: &'a mut Vec<Finding>,
    /// The archive's expanded bytes so far.
    expanded: &'a mut u64,
    hasher: &'a mut EntryHasher,
    index: usize,
    archive_size: u64,
    limits: &'a Limits,
}

impl EntryWalk<'_> {
    fn fail(&mut self, summary: String) {
        self.findings
            .push(Finding::new(Status::Fail, shown(&self.e.name), summary));
    }

    /// `Ok(true)` when the content was read whole (its digest is coming).
    fn run<R: BufRead>(&mut self, stream: &mut Counted<R>) -> Result<bool, String> {
        let e = self.e;
        let mut fixed = [0u8; 30];
        read_exact_or(stream, &mut fixed, "a local header")?;
        if u32_at(&fixed, 0) != LOCAL_SIG {
            return Err(format!(
                "no local header at offset {} where the central directory says one is",
                e.offset
            ));
        }
        let (flags, method, crc) = (u16_at(&fixed, 6), u16_at(&fixed, 8), u32_at(&fixed, 14));
        let (mut compressed, mut size) =
            (u64::from(u32_at(&fixed, 18)), u64::from(u32_at(&fixed, 22)));
        let mut name = vec![0u8; usize::from(u16_at(&fixed, 26))];
        read_exact_or(stream, &mut name, "a local header's name")?;
        let mut extra = vec![0u8; usize::from(u16_at(&fixed, 28))];
        read_exact_or(stream, &mut extra, "a local header's extra field")?;
        if let Some(z) = zip64_extra(&extra) {
            if size == 0xFFFF_FFFF && z.len() >= 8 {
                size = u64_at(z, 0);
            }
            if compressed == 0xFFFF_FFFF && z.len() >= 16 {
                compressed = u64_at(z, 8);
            }
        }
        if name != e.name {
            self.fail(format!(
                "the local header names it {}, the central directory {}",
                shown(&name),
                shown(&e.name)
            ));
        }
        if method != e.method || (flags & 1) != (e.flags & 1) {
            self.fail("the local header's compression or encryption flag differs from the central directory's".to_string());
        }
        if flags & 8 == 0 && (compressed != e.compressed || size != e.size || crc != e.crc) {
            self.fail(format!(
                "the local header gives {size} bytes ({compressed} compressed), the central directory {} ({})",
                e.size, e.compressed
            ));
        }
        if e.encrypted() {
            self.fail("encrypted: its content cannot be inspected".to_string());
            skip(stream, e.compressed)?;
            return Ok(false);
        }
        let mut raw = BufReader::new(stream.take(e.compressed));
        let kind = self.entry.kind.clone();
        let outcome = match e.method {
            0 => self.content(&mut raw, &kind),
            8 => {
                let counted = Counted::new(&mut raw);
                let consumed = counted.counter();
                let inflate = flate2::bufread::DeflateDecoder::new(counted);
                let metered =
                    Metered::new(inflate, consumed, Some(e.compressed), self.limits.clone());
                self.content(metered, &kind)
            }
            other => Err(ContentError::Method(other)),
        };
        // Whatever the content did, the rest of the compressed bytes are passed over.
        io::copy(&mut raw, &mut io::sink()).map_err(|err| err.to_string())?;
        drop(raw);
        let whole = match outcome {
            Ok((read, target)) => {
                *self.expanded += read;
                self.entry.size = if matches!(kind, EntryKind::File) {
                    read
                } else {
                    0
                };
                if let EntryKind::Symlink(t) = &mut self.entry.kind {
                    *t = target;
                }
                true
            }
            Err(ContentError::Method(m)) => {
                self.fail(format!(
                    "compression method {m} cannot be inspected (only stored and deflate)"
                ));
                false
            }
            Err(ContentError::Bomb(b)) => {
                self.fail(b.to_string());
                false
            }
            Err(ContentError::Io(err)) => {
                self.fail(format!("its compressed data is corrupt: {err}"));
                false
            }
            Err(ContentError::LongLink) => {
                self.fail("a symlink target longer than any path".to_string());
                false
            }
        };
        let l = self.limits;
        if *self.expanded > l.max_expanded {
            return Err(Bomb::TooLarge {
                limit: l.max_expanded,
            }
            .to_string());
        }
        if let Some(bomb) = Bomb::archive(*self.expanded, self.archive_size.max(1), l) {
            return Err(bomb.to_string());
        }
        if flags & 8 != 0 {
            let mut complaints = Vec::new();
            descriptor(stream, e, &mut |s| complaints.push(s))?;
            for c in complaints {
                self.fail(c);
            }
        }
        Ok(whole)
    }

    /// Streams an entry's content to the hashing worker; a symlink's
    /// content (its target) is also kept. Returns the bytes read.
    fn content(
        &mut self,
        mut r: impl Read,
        kind: &EntryKind,
    ) -> Result<(u64, Vec<u8>), ContentError> {
        let as_error = |err: io::Error| match err.get_ref().and_then(|i| i.downcast_ref::<Bomb>()) {
            Some(b) => ContentError::Bomb(b.clone()),
            None => ContentError::Io(err),
        };
        self.hasher.begin(self.index);
        let result = if matches!(kind, EntryKind::Symlink(_)) {
            // A link's content is its target: small, and kept.
            let mut target = Vec::new();
            match (&mut r)
                .take(self.limits.max_name as u64 + 1)
                .read_to_end(&mut target)
            {
                Ok(n) if n > self.limits.max_name => Err(ContentError::LongLink),
                Ok(n) => {
                    self.hasher.data(&target);
                    Ok((n as u64, target))
                }
                Err(err) => Err(as_error(err)),
            }
        } else {
            let mut size = 0u64;
            loop {
                match self.hasher.read_from(&mut r, usize::MAX) {
                    Ok(0) => break Ok((size, Vec::new())),
                    Ok(n) => size += n as u64,
                    Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                    Err(err) => break Err(as_error(err)),
                }
            }
        };
        self.hasher.end();
        result
    }
}

/// The data descriptor after content whose sizes were not known up front.
fn descriptor(
    stream: &mut impl Read,
    e: &CdEntry,
    fail: &mut impl FnMut(String),
) -> Result<(), String> {
    let wide = e.zip64;
    let mut first = [0u8; 4];
    read_exact_or(stream, &mut first, "a data descriptor")?;
    let crc = if u32_at(&first, 0) == DESCRIPTOR_SIG {
        read_exact_or(stream, &mut first, "a data descriptor")?;
        u32_at(&first, 0)
    } else {
        u32_at(&first, 0)
    };
    let (compressed, size) = if wide {
        let mut b = [0u8; 16];
        read_exact_or(stream, &mut b, "a data descriptor")?;
        (u64_at(&b, 0), u64_at(&b, 8))
    } else {
        let mut b = [0u8; 8];
        read_exact_or(stream, &mut b, "a data descriptor")?;
        (u64::from(u32_at(&b, 0)), u64::from(u32_at(&b, 4)))
    };
    if crc != e.crc || compressed != e.compressed || size != e.size {
        fail("its data descriptor disagrees with the central directory".to_string());
    }
    Ok(())
}

enum ContentError {
    Method(u16),
    Bomb(Bomb),
    Io(io::Error),
    LongLink,
}
