//! Checks made before the `msi` crate reads the tables, so that what a
//! hostile package claims never becomes an allocation: the `msi` crate
//! allocates each string of the string pool at the length the pool gives
//! it, and a summary-information string at the length its header gives,
//! before reading either. Here the pool's lengths must add up to no more
//! than `_StringData` holds, every summary-information string must fit
//! its stream, and every table stream must be of a size the tables of a
//! real package have.

use super::directory::RawEntry;
use super::sector::{u16_at, u32_at};

/// The largest table, string-pool or string-data stream read.
pub const TABLE_STREAM_MAX: u64 = 32 << 20;
/// The largest summary-information stream read.
pub const SUMMARY_MAX: u64 = 256 << 10;

/// An MSI stream name decoded (table streams start with U+4840; two
/// name characters are packed into each code unit from U+3800).
pub fn decoded_name(name16: &[u16]) -> String {
    const CHARS: &[u8; 64] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz._";
    let ch = |i: u16| char::from(CHARS.get(usize::from(i & 63)).copied().unwrap_or(b'?'));
    let mut out = String::new();
    for &u in name16 {
        match u {
            0x4840 => out.push('!'),
            0x3800..=0x47FF => {
                let v = u - 0x3800;
                out.push(ch(v & 63));
                out.push(ch(v >> 6));
            }
            0x4800..=0x483F => out.push(ch(u - 0x4800)),
            other => out.push(char::from_u32(u32::from(other)).unwrap_or('\u{fffd}')),
        }
    }
    out
}

/// The root stream whose decoded name is `name` (`!_StringPool` for a
/// table stream).
pub fn root_stream<'a>(entries: &'a [RawEntry], name: &str) -> Option<&'a RawEntry> {
    entries
        .iter()
        .find(|e| e.parent == Some(0) && e.is_stream() && decoded_name(&e.name16) == name)
}

/// Every table stream and the string data within [`TABLE_STREAM_MAX`].
pub fn table_sizes(entries: &[RawEntry]) -> Result<(), String> {
    for e in entries
        .iter()
        .filter(|e| e.parent == Some(0) && e.is_stream())
    {
        if e.name16.first() == Some(&0x4840) && e.size > TABLE_STREAM_MAX {
            return Err(format!(
                "the table stream `{}` claims {} bytes: more than the {TABLE_STREAM_MAX} intake reads",
                decoded_name(&e.name16),
                e.size
            ));
        }
    }
    Ok(())
}

/// The string pool's lengths against the string data's size.
pub fn string_pool(pool: &[u8], data_len: u64) -> Result<(), String> {
    let mut at = 4usize;
    let mut total = 0u64;
    while at + 4 <= pool.len() {
        let mut len = u64::from(u16_at(pool, at));
        let refs = u16_at(pool, at + 2);
        let entry_at = at;
        at += 4;
        if len == 0 && refs > 0 {
            len = u64::from(u32_at(pool, at));
            at += 4;
        }
        total += len;
        if total > data_len {
            return Err(format!(
                "the string pool's entry at offset {entry_at} of `_StringPool` takes its strings to {total} bytes; `_StringData` holds {data_len}: a string pool longer than its data"
            ));
        }
    }
    Ok(())
}

/// The system tables the `msi` crate reads first (`_Tables`, `_Columns`,
/// `_Validation`) take their names from the string pool without checking
/// them: a null or missing string, or a null number, stops it. Each such
/// cell must name a string the pool holds (or be a number that is there).
/// Tables are stored a column at a time; a string reference is 2 bytes,
/// or 3 when the pool's header says so.
pub struct SystemTables<'a> {
    pub pool: &'a [u8],
}

impl SystemTables<'_> {
    fn long(&self) -> bool {
        u32_at(self.pool, 0) & 0x8000_0000 != 0
    }

    fn width(&self) -> usize {
        if self.long() { 3 } else { 2 }
    }

    fn slots(&self) -> u32 {
        (self.pool.len().saturating_sub(4) / 4) as u32
    }

    /// `_Tables`: one string column.
    pub fn tables(&self, stream: &[u8]) -> Result<(), String> {
        let rows = stream.len() / self.width();
        self.strings(stream, "_Tables", rows, 0)
    }

    /// `_Columns`: table name, number, column name, type.
    pub fn columns(&self, stream: &[u8]) -> Result<(), String> {
        let r = self.width();
        let rows = stream.len() / (2 * r + 4);
        self.strings(stream, "_Columns", rows, 0)?;
        self.numbers(stream, "_Columns", rows, rows * r)?;
        self.strings(stream, "_Columns", rows, rows * (r + 2))?;
        self.numbers(stream, "_Columns", rows, rows * (2 * r + 2))
    }

    /// `_Validation`: its first three columns, table and column names and
    /// whether the column may be null (of seven string and three number
    /// columns).
    pub fn validation(&self, stream: &[u8]) -> Result<(), String> {
        let r = self.width();
        let rows = stream.len() / (7 * r + 10);
        for column in 0..3 {
            self.strings(stream, "_Validation", rows, column * rows * r)?;
        }
        Ok(())
    }

    /// A column of `rows` string references from byte `start`.
    fn strings(&self, stream: &[u8], table: &str, rows: usize, start: usize) -> Result<(), String> {
        let (r, slots) = (self.width(), self.slots());
        for row in 0..rows {
            let at = |i: usize| u32::from(stream.get(start + row * r + i).copied().unwrap_or(0));
            let index = at(0) | at(1) << 8 | if r == 3 { at(2) << 16 } else { 0 };
            if index == 0 || index > slots {
                return Err(format!(
                    "row {} of `{table}` names string {index}, which the string pool ({slots} entries) does not hold",
                    row + 1
                ));
            }
        }
        Ok(())
    }

    /// A column of `rows` 2-byte numbers from byte `start` (0 is null).
    fn numbers(&self, stream: &[u8], table: &str, rows: usize, start: usize) -> Result<(), String> {
        for row in 0..rows {
            if u16_at(stream, start + row * 2) == 0 {
                return Err(format!(
                    "row {} of `{table}` has no number where one must be",
                    row + 1
                ));
            }
        }
        Ok(())
    }
}

/// Every string property of the summary information within its stream.
pub fn summary(stream: &[u8]) -> Result<(), String> {
    let len = stream.len() as u64;
    let section = u64::from(u32_at(stream, 44));
    let count = u64::from(u32_at(stream, section as usize + 4));
    for i in 0..count.min(len / 8) {
        let pair = section + 8 + i * 8;
        let offset = u64::from(u32_at(stream, pair as usize + 4));
        let value = section + offset;
        if value + 8 > len {
            continue;
        }
        if u32_at(stream, value as usize) == 30 {
            let claimed = u64::from(u32_at(stream, value as usize + 4));
            if claimed > len {
                return Err(format!(
                    "the summary information's string at offset {value} claims {claimed} bytes; the stream holds {len}"
                ));
            }
        }
    }
    Ok(())
}
