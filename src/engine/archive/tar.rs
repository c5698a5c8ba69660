//! A tar reader for inspection: ustar, GNU (long names and links) and PAX
//! (`path`, `linkpath`, `size`) headers, checksums verified, every entry
//! type reported (unknown ones too), content hashed as it streams past.
//! Names, long names and PAX headers are read only up to their limits, so
//! a size field can never make it allocate; a corrupt or truncated archive
//! is reported with the entry and offset where it went wrong.

use std::io::{self, Read};

use crate::engine::check::{Finding, Status};

use super::hasher::{self, EntryHasher};
use super::meter::{Bomb, Limits, Metered};
use super::safety::{Safety, shown};
use super::{ArchiveKind, ArchiveReport, Entry, EntryKind, hash_content};

const BLOCK: usize = 512;

/// Whether a 512-byte block is a tar header (magic or a valid checksum).
pub fn looks_like_header(block: &[u8]) -> bool {
    let Some(block) = block.get(..BLOCK) else {
        return false;
    };
    if block.iter().all(|b| *b == 0) {
        return false;
    }
    &block[257..262] == b"ustar" || checksum_ok(block)
}

fn checksum_ok(block: &[u8]) -> bool {
    let Some(stored) = octal(&block[148..156]) else {
        return false;
    };
    let sum: u64 = block
        .iter()
        .enumerate()
        .map(|(i, b)| {
            if (148..156).contains(&i) {
                u64::from(b' ')
            } else {
                u64::from(*b)
            }
        })
        .sum();
    sum == stored
}

/// A numeric field: octal text (spaces and NULs around it), or base-256.
fn octal(field: &[u8]) -> Option<u64> {
    if field.first().is_some_and(|b| b & 0x80 != 0) {
        // Base-256: the first byte's high bit marks it; 0xFF would be negative.
        if field[0] == 0xFF {
            return None;
        }
        let mut v: u64 = u64::from(field[0] & 0x7F);
        for b in &field[1..] {
            v = v.checked_mul(256)?.checked_add(u64::from(*b))?;
        }
        return Some(v);
    }
    let text: Vec<u8> = field
        .iter()
        .copied()
        .filter(|b| *b != 0 && *b != b' ')
        .collect();
    if text.is_empty() {
        return Some(0);
    }
    let text = std::str::from_utf8(&text).ok()?;
    u64::from_str_radix(text, 8).ok()
}

fn cstr(field: &[u8]) -> &[u8] {
    let end = field.iter().position(|b| *b == 0).unwrap_or(field.len());
    &field[..end]
}

/// Values that apply to the next entry (GNU long names, PAX headers).
#[derive(Default)]
struct Pending {
    long_name: Option<Vec<u8>>,
    long_link: Option<Vec<u8>>,
    pax_path: Option<Vec<u8>>,
    pax_link: Option<Vec<u8>>,
    pax_size: Option<u64>,
}

/// Why the walk stops.
enum Stop {
    /// A finding with the entry and offset.
    At(String),
    Bomb(Bomb),
}

struct Walker<R: Read> {
    stream: Metered<R>,
    limits: Limits,
    report: ArchiveReport,
    safety: Safety,
    /// Index (1-based) and name of the entry being read.
    index: usize,
    current: Option<Vec<u8>>,
    /// Hashes file content on another thread.
    hasher: EntryHasher,
}

/// Reads a tar stream to its end (or to the first reason to stop).
pub fn inspect<R: Read>(stream: Metered<R>, kind: ArchiveKind, limits: &Limits) -> ArchiveReport {
    std::thread::scope(|scope| {
        let (hasher, worker) = hasher::start(scope, false);
        let mut w = Walker {
            stream,
            limits: limits.clone(),
            report: ArchiveReport::new(kind),
            safety: Safety::for_limits(limits),
            index: 0,
            current: None,
            hasher,
        };
        if let Err(stop) = w.walk() {
            let subject = match &w.current {
                Some(path) => format!("entry {} ({})", w.index, shown(path)),
                None => format!("entry {} (its header)", w.index + 1),
            };
            match stop {
                Stop::At(why) => w.report.stop(subject, why),
                Stop::Bomb(bomb) => w.report.stop(subject, bomb.to_string()),
            }
        }
        w.report.expanded = w.stream.expanded();
        let whole = w.safety.finish(&w.report.entries);
        w.report.findings.extend(whole);
        let Walker {
            mut report, hasher, ..
        } = w;
        hasher.finish();
        for (index, hashed) in worker.join().unwrap_or_default() {
            if let Some(entry) = report.entries.get_mut(index) {
                entry.sha256 = Some(hashed.sha256);
            }
        }
        report
    })
}

impl<R: Read> Walker<R> {
    /// Maps a read error to a stop, telling bombs from corruption.
    fn failed(&self, e: io::Error, doing: &str) -> Stop {
        if let Some(bomb) = e.get_ref().and_then(|inner| inner.downcast_ref::<Bomb>()) {
            return Stop::Bomb(bomb.clone());
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

    fn walk(&mut self) -> Result<(), Stop> {
        let mut pending = Pending::default();
        let mut header = [0u8; BLOCK];
        loop {
            let start = self.stream.expanded();
            if !self.fill(&mut header, "a header")? {
                return Err(Stop::At(format!(
                    "truncated: the archive ends at byte {start} without its end-of-archive marker"
                )));
            }
            if header.iter().all(|b| *b == 0) {
                return self.trailer();
            }
            if !checksum_ok(&header) {
                return Err(Stop::At(format!(
                    "corrupt header at byte {start} of the tar stream (checksum mismatch)"
                )));
            }
            let typeflag = header[156];
            let header_size = octal(&header[124..136]).ok_or_else(|| {
                Stop::At(format!(
                    "corrupt header at byte {start}: unreadable size field"
                ))
            })?;
            match typeflag {
                b'L' => {
                    let name =
                        self.body(header_size, self.limits.max_name as u64, "GNU long name")?;
                    pending.long_name = Some(cstr(&name).to_vec());
                    continue;
                }
                b'K' => {
                    let name = self.body(
                        header_size,
                        self.limits.max_name as u64,
                        "GNU long link name",
                    )?;
                    pending.long_link = Some(cstr(&name).to_vec());
                    continue;
                }
                b'x' => {
                    let pax = self.body(header_size, self.limits.max_pax, "PAX header")?;
                    self.apply_pax(&pax, &mut pending, start)?;
                    continue;
                }
                b'g' => {
                    // Global PAX headers set defaults for archive tools; nothing here names an entry.
                    self.body(header_size, self.limits.max_pax, "PAX global header")?;
                    continue;
                }
                _ => {}
            }
            self.index += 1;
            if self.index > self.limits.max_entries {
                return Err(Stop::At(format!(
                    "more than {} entries: refused",
                    self.limits.max_entries
                )));
            }
            self.stream.entry_starts();
            let p = std::mem::take(&mut pending);
            let path = p
                .long_name
                .or(p.pax_path)
                .unwrap_or_else(|| ustar_name(&header));
            let link = p
                .long_link
                .or(p.pax_link)
                .unwrap_or_else(|| cstr(&header[157..257]).to_vec());
            let size = p.pax_size.unwrap_or(header_size);
            self.current = Some(path.clone());
            let mode = octal(&header[100..108]).unwrap_or(0) as u32 & 0o7777;
            let kind = match typeflag {
                b'0' | 0 | b'7' if path.last() == Some(&b'/') && typeflag == 0 => EntryKind::Dir,
                b'0' | 0 | b'7' => EntryKind::File,
                b'1' => EntryKind::Hardlink(link),
                b'2' => EntryKind::Symlink(link),
                b'3' => EntryKind::CharDevice,
                b'4' => EntryKind::BlockDevice,
                b'5' => EntryKind::Dir,
                b'6' => EntryKind::Fifo,
                b'S' => EntryKind::Other("S (GNU sparse file)".into()),
                other => EntryKind::Other(format!("{:?}", other as char)),
            };
            let mut entry = Entry {
                path,
                kind,
                mode,
                size: 0,
                sha256: None,
            };
            let mut extra = Vec::new();
            match &entry.kind {
                EntryKind::File => {
                    let got = self.content(size)?;
                    if got < size {
                        return Err(Stop::At(format!(
                            "truncated inside {}: {size} bytes announced, {got} present",
                            shown(&entry.path)
                        )));
                    }
                    entry.size = size;
                    self.skip_padding(size)?;
                }
                EntryKind::Symlink(t) | EntryKind::Hardlink(t) => {
                    entry.sha256 = Some(sha256_of(t));
                }
                _ => {}
            }
            if !matches!(entry.kind, EntryKind::File) && size > 0 {
                // Follow GNU tar: the announced bytes follow the header and are skipped.
                extra.push(Finding::new(
                    Status::Fail,
                    shown(&entry.path),
                    format!(
                        "a {} entry that carries {size} bytes of data",
                        entry.kind.word()
                    ),
                ));
                let mut rest = (&mut self.stream).take(size);
                let (_, got) =
                    hash_content(&mut rest).map_err(|e| self.failed(e, "an entry's data"))?;
                if got < size {
                    return Err(Stop::At(format!("truncated inside {}", shown(&entry.path))));
                }
                self.skip_padding(size)?;
            }
            let mut findings = self.safety.judge(&entry);
            findings.extend(extra);
            self.report.findings.extend(findings);
            self.report.entries.push(entry);
            self.safety
                .exhausted()
                .map_or(Ok(()), |why| Err(Stop::At(why)))?;
            self.current = None;
        }
    }

    /// Passes an entry's content to the hashing worker; returns the bytes read.
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

    fn apply_pax(&self, pax: &[u8], pending: &mut Pending, start: u64) -> Result<(), Stop> {
        let mut rest = pax;
        while !rest.is_empty() {
            let bad = || Stop::At(format!("corrupt PAX header at byte {start}"));
            let space = rest.iter().position(|b| *b == b' ').ok_or_else(bad)?;
            let len: usize = std::str::from_utf8(&rest[..space])
                .ok()
                .and_then(|s| s.parse().ok())
                .ok_or_else(bad)?;
            if len <= space + 1 || len > rest.len() || rest[len - 1] != b'\n' {
                return Err(bad());
            }
            let record = &rest[space + 1..len - 1];
            let eq = record.iter().position(|b| *b == b'=').ok_or_else(bad)?;
            let (key, value) = (&record[..eq], &record[eq + 1..]);
            match key {
                b"path" => pending.pax_path = Some(value.to_vec()),
                b"linkpath" => pending.pax_link = Some(value.to_vec()),
                b"size" => {
                    let size = std::str::from_utf8(value)
                        .ok()
                        .and_then(|s| s.parse().ok())
                        .ok_or_else(bad)?;
                    pending.pax_size = Some(size);
                }
                _ => {}
            }
            rest = &rest[len..];
        }
        Ok(())
    }

    /// After the end-of-archive marker only zeros may follow.
    fn trailer(&mut self) -> Result<(), Stop> {
        let end = self.stream.expanded();
        let mut buf = [0u8; 64 * 1024];
        let mut hidden = 0u64;
        loop {
            match self.stream.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => hidden += buf[..n].iter().filter(|b| **b != 0).count() as u64,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(self.failed(e, "the end of the archive")),
            }
        }
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

/// The name of a plain header, with the ustar prefix when there is one.
fn ustar_name(header: &[u8; BLOCK]) -> Vec<u8> {
    let name = cstr(&header[..100]);
    let is_ustar = &header[257..263] == b"ustar\0";
    let prefix = cstr(&header[345..500]);
    if is_ustar && !prefix.is_empty() {
        let mut full = prefix.to_vec();
        full.push(b'/');
        full.extend_from_slice(name);
        full
    } else {
        name.to_vec()
    }
}

pub(crate) fn sha256_of(data: &[u8]) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(data).into()
}
