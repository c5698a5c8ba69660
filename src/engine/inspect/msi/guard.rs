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

/// Every row of `_Tables` (one string reference each, 2 bytes or, when
/// the pool's header says so, 3) must name a string the pool holds: the
/// `msi` crate takes each as a table name without checking, and a null
/// or missing one stops it.
pub fn table_names(tables: &[u8], pool: &[u8]) -> Result<(), String> {
    let long = u32_at(pool, 0) & 0x8000_0000 != 0;
    let width = if long { 3 } else { 2 };
    let slots = (pool.len().saturating_sub(4) / 4) as u32;
    for (row, r) in tables.chunks_exact(width).enumerate() {
        let at = |i: usize| u32::from(r.get(i).copied().unwrap_or(0));
        let index = at(0) | at(1) << 8 | if long { at(2) << 16 } else { 0 };
        if index == 0 || index > slots {
            return Err(format!(
                "row {} of `_Tables` names string {index}, which the string pool ({slots} entries) does not hold",
                row + 1
            ));
        }
    }
    Ok(())
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
