//! The end of a zip: the end-of-central-directory record, the zip64 end
//! record and its locator, and the archive comment. Readers find these by
//! scanning backwards from the end of the file, each a little differently
//! (Python takes the last signature and trusts the comment length less;
//! Go and older intake wanted a comment that reaches exactly to the end;
//! Python reads the zip64 record from right before its locator, Info-ZIP
//! from where the locator points). So every way the end could be read two
//! ways is a failing finding, on the subject `(end record)`, with the
//! offset; only an end that cannot be read at all stops the review.

use std::io::{Read, Seek, SeekFrom};

use crate::engine::shared::check::{Finding, Status};

use super::bytes::{
    EOCD_LEN, EOCD_SIG, LOCATOR_LEN, SENTINEL_16, SENTINEL_32, ZIP64_EOCD_LEN, ZIP64_EOCD_SIG,
    ZIP64_LOCATOR_SIG, read_exact_or, u16_at, u32_at, u64_at,
};
use super::comment;

pub const SUBJECT: &str = "(end record)";

/// What the end records say about the central directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct End {
    /// Entries the directory claims (zip64 value when there is one).
    pub count: u64,
    /// The directory's size in bytes, as claimed.
    pub size: u64,
    /// The directory's offset, as claimed.
    pub start: u64,
    /// Where the directory must end: the zip64 end record, or the end record.
    pub directory_end: u64,
    pub findings: Vec<Finding>,
}

/// The fields the end record and the zip64 end record share.
#[derive(Debug, Clone, Copy)]
struct Fields {
    disk: u64,
    directory_disk: u64,
    disk_entries: u64,
    entries: u64,
    size: u64,
    start: u64,
}

const FIELD_NAMES: [&str; 6] = [
    "this disk's number",
    "the directory's disk number",
    "the entry count on this disk",
    "the total entry count",
    "the directory size",
    "the directory offset",
];

impl Fields {
    fn values(&self) -> [u64; 6] {
        [
            self.disk,
            self.directory_disk,
            self.disk_entries,
            self.entries,
            self.size,
            self.start,
        ]
    }
}

fn fail(findings: &mut Vec<Finding>, summary: String) {
    findings.push(Finding::new(Status::Fail, SUBJECT, summary));
}

/// Finds and reads the end records of a zip file of `len` bytes.
pub fn read<F: Read + Seek>(file: &mut F, len: u64) -> Result<End, String> {
    let tail_len = len.min(65_535 + EOCD_LEN as u64);
    if tail_len < EOCD_LEN as u64 {
        return Err("too short to be a zip archive".to_string());
    }
    let tail_start = len - tail_len;
    file.seek(SeekFrom::Start(tail_start))
        .map_err(|e| e.to_string())?;
    // At most 64 KiB + 22 bytes, whatever the archive claims.
    let mut tail = vec![0u8; tail_len as usize];
    read_exact_or(file, &mut tail, "the end of the archive")?;
    let mut findings = Vec::new();
    let eocd = choose_record(&tail, tail_start, &mut findings)?;
    let eocd_pos = tail_start + eocd as u64;
    let plain = Fields {
        disk: u64::from(u16_at(&tail, eocd + 4)),
        directory_disk: u64::from(u16_at(&tail, eocd + 6)),
        disk_entries: u64::from(u16_at(&tail, eocd + 8)),
        entries: u64::from(u16_at(&tail, eocd + 10)),
        size: u64::from(u32_at(&tail, eocd + 12)),
        start: u64::from(u32_at(&tail, eocd + 16)),
    };
    let comment_len = usize::from(u16_at(&tail, eocd + 20));
    let comment_at = eocd + EOCD_LEN;
    let comment = tail
        .get(comment_at..(comment_at + comment_len).min(tail.len()))
        .unwrap_or_default();
    if let Some((at, why)) = comment::problem(comment) {
        fail(
            &mut findings,
            format!(
                "the archive comment {why} (offset {}): it is not plain text, and Info-ZIP prints it raw",
                eocd_pos + EOCD_LEN as u64 + at as u64
            ),
        );
    }
    let (fields, directory_end) = match zip64(file, eocd_pos, &plain, &mut findings)? {
        Some((wide, at)) => (wide, at),
        None => (plain, eocd_pos),
    };
    if fields.disk != 0 || fields.directory_disk != 0 {
        fail(
            &mut findings,
            format!(
                "it says this is disk {} and the directory starts on disk {} (offset {eocd_pos}): a multi-disk archive, which readers join differently or not at all",
                fields.disk, fields.directory_disk
            ),
        );
    }
    if fields.disk_entries != fields.entries {
        fail(
            &mut findings,
            format!(
                "it counts {} entries on this disk but {} in all (offset {eocd_pos}): readers that use one count or the other list different entries",
                fields.disk_entries, fields.entries
            ),
        );
    }
    Ok(End {
        count: fields.entries,
        size: fields.size,
        start: fields.start,
        directory_end,
        findings,
    })
}

/// The end record every backward scan agrees on: the last signature in
/// the tail. Anything that would make another scan pick another one, or
/// bytes after it, is a finding. Returns its position in `tail`.
fn choose_record(
    tail: &[u8],
    tail_start: u64,
    findings: &mut Vec<Finding>,
) -> Result<usize, String> {
    let reaches_end = |i: usize| i + EOCD_LEN + usize::from(u16_at(tail, i + 20)) == tail.len();
    let mut candidates = (0..=tail.len() - EOCD_LEN)
        .rev()
        .filter(|&i| u32_at(tail, i) == EOCD_SIG);
    let last = candidates
        .next()
        .ok_or("no end-of-central-directory record: truncated, or not a zip archive")?;
    let end = last + EOCD_LEN + usize::from(u16_at(tail, last + 20));
    let at = |i: usize| tail_start + i as u64;
    if end > tail.len() {
        fail(
            findings,
            format!(
                "its comment length runs {} bytes past the end of the file (offset {}): Python's zipfile takes this end record, readers that want the comment whole look for another",
                end - tail.len(),
                at(last)
            ),
        );
    } else if end < tail.len() {
        fail(
            findings,
            format!(
                "bytes {}..{} after the end record and its comment belong to nothing (hidden data, or a damaged download)",
                at(end),
                at(tail.len())
            ),
        );
    }
    if let Some(other) = candidates.find(|&i| reaches_end(i)) {
        fail(
            findings,
            format!(
                "a second end record at offset {} also reaches the end of the file (the one read is at offset {}): readers that scan differently would read a different central directory",
                at(other),
                at(last)
            ),
        );
    }
    Ok(last)
}

/// Reads the zip64 end record when a locator sits right before the end
/// record (Python uses it whenever it is there, whatever the 32-bit fields
/// say). Returns its fields and position.
fn zip64<F: Read + Seek>(
    file: &mut F,
    eocd_pos: u64,
    plain: &Fields,
    findings: &mut Vec<Finding>,
) -> Result<Option<(Fields, u64)>, String> {
    let Some(locator) = read_locator(file, eocd_pos, plain)? else {
        return Ok(None);
    };
    let loc_pos = eocd_pos - LOCATOR_LEN as u64;
    let at = record_offset(&locator, loc_pos, findings)?;
    let wide = read_zip64_record(file, at, loc_pos, findings)?;
    compare_fields(plain, &wide, at, findings);
    Ok(Some((wide, at)))
}

/// The zip64 locator right before the end record, if there is one. An
/// end record whose fields say zip64 (0xFFFF...) cannot be read without it.
fn read_locator<F: Read + Seek>(
    file: &mut F,
    eocd_pos: u64,
    plain: &Fields,
) -> Result<Option<[u8; LOCATOR_LEN]>, String> {
    let marked = plain.entries == u64::from(SENTINEL_16)
        || plain.size == u64::from(SENTINEL_32)
        || plain.start == u64::from(SENTINEL_32);
    let mut locator = [0u8; LOCATOR_LEN];
    let found = match eocd_pos.checked_sub(LOCATOR_LEN as u64) {
        Some(loc_pos) => {
            file.seek(SeekFrom::Start(loc_pos))
                .map_err(|e| e.to_string())?;
            read_exact_or(file, &mut locator, "the zip64 locator")?;
            u32_at(&locator, 0) == ZIP64_LOCATOR_SIG
        }
        None => false,
    };
    match (found, marked) {
        (true, _) => Ok(Some(locator)),
        (false, true) => Err("zip64 archive without its locator".to_string()),
        (false, false) => Ok(None),
    }
}

/// Where the locator (at `loc_pos`) says the zip64 end record is. A
/// locator that speaks of several disks is a finding; one pointing where
/// no whole record fits before it cannot be followed.
fn record_offset(locator: &[u8], loc_pos: u64, findings: &mut Vec<Finding>) -> Result<u64, String> {
    let (record_disk, at, disks) = (u32_at(locator, 4), u64_at(locator, 8), u32_at(locator, 16));
    if record_disk != 0 || disks > 1 {
        fail(
            findings,
            format!(
                "its zip64 locator (offset {loc_pos}) says the archive spans {disks} disks: a multi-disk archive, which Python refuses and others join differently"
            ),
        );
    }
    if at
        .checked_add(ZIP64_EOCD_LEN as u64)
        .is_none_or(|end| end > loc_pos)
    {
        return Err(format!(
            "the zip64 locator points at offset {at}, where no whole zip64 end record fits before it"
        ));
    }
    Ok(at)
}

/// The zip64 end record at `at`. One that does not end where its locator
/// starts is a finding: readers that look for it in the two ways read
/// different records.
fn read_zip64_record<F: Read + Seek>(
    file: &mut F,
    at: u64,
    loc_pos: u64,
    findings: &mut Vec<Finding>,
) -> Result<Fields, String> {
    file.seek(SeekFrom::Start(at)).map_err(|e| e.to_string())?;
    let mut rec = [0u8; ZIP64_EOCD_LEN];
    read_exact_or(file, &mut rec, "the zip64 end record")?;
    if u32_at(&rec, 0) != ZIP64_EOCD_SIG {
        return Err(format!("no zip64 end record at offset {at}"));
    }
    let record_end = u64_at(&rec, 4).checked_add(at + 12);
    if record_end != Some(loc_pos) {
        fail(
            findings,
            format!(
                "the zip64 end record at offset {at} does not end where its locator starts (offset {loc_pos}): Python reads the record from the 56 bytes before the locator, Info-ZIP where the locator points, so they read different records"
            ),
        );
    }
    Ok(Fields {
        disk: u64::from(u32_at(&rec, 16)),
        directory_disk: u64::from(u32_at(&rec, 20)),
        disk_entries: u64_at(&rec, 24),
        entries: u64_at(&rec, 32),
        size: u64_at(&rec, 40),
        start: u64_at(&rec, 48),
    })
}

/// A field the end record gives (not as the 0xFFFF... that defers to the
/// zip64 record) differently from the zip64 end record at `at`.
fn compare_fields(plain: &Fields, wide: &Fields, at: u64, findings: &mut Vec<Finding>) {
    let sentinels = [
        u64::from(SENTINEL_16),
        u64::from(SENTINEL_16),
        u64::from(SENTINEL_16),
        u64::from(SENTINEL_16),
        u64::from(SENTINEL_32),
        u64::from(SENTINEL_32),
    ];
    for (((name, short), long), sentinel) in FIELD_NAMES
        .iter()
        .zip(plain.values())
        .zip(wide.values())
        .zip(sentinels)
    {
        if short != sentinel && short != long {
            fail(
                findings,
                format!(
                    "the end record gives {name} as {short}, the zip64 end record (offset {at}) as {long}: Python takes the zip64 value, readers that only look at 0xFFFF fields take the other"
                ),
            );
        }
    }
}
