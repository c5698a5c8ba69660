//! Overlays: the help (from the same key table as the footer), the step
//! log, and the question before abandoning a review.

use crate::engine::shared::text::shown_text;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use crate::engine::shared::check::Status;

use super::{boxed, centred, status_span, wrap};
use crate::tui::keys;
use crate::tui::model::{Model, Screen};
use crate::tui::theme::Theme;

/// The quit question, also said on a screen too small for the overlay.
pub const QUIT_QUESTION: &str =
    "Abandon this review? No checklist has been written. y: abandon and quit, any other key: stay.";

/// The width of the help's key column.
const KEYS: usize = 24;

/// What typing does where letters are typed (the form, the search).
fn typing_lines(screen: Screen) -> &'static [&'static str] {
    match screen {
        Screen::SignOff => &[
            "   In a field: Left Right Home End (Ctrl-A Ctrl-E) move; Backspace Delete",
            "   Ctrl-U Ctrl-W erase; pastes arrive as one line. Letters are typed,",
            "   so the step log, help and quit are F2, F1 and Ctrl-C here.",
        ],
        Screen::Inspect => &[
            "   In the search: letters, Backspace, Delete, Left Right Home End,",
            "   Ctrl-U Ctrl-W; Enter keeps it, Esc clears it.",
        ],
        _ => &[],
    }
}

/// The keys of this step, every one from the key table, then what the
/// words mean and where the checklist goes. Scrolls when it does not fit.
pub fn help(frame: &mut Frame, area: Rect, m: &Model, theme: &Theme) {
    let rect = centred(area, 76, area.height.saturating_sub(2));
    let mut lines = vec![Line::from(" Keys on this step:")];
    let width = rect.width.saturating_sub(2) as usize;
    for (keys, help) in keys::help_rows(m.screen, theme.ascii) {
        // Keys too many for their column get a line of their own.
        let keys = if keys.chars().count() > KEYS {
            lines.push(Line::from(format!("   {keys}")));
            String::new()
        } else {
            keys
        };
        let spans = [Span::raw(format!("   {keys:<KEYS$} ")), Span::raw(help)];
        lines.extend(wrap(&spans, width, KEYS + 4));
    }
    lines.extend(typing_lines(m.screen).iter().map(|l| Line::from(*l)));
    lines.push(Line::default());
    lines.push(Line::from(" What the words mean:"));
    for (status, meaning) in [
        (Status::Pass, "the check holds"),
        (
            Status::Warn,
            "acceptable only with a written reason (a waiver)",
        ),
        (Status::Fail, "rejects the release; cannot be waived"),
        (
            Status::Skip,
            "could not be judged here (e.g. nothing to check)",
        ),
    ] {
        lines.push(Line::from(vec![
            Span::raw("   "),
            status_span(status, theme),
            Span::raw(format!("  {meaning}")),
        ]));
    }
    lines.push(Line::default());
    lines.push(Line::from(format!(
        " Checklists are written to the folder {}/",
        m.ctx.to.checklist_dir.display()
    )));
    let rows = rect.height.saturating_sub(2) as usize;
    let first = m.log_scroll.min(lines.len().saturating_sub(rows));
    let more = lines.len() > rows;
    let shown: Vec<Line> = lines.into_iter().skip(first).take(rows).collect();
    let title = if more {
        format!(
            "Help: {} PgUp PgDn scroll, any other key closes",
            if theme.ascii { "Up Dn" } else { "↑↓" }
        )
    } else {
        "Help: any key closes".to_string()
    };
    frame.render_widget(Clear, rect);
    frame.render_widget(Paragraph::new(shown).block(boxed(title, theme)), rect);
}

pub fn log(frame: &mut Frame, area: Rect, m: &Model, theme: &Theme) {
    let rect = centred(
        area,
        area.width.saturating_sub(4),
        area.height.saturating_sub(2),
    );
    let rows = rect.height.saturating_sub(2) as usize;
    // `log_scroll` is the last line shown; kept within the log.
    let last = m.log_scroll.min(m.log.len().saturating_sub(1));
    let first = (last + 1).saturating_sub(rows);
    let mut lines: Vec<Line> = m
        .log
        .iter()
        .skip(first)
        .take(rows)
        .map(|l| Line::from(format!(" {}", shown_text(l))))
        .collect();
    if lines.is_empty() {
        lines.push(Line::from(" nothing has happened yet"));
    }
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines).block(boxed(
            format!(
                "Step log ({} lines; {} scroll, any other key closes)",
                m.log.len(),
                if theme.ascii { "Up/Dn" } else { "↑↓" }
            ),
            theme,
        )),
        rect,
    );
}

pub fn confirm_quit(frame: &mut Frame, area: Rect, theme: &Theme) {
    let rect = centred(area, 60, 6);
    let lines = vec![
        Line::from(" Abandon this review? No checklist has been written."),
        Line::default(),
        Line::from(" y: abandon and quit     any other key: stay"),
    ];
    frame.render_widget(Clear, rect);
    frame.render_widget(Paragraph::new(lines).block(boxed("Quit?", theme)), rect);
}
