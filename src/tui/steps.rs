//! What each step's keys do (the sign-off form's are in [`super::form`]):
//! moving through releases, starting, cancelling and leaving a review,
//! scrolling the evidence, filtering and searching the archive's entries.

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use super::form::new_sign_off;
use super::keys::Action;
use super::model::{FetchState, Model, Pane, Screen};
use super::msg::Cmd;
use super::rows::Filter;
use super::update::PAGE;

fn load_notes(m: &Model) -> Vec<Cmd> {
    m.release()
        .map(|r| Cmd::LoadNotes {
            version: r.version.clone(),
        })
        .into_iter()
        .collect()
}

pub fn on_select(m: &mut Model, action: Action) -> Vec<Cmd> {
    let releases = m.select.order.len();
    let platforms = m.release().map(|r| r.artifacts.len()).unwrap_or(0);
    let step = |at: usize, len: usize, down: bool| {
        if down {
            (at + 1).min(len.saturating_sub(1))
        } else {
            at.saturating_sub(1)
        }
    };
    match (action, m.select.pane) {
        (Action::Up | Action::Down, Pane::Releases) => {
            let before = m.select.release;
            m.select.release = step(before, releases, action == Action::Down);
            if m.select.release != before {
                m.preselect_platform();
                m.select.notes_scroll = 0;
                return load_notes(m);
            }
        }
        (Action::Up | Action::Down, Pane::Platforms) => {
            m.select.platform = step(m.select.platform, platforms, action == Action::Down);
        }
        (Action::NextPane, _) => {
            m.select.pane = if m.select.pane == Pane::Releases {
                Pane::Platforms
            } else {
                Pane::Releases
            };
        }
        (Action::PageDown, _) => {
            m.select.notes_scroll = m.select.notes_scroll.saturating_add(PAGE as u16)
        }
        (Action::PageUp, _) => {
            m.select.notes_scroll = m.select.notes_scroll.saturating_sub(PAGE as u16)
        }
        (Action::Choose, _) => return start_review(m),
        _ => {}
    }
    Vec::new()
}

fn start_review(m: &mut Model) -> Vec<Cmd> {
    let (Some(version), Some(platform)) = (
        m.release().map(|r| r.version.clone()),
        m.platform().map(str::to_string),
    ) else {
        return Vec::new();
    };
    let job = m.next_job;
    m.next_job += 1;
    let time = (m.ctx.clock)();
    m.log_line(
        &time,
        format!("Select: review of {version} for {platform} started"),
    );
    m.fetch = Some(FetchState {
        job,
        version: version.clone(),
        platform: platform.clone(),
        sources: Vec::new(),
        progress: None,
        error: None,
        done: false,
    });
    m.review = None;
    m.inspect = None;
    m.sign_off = None;
    m.check_cursor = 0;
    m.evidence.scroll = 0;
    m.screen = Screen::Fetch;
    vec![Cmd::StartReview {
        job,
        version,
        platform,
    }]
}

pub fn on_fetch(m: &mut Model, action: Action) -> Vec<Cmd> {
    match action {
        Action::Back => {
            let mut cmds = Vec::new();
            if let Some(f) = m.fetch.take()
                && !f.done
            {
                let time = (m.ctx.clock)();
                m.log_line(&time, "Fetch: cancelled by the operator".to_string());
                cmds.push(Cmd::Cancel { job: f.job });
            }
            m.review = None;
            m.inspect = None;
            m.sign_off = None;
            m.screen = Screen::Select;
            cmds
        }
        Action::Choose if m.review.is_some() => {
            m.screen = Screen::Verify;
            Vec::new()
        }
        _ => Vec::new(),
    }
}

/// The checks move the cursor (the evidence starts at its top for each);
/// the page keys scroll the evidence, by what the pane shows.
pub fn on_verify(m: &mut Model, action: Action) -> Vec<Cmd> {
    let checks = m.review.as_ref().map(|r| r.checks.len()).unwrap_or(0);
    let before = m.check_cursor;
    let e = &mut m.evidence;
    // Before the pane was ever drawn its size is not known: the view
    // keeps the scroll within the evidence when it draws.
    let last = if e.rows == 0 {
        usize::MAX / 2
    } else {
        e.last()
    };
    match action {
        Action::Down => m.check_cursor = (m.check_cursor + 1).min(checks.saturating_sub(1)),
        Action::Up => m.check_cursor = m.check_cursor.saturating_sub(1),
        Action::PageDown => e.scroll = e.scroll.saturating_add(e.page()).min(last),
        Action::PageUp => e.scroll = e.scroll.min(last).saturating_sub(e.page()),
        Action::Top => e.scroll = 0,
        Action::Bottom => e.scroll = last,
        Action::Choose => m.screen = Screen::Inspect,
        Action::Back => m.screen = Screen::Fetch,
        _ => {}
    }
    if m.check_cursor != before {
        m.evidence.scroll = 0;
    }
    Vec::new()
}

pub fn on_inspect(m: &mut Model, action: Action) -> Vec<Cmd> {
    match action {
        Action::Choose => {
            if m.sign_off.is_none() {
                m.sign_off = m
                    .review
                    .as_ref()
                    .map(|r| new_sign_off(r, &m.ctx.operator, &m.ctx.key));
            }
            m.screen = Screen::SignOff;
            return Vec::new();
        }
        Action::Back => {
            // A kept search is cleared first; the next Esc leaves.
            match m.inspect.as_mut().filter(|i| !i.search.value().is_empty()) {
                Some(i) => clear_search(i),
                None => m.screen = Screen::Verify,
            }
            return Vec::new();
        }
        _ => {}
    }
    let Some(i) = &mut m.inspect else {
        return Vec::new();
    };
    match action {
        Action::Down => i.move_by(1),
        Action::Up => i.move_by(-1),
        Action::PageDown => i.move_by(PAGE),
        Action::PageUp => i.move_by(-PAGE),
        Action::Top => i.move_by(isize::MIN / 2),
        Action::Bottom => i.move_by(isize::MAX / 2),
        Action::ShowAll => i.set_filter(Filter::All),
        Action::ShowFindings => i.set_filter(Filter::Findings),
        Action::ShowChanged => i.set_filter(Filter::Changed),
        Action::ShowNextLayer => i.next_layer(),
        Action::Search => i.searching = true,
        _ => {}
    }
    Vec::new()
}

fn clear_search(i: &mut super::rows::Inspect) {
    i.searching = false;
    i.search.clear();
    i.cursor = 0;
    i.offset = 0;
    i.refilter();
}

/// Typing into the search: Enter keeps it, Esc clears it, anything else
/// edits it.
pub fn on_search(m: &mut Model, key: &KeyEvent) {
    let Some(i) = m.inspect.as_mut() else {
        return;
    };
    match key.code {
        KeyCode::Enter => i.searching = false,
        KeyCode::Esc => clear_search(i),
        _ => {
            if i.search.handle(key) {
                i.cursor = 0;
                i.offset = 0;
                i.refilter();
            }
        }
    }
}

pub fn on_done(m: &mut Model, action: Action) -> Vec<Cmd> {
    if action == Action::NewReview {
        m.fetch = None;
        m.review = None;
        m.inspect = None;
        m.sign_off = None;
        m.written = None;
        m.screen = Screen::Select;
        return load_notes(m);
    }
    Vec::new()
}
