//! `intake [FEED]` on a terminal: the walk started from `main`, with the
//! operator's settings and the flags, and the line left on the terminal
//! when it ends. Returns SPEC's exit code.

use std::path::PathBuf;

use crate::engine::shared::text::shown_text;
use crate::settings::{self, Settings};

use super::{Options, run};

/// What the command line asked of the walk.
#[derive(Debug, Clone, Default)]
pub struct WalkArgs {
    /// The feed (default: the bundled demo feed).
    pub feed: Option<PathBuf>,
    pub theme: Option<String>,
    pub ascii: bool,
}

/// The exit code of a walk left before a checklist was written: nothing
/// was approved, and a script that started the walk must not read it as
/// an approval (0) nor as a rejection (1, which has a checklist).
pub const LEFT_WITHOUT_CHECKLIST: u8 = 4;

/// Runs the walk; the exit code is the written checklist's verdict (0
/// approved, 1 rejected), [`LEFT_WITHOUT_CHECKLIST`] when the operator
/// left before writing one, 2 when the feed or the terminal cannot be used.
pub fn main(args: WalkArgs, s: &Settings) -> u8 {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let opts = Options {
        feed: args.feed.unwrap_or_else(settings::demo_feed),
        theme: args.theme.or(s.theme.clone()),
        ascii: args.ascii,
        no_color,
        operator: s.operator.clone(),
        to: s.destinations(None, None, true),
        fetch: settings::fetch(false, s.cache_dir.clone(), s.timeout, s.ca_bundle.clone()),
        limits: s.limits(None),
        signing_key: s.signing_key.clone(),
    };
    match run(opts) {
        Err(why) => {
            eprintln!("intake: {}", shown_text(&why));
            2
        }
        Ok(None) => {
            println!(
                "intake: the walk was left before a checklist was written: nothing was approved (exit code {LEFT_WITHOUT_CHECKLIST})."
            );
            LEFT_WITHOUT_CHECKLIST
        }
        Ok(Some((verdict, files))) => {
            println!(
                "intake: checklist written, {}:",
                verdict.as_str().to_uppercase()
            );
            for f in files {
                println!("  {}", shown_text(&f));
            }
            verdict.exit_code()
        }
    }
}
