//! The two entry headers an rpm payload holds: `newc` (`070701`, 110
//! ASCII bytes: the magic and thirteen 8-digit hex fields) and rpm's
//! stripped entries (`07070X`, see [`super::super::stripped`]). Anything
//! else is refused, naming what it is.

/// A `newc` header's length.
pub const NEWC: usize = 110;

/// A parsed header.
pub struct Fields {
    pub ino: u64,
    pub mode: u32,
    pub nlink: u64,
    pub size: u64,
    pub namesize: u64,
}

/// Reads a `newc` header: the magic and thirteen 8-digit hex fields.
pub fn parse(h: &[u8; NEWC]) -> Result<Fields, String> {
    match &h[..6] {
        b"070701" => {}
        b"070702" => {
            return Err(
                "the cpio `crc` format (070702): rpm writes `newc` (070701) only; refused".into(),
            );
        }
        b"07070X" => {
            return Err(
                "rpm's stripped entry (07070X) in a package whose header lists no LONGFILESIZES: rpm writes those only with them; refused".into(),
            );
        }
        other => {
            return Err(format!(
                "magic `{}` where `070701` must be",
                crate::engine::shared::text::escape_path(other)
            ));
        }
    }
    let field = |i: usize| -> Result<u64, String> {
        let text = &h[6 + i * 8..6 + (i + 1) * 8];
        if !text.iter().all(u8::is_ascii_hexdigit) {
            return Err(format!(
                "field {} is `{}`, not 8 hex digits",
                i + 1,
                crate::engine::shared::text::escape_path(text)
            ));
        }
        let s = std::str::from_utf8(text).map_err(|e| e.to_string())?;
        u64::from_str_radix(s, 16).map_err(|e| e.to_string())
    };
    Ok(Fields {
        ino: field(0)?,
        mode: field(1)? as u32,
        nlink: field(4)?,
        size: field(6)?,
        namesize: field(11)?,
    })
}
