//! `intake verify`: the whole review, non-interactively. Everything that
//! can be refused (names, waivers, the feed, the release, the platform) is
//! refused before any file is read; a rejected checklist is still written;
//! an approved artifact is placed in the local store.

use std::path::{Path, PathBuf};

use jiff::Timestamp;

use crate::engine::archive::Limits;
use crate::engine::check::Verdict;
use crate::engine::checklist::{self, Checklist, SignOff};
use crate::engine::error::Error;
use crate::engine::event::Cancel;
use crate::engine::feed::Feed;
use crate::engine::fetch::{FetchSettings, LocalCopy};
use crate::engine::review::{self, Request};
use crate::engine::select;
use crate::engine::signature::TrustStore;
use crate::engine::store::Store;

use super::progress::StderrProgress;
use super::{Format, Outcome, VerifyArgs, output, settings};

/// One review to run and write.
struct Job<'a> {
    feed: &'a Path,
    version: String,
    platform: String,
    sign_off: SignOff,
    checklist_dir: PathBuf,
    fetch: FetchSettings,
    limits: Limits,
    /// `None`: approved artifacts are not stored.
    store: Option<PathBuf>,
    format: Format,
}

pub fn run(args: &VerifyArgs) -> Outcome {
    let sign_off = SignOff {
        operator: args.operator.clone().unwrap_or_default(),
        approver: args.approver.clone().unwrap_or_default(),
        change_request: args.change_request.clone(),
        waivers: args.waive.clone(),
    };
    if let Some(problem) = sign_off.problem() {
        return Outcome::Failed(Error::Usage(format!(
            "{problem}: give --operator NAME and --approver NAME (two different people)"
        )));
    }
    Job {
        feed: &args.feed,
        version: args.release.clone(),
        platform: args.platform.clone().unwrap_or_else(select::host_platform),
        sign_off,
        checklist_dir: args.checklist_dir.clone(),
        fetch: settings::fetch(
            args.offline,
            args.cache_dir.clone(),
            args.timeout,
            args.ca_bundle.clone(),
        ),
        limits: Limits {
            max_expanded: args.max_expanded,
            ..Limits::default()
        },
        store: (!args.no_store).then(|| args.store.clone().unwrap_or_else(settings::default_store)),
        format: args.format,
    }
    .run()
}

/// `intake` with no subcommand: reviews the newest release of the feed for
/// this host (or its first platform) under demo names, offline.
pub fn demo(feed_path: PathBuf) -> Outcome {
    let feed = match Feed::load(&feed_path) {
        Ok(f) => f,
        Err(e) => return Outcome::Failed(e),
    };
    let Some(release) = select::newest_first(&feed).into_iter().next() else {
        return Outcome::Failed(Error::file(&feed_path, "the feed lists no release"));
    };
    let host = select::host_platform();
    let platform = release
        .artifacts
        .iter()
        .find(|a| a.platform == host)
        .or(release.artifacts.first())
        .map(|a| a.platform.clone())
        .unwrap_or(host);
    println!(
        "No subcommand given: reviewing {} {} for {platform} from {} as demo-operator, approved by demo-approver.",
        feed.product.name,
        release.version,
        feed_path.display()
    );
    println!(
        "(`intake verify FEED --release V --operator NAME --approver NAME` runs a real review.)\n"
    );
    Job {
        feed: &feed_path,
        version: release.version.clone(),
        platform,
        sign_off: SignOff {
            operator: "demo-operator".into(),
            approver: "demo-approver".into(),
            change_request: Some("DEMO".into()),
            waivers: Vec::new(),
        },
        checklist_dir: PathBuf::from("checklists"),
        fetch: settings::fetch(true, None, None, None),
        limits: Limits::default(),
        store: Some(settings::default_store()),
        format: Format::Text,
    }
    .run()
}

impl Job<'_> {
    fn run(self) -> Outcome {
        let feed = match Feed::load(self.feed) {
            Ok(f) => f,
            Err(e) => return Outcome::Failed(e),
        };
        let trust = match TrustStore::load(&feed) {
            Ok(t) => t,
            Err(e) => return Outcome::Failed(e),
        };
        if let Err(e) = feed
            .release(&self.version)
            .and_then(|r| r.artifact(&self.platform))
        {
            return Outcome::Failed(e);
        }
        let store = self.store.as_ref().map(Store::new);
        if let Some(store) = &store {
            store.sweep_staging();
        }
        let request = Request {
            version: self.version.clone(),
            platform: self.platform.clone(),
            now: Timestamp::now(),
            fetch: self.fetch.clone(),
            limits: self.limits.clone(),
            stage_dir: store.as_ref().map(Store::staging_dir),
        };
        let mut progress = StderrProgress::new();
        let review = review::run(&feed, &trust, &request, &mut progress, &Cancel::new());
        progress.finish();
        let review = match review {
            Ok(r) => r,
            Err(e) => return Outcome::Failed(e),
        };
        let checklist = Checklist::build(&review, &self.sign_off, Timestamp::now());
        let written = checklist::write(&checklist, &self.checklist_dir);
        let stored = match (&written, checklist.record.verdict, &store) {
            (Ok(_), Verdict::Approved, Some(store)) => Some(store.place(&feed, &trust, &review)),
            _ => None,
        };
        // Intake's own copies go: the store holds the bytes now, or they
        // were not approved (a rejected download stays cached for a re-review).
        if let Some(copy) = &review.local_copy
            && (matches!(stored, Some(Ok(_))) || matches!(copy, LocalCopy::Staged(_)))
        {
            copy.remove_own();
        }
        let written = match written {
            Ok(w) => w,
            Err(e) => return Outcome::Failed(e),
        };
        let stored = match stored.transpose() {
            Ok(placed) => placed,
            Err(e) => {
                return Outcome::Failed(Error::Usage(format!(
                    "approved, and the checklist is written ({}), but the artifact could not be placed in the store: {e}",
                    written.toml.display()
                )));
            }
        };
        match self.format {
            Format::Text => {
                print!("{}", output::text(&checklist.record, &written));
                if let Some(placed) = stored {
                    println!(
                        "stored:    {} (store feed: {})",
                        placed.artifact.display(),
                        placed.feed.display()
                    );
                }
            }
            Format::Json => {
                let json = checklist::to_json(&checklist.record);
                println!(
                    "{}",
                    serde_json::to_string_pretty(&json).unwrap_or_default()
                );
            }
        }
        Outcome::Verdict(checklist.record.verdict)
    }
}
