//! Text laid out to a width: styled pieces wrapped at spaces (so a
//! sentence or a piece of evidence is never cut at the screen's edge), and
//! text shortened in the middle (so names that differ only at their end
//! stay apart).

use ratatui::style::Style;
use ratatui::text::{Line, Span};

/// Runs of spaces and runs of anything else, in order.
fn tokens(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        let first = rest.chars().next()?;
        let space = first == ' ';
        let end = rest
            .char_indices()
            .find(|&(_, c)| (c == ' ') != space)
            .map_or(rest.len(), |(i, _)| i);
        let (token, tail) = rest.split_at(end);
        rest = tail;
        Some(token)
    })
}

/// Lines being filled: the spans of the current one and its width.
struct Filler {
    width: usize,
    indent: usize,
    lines: Vec<Line<'static>>,
    line: Vec<Span<'static>>,
    used: usize,
}

impl Filler {
    fn push(&mut self, text: String, style: Style) {
        self.used += text.chars().count();
        self.line.push(Span::styled(text, style));
    }

    fn break_line(&mut self) {
        let done = std::mem::take(&mut self.line);
        self.lines.push(Line::from(done));
        self.used = self.indent;
        if self.indent > 0 {
            self.line.push(Span::raw(" ".repeat(self.indent)));
        }
    }

    /// At the start of a wrapped line (nothing but the indent yet).
    fn fresh(&self) -> bool {
        self.used <= self.indent && !self.lines.is_empty()
    }

    fn word(&mut self, word: &str, style: Style) {
        let len = word.chars().count();
        if word.starts_with(' ') {
            if self.fresh() {
                return;
            }
            if self.used + len > self.width {
                self.break_line();
            } else {
                self.push(word.to_string(), style);
            }
            return;
        }
        if self.used + len > self.width && len <= self.width - self.indent && !self.fresh() {
            self.break_line();
        }
        // A word longer than a line is broken where the line ends.
        let mut rest: Vec<char> = word.chars().collect();
        while self.used + rest.len() > self.width {
            let room = self.width.saturating_sub(self.used);
            if room == 0 {
                self.break_line();
                continue;
            }
            let head: String = rest.drain(..room).collect();
            self.push(head, style);
            self.break_line();
        }
        self.push(rest.into_iter().collect(), style);
    }
}

/// `spans` as lines of at most `width` characters, broken at spaces;
/// every line after the first starts with `indent` spaces.
pub fn wrap(spans: &[Span<'static>], width: usize, indent: usize) -> Vec<Line<'static>> {
    let width = width.max(2);
    let mut f = Filler {
        width,
        indent: indent.min(width / 2),
        lines: Vec::new(),
        line: Vec::new(),
        used: 0,
    };
    for span in spans {
        for token in tokens(&span.content) {
            f.word(token, span.style);
        }
    }
    if !f.line.is_empty() || f.lines.is_empty() {
        let last = std::mem::take(&mut f.line);
        f.lines.push(Line::from(last));
    }
    f.lines
}

/// `text` in at most `width` characters, shortened in the middle with
/// `…` (its start and its end both show).
pub fn fit_middle(text: &str, width: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= width {
        return text.to_string();
    }
    if width < 3 {
        return chars.iter().take(width).collect();
    }
    let head = (width - 1) / 2;
    let tail = width - 1 - head;
    let mut s: String = chars[..head].iter().collect();
    s.push('…');
    s.extend(&chars[chars.len() - tail..]);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(lines: &[Line]) -> Vec<String> {
        lines
            .iter()
            .map(|l| l.to_string().trim_end().to_string())
            .collect()
    }

    #[test]
    fn words_wrap_at_spaces_with_an_indent_and_long_words_break() {
        let spans = [Span::raw("one two three"), Span::raw(" four")];
        assert_eq!(text(&wrap(&spans, 9, 2)), ["one two", "  three", "  four"]);
        assert_eq!(
            text(&wrap(&[Span::raw("abcdefghij")], 4, 0)),
            ["abcd", "efgh", "ij"]
        );
        assert_eq!(text(&wrap(&[], 10, 0)), [""]);
    }

    #[test]
    fn the_middle_gives_way() {
        assert_eq!(fit_middle("4.3.0-rc1+build.20260307", 12), "4.3.0…260307");
        assert_eq!(fit_middle("4.2.1", 12), "4.2.1");
        assert_eq!(fit_middle("abcdef", 2), "ab");
    }
}
