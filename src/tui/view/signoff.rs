//! Step 5: the counts and the verdict as the form stands (a sentence,
//! wrapped), every check at a glance, and the form: the names, the change
//! request, the signing key (and its passphrase, masked), a reason per
//! warning. The form scrolls as one list so the focused field is always
//! drawn, marked and with the cursor in it; what is not shown is counted.

use std::path::Path;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::engine::review::Review;
use crate::engine::shared::check::{CheckId, Status};
use crate::engine::shared::text::shown_text;
use crate::engine::shared::verdict::Verdict;

use super::verify::counts_line;
use super::{boxed, fit, highlight, problem_line, wrap};
use crate::engine::record::checklist;
use crate::tui::form::sign_off_of;
use crate::tui::model::{Field, FieldKind, KeyStatus, Model, SignOffState};
use crate::tui::theme::{Role, Theme};

/// The widest label that is not a reason's (`Change request`).
const MIN_LABEL: usize = 14;
/// The widest a label grows (a finding's long path is cut in the middle).
const MAX_LABEL: usize = 32;

fn label(kind: &FieldKind) -> String {
    match kind {
        FieldKind::Waiver(id, None) => format!("Reason: {id}"),
        FieldKind::Waiver(_, Some(subject)) => format!("Reason: {}", shown_text(subject)),
        FieldKind::Operator => "Operator".to_string(),
        FieldKind::Approver => "Approver".to_string(),
        FieldKind::ChangeRequest => "Change request".to_string(),
        FieldKind::Passphrase => "Key passphrase".to_string(),
    }
}

/// What belongs in an empty field, in brackets (so it never reads as typed).
fn hint(kind: &FieldKind, review: &Review) -> String {
    match kind {
        FieldKind::Waiver(id, None) => {
            let why = review.check(*id).map(|c| c.summary.as_str()).unwrap_or("");
            format!("(it warns: {why})")
        }
        FieldKind::Waiver(id, Some(subject)) => {
            let why = review
                .check(*id)
                .and_then(|c| c.findings.iter().find(|f| f.subject == *subject))
                .map(|f| f.summary.as_str())
                .unwrap_or("");
            format!("({id} warns: {why})")
        }
        FieldKind::Operator => "(who ran this review)".to_string(),
        FieldKind::Approver => "(a second person, not the operator)".to_string(),
        FieldKind::ChangeRequest => "(optional, e.g. CR-20461)".to_string(),
        FieldKind::Passphrase => "(asked because the signing key is protected)".to_string(),
    }
}

/// A row of the form: a field, or the signing key it will be signed with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Row {
    Field(usize),
    Key,
}

/// The form's rows: the fields in order, the signing key after the
/// change request (before its passphrase).
fn rows(s: &SignOffState) -> Vec<Row> {
    let mut rows: Vec<Row> = (0..s.fields.len()).map(Row::Field).collect();
    let at = s
        .fields
        .iter()
        .position(|f| f.kind == FieldKind::ChangeRequest)
        .map_or(rows.len(), |i| i + 1);
    rows.insert(at, Row::Key);
    rows
}

pub fn draw(frame: &mut Frame, area: Rect, m: &Model, theme: &Theme) {
    let (Some(review), Some(s)) = (&m.review, &m.sign_off) else {
        return;
    };
    let width = area.width as usize;
    let mut head = vec![counts_line(m, theme)];
    head.extend(wrap(&verdict_spans(review, s, theme), width, 1));
    let foot = foot_lines(s, &m.ctx.to.checklist_dir, width, theme);
    let rows = rows(s);
    let [head_area, checks_area, form_area, foot_area] = layout(
        area,
        head.len(),
        review.checks.len(),
        rows.len(),
        foot.len(),
    );
    frame.render_widget(Paragraph::new(head), head_area);
    if checks_area.height > 0 {
        draw_checks(frame, checks_area, review, theme);
    }
    draw_form(frame, form_area, review, s, &m.ctx.key, &rows, theme);
    frame.render_widget(Paragraph::new(foot), foot_area);
}

/// Head, checks, form, foot, top to bottom. The form comes first: on a
/// short terminal the checks' box gives way (the counts line stays), then
/// the form scrolls.
fn layout(area: Rect, head: usize, checks: usize, rows: usize, foot: usize) -> [Rect; 4] {
    let (head, foot) = (head as u16, foot as u16);
    let avail = area.height.saturating_sub(head + foot);
    let form_need = rows as u16 + 2;
    let form_least = form_need.min(7);
    let mut checks_rows = checks.div_ceil(3) as u16 + 2;
    if avail < checks_rows + form_least {
        checks_rows = 0;
    }
    let form_rows = form_need.min(avail - checks_rows);
    let [head_area, checks_area, form_area, foot_area, _] = Layout::vertical([
        Constraint::Length(head),
        Constraint::Length(checks_rows),
        Constraint::Length(form_rows),
        Constraint::Length(foot),
        Constraint::Min(0),
    ])
    .areas(area);
    [head_area, checks_area, form_area, foot_area]
}

/// The failed checks, the warnings still without a reason, and what the
/// names lack, as the form stands.
fn missing(review: &Review, s: &SignOffState) -> (Vec<CheckId>, Vec<CheckId>) {
    let sign_off = sign_off_of(s);
    let failed = review
        .checks
        .iter()
        .filter(|c| c.status == Status::Fail && c.id != CheckId::Signoff)
        .map(|c| c.id)
        .collect();
    let unreasoned = review
        .checks
        .iter()
        .filter(|c| c.status == Status::Warn)
        .filter(|c| !sign_off.waivers.iter().any(|w| w.check == c.id))
        .map(|c| c.id)
        .collect();
    (failed, unreasoned)
}

fn ids(ids: &[CheckId]) -> String {
    ids.iter()
        .map(|id| id.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The verdict the form would give if written now, and why, in one
/// sentence (wrapped by the caller). A review rejected only for want of
/// the two names says what it would be once they are given.
fn verdict_spans(review: &Review, s: &SignOffState, theme: &Theme) -> Vec<Span<'static>> {
    let sign_off = sign_off_of(s);
    let (verdict, reasons) = checklist::verdict(review, &sign_off);
    let lead = Span::raw(" Verdict if written now: ");
    let approved = Span::styled("APPROVED", theme.status(Status::Pass));
    if verdict == Verdict::Approved {
        return vec![lead, approved];
    }
    let (failed, unreasoned) = missing(review, s);
    let names = sign_off.problem();
    if failed.is_empty() && unreasoned.is_empty() && names.is_some() {
        return vec![
            lead,
            approved,
            Span::raw(" once the operator and the approver (two people) are filled in"),
        ];
    }
    let mut why: Vec<String> = Vec::new();
    if !failed.is_empty() {
        why.push(format!(
            "{} failed, and a FAIL cannot be waived",
            ids(&failed)
        ));
    }
    if !unreasoned.is_empty() {
        why.push(format!("no written reason yet for {}", ids(&unreasoned)));
    }
    why.extend(names);
    if why.is_empty() {
        why.extend(reasons.into_iter().take(1));
    }
    vec![
        lead,
        Span::styled("REJECTED", theme.status(Status::Fail)),
        Span::raw(format!(": {}", why.join("; "))),
    ]
}

/// The form's box: the rows that fit, scrolled so the focused field shows,
/// its place in the title, what is above and below on the borders, and
/// the cursor in the focused field.
fn draw_form(
    frame: &mut Frame,
    area: Rect,
    review: &Review,
    s: &SignOffState,
    key: &KeyStatus,
    rows: &[Row],
    theme: &Theme,
) {
    let shown = area.height.saturating_sub(2) as usize;
    let focus_row = rows
        .iter()
        .position(|r| *r == Row::Field(s.focus))
        .unwrap_or(0);
    let first = (focus_row + 1).saturating_sub(shown.max(1));
    let below = rows.len().saturating_sub(first + shown);
    let label_width = s
        .fields
        .iter()
        .map(|f| label(&f.kind).chars().count())
        .max()
        .unwrap_or(0)
        .clamp(MIN_LABEL, MAX_LABEL);
    let width = area.width.saturating_sub(2) as usize;
    let lines: Vec<Line> = rows
        .iter()
        .skip(first)
        .take(shown)
        .map(|row| match row {
            Row::Key => key_line(key, label_width, width),
            Row::Field(i) => field_line(review, s, *i, label_width, width, theme),
        })
        .collect();
    let title = format!("Sign-off: field {} of {}", s.focus + 1, s.fields.len());
    let mut block = boxed(title, theme);
    if first > 0 {
        block = block.title(Line::from(format!(" {first} more above ")).right_aligned());
    }
    if below > 0 {
        block = block.title_bottom(Line::from(format!(" {below} more below ")).right_aligned());
    }
    frame.render_widget(Paragraph::new(lines).block(block), area);
    if let Some(field) = s.fields.get(s.focus)
        && shown > 0
    {
        let (_, cursor) = field.input.visible(value_room(label_width, width));
        let x = area.x + 1 + (label_width + 3 + cursor) as u16;
        let y = area.y + 1 + (focus_row - first) as u16;
        if x < area.x + area.width.saturating_sub(1) {
            frame.set_cursor_position((x, y));
        }
    }
}

/// Room for a field's text: the box less the marker and the label.
fn value_room(label_width: usize, width: usize) -> usize {
    width.saturating_sub(label_width + 4)
}

/// One field: `>` and its label highlighted when focused, then what was
/// typed (masked for the passphrase) or, empty and not focused, a hint.
fn field_line(
    review: &Review,
    s: &SignOffState,
    i: usize,
    label_width: usize,
    width: usize,
    theme: &Theme,
) -> Line<'static> {
    let Some(Field { kind, input }) = s.fields.get(i) else {
        return Line::default();
    };
    let focused = i == s.focus;
    let room = value_room(label_width, width);
    // The focused field scrolls to its cursor; the others show their start.
    let text = if focused {
        input.visible(room).0
    } else {
        fit(&input.visible(usize::MAX).0, room)
    };
    let shown = if text.is_empty() && !focused {
        Span::styled(fit(&hint(kind, review), room), theme.fg(Role::Muted))
    } else {
        Span::raw(text)
    };
    let marker = if focused { '>' } else { ' ' };
    let head = format!("{marker} {:<label_width$}", fit(&label(kind), label_width));
    let style = if focused {
        highlight(theme, true)
    } else {
        theme.fg(Role::Text)
    };
    Line::from(vec![Span::styled(head, style), Span::raw(" "), shown])
}

/// The signing key, in words (not a field: it comes from the settings).
fn key_line(key: &KeyStatus, label_width: usize, width: usize) -> Line<'static> {
    let words = match key {
        KeyStatus::None => "none configured: the checklist is written unsigned".to_string(),
        KeyStatus::Ready(who) => format!("signs as {who}"),
        KeyStatus::NeedsPassphrase(path) => format!("{path} (protected)"),
        KeyStatus::Unusable(why) => format!("CANNOT SIGN: {why}"),
    };
    Line::from(format!(
        "  {:<label_width$} {}",
        "Signing key",
        fit(&words, value_room(label_width, width))
    ))
}

/// Where the checklist goes, and what became of the last Ctrl-S (wrapped).
fn foot_lines(s: &SignOffState, dir: &Path, width: usize, theme: &Theme) -> Vec<Line<'static>> {
    let mut lines = vec![Line::from(format!(
        " Writes {}/<name>.toml, .md, .manifest",
        dir.display()
    ))];
    if s.writing {
        lines.push(Line::styled(
            format!(" writing the checklist{}", theme.ellipsis()),
            theme.fg(Role::Accent),
        ));
    } else if let Some(problem) = &s.problem {
        lines.extend(wrap(&problem_line(&problem.text, theme).spans, width, 3));
    }
    lines
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
