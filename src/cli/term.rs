//! The one way text leaves the command line for a terminal. Whatever a
//! line holds (a product name from a feed, a summary naming an archive
//! entry, a user ID from a signature, a name given with `--operator`), it
//! is escaped whole as it is printed ([`shown_text`]): no escape sequence,
//! C1 control, carriage return or reordering character reaches stdout or
//! stderr raw, and a line feed inside a line is shown as `\n` rather than
//! starting a line of its own (so nothing can forge a `verdict:` line).

use crate::engine::shared::text::{is_unsafe_to_show, shown_text};

/// Text for stdout, composed a line at a time; each line is escaped whole.
#[derive(Debug, Default)]
pub struct Lines(String);

impl Lines {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one line (without its line feed).
    pub fn line(&mut self, line: impl AsRef<str>) {
        self.0.push_str(&shown_text(line.as_ref()));
        self.0.push('\n');
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// Prints composed lines to stdout.
pub fn print(lines: Lines) {
    print_bytes(lines.0.as_bytes());
}

/// Prints text that is already safe to show (escaped lines, JSON from
/// [`json`], a generated script) to stdout. A reader that went away
/// (`intake man | head`) ends the output quietly, as in other tools.
pub fn print_bytes(bytes: &[u8]) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(bytes).and_then(|()| out.flush());
}

/// Prints pretty JSON ([`json`]) and a line feed.
pub fn print_json(value: &serde_json::Value) {
    print_bytes(format!("{}\n", json(value)).as_bytes());
}

/// Prints an error message to stderr (`intake: ...`), escaped whole.
pub fn print_error(message: impl std::fmt::Display) {
    eprintln!("intake: {}", shown_text(&message.to_string()));
}

/// Pretty JSON whose strings hold no character that acts on a terminal:
/// serde_json escapes C0 controls itself; DEL, C1 controls and reordering
/// characters become `\uXXXX` escapes too (the same string to a JSON
/// reader, harmless to a person who prints it).
pub fn json(value: &serde_json::Value) -> String {
    let pretty = serde_json::to_string_pretty(value).unwrap_or_default();
    let mut out = String::with_capacity(pretty.len());
    for c in pretty.chars() {
        // Raw line feeds in pretty JSON are layout; inside strings serde
        // has already written them as `\n`.
        if c != '\n' && is_unsafe_to_show(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_feed_inside_a_line_cannot_start_a_line() {
        let mut lines = Lines::new();
        lines.line("product Meridian\nverdict: APPROVED\u{1b}[0m");
        lines.line("second");
        assert_eq!(
            lines.into_string(),
            "product Meridian\\nverdict: APPROVED\\u{001b}[0m\nsecond\n"
        );
    }

    #[test]
    fn json_keeps_its_meaning_and_loses_the_controls() {
        let value = serde_json::json!({ "name": "a\u{9b}b\u{202e}c\u{1b}d\u{7f}" });
        let text = json(&value);
        assert!(
            !text.chars().any(|c| c != '\n' && is_unsafe_to_show(c)),
            "{text}"
        );
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, value);
    }
}
