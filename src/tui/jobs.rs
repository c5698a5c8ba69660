//! What the engine's messages do to the walk: events fill the Fetch step
//! and the step log, a finished review opens Verify, a written checklist
//! opens Done. Messages of a job the operator has left are dropped.

use std::sync::Arc;

use crate::engine::review::Review;
use crate::engine::shared::check::Status;
use crate::engine::shared::event::{Event, Level};

use super::model::{Model, Problem, ProblemKind, Progress, Screen, SourceLine};
use super::msg::Written;
use super::rows::Inspect;

pub fn on_engine(m: &mut Model, job: u64, event: Event, time: &str) {
    if m.current_job() != Some(job) {
        m.dirty = false;
        return;
    }
    match event {
        Event::Log {
            step,
            level,
            message,
        } => {
            let mark = if level == Level::Warn { "! " } else { "" };
            m.log_line(time, format!("{}: {mark}{message}", step.title()));
        }
        Event::Source {
            file,
            source,
            state,
        } => {
            if let Some(f) = &mut m.fetch {
                match f
                    .sources
                    .iter_mut()
                    .find(|l| l.file == file && l.source == source)
                {
                    Some(line) => line.state = state,
                    None => f.sources.push(SourceLine {
                        file,
                        source,
                        state,
                    }),
                }
            }
        }
        Event::Progress {
            what,
            done,
            total,
            rate,
            eta,
        } => {
            if let Some(f) = &mut m.fetch {
                f.progress = Some(Progress {
                    what,
                    done,
                    total,
                    rate,
                    eta,
                });
            }
        }
    }
}

pub fn on_reviewed(
    m: &mut Model,
    job: u64,
    result: Result<Arc<Review>, String>,
    rows: Option<Box<Inspect>>,
) {
    if m.current_job() != Some(job) {
        m.dirty = false;
        return;
    }
    let time = (m.ctx.clock)();
    let Some(f) = &mut m.fetch else { return };
    f.done = true;
    match result {
        Ok(review) => {
            m.inspect = Some(rows.map(|r| *r).unwrap_or_else(|| Inspect::new(&review)));
            let fails = review
                .checks
                .iter()
                .filter(|c| c.status == Status::Fail)
                .count();
            let warns = review
                .checks
                .iter()
                .filter(|c| c.status == Status::Warn)
                .count();
            m.review = Some(review);
            m.log_line(
                &time,
                format!("Verify: checks done, {fails} FAIL, {warns} WARN"),
            );
            if m.screen == Screen::Fetch {
                m.screen = Screen::Verify;
            }
        }
        Err(why) => {
            f.error = Some(why.clone());
            m.log_line(&time, format!("Fetch: the review could not run: {why}"));
        }
    }
}

/// The checklist was written (Done), or why not (back on the form).
pub fn on_finished(m: &mut Model, result: Result<Written, String>) {
    let time = (m.ctx.clock)();
    match result {
        Ok(written) => {
            m.log_line(
                &time,
                format!(
                    "Sign off: checklist written, {}",
                    written.verdict.as_str().to_uppercase()
                ),
            );
            for f in &written.files {
                m.log_line(&time, format!("Sign off: wrote {f}"));
            }
            m.all_written.push(written.clone());
            m.written = Some(written);
            m.screen = Screen::Done;
        }
        Err(why) => {
            m.log_line(
                &time,
                format!("Sign off: the checklist was not written: {why}"),
            );
            if let Some(s) = &mut m.sign_off {
                s.writing = false;
                s.problem = Some(Problem {
                    kind: ProblemKind::Other,
                    text: why,
                });
            }
        }
    }
}
