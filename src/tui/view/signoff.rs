//! Step 5: the summary of all checks and the verdict as the form stands,
//! a reason field per warning, the names, the change request, the signing
//! key (and its passphrase, masked), and where the checklist goes.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::engine::review::Review;
use crate::engine::shared::check::{Status, Verdict};

use super::verify::counts_line;
use super::{boxed, fit, problem_line};
use crate::engine::record::checklist;
use crate::tui::form::sign_off_of;
use crate::tui::model::{FieldKind, KeyStatus, Model};
use crate::tui::theme::{Role, Theme};

const LABEL: usize = 21;

fn label(kind: &FieldKind) -> String {
    match kind {
        FieldKind::Waiver(id) => id.as_str().to_string(),
        FieldKind::Operator => "Operator".to_string(),
        FieldKind::Approver => "Approver".to_string(),
        FieldKind::ChangeRequest => "Change request".to_string(),
        FieldKind::Passphrase => "Key passphrase".to_string(),
    }
}

fn hint(kind: &FieldKind) -> &'static str {
    match kind {
        FieldKind::Waiver(_) => "why this warning is acceptable",
        FieldKind::Operator => "who ran this review",
        FieldKind::Approver => "a second person, not the operator",
        FieldKind::ChangeRequest => "e.g. CR-20461 (optional)",
        FieldKind::Passphrase => "asked because the signing key is protected",
    }
}

pub fn draw(frame: &mut Frame, area: Rect, m: &Model, theme: &Theme) {
    let (Some(review), Some(s)) = (&m.review, &m.sign_off) else {
        return;
    };
    let waivers = s
        .fields
        .iter()
        .filter(|f| matches!(f.kind, FieldKind::Waiver(_)))
        .count();
    let people = s.fields.len() - waivers;
    let check_rows = review.checks.len().div_ceil(3) as u16 + 2;
    let waiver_rows = (waivers.max(1) as u16 + 2).min(
        area.height
            .saturating_sub(people as u16 + 9 + check_rows)
            .max(3),
    );
    let [head, checks_box, waiver_box, people_box, foot] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Length(check_rows),
        Constraint::Length(waiver_rows),
        Constraint::Length(people as u16 + 3),
        Constraint::Min(2),
    ])
    .areas(area);
    draw_checks(frame, checks_box, review, theme);

    let sign_off = sign_off_of(s);
    let (verdict, reasons) = checklist::verdict(review, &sign_off);
    let verdict_line = match verdict {
        Verdict::Approved => Line::from(vec![
            Span::raw(" Verdict if written now: "),
            Span::styled("APPROVED", theme.status(Status::Pass)),
        ]),
        Verdict::Rejected if reasons.len() == 1 && sign_off.problem().is_some() => {
            Line::from(vec![
                Span::raw(" Verdict if written now: "),
                Span::styled("APPROVED", theme.status(Status::Pass)),
                Span::raw(" once the operator and the approver (two people) are filled in"),
            ])
        }
        Verdict::Rejected => Line::from(vec![
            Span::raw(" Verdict if written now: "),
            Span::styled("REJECTED", theme.status(Status::Fail)),
            Span::raw(fit(
                &format!(": {}", reasons.first().cloned().unwrap_or_default()),
                area.width.saturating_sub(36) as usize,
            )),
        ]),
    };
    frame.render_widget(
        Paragraph::new(vec![counts_line(m, theme), verdict_line]),
        head,
    );

    let width = area.width.saturating_sub(2) as usize;
    let field_line = |index: usize| -> Line<'static> {
        let Some(field) = s.fields.get(index) else {
            return Line::default();
        };
        let focused = index == s.focus;
        let marker = if focused { ">" } else { " " };
        let room = width.saturating_sub(LABEL + 3);
        let (text, _) = field.input.visible(room);
        let shown = if text.is_empty() && !focused {
            Span::styled(fit(hint(&field.kind), room), theme.fg(Role::Muted))
        } else {
            Span::raw(text)
        };
        let style = if focused {
            theme
                .fg(Role::Accent)
                .add_modifier(ratatui::style::Modifier::BOLD)
        } else {
            theme.fg(Role::Text)
        };
        Line::from(vec![
            Span::styled(
                format!("{marker} {:<LABEL$} ", fit(&label(&field.kind), LABEL)),
                style,
            ),
            shown,
        ])
    };
    let mut lines: Vec<Line> = (0..s.fields.len())
        .filter(|i| matches!(s.fields[*i].kind, FieldKind::Waiver(_)))
        .map(field_line)
        .collect();
    if lines.is_empty() {
        lines.push(Line::styled(
            " no check warns: nothing to waive",
            theme.fg(Role::Muted),
        ));
    }
    let fails = review
        .checks
        .iter()
        .filter(|c| c.status == Status::Fail)
        .count();
    let title = if fails > 0 {
        format!("Waivers ({fails} FAIL cannot be waived: the checklist can only be REJECTED)")
    } else {
        "Waivers: a written reason for every warning".to_string()
    };
    frame.render_widget(
        Paragraph::new(lines).block(boxed(fit(&title, width.saturating_sub(4)), theme)),
        waiver_box,
    );

    let mut lines: Vec<Line> = (0..s.fields.len())
        .filter(|i| !matches!(s.fields[*i].kind, FieldKind::Waiver(_)))
        .map(field_line)
        .collect();
    let key = match &m.ctx.key {
        KeyStatus::None => "none configured: the checklist is written unsigned".to_string(),
        KeyStatus::Ready(who) => format!("signs as {who}"),
        KeyStatus::NeedsPassphrase(path) => format!("{path} (protected)"),
        KeyStatus::Unusable(why) => format!("CANNOT SIGN: {why}"),
    };
    lines.push(Line::from(format!(
        "  {:<LABEL$} {}",
        "Signing key",
        fit(&key, width.saturating_sub(LABEL + 3))
    )));
    frame.render_widget(
        Paragraph::new(lines).block(boxed("Sign-off", theme)),
        people_box,
    );

    // The cursor sits in the focused field.
    if let Some(field) = s.fields.get(s.focus) {
        let before = s.fields[..s.focus]
            .iter()
            .filter(|f| {
                matches!(f.kind, FieldKind::Waiver(_)) == matches!(field.kind, FieldKind::Waiver(_))
            })
            .count();
        let boxed_area = if matches!(field.kind, FieldKind::Waiver(_)) {
            waiver_box
        } else {
            people_box
        };
        let (_, cursor) = field.input.visible(width.saturating_sub(LABEL + 3));
        let x = boxed_area.x + 1 + (LABEL + 3 + cursor) as u16;
        let y = boxed_area.y + 1 + before as u16;
        if y + 1 < boxed_area.y + boxed_area.height && x < boxed_area.x + boxed_area.width {
            frame.set_cursor_position((x, y));
        }
    }

    let mut lines = vec![Line::from(format!(
        " Writes {}/<name>.toml, .md, .manifest",
        m.ctx.to.checklist_dir.display()
    ))];
    if s.writing {
        lines.push(Line::styled(
            " writing the checklist…",
            theme.fg(Role::Accent),
        ));
    } else if let Some(problem) = &s.problem {
        lines.push(problem_line(problem, theme));
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), foot);
}

/// Every check of the review, three to a row.
fn draw_checks(frame: &mut Frame, area: Rect, review: &Review, theme: &Theme) {
    let column = (area.width.saturating_sub(2) / 3) as usize;
    let lines: Vec<Line> = review
        .checks
        .chunks(3)
        .map(|row| {
            let mut spans = Vec::new();
            for c in row {
                // The word alone: three to a row leaves no room for the symbol.
                spans.push(Span::styled(
                    format!(" {}", c.status.word()),
                    theme.status(c.status),
                ));
                let width = column.saturating_sub(6);
                spans.push(Span::raw(format!(" {:<width$}", fit(c.id.as_str(), width))));
            }
            Line::from(spans)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines).block(boxed("Checks", theme)), area);
}
