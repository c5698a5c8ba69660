//! Release notes: Markdown, parsed with pulldown-cmark. The vendor's
//! declaration of an archive's contents is the table under the heading
//! `## Contents: <artifact file name>`: first column the path, optional
//! `size` (bytes), `sha256` and `mode` (octal; how a setuid entry is
//! declared) columns.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::engine::archive::safety::normalize;

/// One declared entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declared {
    /// Normalised path (no `./`, no trailing `/`).
    pub path: Vec<u8>,
    /// The path as written.
    pub written: String,
    pub size: Option<u64>,
    pub sha256: Option<String>,
    pub mode: Option<u32>,
    pub is_dir: bool,
}

/// What the notes say about one artifact's contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Contents {
    /// No `## Contents:` section for this artifact.
    NotDeclared,
    Declared {
        entries: Vec<Declared>,
        /// Cells that could not be read (row and why).
        problems: Vec<String>,
    },
}

/// Finds and reads the contents table for `file_name`.
pub fn declared_contents(notes: &str, file_name: &str) -> Contents {
    let mut in_heading: Option<HeadingLevel> = None;
    let mut heading = String::new();
    let mut ours = false;
    let mut in_table = false;
    let mut columns: Vec<String> = Vec::new();
    let mut row: Vec<String> = Vec::new();
    let mut cell = String::new();
    let mut in_head = false;
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut found = false;
    for event in Parser::new_ext(notes, Options::ENABLE_TABLES) {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                if ours && found {
                    break;
                }
                in_heading = Some(level);
                heading.clear();
            }
            Event::End(TagEnd::Heading(level)) => {
                in_heading = None;
                let title = heading.trim();
                let wanted = title
                    .strip_prefix("Contents:")
                    .map(|rest| rest.trim().trim_matches('`') == file_name)
                    .unwrap_or(false);
                ours = level == HeadingLevel::H2 && wanted;
            }
            Event::Text(t) | Event::Code(t) if in_heading.is_some() => heading.push_str(&t),
            Event::Start(Tag::Table(_)) if ours && !found => {
                in_table = true;
                found = true;
            }
            Event::End(TagEnd::Table) if in_table => {
                in_table = false;
            }
            Event::Start(Tag::TableHead) if in_table => in_head = true,
            Event::End(TagEnd::TableHead) if in_table => {
                in_head = false;
                columns = std::mem::take(&mut row)
                    .into_iter()
                    .map(|c| c.trim().to_ascii_lowercase())
                    .collect();
            }
            Event::Start(Tag::TableCell) if in_table => cell.clear(),
            Event::End(TagEnd::TableCell) if in_table => row.push(std::mem::take(&mut cell)),
            Event::End(TagEnd::TableRow) if in_table && !in_head => {
                rows.push(std::mem::take(&mut row))
            }
            Event::Text(t) | Event::Code(t) if in_table => cell.push_str(&t),
            _ => {}
        }
    }
    if !found {
        return Contents::NotDeclared;
    }
    let col = |name: &str| columns.iter().position(|c| c == name);
    let (size_col, sha_col, mode_col) = (col("size"), col("sha256"), col("mode"));
    let mut entries = Vec::new();
    let mut problems = Vec::new();
    for (i, cells) in rows.iter().enumerate() {
        let at = |c: Option<usize>| {
            c.and_then(|c| cells.get(c))
                .map(|s| s.trim())
                .filter(|s| !s.is_empty())
        };
        let Some(written) = cells
            .first()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
        else {
            continue;
        };
        let row_no = i + 1;
        let size = at(size_col).and_then(|s| {
            let digits: String = s
                .chars()
                .filter(|c| !matches!(c, ',' | '_' | ' '))
                .collect();
            digits
                .parse::<u64>()
                .map_err(|_| {
                    problems.push(format!(
                        "row {row_no} ({written}): size `{s}` is not a number of bytes"
                    ))
                })
                .ok()
        });
        let sha256 = at(sha_col).and_then(|s| {
            let s = s.to_ascii_lowercase();
            if s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit()) {
                Some(s)
            } else {
                problems.push(format!(
                    "row {row_no} ({written}): sha256 `{s}` is not 64 hex digits"
                ));
                None
            }
        });
        let mode = at(mode_col).and_then(|s| {
            u32::from_str_radix(s.trim_start_matches("0o"), 8)
                .map_err(|_| {
                    problems.push(format!("row {row_no} ({written}): mode `{s}` is not octal"))
                })
                .ok()
        });
        entries.push(Declared {
            path: normalize(written.as_bytes()),
            is_dir: written.ends_with('/'),
            written,
            size,
            sha256,
            mode,
        });
    }
    Contents::Declared { entries, problems }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOTES: &str = "# Meridian 4.2.1\n\nFixes.\n\n## Contents: other.zip\n\n| path | size |\n|---|---|\n| x | 1 |\n\n## Contents: m.tar.gz\n\n| Path | Size | SHA256 | Mode |\n|---|---|---|---|\n| `m/bin/m` | 1,843,200 | 3F1AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA | 4755 |\n| ./m/conf/ | | | |\n| m/x | ten | zz | 9 |\n\n## Other\n\n| path |\n|---|\n| not/ours |\n";

    #[test]
    fn reads_the_table_for_the_named_artifact_only() {
        let Contents::Declared { entries, problems } = declared_contents(NOTES, "m.tar.gz") else {
            panic!("not found");
        };
        let paths: Vec<&str> = entries.iter().map(|e| e.written.as_str()).collect();
        assert_eq!(paths, vec!["m/bin/m", "./m/conf/", "m/x"]);
        assert_eq!(entries[0].size, Some(1_843_200));
        assert_eq!(entries[0].mode, Some(0o4755));
        assert!(entries[0].sha256.as_deref().unwrap().starts_with("3f1a"));
        assert_eq!(entries[1].path, b"m/conf");
        assert!(entries[1].is_dir);
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert_eq!(
            declared_contents(NOTES, "missing.tar.gz"),
            Contents::NotDeclared
        );
    }
}
