//! Progress and log events pushed by engine steps, the [`Reporter`] that
//! receives them, and the [`Cancel`] token a front end uses to stop a step.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::engine::shared::error::{Error, Result};

/// The steps of a review, in walk order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Step {
    Select,
    Fetch,
    Verify,
    Inspect,
    SignOff,
}

impl Step {
    pub fn title(self) -> &'static str {
        match self {
            Step::Select => "Select",
            Step::Fetch => "Fetch",
            Step::Verify => "Verify",
            Step::Inspect => "Inspect",
            Step::SignOff => "Sign off",
        }
    }
}

/// How much a log line matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Warn,
}

/// Something a step wants its front end to know while it runs.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// A line for the step log.
    Log {
        step: Step,
        level: Level,
        message: String,
    },
    /// Bytes processed so far of one file.
    Progress {
        /// What is being read (a file name).
        what: String,
        done: u64,
        total: Option<u64>,
        /// Bytes a second over this transfer so far.
        rate: Option<u64>,
        /// Seconds left at that rate, when the total is known.
        eta: Option<u64>,
    },
    /// What is happening at one source, for one file.
    Source {
        file: String,
        source: String,
        state: SourceState,
    },
}

/// A source's state for one file, as the Fetch step shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceState {
    Trying {
        url: String,
    },
    Resuming {
        from: u64,
    },
    Refused(String),
    Failed(String),
    /// It served bytes that do not match the signed checksum.
    WrongBytes,
    Served,
}

/// Receives events from engine steps. Implemented for closures.
pub trait Reporter {
    fn report(&mut self, event: Event);
}

impl<F: FnMut(Event)> Reporter for F {
    fn report(&mut self, event: Event) {
        self(event)
    }
}

/// A reporter that drops everything (for callers that only want results).
pub struct Quiet;

impl Reporter for Quiet {
    fn report(&mut self, _event: Event) {}
}

/// Convenience for steps: log a line.
pub fn log(reporter: &mut dyn Reporter, step: Step, level: Level, message: impl Into<String>) {
    reporter.report(Event::Log {
        step,
        level,
        message: message.into(),
    });
}

/// Shared flag a front end sets to stop a running step.
#[derive(Debug, Clone, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    /// `Err(Cancelled)` once cancelled: call between units of work.
    pub fn check(&self) -> Result<()> {
        if self.is_cancelled() {
            Err(Error::Cancelled)
        } else {
            Ok(())
        }
    }
}
