//! Everything that can happen to the walk ([`Msg`]: keys, pastes, resizes,
//! engine events, finished jobs) and everything the walk can ask for
//! ([`Cmd`]: start or cancel a review, write the checklist, quit).
//! `update` turns one into the other; only `effects` runs commands.

use std::sync::Arc;

use ratatui::crossterm::event::KeyEvent;
use ratatui::text::Line;

use crate::engine::record::checklist::SignOff;
use crate::engine::review::Review;
use crate::engine::shared::event::Event;
use crate::engine::shared::verdict::Verdict;

use super::rows::Inspect;

/// Which run of the engine a message belongs to (messages from a job the
/// operator has left are ignored).
pub type JobId = u64;

#[derive(Debug, Clone)]
pub enum Msg {
    Key(KeyEvent),
    Paste(String),
    /// The terminal's new size (columns, rows).
    Resize(u16, u16),
    /// An engine event, stamped `HH:MM:SS` when it arrived.
    Engine {
        job: JobId,
        event: Event,
        time: String,
    },
    /// The review finished (or could not run), with the Inspect table
    /// built on the job's thread (`None`: build it here).
    Reviewed {
        job: JobId,
        result: Result<Arc<Review>, String>,
        rows: Option<Box<Inspect>>,
    },
    /// Release notes for the Select screen, ready to show.
    Notes {
        version: String,
        lines: Vec<Line<'static>>,
    },
    /// The checklist was written (or could not be).
    Finished(Result<Written, String>),
}

/// What writing the checklist produced, for the Done screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub verdict: Verdict,
    pub reasons: Vec<String>,
    pub files: Vec<String>,
    pub signed_by: Option<String>,
    pub stored: Option<String>,
    /// The command the approver runs to countersign (approved reviews).
    pub approve_command: Option<String>,
}

#[derive(Debug, Clone)]
pub enum Cmd {
    LoadNotes {
        version: String,
    },
    StartReview {
        job: JobId,
        version: String,
        platform: String,
    },
    Cancel {
        job: JobId,
    },
    Finish {
        review: Arc<Review>,
        sign_off: SignOff,
        passphrase: Option<String>,
    },
    Quit,
}
