//! Step 2: each source and what happened there, the transfer's gauge with
//! bytes, rate and time left, and which evidence files arrived.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Gauge, Paragraph, Wrap};

use crate::engine::shared::event::SourceState;

use super::{boxed, bytes, fit, problem_line};
use crate::tui::model::{FetchState, Model, Progress, SourceLine};
use crate::tui::theme::{Role, Theme};

/// The state of a source in words (upper case for the outcomes).
fn state_words(state: &SourceState, theme: &Theme) -> (String, Role) {
    match state {
        SourceState::Trying { .. } => (format!("trying{}", theme.ellipsis()), Role::Accent),
        SourceState::Resuming { from } => (format!("resuming at {}", bytes(*from)), Role::Accent),
        SourceState::Refused(why) => (format!("NOT TRIED: {why}"), Role::Skip),
        SourceState::Failed(why) => (format!("FAILED: {why}"), Role::Fail),
        SourceState::WrongBytes => (
            "WRONG BYTES: not the signed checksum".to_string(),
            Role::Fail,
        ),
        SourceState::Served => ("OK".to_string(), Role::Ok),
    }
}

fn source_lines(f: &FetchState, width: usize, theme: &Theme) -> Vec<Line<'static>> {
    if f.sources.is_empty() {
        return vec![Line::styled(
            format!(" waiting for the first source{}", theme.ellipsis()),
            theme.fg(Role::Muted),
        )];
    }
    let file_width = f
        .sources
        .iter()
        .map(|l| l.file.chars().count())
        .max()
        .unwrap_or(0)
        .min(38);
    f.sources
        .iter()
        .map(
            |SourceLine {
                 file,
                 source,
                 state,
             }| {
                let (words, role) = state_words(state, theme);
                let head = format!(
                    " {:<10} {:<file_width$} ",
                    fit(source, 10),
                    fit(file, file_width)
                );
                let room = width.saturating_sub(head.chars().count());
                Line::from(vec![
                    Span::raw(head),
                    Span::styled(fit(&words, room), theme.fg(role)),
                ])
            },
        )
        .collect()
}

pub fn draw(frame: &mut Frame, area: Rect, m: &Model, theme: &Theme) {
    let Some(f) = &m.fetch else { return };
    let [sources, transfer, status] = Layout::vertical([
        Constraint::Min(4),
        Constraint::Length(5),
        Constraint::Length(4),
    ])
    .areas(area);
    draw_sources(frame, sources, f, theme);
    draw_transfer(frame, transfer, f, theme);
    frame.render_widget(
        Paragraph::new(status_lines(f, theme)).wrap(Wrap { trim: false }),
        status,
    );
}

/// Every source tried, file by file.
fn draw_sources(frame: &mut Frame, area: Rect, f: &FetchState, theme: &Theme) {
    let width = area.width.saturating_sub(2) as usize;
    let lines = source_lines(f, width, theme);
    // The newest lines matter most: keep the end in view.
    let skip = lines
        .len()
        .saturating_sub(area.height.saturating_sub(2) as usize);
    frame.render_widget(
        Paragraph::new(lines.into_iter().skip(skip).collect::<Vec<_>>())
            .block(boxed("Sources: file by file", theme)),
        area,
    );
}

/// The box of the file being read: its progress, or that the evidence
/// files come first.
fn draw_transfer(frame: &mut Frame, area: Rect, f: &FetchState, theme: &Theme) {
    let title = f
        .progress
        .as_ref()
        .map(|p| p.what.clone())
        .unwrap_or_else(|| "the artifact".to_string());
    let block = boxed(fit(&title, area.width.saturating_sub(6) as usize), theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if let Some(p) = &f.progress {
        draw_progress(frame, inner, p, f.done, theme);
    } else {
        frame.render_widget(
            Paragraph::new(format!(
                " reading the evidence files first{}",
                theme.ellipsis()
            ))
            .style(theme.fg(Role::Muted)),
            inner,
        );
    }
}

/// The gauge with the bytes read, the rate and the time left, and a note
/// that every check shares this one read.
fn draw_progress(frame: &mut Frame, area: Rect, p: &Progress, done: bool, theme: &Theme) {
    let [gauge, detail, note] = Layout::vertical([Constraint::Length(1); 3]).areas(area);
    let ratio = p
        .total
        .filter(|t| *t > 0)
        .map(|t| (p.done as f64 / t as f64).clamp(0.0, 1.0));
    let of = p
        .total
        .map(|t| format!(" of {}", bytes(t)))
        .unwrap_or_default();
    let label = match ratio {
        Some(r) => format!("{:>3.0} %  {}{of}", r * 100.0, bytes(p.done)),
        None => format!("{}{of}", bytes(p.done)),
    };
    let gauge_widget = Gauge::default()
        .ratio(ratio.unwrap_or(0.0))
        .label(label)
        .use_unicode(!theme.ascii)
        .gauge_style(theme.fg(Role::Accent));
    frame.render_widget(gauge_widget, gauge);
    frame.render_widget(
        Paragraph::new(format!(
            " {}{}{}",
            rate_words(p, done),
            theme.dot(),
            eta_words(p, done)
        )),
        detail,
    );
    frame.render_widget(
        Paragraph::new(" SHA-256, signatures and the archive walk share this one read")
            .style(theme.fg(Role::Muted)),
        note,
    );
}

/// `1.2 MiB/s`, or why no rate is shown.
fn rate_words(p: &Progress, done: bool) -> String {
    p.rate
        .map(|r| format!("{}/s", bytes(r)))
        .unwrap_or_else(|| {
            if done {
                "read in full".to_string()
            } else {
                "rate not known yet".to_string()
            }
        })
}

/// `1 min 5 s left`, `done`, or that it is not known yet.
fn eta_words(p: &Progress, done: bool) -> String {
    match (p.eta, done) {
        (_, true) => "done".to_string(),
        (Some(s), _) => format!("{} left", duration(s)),
        (None, _) => "time left not known".to_string(),
    }
}

/// What the step is doing, and what the keys do now.
fn status_lines(f: &FetchState, theme: &Theme) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    if let Some(why) = &f.error {
        lines.push(problem_line(
            &format!("The review could not run: {why}"),
            theme,
        ));
        lines.push(Line::from(
            " Esc goes back to Select; the step log (L) has every attempt.",
        ));
    } else if f.done {
        lines.push(Line::from(" Every file read. Enter: the checks (Verify)."));
    } else {
        lines.push(Line::styled(
            format!(" Working{} Esc cancels and goes back.", theme.ellipsis()),
            theme.fg(Role::Muted),
        ));
    }
    lines
}

/// `1 min 5 s`, `12 s`.
fn duration(secs: u64) -> String {
    match secs {
        0..60 => format!("{secs} s"),
        60..3600 => format!("{} min {} s", secs / 60, secs % 60),
        _ => format!("{} h {} min", secs / 3600, secs % 3600 / 60),
    }
}
