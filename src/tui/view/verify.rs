//! Step 3: every check with its status as a word and a symbol, a one-line
//! summary, and the evidence of the highlighted check (hashes, signer,
//! key expiry, the rule that decided) with its findings.

use crate::engine::shared::text::shown_text;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Padding, Paragraph, Wrap};

use crate::engine::shared::check::{Check, Status};

use super::{boxed, fit, highlight, status_span};
use crate::tui::model::Model;
use crate::tui::theme::{Role, Theme};

/// The one-line summary: counts of each status and what they mean.
pub fn counts_line(m: &Model, theme: &Theme) -> Line<'static> {
    let counts = m.counts();
    let mut spans = vec![Span::raw(" ")];
    for status in [Status::Pass, Status::Warn, Status::Fail, Status::Skip] {
        let n = counts.get(&status).copied().unwrap_or(0);
        spans.push(Span::styled(
            format!("{n} {}", status.word()),
            if n > 0 {
                theme.status(status)
            } else {
                theme.fg(Role::Muted)
            },
        ));
        spans.push(Span::raw("  "));
    }
    let fails = counts.get(&Status::Fail).copied().unwrap_or(0);
    let warns = counts.get(&Status::Warn).copied().unwrap_or(0);
    spans.push(Span::raw(match (fails, warns) {
        (0, 0) => "nothing to waive".to_string(),
        (0, w) => format!("{w} warning(s) need a written reason"),
        (f, _) => format!("{f} failure(s): cannot be approved"),
    }));
    Line::from(spans)
}

fn evidence_lines(check: &Check, width: usize, theme: &Theme) -> Vec<Line<'static>> {
    let mut lines = vec![Line::from(vec![
        status_span(check.status, theme),
        Span::raw(format!(" {}", shown_text(&check.summary))),
    ])];
    let key_width = check
        .evidence
        .keys()
        .map(|k| k.chars().count())
        .max()
        .unwrap_or(0)
        .min(18);
    for (key, value) in &check.evidence {
        lines.push(Line::from(vec![
            Span::styled(
                format!("{:<key_width$}  ", fit(key, key_width)),
                theme.fg(Role::Muted),
            ),
            Span::raw(shown_text(value).into_owned()),
        ]));
    }
    for f in &check.findings {
        lines.push(Line::from(vec![
            status_span(f.status, theme),
            Span::raw(fit(
                &format!(" {}: {}", f.subject, f.summary),
                width.saturating_sub(8),
            )),
        ]));
    }
    lines
}

pub fn draw(frame: &mut Frame, area: Rect, m: &Model, theme: &Theme) {
    let Some(review) = &m.review else { return };
    let list_rows = (review.checks.len() as u16 + 2).min(area.height.saturating_sub(6));
    let [list, summary, detail] = Layout::vertical([
        Constraint::Length(list_rows),
        Constraint::Length(1),
        Constraint::Min(3),
    ])
    .areas(area);
    let width = list.width.saturating_sub(2) as usize;
    let rows = list.height.saturating_sub(2) as usize;
    let start = (m.check_cursor + 1).saturating_sub(rows);
    let lines: Vec<Line> = review
        .checks
        .iter()
        .enumerate()
        .skip(start)
        .take(rows)
        .map(|(i, c)| {
            let chosen = i == m.check_cursor;
            let mark = if chosen { ">" } else { " " };
            let head = format!("{mark} ");
            let name = format!(" {:<20} ", c.id.as_str());
            let used = head.chars().count() + 6 + name.chars().count();
            let text = format!(
                "{:<w$}",
                fit(&c.summary, width.saturating_sub(used)),
                w = width.saturating_sub(used)
            );
            let row = vec![
                Span::raw(head),
                status_span(c.status, theme),
                Span::raw(name),
                Span::raw(text),
            ];
            let line = Line::from(row);
            if chosen {
                line.style(highlight(theme, true))
            } else {
                line
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines).block(boxed("Checks", theme)), list);
    frame.render_widget(Paragraph::new(counts_line(m, theme)), summary);
    if let Some(check) = review.checks.get(m.check_cursor) {
        let inner_width = detail.width.saturating_sub(4) as usize;
        let mut lines = evidence_lines(check, inner_width, theme);
        let room = detail.height.saturating_sub(2) as usize;
        if lines.len() > room && room > 0 {
            let more = lines.len() - room + 1;
            lines.truncate(room - 1);
            lines.push(Line::styled(
                format!("… {more} more line(s): every finding is in the checklist and on Inspect"),
                theme.fg(Role::Muted),
            ));
        }
        frame.render_widget(
            Paragraph::new(lines).wrap(Wrap { trim: false }).block(
                boxed(format!("Evidence: {}", check.id), theme).padding(Padding::horizontal(1)),
            ),
            detail,
        );
    }
}
