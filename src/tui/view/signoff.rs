//! Step 5: the summary of all checks and the verdict as the form stands,
//! a reason field per warning, the names, the change request, the signing
//! key (and its passphrase, masked), and where the checklist goes.

use std::path::Path;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::engine::review::Review;
use crate::engine::shared::check::Status;
use crate::engine::shared::verdict::Verdict;

use super::verify::counts_line;
use super::{boxed, fit, problem_line};
use crate::engine::record::checklist;
use crate::tui::form::sign_off_of;
use crate::tui::model::{Field, FieldKind, KeyStatus, Model, SignOffState};
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
    let [head, checks_box, waiver_box, people_box, foot] = layout(area, review, s);
    draw_checks(frame, checks_box, review, theme);
    frame.render_widget(
        Paragraph::new(vec![
            counts_line(m, theme),
            verdict_line(review, s, area.width, theme),
        ]),
        head,
    );
    let width = area.width.saturating_sub(2) as usize;
    draw_waivers(frame, waiver_box, review, s, width, theme);
    draw_people(frame, people_box, s, &m.ctx.key, width, theme);
    place_cursor(frame, s, waiver_box, people_box, width);
    draw_foot(frame, foot, s, &m.ctx.to.checklist_dir, theme);
}

fn is_waiver(field: &Field) -> bool {
    matches!(field.kind, FieldKind::Waiver(_))
}

/// The panels, top to bottom: counts and verdict, checks, waivers, names
/// and key, where the checklist goes. On a short terminal the waivers'
/// box gives way first (to three rows at least).
fn layout(area: Rect, review: &Review, s: &SignOffState) -> [Rect; 5] {
    let waivers = s.fields.iter().filter(|f| is_waiver(f)).count();
    let people = s.fields.len() - waivers;
    let check_rows = review.checks.len().div_ceil(3) as u16 + 2;
    let waiver_rows = (waivers.max(1) as u16 + 2).min(
        area.height
            .saturating_sub(people as u16 + 9 + check_rows)
            .max(3),
    );
    Layout::vertical([
        Constraint::Length(2),
        Constraint::Length(check_rows),
        Constraint::Length(waiver_rows),
        Constraint::Length(people as u16 + 3),
        Constraint::Min(2),
    ])
    .areas(area)
}

/// The verdict the form would give if written now. A review rejected only
/// for want of the two names says what it would be once they are given.
fn verdict_line(review: &Review, s: &SignOffState, width: u16, theme: &Theme) -> Line<'static> {
    let sign_off = sign_off_of(s);
    let (verdict, reasons) = checklist::verdict(review, &sign_off);
    let lead = Span::raw(" Verdict if written now: ");
    match verdict {
        Verdict::Approved => Line::from(vec![
            lead,
            Span::styled("APPROVED", theme.status(Status::Pass)),
        ]),
        Verdict::Rejected if reasons.len() == 1 && sign_off.problem().is_some() => {
            Line::from(vec![
                lead,
                Span::styled("APPROVED", theme.status(Status::Pass)),
                Span::raw(" once the operator and the approver (two people) are filled in"),
            ])
        }
        Verdict::Rejected => Line::from(vec![
            lead,
            Span::styled("REJECTED", theme.status(Status::Fail)),
            Span::raw(fit(
                &format!(": {}", reasons.first().cloned().unwrap_or_default()),
                width.saturating_sub(36) as usize,
            )),
        ]),
    }
}

/// One field: its label, then what was typed (or, unfocused and empty,
/// a hint of what belongs there).
fn field_line(field: &Field, focused: bool, width: usize, theme: &Theme) -> Line<'static> {
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
}

/// The lines of the waiver fields (`waivers`) or of the other fields, in
/// form order.
fn field_lines(s: &SignOffState, waivers: bool, width: usize, theme: &Theme) -> Vec<Line<'static>> {
    s.fields
        .iter()
        .enumerate()
        .filter(|(_, field)| is_waiver(field) == waivers)
        .map(|(i, field)| field_line(field, i == s.focus, width, theme))
        .collect()
}

/// A reason per warning; the title says when a failure makes waiving moot.
fn draw_waivers(
    frame: &mut Frame,
    area: Rect,
    review: &Review,
    s: &SignOffState,
    width: usize,
    theme: &Theme,
) {
    let mut lines = field_lines(s, true, width, theme);
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
        area,
    );
}

/// The names, the change request, the passphrase, and the signing key.
fn draw_people(
    frame: &mut Frame,
    area: Rect,
    s: &SignOffState,
    key: &KeyStatus,
    width: usize,
    theme: &Theme,
) {
    let mut lines = field_lines(s, false, width, theme);
    lines.push(Line::from(format!(
        "  {:<LABEL$} {}",
        "Signing key",
        fit(&key_words(key), width.saturating_sub(LABEL + 3))
    )));
    frame.render_widget(Paragraph::new(lines).block(boxed("Sign-off", theme)), area);
}

/// How the checklist will be signed, in words.
fn key_words(key: &KeyStatus) -> String {
    match key {
        KeyStatus::None => "none configured: the checklist is written unsigned".to_string(),
        KeyStatus::Ready(who) => format!("signs as {who}"),
        KeyStatus::NeedsPassphrase(path) => format!("{path} (protected)"),
        KeyStatus::Unusable(why) => format!("CANNOT SIGN: {why}"),
    }
}

/// The cursor sits in the focused field, in whichever box holds it (not
/// when that box is too short to show the field).
fn place_cursor(
    frame: &mut Frame,
    s: &SignOffState,
    waiver_box: Rect,
    people_box: Rect,
    width: usize,
) {
    let Some(field) = s.fields.get(s.focus) else {
        return;
    };
    let waiver = is_waiver(field);
    let before = s.fields[..s.focus]
        .iter()
        .filter(|f| is_waiver(f) == waiver)
        .count();
    let boxed_area = if waiver { waiver_box } else { people_box };
    let (_, cursor) = field.input.visible(width.saturating_sub(LABEL + 3));
    let x = boxed_area.x + 1 + (LABEL + 3 + cursor) as u16;
    let y = boxed_area.y + 1 + before as u16;
    if y + 1 < boxed_area.y + boxed_area.height && x < boxed_area.x + boxed_area.width {
        frame.set_cursor_position((x, y));
    }
}

/// Where the checklist goes, and what became of the last Ctrl-S.
fn draw_foot(frame: &mut Frame, area: Rect, s: &SignOffState, dir: &Path, theme: &Theme) {
    let mut lines = vec![Line::from(format!(
        " Writes {}/<name>.toml, .md, .manifest",
        dir.display()
    ))];
    if s.writing {
        lines.push(Line::styled(
            " writing the checklist…",
            theme.fg(Role::Accent),
        ));
    } else if let Some(problem) = &s.problem {
        lines.push(problem_line(problem, theme));
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
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
