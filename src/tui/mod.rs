//! The interactive walk: a thin front end over the engine. Keys arrive on
//! their own thread; the engine runs on blocking tasks and reports through
//! events; a tokio loop takes keys first and job messages second, passes
//! each to the pure [`update::update`], runs the commands it returns
//! ([`effects`]) and draws ([`view`]) on change: at once after a key, at
//! most ten times a second otherwise, so a slow SSH link is not flooded.

pub mod effects;
pub mod form;
pub mod input;
pub mod jobs;
pub mod keys;
pub mod markdown;
pub mod model;
pub mod msg;
pub mod rows;
pub mod start;
pub mod steps;
pub mod theme;
pub mod update;
pub mod view;

use std::collections::BTreeSet;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use ratatui::Terminal;
use ratatui::backend::Backend;
use ratatui::crossterm::event::{self as term, DisableBracketedPaste, EnableBracketedPaste};
use ratatui::crossterm::{cursor, execute};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};
use tokio::sync::watch;
use tokio::time::Instant;

use crate::engine::fetch::open::FetchSettings;
use crate::engine::inspect::Limits;
use crate::engine::record::finish::{self, Destinations};
use crate::engine::select::choose;
use crate::engine::select::feed::Feed;
use crate::engine::shared::verdict::Verdict;
use crate::engine::verify::signature::TrustStore;

use effects::{Effects, Setup};
use model::{Context, Model, Screen};
use msg::Msg;
use theme::Theme;

/// The shortest time between two frames drawn for job messages.
const FRAME: Duration = Duration::from_millis(100);

/// Everything the walk needs, gathered by the command line.
pub struct Options {
    pub feed: PathBuf,
    pub theme: Option<String>,
    pub ascii: bool,
    pub no_color: bool,
    pub operator: Option<String>,
    pub to: Destinations,
    pub fetch: FetchSettings,
    pub limits: Limits,
    pub signing_key: Option<PathBuf>,
}

/// The walk, ready to run: model, theme and the command runner.
pub struct App {
    pub model: Model,
    pub theme: Theme,
    pub effects: Effects,
    /// Receives messages from jobs.
    pub jobs: UnboundedReceiver<Msg>,
    /// Told the screen after every message (tests wait on it).
    pub screens: Option<watch::Sender<Screen>>,
}

/// The folder of bundled themes: `./themes`, else the one built with.
fn themes_dir() -> PathBuf {
    let local = Path::new("themes");
    if local.is_dir() {
        local.to_path_buf()
    } else {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("themes")
    }
}

impl App {
    /// Loads the feed and its trust and prepares the walk (nothing is
    /// fetched: the first network call is the review the operator starts).
    pub fn new(opts: Options) -> Result<App, String> {
        let feed = Feed::load(&opts.feed).map_err(|e| e.to_string())?;
        let trust = TrustStore::load(&feed).map_err(|e| e.to_string())?;
        let theme = Theme::choose(
            opts.theme.as_deref(),
            &themes_dir(),
            opts.no_color,
            Theme::detect_depth(),
            opts.ascii,
        )?;
        let now = Timestamp::now();
        let platforms: BTreeSet<&str> = feed
            .releases
            .iter()
            .flat_map(|r| r.artifacts.iter().map(|a| a.platform.as_str()))
            .collect();
        let previous = finish::previous_by_platform(&opts.to, &feed.product.id, platforms);
        let media = choose::media_of_feed(&feed);
        let feed = Arc::new(feed);
        let ctx = Context {
            feed: feed.clone(),
            now,
            host: choose::host_platform(),
            operator: opts.operator.clone(),
            to: opts.to.clone(),
            key: effects::probe_key(opts.signing_key.as_deref(), now),
            previous,
            media,
            clock: effects::clock,
        };
        let (tx, jobs) = unbounded_channel();
        let setup = Setup {
            feed,
            trust: Arc::new(trust),
            fetch: opts.fetch,
            limits: opts.limits,
            to: opts.to,
            signing_key: opts.signing_key,
            ascii: opts.ascii,
        };
        Ok(App {
            model: Model::new(ctx),
            theme,
            effects: Effects::new(Arc::new(setup), tx),
            jobs,
            screens: None,
        })
    }

    /// Handles one message; `false` once the walk ends.
    fn handle(&mut self, msg: Msg) -> bool {
        let mut going = true;
        for cmd in update::update(&mut self.model, msg) {
            going &= self.effects.run(cmd);
        }
        if let Some(s) = &self.screens {
            s.send_replace(self.model.screen);
        }
        going && !self.model.quit
    }

    fn draw<B: Backend>(&mut self, terminal: &mut Terminal<B>) -> io::Result<()> {
        self.model.dirty = false;
        terminal
            .draw(|f| view::draw(f, &mut self.model, &self.theme))
            .map(|_| ())
            .map_err(|e| io::Error::other(e.to_string()))
    }

    /// The loop: keys first, job messages second, a frame when something
    /// changed (at once after a key; at most every [`FRAME`] otherwise).
    pub async fn run<B: Backend>(
        &mut self,
        terminal: &mut Terminal<B>,
        keys: &mut UnboundedReceiver<Msg>,
    ) -> io::Result<()> {
        if let Some(version) = self.model.release().map(|r| r.version.clone()) {
            self.effects.run(msg::Cmd::LoadNotes { version });
        }
        if let Ok(size) = terminal.size() {
            self.model.size = (size.width, size.height);
        }
        self.draw(terminal)?;
        let mut last_frame = Instant::now();
        loop {
            let due = last_frame + FRAME;
            let dirty = self.model.dirty;
            tokio::select! {
                biased;
                key = keys.recv() => {
                    let Some(key) = key else { break };
                    if !self.handle(key) { break }
                    if self.model.dirty {
                        self.draw(terminal)?;
                        last_frame = Instant::now();
                    }
                }
                Some(job) = self.jobs.recv() => {
                    if !self.handle(job) { break }
                }
                _ = tokio::time::sleep_until(due), if dirty => {
                    self.draw(terminal)?;
                    last_frame = Instant::now();
                }
            }
        }
        Ok(())
    }

    /// The verdict of the last checklist written, if one was.
    pub fn verdict(&self) -> Option<Verdict> {
        self.model.all_written.last().map(|w| w.verdict)
    }
}

/// Reads terminal events on a thread of its own (crossterm's read blocks)
/// and passes on keys, pastes and resizes.
fn spawn_input(tx: UnboundedSender<Msg>) {
    std::thread::spawn(move || {
        while let Ok(event) = term::read() {
            let msg = match event {
                term::Event::Key(k) => Msg::Key(k),
                term::Event::Paste(text) => Msg::Paste(text),
                term::Event::Resize(w, h) => Msg::Resize(w, h),
                _ => continue,
            };
            if tx.send(msg).is_err() {
                break;
            }
        }
    });
}

/// Puts the terminal back as it was: raw mode off, main screen, cursor
/// shown, paste mode off. Safe to call twice.
fn restore() {
    let _ = execute!(io::stdout(), DisableBracketedPaste, cursor::Show);
    ratatui::restore();
}

/// Runs the walk on this terminal. The terminal is restored on every way
/// out: the end of the walk, an error, or a panic. Returns the verdict of
/// the last checklist written and the files of every one, or `None` when
/// none was written.
pub fn run(opts: Options) -> Result<Option<(Verdict, Vec<String>)>, String> {
    let mut app = App::new(opts)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_time()
        .build()
        .map_err(|e| format!("could not start: {e}"))?;
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        hook(info);
    }));
    let mut terminal = match ratatui::try_init() {
        Ok(t) => t,
        Err(e) => {
            restore();
            return Err(format!("this terminal cannot run the walk: {e}"));
        }
    };
    let _ = execute!(io::stdout(), EnableBracketedPaste);
    let (tx, mut keys) = unbounded_channel();
    spawn_input(tx);
    let result = runtime.block_on(app.run(&mut terminal, &mut keys));
    restore();
    runtime.shutdown_timeout(Duration::from_millis(300));
    result.map_err(|e| format!("the terminal failed: {e}"))?;
    let files = app.model.all_written.iter().flat_map(|w| w.files.clone());
    Ok(app
        .model
        .all_written
        .last()
        .map(|last| (last.verdict, files.collect())))
}
