//! The PE headers, read from the bytes at the start of the file: where the
//! checksum field and the certificate-table directory entry are (the two
//! places the Authenticode image digest skips), where the certificate
//! table says it is, and the section table. Every offset and size is the
//! file's claim: nothing here allocates by it; the caller judges it against
//! the bytes that actually come.

/// The most header bytes read before the section table must have ended
/// (the DOS stub, the PE header, the optional header and 96 sections fit
/// in a few KiB; Windows loads no image whose headers pass 64 KiB... the
/// margin is generous).
pub const HEADERS_MAX: u64 = 1 << 20;
/// The most sections the Windows loader accepts.
pub const SECTIONS_MAX: u16 = 96;

const PE32_MAGIC: u16 = 0x10b;
const PE32_PLUS_MAGIC: u16 = 0x20b;
/// Index of the certificate table in the data directories.
const CERTIFICATE_DIRECTORY: u32 = 4;

/// What the headers say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    /// 32 or 64.
    pub bits: u8,
    pub machine: u16,
    /// Offset of the 4-byte `CheckSum` field.
    pub checksum_at: u64,
    /// Offset of the 8-byte certificate-table directory entry, when the
    /// optional header has one.
    pub directory_at: Option<u64>,
    /// The certificate table (file offset, size) the entry names, if any.
    pub certificate_table: Option<(u64, u64)>,
    pub size_of_headers: u64,
    /// Where the header bytes read end (past the section table).
    pub headers_end: u64,
    pub sections: Vec<Section>,
}

/// One section's raw data in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub name: String,
    pub raw_at: u64,
    pub raw_size: u64,
}

/// Why the headers cannot be used, naming the offset.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("at offset {offset}: {what}")]
pub struct HeaderProblem {
    pub offset: u64,
    pub what: String,
}

fn problem(offset: u64, what: impl Into<String>) -> HeaderProblem {
    HeaderProblem {
        offset,
        what: what.into(),
    }
}

/// How many bytes from the start the headers need, as far as `head`
/// (the bytes read so far) tells: `Ok(n)` with `n <= head.len()` means
/// enough are there.
pub fn needed(head: &[u8]) -> Result<u64, HeaderProblem> {
    let Some(pe_at) = u32_at(head, 0x3c) else {
        return Ok(0x40);
    };
    let pe_at = u64::from(pe_at);
    if pe_at + 24 > HEADERS_MAX {
        return Err(problem(
            0x3c,
            format!("the PE header offset {pe_at} is implausibly far"),
        ));
    }
    let coff = pe_at + 4;
    let (Some(sections), Some(optional)) = (u16_at(head, coff + 2), u16_at(head, coff + 16)) else {
        return Ok(pe_at + 24);
    };
    Ok(coff + 20 + u64::from(optional) + 40 * u64::from(sections))
}

/// Parses the headers from `head`, which holds at least [`needed`] bytes.
pub fn parse(head: &[u8]) -> Result<Layout, HeaderProblem> {
    if !head.starts_with(b"MZ") {
        return Err(problem(0, "no `MZ` signature"));
    }
    let pe_at = u64::from(u32_at(head, 0x3c).ok_or_else(|| problem(0x3c, "truncated DOS header"))?);
    if head.get(pe_at as usize..pe_at as usize + 4) != Some(b"PE\0\0") {
        return Err(problem(
            pe_at,
            "no `PE\\0\\0` signature where the DOS header points",
        ));
    }
    let coff = pe_at + 4;
    let truncated = |at: u64| problem(at, "the headers are truncated");
    let machine = u16_at(head, coff).ok_or_else(|| truncated(coff))?;
    let sections = u16_at(head, coff + 2).ok_or_else(|| truncated(coff))?;
    let optional_size = u64::from(u16_at(head, coff + 16).ok_or_else(|| truncated(coff))?);
    if sections > SECTIONS_MAX {
        return Err(problem(
            coff + 2,
            format!("{sections} sections (the loader accepts {SECTIONS_MAX})"),
        ));
    }
    let optional = coff + 20;
    let magic = u16_at(head, optional).ok_or_else(|| truncated(optional))?;
    let (bits, directories) = match magic {
        PE32_MAGIC => (32, optional + 96),
        PE32_PLUS_MAGIC => (64, optional + 112),
        other => {
            return Err(problem(
                optional,
                format!("unknown optional-header magic {other:#x}"),
            ));
        }
    };
    let optional_end = optional + optional_size;
    if directories > optional_end {
        return Err(problem(
            optional,
            "the optional header is too short for its fields",
        ));
    }
    let size_of_headers =
        u64::from(u32_at(head, optional + 60).ok_or_else(|| truncated(optional))?);
    let count = u64::from(u32_at(head, directories - 4).ok_or_else(|| truncated(directories))?);
    let directory_at = directories + 8 * u64::from(CERTIFICATE_DIRECTORY);
    let has_directory =
        count > u64::from(CERTIFICATE_DIRECTORY) && directory_at + 8 <= optional_end;
    let (directory_at, certificate_table) = if has_directory {
        let at = u64::from(u32_at(head, directory_at).ok_or_else(|| truncated(directory_at))?);
        let size =
            u64::from(u32_at(head, directory_at + 4).ok_or_else(|| truncated(directory_at))?);
        (
            Some(directory_at),
            (at != 0 || size != 0).then_some((at, size)),
        )
    } else {
        (None, None)
    };
    let table_at = optional_end;
    let list = section_table(head, table_at, sections)?;
    Ok(Layout {
        bits,
        machine,
        checksum_at: optional + 64,
        directory_at,
        certificate_table,
        size_of_headers,
        headers_end: table_at + 40 * u64::from(sections),
        sections: list,
    })
}

/// The section table at `table_at`: `sections` entries of 40 bytes.
fn section_table(head: &[u8], table_at: u64, sections: u16) -> Result<Vec<Section>, HeaderProblem> {
    let mut list = Vec::with_capacity(usize::from(sections));
    for i in 0..u64::from(sections) {
        let at = table_at + 40 * i;
        let raw = head
            .get(at as usize..at as usize + 40)
            .ok_or_else(|| problem(at, "the headers are truncated"))?;
        let name_bytes = raw.get(..8).unwrap_or_default();
        let end = name_bytes.iter().position(|b| *b == 0).unwrap_or(8);
        list.push(Section {
            name: String::from_utf8_lossy(name_bytes.get(..end).unwrap_or_default()).into_owned(),
            raw_size: u64::from(u32_at(raw, 16).unwrap_or(0)),
            raw_at: u64::from(u32_at(raw, 20).unwrap_or(0)),
        });
    }
    Ok(list)
}

/// Sections that overlap another's raw data, named with the offset: two
/// readers of such an image can disagree about what code it holds.
pub fn overlaps(sections: &[Section]) -> Vec<HeaderProblem> {
    let mut sorted: Vec<&Section> = sections.iter().filter(|s| s.raw_size > 0).collect();
    sorted.sort_by_key(|s| s.raw_at);
    sorted
        .windows(2)
        .filter_map(|pair| match pair {
            [a, b] if b.raw_at < a.raw_at + a.raw_size => Some(problem(
                b.raw_at,
                format!(
                    "sections `{}` ({} bytes at {}) and `{}` overlap",
                    a.name, a.raw_size, a.raw_at, b.name
                ),
            )),
            _ => None,
        })
        .collect()
}

/// Where the last section's raw data ends.
pub fn image_end(layout: &Layout) -> u64 {
    layout
        .sections
        .iter()
        .map(|s| s.raw_at + s.raw_size)
        .chain([layout.size_of_headers])
        .max()
        .unwrap_or(0)
}

fn u16_at(bytes: &[u8], at: u64) -> Option<u16> {
    let at = usize::try_from(at).ok()?;
    let b = bytes.get(at..at.checked_add(2)?)?;
    Some(u16::from_le_bytes(b.try_into().ok()?))
}

pub(super) fn u32_at(bytes: &[u8], at: u64) -> Option<u32> {
    let at = usize::try_from(at).ok()?;
    let b = bytes.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes(b.try_into().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn section(name: &str, raw_at: u64, raw_size: u64) -> Section {
        Section {
            name: name.into(),
            raw_at,
            raw_size,
        }
    }

    #[test]
    fn overlapping_sections_are_named_with_the_offset_and_empty_ones_ignored() {
        let found = overlaps(&[
            section(".b", 0x600, 0x200),
            section(".a", 0x400, 0x300),
            section(".bss", 0x500, 0),
        ]);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].offset, 0x600);
        assert!(
            found[0]
                .what
                .contains("`.a` (768 bytes at 1024) and `.b` overlap")
        );
        assert!(overlaps(&[section(".a", 0x400, 0x200), section(".b", 0x600, 0x200)]).is_empty());
    }

    #[test]
    fn the_header_size_needed_is_bounded_by_the_pe_offset_claimed() {
        let mut head = vec![0u8; 0x40];
        head[0x3c..0x40].copy_from_slice(&u32::MAX.to_le_bytes());
        let err = needed(&head).unwrap_err();
        assert_eq!(err.offset, 0x3c);
        head[0x3c..0x40].copy_from_slice(&0x80u32.to_le_bytes());
        assert_eq!(needed(&head), Ok(0x80 + 24));
    }

    #[test]
    fn bytes_that_are_not_a_pe_are_refused_naming_where() {
        assert_eq!(parse(b"ZM").unwrap_err().offset, 0);
        let mut head = vec![0u8; 0x100];
        head[..2].copy_from_slice(b"MZ");
        head[0x3c] = 0x80;
        let err = parse(&head).unwrap_err();
        assert_eq!(err.offset, 0x80);
    }
}
