//! Drawing: the common frame (title, step bar, footer from the key table),
//! one function per step, and the overlays. Everything shown in colour is
//! also said in a word or a symbol.

mod done;
mod fetch;
mod inspect;
mod overlay;
mod select;
mod signoff;
mod verify;
mod wrap;

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::engine::shared::text::{is_unsafe_to_show, shown_text};

use super::keys;
use super::model::{Model, Overlay, Screen};
use super::theme::{Role, Theme};

pub use crate::units::human_bytes as bytes;
pub use wrap::{fit_middle, wrap};

pub use super::model::{MIN_HEIGHT, MIN_WIDTH};

/// Draws the whole screen.
pub fn draw(frame: &mut Frame, m: &mut Model, theme: &Theme) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(frame, area, m);
    } else {
        draw_walk(frame, area, m, theme);
    }
    guard_cells(frame);
    if theme.ascii {
        ascii_cells(frame);
    }
}

/// The frame: title, step bar, the step, the footer, an overlay.
fn draw_walk(frame: &mut Frame, area: Rect, m: &mut Model, theme: &Theme) {
    let [title, steps, body, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(area);
    frame.render_widget(
        Paragraph::new(title_line(m, theme)).style(theme.fg(Role::Text)),
        title,
    );
    frame.render_widget(step_bar(m, theme), steps);
    match m.screen {
        Screen::Select => select::draw(frame, body, m, theme),
        Screen::Fetch => fetch::draw(frame, body, m, theme),
        Screen::Verify => verify::draw(frame, body, m, theme),
        Screen::Inspect => inspect::draw(frame, body, m, theme),
        Screen::SignOff => signoff::draw(frame, body, m, theme),
        Screen::Done => done::draw(frame, body, m, theme),
    }
    draw_footer(frame, footer, m, theme);
    match m.overlay {
        Overlay::None => {}
        Overlay::Help => overlay::help(frame, area, m, theme),
        Overlay::Log => overlay::log(frame, area, m, theme),
        Overlay::ConfirmQuit => overlay::confirm_quit(frame, area, theme),
    }
}

/// What a first Ctrl-C asks for, in place of the footer's keys.
const INTERRUPTED: &str = "Press Ctrl-C again to quit (any other key carries on).";

/// The keys that work here, or what the first Ctrl-C asks.
fn draw_footer(frame: &mut Frame, area: Rect, m: &Model, theme: &Theme) {
    if m.interrupted {
        frame.render_widget(
            Paragraph::new(format!(" {INTERRUPTED}"))
                .style(theme.fg(Role::Warn).add_modifier(Modifier::BOLD)),
            area,
        );
        return;
    }
    let keys = keys::footer(m.screen, theme.ascii, area.width.saturating_sub(1) as usize);
    frame.render_widget(
        Paragraph::new(format!(" {keys}")).style(theme.fg(Role::Muted)),
        area,
    );
}

/// `--ascii`: what is still drawn outside ASCII (a cut text's `…`, a `·`
/// in the engine's words, the gauge's blocks, a masked passphrase's
/// dots) is drawn in ASCII, so nothing on screen needs more than ASCII's
/// drawing characters. Letters of names are left as they are.
fn ascii_cells(frame: &mut Frame) {
    for cell in frame.buffer_mut().content.iter_mut() {
        let ascii = match cell.symbol() {
            "…" => "~",
            "·" => "-",
            "•" => "*",
            "█" | "▉" | "▊" | "▋" | "▌" | "▍" | "▎" | "▏" => "#",
            "✓" => "+",
            "✗" => "x",
            "›" => ">",
            "↑" => "^",
            "↓" => "v",
            "─" => "-",
            "│" => "|",
            "┌" | "┐" | "└" | "┘" | "├" | "┤" => "+",
            _ => continue,
        };
        cell.set_symbol(ascii);
    }
}

/// The last line of defence: text from outside is escaped where it is
/// laid out ([`fit`], [`boxed`], the release notes), and any cell that
/// still holds a character that acts on a terminal (a reordering
/// character, which ratatui keeps) is drawn as `�` instead.
fn guard_cells(frame: &mut Frame) {
    for cell in frame.buffer_mut().content.iter_mut() {
        if cell.symbol().chars().any(is_unsafe_to_show) {
            cell.set_symbol("\u{fffd}");
        }
    }
}

/// Said plainly, at any size (even 1x1), with the quit question or the
/// Ctrl-C prompt when one is open (nothing else is drawn to answer it).
fn too_small(frame: &mut Frame, area: Rect, m: &Model) {
    let mut text = format!(
        "Terminal too small: {}x{}. intake needs at least {MIN_WIDTH}x{MIN_HEIGHT}; enlarge the window (q quits).",
        area.width, area.height
    );
    if m.interrupted {
        text = format!("{INTERRUPTED} {text}");
    } else if m.overlay == Overlay::ConfirmQuit {
        text = format!("{} {text}", overlay::QUIT_QUESTION);
    }
    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), area);
}

fn title_line(m: &Model, theme: &Theme) -> String {
    let product = &m.ctx.feed.product;
    let dot = theme.dot();
    let line = match (&m.fetch, m.screen) {
        (Some(f), s) if s != Screen::Select => {
            format!(
                " intake{dot}{} {}{dot}{}",
                product.name, f.version, f.platform
            )
        }
        _ => format!(" intake{dot}{} ({})", product.name, product.vendor),
    };
    shown_text(&line).into_owned()
}

fn step_bar(m: &Model, theme: &Theme) -> Paragraph<'static> {
    let steps = [
        (Screen::Select, "1 Select"),
        (Screen::Fetch, "2 Fetch"),
        (Screen::Verify, "3 Verify"),
        (Screen::Inspect, "4 Inspect"),
        (Screen::SignOff, "5 Sign off"),
    ];
    let mut spans = vec![Span::raw(" ")];
    for (i, (screen, name)) in steps.iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(theme.step_separator(), theme.fg(Role::Muted)));
        }
        if *screen == m.screen {
            spans.push(Span::styled(
                format!("[{name}]"),
                theme.fg(Role::Accent).add_modifier(Modifier::BOLD),
            ));
        } else if *screen < m.screen {
            spans.push(Span::raw(format!("{name} {}", theme.done_mark())));
        } else {
            spans.push(Span::styled(name.to_string(), theme.fg(Role::Muted)));
        }
    }
    if m.screen == Screen::Done {
        spans.push(Span::styled(
            format!(" {} [written]", theme.step_separator().trim()),
            theme.fg(Role::Accent),
        ));
    }
    Paragraph::new(Line::from(spans))
}

/// A bordered box with a title, in the theme's border style.
pub fn boxed(title: impl Into<String>, theme: &Theme) -> Block<'static> {
    Block::default()
        .borders(Borders::ALL)
        .border_set(theme.border_set())
        .border_style(theme.border())
        .title(format!(" {} ", shown_text(&title.into())))
}

/// A status as a word and a symbol, `PASS ✓`, styled.
pub fn status_span(status: crate::engine::shared::check::Status, theme: &Theme) -> Span<'static> {
    Span::styled(
        format!("{} {}", status.word(), theme.symbol(status)),
        theme.status(status),
    )
}

/// `text` escaped (it is often from outside: see [`shown_text`]) and cut
/// to `width` characters, with `…` when cut.
pub fn fit(text: &str, width: usize) -> String {
    let text = shown_text(text);
    if text.chars().count() <= width {
        return text.to_string();
    }
    if width == 0 {
        return String::new();
    }
    let mut s: String = text.chars().take(width - 1).collect();
    s.push('…');
    s
}

/// A line that says a problem in words, marked for monochrome.
pub fn problem_line(text: &str, theme: &Theme) -> Line<'static> {
    Line::from(vec![
        Span::styled(
            format!(
                " {} ",
                theme.symbol(crate::engine::shared::check::Status::Warn)
            ),
            theme.status(crate::engine::shared::check::Status::Warn),
        ),
        Span::raw(shown_text(text).into_owned()),
    ])
}

/// A centred rectangle of at most `w` x `h` inside `area`.
pub fn centred(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

/// Right-aligned muted text on a line.
pub fn right(text: String, theme: &Theme) -> Paragraph<'static> {
    Paragraph::new(shown_text(&text).into_owned())
        .alignment(Alignment::Right)
        .style(theme.fg(Role::Muted))
}

/// The selected-row style when `focused`, bold otherwise.
pub fn highlight(theme: &Theme, focused: bool) -> Style {
    if focused {
        theme.selected()
    } else {
        Style::default().add_modifier(Modifier::BOLD)
    }
}
