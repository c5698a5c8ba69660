//! Builders for the walk's tests: a model on the demo feed with a pinned
//! clock and host, real reviews of the sample releases, keys from strings
//! (`"jj<Enter>a.operator<Tab><C-s>"`), and screens rendered to text.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use intake::engine::record::finish::Destinations;
use intake::engine::review::Review;
use intake::engine::select::feed::Feed;
use intake::engine::select::rollback::{Approval, Previous};
use intake::engine::shared::check::{CheckId, Status};
use intake::tui::model::{Context, KeyStatus, Model};
use intake::tui::msg::{Cmd, Msg};
use intake::tui::theme::Theme;
use intake::tui::update::update;
use intake::tui::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

pub const DEMO: &str = "sample-releases/meridian/feed.toml";
pub const TRAINING: &str = "sample-releases/training/feed.toml";

fn fixed_clock() -> String {
    "12:00:00".to_string()
}

/// A model on `feed` as a fresh start shows it, on a linux-x86_64 host.
pub fn model_for(feed: &str, previous: BTreeMap<String, Previous>) -> Model {
    model_of(Feed::load(Path::new(feed)).unwrap(), previous)
}

/// A model on a feed already loaded (and perhaps changed by the test).
pub fn model_of(feed: Feed, previous: BTreeMap<String, Previous>) -> Model {
    let media = intake::engine::select::choose::media_of_feed(&feed);
    Model::new(Context {
        feed: Arc::new(feed),
        now: super::now(),
        host: "linux-x86_64".into(),
        operator: None,
        to: Destinations {
            checklist_dir: PathBuf::from("checklists"),
            store_root: PathBuf::from("store"),
            keep_artifacts: true,
            history: None,
        },
        key: KeyStatus::None,
        previous,
        media,
        clock: fixed_clock,
    })
}

/// A model on `feed` with the Select cursor on `version`.
pub fn model_at(feed: &str, version: &str) -> Model {
    let mut m = model_for(feed, BTreeMap::new());
    m.select.release = m
        .select
        .order
        .iter()
        .position(|&i| m.ctx.feed.releases[i].version == version)
        .unwrap_or_else(|| panic!("no release {version} in {feed}"));
    m
}

pub fn demo_model() -> Model {
    model_for(DEMO, BTreeMap::new())
}

/// A real review of a sample release (offline, pinned clock).
pub fn sample_review(feed: &str, version: &str, platform: &str) -> Arc<Review> {
    Arc::new(super::try_review_at(Path::new(feed), version, platform, super::now()).unwrap())
}

/// `review` with these checks warning, each with its summary (as a review
/// with that many warnings would have them).
pub fn with_warnings(review: &Review, warnings: &[(CheckId, &str)]) -> Arc<Review> {
    let mut review = review.clone();
    for (id, summary) in warnings {
        let check = review
            .checks
            .iter_mut()
            .find(|c| c.id == *id)
            .unwrap_or_else(|| panic!("no check {id}"));
        check.status = Status::Warn;
        check.summary = summary.to_string();
    }
    Arc::new(review)
}

/// The demo feed's 4.2.0 as a review of it after 4.2.1 was approved
/// here: older than the newest, and a rollback (two warnings).
pub fn two_warnings() -> Arc<Review> {
    with_warnings(
        &sample_review(DEMO, "4.2.0", "linux-x86_64"),
        &[(
            CheckId::ReleaseRollback,
            "4.2.0 is older than 4.2.1, approved here on 2026-02-01 (CR-19877)",
        )],
    )
}

/// The same with five warnings: a mirror served wrong bytes, the notes
/// declare no contents, and an entry is world-writable.
pub fn five_warnings() -> Arc<Review> {
    with_warnings(
        &two_warnings(),
        &[
            (
                CheckId::FetchSource,
                "vendor served wrong bytes; served by mirror-eu (bytes match the signed checksum)",
            ),
            (
                CheckId::ArchiveContents,
                "contents not declared by the vendor (no Contents table in RELEASE-NOTES.md)",
            ),
            (
                CheckId::ArchiveSafety,
                "1 WARN: meridian-4.2.0/conf/logging.toml is world-writable",
            ),
        ],
    )
}

/// An earlier approval of `review`'s release, with its manifest, as the
/// store's history would give it.
pub fn approved(review: &Review) -> Previous {
    Previous::Found {
        approval: Box::new(Approval {
            checklist_sha256: None,
            version: review.version.clone(),
            platform: review.platform.clone(),
            sha256: review.artifact.sha256.clone(),
            time: "2026-02-01T09:00:00Z".parse().unwrap(),
            checklist: "checklists/earlier.toml".into(),
            change_request: Some("CR-19877".into()),
            operator: "a.operator".into(),
            approver: "b.approver".into(),
            manifest: "manifests/earlier.manifest".into(),
        }),
        manifest: Ok(review.manifest.clone()),
    }
}

/// Keys from a string: characters as typed, `<Enter>`, `<Esc>`, `<Tab>`,
/// `<BackTab>`, `<Up>`, `<Down>`, `<Left>`, `<Right>`, `<BS>`, `<PgDn>`,
/// `<PgUp>`, `<Home>`, `<End>`, `<F1>`, `<F2>`, `<C-s>`.
pub fn parse_keys(text: &str) -> Vec<KeyEvent> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c == '<'
            && let Some(end) = rest.find('>')
            && end > 1
        {
            let name = &rest[1..end];
            let key = match name {
                "Enter" => KeyEvent::from(KeyCode::Enter),
                "Esc" => KeyEvent::from(KeyCode::Esc),
                "Tab" => KeyEvent::from(KeyCode::Tab),
                "BackTab" => KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT),
                "Up" => KeyEvent::from(KeyCode::Up),
                "Down" => KeyEvent::from(KeyCode::Down),
                "Left" => KeyEvent::from(KeyCode::Left),
                "BS" => KeyEvent::from(KeyCode::Backspace),
                "PgDn" => KeyEvent::from(KeyCode::PageDown),
                "PgUp" => KeyEvent::from(KeyCode::PageUp),
                "Home" => KeyEvent::from(KeyCode::Home),
                "End" => KeyEvent::from(KeyCode::End),
                "Right" => KeyEvent::from(KeyCode::Right),
                "F1" => KeyEvent::from(KeyCode::F(1)),
                "F2" => KeyEvent::from(KeyCode::F(2)),
                ctrl if ctrl.starts_with("C-") => {
                    let c = ctrl.chars().nth(2).unwrap();
                    KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
                }
                other => panic!("unknown key <{other}>"),
            };
            out.push(key);
            rest = &rest[end + 1..];
        } else {
            out.push(KeyEvent::from(KeyCode::Char(c)));
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

/// Presses the keys; returns every command asked for.
pub fn press(m: &mut Model, keys: &str) -> Vec<Cmd> {
    parse_keys(keys)
        .into_iter()
        .flat_map(|k| update(m, Msg::Key(k)))
        .collect()
}

/// Starts the review the Select cursor is on and delivers `review` as its
/// result (what the blocking task would send).
pub fn reviewed(m: &mut Model, review: Arc<Review>) {
    let cmds = press(m, "<Enter>");
    let job = cmds
        .iter()
        .find_map(|c| match c {
            Cmd::StartReview { job, .. } => Some(*job),
            _ => None,
        })
        .expect("Enter on Select starts a review");
    update(
        m,
        Msg::Reviewed {
            job,
            result: Ok(review),
            rows: None,
        },
    );
}

pub fn mono() -> Theme {
    Theme::mono(false)
}

/// The screen as the terminal would show it.
pub fn render_buffer(m: &mut Model, theme: &Theme, width: u16, height: u16) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| view::draw(f, m, theme)).unwrap();
    terminal.backend().buffer().clone()
}

/// The screen as text, and where the cursor is when it is shown.
pub fn render_cursor(m: &mut Model, width: u16, height: u16) -> (String, Option<(u16, u16)>) {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| view::draw(f, m, &mono())).unwrap();
    let backend = terminal.backend();
    let cursor = backend
        .cursor_visible()
        .then(|| (backend.cursor_position().x, backend.cursor_position().y));
    (buffer_text(backend.buffer()), cursor)
}

/// The screen as text, one line per row, trailing spaces kept off.
pub fn render(m: &mut Model, width: u16, height: u16) -> String {
    buffer_text(&render_buffer(m, &mono(), width, height))
}

pub fn buffer_text(buffer: &Buffer) -> String {
    let area = buffer.area;
    let mut out = String::new();
    for y in 0..area.height {
        let mut line = String::new();
        for x in 0..area.width {
            line.push_str(buffer[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}
