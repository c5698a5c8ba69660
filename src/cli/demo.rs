//! `intake` with no subcommand and no terminal (cron, `ssh host intake`,
//! `intake | less`): the main job shown working on a fresh machine, the
//! demo feed's newest release reviewed non-interactively, and nothing
//! real touched. The review reads no approval history and records none,
//! stores nothing, ignores the settings, and writes its checklist (change
//! request `DEMO`, names `demo-operator` and `demo-approver`) into a
//! temporary folder of its own, never `./checklists`.

use std::path::{Path, PathBuf};

use crate::engine::inspect::Limits;
use crate::engine::record::checklist::SignOff;
use crate::engine::record::finish::Destinations;
use crate::engine::select::choose;
use crate::engine::select::feed::Feed;
use crate::engine::shared::error::Error;
use crate::settings;

use super::term::{self, Lines};
use super::verify::Job;
use super::{Format, Outcome};

/// The change request a demo checklist names, so it can never be taken
/// for a real one.
pub const DEMO_CHANGE_REQUEST: &str = "DEMO";

/// Reviews the newest release of `feed_path` for this host (or its first
/// platform) under demo names, offline, into a temporary folder.
pub fn run(feed_path: PathBuf) -> Outcome {
    let feed = match Feed::load(&feed_path) {
        Ok(f) => f,
        Err(e) => return Outcome::Failed(e),
    };
    let Some(release) = choose::newest_first(&feed).into_iter().next() else {
        return Outcome::Failed(Error::file(&feed_path, "the feed lists no release"));
    };
    let host = choose::host_platform();
    let platform = release
        .artifacts
        .iter()
        .find(|a| a.platform == host)
        .or(release.artifacts.first())
        .map(|a| a.platform.clone())
        .unwrap_or(host);
    // The checklist's folder stays (the output names its files); the
    // store folder, with the history a review keeps there, goes when the
    // review ends.
    let folders = tempfile::Builder::new()
        .prefix("intake-demo-")
        .tempdir()
        .and_then(|kept| Ok((kept.keep(), tempfile::tempdir()?)));
    let (kept, throwaway_store) = match folders {
        Ok(f) => f,
        Err(e) => return Outcome::Failed(Error::io(std::env::temp_dir(), &e)),
    };
    let mut out = Lines::new();
    out.line(format!(
        "DEMO: no command and no terminal, so this is a demonstration review of {} {} for {platform} \
         from {}, as demo-operator approved by demo-approver (change request {DEMO_CHANGE_REQUEST}).",
        feed.product.name,
        release.version,
        feed_path.display()
    ));
    out.line(
        "Nothing real is touched: no store, no approval history, no settings; the checklist goes \
         to a temporary folder.",
    );
    out.line("");
    term::print(out);
    let outcome = Job {
        feed: &feed_path,
        version: release.version.clone(),
        platform,
        sign_off: SignOff {
            operator: "demo-operator".into(),
            approver: "demo-approver".into(),
            change_request: Some(DEMO_CHANGE_REQUEST.into()),
            waivers: Vec::new(),
            signed_with: None,
        },
        to: Destinations {
            checklist_dir: kept.clone(),
            store_root: throwaway_store.path().to_path_buf(),
            keep_artifacts: false,
            history: None,
        },
        fetch: settings::fetch(true, None, None, None),
        limits: Limits::default(),
        signing_key: None,
        format: Format::Text,
        quiet: false,
        demo: true,
    }
    .run();
    drop(throwaway_store);
    if !matches!(outcome, Outcome::Failed(_)) {
        term::print(closing(&kept));
    }
    outcome
}

/// What the demo was, and the commands for real use.
fn closing(kept: &Path) -> Lines {
    let mut out = Lines::new();
    out.line("");
    out.line(format!(
        "That was a DEMO (change request {DEMO_CHANGE_REQUEST}): nothing was stored or recorded; \
         its checklist is in {} (delete it when done).",
        kept.display()
    ));
    out.line(
        "For real use: `intake FEED` on a terminal (the interactive review), `intake list FEED`, \
         and in pipelines `intake verify FEED --release VERSION --operator NAME --approver NAME \
         --change-request REF` (see `intake --help`).",
    );
    out
}
