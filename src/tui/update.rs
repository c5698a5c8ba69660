//! `update`: one message in, the model changed, commands out. Pure: no
//! threads, no terminal, no files, so whole walks are tested from key
//! strings. Keys that work on every step (Ctrl-C, the overlays, quitting,
//! a screen too small to lay out) are decided here; each step's own keys
//! in [`steps`] and, for the sign-off form, [`form`].

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::form;
use super::jobs;
use super::keys::{self, Action};
use super::model::{Model, Overlay, Screen};
use super::msg::{Cmd, Msg};
use super::steps;

/// Rows a page key moves (lists whose height the view keeps to itself).
pub const PAGE: isize = 10;

pub fn update(m: &mut Model, msg: Msg) -> Vec<Cmd> {
    m.dirty = true;
    match msg {
        Msg::Resize(width, height) => {
            m.size = (width, height);
            Vec::new()
        }
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

/// A paste goes where typing goes: the focused field or the search (never
/// into a field a too-small screen or an overlay hides).
fn paste(m: &mut Model, text: &str) {
    if m.overlay != Overlay::None || m.too_small() {
        return;
    }
    match m.screen {
        Screen::SignOff => form::paste(m, text),
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
    // Ctrl-C twice quits from anywhere; any other key between the two
    // presses carries on (as lazygit does).
    if keys::action(m.screen, key) == Some(Action::Interrupt) {
        if m.interrupted {
            return quit(m);
        }
        m.interrupted = true;
        return Vec::new();
    }
    m.interrupted = false;
    if m.too_small() {
        return on_key_too_small(m, key);
    }
    if m.overlay != Overlay::None {
        return on_overlay(m, key);
    }
    if m.screen == Screen::Inspect && m.inspect.as_ref().is_some_and(|i| i.searching) {
        steps::on_search(m, key);
        return Vec::new();
    }
    let Some(action) = keys::action(m.screen, key) else {
        if m.screen == Screen::SignOff {
            form::on_typing(m, key);
        } else {
            m.dirty = false;
        }
        return Vec::new();
    };
    match action {
        Action::Help => {
            m.overlay = Overlay::Help;
            m.log_scroll = 0;
            Vec::new()
        }
        Action::Log => {
            m.overlay = Overlay::Log;
            m.log_scroll = m.log.len().saturating_sub(1);
            Vec::new()
        }
        Action::Quit => ask_to_quit(m),
        _ => match m.screen {
            Screen::Select => steps::on_select(m, action),
            Screen::Fetch => steps::on_fetch(m, action),
            Screen::Verify => steps::on_verify(m, action),
            Screen::Inspect => steps::on_inspect(m, action),
            Screen::SignOff => form::on_sign_off(m, action),
            Screen::Done => steps::on_done(m, action),
        },
    }
}

/// The screen shows only "Terminal too small (q quits)": `q` does what it
/// says (asking first during a review, the question drawn on that screen),
/// and no other key reaches a step it cannot see.
fn on_key_too_small(m: &mut Model, key: &KeyEvent) -> Vec<Cmd> {
    let plain =
        |c: char| key.code == KeyCode::Char(c) && !key.modifiers.contains(KeyModifiers::CONTROL);
    if m.overlay == Overlay::ConfirmQuit {
        m.overlay = Overlay::None;
        return if plain('y') || plain('Y') {
            quit(m)
        } else {
            Vec::new()
        };
    }
    if plain('q') {
        return ask_to_quit(m);
    }
    m.dirty = false;
    Vec::new()
}

/// Help and the step log scroll with the moving keys; any other key
/// closes them. The quit question takes `y`; any other key stays.
fn on_overlay(m: &mut Model, key: &KeyEvent) -> Vec<Cmd> {
    if m.overlay == Overlay::ConfirmQuit {
        m.overlay = Overlay::None;
        if matches!(key.code, KeyCode::Char('y' | 'Y')) {
            return quit(m);
        }
        return Vec::new();
    }
    let page = PAGE as usize;
    match key.code {
        KeyCode::Up | KeyCode::Char('k') => m.log_scroll = m.log_scroll.saturating_sub(1),
        KeyCode::Down | KeyCode::Char('j') => m.log_scroll = m.log_scroll.saturating_add(1),
        KeyCode::PageUp => m.log_scroll = m.log_scroll.saturating_sub(page),
        KeyCode::PageDown => m.log_scroll = m.log_scroll.saturating_add(page),
        _ => m.overlay = Overlay::None,
    }
    Vec::new()
}

/// `q`: quits at once when nothing would be lost, asks first otherwise.
fn ask_to_quit(m: &mut Model) -> Vec<Cmd> {
    if m.in_progress() {
        m.overlay = Overlay::ConfirmQuit;
        Vec::new()
    } else {
        quit(m)
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
