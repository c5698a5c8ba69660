//! Overlays: the help (from the same key table as the footer), the step
//! log, and the question before abandoning a review.

use crate::engine::shared::text::shown_text;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

use crate::engine::shared::check::Status;

use super::{boxed, centred, status_span};
use crate::tui::keys;
use crate::tui::model::{Model, Screen};
use crate::tui::theme::Theme;

pub fn help(frame: &mut Frame, area: Rect, m: &Model, theme: &Theme) {
    let rect = centred(area, 72, 22);
    let mut lines = vec![Line::from(" Keys on this step:")];
    for b in keys::bindings(m.screen)
        .iter()
        .filter(|b| !b.label.is_empty())
    {
        let label = if theme.ascii { b.ascii } else { b.label };
        lines.push(Line::from(format!("   {label:<12} {}", b.help)));
    }
    lines.push(Line::from(if m.screen == Screen::SignOff {
        "   Typing: Left/Right, Home/End move; Backspace, Delete, Ctrl-U, Ctrl-W erase; pastes work."
    } else {
        "   Esc or Backspace goes back a step, up to sign-off."
    }));
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
    lines.push(Line::from(" Any key closes this help."));
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(boxed("Help", theme)),
        rect,
    );
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
