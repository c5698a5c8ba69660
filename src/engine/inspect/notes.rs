//! Release notes: Markdown, parsed with pulldown-cmark. The vendor's
//! declaration of an archive's contents is the table under the heading
//! `## Contents: <artifact file name>`: first column the path, optional
//! `size` (bytes), `sha256` and `mode` (octal; how a setuid entry is
//! declared) columns.
//!
//! A contents table can list 100,000 entries. To keep memory bounded, the
//! notes are parsed block by block (blocks are separated by blank lines;
//! fenced code stays whole), and a very large table in slices of rows, each
//! slice a complete table for the parser. Headings and tables never span a
//! blank line, so nothing is lost by the split.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// One declared entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declared {
    /// The path as written (compare after `normalize`).
    pub written: String,
    pub size: Option<u64>,
    pub sha256: Option<[u8; 32]>,
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

/// Text parsed at once at most (a table larger than this is sliced).
const SLICE: usize = 256 * 1024;

/// Finds and reads the contents table for `file_name`.
pub fn declared_contents(notes: &str, file_name: &str) -> Contents {
    let mut c = Collector::new(file_name);
    for block in blocks(notes) {
        if c.done {
            break;
        }
        if block.len() > SLICE && looks_like_table(block) {
            for slice in table_slices(block) {
                c.feed(&slice);
            }
        } else {
            c.feed(block);
        }
    }
    if !c.found {
        return Contents::NotDeclared;
    }
    Contents::Declared {
        entries: c.entries,
        problems: c.problems,
    }
}

/// Blank-line-separated blocks; a fenced code block is never split.
fn blocks(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut fence: Option<(char, usize)> = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start_matches(' ');
        let marker = trimmed.chars().next().filter(|c| *c == '`' || *c == '~');
        if let Some(ch) = marker {
            let run = trimmed.chars().take_while(|c| *c == ch).count();
            if run >= 3 {
                fence = match fence {
                    None => Some((ch, run)),
                    Some((open, len)) if open == ch && run >= len => None,
                    other => other,
                };
            }
        }
        if fence.is_none() && line.trim().is_empty() {
            if offset > start {
                out.push(&text[start..offset]);
            }
            start = offset + line.len();
        }
        offset += line.len();
    }
    if text.len() > start {
        out.push(&text[start..]);
    }
    out
}

fn looks_like_table(block: &str) -> bool {
    let mut lines = block.lines();
    let (Some(head), Some(delimiter)) = (lines.next(), lines.next()) else {
        return false;
    };
    head.contains('|')
        && delimiter.contains('-')
        && delimiter
            .chars()
            .all(|c| matches!(c, '|' | '-' | ':' | ' ' | '\t'))
}

/// A large table as complete tables of a slice of rows each.
fn table_slices(block: &str) -> Vec<String> {
    let mut lines = block.lines();
    let head = lines.next().unwrap_or_default();
    let delimiter = lines.next().unwrap_or_default();
    let mut slices = Vec::new();
    let mut current = format!("{head}\n{delimiter}\n");
    let base = current.len();
    for row in lines {
        current.push_str(row);
        current.push('\n');
        if current.len() >= SLICE {
            slices.push(std::mem::replace(
                &mut current,
                format!("{head}\n{delimiter}\n"),
            ));
        }
    }
    if current.len() > base {
        slices.push(current);
    }
    slices
}

/// Walks parser events, across blocks, for the one table wanted.
struct Collector<'f> {
    file_name: &'f str,
    heading: Option<String>,
    ours: bool,
    found: bool,
    done: bool,
    in_table: bool,
    in_head: bool,
    columns: Vec<String>,
    row: Vec<String>,
    cell: String,
    rows: usize,
    entries: Vec<Declared>,
    problems: Vec<String>,
}

impl<'f> Collector<'f> {
    fn new(file_name: &'f str) -> Self {
        Collector {
            file_name,
            heading: None,
            ours: false,
            found: false,
            done: false,
            in_table: false,
            in_head: false,
            columns: Vec::new(),
            row: Vec::new(),
            cell: String::new(),
            rows: 0,
            entries: Vec::new(),
            problems: Vec::new(),
        }
    }

    fn feed(&mut self, text: &str) {
        for event in Parser::new_ext(text, Options::ENABLE_TABLES) {
            self.event(event);
        }
    }

    fn event(&mut self, event: Event<'_>) {
        match event {
            Event::Start(Tag::Heading { .. }) => {
                if self.found {
                    self.done = true;
                }
                self.heading = Some(String::new());
            }
            Event::End(TagEnd::Heading(level)) => {
                let title = self.heading.take().unwrap_or_default();
                let wanted = title
                    .trim()
                    .strip_prefix("Contents:")
                    .is_some_and(|rest| rest.trim().trim_matches('`') == self.file_name);
                self.ours = level == HeadingLevel::H2 && wanted;
            }
            Event::Text(t) | Event::Code(t) if self.heading.is_some() => {
                if let Some(h) = &mut self.heading {
                    h.push_str(&t);
                }
            }
            Event::Start(Tag::Table(_)) if self.ours && !self.done => {
                self.in_table = true;
                self.found = true;
            }
            Event::End(TagEnd::Table) if self.in_table => self.in_table = false,
            Event::Start(Tag::TableHead) if self.in_table => self.in_head = true,
            Event::End(TagEnd::TableHead) if self.in_table => {
                self.in_head = false;
                self.columns = std::mem::take(&mut self.row)
                    .into_iter()
                    .map(|c| c.trim().to_ascii_lowercase())
                    .collect();
            }
            Event::Start(Tag::TableCell) if self.in_table => self.cell.clear(),
            Event::End(TagEnd::TableCell) if self.in_table => {
                self.row.push(std::mem::take(&mut self.cell))
            }
            Event::End(TagEnd::TableRow) if self.in_table && !self.in_head => {
                let cells = std::mem::take(&mut self.row);
                self.row_done(&cells);
            }
            Event::Text(t) | Event::Code(t) if self.in_table => self.cell.push_str(&t),
            // Anything else after our table ends the section's table.
            Event::Start(
                Tag::Paragraph | Tag::List(_) | Tag::CodeBlock(_) | Tag::BlockQuote(_),
            ) if self.found && !self.in_table => {
                self.done = true;
            }
            _ => {}
        }
    }

    fn row_done(&mut self, cells: &[String]) {
        self.rows += 1;
        let row_no = self.rows;
        let col = |name: &str| self.columns.iter().position(|c| c == name);
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
            return;
        };
        let mut problem = |what: String| {
            self.problems
                .push(format!("row {row_no} ({written}): {what}"))
        };
        let size = at(col("size")).and_then(|s| {
            let digits: String = s
                .chars()
                .filter(|c| !matches!(c, ',' | '_' | ' '))
                .collect();
            digits
                .parse::<u64>()
                .map_err(|_| problem(format!("size `{s}` is not a number of bytes")))
                .ok()
        });
        let sha256 = at(col("sha256")).and_then(|s| {
            let mut out = [0u8; 32];
            match hex::decode_to_slice(s, &mut out) {
                Ok(()) => Some(out),
                Err(_) => {
                    problem(format!("sha256 `{s}` is not 64 hex digits"));
                    None
                }
            }
        });
        let mode = at(col("mode")).and_then(|s| {
            u32::from_str_radix(s.trim_start_matches("0o"), 8)
                .map_err(|_| problem(format!("mode `{s}` is not octal")))
                .ok()
        });
        self.entries.push(Declared {
            is_dir: written.ends_with('/'),
            written,
            size,
            sha256,
            mode,
        });
    }
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
        assert_eq!(entries[0].sha256.map(|s| s[0]), Some(0x3f));
        assert!(entries[1].is_dir);
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert_eq!(
            declared_contents(NOTES, "missing.tar.gz"),
            Contents::NotDeclared
        );
    }

    #[test]
    fn a_heading_inside_fenced_code_is_not_a_heading() {
        let notes = "```\n\n## Contents: m.tar.gz\n\n| path |\n|---|\n| fake |\n```\n\ntext\n";
        assert_eq!(declared_contents(notes, "m.tar.gz"), Contents::NotDeclared);
    }

    #[test]
    fn a_huge_table_is_read_in_slices_with_every_row() {
        let mut notes = String::from("## Contents: m.tar.gz\n\n| path | size |\n|---|---|\n");
        for i in 0..30_000 {
            notes.push_str(&format!(
                "| m/file-with-a-longish-name-{i:06}.txt | {i} |\n"
            ));
        }
        notes.push_str("\nAfter the table.\n\n## Contents: other.zip\n\n| path |\n|---|\n| no |\n");
        assert!(notes.len() > 4 * SLICE);
        let Contents::Declared { entries, problems } = declared_contents(&notes, "m.tar.gz") else {
            panic!("not found");
        };
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(entries.len(), 30_000);
        assert_eq!(entries[29_999].size, Some(29_999));
    }
}
