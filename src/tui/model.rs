//! The walk's state: which step is shown, what each step holds, and the
//! context it runs in (feed, trust, where the checklist goes). Only
//! `update` changes it; `view` only reads it, but for what it measures as
//! it draws (the Inspect table's scroll, the evidence pane's size), which
//! the page keys need.

use std::collections::BTreeMap;
use std::sync::Arc;

use jiff::Timestamp;
use ratatui::text::Line;

use crate::engine::record::finish::Destinations;
use crate::engine::review::Review;
use crate::engine::select::choose;
use crate::engine::select::choose::Media;
use crate::engine::select::feed::{Feed, Release};
use crate::engine::select::rollback::Previous;
use crate::engine::shared::check::{Check, CheckId, Status};
use crate::engine::shared::event::SourceState;

use super::input::TextInput;
use super::msg::{JobId, Written};
use super::rows::Inspect;

/// The smallest terminal the walk is laid out for.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

/// The steps of the walk, as screens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Screen {
    Select,
    Fetch,
    Verify,
    Inspect,
    SignOff,
    Done,
}

/// What the walk runs against; fixed for the session.
#[derive(Debug, Clone)]
pub struct Context {
    pub feed: Arc<Feed>,
    /// The review's clock for the Select warnings.
    pub now: Timestamp,
    pub host: String,
    /// The operator's name from the settings (prefilled).
    pub operator: Option<String>,
    pub to: Destinations,
    pub key: KeyStatus,
    /// The last approval recorded here, per platform.
    pub previous: BTreeMap<String, Previous>,
    /// What the local sources hold, by version and platform (looked at
    /// once, at start).
    pub media: BTreeMap<(String, String), Media>,
    /// `HH:MM:SS` now, for the step log (fixed in tests).
    pub clock: fn() -> String,
}

/// The checklist signing key, as found at start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyStatus {
    None,
    /// Ready to sign, described (fingerprint, user id).
    Ready(String),
    /// Protected: the passphrase is asked in a masked field.
    NeedsPassphrase(String),
    /// Cannot sign: why.
    Unusable(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Releases,
    Platforms,
}

#[derive(Debug, Clone)]
pub struct SelectState {
    /// Indices into `feed.releases`, newest first.
    pub order: Vec<usize>,
    pub release: usize,
    pub platform: usize,
    pub pane: Pane,
    pub notes: Option<(String, Vec<Line<'static>>)>,
    pub notes_scroll: u16,
}

/// One source's state for one file, as last reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceLine {
    pub file: String,
    pub source: String,
    pub state: SourceState,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Progress {
    pub what: String,
    pub done: u64,
    pub total: Option<u64>,
    pub rate: Option<u64>,
    pub eta: Option<u64>,
}

#[derive(Debug, Clone)]
pub struct FetchState {
    pub job: JobId,
    pub version: String,
    pub platform: String,
    pub sources: Vec<SourceLine>,
    pub progress: Option<Progress>,
    /// Why the review could not run (it stays on this screen).
    pub error: Option<String>,
    pub done: bool,
}

/// A field of the sign-off form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldKind {
    /// A reason for a warning check, or for one finding of it (by subject).
    Waiver(CheckId, Option<String>),
    Operator,
    Approver,
    ChangeRequest,
    Passphrase,
}

#[derive(Debug, Clone)]
pub struct Field {
    pub kind: FieldKind,
    pub input: TextInput,
}

/// Why the last Ctrl-S did not write, and what would make it untrue (so
/// it is cleared once the form no longer has that problem).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub kind: ProblemKind,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    /// A name is missing, or both name one person.
    Names,
    /// The protected key's passphrase is not typed.
    Passphrase,
    /// The review would be rejected: a second Ctrl-S writes it.
    Rejected,
    /// The key cannot sign, or the write failed.
    Other,
}

#[derive(Debug, Clone)]
pub struct SignOffState {
    pub fields: Vec<Field>,
    pub focus: usize,
    /// Why the last Ctrl-S did not write.
    pub problem: Option<Problem>,
    /// A first Ctrl-S on a review that would be rejected arms the second,
    /// which writes the rejected checklist for the record.
    pub armed: bool,
    pub writing: bool,
}

/// The Verify step's evidence pane, scrolled: `scroll` is the first line
/// shown; the view keeps `rows` (lines it shows) and `lines` (lines the
/// evidence has) so the page keys move by what is on screen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EvidenceScroll {
    pub scroll: usize,
    pub rows: usize,
    pub lines: usize,
}

impl EvidenceScroll {
    /// The first line of the last page.
    pub fn last(&self) -> usize {
        self.lines.saturating_sub(self.rows)
    }

    pub fn page(&self) -> usize {
        self.rows.saturating_sub(1).max(1)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overlay {
    None,
    Help,
    Log,
    ConfirmQuit,
}

pub struct Model {
    pub ctx: Context,
    pub screen: Screen,
    pub select: SelectState,
    pub fetch: Option<FetchState>,
    pub review: Option<Arc<Review>>,
    /// The highlighted check on Verify.
    pub check_cursor: usize,
    /// Its evidence pane.
    pub evidence: EvidenceScroll,
    pub inspect: Option<Inspect>,
    pub sign_off: Option<SignOffState>,
    pub written: Option<Written>,
    /// Every checklist written in this session, oldest first (`n` starts
    /// another review; the walk's exit code is the last one's verdict).
    pub all_written: Vec<Written>,
    pub overlay: Overlay,
    pub log: Vec<String>,
    pub log_scroll: usize,
    pub next_job: JobId,
    pub quit: bool,
    /// Ctrl-C was pressed once: the next press quits.
    pub interrupted: bool,
    /// The terminal's size, as last told (keys on a screen too small to
    /// lay out do not reach hidden fields).
    pub size: (u16, u16),
    /// Set when something visible changed since the last frame.
    pub dirty: bool,
}

impl Model {
    pub fn new(ctx: Context) -> Model {
        let feed = ctx.feed.clone();
        let order: Vec<usize> = choose::newest_first(&feed)
            .iter()
            .filter_map(|r| feed.releases.iter().position(|x| std::ptr::eq(x, *r)))
            .collect();
        let mut model = Model {
            ctx,
            screen: Screen::Select,
            select: SelectState {
                order,
                release: 0,
                platform: 0,
                pane: Pane::Releases,
                notes: None,
                notes_scroll: 0,
            },
            fetch: None,
            review: None,
            check_cursor: 0,
            evidence: EvidenceScroll::default(),
            inspect: None,
            sign_off: None,
            written: None,
            all_written: Vec::new(),
            overlay: Overlay::None,
            log: Vec::new(),
            log_scroll: 0,
            next_job: 1,
            quit: false,
            interrupted: false,
            size: (80, 24),
            dirty: true,
        };
        model.preselect_platform();
        model
    }

    /// The release under the cursor on Select.
    pub fn release(&self) -> Option<&Release> {
        let i = *self.select.order.get(self.select.release)?;
        self.ctx.feed.releases.get(i)
    }

    /// The platform under the cursor on Select.
    pub fn platform(&self) -> Option<&str> {
        self.release()?
            .artifacts
            .get(self.select.platform)
            .map(|a| a.platform.as_str())
    }

    /// Puts the platform cursor on this host's platform when the release has it.
    pub fn preselect_platform(&mut self) {
        let host = self.ctx.host.clone();
        self.select.platform = self
            .release()
            .and_then(|r| r.artifacts.iter().position(|a| a.platform == host))
            .unwrap_or(0);
    }

    /// What Select warns about for the highlighted choice: an older
    /// release, a rollback, an expired feed (each a check that would warn).
    pub fn select_warnings(&self) -> Vec<Check> {
        let (Some(release), Some(platform)) = (self.release(), self.platform()) else {
            return Vec::new();
        };
        let previous = self.ctx.previous.get(platform).unwrap_or(&Previous::None);
        let mut out =
            choose::selection_checks(&self.ctx.feed, release, platform, previous, self.ctx.now);
        out.retain(|c| c.status != Status::Pass);
        out
    }

    /// The last approval recorded for the highlighted platform, in words.
    pub fn last_approved(&self) -> Option<String> {
        match self.ctx.previous.get(self.platform()?)? {
            Previous::None => None,
            Previous::Unreadable(why) => Some(format!("approval history unavailable: {why}")),
            Previous::Found { approval, .. } => Some(format!(
                "Last approved here: {} {} on {} by {}/{}{}",
                approval.version,
                approval.platform,
                approval
                    .time
                    .date
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
                approval.operator,
                approval.approver,
                approval
                    .change_request
                    .as_deref()
                    .map(|c| format!(" ({c})"))
                    .unwrap_or_default()
            )),
        }
    }

    /// The terminal is smaller than the walk is laid out for: only a
    /// notice is drawn.
    pub fn too_small(&self) -> bool {
        self.size.0 < MIN_WIDTH || self.size.1 < MIN_HEIGHT
    }

    /// True once a review has started and not been written.
    pub fn in_progress(&self) -> bool {
        matches!(
            self.screen,
            Screen::Fetch | Screen::Verify | Screen::Inspect | Screen::SignOff
        )
    }

    /// The job whose messages are wanted (the running or finished review).
    pub fn current_job(&self) -> Option<JobId> {
        self.fetch.as_ref().map(|f| f.job)
    }

    /// Adds a line to the step log, stamped.
    pub fn log_line(&mut self, time: &str, line: String) {
        self.log.push(format!("{time} {line}"));
    }

    /// Counts of each status over the review's checks.
    pub fn counts(&self) -> BTreeMap<Status, usize> {
        let mut counts = BTreeMap::new();
        if let Some(review) = &self.review {
            for c in &review.checks {
                *counts.entry(c.status).or_insert(0) += 1;
            }
        }
        counts
    }
}
