//! A one-line text field that behaves like people expect: a cursor that
//! moves by character, Backspace and Delete, Home and End, Ctrl-U to clear,
//! Ctrl-W to delete a word, and pastes that arrive as one piece.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// The longest a field may grow (a pasted file is not a name).
const MAX_CHARS: usize = 500;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextInput {
    value: String,
    /// Cursor position in characters (0..=len).
    cursor: usize,
    /// Shows `•` for every character (a passphrase).
    pub masked: bool,
}

impl TextInput {
    pub fn new(value: &str) -> Self {
        let mut input = TextInput::default();
        input.insert_str(value);
        input
    }

    pub fn masked() -> Self {
        TextInput {
            masked: true,
            ..TextInput::default()
        }
    }

    pub fn value(&self) -> &str {
        &self.value
    }

    pub fn cursor(&self) -> usize {
        self.cursor
    }

    fn len(&self) -> usize {
        self.value.chars().count()
    }

    fn byte_at(&self, chars: usize) -> usize {
        self.value
            .char_indices()
            .nth(chars)
            .map(|(i, _)| i)
            .unwrap_or(self.value.len())
    }

    pub fn insert(&mut self, c: char) {
        // Control characters never enter a field (a checklist is text).
        if c.is_control() || self.len() >= MAX_CHARS {
            return;
        }
        let at = self.byte_at(self.cursor);
        self.value.insert(at, c);
        self.cursor += 1;
    }

    /// A paste: line breaks and tabs become spaces, other control
    /// characters are dropped.
    pub fn insert_str(&mut self, text: &str) {
        for c in text.chars() {
            match c {
                '\n' | '\r' | '\t' => self.insert(' '),
                c => self.insert(c),
            }
        }
    }

    pub fn clear(&mut self) {
        self.value.clear();
        self.cursor = 0;
    }

    fn remove(&mut self, from: usize, to: usize) {
        let (a, b) = (self.byte_at(from), self.byte_at(to));
        self.value.replace_range(a..b, "");
        self.cursor = from;
    }

    /// Handles an editing key; `false` when the key is not an editing key.
    pub fn handle(&mut self, key: &KeyEvent) -> bool {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Char('u') if ctrl => self.remove(0, self.cursor),
            KeyCode::Char('w') if ctrl => {
                let chars: Vec<char> = self.value.chars().collect();
                let mut start = self.cursor;
                while start > 0 && chars[start - 1] == ' ' {
                    start -= 1;
                }
                while start > 0 && chars[start - 1] != ' ' {
                    start -= 1;
                }
                self.remove(start, self.cursor);
            }
            KeyCode::Char('a') if ctrl => self.cursor = 0,
            KeyCode::Char('e') if ctrl => self.cursor = self.len(),
            KeyCode::Char(_) if ctrl => return false,
            KeyCode::Char(c) => self.insert(c),
            KeyCode::Backspace if self.cursor > 0 => self.remove(self.cursor - 1, self.cursor),
            KeyCode::Backspace => {}
            KeyCode::Delete if self.cursor < self.len() => {
                self.remove(self.cursor, self.cursor + 1)
            }
            KeyCode::Delete => {}
            KeyCode::Left => self.cursor = self.cursor.saturating_sub(1),
            KeyCode::Right => self.cursor = (self.cursor + 1).min(self.len()),
            KeyCode::Home => self.cursor = 0,
            KeyCode::End => self.cursor = self.len(),
            _ => return false,
        }
        true
    }

    /// What to draw, and where the cursor is in it (in characters), for a
    /// box `width` characters wide: the text scrolls to keep the cursor in view.
    pub fn visible(&self, width: usize) -> (String, usize) {
        let shown: Vec<char> = if self.masked {
            std::iter::repeat_n('•', self.len()).collect()
        } else {
            self.value.chars().collect()
        };
        let width = width.max(1);
        let start = (self.cursor + 1).saturating_sub(width);
        let text: String = shown.iter().skip(start).take(width).collect();
        (text, self.cursor - start)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn ctrl(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
    }

    #[test]
    fn typing_moving_and_deleting_work_by_character() {
        let mut t = TextInput::new("añb");
        assert_eq!(t.cursor(), 3);
        t.handle(&key(KeyCode::Left));
        t.handle(&key(KeyCode::Backspace));
        assert_eq!(t.value(), "ab");
        t.handle(&key(KeyCode::Char('é')));
        assert_eq!(t.value(), "aéb");
        t.handle(&key(KeyCode::Home));
        t.handle(&key(KeyCode::Delete));
        assert_eq!(t.value(), "éb");
        t.handle(&key(KeyCode::End));
        t.insert_str(" x\ny\u{7}");
        assert_eq!(t.value(), "éb x y");
        t.handle(&ctrl('w'));
        assert_eq!(t.value(), "éb x ");
        t.handle(&ctrl('u'));
        assert_eq!(t.value(), "");
        assert!(!t.handle(&key(KeyCode::Tab)));
    }

    #[test]
    fn a_long_value_scrolls_to_keep_the_cursor_visible_and_masks() {
        let t = TextInput::new("abcdefghij");
        assert_eq!(t.visible(4), ("hij".to_string(), 3));
        let mut p = TextInput::masked();
        p.insert_str("secret");
        assert_eq!(p.visible(10).0, "••••••");
        assert_eq!(p.value(), "secret");
    }
}
