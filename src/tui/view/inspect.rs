//! Step 4: the archive's entries, filtered and searched, only the rows
//! that fit drawn; the highlighted entry's findings in words; the
//! contents, safety and since-last-approval summaries.

use crate::engine::shared::text::shown_text;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Padding, Paragraph, Wrap};

use crate::engine::inspect::package::Script;
use crate::engine::review::{Review, Since};
use crate::engine::shared::check::{CheckId, Status};

use super::{boxed, bytes, fit, highlight, status_span};
use crate::tui::model::Model;
use crate::tui::rows::{Filter, Inspect, Row, SCRIPT_ROW};
use crate::tui::theme::{Role, Theme};

fn row_line(row: &Row, width: usize, chosen: bool, theme: &Theme) -> Line<'static> {
    let status = match row.status {
        Some(s) => status_span(s, theme),
        None => Span::styled("  ok  ", theme.fg(Role::Muted)),
    };
    let size = row.size.map(bytes).unwrap_or_default();
    let head = format!("{} ", if chosen { '>' } else { ' ' });
    let mid = format!(" {:<10} {:>9}  ", row.mode, size);
    let change = row
        .change
        .as_deref()
        .map(|c| format!("  {}", fit(c, 24)))
        .unwrap_or_default();
    let used = head.chars().count() + 6 + mid.chars().count() + change.chars().count();
    let room = width.saturating_sub(used);
    let path = format!("{:<room$}", fit(&row.path, room));
    let line = Line::from(vec![
        Span::raw(head),
        status,
        Span::raw(mid),
        Span::raw(path),
        Span::styled(change, theme.fg(Role::Accent)),
    ]);
    if chosen {
        line.style(highlight(theme, true))
    } else {
        line
    }
}

pub fn draw(frame: &mut Frame, area: Rect, m: &mut Model, theme: &Theme) {
    let (Some(review), Some(i)) = (m.review.clone(), m.inspect.as_mut()) else {
        return;
    };
    // A maintainer script's row shows the script: the detail pane grows.
    let script = selected_script(&review, i);
    let detail_rows = match &script {
        Some(_) => (area.height / 2).max(4),
        None => 4,
    };
    let [bar, table, detail, summary] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(detail_rows),
        Constraint::Length(3),
    ])
    .areas(area);
    let since = match &review.since {
        Since::Changes { version, .. } => format!("since {version}"),
        Since::NothingKnown(_) => "since last approval".to_string(),
    };
    draw_bar(frame, bar, i, &since);
    draw_table(frame, table, i, package_title(&review).as_deref(), theme);
    match script {
        Some(script) => draw_script(frame, detail, i, &script, theme),
        None => draw_detail(frame, detail, i, &since, theme),
    }
    draw_summary(frame, summary, &review, theme);
}

/// What a package says it is, and who signed it, in words: the table's
/// title (`meridian 4.2.1-1.el9 for x86_64, package.signature: good
/// signature by ...`).
fn package_title(review: &Review) -> Option<String> {
    let p = review.package.as_deref()?;
    let shown = |v: &Option<String>| shown_text(v.as_deref().unwrap_or("?")).into_owned();
    let signer = review
        .check(CheckId::PackageSignature)
        .map(|c| format!(", package.signature: {}", shown_text(&c.summary)))
        .unwrap_or_default();
    Some(format!(
        "{} {} for {}{signer}",
        shown(&p.name),
        shown(&p.version),
        shown(&p.architecture)
    ))
}

/// The package script of the highlighted row, if it is a script's.
fn selected_script(review: &Review, i: &Inspect) -> Option<Script> {
    let name = i.selected()?.path.strip_prefix(SCRIPT_ROW)?;
    let package = review.package.as_deref()?;
    package.scripts.iter().find(|s| s.name == name).cloned()
}

/// A maintainer script: what was found about it, then its text, escaped,
/// as many lines as fit (the Verify step's `package.scripts` evidence
/// scrolls through all of it).
fn draw_script(frame: &mut Frame, area: Rect, i: &Inspect, script: &Script, theme: &Theme) {
    let mut lines = Vec::new();
    for (status, summary) in i
        .selected()
        .map(|r| r.findings.as_slice())
        .unwrap_or_default()
    {
        lines.push(Line::from(vec![
            status_span(*status, theme),
            Span::raw(format!(" {}", shown_text(summary))),
        ]));
    }
    let text = script.shown_lines();
    let total = text.len();
    lines.extend(text.into_iter().map(Line::from));
    let room = area.height.saturating_sub(2) as usize;
    let title = if lines.len() > room {
        format!(
            "{}: {total} lines, the first shown (all of it: Verify, package.scripts)",
            script.name
        )
    } else {
        format!("{}: {total} lines", script.name)
    };
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            boxed(fit(&title, area.width.saturating_sub(6) as usize), theme)
                .padding(Padding::horizontal(1)),
        ),
        area,
    );
}

/// The filters on the left (the one in force in brackets, each with its
/// count), the search on the right, and the cursor in it while typing.
fn draw_bar(frame: &mut Frame, area: Rect, i: &Inspect, since: &str) {
    let choice = |f: Filter, text: String| {
        if i.filter == f {
            format!("[{text}]")
        } else {
            text
        }
    };
    let search = if !i.searching && i.search.value().is_empty() {
        "/ searches paths".to_string()
    } else {
        format!("search: /{}", i.search.value())
    };
    let mut left = format!(
        " Show: {} {} {}",
        choice(Filter::All, format!("(a)ll {}", i.rows.len())),
        choice(Filter::Findings, format!("(f)indings {}", i.findings)),
        choice(Filter::Changed, format!("(c)hanged {since} {}", i.changed)),
    );
    if i.layers > 0 {
        left.push(' ');
        left.push_str(&match i.filter {
            Filter::Layer(n) => format!("[(l)ayer {n}/{}]", i.layers),
            _ => format!("(l)ayers {}", i.layers),
        });
    }
    let gap =
        (area.width as usize).saturating_sub(left.chars().count() + search.chars().count() + 1);
    frame.render_widget(
        Paragraph::new(format!("{left}{}{search}", " ".repeat(gap.max(1)))),
        area,
    );
    if i.searching {
        let x = area.x
            + (left.chars().count() + gap.max(1) + "search: /".len() + i.search.cursor()) as u16;
        if x < area.x + area.width {
            frame.set_cursor_position((x, area.y));
        }
    }
}

/// The rows that pass the filter and search, only as many as fit, kept
/// scrolled so the cursor's row shows.
fn draw_table(
    frame: &mut Frame,
    area: Rect,
    i: &mut Inspect,
    package: Option<&str>,
    theme: &Theme,
) {
    let height = area.height.saturating_sub(2) as usize;
    i.scroll_into_view(height);
    let width = area.width.saturating_sub(2) as usize;
    let mut lines: Vec<Line> = i
        .visible
        .iter()
        .enumerate()
        .skip(i.offset)
        .take(height)
        .filter_map(|(n, &r)| {
            i.rows
                .get(r)
                .map(|row| row_line(row, width, n == i.cursor, theme))
        })
        .collect();
    if lines.is_empty() {
        lines.push(Line::styled(
            " no entry matches this filter and search",
            theme.fg(Role::Muted),
        ));
    }
    let title = if i.visible.is_empty() {
        "Entries: none shown".to_string()
    } else {
        format!(
            "Entries {}-{} of {}",
            i.offset + 1,
            (i.offset + height).min(i.visible.len()),
            i.visible.len()
        )
    };
    let title = match package {
        Some(package) => fit(&format!("{title} · {package}"), width.saturating_sub(4)),
        None => title,
    };
    frame.render_widget(Paragraph::new(lines).block(boxed(title, theme)), area);
}

/// The highlighted entry's findings in words, and what changed about it.
fn draw_detail(frame: &mut Frame, area: Rect, i: &Inspect, since: &str, theme: &Theme) {
    let mut lines = Vec::new();
    if let Some(row) = i.selected() {
        if row.findings.is_empty() {
            lines.push(Line::from("nothing found about this entry"));
        }
        for (status, summary) in &row.findings {
            lines.push(Line::from(vec![
                status_span(*status, theme),
                Span::raw(format!(" {}", shown_text(summary))),
            ]));
        }
        if let Some(c) = &row.change {
            lines.push(Line::from(shown_text(&format!("{c} {since}")).into_owned()));
        }
    }
    let path = i.selected().map(|r| r.path.clone()).unwrap_or_default();
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            boxed(fit(&path, area.width.saturating_sub(6) as usize), theme)
                .padding(Padding::horizontal(1)),
        ),
        area,
    );
}

/// What changed since the last approval, and the archive checks' verdicts.
fn draw_summary(frame: &mut Frame, area: Rect, review: &Review, theme: &Theme) {
    let mut lines = vec![Line::from(match &review.since {
        Since::Changes { version, diff, .. } => format!(" Since {version}: {}", diff.summary()),
        Since::NothingKnown(why) => format!(" Since last approval: {why}"),
    })];
    for id in [CheckId::ArchiveContents, CheckId::ArchiveSafety] {
        if let Some(c) = review.check(id) {
            lines.push(Line::from(vec![
                Span::raw(" "),
                status_span(c.status, theme),
                Span::raw(fit(
                    &format!(" {}: {}", id, c.summary),
                    area.width.saturating_sub(8) as usize,
                )),
            ]));
        }
    }
    if lines.len() == 1 {
        lines.push(Line::from(vec![
            Span::raw(" "),
            status_span(Status::Skip, theme),
            Span::raw(" the archive was not inspected"),
        ]));
    }
    frame.render_widget(Paragraph::new(lines), area);
}
