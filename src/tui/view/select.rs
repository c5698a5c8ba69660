//! Step 1: releases newest first, the platforms of the highlighted one
//! (this host's marked), its notes beside them, whether the local sources
//! hold the highlighted platform's artifact, and what Select warns of.

use crate::engine::shared::text::shown_text;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Padding, Paragraph, Wrap};

use crate::engine::select::choose;
use crate::engine::shared::check::Status;

use super::{boxed, fit, highlight, right, status_span};
use crate::tui::model::{Model, Pane};
use crate::tui::theme::{Role, Theme};

pub fn draw(frame: &mut Frame, area: Rect, m: &Model, theme: &Theme) {
    let warnings = m.select_warnings();
    let media = media_line(m, theme);
    let info_rows = 1 + u16::from(media.is_some()) + warnings.len().max(1) as u16;
    let [main, info] =
        Layout::vertical([Constraint::Min(8), Constraint::Length(info_rows)]).areas(area);
    let [left, notes] =
        Layout::horizontal([Constraint::Length(36), Constraint::Min(20)]).areas(main);
    let platforms_rows = m
        .release()
        .map(|r| r.artifacts.len())
        .unwrap_or(0)
        .clamp(1, 6) as u16
        + 2;
    let [releases, platforms] =
        Layout::vertical([Constraint::Min(4), Constraint::Length(platforms_rows)]).areas(left);

    let feed = &m.ctx.feed;
    let rows = releases.height.saturating_sub(2) as usize;
    let start = (m.select.release + 1).saturating_sub(rows);
    let lines: Vec<Line> = m
        .select
        .order
        .iter()
        .enumerate()
        .skip(start)
        .take(rows)
        .filter_map(|(i, &r)| feed.releases.get(r).map(|r| (i, r)))
        .map(|(i, r)| {
            let chosen = i == m.select.release;
            let text = fit(
                &format!(
                    "{} {:<10} {}  {}",
                    if chosen { '>' } else { ' ' },
                    r.version,
                    r.date,
                    r.channel
                ),
                34,
            );
            let style = if chosen {
                highlight(theme, m.select.pane == Pane::Releases)
            } else {
                theme.fg(Role::Text)
            };
            Line::styled(format!("{text:<34}"), style)
        })
        .collect();
    let focus = |pane: Pane| if m.select.pane == pane { " (Tab)" } else { "" };
    frame.render_widget(
        Paragraph::new(lines).block(boxed(
            format!("Releases, newest first{}", focus(Pane::Platforms)),
            theme,
        )),
        releases,
    );

    let version = m.release().map(|r| r.version.clone()).unwrap_or_default();
    let lines: Vec<Line> = m
        .release()
        .map(|r| r.artifacts.as_slice())
        .unwrap_or_default()
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let chosen = i == m.select.platform;
            let host = if a.platform == m.ctx.host {
                " (this host)"
            } else {
                ""
            };
            let text = fit(
                &format!("{} {}{host}", if chosen { '>' } else { ' ' }, a.platform),
                34,
            );
            let style = if chosen {
                highlight(theme, m.select.pane == Pane::Platforms)
            } else {
                theme.fg(Role::Text)
            };
            Line::styled(format!("{text:<34}"), style)
        })
        .collect();
    frame.render_widget(
        Paragraph::new(lines).block(boxed(
            format!("Platforms for {version}{}", focus(Pane::Releases)),
            theme,
        )),
        platforms,
    );

    let notes_lines = match &m.select.notes {
        Some((v, lines)) if *v == version => lines.clone(),
        _ => vec![Line::styled(
            "reading the release notes…",
            theme.fg(Role::Muted),
        )],
    };
    frame.render_widget(
        Paragraph::new(notes_lines)
            .wrap(Wrap { trim: false })
            .scroll((m.select.notes_scroll, 0))
            .block(
                boxed(format!("Release notes {version}"), theme).padding(Padding::horizontal(1)),
            ),
        notes,
    );

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
    for w in &warnings {
        lines.push(Line::from(vec![
            Span::raw(" "),
            status_span(w.status, theme),
            Span::raw(fit(
                &format!(" {}: {}", w.id, w.summary),
                area.width.saturating_sub(8) as usize,
            )),
        ]));
    }
    frame.render_widget(Paragraph::new(lines), info);
    let fresh = if warnings
        .iter()
        .any(|w| w.id == crate::engine::shared::check::CheckId::FeedFresh)
    {
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
    let media = choose::on_media(&m.ctx.feed, artifact)?;
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
