//! Runs what `update` asks for, off the UI thread: the review on a
//! blocking task that reports through engine events, the checklist write,
//! and release notes for the Select step (read from local sources only:
//! nothing goes on the network before the operator chooses a release).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use jiff::Timestamp;
use ratatui::text::Line;
use tokio::sync::mpsc::UnboundedSender;

use crate::engine::fetch::open::FetchSettings;
use crate::engine::inspect::Limits;
use crate::engine::inspect::notes::{self, Contents};
use crate::engine::record::checklist::{self, SignOff};
use crate::engine::record::finish::{self, Destinations};
use crate::engine::record::signing;
use crate::engine::review::{self, Review};
use crate::engine::select::feed::Feed;
use crate::engine::shared::event::{Cancel, Event};
use crate::engine::shared::limits;
use crate::engine::verify::signature::TrustStore;

use super::markdown;
use super::model::KeyStatus;
use super::msg::{Cmd, JobId, Msg, Written};
use super::rows::Inspect;

/// How often progress is passed to the screen (the view draws at most
/// ten frames a second anyway).
const PROGRESS_EVERY: Duration = Duration::from_millis(50);

/// Release notes text drawn at most (the rest is in the file).
const NOTES_SHOWN: usize = 256 * 1024;

/// What the commands run against.
pub struct Setup {
    pub feed: Arc<Feed>,
    pub trust: Arc<TrustStore>,
    pub fetch: FetchSettings,
    pub limits: Limits,
    pub to: Destinations,
    pub signing_key: Option<PathBuf>,
    pub ascii: bool,
}

pub struct Effects {
    setup: Arc<Setup>,
    tx: UnboundedSender<Msg>,
    running: HashMap<JobId, Cancel>,
}

/// `HH:MM:SS`, local time, for the step log.
pub fn clock() -> String {
    jiff::Zoned::now().strftime("%H:%M:%S").to_string()
}

/// Whether the configured key can sign, and whether it needs a passphrase
/// (found without asking for it).
pub fn probe_key(path: Option<&Path>, now: Timestamp) -> KeyStatus {
    let Some(path) = path else {
        return KeyStatus::None;
    };
    let mut asked = false;
    let result = signing::load(path, now, &mut || {
        asked = true;
        Err("passphrase needed".to_string())
    });
    match result {
        Ok(signer) => KeyStatus::Ready(signer.describe()),
        Err(_) if asked => KeyStatus::NeedsPassphrase(path.display().to_string()),
        Err(e) => KeyStatus::Unusable(e.to_string()),
    }
}

impl Effects {
    pub fn new(setup: Arc<Setup>, tx: UnboundedSender<Msg>) -> Effects {
        finish::sweep(&setup.to);
        Effects {
            setup,
            tx,
            running: HashMap::new(),
        }
    }

    /// Runs one command; `false` once the walk should end.
    pub fn run(&mut self, cmd: Cmd) -> bool {
        match cmd {
            Cmd::Quit => {
                for cancel in self.running.values() {
                    cancel.cancel();
                }
                return false;
            }
            Cmd::Cancel { job } => {
                if let Some(cancel) = self.running.remove(&job) {
                    cancel.cancel();
                }
            }
            Cmd::LoadNotes { version } => {
                let (setup, tx) = (self.setup.clone(), self.tx.clone());
                tokio::task::spawn_blocking(move || {
                    let lines = notes_lines(&setup, &version);
                    let _ = tx.send(Msg::Notes { version, lines });
                });
            }
            Cmd::StartReview {
                job,
                version,
                platform,
            } => {
                self.running.retain(|_, c| !c.is_cancelled());
                let cancel = Cancel::new();
                self.running.insert(job, cancel.clone());
                let (setup, tx) = (self.setup.clone(), self.tx.clone());
                tokio::task::spawn_blocking(move || {
                    let result = run_review(&setup, job, version, platform, &tx, &cancel);
                    // The table of a large archive takes a while: not on the UI thread.
                    let rows = result.as_ref().ok().map(|r| Box::new(Inspect::new(r)));
                    let _ = tx.send(Msg::Reviewed { job, result, rows });
                });
            }
            Cmd::Finish {
                review,
                sign_off,
                passphrase,
            } => {
                let (setup, tx) = (self.setup.clone(), self.tx.clone());
                tokio::task::spawn_blocking(move || {
                    let result = write(&setup, &review, &sign_off, passphrase);
                    let _ = tx.send(Msg::Finished(result));
                });
            }
        }
        true
    }
}

fn run_review(
    setup: &Setup,
    job: JobId,
    version: String,
    platform: String,
    tx: &UnboundedSender<Msg>,
    cancel: &Cancel,
) -> Result<Arc<Review>, String> {
    let request = finish::request(
        &setup.to,
        &setup.feed,
        (&version, &platform),
        setup.fetch.clone(),
        setup.limits.clone(),
        Timestamp::now(),
    );
    let mut last_progress: Option<Instant> = None;
    let mut reporter = |event: Event| {
        if let Event::Progress { done, total, .. } = &event {
            let last = Some(*done) == *total;
            if !last && last_progress.is_some_and(|t| t.elapsed() < PROGRESS_EVERY) {
                return;
            }
            last_progress = Some(Instant::now());
        }
        let _ = tx.send(Msg::Engine {
            job,
            event,
            time: clock(),
        });
    };
    review::run(&setup.feed, &setup.trust, &request, &mut reporter, cancel)
        .map(Arc::new)
        .map_err(|e| e.to_string())
}

/// Writes the checklist through the same function `intake verify` uses.
pub fn write(
    setup: &Setup,
    review: &Review,
    sign_off: &SignOff,
    passphrase: Option<String>,
) -> Result<Written, String> {
    let now = Timestamp::now();
    let mut signer = match &setup.signing_key {
        None => None,
        Some(path) => Some(
            signing::load(path, now, &mut || {
                passphrase
                    .clone()
                    .ok_or_else(|| "the passphrase was not given".to_string())
            })
            .map_err(|e| e.to_string())?,
        ),
    };
    let done = finish::finish(
        &setup.feed,
        &setup.trust,
        review,
        sign_off,
        signer.as_mut(),
        &setup.to,
        now,
    )
    .map_err(|e| e.to_string())?;
    let (_, reasons) = checklist::verdict(review, sign_off);
    let mut files: Vec<String> = [
        &done.written.toml,
        &done.written.markdown,
        &done.written.manifest,
    ]
    .iter()
    .map(|p| p.display().to_string())
    .collect();
    files.extend(done.written.sbom.as_ref().map(|p| p.display().to_string()));
    files.extend(
        done.written
            .signature
            .as_ref()
            .map(|p| p.display().to_string()),
    );
    Ok(Written {
        verdict: done.checklist.record.verdict,
        reasons,
        files,
        signed_by: done.signed_by,
        stored: done.stored.map(|p| p.artifact.display().to_string()),
        approve_command: done.approve_command,
    })
}

/// The release notes of `version` from the first local source that has
/// them, rendered; or a line saying why they are not shown yet.
pub fn notes_lines(setup: &Setup, version: &str) -> Vec<Line<'static>> {
    let Ok(release) = setup.feed.release(version) else {
        return vec![Line::from("(this release is not in the feed)")];
    };
    let Some(relative) = &release.notes else {
        return vec![Line::from(
            "The feed names no release notes for this release.",
        )];
    };
    let local = setup
        .feed
        .sources
        .iter()
        .filter_map(|s| s.local_path(&relative.value))
        .find(|p| p.is_file());
    let Some(path) = local else {
        return vec![
            Line::from(format!("{} is read with the review:", relative.value)),
            Line::from("no network call is made before you choose a release."),
        ];
    };
    let bytes = match limits::read_local(&path, limits::NOTES_MAX, "release notes") {
        Ok(b) => b,
        Err(e) => return vec![Line::from(format!("The release notes cannot be read: {e}"))],
    };
    let text = String::from_utf8_lossy(&bytes);
    let mut lines = Vec::new();
    for artifact in &release.artifacts {
        let declared = match notes::declared_contents(&text, artifact.file_name()) {
            Contents::NotDeclared => "contents not declared".to_string(),
            Contents::Declared { entries, .. } => format!("{} entries declared", entries.len()),
        };
        lines.push(Line::from(format!("{}: {declared}", artifact.platform)));
    }
    lines.push(Line::default());
    let cut = text.len().min(NOTES_SHOWN);
    let cut = (0..=cut)
        .rev()
        .find(|i| text.is_char_boundary(*i))
        .unwrap_or(0);
    let mut rendered = markdown::render(&text[..cut], setup.ascii);
    if rendered.first().is_some_and(|l| l.spans.is_empty()) {
        rendered.remove(0);
    }
    lines.extend(rendered);
    if cut < text.len() {
        lines.push(Line::from(format!(
            "(shortened here: the whole text is in {})",
            path.display()
        )));
    }
    lines
}
