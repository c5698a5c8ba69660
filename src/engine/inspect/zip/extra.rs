//! The extra fields of a zip header, parsed strictly: a field whose length
//! runs past the end, or stray bytes after the last field, are refused
//! (Python's zipfile raises on the first, other readers skip both). Two
//! fields change what an entry is: the zip64 field (its sizes and offset)
//! and Info-ZIP's Unicode Path field (its name, for Info-ZIP unzip).

use super::bytes::{SENTINEL_16, SENTINEL_32, u16_at, u64_at};

pub const ZIP64_ID: u16 = 0x0001;
pub const UNICODE_PATH_ID: u16 = 0x7075;

/// The fields of an extra block, in order, or why it is malformed.
pub fn fields(extra: &[u8]) -> Result<Vec<(u16, &[u8])>, String> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < extra.len() {
        let Some(head) = extra.get(at..at + 4) else {
            return Err(format!(
                "{} stray bytes after the last field of its extra field (at byte {at} of it)",
                extra.len() - at
            ));
        };
        let (id, len) = (u16_at(head, 0), usize::from(u16_at(head, 2)));
        let Some(body) = extra.get(at + 4..at + 4 + len) else {
            return Err(format!(
                "extra field {id:#06x} claims {len} bytes but only {} remain: Python's zipfile refuses it, other readers skip it",
                extra.len() - at - 4
            ));
        };
        out.push((id, body));
        at += 4 + len;
    }
    Ok(out)
}

/// The first field with this id.
pub fn find<'a>(fields: &[(u16, &'a [u8])], id: u16) -> Option<&'a [u8]> {
    fields.iter().find(|(i, _)| *i == id).map(|(_, body)| *body)
}

/// The values a central record's zip64 field stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wide {
    pub size: u64,
    pub compressed: u64,
    pub offset: u64,
    pub disk: u64,
}

/// Replaces the fields marked with the sentinel by the zip64 field's
/// values, as Info-ZIP and Python do (in the order size, compressed size,
/// offset, disk; only for marked fields). A field with more values than
/// the marked ones is accepted only when it is the full set in that order
/// and agrees with the 32-bit fields: a reader that takes the values in
/// fixed order must read the same entry.
pub fn apply_zip64(body: &[u8], header: Wide) -> Result<Wide, String> {
    let mut out = header;
    let mut at = 0;
    let marked = [
        header.size == u64::from(SENTINEL_32),
        header.compressed == u64::from(SENTINEL_32),
        header.offset == u64::from(SENTINEL_32),
        header.disk == u64::from(SENTINEL_16),
    ];
    let names = [
        "size",
        "compressed size",
        "local header offset",
        "disk number",
    ];
    let slots = [
        &mut out.size,
        &mut out.compressed,
        &mut out.offset,
        &mut out.disk,
    ];
    for ((slot, is_marked), name) in slots.into_iter().zip(marked).zip(names) {
        if !is_marked {
            continue;
        }
        let width = if name == "disk number" { 4 } else { 8 };
        if at + width > body.len() {
            return Err(format!(
                "its {name} is marked as stored in the zip64 extra field, which does not hold it"
            ));
        }
        *slot = if width == 8 {
            u64_at(body, at)
        } else {
            u64::from(super::bytes::u32_at(body, at))
        };
        at += width;
    }
    if at == body.len() {
        return Ok(out);
    }
    let positional = [out.size, out.compressed, out.offset];
    let full = matches!(body.len(), 8 | 16 | 24 | 28);
    let agrees = full
        && positional
            .iter()
            .enumerate()
            .take(body.len().min(24) / 8)
            .all(|(i, v)| u64_at(body, i * 8) == *v)
        && (body.len() < 28 || u64::from(super::bytes::u32_at(body, 24)) == out.disk);
    if agrees {
        Ok(out)
    } else {
        Err(format!(
            "its zip64 extra field holds {} bytes where the fields marked 0xFFFFFFFF need {at}, and the values in it disagree with the header: readers that take them in fixed order would read other sizes or another offset",
            body.len()
        ))
    }
}

/// The name an Info-ZIP Unicode Path field gives (version 1 only; other
/// versions are ignored by every reader).
pub fn unicode_path(fields: &[(u16, &[u8])]) -> Option<Vec<u8>> {
    let body = find(fields, UNICODE_PATH_ID)?;
    (body.first() == Some(&1)).then(|| body.get(5..).unwrap_or_default().to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wide(size: u64, compressed: u64, offset: u64) -> Wide {
        Wide {
            size,
            compressed,
            offset,
            disk: 0,
        }
    }

    #[test]
    fn marked_fields_take_the_zip64_values_in_order() {
        let mut body = 5_000_000_000u64.to_le_bytes().to_vec();
        body.extend_from_slice(&7u64.to_le_bytes());
        let got = apply_zip64(&body, wide(0xFFFF_FFFF, 10, 0xFFFF_FFFF));
        assert_eq!(got, Ok(wide(5_000_000_000, 10, 7)));
        assert!(apply_zip64(&body[..8], wide(0xFFFF_FFFF, 10, 0xFFFF_FFFF)).is_err());
    }

    #[test]
    fn unmarked_values_must_agree_with_the_header() {
        let mut body = 5u64.to_le_bytes().to_vec();
        body.extend_from_slice(&3u64.to_le_bytes());
        assert_eq!(apply_zip64(&body, wide(5, 3, 0)), Ok(wide(5, 3, 0)));
        assert!(apply_zip64(&body, wide(5, 4, 0)).is_err());
        assert!(apply_zip64(&[0u8; 3], wide(5, 3, 0)).is_err());
    }

    #[test]
    fn malformed_blocks_are_refused() {
        assert!(fields(&[1, 0, 9, 0, 1]).is_err());
        assert!(fields(&[1, 0, 0, 0, 7]).is_err());
        assert_eq!(fields(&[1, 0, 1, 0, 7]), Ok(vec![(1, &[7u8][..])]));
    }
}
