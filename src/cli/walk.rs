//! `intake [FEED]` without a terminal (a pipe, a CI job): the walk needs
//! one, so the demo feed is reviewed non-interactively instead, and a named
//! feed is refused with the command pipelines should use. (On a terminal,
//! `main` starts the walk itself.)

use std::path::PathBuf;

use crate::engine::shared::error::Error;
use crate::settings::demo_feed;

use super::{Outcome, verify};

pub fn run(feed: Option<PathBuf>) -> Outcome {
    match feed {
        None => verify::demo(demo_feed()),
        Some(feed) => Outcome::Failed(Error::Usage(format!(
            "`intake {}` opens the interactive review and needs a terminal; pipelines run \
             `intake verify {} --release VERSION --operator NAME --approver NAME`",
            feed.display(),
            feed.display()
        ))),
    }
}
