//! Release notes as terminal lines: headings bold (the top one underlined),
//! bulleted and numbered lists, tables as aligned columns (long cells such
//! as hashes shortened with `…`), code blocks indented, links as their
//! text. Styles are bold/italic/underline only, so the notes read the same
//! in every theme, including monochrome.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use crate::engine::shared::text::shown_text;

/// Widest a table cell is drawn.
const CELL_MAX: usize = 20;

struct Renderer {
    lines: Vec<Line<'static>>,
    current: Vec<Span<'static>>,
    styles: Vec<Style>,
    /// Open lists: the next number for ordered ones.
    lists: Vec<Option<u64>>,
    table: Option<Vec<Vec<String>>>,
    cell: String,
    in_code: bool,
    bullet: &'static str,
}

impl Renderer {
    fn style(&self) -> Style {
        self.styles.last().copied().unwrap_or_default()
    }

    /// Text from the notes, escaped here (after parsing, so a control
    /// character written as an entity such as `&#27;` is caught too).
    fn text(&mut self, text: &str) {
        if self.table.is_some() {
            self.cell.push_str(&shown_text(text));
        } else if self.in_code {
            for line in text.lines() {
                self.lines
                    .push(Line::from(format!("    {}", shown_text(line))));
            }
        } else {
            let style = self.style();
            self.current
                .push(Span::styled(shown_text(text).into_owned(), style));
        }
    }

    fn flush(&mut self) {
        if !self.current.is_empty() {
            self.lines
                .push(Line::from(std::mem::take(&mut self.current)));
        }
    }

    fn blank(&mut self) {
        self.flush();
        if self.lines.last().is_some_and(|l| !l.spans.is_empty()) {
            self.lines.push(Line::default());
        }
    }

    fn push_style(&mut self, add: Modifier) {
        let style = self.style().add_modifier(add);
        self.styles.push(style);
    }

    fn start(&mut self, tag: Tag) {
        match tag {
            Tag::Heading { level, .. } => {
                self.blank();
                let m = if level == HeadingLevel::H1 {
                    Modifier::BOLD | Modifier::UNDERLINED
                } else {
                    Modifier::BOLD
                };
                self.push_style(m);
            }
            Tag::Paragraph if self.lists.is_empty() => self.blank(),
            Tag::List(start) => {
                if self.lists.is_empty() {
                    self.blank();
                }
                self.lists.push(start);
            }
            Tag::Item => {
                self.flush();
                let depth = self.lists.len().saturating_sub(1);
                let marker = match self.lists.last_mut() {
                    Some(Some(n)) => {
                        *n += 1;
                        format!("{}. ", *n - 1)
                    }
                    _ => format!("{} ", self.bullet),
                };
                self.current
                    .push(Span::raw(format!("{}{marker}", "  ".repeat(depth))));
            }
            Tag::CodeBlock(_) => {
                self.blank();
                self.in_code = true;
            }
            Tag::Emphasis => self.push_style(Modifier::ITALIC),
            Tag::Strong => self.push_style(Modifier::BOLD),
            Tag::Table(_) => {
                self.blank();
                self.table = Some(Vec::new());
            }
            Tag::TableHead | Tag::TableRow => {
                if let Some(t) = &mut self.table {
                    t.push(Vec::new());
                }
            }
            Tag::TableCell => self.cell.clear(),
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Heading(_) | TagEnd::Emphasis | TagEnd::Strong => {
                self.styles.pop();
                if matches!(tag, TagEnd::Heading(_)) {
                    self.flush();
                }
            }
            TagEnd::Paragraph | TagEnd::Item => self.flush(),
            TagEnd::List(_) => {
                self.lists.pop();
                self.flush();
            }
            TagEnd::CodeBlock => self.in_code = false,
            TagEnd::TableCell => {
                let cell = std::mem::take(&mut self.cell);
                if let Some(row) = self.table.as_mut().and_then(|t| t.last_mut()) {
                    row.push(cell);
                }
            }
            TagEnd::Table => {
                if let Some(rows) = self.table.take() {
                    self.lines.extend(table_lines(&rows));
                }
            }
            _ => {}
        }
    }
}

fn shorten(cell: &str) -> String {
    // A digest says enough in its first characters (the check compares all).
    if cell.len() >= 32 && cell.chars().all(|c| c.is_ascii_hexdigit()) {
        return format!("{}…", &cell[..8]);
    }
    if cell.chars().count() <= CELL_MAX {
        cell.to_string()
    } else {
        let mut s: String = cell.chars().take(CELL_MAX - 1).collect();
        s.push('…');
        s
    }
}

fn table_lines(rows: &[Vec<String>]) -> Vec<Line<'static>> {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|c| shorten(c.trim())).collect())
        .collect();
    let widths: Vec<usize> = (0..cols)
        .map(|i| {
            cells
                .iter()
                .filter_map(|r| r.get(i))
                .map(|c| c.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    cells
        .iter()
        .enumerate()
        .map(|(n, row)| {
            let text = row
                .iter()
                .zip(&widths)
                .map(|(c, w)| format!("{c:<w$}"))
                .collect::<Vec<_>>()
                .join("  ");
            let style = if n == 0 {
                Style::default().add_modifier(Modifier::BOLD)
            } else {
                Style::default()
            };
            Line::styled(text.trim_end().to_string(), style)
        })
        .collect()
}

/// The notes as lines, ready for a wrapping paragraph.
pub fn render(markdown: &str, ascii: bool) -> Vec<Line<'static>> {
    let mut r = Renderer {
        lines: Vec::new(),
        current: Vec::new(),
        styles: Vec::new(),
        lists: Vec::new(),
        table: None,
        cell: String::new(),
        in_code: false,
        bullet: if ascii { "*" } else { "•" },
    };
    for event in Parser::new_ext(
        markdown,
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH,
    ) {
        match event {
            Event::Start(tag) => r.start(tag),
            Event::End(tag) => r.end(tag),
            Event::Text(t) => r.text(&t),
            Event::Code(t) => {
                let t = shown_text(&t);
                if r.table.is_some() {
                    r.cell.push_str(&t);
                } else {
                    r.current.push(Span::styled(format!("`{t}`"), r.style()));
                }
            }
            Event::SoftBreak | Event::HardBreak => r.text(" "),
            Event::Rule => {
                r.blank();
                r.lines.push(Line::from("────────"));
            }
            Event::Html(t) | Event::InlineHtml(t) => r.text(&t),
            _ => {}
        }
    }
    r.flush();
    r.lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(lines: &[Line]) -> Vec<String> {
        lines
            .iter()
            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
            .collect()
    }

    #[test]
    fn headings_lists_tables_and_code_read_as_text() {
        let md = "# Title\n\nSome *text*.\n\n## Fixes\n\n- one\n- two\n\n1. first\n2. second\n\n\
                  | path | sha256 |\n|---|---|\n| a/b | 0123456789abcdef0123456789abcdef |\n\n```\ncode here\n```\n";
        let lines = render(md, false);
        let text = plain(&lines);
        assert_eq!(text[0], "Title");
        assert!(
            lines[0].spans[0]
                .style
                .add_modifier
                .contains(Modifier::UNDERLINED)
        );
        assert!(text.contains(&"• one".to_string()), "{text:?}");
        assert!(text.contains(&"2. second".to_string()), "{text:?}");
        assert!(text.contains(&"path  sha256".to_string()), "{text:?}");
        assert!(text.contains(&"a/b   01234567…".to_string()), "{text:?}");
        assert!(text.contains(&"    code here".to_string()), "{text:?}");
        assert_eq!(plain(&render("- x", true)), vec!["* x"]);
    }
}
