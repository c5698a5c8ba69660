//! The keys of each screen, in one table: `update` looks keys up here, and
//! the footer and the `?` help are drawn from the same rows, so what is
//! shown is what works.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

mod table;

use super::model::Screen;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    NextPane,
    PrevField,
    Choose,
    Back,
    Quit,
    Help,
    Log,
    ShowAll,
    ShowFindings,
    ShowChanged,
    ShowNextLayer,
    Search,
    Write,
    NewReview,
    /// Ctrl-C: the first press asks for a second, which quits at once.
    Interrupt,
}

#[derive(Debug, Clone, Copy)]
enum Key {
    C(char),
    Code(KeyCode),
    Ctrl(char),
}

/// One row of the table.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    /// What the footer shows (`↑↓/jk`).
    pub label: &'static str,
    /// The same for ASCII terminals.
    pub ascii: &'static str,
    /// What it does, in words (the footer shows it, or its first word).
    pub help: &'static str,
    /// More words, for the `?` help only.
    pub more: &'static str,
    pub action: Action,
    keys: &'static [Key],
}

const fn b(
    label: &'static str,
    ascii: &'static str,
    help: &'static str,
    action: Action,
    keys: &'static [Key],
) -> Binding {
    Binding {
        label,
        ascii,
        help,
        more: "",
        action,
        keys,
    }
}

impl Binding {
    /// The same binding with words for the `?` help only.
    const fn more(self, more: &'static str) -> Binding {
        Binding { more, ..self }
    }

    /// Its keys by name (`↓ j`, `PgDn Ctrl-D`), as the `?` help lists them.
    pub fn key_names(&self, ascii: bool) -> Vec<String> {
        self.keys.iter().map(|k| key_name(k, ascii)).collect()
    }
}

/// A key as people name it.
fn key_name(key: &Key, ascii: bool) -> String {
    let code = match key {
        Key::C(c) => return c.to_string(),
        Key::Ctrl(c) => return format!("Ctrl-{}", c.to_ascii_uppercase()),
        Key::Code(code) => code,
    };
    let name = match (code, ascii) {
        (KeyCode::Down, false) => "↓",
        (KeyCode::Up, false) => "↑",
        (KeyCode::Down, true) => "Down",
        (KeyCode::Up, true) => "Up",
        (KeyCode::PageDown, _) => "PgDn",
        (KeyCode::PageUp, _) => "PgUp",
        (KeyCode::Home, _) => "Home",
        (KeyCode::End, _) => "End",
        (KeyCode::Enter, _) => "Enter",
        (KeyCode::Esc, _) => "Esc",
        (KeyCode::Backspace, _) => "Backspace",
        (KeyCode::Tab, _) => "Tab",
        (KeyCode::BackTab, _) => "Shift-Tab",
        (KeyCode::F(n), _) => return format!("F{n}"),
        (other, _) => return other.to_string(),
    };
    name.to_string()
}

/// The keys of a screen (its own, then the global ones).
pub fn bindings(screen: Screen) -> Vec<Binding> {
    let table = match screen {
        Screen::Select => table::SELECT,
        Screen::Fetch => table::FETCH,
        Screen::Verify => table::VERIFY,
        Screen::Inspect => table::INSPECT,
        Screen::SignOff => table::SIGN_OFF,
        Screen::Done => table::DONE,
    };
    table
        .iter()
        .flat_map(|group| group.iter().copied())
        .collect()
}

/// The `?` help's rows for a screen: every key of the table, by name, and
/// what it does. A binding without words of its own (`↑ k` after `↓ j`)
/// joins the row above: `↓ j / ↑ k  move down / up`.
pub fn help_rows(screen: Screen, ascii: bool) -> Vec<(String, String)> {
    let mut rows: Vec<(String, String)> = Vec::new();
    for b in bindings(screen) {
        let keys = b.key_names(ascii).join(" ");
        match rows.last_mut() {
            Some((names, _)) if b.help.is_empty() => {
                names.push_str(" / ");
                names.push_str(&keys);
            }
            _ => rows.push((keys, format!("{}{}", b.help, b.more))),
        }
    }
    rows
}

fn matches(key: &Key, event: &KeyEvent) -> bool {
    let ctrl = event.modifiers.contains(KeyModifiers::CONTROL);
    match key {
        Key::C(c) => !ctrl && event.code == KeyCode::Char(*c),
        Key::Ctrl(c) => ctrl && event.code == KeyCode::Char(*c),
        Key::Code(code) => event.code == *code,
    }
}

/// The action a key stands for on a screen, if any.
pub fn action(screen: Screen, event: &KeyEvent) -> Option<Action> {
    bindings(screen)
        .iter()
        .find(|b| b.keys.iter().any(|k| matches(k, event)))
        .map(|b| b.action)
}

/// The footer: the labelled bindings, `label help` each. The step log,
/// help and quit keys always show; every key of the step shows at least
/// as `label` and the first word of its help, in full where room allows.
pub fn footer(screen: Screen, ascii: bool, width: usize) -> String {
    let labelled: Vec<Binding> = bindings(screen)
        .into_iter()
        .filter(|b| !b.label.is_empty())
        .collect();
    let label = |b: &Binding| if ascii { b.ascii } else { b.label };
    let full: Vec<String> = labelled
        .iter()
        .map(|b| format!("{} {}", label(b), b.help))
        .collect();
    let global_count = 3.min(labelled.len());
    let mut own: Vec<(String, String)> = labelled
        .iter()
        .zip(&full)
        .take(labelled.len() - global_count)
        .map(|(b, full)| {
            let first = b.help.split(' ').next().unwrap_or_default();
            (format!("{} {first}", label(b)), full.clone())
        })
        .collect();
    let global = &full[full.len() - global_count..];
    let length = |own: &[String]| {
        own.iter()
            .chain(global)
            .map(|i| i.chars().count() + 2)
            .sum::<usize>()
    };
    // Too wide even in short: drop the step's own keys from the end (help
    // lists them all); then say in full what room allows, in order.
    let mut items: Vec<String> = own.iter().map(|(short, _)| short.clone()).collect();
    while length(&items) > width + 2 && !items.is_empty() {
        items.pop();
        own.pop();
    }
    for (i, (_, full)) in own.iter().enumerate() {
        let mut wider = items.clone();
        wider[i] = full.clone();
        if length(&wider) <= width + 2 {
            items = wider;
        }
    }
    items.extend(global.iter().cloned());
    items.join("  ")
}
