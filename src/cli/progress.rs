//! Progress on stderr while the artifact is read, only when stderr is a
//! terminal (pipelines get clean logs), redrawn at most ten times a second.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

use crate::engine::shared::event::{Event, Reporter};

pub use crate::units::human_bytes;

pub struct StderrProgress {
    enabled: bool,
    last: Option<Instant>,
    drawn: bool,
}

impl StderrProgress {
    /// Progress when `wanted` and stderr is a terminal.
    pub fn new(wanted: bool) -> Self {
        StderrProgress {
            enabled: wanted && std::io::stderr().is_terminal(),
            last: None,
            drawn: false,
        }
    }

    /// Clears the progress line before other output.
    pub fn finish(&mut self) {
        if self.drawn {
            eprint!("\r\x1b[2K");
            let _ = std::io::stderr().flush();
            self.drawn = false;
        }
    }
}

impl Reporter for StderrProgress {
    fn report(&mut self, event: Event) {
        let Event::Progress {
            what,
            done,
            total,
            rate,
            eta,
        } = event
        else {
            return;
        };
        if !self.enabled {
            return;
        }
        let now = Instant::now();
        let finished = total.is_some_and(|t| done >= t);
        if self
            .last
            .is_some_and(|l| now - l < Duration::from_millis(100))
            && !finished
        {
            return;
        }
        self.last = Some(now);
        let mut line = match total {
            Some(t) if t > 0 => format!(
                "reading {what}: {} of {} ({:.0} %)",
                human_bytes(done),
                human_bytes(t),
                done as f64 * 100.0 / t as f64
            ),
            _ => format!("reading {what}: {}", human_bytes(done)),
        };
        if let Some(rate) = rate {
            line.push_str(&format!(", {}/s", human_bytes(rate)));
        }
        if let Some(eta) = eta.filter(|_| !finished) {
            line.push_str(&format!(", {eta} s left"));
        }
        // The clearing sequence is ours; the line names a file from outside.
        eprint!(
            "\r\x1b[2K{}",
            crate::engine::shared::text::shown_text(&line)
        );
        let _ = std::io::stderr().flush();
        self.drawn = true;
    }
}
