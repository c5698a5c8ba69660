//! `update`: one message in, the model changed, commands out. Pure: no
//! threads, no terminal, no files, so whole walks are tested from key
//! strings.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind};

use super::form::{self, new_sign_off};
use super::jobs;
use super::keys::{self, Action};
use super::model::{FetchState, Model, Overlay, Pane, Screen};
use super::msg::{Cmd, Msg};
use super::rows::Filter;

/// Rows a page key moves.
const PAGE: isize = 10;

pub fn update(m: &mut Model, msg: Msg) -> Vec<Cmd> {
    m.dirty = true;
    match msg {
        Msg::Resize => Vec::new(),
        Msg::Paste(text) => {
            paste(m, &text);
            Vec::new()
        }
        Msg::Key(key) if key.kind == KeyEventKind::Release => {
            m.dirty = false;
            Vec::new()
        }
        Msg::Key(key) => on_key(m, &key),
        Msg::Engine { job, event, time } => {
            jobs::on_engine(m, job, event, &time);
            Vec::new()
        }
        Msg::Reviewed { job, result, rows } => {
            jobs::on_reviewed(m, job, result, rows);
            Vec::new()
        }
        Msg::Notes { version, lines } => {
            m.select.notes = Some((version, lines));
            Vec::new()
        }
        Msg::Finished(result) => {
            jobs::on_finished(m, result);
            Vec::new()
        }
    }
}

fn paste(m: &mut Model, text: &str) {
    if m.overlay != Overlay::None {
        return;
    }
    match m.screen {
        Screen::SignOff => {
            if let Some(field) = m.sign_off.as_mut().and_then(|s| s.fields.get_mut(s.focus)) {
                field.input.insert_str(text);
            }
        }
        Screen::Inspect => {
            if let Some(i) = m.inspect.as_mut().filter(|i| i.searching) {
                i.search.insert_str(text);
                i.refilter();
            }
        }
        _ => {}
    }
}

fn on_key(m: &mut Model, key: &KeyEvent) -> Vec<Cmd> {
    match m.overlay {
        Overlay::ConfirmQuit => {
            m.overlay = Overlay::None;
            if matches!(key.code, KeyCode::Char('y' | 'Y')) {
                return quit(m);
            }
            return Vec::new();
        }
        Overlay::Help | Overlay::Log => {
            match key.code {
                KeyCode::Up | KeyCode::Char('k') => m.log_scroll = m.log_scroll.saturating_sub(1),
                KeyCode::Down | KeyCode::Char('j') => m.log_scroll = m.log_scroll.saturating_add(1),
                KeyCode::PageUp => m.log_scroll = m.log_scroll.saturating_sub(PAGE as usize),
                KeyCode::PageDown => m.log_scroll = m.log_scroll.saturating_add(PAGE as usize),
                _ => m.overlay = Overlay::None,
            }
            return Vec::new();
        }
        Overlay::None => {}
    }
    if m.screen == Screen::Inspect
        && let Some(i) = m.inspect.as_mut().filter(|i| i.searching)
    {
        match key.code {
            KeyCode::Enter => i.searching = false,
            KeyCode::Esc => {
                i.searching = false;
                i.search.clear();
                i.refilter();
            }
            _ => {
                if i.search.handle(key) {
                    i.cursor = 0;
                    i.offset = 0;
                    i.refilter();
                }
            }
        }
        return Vec::new();
    }
    let Some(action) = keys::action(m.screen, key) else {
        if m.screen == Screen::SignOff
            && let Some(s) = &mut m.sign_off
            && let Some(field) = s.fields.get_mut(s.focus)
            && field.input.handle(key)
        {
            s.armed = false;
        } else {
            m.dirty = false;
        }
        return Vec::new();
    };
    match action {
        Action::Help => {
            m.overlay = Overlay::Help;
            Vec::new()
        }
        Action::Log => {
            m.overlay = Overlay::Log;
            m.log_scroll = m.log.len().saturating_sub(1);
            Vec::new()
        }
        Action::Quit if m.in_progress() => {
            m.overlay = Overlay::ConfirmQuit;
            Vec::new()
        }
        Action::Quit => quit(m),
        _ => match m.screen {
            Screen::Select => on_select(m, action),
            Screen::Fetch => on_fetch(m, action),
            Screen::Verify => on_verify(m, action),
            Screen::Inspect => on_inspect(m, action),
            Screen::SignOff => form::on_sign_off(m, action),
            Screen::Done => on_done(m, action),
        },
    }
}

fn quit(m: &mut Model) -> Vec<Cmd> {
    m.quit = true;
    let mut cmds = Vec::new();
    if let Some(f) = m.fetch.as_ref().filter(|f| !f.done) {
        cmds.push(Cmd::Cancel { job: f.job });
    }
    cmds.push(Cmd::Quit);
    cmds
}

fn load_notes(m: &Model) -> Vec<Cmd> {
    m.release()
        .map(|r| Cmd::LoadNotes {
            version: r.version.clone(),
        })
        .into_iter()
        .collect()
}

fn on_select(m: &mut Model, action: Action) -> Vec<Cmd> {
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
    m.screen = Screen::Fetch;
    vec![Cmd::StartReview {
        job,
        version,
        platform,
    }]
}

fn on_fetch(m: &mut Model, action: Action) -> Vec<Cmd> {
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

fn on_verify(m: &mut Model, action: Action) -> Vec<Cmd> {
    let checks = m.review.as_ref().map(|r| r.checks.len()).unwrap_or(0);
    match action {
        Action::Down => m.check_cursor = (m.check_cursor + 1).min(checks.saturating_sub(1)),
        Action::Up => m.check_cursor = m.check_cursor.saturating_sub(1),
        Action::Choose => m.screen = Screen::Inspect,
        Action::Back => m.screen = Screen::Fetch,
        _ => {}
    }
    Vec::new()
}

fn on_inspect(m: &mut Model, action: Action) -> Vec<Cmd> {
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
            m.screen = Screen::Verify;
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
        Action::Search => i.searching = true,
        _ => {}
    }
    Vec::new()
}

fn on_done(m: &mut Model, action: Action) -> Vec<Cmd> {
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
