//! The checks about fetching: `fetch.source` (which source served the
//! bytes, and which served wrong ones) and `fetch.size` (the feed's size
//! against the bytes).

use crate::engine::fetch::evidence::Evidence;
use crate::engine::fetch::sources::{Attempt, Fetched};
use crate::engine::select::feed::Artifact;
use crate::engine::shared::check::{Check, CheckId, Finding, Status};
use crate::engine::shared::text::group;
use crate::engine::shared::text::short;

/// `fetch.source`: which source served the bytes; a warning names every
/// source that served bytes not matching the signed checksum.
pub fn source_check<F>(fetched: &Fetched<F>) -> Check {
    let id = CheckId::FetchSource;
    let findings: Vec<Finding> = fetched
        .attempts
        .iter()
        .map(|a| match &a.attempt {
            Attempt::Refused(why) => {
                Finding::new(Status::Skip, &a.source, format!("not tried: {why}"))
            }
            Attempt::Failed(why) => {
                Finding::new(Status::Skip, &a.source, format!("could not serve: {why}"))
            }
            Attempt::WrongBytes { actual } => Finding::new(
                Status::Warn,
                &a.source,
                format!(
                    "served bytes that do not match the signed checksum (SHA-256 {})",
                    short(actual)
                ),
            ),
            Attempt::Served => Finding::new(
                Status::Pass,
                &a.source,
                format!("served matching bytes from {}", a.url),
            ),
        })
        .collect();
    let wrong: Vec<&str> = fetched
        .attempts
        .iter()
        .filter(|a| matches!(a.attempt, Attempt::WrongBytes { .. }))
        .map(|a| a.source.as_str())
        .collect();
    let served_ok = fetched
        .attempts
        .iter()
        .any(|a| a.attempt == Attempt::Served);
    let check = if wrong.is_empty() {
        Check::pass(
            id,
            format!("served by {} ({})", fetched.read.source, fetched.read.url),
        )
    } else if served_ok {
        Check::warn(
            id,
            format!(
                "{} served bytes that do not match the signed checksum; {} served matching bytes",
                wrong.join(", "),
                fetched.read.source
            ),
        )
    } else {
        Check::warn(
            id,
            format!(
                "every source that answered served wrong bytes: {}",
                wrong.join(", ")
            ),
        )
    };
    check
        .with_evidence("source", fetched.read.source.clone())
        .with_evidence("url", fetched.read.url.clone())
        .with_findings(findings)
}

/// Evidence from one source and the artifact from another is fine when a
/// signature authenticates the evidence; without one, it means trusting
/// two servers, and `fetch.source` warns.
pub fn mixed_sources(
    mut check: Check,
    evidence: &Evidence,
    artifact_source: &str,
    signatures: &[&Check],
) -> Check {
    let others: Vec<String> = evidence
        .files()
        .filter(|f| f.source != artifact_source)
        .map(|f| format!("{} from {}", f.name(), f.source))
        .collect();
    let authenticated = signatures
        .iter()
        .any(|c| matches!(c.status, Status::Pass | Status::Warn));
    if others.is_empty() {
        return check;
    }
    check.findings.push(Finding::new(
        Status::Skip,
        "evidence",
        format!("evidence from other sources: {}", others.join(", ")),
    ));
    if !authenticated && check.status == Status::Pass {
        check.status = Status::Warn;
        check.summary = format!(
            "the artifact came from {artifact_source} but its evidence from elsewhere ({}), and no signature authenticates the evidence",
            others.join(", ")
        );
    }
    check
}

/// `fetch.size`: the feed's `size`, when given, against the bytes read.
pub fn size_check(artifact: &Artifact, bytes: u64) -> Check {
    let id = CheckId::FetchSize;
    match artifact.size {
        None => Check::skip(
            id,
            format!("the feed gives no size; {} bytes read", group(bytes)),
        ),
        Some(size) if size == bytes => {
            Check::pass(id, format!("{} bytes, as the feed says", group(bytes)))
                .with_evidence("size", bytes.to_string())
        }
        Some(size) => Check::fail(
            id,
            format!("{} bytes, but the feed says {}", group(bytes), group(size)),
        )
        .with_evidence("expected", size.to_string())
        .with_evidence("actual", bytes.to_string()),
    }
}
