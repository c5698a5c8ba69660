//! Step 1: releases newest first, the platforms of the highlighted one
//! (this host's marked), its notes beside them, whether the local sources
//! hold the highlighted platform's artifact, and what Select warns of.

use crate::engine::shared::text::shown_text;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Padding, Paragraph, Wrap};

use crate::engine::select::choose;
use crate::engine::shared::check::{Check, CheckId, Status};

use super::{boxed, fit, fit_middle, highlight, right, status_span};
use crate::tui::model::{Model, Pane};
use crate::tui::theme::{Role, Theme};

/// The lists' width at 80 columns; wider terminals give them two fifths.
const LIST_MIN: u16 = 36;

/// The date's width (`2026-03-02`), always shown whole.
const DATE: usize = 10;

pub fn draw(frame: &mut Frame, area: Rect, m: &Model, theme: &Theme) {
    let warnings = m.select_warnings();
    let media = media_line(m, theme);
    let info_rows = 1 + u16::from(media.is_some()) + warnings.len().max(1) as u16;
    let [main, info] =
        Layout::vertical([Constraint::Min(8), Constraint::Length(info_rows)]).areas(area);
    let list = LIST_MIN.max(area.width * 2 / 5);
    let [left, notes] =
        Layout::horizontal([Constraint::Length(list), Constraint::Min(20)]).areas(main);
    let platforms_rows = m
        .release()
        .map(|r| r.artifacts.len())
        .unwrap_or(0)
        .clamp(1, 6) as u16
        + 2;
    let [releases, platforms] =
        Layout::vertical([Constraint::Min(4), Constraint::Length(platforms_rows)]).areas(left);
    let version = m.release().map(|r| r.version.clone()).unwrap_or_default();

    draw_releases(frame, releases, m, theme);
    // Titles hold a long version shortened in the middle.
    let room = |area: Rect, used: u16| area.width.saturating_sub(used) as usize;
    draw_platforms(
        frame,
        platforms,
        m,
        &fit_middle(&version, room(platforms, 26)),
        theme,
    );
    draw_notes(frame, notes, m, &version, theme);
    let lines = info_lines(m, media, &warnings, area.width, theme);
    frame.render_widget(Paragraph::new(lines), info);
    draw_feed_state(frame, area, &warnings, theme);
}

/// A row of the releases or platforms list, `width` wide: `>` marks the
/// chosen one, highlighted when its list has the focus.
fn list_line(
    text: &str,
    chosen: bool,
    focused: bool,
    width: usize,
    theme: &Theme,
) -> Line<'static> {
    let text = fit(&format!("{} {text}", if chosen { '>' } else { ' ' }), width);
    let style = if chosen {
        highlight(theme, focused)
    } else {
        theme.fg(Role::Text)
    };
    Line::styled(format!("{text:<width$}"), style)
}

/// How wide the version and channel columns are in a row `width` wide
/// (after the marker): the date always shows whole; the version gets what
/// its longest needs (at least 10) before the channel, which has the rest
/// (a wider terminal gives both room).
fn columns(m: &Model, width: usize) -> usize {
    let longest = m
        .select
        .order
        .iter()
        .filter_map(|&i| m.ctx.feed.releases.get(i))
        .map(|r| r.version.chars().count())
        .max()
        .unwrap_or(0)
        .max(10);
    // "> " + version + " " + date + "  " + channel
    longest.min(width.saturating_sub(2 + 1 + DATE + 2))
}

/// The box title's hint that Tab moves to the other list.
fn tab_hint(m: &Model, other: Pane) -> &'static str {
    if m.select.pane == other { " (Tab)" } else { "" }
}

/// The releases, newest first, scrolled so the chosen one shows.
fn draw_releases(frame: &mut Frame, area: Rect, m: &Model, theme: &Theme) {
    let feed = &m.ctx.feed;
    let rows = area.height.saturating_sub(2) as usize;
    let width = area.width.saturating_sub(2) as usize;
    let version_width = columns(m, width);
    let channel_width = width.saturating_sub(2 + version_width + 1 + DATE + 2);
    let start = (m.select.release + 1).saturating_sub(rows);
    let focused = m.select.pane == Pane::Releases;
    let lines: Vec<Line> = m
        .select
        .order
        .iter()
        .enumerate()
        .skip(start)
        .take(rows)
        .filter_map(|(i, &r)| feed.releases.get(r).map(|r| (i, r)))
        .map(|(i, r)| {
            let text = format!(
                "{:<version_width$} {}  {}",
                fit_middle(&shown_text(&r.version), version_width),
                r.date,
                fit(&r.channel, channel_width)
            );
            list_line(&text, i == m.select.release, focused, width, theme)
        })
        .collect();
    frame.render_widget(
        Paragraph::new(lines).block(boxed(
            format!("Releases, newest first{}", tab_hint(m, Pane::Platforms)),
            theme,
        )),
        area,
    );
}

/// The highlighted release's platforms, this host's marked.
fn draw_platforms(frame: &mut Frame, area: Rect, m: &Model, version: &str, theme: &Theme) {
    let focused = m.select.pane == Pane::Platforms;
    let width = area.width.saturating_sub(2) as usize;
    let lines: Vec<Line> = m
        .release()
        .map(|r| r.artifacts.as_slice())
        .unwrap_or_default()
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let host = if a.platform == m.ctx.host {
                " (this host)"
            } else {
                ""
            };
            let text = format!("{}{host}", a.platform);
            list_line(&text, i == m.select.platform, focused, width, theme)
        })
        .collect();
    frame.render_widget(
        Paragraph::new(lines).block(boxed(
            format!("Platforms for {version}{}", tab_hint(m, Pane::Releases)),
            theme,
        )),
        area,
    );
}

/// The highlighted release's notes, or that they are still being read.
fn draw_notes(frame: &mut Frame, area: Rect, m: &Model, version: &str, theme: &Theme) {
    let notes_lines = match &m.select.notes {
        Some((v, lines)) if v == version => lines.clone(),
        _ => vec![Line::styled(
            format!("reading the release notes{}", theme.ellipsis()),
            theme.fg(Role::Muted),
        )],
    };
    frame.render_widget(
        Paragraph::new(notes_lines)
            .wrap(Wrap { trim: false })
            .scroll((m.select.notes_scroll, 0))
            .block(
                boxed(
                    format!(
                        "Release notes {}",
                        fit_middle(version, area.width.saturating_sub(20) as usize)
                    ),
                    theme,
                )
                .padding(Padding::horizontal(1)),
            ),
        area,
    );
}

/// Below the lists: the last approval, whether the media hold the
/// artifact, and what Select warns of (or that it warns of nothing).
fn info_lines(
    m: &Model,
    media: Option<Line<'static>>,
    warnings: &[Check],
    width: u16,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let last_approved = m
        .last_approved()
        .unwrap_or_else(|| "No approval of this platform is recorded here yet.".to_string());
    let mut lines = vec![Line::from(format!(" {}", shown_text(&last_approved)))];
    lines.extend(media);
    if warnings.is_empty() {
        lines.push(Line::from(vec![
            Span::raw(" "),
            status_span(Status::Pass, theme),
            Span::raw(" feed in date; newest of its channel; no rollback"),
        ]));
    }
    for w in warnings {
        lines.push(Line::from(vec![
            Span::raw(" "),
            status_span(w.status, theme),
            Span::raw(fit(
                &format!(" {}: {}", w.id, w.summary),
                width.saturating_sub(8) as usize,
            )),
        ]));
    }
    lines
}

/// Whether the feed is in date, on the right of the step bar above `area`.
fn draw_feed_state(frame: &mut Frame, area: Rect, warnings: &[Check], theme: &Theme) {
    let fresh = if warnings.iter().any(|w| w.id == CheckId::FeedFresh) {
        "feed EXPIRED "
    } else {
        "feed ok "
    };
    let steps = Rect::new(area.x, area.y.saturating_sub(1), area.width, 1);
    frame.render_widget(right(fresh.to_string(), theme), steps);
}

/// Whether the local sources hold the highlighted artifact (folders only
/// are looked at, never the network; nothing is said when a network source
/// might hold it): local media often carry only the release being installed.
fn media_line(m: &Model, theme: &Theme) -> Option<Line<'static>> {
    let release = m.release()?;
    let artifact = release.artifacts.get(m.select.platform)?;
    let media = *m
        .ctx
        .media
        .get(&(release.version.clone(), artifact.platform.clone()))?;
    let role = match media {
        choose::Media::OnThisMedia => Role::Text,
        choose::Media::NotOnAnyLocalSource => Role::Warn,
    };
    Some(Line::styled(
        shown_text(&format!(
            " {} {}: {}",
            release.version,
            artifact.platform,
            media.words()
        ))
        .into_owned(),
        theme.fg(role),
    ))
}
