//! Text from inputs, made safe to write and to show: names escaped so any
//! byte sequence round-trips and no line can be forged by a name (`\\`,
//! `\t`, `\n`, `\r`, and `\xHH` for every other control byte, invalid
//! UTF-8 byte and bidirectional-override character); free text escaped so
//! no character acts on a terminal; numbers and digests made readable.

/// Characters that reorder text on screen: a name holding them can show
/// something other than what it is.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Escapes a raw path for the manifest (see the module docs).
pub fn escape_path(path: &[u8]) -> String {
    // Most names are plain printable ASCII: copied as they are, without the
    // character walk (a hostile archive's names can add up to many MiB).
    if path.iter().all(|b| (0x20..0x7f).contains(b) && *b != b'\\') {
        return String::from_utf8_lossy(path).into_owned();
    }
    let mut out = String::with_capacity(path.len());
    for chunk in path.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                '\t' => out.push_str("\\t"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                c if c.is_control() || is_bidi_control(c) => {
                    let mut buf = [0u8; 4];
                    for b in c.encode_utf8(&mut buf).bytes() {
                        out.push_str(&format!("\\x{b:02x}"));
                    }
                }
                c => out.push(c),
            }
        }
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out
}

/// Whether a character may not reach a terminal (or a document) raw:
/// control characters (C0 including ESC, DEL, C1), characters that reorder
/// text, and the Unicode line and paragraph separators.
pub fn is_unsafe_to_show(c: char) -> bool {
    c.is_control() || is_bidi_control(c) || matches!(c, '\u{2028}' | '\u{2029}')
}

/// Free text from outside (a product name, a user ID, a summary, a name
/// given on the command line) as it may be shown on one line: every
/// character [`is_unsafe_to_show`] becomes a visible escape (`\n`, `\r`,
/// `\t`, otherwise `\u{001b}`), so no text can move the cursor, recolour
/// the screen, start a new line or reorder what follows it. Backslashes
/// are left as they are: this is for reading, not for parsing back.
pub fn shown_text(text: &str) -> std::borrow::Cow<'_, str> {
    escape_unsafe(text, false)
}

/// A block of text the program composed (several lines): as
/// [`shown_text`], but line feeds stay line feeds.
pub fn shown_lines(text: &str) -> std::borrow::Cow<'_, str> {
    escape_unsafe(text, true)
}

fn escape_unsafe(text: &str, keep_newlines: bool) -> std::borrow::Cow<'_, str> {
    let keep = |c: char| !is_unsafe_to_show(c) || (keep_newlines && c == '\n');
    if text.chars().all(keep) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            c if keep(c) => out.push(c),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push_str(&format!("\\u{{{:04x}}}", c as u32)),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Reverses [`escape_path`]; `None` for a malformed escape.
pub fn unescape_path(escaped: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(escaped.len());
    let mut bytes = escaped.bytes();
    while let Some(b) = bytes.next() {
        if b != b'\\' {
            out.push(b);
            continue;
        }
        match bytes.next()? {
            b'\\' => out.push(b'\\'),
            b't' => out.push(b'\t'),
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b'x' => {
                let hi = bytes.next()?;
                let lo = bytes.next()?;
                let pair = [hi, lo];
                let text = std::str::from_utf8(&pair).ok()?;
                out.push(u8::from_str_radix(text, 16).ok()?);
            }
            _ => return None,
        }
    }
    Some(out)
}

/// `s` as one word for a POSIX shell, to paste: unchanged when it is only
/// letters, digits and `/._-+:@,=%`, else in single quotes (a quote inside
/// written `'\''`).
pub fn shell_quoted(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+:@,=%".contains(c));
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// `3f1a9c…e07b`: enough of a digest for people to compare by eye.
pub fn short(hex: &str) -> String {
    match (hex.get(..6), hex.get(hex.len().saturating_sub(4)..)) {
        (Some(head), Some(tail)) if hex.len() > 12 => format!("{head}…{tail}"),
        _ => hex.to_string(),
    }
}

/// `48,213,504`: digits grouped for reading aloud.
pub fn group(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_quoted_pastes_as_one_word() {
        assert_eq!(
            shell_quoted("/srv/c/meridian-4.2.1.toml"),
            "/srv/c/meridian-4.2.1.toml"
        );
        assert_eq!(
            shell_quoted("/srv/my checklists/a.toml"),
            "'/srv/my checklists/a.toml'"
        );
        assert_eq!(shell_quoted("it's;rm"), "'it'\\''s;rm'");
        assert_eq!(shell_quoted(""), "''");
    }

    #[test]
    fn every_byte_sequence_round_trips() {
        let samples: Vec<Vec<u8>> = vec![
            b"meridian/bin/meridian".to_vec(),
            b"tab\there\nnew\rline\\back".to_vec(),
            vec![0xff, 0xfe, b'a', 0x00, 0x7f, 0xc3],
            "caf\u{e9}/\u{202e}gpj.exe".as_bytes().to_vec(),
            (0u8..=255).collect(),
        ];
        for raw in samples {
            let escaped = escape_path(&raw);
            assert!(
                !escaped.contains('\n') && !escaped.contains('\t'),
                "{escaped}"
            );
            assert!(!escaped.chars().any(is_bidi_control), "{escaped}");
            assert_eq!(unescape_path(&escaped), Some(raw));
        }
    }

    #[test]
    fn free_text_never_carries_a_character_that_acts_on_the_screen() {
        let hostile =
            "Meridian\u{1b}[2J\u{9b}31m\u{202e}txt.exe\r\nverdict: APPROVED\u{2028}\u{7f}";
        let once = shown_text(hostile);
        assert!(!once.chars().any(is_unsafe_to_show), "{once}");
        assert_eq!(
            once,
            "Meridian\\u{001b}[2J\\u{009b}31m\\u{202e}txt.exe\\r\\nverdict: APPROVED\\u{2028}\\u{007f}"
        );
        // Escaping what was escaped changes nothing (engine text is often
        // escaped already when the front end escapes it again).
        assert_eq!(shown_text(&once), once);
        assert_eq!(shown_lines("a\nb\u{1b}c\n"), "a\nb\\u{001b}c\n");
        assert!(matches!(
            shown_text("café 4.2.1"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn readable_names_stay_readable() {
        assert_eq!(escape_path("café/ß.txt".as_bytes()), "café/ß.txt");
        assert_eq!(unescape_path("bad\\q"), None);
        assert_eq!(unescape_path("bad\\x4"), None);
    }
}
