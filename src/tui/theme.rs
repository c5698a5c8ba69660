//! Colours and symbols. A theme names colour roles (ok, warn, fail, skip,
//! accent, muted, border, selection, text), each with a 16-colour fallback
//! for terminals (and tmux setups) that have no more. `NO_COLOR` or the
//! `mono` theme uses no colour at all: every status is also a word and a
//! symbol, so nothing depends on colour. `--ascii` draws ASCII borders and
//! symbols for terminals and fonts without box drawing.

use std::collections::BTreeMap;
use std::path::Path;

use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::border;
use serde::Deserialize;

use crate::engine::shared::check::Status;

/// The theme compiled into the binary (themes/default.toml).
const DEFAULT: &str = include_str!("../../themes/default.toml");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Ok,
    Warn,
    Fail,
    Skip,
    Accent,
    Muted,
    Border,
    Selection,
    Text,
}

/// A role's colour (and, optionally, a background drawn behind it: a
/// badge that reads the same on light and dark terminals), each with its
/// 16-colour fallback. `reset` is the terminal's own colour.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RoleColors {
    color: String,
    fallback: String,
    background: Option<String>,
    background_fallback: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    name: String,
    roles: BTreeMap<Role, RoleColors>,
}

/// How many colours the terminal shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Depth {
    /// No colour (NO_COLOR, the mono theme).
    Mono,
    Sixteen,
    TrueColor,
}

/// A loaded theme.
#[derive(Debug, Clone)]
pub struct Theme {
    pub name: String,
    colors: BTreeMap<Role, Color>,
    backgrounds: BTreeMap<Role, Color>,
    pub depth: Depth,
    pub ascii: bool,
}

fn parse_color(text: &str) -> Option<Color> {
    if let Some(hex) = text.strip_prefix('#') {
        let v = u32::from_str_radix(hex, 16).ok()?;
        return Some(Color::Rgb((v >> 16) as u8, (v >> 8) as u8, v as u8));
    }
    text.parse::<Color>().ok()
}

/// A theme by name (`themes_dir/NAME.toml`) or path; when it is neither,
/// the message lists the themes there are.
fn read_theme(name: &str, themes_dir: &Path) -> Result<String, String> {
    let by_name = themes_dir.join(format!("{name}.toml"));
    if by_name.is_file() {
        return std::fs::read_to_string(&by_name)
            .map_err(|e| format!("theme `{name}`: {} ({e})", by_name.display()));
    }
    let path = Path::new(name);
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(format!(
            "no theme `{name}`: the themes are {} (or give the path of a theme file)",
            Theme::names(themes_dir).join(", ")
        )),
        Err(e) => Err(format!("theme `{name}`: {} ({e})", path.display())),
    }
}

impl Theme {
    /// The monochrome theme: words, symbols, bold and reverse only.
    pub fn mono(ascii: bool) -> Theme {
        Theme {
            name: "mono".into(),
            colors: BTreeMap::new(),
            backgrounds: BTreeMap::new(),
            depth: Depth::Mono,
            ascii,
        }
    }

    fn from_text(text: &str, depth: Depth, ascii: bool) -> Result<Theme, String> {
        let file: ThemeFile = toml::from_str(text).map_err(|e| e.message().to_string())?;
        let true_color = depth == Depth::TrueColor;
        let parse =
            |pick: &str| parse_color(pick).ok_or_else(|| format!("`{pick}` is not a colour"));
        let mut colors = BTreeMap::new();
        let mut backgrounds = BTreeMap::new();
        for (role, c) in file.roles {
            colors.insert(
                role,
                parse(if true_color { &c.color } else { &c.fallback })?,
            );
            let background = if true_color {
                c.background.as_ref()
            } else {
                c.background_fallback.as_ref().or(c.background.as_ref())
            };
            if let Some(pick) = background {
                backgrounds.insert(role, parse(pick)?);
            }
        }
        Ok(Theme {
            name: file.name,
            colors,
            backgrounds,
            depth,
            ascii,
        })
    }

    /// Picks the theme: `NO_COLOR` or `mono` give the monochrome theme;
    /// a name is looked up in `themes/`, a path read; the default is built in.
    pub fn choose(
        requested: Option<&str>,
        themes_dir: &Path,
        no_color: bool,
        depth: Depth,
        ascii: bool,
    ) -> Result<Theme, String> {
        // A theme that does not exist is refused even without colour: the
        // same command on a colour terminal would fail.
        let text = match requested {
            None | Some("default") | Some("mono") => DEFAULT.to_string(),
            Some(name) => read_theme(name, themes_dir)?,
        };
        if no_color || depth == Depth::Mono || requested == Some("mono") {
            return Ok(Theme::mono(ascii));
        }
        Theme::from_text(&text, depth, ascii)
            .map_err(|e| format!("theme `{}`: {e}", requested.unwrap_or("default")))
    }

    /// The themes there are: the built-in `default` and `mono`, and every
    /// `NAME.toml` in `themes_dir`, sorted.
    pub fn names(themes_dir: &Path) -> Vec<String> {
        let mut names = vec!["default".to_string(), "mono".to_string()];
        if let Ok(entries) = std::fs::read_dir(themes_dir) {
            names.extend(entries.flatten().filter_map(|e| {
                let path = e.path();
                let is_theme = path.extension().is_some_and(|x| x == "toml") && path.is_file();
                let stem = path.file_stem()?.to_str()?.to_string();
                is_theme.then_some(stem)
            }));
        }
        names.sort();
        names.dedup();
        names
    }

    /// The colour depth the environment suggests.
    pub fn detect_depth() -> Depth {
        let colorterm = std::env::var("COLORTERM").unwrap_or_default();
        if colorterm.contains("truecolor") || colorterm.contains("24bit") {
            Depth::TrueColor
        } else {
            Depth::Sixteen
        }
    }

    /// A role's colour, on its background when it has one.
    pub fn fg(&self, role: Role) -> Style {
        let style = match self.colors.get(&role) {
            Some(c) => Style::default().fg(*c),
            None => Style::default(),
        };
        match self.backgrounds.get(&role) {
            Some(bg) => style.bg(*bg),
            None => style,
        }
    }

    /// A status word's style (bold in every theme).
    pub fn status(&self, status: Status) -> Style {
        let role = match status {
            Status::Pass => Role::Ok,
            Status::Warn => Role::Warn,
            Status::Fail => Role::Fail,
            Status::Skip => Role::Skip,
        };
        self.fg(role).add_modifier(Modifier::BOLD)
    }

    /// The highlighted row: the selection colour behind it, or reversed
    /// (without colour, or when the theme leaves it to the terminal with
    /// `reset`), so it shows on any terminal.
    pub fn selected(&self) -> Style {
        match self.colors.get(&Role::Selection) {
            Some(c) if self.depth != Depth::Mono && *c != Color::Reset => {
                Style::default().bg(*c).add_modifier(Modifier::BOLD)
            }
            Some(_) if self.depth != Depth::Mono => Style::default()
                .add_modifier(Modifier::REVERSED)
                .add_modifier(Modifier::BOLD),
            _ => Style::default().add_modifier(Modifier::REVERSED),
        }
    }

    pub fn border(&self) -> Style {
        self.fg(Role::Border)
    }

    pub fn border_set(&self) -> border::Set<'static> {
        if self.ascii {
            border::Set {
                top_left: "+",
                top_right: "+",
                bottom_left: "+",
                bottom_right: "+",
                vertical_left: "|",
                vertical_right: "|",
                horizontal_top: "-",
                horizontal_bottom: "-",
            }
        } else {
            border::PLAIN
        }
    }

    /// The symbol beside a status word.
    pub fn symbol(&self, status: Status) -> &'static str {
        match (status, self.ascii) {
            (Status::Pass, false) => "✓",
            (Status::Pass, true) => "+",
            (Status::Warn, _) => "!",
            (Status::Fail, false) => "✗",
            (Status::Fail, true) => "x",
            (Status::Skip, _) => "-",
        }
    }

    /// `✓` after a finished step (`+` in ASCII).
    pub fn done_mark(&self) -> &'static str {
        if self.ascii { "+" } else { "✓" }
    }

    /// `›` between steps (`>` in ASCII).
    pub fn step_separator(&self) -> &'static str {
        if self.ascii { " > " } else { " › " }
    }

    /// ` · ` between the parts of a line (` - ` in ASCII).
    pub fn dot(&self) -> &'static str {
        if self.ascii { " - " } else { " · " }
    }

    /// `…` after words that say something is under way (`...` in ASCII).
    pub fn ellipsis(&self) -> &'static str {
        if self.ascii { "..." } else { "…" }
    }

    pub fn bullet(&self) -> &'static str {
        if self.ascii { "*" } else { "•" }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_and_bundled_themes_load_at_both_depths() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes");
        for name in ["default", "high-contrast"] {
            for depth in [Depth::Sixteen, Depth::TrueColor] {
                let t = Theme::choose(Some(name), &dir, false, depth, false).unwrap();
                assert!(t.fg(Role::Fail).fg.is_some(), "{name}");
            }
        }
        let sixteen = Theme::choose(None, &dir, false, Depth::Sixteen, false).unwrap();
        assert_eq!(sixteen.fg(Role::Fail).fg, Some(Color::Red));
        let nope = Theme::choose(Some("nope"), &dir, false, Depth::Sixteen, false)
            .err()
            .unwrap_or_default();
        assert!(
            nope.contains("the themes are default, high-contrast, mono"),
            "{nope}"
        );
        // Without colour too: the name is wrong whatever the terminal.
        assert!(Theme::choose(Some("nope"), &dir, true, Depth::Mono, false).is_err());
        assert_eq!(Theme::names(&dir), ["default", "high-contrast", "mono"]);
        let mono = Theme::choose(None, &dir, true, Depth::TrueColor, false).unwrap();
        assert_eq!(mono.fg(Role::Fail).fg, None);
    }

    /// Relative luminance (WCAG) of a colour as xterm draws it.
    fn luminance(color: Color) -> f64 {
        let rgb = match color {
            Color::Rgb(r, g, b) => [r, g, b],
            Color::Black => [0, 0, 0],
            Color::Red => [0xcd, 0, 0],
            Color::Green => [0, 0xcd, 0],
            Color::Yellow => [0xcd, 0xcd, 0],
            Color::Blue => [0, 0, 0xee],
            Color::Magenta => [0xcd, 0, 0xcd],
            Color::Cyan => [0, 0xcd, 0xcd],
            Color::Gray => [0xe5, 0xe5, 0xe5],
            Color::DarkGray => [0x7f, 0x7f, 0x7f],
            Color::White => [0xff, 0xff, 0xff],
            other => panic!("no xterm value for {other:?}"),
        };
        let lin = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.03928 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * lin(rgb[0]) + 0.7152 * lin(rgb[1]) + 0.0722 * lin(rgb[2])
    }

    fn contrast(a: Color, b: Color) -> f64 {
        let (x, y) = (luminance(a), luminance(b));
        (x.max(y) + 0.05) / (x.min(y) + 0.05)
    }

    #[test]
    fn high_contrast_reads_the_same_on_light_and_dark_terminals() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes");
        for depth in [Depth::Sixteen, Depth::TrueColor] {
            let t = Theme::choose(Some("high-contrast"), &dir, false, depth, false).unwrap();
            for role in [
                Role::Ok,
                Role::Warn,
                Role::Fail,
                Role::Skip,
                Role::Accent,
                Role::Muted,
                Role::Border,
                Role::Selection,
                Role::Text,
            ] {
                let style = t.fg(role);
                let fg = style.fg.unwrap();
                match style.bg {
                    // A badge: its text against its own background (WCAG AA).
                    Some(bg) => assert!(contrast(fg, bg) >= 4.5, "{role:?} at {depth:?}"),
                    // Anything else is in the terminal's own colours.
                    None => assert_eq!(fg, Color::Reset, "{role:?} at {depth:?}"),
                }
            }
            let selected = t.selected();
            assert!(selected.bg.is_none() && selected.add_modifier.contains(Modifier::REVERSED));
        }
    }
}
