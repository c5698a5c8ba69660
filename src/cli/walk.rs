//! `intake [FEED]` without a terminal (a pipe, a CI job): the walk needs
//! one, so the demo feed is reviewed non-interactively instead (touching
//! no real record: [`super::demo`]), and a named feed is refused with the
//! command pipelines should use. (On a terminal, `main` starts the walk
//! itself.)

use std::path::PathBuf;

use crate::engine::shared::error::Error;
use crate::settings::demo_feed;

use super::{Outcome, demo, term};

pub fn run(feed: Option<PathBuf>, theme: Option<&str>, ascii: bool) -> Outcome {
    let looks = match (theme, ascii) {
        (Some(theme), _) => Some(format!("--theme {theme}")),
        (None, true) => Some("--ascii".to_string()),
        (None, false) => None,
    };
    match feed {
        None => {
            if let Some(looks) = looks {
                // The walk's look cannot be checked or used without the walk.
                term::print_error(format!(
                    "{looks} is for the interactive walk, which needs a terminal (there is none \
                     here): not used for the demo review below (on a terminal, a theme that \
                     does not exist is refused with the list of those that do)"
                ));
            }
            demo::run(demo_feed())
        }
        Some(feed) => Outcome::Failed(Error::Usage(format!(
            "`intake {}` opens the interactive review and needs a terminal; pipelines run \
             `intake verify {} --release VERSION --operator NAME --approver NAME`",
            feed.display(),
            feed.display()
        ))),
    }
}
