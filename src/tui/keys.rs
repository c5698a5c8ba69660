//! The keys of each screen, in one table: `update` looks keys up here, and
//! the footer and the `?` help are drawn from the same rows, so what is
//! shown is what works.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

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
    Search,
    Write,
    NewReview,
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
    /// What it does, in words.
    pub help: &'static str,
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
        action,
        keys,
    }
}

const MOVE: [Binding; 2] = [
    b(
        "↑↓/jk",
        "Up/Dn/jk",
        "move",
        Action::Down,
        &[Key::Code(KeyCode::Down), Key::C('j')],
    ),
    b(
        "",
        "",
        "",
        Action::Up,
        &[Key::Code(KeyCode::Up), Key::C('k')],
    ),
];
const PAGE: [Binding; 4] = [
    b(
        "PgUp/PgDn",
        "PgUp/PgDn",
        "page",
        Action::PageDown,
        &[Key::Code(KeyCode::PageDown), Key::Ctrl('d')],
    ),
    b(
        "",
        "",
        "",
        Action::PageUp,
        &[Key::Code(KeyCode::PageUp), Key::Ctrl('u')],
    ),
    b(
        "",
        "",
        "",
        Action::Top,
        &[Key::Code(KeyCode::Home), Key::C('g')],
    ),
    b(
        "",
        "",
        "",
        Action::Bottom,
        &[Key::Code(KeyCode::End), Key::C('G')],
    ),
];
const BACK: Binding = b(
    "Esc",
    "Esc",
    "back a step",
    Action::Back,
    &[Key::Code(KeyCode::Esc), Key::Code(KeyCode::Backspace)],
);
const GLOBAL: [Binding; 3] = [
    b(
        "L",
        "L",
        "step log",
        Action::Log,
        &[Key::C('L'), Key::C('l'), Key::Code(KeyCode::F(2))],
    ),
    b(
        "?",
        "?",
        "help",
        Action::Help,
        &[Key::C('?'), Key::Code(KeyCode::F(1))],
    ),
    b(
        "q",
        "q",
        "quit",
        Action::Quit,
        &[Key::C('q'), Key::Ctrl('c')],
    ),
];
/// On the form letters are typed, so help, log and quit are on F-keys and Ctrl-C.
const FORM_GLOBAL: [Binding; 3] = [
    b(
        "F2",
        "F2",
        "step log",
        Action::Log,
        &[Key::Code(KeyCode::F(2))],
    ),
    b(
        "F1",
        "F1",
        "help",
        Action::Help,
        &[Key::Code(KeyCode::F(1))],
    ),
    b("Ctrl-C", "Ctrl-C", "quit", Action::Quit, &[Key::Ctrl('c')]),
];

// Each screen's rows, in groups: its own keys (with the shared moving,
// paging and back rows where they apply), then the global ones, always
// last: the footer keeps those three in view.
const SELECT: &[&[Binding]] = &[
    &MOVE,
    &[
        b(
            "Tab",
            "Tab",
            "pane (releases or platforms)",
            Action::NextPane,
            &[Key::Code(KeyCode::Tab), Key::Code(KeyCode::BackTab)],
        ),
        b(
            "Enter",
            "Enter",
            "choose (starts the review)",
            Action::Choose,
            &[Key::Code(KeyCode::Enter)],
        ),
        b(
            "PgUp/PgDn",
            "PgUp/PgDn",
            "notes (scroll)",
            Action::PageDown,
            &[Key::Code(KeyCode::PageDown)],
        ),
        b("", "", "", Action::PageUp, &[Key::Code(KeyCode::PageUp)]),
    ],
    &GLOBAL,
];
const FETCH: &[&[Binding]] = &[
    &[
        b(
            "Enter",
            "Enter",
            "continue to Verify (when done)",
            Action::Choose,
            &[Key::Code(KeyCode::Enter)],
        ),
        b(
            "Esc",
            "Esc",
            "back (cancels the transfer)",
            Action::Back,
            &[Key::Code(KeyCode::Esc), Key::Code(KeyCode::Backspace)],
        ),
    ],
    &GLOBAL,
];
const VERIFY: &[&[Binding]] = &[
    &MOVE,
    &[
        b(
            "Enter",
            "Enter",
            "continue to Inspect",
            Action::Choose,
            &[Key::Code(KeyCode::Enter)],
        ),
        BACK,
    ],
    &GLOBAL,
];
const INSPECT: &[&[Binding]] = &[
    &MOVE,
    &[
        b(
            "a f c",
            "a f c",
            "show all / findings / changed",
            Action::ShowAll,
            &[Key::C('a')],
        ),
        b("", "", "", Action::ShowFindings, &[Key::C('f')]),
        b("", "", "", Action::ShowChanged, &[Key::C('c')]),
        b("/", "/", "search paths", Action::Search, &[Key::C('/')]),
        b(
            "Enter",
            "Enter",
            "continue to Sign off",
            Action::Choose,
            &[Key::Code(KeyCode::Enter)],
        ),
        BACK,
    ],
    // Last of its own, so a narrow footer drops them first (help lists them).
    &PAGE,
    &GLOBAL,
];
const SIGN_OFF: &[&[Binding]] = &[
    &[
        b(
            "Tab",
            "Tab",
            "next field",
            Action::NextPane,
            &[Key::Code(KeyCode::Tab), Key::Code(KeyCode::Down)],
        ),
        b(
            "",
            "",
            "",
            Action::PrevField,
            &[Key::Code(KeyCode::BackTab), Key::Code(KeyCode::Up)],
        ),
        b(
            "Ctrl-S",
            "Ctrl-S",
            "sign and write the checklist",
            Action::Write,
            &[Key::Ctrl('s')],
        ),
        b(
            "Esc",
            "Esc",
            "back a step",
            Action::Back,
            &[Key::Code(KeyCode::Esc)],
        ),
    ],
    &FORM_GLOBAL,
];
const DONE: &[&[Binding]] = &[
    &[b(
        "n",
        "n",
        "review another release",
        Action::NewReview,
        &[Key::C('n')],
    )],
    &GLOBAL,
];

/// The keys of a screen (its own, then the global ones).
pub fn bindings(screen: Screen) -> Vec<Binding> {
    let table = match screen {
        Screen::Select => SELECT,
        Screen::Fetch => FETCH,
        Screen::Verify => VERIFY,
        Screen::Inspect => INSPECT,
        Screen::SignOff => SIGN_OFF,
        Screen::Done => DONE,
    };
    table
        .iter()
        .flat_map(|group| group.iter().copied())
        .collect()
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
    let own_count = labelled.len() - global_count;
    let mut items: Vec<String> = labelled
        .iter()
        .enumerate()
        .map(|(i, b)| {
            if i < own_count {
                format!(
                    "{} {}",
                    label(b),
                    b.help.split(' ').next().unwrap_or_default()
                )
            } else {
                full[i].clone()
            }
        })
        .collect();
    let length = |items: &[String]| items.iter().map(|i| i.chars().count() + 2).sum::<usize>();
    for i in 0..own_count {
        let mut wider = items.clone();
        wider[i] = full[i].clone();
        if length(&wider) <= width + 2 {
            items = wider;
        }
    }
    // Still too wide: drop the step's own keys from the end (help lists them all).
    while length(&items) > width + 2 && items.len() > global_count {
        items.remove(items.len() - global_count - 1);
    }
    items.join("  ")
}
