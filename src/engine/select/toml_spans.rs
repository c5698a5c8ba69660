//! Pointing at a spot in a TOML file: line and column from a byte offset
//! (once, or for many offsets of one text), the dotted field name at an
//! offset, and the error that names them both (feeds and settings are
//! refused this way).

use std::ops::Range;
use std::path::Path;

use crate::engine::shared::error::Error;

/// A line and column in a file (1-based), for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Spot {
    pub line: usize,
    pub column: usize,
}

pub fn config_error(
    path: &Path,
    text: &str,
    span: Range<usize>,
    field: &str,
    message: &str,
) -> Error {
    let at = spot(text, span.start);
    Error::Config {
        path: path.to_path_buf(),
        line: at.line,
        column: at.column,
        field: field.to_string(),
        message: message.trim().to_string(),
    }
}

/// Line and column (1-based, in characters) of a byte offset.
pub fn spot(text: &str, offset: usize) -> Spot {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
    Spot { line, column }
}

/// The byte offsets where the lines of a text start.
pub struct LineStarts(Vec<usize>);

impl LineStarts {
    pub fn new(text: &str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineStarts(starts)
    }

    /// Line and column (1-based, in characters) of a byte offset: the same
    /// answer as [`spot`], in time proportional to the line's length.
    pub fn spot(&self, text: &str, offset: usize) -> Spot {
        let offset = offset.min(text.len());
        let line = self.0.partition_point(|&start| start <= offset).max(1);
        let start = self.0.get(line - 1).copied().unwrap_or(0);
        let column = text.get(start..offset).map_or(0, |s| s.chars().count()) + 1;
        Spot { line, column }
    }
}

/// A best guess at the dotted field name for a byte offset: the nearest
/// table header above it, and the key on its line.
pub fn field_at(text: &str, offset: usize) -> String {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or("");
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line_end = text
        .get(offset..)
        .and_then(|t| t.find('\n'))
        .map_or(text.len(), |i| offset + i);
    let line = text.get(line_start..line_end).unwrap_or("");
    let key = line
        .split_once('=')
        .map(|(k, _)| k.trim())
        .filter(|k| !k.is_empty() && !k.starts_with('['));
    let table = before
        .get(..line_start)
        .unwrap_or("")
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| l.starts_with('['))
        .map(|l| l.trim_matches(|c| c == '[' || c == ']').trim().to_string());
    match (table, key) {
        (Some(t), Some(k)) => format!("{t}.{k}"),
        (Some(t), None) => t,
        (None, Some(k)) => k.to_string(),
        (None, None) => line
            .trim()
            .trim_matches(|c| c == '[' || c == ']')
            .to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spots_count_lines_and_characters() {
        let text = "a = 1\nbé = 2\n";
        assert_eq!(spot(text, 0), Spot { line: 1, column: 1 });
        assert_eq!(spot(text, 6), Spot { line: 2, column: 1 });
        assert_eq!(spot(text, 10), Spot { line: 2, column: 4 });
    }

    #[test]
    fn line_starts_agree_with_a_rescan() {
        let text = "a = 1\nbé = 2\n\n[x]\nlast";
        let lines = LineStarts::new(text);
        for (offset, _) in text.char_indices().chain([(text.len(), ' ')]) {
            assert_eq!(lines.spot(text, offset), spot(text, offset), "{offset}");
        }
    }

    #[test]
    fn field_names_come_from_table_and_key() {
        let text = "[trust]\nthreshold = \"two\"\n";
        assert_eq!(
            field_at(text, text.find("\"two").unwrap()),
            "trust.threshold"
        );
    }
}
