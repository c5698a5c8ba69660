//! The `ar` container of a Debian package, read as strictly as dpkg reads
//! it and no more loosely than GNU `ar` or APT: the 8-byte magic, then
//! members, each a 60-byte header (name, date, owner, group, mode, a
//! decimal size, the `` `\n `` terminator) and its content padded to an even
//! length. Member names are the 16-byte field with trailing spaces and one
//! GNU-style `/` removed, as dpkg normalises them; nothing else of the GNU or
//! BSD long-name schemes is read (dpkg reads none of it).

use super::super::compress::Codec;
use crate::engine::shared::text::escape_path;

/// The archive's first bytes.
pub const MAGIC: &[u8; 8] = b"!<arch>\n";
/// One member header.
pub const HEADER: usize = 60;
/// The member that opens every Debian package.
pub const DEBIAN_BINARY: &str = "debian-binary";
/// The debsigs signature member.
pub const GPG_ORIGIN: &str = "_gpgorigin";

/// One member's header, as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// The name as dpkg compares it (trailing spaces and `/` removed).
    pub name: Vec<u8>,
    pub size: u64,
}

impl Header {
    /// The name as findings show it.
    pub fn shown(&self) -> String {
        escape_path(&self.name)
    }
}

/// Reads a header block; `Err` says what is wrong with it.
pub fn parse(block: &[u8; HEADER]) -> Result<Header, String> {
    if &block[58..60] != b"`\n" {
        return Err("its header does not end in the ar terminator (`` `\\n ``)".to_string());
    }
    let size = size(&block[48..58])?;
    Ok(Header {
        name: name(&block[..16]),
        size,
    })
}

/// The name field without trailing spaces and one trailing `/`.
fn name(field: &[u8]) -> Vec<u8> {
    let mut end = field.len();
    while end > 0 && field[end - 1] == b' ' {
        end -= 1;
    }
    if end > 0 && field[end - 1] == b'/' {
        end -= 1;
    }
    field[..end].to_vec()
}

/// The size field: decimal digits from its first byte, then only spaces.
/// dpkg skips leading spaces and stops at the first space after digits;
/// GNU `ar` reads it with `strtol`: anything else could be sized
/// differently by them, and is refused.
fn size(field: &[u8]) -> Result<u64, String> {
    let digits = field.iter().take_while(|b| b.is_ascii_digit()).count();
    let (number, rest) = field.split_at(digits);
    if digits == 0 || rest.iter().any(|b| *b != b' ') {
        return Err(format!(
            "its size field `{}` is not decimal digits followed by spaces (unpacking tools could read another size)",
            escape_path(field)
        ));
    }
    number.iter().try_fold(0u64, |n, d| {
        n.checked_mul(10)
            .and_then(|n| n.checked_add(u64::from(d - b'0')))
            .ok_or_else(|| "its size field overflows".to_string())
    })
}

/// What a member is to a Debian package.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    DebianBinary,
    /// `control.tar` under a compression (`None`: uncompressed).
    Control(Option<Codec>),
    Data(Option<Codec>),
    /// The debsigs `_gpgorigin` signature.
    Signature,
    /// A name dpkg reads but no compression it or intake takes
    /// (`data.tar.lzma`), or any other name.
    Other,
}

/// What the member named `name` is.
pub fn role(name: &[u8]) -> Role {
    let codec = |ext: &[u8]| match ext {
        b"" => Some(None),
        b".gz" => Some(Some(Codec::Gzip)),
        b".xz" => Some(Some(Codec::Xz)),
        b".zst" => Some(Some(Codec::Zstd)),
        b".bz2" => Some(Some(Codec::Bzip2)),
        _ => None,
    };
    if name == DEBIAN_BINARY.as_bytes() {
        return Role::DebianBinary;
    }
    if name == GPG_ORIGIN.as_bytes() {
        return Role::Signature;
    }
    if let Some(ext) = name.strip_prefix(b"control.tar") {
        // dpkg takes no bzip2 control member.
        return match codec(ext) {
            Some(Some(Codec::Bzip2)) | None => Role::Other,
            Some(c) => Role::Control(c),
        };
    }
    if let Some(ext) = name.strip_prefix(b"data.tar") {
        return codec(ext).map_or(Role::Other, Role::Data);
    }
    Role::Other
}

/// What is odd about a name's bytes, if anything: dpkg compares names as
/// C strings (a NUL ends them), so a NUL, a control byte, a space or a
/// non-ASCII byte could make two tools see two names.
pub fn odd_bytes(name: &[u8]) -> Option<String> {
    if name.is_empty() {
        return Some("an empty member name".to_string());
    }
    let odd = name
        .iter()
        .find(|b| !(0x21..0x7f).contains(*b) || **b == b'/')?;
    Some(format!(
        "a member name with the byte 0x{odd:02x} in it: tools compare names differently (dpkg stops at a NUL); refused"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(name: &str, size: &str) -> [u8; HEADER] {
        let mut block = [b' '; HEADER];
        block[..name.len()].copy_from_slice(name.as_bytes());
        block[48..48 + size.len()].copy_from_slice(size.as_bytes());
        block[58..].copy_from_slice(b"`\n");
        block
    }

    #[test]
    fn names_lose_trailing_spaces_and_one_gnu_slash() {
        let h = parse(&header("debian-binary/", "4")).unwrap();
        assert_eq!(h.name, b"debian-binary");
        assert_eq!(h.size, 4);
        assert_eq!(
            parse(&header("data.tar.xz//", "1")).unwrap().name,
            b"data.tar.xz/"
        );
    }

    #[test]
    fn sizes_are_digits_then_spaces_only() {
        assert_eq!(
            parse(&header("a", "1234567890")).unwrap().size,
            1_234_567_890
        );
        for bad in [" 12", "12 3", "", "-1", "0x10", "1e3"] {
            assert!(parse(&header("a", bad)).is_err(), "{bad:?}");
        }
        let mut block = header("a", "1");
        block[59] = b'\r';
        assert!(parse(&block).unwrap_err().contains("terminator"));
    }

    #[test]
    fn roles_follow_dpkg_s_member_names() {
        assert_eq!(role(b"debian-binary"), Role::DebianBinary);
        assert_eq!(role(b"control.tar"), Role::Control(None));
        assert_eq!(role(b"control.tar.zst"), Role::Control(Some(Codec::Zstd)));
        assert_eq!(role(b"control.tar.bz2"), Role::Other);
        assert_eq!(role(b"data.tar.bz2"), Role::Data(Some(Codec::Bzip2)));
        assert_eq!(role(b"data.tar.lzma"), Role::Other);
        assert_eq!(role(b"_gpgorigin"), Role::Signature);
        assert_eq!(role(b"_gpgbuilder"), Role::Other);
    }

    #[test]
    fn odd_bytes_in_names_are_named() {
        assert!(odd_bytes(b"data.tar.xz").is_none());
        assert!(odd_bytes(b"data.tar\0.xz").unwrap().contains("0x00"));
        assert!(odd_bytes(b"data tar").unwrap().contains("0x20"));
        assert!(odd_bytes(b"d\xc3\xa4ta").is_some());
        assert!(odd_bytes(b"").is_some());
    }
}
