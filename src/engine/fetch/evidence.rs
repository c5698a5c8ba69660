//! Step 2, first half: the evidence an artifact is judged by (checksum
//! file, its signature, release notes, the artifact's signature), each from
//! the first source in the feed's order that serves it.

use crate::engine::fetch::open::{Fetcher, SourceFailure};
use crate::engine::select::feed::{Artifact, Feed, Located, Release};
use crate::engine::shared::error::{Error, Result};
use crate::engine::shared::event::{Cancel, Event, Level, Reporter, SourceState, Step, log};
use crate::engine::shared::limits;

/// What an evidence file is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Checksums,
    ChecksumsSignature,
    Notes,
    ArtifactSignature,
}

impl Role {
    pub fn limit(self) -> u64 {
        match self {
            Role::Checksums => limits::CHECKSUMS_MAX,
            Role::ChecksumsSignature | Role::ArtifactSignature => limits::SIGNATURE_MAX,
            Role::Notes => limits::NOTES_MAX,
        }
    }
}

/// One evidence file and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceFile {
    pub role: Role,
    /// Path relative to the source base, as the feed writes it.
    pub relative: String,
    /// Empty when `problem` is set.
    pub bytes: Vec<u8>,
    /// Why the file cannot be used (e.g. far too large); the check that
    /// rests on it fails with this reason.
    pub problem: Option<String>,
    pub source: String,
    /// Where it was read, tokens removed.
    pub url: String,
}

impl EvidenceFile {
    pub fn name(&self) -> &str {
        crate::engine::select::feed::base_name(&self.relative)
    }
}

/// The evidence for one artifact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    pub checksums: EvidenceFile,
    pub checksums_signature: Option<EvidenceFile>,
    pub notes: Option<EvidenceFile>,
    pub artifact_signature: Option<EvidenceFile>,
}

impl Evidence {
    pub fn files(&self) -> impl Iterator<Item = &EvidenceFile> {
        [
            Some(&self.checksums),
            self.checksums_signature.as_ref(),
            self.notes.as_ref(),
            self.artifact_signature.as_ref(),
        ]
        .into_iter()
        .flatten()
    }
}

/// Gathers every evidence file the feed names for this artifact.
pub fn gather(
    feed: &Feed,
    release: &Release,
    artifact: &Artifact,
    fetcher: &Fetcher,
    reporter: &mut dyn Reporter,
    cancel: &Cancel,
) -> Result<Evidence> {
    let mut one =
        |role: Role, at: &Located<String>| fetch_one(feed, fetcher, role, at, reporter, cancel);
    let checksums = one(Role::Checksums, &release.checksums)?;
    let checksums_signature = release
        .checksums_signature
        .as_ref()
        .map(|at| one(Role::ChecksumsSignature, at))
        .transpose()?;
    let notes = release
        .notes
        .as_ref()
        .map(|at| one(Role::Notes, at))
        .transpose()?;
    let artifact_signature = artifact
        .signature
        .as_ref()
        .map(|at| one(Role::ArtifactSignature, at))
        .transpose()?;
    Ok(Evidence {
        checksums,
        checksums_signature,
        notes,
        artifact_signature,
    })
}

fn fetch_one(
    feed: &Feed,
    fetcher: &Fetcher,
    role: Role,
    at: &Located<String>,
    reporter: &mut dyn Reporter,
    cancel: &Cancel,
) -> Result<EvidenceFile> {
    let mut failures = Vec::new();
    let file = crate::engine::select::feed::base_name(&at.value).to_string();
    let state = |reporter: &mut dyn Reporter, source: &str, state: SourceState| {
        reporter.report(Event::Source {
            file: file.clone(),
            source: source.to_string(),
            state,
        })
    };
    for source in &feed.sources {
        cancel.check()?;
        let (url, _) = source.describe(&at.value);
        state(
            reporter,
            &source.name,
            SourceState::Trying { url: url.clone() },
        );
        let read = {
            let mut said = |line: String| {
                log(
                    reporter,
                    Step::Fetch,
                    Level::Info,
                    format!("{}: {}: {line}", at.value, source.name),
                )
            };
            fetcher.read_small(source, &at.value, role.limit(), &mut said)
        };
        match read {
            Ok(bytes) => {
                state(reporter, &source.name, SourceState::Served);
                log(
                    reporter,
                    Step::Fetch,
                    Level::Info,
                    format!("{}: read from {} ({url})", at.value, source.name),
                );
                return Ok(EvidenceFile {
                    role,
                    relative: at.value.clone(),
                    bytes,
                    problem: None,
                    source: source.name.clone(),
                    url,
                });
            }
            Err(SourceFailure::TooLarge(why)) => {
                state(
                    reporter,
                    &source.name,
                    SourceState::Failed(format!("it is {why}")),
                );
                log(
                    reporter,
                    Step::Fetch,
                    Level::Warn,
                    format!("{}: {} serves it, but it is {why}", at.value, source.name),
                );
                return Ok(EvidenceFile {
                    role,
                    relative: at.value.clone(),
                    bytes: Vec::new(),
                    problem: Some(why),
                    source: source.name.clone(),
                    url,
                });
            }
            Err(failure) => {
                let why = failure.describe().to_string();
                let said = match failure {
                    SourceFailure::Refused(_) => SourceState::Refused(why),
                    _ => SourceState::Failed(why),
                };
                state(reporter, &source.name, said);
                log(
                    reporter,
                    Step::Fetch,
                    Level::Warn,
                    format!(
                        "{}: {} skipped: {}",
                        at.value,
                        source.name,
                        failure.describe()
                    ),
                );
                failures.push(format!("{}: {}", source.name, failure.describe()));
            }
        }
    }
    Err(Error::Fetch {
        what: at.value.clone(),
        detail: failures.join("; "),
    })
}
