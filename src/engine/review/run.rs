//! [`run`]: every step of the review in order, up to sign-off (what
//! `intake verify` and the walk's Fetch–Inspect steps both do).

use crate::engine::fetch::evidence;
use crate::engine::fetch::open::Fetcher;
use crate::engine::fetch::sources;
use crate::engine::select::choose;
use crate::engine::select::feed::Feed;
use crate::engine::shared::error::Result;
use crate::engine::shared::event::{Cancel, Event, Level, Reporter, Step, log};
use crate::engine::verify::signature::TrustStore;

use super::assemble::Assembly;
use super::evidence::{declared_contents, judge_evidence};
use super::found::{Request, Review};
use super::inspector::ArtifactInspector;
use crate::engine::inspect::oci::Pin;

/// Keeps the step log while passing events on.
struct Recorder<'a> {
    inner: &'a mut dyn Reporter,
    lines: Vec<String>,
}

impl Reporter for Recorder<'_> {
    fn report(&mut self, event: Event) {
        if let Event::Log {
            step,
            level,
            message,
        } = &event
        {
            let mark = if *level == Level::Warn { "! " } else { "" };
            // When each step happened, by this machine's clock (the
            // review's own clock judges; this one records).
            let time = jiff::Timestamp::now().strftime("%H:%M:%SZ");
            self.lines
                .push(format!("{time} {}: {mark}{message}", step.title()));
        }
        self.inner.report(event);
    }
}

/// Runs every step of the review up to sign-off.
pub fn run(
    feed: &Feed,
    trust: &TrustStore,
    request: &Request,
    reporter: &mut dyn Reporter,
    cancel: &Cancel,
) -> Result<Review> {
    let release = feed.release(&request.version)?;
    let artifact = release.artifact(&request.platform)?;
    let mut rec = Recorder {
        inner: reporter,
        lines: Vec::new(),
    };
    log(
        &mut rec,
        Step::Select,
        Level::Info,
        format!(
            "{} {} for {} selected",
            feed.product.name, release.version, artifact.platform
        ),
    );
    let selection = choose::selection_checks(
        feed,
        release,
        &artifact.platform,
        &request.previous,
        request.now,
    );
    let fetcher = Fetcher::new(request.fetch.clone());
    let evidence = evidence::gather(feed, release, artifact, &fetcher, &mut rec, cancel)?;
    let mut judged = judge_evidence(&evidence, release, artifact, trust, request.now);
    judged.plan.stage_dir = request.stage_dir.clone();
    let chain_of = super::apt::ChainOf {
        feed,
        release,
        artifact,
        evidence: &evidence,
        fetcher: &fetcher,
    };
    super::apt::read_chain(&chain_of, &mut judged, &mut rec, cancel)?;
    let inspector = ArtifactInspector {
        file_name: artifact.file_name().to_string(),
        limits: request.limits.for_platform(&artifact.platform),
        image_pin: Pin {
            digest: artifact.digest.clone(),
            platform: artifact.platform.clone(),
        },
    };
    // The release notes are read on the side while the pass runs: the pass
    // leaves most of a core free when the archive compresses well.
    let (declared, fetched) = std::thread::scope(|scope| {
        let notes = scope.spawn(|| declared_contents(&evidence, artifact));
        let fetched = sources::read_from_sources(
            feed,
            artifact,
            &fetcher,
            &judged.plan,
            &inspector,
            &mut rec,
            cancel,
        );
        (notes.join().ok().flatten(), fetched)
    });
    let fetched = fetched?;
    judged.declared = declared;
    log(
        &mut rec,
        Step::Verify,
        Level::Info,
        "checksum and signatures checked",
    );
    let at = Assembly {
        feed,
        trust,
        release,
        artifact,
        request,
    };
    let mut review = at.review(selection, evidence, judged, fetched);
    review.log = rec.lines;
    Ok(review)
}
