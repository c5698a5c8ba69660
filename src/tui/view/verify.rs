//! Step 3: every check with its status as a word and a symbol, a one-line
//! summary, and the evidence of the highlighted check (signer first, then
//! when and under which rule, hashes, key expiry) with its findings, every
//! line of it wrapped and scrolled with the page keys.

use crate::engine::shared::text::shown_text;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Padding, Paragraph};

use crate::engine::inspect::package::Script;
use crate::engine::shared::check::{Check, CheckId, Status};

use super::{boxed, fit, highlight, status_span, wrap};
use crate::engine::review::Review;
use crate::tui::model::{EvidenceScroll, Model};
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

/// Evidence shown first: who signed, when, under which rule (for an
/// Authenticode signature: the publisher, then the time it was stamped and
/// the digest it signs).
const FIRST: [&str; 9] = [
    "signer",
    "publisher",
    "issuer",
    "user_id",
    "made",
    "policy",
    "time",
    "digest_algorithm",
    "signed_digest",
];

/// Every line of a check's evidence and findings, wrapped to `width`:
/// the summary, the next step, each piece of evidence (who signed first),
/// each finding.
fn evidence_lines(check: &Check, width: usize, theme: &Theme) -> Vec<Line<'static>> {
    let mut lines = wrap(
        &[
            status_span(check.status, theme),
            Span::raw(format!(" {}", shown_text(&check.summary))),
        ],
        width,
        7,
    );
    // What to do comes right under what is wrong: the first thing read.
    if let Some(step) = &check.next_step {
        let spans = [
            Span::styled("Next: ".to_string(), theme.fg(Role::Warn)),
            Span::raw(shown_text(step).into_owned()),
        ];
        lines.extend(wrap(&spans, width, 6));
    }
    let ordered: Vec<(&String, &String)> = FIRST
        .iter()
        .filter_map(|k| check.evidence.get_key_value(*k))
        .chain(
            check
                .evidence
                .iter()
                .filter(|(k, _)| !FIRST.contains(&k.as_str())),
        )
        .collect();
    let key_width = ordered
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(0)
        .min(18);
    for (key, value) in ordered {
        let name = fit(&key.replace('_', " "), key_width);
        let spans = [
            Span::styled(format!("{name:<key_width$}  "), theme.fg(Role::Muted)),
            Span::raw(shown_text(value).into_owned()),
        ];
        lines.extend(wrap(&spans, width, key_width + 2));
    }
    for f in &check.findings {
        let spans = [
            status_span(f.status, theme),
            Span::raw(shown_text(&format!(" {}: {}", f.subject, f.summary)).into_owned()),
        ];
        lines.extend(wrap(&spans, width, 7));
    }
    lines
}

/// Where the rest of the evidence is, and the keys that show it.
fn more_words(above: usize, below: usize) -> String {
    match (above, below) {
        (0, b) => format!(" {b} more line(s) below: PgDn, End "),
        (a, 0) => format!(" {a} line(s) above: PgUp, Home "),
        (a, b) => format!(" {a} above, {b} below: PgUp, PgDn "),
    }
}

pub fn draw(frame: &mut Frame, area: Rect, m: &mut Model, theme: &Theme) {
    let Some(review) = m.review.clone() else {
        return;
    };
    let list_rows = (review.checks.len() as u16 + 2).min(area.height.saturating_sub(6));
    let [list, summary, detail] = Layout::vertical([
        Constraint::Length(list_rows),
        Constraint::Length(1),
        Constraint::Min(3),
    ])
    .areas(area);
    draw_list(frame, list, &review, m.check_cursor, theme);
    frame.render_widget(Paragraph::new(counts_line(m, theme)), summary);
    if let Some(check) = review.checks.get(m.check_cursor) {
        let scripts = match (check.id, review.package.as_deref()) {
            (CheckId::PackageScripts, Some(p)) => p.scripts.as_slice(),
            _ => &[],
        };
        draw_evidence(frame, detail, check, scripts, &mut m.evidence, theme);
    }
}

/// The checks, scrolled so the highlighted one shows.
fn draw_list(frame: &mut Frame, area: Rect, review: &Review, cursor: usize, theme: &Theme) {
    let width = area.width.saturating_sub(2) as usize;
    let rows = area.height.saturating_sub(2) as usize;
    let start = (cursor + 1).saturating_sub(rows);
    // Wide enough for the longest id listed (`authenticode.timestamp`).
    let id_width = review
        .checks
        .iter()
        .map(|c| c.id.as_str().len())
        .max()
        .unwrap_or(0)
        .max(20);
    let lines: Vec<Line> = review
        .checks
        .iter()
        .enumerate()
        .skip(start)
        .take(rows)
        .map(|(i, c)| {
            let chosen = i == cursor;
            let mark = if chosen { ">" } else { " " };
            let head = format!("{mark} ");
            let name = format!(" {:<id_width$} ", c.id.as_str());
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
    frame.render_widget(Paragraph::new(lines).block(boxed("Checks", theme)), area);
}

/// The highlighted check's evidence, scrolled (the pane keeps how many
/// lines it shows and has, for the page keys); the borders say what is
/// above and below.
fn draw_evidence(
    frame: &mut Frame,
    area: Rect,
    check: &Check,
    scripts: &[Script],
    e: &mut EvidenceScroll,
    theme: &Theme,
) {
    let width = area.width.saturating_sub(4) as usize;
    let mut lines = evidence_lines(check, width, theme);
    // Each maintainer script in full, escaped, after the findings.
    for script in scripts {
        let head = format!("--- {} ---", script.name);
        lines.push(Line::styled(head, theme.fg(Role::Muted)));
        for text in script.shown_lines() {
            lines.extend(wrap(&[Span::raw(text)], width, 2));
        }
    }
    e.rows = area.height.saturating_sub(2) as usize;
    e.lines = lines.len();
    e.scroll = e.scroll.min(e.last());
    let above = e.scroll;
    let below = e.lines.saturating_sub(e.scroll + e.rows);
    let mut title = format!("Evidence: {}", check.id);
    if above + below > 0 {
        title.push_str(&format!(
            " (lines {}-{} of {})",
            e.scroll + 1,
            (e.scroll + e.rows).min(e.lines),
            e.lines
        ));
    }
    let mut block = boxed(title, theme).padding(Padding::horizontal(1));
    if above + below > 0 {
        block = block.title_bottom(Line::from(more_words(above, below)).right_aligned());
    }
    let shown: Vec<Line> = lines.into_iter().skip(e.scroll).take(e.rows).collect();
    frame.render_widget(Paragraph::new(shown).block(block), area);
}
