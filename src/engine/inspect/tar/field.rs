//! The fixed fields of a tar header, read exactly as strictly as the
//! readers operators use agree on them. GNU tar reads a numeric field up to
//! its first non-digit (after one stray leading NUL and any blanks), bsdtar
//! likewise, and Python's tarfile cuts it at the first NUL and refuses what
//! is left unless it is one octal number: so `0000 007000` is 0 to GNU tar
//! and an error to Python. Only the forms all of them read the same are
//! accepted: a field of NULs (zero), or optional leading spaces, octal
//! digits, then nothing but spaces and NULs; base-256 only with the `0x80`
//! lead byte, in the fields and ranges GNU tar accepts it.

use super::super::safety::shown;

pub const BLOCK: usize = 512;

/// A numeric header field: where it is, its name in findings, the largest
/// value GNU tar accepts in it and whether GNU tar reads base-256 there.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub name: &'static str,
    start: usize,
    end: usize,
    max: u64,
    base256: bool,
}

const U32: u64 = u32::MAX as u64;
const I64: u64 = i64::MAX as u64;

pub const MODE: Field = Field::new("mode", 100, 108, u64::MAX, true);
pub const UID: Field = Field::new("uid", 108, 116, U32, true);
pub const GID: Field = Field::new("gid", 116, 124, U32, true);
pub const SIZE: Field = Field::new("size", 124, 136, I64, true);
pub const MTIME: Field = Field::new("mtime", 136, 148, I64, true);
/// GNU tar reads the checksum as octal only (`octal_only`).
pub const CHECKSUM: Field = Field::new("checksum", 148, 156, u64::MAX, false);
/// Python's tarfile reads the device numbers of every header, not only of
/// devices, and refuses the header when they are malformed.
pub const DEVMAJOR: Field = Field::new("devmajor", 329, 337, U32, true);
pub const DEVMINOR: Field = Field::new("devminor", 337, 345, U32, true);

/// The fields judged on every header besides the size and checksum.
pub const OTHERS: [Field; 6] = [MODE, UID, GID, MTIME, DEVMAJOR, DEVMINOR];

impl Field {
    const fn new(name: &'static str, start: usize, end: usize, max: u64, base256: bool) -> Self {
        Field {
            name,
            start,
            end,
            max,
            base256,
        }
    }

    fn bytes(self, header: &[u8; BLOCK]) -> &[u8] {
        header.get(self.start..self.end).unwrap_or(&[])
    }

    /// The field's value, or in words why it cannot be read the same way
    /// by every tool.
    pub fn read(self, header: &[u8; BLOCK]) -> Result<u64, String> {
        let bytes = self.bytes(header);
        parse(bytes, self.base256, self.max).map_err(|why| why.words(self, bytes))
    }
}

/// Why a numeric field was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// Anything but (spaces, octal digits, spaces/NULs) or all NULs.
    NotOctal,
    /// Base-256 where GNU tar reads octal only.
    Base256Here,
    /// A base-256 lead byte other than 0x80 or 0xFF.
    BadLead,
    /// A negative (0xFF-led) base-256 number.
    Negative,
    /// More than the field's type holds in GNU tar.
    TooBig,
}

/// Reads a numeric field; see the module comment for the accepted forms.
pub fn parse(bytes: &[u8], base256: bool, max: u64) -> Result<u64, Refused> {
    let Some(&lead) = bytes.first() else {
        return Err(Refused::NotOctal);
    };
    if bytes.iter().all(|b| *b == 0) {
        return Ok(0);
    }
    if lead & 0x80 != 0 {
        if !base256 {
            return Err(Refused::Base256Here);
        }
        match lead {
            0x80 => {}
            0xFF => return Err(Refused::Negative),
            _ => return Err(Refused::BadLead),
        }
        let value = bytes
            .iter()
            .skip(1)
            .try_fold(0u64, |v, b| v.checked_mul(256)?.checked_add(u64::from(*b)));
        return value.filter(|v| *v <= max).ok_or(Refused::TooBig);
    }
    let blanks = bytes.iter().take_while(|b| **b == b' ').count();
    let text = bytes.get(blanks..).unwrap_or(&[]);
    let digits = text
        .iter()
        .take_while(|b| (b'0'..=b'7').contains(*b))
        .count();
    let (number, rest) = text.split_at(digits);
    if number.is_empty() || rest.iter().any(|b| *b != 0 && *b != b' ') {
        return Err(Refused::NotOctal);
    }
    let value = number.iter().try_fold(0u64, |v, d| {
        v.checked_mul(8)?.checked_add(u64::from(d - b'0'))
    });
    value.filter(|v| *v <= max).ok_or(Refused::TooBig)
}

impl Refused {
    fn words(self, field: Field, bytes: &[u8]) -> String {
        let name = field.name;
        let trimmed = match bytes.iter().rposition(|b| *b != 0) {
            Some(last) => bytes.get(..=last).unwrap_or(bytes),
            None => bytes,
        };
        let text = shown(trimmed);
        match self {
            Refused::NotOctal => format!(
                "the {name} field `{text}` is not plain octal: GNU tar and bsdtar read it up to \
                 the first character that is not a digit, Python's tarfile refuses it, so tools \
                 could read a different {name}; refused"
            ),
            Refused::Base256Here => format!(
                "the {name} field `{text}` is in base-256, which GNU tar never reads there \
                 (Python's tarfile and bsdtar do); refused"
            ),
            Refused::BadLead => format!(
                "the {name} field `{text}` starts with a byte that is neither octal nor a \
                 base-256 marker GNU tar or Python's tarfile accept (bsdtar reads it as \
                 base-256); refused"
            ),
            Refused::Negative => format!(
                "the {name} field holds a negative base-256 number (`{text}`): tools read \
                 negative values differently; refused"
            ),
            Refused::TooBig => format!(
                "the {name} field `{text}` holds more than GNU tar accepts for a {name} \
                 (at most {}); refused",
                field.max
            ),
        }
    }
}

/// Checks the header checksum; `Err` says why the header is refused.
pub fn checksum(header: &[u8; BLOCK]) -> Result<(), String> {
    let stored = CHECKSUM.read(header)?;
    let sum: u64 = header
        .iter()
        .enumerate()
        .map(|(i, b)| {
            if (CHECKSUM.start..CHECKSUM.end).contains(&i) {
                u64::from(b' ')
            } else {
                u64::from(*b)
            }
        })
        .sum();
    if sum == stored {
        Ok(())
    } else {
        Err("checksum mismatch".to_string())
    }
}

/// A field as a C string: up to its first NUL.
pub fn cstr(field: &[u8]) -> &[u8] {
    let end = field.iter().position(|b| *b == 0).unwrap_or(field.len());
    field.get(..end).unwrap_or(field)
}

/// The header's own name field.
pub fn name(header: &[u8; BLOCK]) -> &[u8] {
    cstr(&header[..100])
}

/// The header's own link field.
pub fn link(header: &[u8; BLOCK]) -> &[u8] {
    cstr(&header[157..257])
}

/// The ustar prefix field (bytes 345..500).
pub fn prefix(header: &[u8; BLOCK]) -> &[u8] {
    cstr(&header[345..500])
}

/// Whether the header has the POSIX `ustar\0` magic (the only one whose
/// prefix field GNU tar and bsdtar read).
pub fn is_posix_ustar(header: &[u8; BLOCK]) -> bool {
    &header[257..263] == b"ustar\0"
}

/// The name of a plain header, with the ustar prefix when there is one.
pub fn ustar_name(header: &[u8; BLOCK]) -> Vec<u8> {
    let name = name(header);
    let prefix = prefix(header);
    if is_posix_ustar(header) && !prefix.is_empty() {
        let mut full = prefix.to_vec();
        full.push(b'/');
        full.extend_from_slice(name);
        full
    } else {
        name.to_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ANY: u64 = u64::MAX;

    #[test]
    fn accepted_numeric_forms() {
        for (bytes, value) in [
            (&b"0000644\0"[..], 0o644),
            (b"0000644 ", 0o644),
            (b"000644 \0", 0o644),
            (b"   644 \0", 0o644),
            (b"    644\0", 0o644),
            (b"644\0\0\0\0\0", 0o644),
            (b"644 \0 \0 ", 0o644),
            (b"00000000", 0),
            (b"\0\0\0\0\0\0\0\0", 0),
            (b"77777777", 0o77777777),
            (b"\x80\0\0\0\0\0\0\x07", 7),
            (b"\x80\0\0\0\0\0\x01\0", 256),
        ] {
            assert_eq!(parse(bytes, true, ANY), Ok(value), "{bytes:?}");
        }
    }

    #[test]
    fn refused_numeric_forms() {
        for (bytes, why) in [
            // Digits with a gap: GNU tar reads 0, Python refuses.
            (&b"0000 007000\0"[..], Refused::NotOctal),
            (b"4750 644", Refused::NotOctal),
            (b"0006\x0044\0", Refused::NotOctal),
            (b"0000009\0", Refused::NotOctal),
            (b"0000008\0", Refused::NotOctal),
            (b"+0000644", Refused::NotOctal),
            (b"-0000644", Refused::NotOctal),
            (b"0_000644", Refused::NotOctal),
            // A leading NUL: GNU tar skips it and reads 644, Python reads 0.
            (b"\x00000644\0", Refused::NotOctal),
            // Blanks only: GNU tar refuses, Python reads 0.
            (b"        ", Refused::NotOctal),
            // Blanks then NULs: no digit at all, not a form tar writers use.
            (b"   \0\0\0\0\0", Refused::NotOctal),
            // Tabs and other white space: not a form tar writers use.
            (b"\t0000644", Refused::NotOctal),
            (b"0000644\t", Refused::NotOctal),
            (b"0000644\n", Refused::NotOctal),
            (b"x", Refused::NotOctal),
            (b"", Refused::NotOctal),
            (b"\xff\xff\xff\xff\xff\xff\xff\xf9", Refused::Negative),
            (b"\x81\0\0\0\0\0\0\x07", Refused::BadLead),
            (b"\xc0\0\0\0\0\0\0\x07", Refused::BadLead),
        ] {
            assert_eq!(parse(bytes, true, ANY), Err(why), "{bytes:?}");
        }
        assert_eq!(
            parse(b"\x80\0\0\0\0\0\0\x07", false, ANY),
            Err(Refused::Base256Here)
        );
        // Over the type GNU tar reads the field into.
        assert_eq!(
            parse(b"\x80\0\x01\0\0\0\0\0", true, U32),
            Err(Refused::TooBig)
        );
        assert_eq!(
            parse(b"\x80\x01\0\0\0\0\0\0\0\0\0\0", true, I64),
            Err(Refused::TooBig)
        );
        assert_eq!(
            parse(b"\x80\x7f\xff\xff\xff\xff\xff\xff\xff", true, I64),
            Ok(I64)
        );
    }

    #[test]
    fn refusals_quote_the_field() {
        let mut header = [0u8; BLOCK];
        header[124..136].copy_from_slice(b"0000 007000\0");
        let words = SIZE.read(&header).unwrap_err();
        assert!(
            words.starts_with("the size field `0000 007000` is not plain octal"),
            "{words}"
        );
    }
}
