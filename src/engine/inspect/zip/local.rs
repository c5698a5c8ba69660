//! One entry's walk through the stream: its local header, compared field
//! by field with its central-directory record (the name, the UTF-8 flag,
//! method, encryption, sizes, a Unicode Path field); its content, inflated
//! and handed to the hashing worker; the bytes between the end of the
//! deflate stream and the end of the compressed size (hidden data); and
//! its data descriptor.

use std::io::{self, BufRead, BufReader, Read};

use crate::engine::shared::check::{Finding, Status};

use super::super::hasher::EntryHasher;
use super::super::meter::{Bomb, Counted, Limits, Metered};
use super::super::report::{Entry, EntryKind};
use super::super::safety::shown;
use super::bytes::{DESCRIPTOR_SIG, LOCAL_SIG, read_exact_or, u16_at, u32_at, u64_at};
use super::directory::{CdEntry, UTF8_FLAG};
use super::extra;

pub fn skip(r: &mut impl Read, n: u64) -> Result<(), String> {
    let got = io::copy(&mut r.take(n), &mut io::sink()).map_err(|e| e.to_string())?;
    if got < n {
        return Err("truncated: the archive ends before this entry".to_string());
    }
    Ok(())
}

/// One entry's walk: its local header, its content, its descriptor.
pub struct EntryWalk<'a> {
    pub e: &'a CdEntry,
    pub entry: &'a mut Entry,
    pub findings: &'a mut Vec<Finding>,
    /// The archive's expanded bytes so far.
    pub expanded: &'a mut u64,
    pub hasher: &'a mut EntryHasher,
    pub index: usize,
    pub archive_size: u64,
    pub limits: &'a Limits,
}

impl EntryWalk<'_> {
    fn fail(&mut self, summary: String) {
        self.findings
            .push(Finding::new(Status::Fail, shown(&self.e.name), summary));
    }

    /// `Ok(true)` when the content was read whole (its digest is coming).
    pub fn run<R: BufRead>(&mut self, stream: &mut Counted<R>) -> Result<bool, String> {
        let e = self.e;
        let flags = self.local_header(stream)?;
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
        let left = io::copy(&mut raw, &mut io::sink()).map_err(|err| err.to_string())?;
        drop(raw);
        if left > 0 && outcome.is_ok() {
            let end = stream.counter().get();
            self.fail(format!(
                "bytes {}..{end} of its compressed data come after the end of its deflate stream (hidden data: no reader extracts them)",
                end - left
            ));
        }
        let whole = self.settle(outcome, &kind);
        self.bomb_check()?;
        if flags & 8 != 0 {
            let mut complaints = Vec::new();
            descriptor(stream, e, &mut |s| complaints.push(s))?;
            for c in complaints {
                self.fail(c);
            }
        }
        Ok(whole)
    }

    /// Reads the local header and compares it with the directory record;
    /// returns its flags.
    fn local_header<R: BufRead>(&mut self, stream: &mut Counted<R>) -> Result<u16, String> {
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
        let fields = extra::fields(&extra).unwrap_or_else(|why| {
            self.fail(format!("its local header (offset {}): {why}", e.offset));
            Vec::new()
        });
        if let Some(z) = extra::find(&fields, extra::ZIP64_ID) {
            // The local zip64 field holds both sizes, in this order.
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
        if let Some(unicode) = extra::unicode_path(&fields)
            && unicode != e.name
        {
            self.fail(format!(
                "the Unicode Path extra field of its local header (offset {}) names it {}: a reader that trusts it writes another name",
                e.offset,
                shown(&unicode)
            ));
        }
        if (flags & UTF8_FLAG) != (e.flags & UTF8_FLAG) {
            self.fail(format!(
                "the local header (offset {}) and the central directory disagree on whether its name is UTF-8 (flag bit 11): readers that trust one or the other decode different names",
                e.offset
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
        Ok(flags)
    }

    /// Records what the content read came to; `true` when it was read whole.
    fn settle(&mut self, outcome: Result<(u64, Vec<u8>), ContentError>, kind: &EntryKind) -> bool {
        match outcome {
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
        }
    }

    /// Stops the walk once the whole archive has expanded too far.
    fn bomb_check(&self) -> Result<(), String> {
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
        Ok(())
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
