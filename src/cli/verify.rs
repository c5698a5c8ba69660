//! `intake verify`: the whole review, non-interactively. Everything that
//! can be refused (names, waivers, the feed, the release, the platform, a
//! signing key that cannot sign) is refused before any file is read; a
//! rejected checklist is still written; an approved artifact is placed in
//! the local store and the approval recorded.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use jiff::Timestamp;

use crate::engine::fetch::open::FetchSettings;
use crate::engine::inspect::Limits;
use crate::engine::record::checklist::SignOff;
use crate::engine::record::finish::{self, Destinations, Finished};
use crate::engine::record::history::Location;
use crate::engine::record::signing;
use crate::engine::record::store::Store;
use crate::engine::review;
use crate::engine::select::choose;
use crate::engine::select::feed::Feed;
use crate::engine::shared::error::Error;
use crate::engine::shared::event::Cancel;
use crate::engine::shared::verdict::Verdict;
use crate::engine::verify::signature::TrustStore;
use crate::settings::{self, Settings};

use super::progress::StderrProgress;
use super::term::{self, Lines};
use super::{Format, Outcome, VerifyArgs, json, output};

/// The environment variable a pipeline sets to unlock the signing key.
pub const PASSPHRASE_ENV: &str = "INTAKE_SIGNING_PASSPHRASE";

/// One review to run and write.
pub(super) struct Job<'a> {
    pub feed: &'a Path,
    pub version: String,
    pub platform: String,
    pub sign_off: SignOff,
    /// Where the checklist and the approved artifact go (and the approval
    /// history: see [`finish::finish`] for when an approval is recorded).
    pub to: Destinations,
    pub fetch: FetchSettings,
    pub limits: Limits,
    pub signing_key: Option<PathBuf>,
    pub format: Format,
    /// Only the verdict line, no progress.
    pub quiet: bool,
    /// The demo review (`intake` without a terminal): its store and
    /// history are thrown away, and the report says so.
    pub demo: bool,
}

pub fn run(args: &VerifyArgs, s: &Settings) -> Outcome {
    let sign_off = SignOff {
        operator: args
            .operator
            .clone()
            .or(s.operator.clone())
            .unwrap_or_default(),
        approver: args.approver.clone(),
        change_request: args.change_request.clone(),
        waivers: args.waive.clone(),
        signed_with: None,
    };
    if let Some(problem) = sign_off.problem() {
        return Outcome::Failed(Error::Usage(format!(
            "{problem}: give --operator NAME (or operator in the settings) and --approver NAME (two different people)"
        )));
    }
    let mut to = s.destinations(
        args.checklist_dir.clone(),
        args.store.clone(),
        !args.no_store,
    );
    if let Some(history) = &args.history {
        to.history = Some(Location::parse(
            history,
            args.ca_bundle.clone().or(s.ca_bundle.clone()),
        ));
    }
    Job {
        feed: &args.feed,
        version: args.release.clone(),
        platform: args.platform.clone().unwrap_or_else(choose::host_platform),
        sign_off,
        to,
        fetch: settings::fetch(
            args.offline,
            args.cache_dir.clone().or(s.cache_dir.clone()),
            args.timeout.or(s.timeout),
            args.ca_bundle.clone().or(s.ca_bundle.clone()),
        ),
        limits: s.limits(args.max_expanded),
        signing_key: args.signing_key.clone().or(s.signing_key.clone()),
        format: args.format,
        quiet: args.quiet,
        demo: false,
    }
    .run()
}

/// The passphrase of a protected signing key: from the environment (for
/// pipelines), else asked on the terminal without echo (`approve` asks
/// the approver's the same way).
pub(super) fn passphrase(key: &Path) -> std::result::Result<String, String> {
    if let Ok(p) = std::env::var(PASSPHRASE_ENV) {
        return Ok(p);
    }
    if !std::io::stdin().is_terminal() {
        return Err(format!(
            "the signing key is protected by a passphrase: set {PASSPHRASE_ENV}, or run on a terminal"
        ));
    }
    rpassword::prompt_password(format!(
        "Passphrase for the signing key {}: ",
        key.display()
    ))
    .map_err(|e| format!("could not read the passphrase: {e}"))
}

impl Job<'_> {
    pub(super) fn run(self) -> Outcome {
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
        // Nor may the review store under other trust than the store's.
        if self.to.keep_artifacts
            && let Err(e) =
                Store::new(&self.to.store_root).pins_for(&feed, &trust, Timestamp::now())
        {
            return Outcome::Failed(e);
        }
        // A key that cannot sign is refused before anything is read or written.
        let mut signer = match &self.signing_key {
            None => None,
            Some(path) => match signing::load(path, Timestamp::now(), &mut || passphrase(path)) {
                Ok(s) => Some(s),
                Err(e) => return Outcome::Failed(e),
            },
        };
        let to = &self.to;
        finish::sweep(to);
        let request = finish::request(
            to,
            &feed,
            (&self.version, &self.platform),
            self.fetch.clone(),
            self.limits.clone(),
            Timestamp::now(),
        );
        let mut progress = StderrProgress::new(!self.quiet);
        let review = review::run(&feed, &trust, &request, &mut progress, &Cancel::new());
        progress.finish();
        let review = match review {
            Ok(r) => r,
            Err(e) => return Outcome::Failed(e),
        };
        let done = match finish::finish(
            &feed,
            &trust,
            &review,
            &self.sign_off,
            signer.as_mut(),
            to,
            Timestamp::now(),
        ) {
            Ok(d) => d,
            Err(e) => return Outcome::Failed(e),
        };
        self.print(&done);
        Outcome::Verdict(done.checklist.record.verdict)
    }

    fn print(&self, done: &Finished) {
        match self.format {
            Format::Text if self.quiet => {
                let mut out = Lines::new();
                out.line(output::verdict_line(done.checklist.record.verdict));
                term::print(out);
            }
            Format::Text => {
                term::print_bytes(output::text(&done.checklist.record, &done.written).as_bytes());
                let mut out = Lines::new();
                if let (Some(path), Some(by)) = (&done.written.signature, &done.signed_by) {
                    out.line(format!("signed:    {} by {by}", path.display()));
                }
                if let Some(placed) = &done.stored {
                    out.line(format!(
                        "stored:    {} (store feed: {})",
                        placed.artifact.display(),
                        placed.feed.display()
                    ));
                    for why in &placed.left_out {
                        out.line(format!("           {why}"));
                    }
                }
                if self.demo {
                    out.line("history:   none: a demo records no approval");
                } else if let Some(history) = &done.history {
                    out.line(format!(
                        "history:   approval recorded in the {}",
                        history.describe()
                    ));
                } else if done.checklist.record.verdict == Verdict::Approved {
                    out.line(
                        "history:   not recorded: --no-store without --change-request is a trial, \
                         not an approval to install",
                    );
                }
                if let Some(command) = &done.approve_command {
                    out.line(format!("approver:  countersigns with `{command}`"));
                }
                term::print(out);
            }
            Format::Json => term::print_json(&json::review::document_of(done)),
        }
    }
}
