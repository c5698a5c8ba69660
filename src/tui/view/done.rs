//! After sign-off: the verdict, why, and the files to attach to the
//! change request.

use crate::engine::shared::text::shown_text;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Padding, Paragraph, Wrap};

use crate::engine::shared::check::Status;
use crate::engine::shared::verdict::Verdict;

use super::boxed;
use crate::tui::model::Model;
use crate::tui::theme::{Role, Theme};

pub fn draw(frame: &mut Frame, area: Rect, m: &Model, theme: &Theme) {
    let Some(w) = &m.written else { return };
    let (word, status) = match w.verdict {
        Verdict::Approved => ("APPROVED", Status::Pass),
        Verdict::Rejected => ("REJECTED", Status::Fail),
    };
    let mut lines = vec![
        Line::from(vec![
            Span::raw("Verdict: "),
            Span::styled(
                format!("{word} {}", theme.symbol(status)),
                theme.status(status),
            ),
        ]),
        Line::default(),
    ];
    for reason in &w.reasons {
        lines.push(Line::from(format!(
            "{} {}",
            theme.bullet(),
            shown_text(reason)
        )));
    }
    if !w.reasons.is_empty() {
        lines.push(Line::default());
    }
    lines.push(Line::from(
        "Checklist written (attach these to the change request):",
    ));
    lines.extend(
        w.files
            .iter()
            .map(|f| Line::from(format!("  {}", shown_text(f)))),
    );
    lines.push(Line::default());
    lines.push(Line::from(match &w.signed_by {
        Some(by) => format!("Signed by {}", shown_text(by)),
        None => {
            "Not signed: no signing key is configured (signing_key in the settings).".to_string()
        }
    }));
    if let Some(stored) = &w.stored {
        lines.push(Line::from("Approved artifact kept in the store:"));
        lines.push(Line::from(format!("  {}", shown_text(stored))));
    }
    if let Some(command) = &w.approve_command {
        lines.push(Line::from(
            "Countersignature still needed: the approver runs, on their host:",
        ));
        lines.push(Line::from(format!("  {}", shown_text(command))));
    }
    lines.push(Line::default());
    lines.push(Line::styled(
        "`intake checklist verify FILE.toml` checks it later. n reviews another release, q quits.",
        theme.fg(Role::Muted),
    ));
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(boxed("Checklist", theme).padding(Padding::horizontal(1))),
        area,
    );
}
