//! Comments (the archive's and each entry's) must be plain printable text.
//! A comment is the one part of a zip that no reader checks: it can carry
//! a second archive or an executable that another tool finds by scanning
//! for its signature, and Info-ZIP prints it raw to the operator's
//! terminal. So a comment is refused when it is not UTF-8, holds control
//! characters other than tab, CR and LF, holds bidirectional overrides, or
//! holds the signature of a zip record, a tar header, gzip or an
//! executable.

/// Signatures a comment must not hold, with what they start.
const SIGNATURES: [(&[u8], &str); 10] = [
    (b"PK\x03\x04", "a zip local header"),
    (b"PK\x01\x02", "a zip central-directory record"),
    (b"PK\x05\x06", "a zip end record"),
    (b"PK\x06\x06", "a zip64 end record"),
    (b"PK\x06\x07", "a zip64 end-record locator"),
    (b"PK\x07\x08", "a zip data descriptor"),
    (b"ustar", "a tar header"),
    (b"\x1f\x8b", "a gzip stream"),
    (b"MZ", "a Windows executable"),
    (b"\x7fELF", "an ELF executable"),
];

/// What is wrong with a comment, and at which byte of it.
pub fn problem(comment: &[u8]) -> Option<(usize, String)> {
    for (magic, what) in SIGNATURES {
        if let Some(at) = comment.windows(magic.len()).position(|w| w == magic) {
            return Some((at, format!("holds the signature of {what}")));
        }
    }
    let text = match std::str::from_utf8(comment) {
        Ok(text) => text,
        Err(e) => {
            return Some((
                e.valid_up_to(),
                "is not UTF-8 text (readers would show it in different encodings)".to_string(),
            ));
        }
    };
    text.char_indices().find_map(|(at, c)| {
        if c.is_control() && !matches!(c, '\t' | '\r' | '\n') {
            Some((
                at,
                format!("holds the control character U+{:04X}", u32::from(c)),
            ))
        } else if crate::engine::shared::text::is_bidi_control(c) {
            Some((
                at,
                format!(
                    "holds the bidirectional-override character U+{:04X}",
                    u32::from(c)
                ),
            ))
        } else {
            None
        }
    })
}

#[cfg(test)]
mod tests {
    use super::problem;

    #[test]
    fn plain_text_passes_and_the_rest_is_located() {
        assert_eq!(problem(b"Release 4.2.1\r\n\tbuilt 2026-03-02"), None);
        assert_eq!(problem(b"").map(|p| p.0), None);
        assert_eq!(problem(b"abc\x1b[2J").map(|p| p.0), Some(3));
        assert_eq!(problem(b"ab\xff").map(|p| p.0), Some(2));
        assert_eq!(problem(b"see ustar").map(|p| p.0), Some(4));
        assert_eq!(problem("a\u{202E}b".as_bytes()).map(|p| p.0), Some(1));
    }
}
