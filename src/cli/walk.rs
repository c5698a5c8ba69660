//! `intake [FEED]`: the interactive walk on a terminal. Without a terminal
//! (a pipe, a CI job) the demo feed is reviewed non-interactively instead,
//! and a named feed is refused with the command pipelines should use.

use std::io::IsTerminal;
use std::path::PathBuf;

use crate::engine::inspect::Limits;
use crate::engine::record::finish::Destinations;
use crate::engine::shared::error::Error;
use crate::settings::Settings;
use crate::tui;

use super::{Outcome, demo_feed, settings, verify};

pub fn run(feed: Option<PathBuf>, theme: Option<String>, ascii: bool, s: &Settings) -> Outcome {
    let terminal = std::io::stdin().is_terminal() && std::io::stdout().is_terminal();
    if !terminal {
        return match feed {
            None => verify::demo(demo_feed()),
            Some(feed) => Outcome::Failed(Error::Usage(format!(
                "`intake {}` opens the interactive review and needs a terminal; pipelines run \
                 `intake verify {} --release VERSION --operator NAME --approver NAME`",
                feed.display(),
                feed.display()
            ))),
        };
    }
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let opts = tui::Options {
        feed: feed.unwrap_or_else(demo_feed),
        theme: theme.or(s.theme.clone()),
        ascii,
        no_color,
        operator: s.operator.clone(),
        to: Destinations {
            checklist_dir: s
                .checklist_dir
                .clone()
                .unwrap_or_else(|| PathBuf::from("checklists")),
            store_root: s.store_dir.clone().unwrap_or_else(settings::default_store),
            keep_artifacts: true,
        },
        fetch: settings::fetch(false, s.cache_dir.clone(), s.timeout, s.ca_bundle.clone()),
        limits: Limits {
            max_expanded: s.max_expanded.unwrap_or(Limits::default().max_expanded),
            ..Limits::default()
        },
        signing_key: s.signing_key.clone(),
    };
    match tui::run(opts) {
        Err(why) => Outcome::Failed(Error::Usage(why)),
        Ok(None) => {
            super::term::print_line("intake: the review was left before a checklist was written.");
            Outcome::Done
        }
        Ok(Some((verdict, files))) => {
            let mut out = super::term::Lines::new();
            out.line(format!(
                "intake: checklist written, {}:",
                verdict.as_str().to_uppercase()
            ));
            for f in files {
                out.line(format!("  {f}"));
            }
            super::term::print(out);
            Outcome::Verdict(verdict)
        }
    }
}
