//! The walk itself: header after header, extension headers gathered for
//! the entry they precede, each entry's data hashed or skipped, and every
//! problem a header has reported against the entry it belongs to, with the
//! header's byte offset.

use std::io::Read;

use crate::engine::shared::check::{Finding, Status};

use super::super::report::{Entry, EntryKind, hash_content};
use super::super::safety::shown;
use super::extension;
use super::field::{self, BLOCK, cstr};
use super::{Stop, Walker, sha256_of};

impl<R: Read> Walker<R> {
    pub(super) fn walk(&mut self) -> Result<(), Stop> {
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
            field::checksum(&header).map_err(|why| {
                Stop::At(format!(
                    "corrupt header at byte {start} of the tar stream ({why})"
                ))
            })?;
            // Python's tarfile refuses a header with any malformed number,
            // whichever header it is; GNU tar reads only some of them.
            for f in field::OTHERS {
                if let Err(why) = f.read(&header) {
                    self.pending
                        .problem(format!("in the header at byte {start}, {why}"));
                }
            }
            // Without its size the next header cannot be found: stop there.
            let size = field::SIZE
                .read(&header)
                .map_err(|why| format!("in the header at byte {start}, {why}"));
            if !self.extension(&header, start, &size)? {
                self.entry(&header, start, size)?;
            }
        }
    }

    /// Reads an extension header into the pending values; `false` when the
    /// header is an entry's own.
    fn extension(
        &mut self,
        header: &[u8; BLOCK],
        start: u64,
        size: &Result<u64, String>,
    ) -> Result<bool, Stop> {
        let typeflag = header[156];
        if !matches!(typeflag, b'L' | b'K' | b'x' | b'X' | b'g') {
            return Ok(false);
        }
        let size = size.clone().map_err(Stop::At)?;
        let corrupt = |why: String| Stop::At(format!("corrupt PAX header at byte {start}: {why}"));
        match typeflag {
            b'L' => {
                let name = self.body(size, self.limits.max_name as u64, "GNU long name")?;
                self.pending.long_name(cstr(&name).to_vec(), start);
            }
            b'K' => {
                let link = self.body(size, self.limits.max_name as u64, "GNU long link name")?;
                self.pending.long_link(cstr(&link).to_vec(), start);
            }
            b'g' => {
                let body = self.body(size, self.limits.max_pax, "PAX global header")?;
                let records = extension::records(&body).map_err(corrupt)?;
                self.pending.global(&records, start);
            }
            _ => {
                // `x`, and Solaris `X`, which GNU tar, bsdtar and Python read as PAX.
                let body = self.body(size, self.limits.max_pax, "PAX header")?;
                let records = extension::records(&body).map_err(corrupt)?;
                self.pending.pax(&records, start).map_err(Stop::At)?;
            }
        }
        Ok(true)
    }

    /// Reads one entry: its names, type, mode and data.
    fn entry(
        &mut self,
        header: &[u8; BLOCK],
        start: u64,
        size: Result<u64, String>,
    ) -> Result<(), Stop> {
        self.index += 1;
        if self.index > self.limits.max_entries {
            return Err(Stop::At(format!(
                "more than {} entries: refused",
                self.limits.max_entries
            )));
        }
        self.stream.entry_starts();
        let (path, link) = self.pending.resolve(header, start);
        self.current = Some(path.clone());
        let header_size = size.map_err(Stop::At)?;
        let typeflag = header[156];
        let kind = kind_of(typeflag, &path, link);
        let mut pending = std::mem::take(&mut self.pending);
        if matches!(typeflag, b'0' | b'7') && path.last() == Some(&b'/') {
            pending.problem(format!(
                "a regular-file entry whose name ends in `/` (header at byte {start}): GNU tar \
                 creates a folder, Python's tarfile a file; refused"
            ));
        }
        if let (Some(pax_size), false) = (pending.pax_size, kind == EntryKind::File) {
            pending.problem(format!(
                "a PAX size of {pax_size} bytes on a {} entry (header at byte {start}): tools \
                 disagree on whether such an entry has data to skip; refused",
                kind.word()
            ));
        }
        let size = pending.pax_size.unwrap_or(header_size);
        // An unreadable mode is already a problem; 0 keeps it from passing as anything.
        let mode = field::MODE.read(header).unwrap_or(0) as u32 & 0o7777;
        for why in pending.problems {
            self.report
                .findings
                .push(Finding::new(Status::Fail, shown(&path), why));
        }
        let mut entry = Entry {
            path,
            kind,
            mode,
            size: 0,
            sha256: None,
        };
        let extra = self.data(&mut entry, size)?;
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

    /// Hashes a file's content, or skips (and reports) data a non-file
    /// carries, as GNU tar does.
    fn data(&mut self, entry: &mut Entry, size: u64) -> Result<Vec<Finding>, Stop> {
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
        Ok(extra)
    }
}

/// What an entry is, from its type flag (and, for the old regular-file
/// flag NUL, a trailing slash).
fn kind_of(typeflag: u8, path: &[u8], link: Vec<u8>) -> EntryKind {
    match typeflag {
        0 if path.last() == Some(&b'/') => EntryKind::Dir,
        b'0' | 0 | b'7' => EntryKind::File,
        b'1' => EntryKind::Hardlink(link),
        b'2' => EntryKind::Symlink(link),
        b'3' => EntryKind::CharDevice,
        b'4' => EntryKind::BlockDevice,
        b'5' => EntryKind::Dir,
        b'6' => EntryKind::Fifo,
        b'S' => EntryKind::Other("S (GNU sparse file)".into()),
        other => EntryKind::Other(format!("{:?}", other as char)),
    }
}
