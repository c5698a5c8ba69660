//! `intake verify`: the whole review, non-interactively. Everything that
//! can be refused (names, waivers, the feed, the release, the platform) is
//! refused before any file is read; a rejected checklist is still written.

use std::path::{Path, PathBuf};

use jiff::Timestamp;

use crate::engine::archive::Limits;
use crate::engine::checklist::{self, Checklist, SignOff};
use crate::engine::error::Error;
use crate::engine::event::Cancel;
use crate::engine::feed::Feed;
use crate::engine::review::{self, Request};
use crate::engine::select;
use crate::engine::signature::TrustStore;

use super::progress::StderrProgress;
use super::{Format, Outcome, VerifyArgs, output};

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
    let platform = args.platform.clone().unwrap_or_else(select::host_platform);
    let limits = Limits {
        max_expanded: args.max_expanded,
        ..Limits::default()
    };
    review_and_write(
        &args.feed,
        &args.release,
        &platform,
        &sign_off,
        &args.checklist_dir,
        args.offline,
        &limits,
        args.format,
    )
}

/// `intake` with no subcommand: reviews the newest release of the feed for
/// this host (or its first platform) under demo names.
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
    let sign_off = SignOff {
        operator: "demo-operator".into(),
        approver: "demo-approver".into(),
        change_request: Some("DEMO".into()),
        waivers: Vec::new(),
    };
    let version = release.version.clone();
    review_and_write(
        &feed_path,
        &version,
        &platform,
        &sign_off,
        Path::new("checklists"),
        true,
        &Limits::default(),
        Format::Text,
    )
}

#[allow(clippy::too_many_arguments)]
fn review_and_write(
    feed_path: &Path,
    version: &str,
    platform: &str,
    sign_off: &SignOff,
    dir: &Path,
    offline: bool,
    limits: &Limits,
    format: Format,
) -> Outcome {
    let feed = match Feed::load(feed_path) {
        Ok(f) => f,
        Err(e) => return Outcome::Failed(e),
    };
    let trust = match TrustStore::load(&feed) {
        Ok(t) => t,
        Err(e) => return Outcome::Failed(e),
    };
    if let Err(e) = feed.release(version).and_then(|r| r.artifact(platform)) {
        return Outcome::Failed(e);
    }
    let request = Request {
        version: version.to_string(),
        platform: platform.to_string(),
        now: Timestamp::now(),
        offline,
        limits: limits.clone(),
    };
    let mut progress = StderrProgress::new();
    let review = review::run(&feed, &trust, &request, &mut progress, &Cancel::new());
    progress.finish();
    let review = match review {
        Ok(r) => r,
        Err(e) => return Outcome::Failed(e),
    };
    let checklist = Checklist::build(&review, sign_off, Timestamp::now());
    let written = match checklist::write(&checklist, dir) {
        Ok(w) => w,
        Err(e) => return Outcome::Failed(e),
    };
    match format {
        Format::Text => print!("{}", output::text(&checklist.record, &written)),
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
