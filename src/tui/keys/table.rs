//! The key table: each screen's bindings in groups (its own keys, with the
//! shared moving, paging and back rows where they apply, then the global
//! ones, always last: the footer keeps those in view).

use ratatui::crossterm::event::KeyCode;

use super::{Action, Binding, Key, b};

const MOVE: [Binding; 2] = [
    b(
        "↑↓/jk",
        "Up/Dn/jk",
        "move",
        Action::Down,
        &[Key::Code(KeyCode::Down), Key::C('j')],
    )
    .more(" down / up"),
    b(
        "",
        "",
        "",
        Action::Up,
        &[Key::Code(KeyCode::Up), Key::C('k')],
    ),
];
const fn page(help: &'static str, more: &'static str) -> [Binding; 4] {
    [
        b(
            "PgUp/PgDn",
            "PgUp/PgDn",
            help,
            Action::PageDown,
            &[Key::Code(KeyCode::PageDown), Key::Ctrl('d')],
        )
        .more(more),
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
    ]
}
const PAGE: [Binding; 4] = page("page", " down / up, first / last");
const EVIDENCE: [Binding; 4] = page(
    "evidence",
    " (scroll it): page down / up, first / last line",
);
const BACK: Binding = b(
    "Esc",
    "Esc",
    "back a step",
    Action::Back,
    &[Key::Code(KeyCode::Esc), Key::Code(KeyCode::Backspace)],
);
const INTERRUPT: Binding = b(
    "",
    "",
    "quit: press twice",
    Action::Interrupt,
    &[Key::Ctrl('c')],
)
.more(" (at once, no question asked)");
const GLOBAL: [Binding; 4] = [
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
    b("q", "q", "quit", Action::Quit, &[Key::C('q')])
        .more(" (asks first once a review has started)"),
    INTERRUPT,
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
    b(
        "Ctrl-C",
        "Ctrl-C",
        "quit",
        Action::Interrupt,
        &[Key::Ctrl('c')],
    )
    .more(": press twice (at once, no question asked)"),
];

// The screens.
pub(super) const SELECT: &[&[Binding]] = &[
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
        )
        .more(": down / up"),
        b("", "", "", Action::PageUp, &[Key::Code(KeyCode::PageUp)]),
    ],
    &GLOBAL,
];
pub(super) const FETCH: &[&[Binding]] = &[
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
pub(super) const VERIFY: &[&[Binding]] = &[
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
    // Last of its own, so a narrow footer drops them first (help lists them).
    &EVIDENCE,
    &GLOBAL,
];
pub(super) const INSPECT: &[&[Binding]] = &[
    &MOVE,
    &[
        b(
            "a f c l",
            "a f c l",
            "show all / findings / changed / a container image's layers one at a time",
            Action::ShowAll,
            &[Key::C('a')],
        ),
        b("", "", "", Action::ShowFindings, &[Key::C('f')]),
        b("", "", "", Action::ShowChanged, &[Key::C('c')]),
        b("", "", "", Action::ShowNextLayer, &[Key::C('l')]),
        b("/", "/", "search paths", Action::Search, &[Key::C('/')])
            .more(" (Enter keeps the search, Esc clears it)"),
        b(
            "Enter",
            "Enter",
            "continue to Sign off",
            Action::Choose,
            &[Key::Code(KeyCode::Enter)],
        ),
        BACK.more(" (a kept search is cleared first)"),
    ],
    // Last of its own, so a narrow footer drops them first (help lists them).
    &PAGE,
    &GLOBAL,
];
pub(super) const SIGN_OFF: &[&[Binding]] = &[
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
            "previous field",
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
pub(super) const DONE: &[&[Binding]] = &[
    &[b(
        "n",
        "n",
        "review another release",
        Action::NewReview,
        &[Key::C('n')],
    )],
    &GLOBAL,
];
