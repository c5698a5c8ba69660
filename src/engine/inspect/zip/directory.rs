//! The central directory, read first with seeks from the local file. It is
//! read by its byte size (as Python does) and the records found are then
//! counted against the end record's count (which Info-ZIP reads by), so an
//! archive the two would list differently is refused. Every record is
//! kept, duplicates included; what is wrong with one record is kept with
//! it and reported under its name when the walk reaches it.

use std::io::{BufReader, Read, Seek, SeekFrom};

use crate::engine::shared::check::{Finding, Status};

use super::super::meter::Limits;
use super::super::report::EntryKind;
use super::super::safety::{name_problem, shown};
use super::bytes::{
    CENTRAL_LEN, CENTRAL_SIG, SENTINEL_16, SENTINEL_32, read_exact_or, u16_at, u32_at,
};
use super::{comment, end, extra};

/// A directory larger than this is refused (a million long names fit).
const MAX_DIRECTORY: u64 = 512 << 20;
/// General-purpose flag bit 11: the name and comment are UTF-8.
pub const UTF8_FLAG: u16 = 0x0800;

pub const SUBJECT: &str = "(central directory)";

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
    /// What is wrong with this record (failing findings under its name).
    pub problems: Vec<String>,
}

/// The central directory: where it is and what it lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CentralDirectory {
    pub entries: Vec<CdEntry>,
    /// Where the directory starts (entries' data must end before it).
    pub start: u64,
    /// What is wrong with the end records or the directory as a whole.
    pub findings: Vec<Finding>,
}

impl CentralDirectory {
    /// Reads the directory of a zip file with seeks (nothing else is read).
    pub fn read<F: Read + Seek>(
        file: &mut F,
        len: u64,
        limits: &Limits,
    ) -> Result<CentralDirectory, String> {
        let end = end::read(file, len)?;
        let mut findings = end.findings;
        let (count, size, start) = (end.count, end.size, end.start);
        let directory_end = start
            .checked_add(size)
            .filter(|e| *e <= end.directory_end)
            .ok_or_else(|| {
                format!(
                    "the central directory (offset {start}, {size} bytes) runs past its end record"
                )
            })?;
        if directory_end < end.directory_end {
            findings.push(Finding::new(
                Status::Fail,
                SUBJECT,
                format!(
                    "bytes {directory_end}..{} between the central directory and the end record belong to nothing (hidden data): Python and Info-ZIP take them as a sign of bytes before the archive and shift every offset by that much",
                    end.directory_end
                ),
            ));
        }
        if size > MAX_DIRECTORY || count > limits.max_entries as u64 {
            return Err(format!(
                "the central directory claims {count} entries in {size} bytes: refused"
            ));
        }
        file.seek(SeekFrom::Start(start))
            .map_err(|e| e.to_string())?;
        let mut dir = BufReader::new(file.take(size));
        // Grown by records actually read, never by the count the archive claims.
        let mut entries = Vec::new();
        let mut consumed = 0u64;
        while consumed < size {
            if entries.len() >= limits.max_entries {
                return Err(format!(
                    "the central directory holds more than {} records: refused",
                    limits.max_entries
                ));
            }
            let (record, used) = read_record(&mut dir, entries.len() + 1, start + consumed)?;
            entries.push(record);
            consumed += used;
        }
        if entries.len() as u64 != count {
            findings.push(Finding::new(
                Status::Fail,
                SUBJECT,
                format!(
                    "the end record counts {count} entries, but the directory's {size} bytes at offset {start} hold {} records: Info-ZIP reads by the count, Python by the size, so they list different entries",
                    entries.len()
                ),
            ));
        }
        Ok(CentralDirectory {
            entries,
            start,
            findings,
        })
    }
}

/// Reads one record at file offset `at`; returns it and its length.
fn read_record(r: &mut impl Read, index: usize, at: u64) -> Result<(CdEntry, u64), String> {
    let what = format!("central directory record {index} (offset {at})");
    let mut fixed = [0u8; CENTRAL_LEN];
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
        problems: Vec::new(),
    };
    let disk = u64::from(u16_at(&fixed, 34));
    let disk = apply_extras(&mut e, &extra, disk, &what);
    if disk != 0 {
        e.problems.push(format!(
            "{what} puts its local header on disk {disk}: a multi-disk archive, which readers join differently or not at all"
        ));
    }
    name_encoding(&mut e, &what);
    folder_problems(&mut e, &what);
    let comment_at = at + (CENTRAL_LEN + usize::from(name_len) + usize::from(extra_len)) as u64;
    if let Some((off, why)) = comment::problem(&comment) {
        e.problems.push(format!(
            "its comment {why} (offset {}): it is not plain text, and zipinfo prints it raw",
            comment_at + off as u64
        ));
    }
    let used = comment_at + u64::from(comment_len) - at;
    Ok((e, used))
}

/// Applies the zip64 field and judges the Unicode Path field; returns the
/// record's disk number (from the zip64 field when marked).
fn apply_extras(e: &mut CdEntry, extra: &[u8], disk: u64, what: &str) -> u64 {
    let fields = match extra::fields(extra) {
        Ok(fields) => fields,
        Err(why) => {
            e.problems.push(format!("{what}: {why}"));
            Vec::new()
        }
    };
    let mut disk = disk;
    if let Some(body) = extra::find(&fields, extra::ZIP64_ID) {
        let header = extra::Wide {
            size: e.size,
            compressed: e.compressed,
            offset: e.offset,
            disk,
        };
        match extra::apply_zip64(body, header) {
            Ok(wide) => {
                (e.size, e.compressed, e.offset, disk) =
                    (wide.size, wide.compressed, wide.offset, wide.disk);
            }
            Err(why) => e.problems.push(format!("{what}: {why}")),
        }
        e.zip64 = true;
    } else if disk == u64::from(SENTINEL_16)
        || [e.size, e.compressed, e.offset].contains(&u64::from(SENTINEL_32))
    {
        e.problems.push(format!(
            "{what} marks a field as stored in a zip64 extra field it does not have: readers take 0xFFFFFFFF literally or refuse"
        ));
    }
    if let Some(unicode) = extra::unicode_path(&fields)
        && unicode != e.name
    {
        e.problems.push(format!(
            "its Info-ZIP Unicode Path extra field names it {}: Info-ZIP unzip would write that name, Python and others the header's",
            shown(&unicode)
        ));
        if let Some(problem) = name_problem(&unicode) {
            e.problems.push(format!(
                "the name in its Unicode Path extra field: {problem}"
            ));
        }
    }
    disk
}

/// A name readers would decode differently.
fn name_encoding(e: &mut CdEntry, what: &str) {
    if e.name.is_ascii() {
        return;
    }
    if e.flags & UTF8_FLAG == 0 {
        e.problems.push(format!(
            "{what}: its name is not ASCII and not marked UTF-8 (flag bit 11): Python reads it as CP437, Info-ZIP as raw bytes, so they write different names"
        ));
    } else if std::str::from_utf8(&e.name).is_err() {
        e.problems.push(format!(
            "{what}: its name is marked UTF-8 (flag bit 11) but is not: Python refuses it, other readers write the raw bytes"
        ));
    }
}

/// A folder is a name ending in `/` to Info-ZIP and Python: one that
/// carries data, or whose mode says another type, is read two ways.
fn folder_problems(e: &mut CdEntry, what: &str) {
    let folder_name = e.name.last() == Some(&b'/');
    let mode_type = e.unix_mode.map(|m| m & 0o170000);
    if folder_name && (e.size > 0 || (e.method == 0 && e.compressed > 0)) {
        e.problems.push(format!(
            "{what}: a folder entry (its name ends in `/`) that carries {} bytes ({} compressed): readers make a folder and drop them (hidden data)",
            e.size, e.compressed
        ));
    }
    match mode_type {
        Some(0o040000) if !folder_name => e.problems.push(format!(
            "{what}: its Unix mode says folder but its name does not end in `/`: Info-ZIP and Python would write a file"
        )),
        Some(t) if folder_name && t != 0 && t != 0o040000 && t != 0o100000 => {
            e.problems.push(format!(
                "{what}: its name ends in `/` (a folder to Info-ZIP and Python) but its Unix mode says type {t:o}"
            ))
        }
        _ => {}
    }
}

impl CdEntry {
    pub fn encrypted(&self) -> bool {
        self.flags & 1 != 0
    }

    pub fn kind_and_mode(&self) -> (EntryKind, u32) {
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
