//! Reading checksum lines as GNU coreutils' `sha256sum -c` reads them
//! (see [`parse`]): the one place a line becomes a name and a digest.

use super::{Algo, ChecksumFile, Entry};

/// Parses a checksum file's text (bytes, since names need not be UTF-8),
/// reading each line as `sha256sum -c` (GNU coreutils) reads it, so that a
/// line never names one file to intake and another to the tool operators
/// check with: see [`parse_gnu`] and [`parse_tag`]. A UTF-8 byte-order
/// mark at the start is skipped (Windows editors write one). A line that
/// is not UTF-8 or holds a NUL byte (where coreutils would cut the name
/// short) is not read.
pub fn parse(bytes: &[u8]) -> ChecksumFile {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut file = ChecksumFile::default();
    let mut form = GnuForm::Unknown;
    for (i, raw) in bytes.split(|b| *b == b'\n').enumerate() {
        // coreutils removes one carriage return, no more.
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        let Ok(line) = std::str::from_utf8(raw) else {
            file.unreadable_lines += 1;
            continue;
        };
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let parsed = if line.contains('\0') {
            None
        } else {
            parse_line(line, &mut form)
        };
        match parsed {
            Some((algo, name, digest)) => file.entries.push(Entry {
                algo,
                name,
                digest,
                line: i + 1,
            }),
            None => file.unreadable_lines += 1,
        }
    }
    file
}

/// Which of the two untagged forms a file uses. coreutils decides on the
/// first untagged line and holds the whole file to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum GnuForm {
    Unknown,
    /// `<hex> <space|*><name>`: a type indicator follows the separator.
    Standard,
    /// `<hex> <name>` (`md5 -r`): the name follows the separator directly.
    Reversed,
}

fn parse_line(line: &str, form: &mut GnuForm) -> Option<(Algo, Option<String>, Vec<u8>)> {
    parse_gnu(line, form)
        .or_else(|| parse_tag(line))
        .or_else(|| parse_bare(line))
}

/// The untagged forms, exactly as coreutils' `sha256sum -c` splits them:
/// leading blanks skipped; an optional `\` (escaped name); the hex digest
/// ended by ONE space or tab; then, in the standard form, a type indicator
/// (` ` text or `*` binary) and the name, or in the reversed form the name
/// at once. Everything after that, spaces included, is the name.
fn parse_gnu(line: &str, form: &mut GnuForm) -> Option<(Algo, Option<String>, Vec<u8>)> {
    let line = line.trim_start_matches([' ', '\t']);
    let (escaped, line) = match line.strip_prefix('\\') {
        Some(rest) => (true, rest),
        None => (false, line),
    };
    let (hex_part, rest) = line.split_once([' ', '\t'])?;
    let digest = hex::decode(hex_part).ok()?;
    let algo = Algo::from_digest_len(digest.len())?;
    let indicated = rest.len() > 1 && (rest.starts_with(' ') || rest.starts_with('*'));
    let name = match (indicated, *form) {
        // A reversed line in a standard file is refused by coreutils.
        (false, GnuForm::Standard) => return None,
        (false, _) => {
            *form = GnuForm::Reversed;
            rest
        }
        // In a reversed file, a leading space or `*` is part of the name.
        (true, GnuForm::Reversed) => rest,
        (true, _) => {
            *form = GnuForm::Standard;
            rest.get(1..)?
        }
    };
    if name.is_empty() {
        return None;
    }
    let name = if escaped {
        unescape(name)?
    } else {
        name.to_string()
    };
    Some((algo, Some(name), digest))
}

fn unescape(name: &str) -> Option<String> {
    let mut out = String::with_capacity(name.len());
    let mut chars = name.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next()? {
                '\\' => out.push('\\'),
                'n' => out.push('\n'),
                'r' => out.push('\r'),
                _ => return None,
            }
        } else {
            out.push(c);
        }
    }
    Some(out)
}

/// `SHA256 (name) = <hex>` (BSD, `sha256sum --tag`) or `SHA2-256(name)= <hex>`
/// (OpenSSL), split as coreutils splits them: leading blanks and an
/// optional `\` (escaped name), the tag, at most one space, `(`; the name
/// runs to the LAST `)` of the line; then blanks, `=`, blanks and the
/// digest to the end of the line.
fn parse_tag(line: &str) -> Option<(Algo, Option<String>, Vec<u8>)> {
    let line = line.trim_start_matches([' ', '\t']);
    let (escaped, line) = match line.strip_prefix('\\') {
        Some(rest) => (true, rest),
        None => (false, line),
    };
    let open = line.find('(')?;
    let tag = line.get(..open)?;
    let algo = Algo::from_tag(tag.strip_suffix(' ').unwrap_or(tag))?;
    let close = line.rfind(')')?;
    let name = line.get(open + 1..close)?;
    let hex_part = line
        .get(close + 1..)?
        .trim_start_matches([' ', '\t'])
        .strip_prefix('=')?
        .trim_start_matches([' ', '\t']);
    if name.is_empty() {
        return None;
    }
    let digest = hex::decode(hex_part).ok()?;
    if digest.len() != algo.digest_len() {
        return None;
    }
    let name = if escaped {
        unescape(name)?
    } else {
        name.to_string()
    };
    Some((algo, Some(name), digest))
}

/// A line that is only a digest (`.sha256` files).
fn parse_bare(line: &str) -> Option<(Algo, Option<String>, Vec<u8>)> {
    let digest = hex::decode(line.trim()).ok()?;
    let algo = Algo::from_digest_len(digest.len())?;
    Some((algo, None, digest))
}
