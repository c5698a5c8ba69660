//! Step 2, second half: reading the artifact from the sources in the
//! feed's order. Each attempt ([`super::attempt`]) is one streaming pass
//! that hashes (and feeds the signature contexts, the staging copy and the
//! caller's [`Inspector`]) while the bytes arrive. A source whose bytes do
//! not match the signed checksum is named and the next one is tried.

use crate::engine::fetch::attempt::{Attempting, Outcome, attempt_source};
use crate::engine::fetch::open::Fetcher;
use crate::engine::fetch::read::{ArtifactRead, Inspector, PassPlan};
use crate::engine::select::feed::{Artifact, Feed};
use crate::engine::select::source::Source;
use crate::engine::shared::error::{Error, Result};
use crate::engine::shared::event::{Cancel, Event, Level, Reporter, SourceState, Step, log};
use crate::engine::shared::text::short;

/// What happened at one source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attempt {
    Refused(String),
    Failed(String),
    WrongBytes { actual: String },
    Served,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceAttempt {
    pub source: String,
    pub url: String,
    pub attempt: Attempt,
}

/// The bytes the review goes on with, and every attempt on the way.
#[derive(Debug, Clone)]
pub struct Fetched<F> {
    pub read: ArtifactRead<F>,
    pub attempts: Vec<SourceAttempt>,
}

/// Reads the artifact from the first source that serves matching bytes.
/// When every source that answered served wrong bytes, the last of them
/// is returned (the checksum check will fail); when none answered, the
/// error is [`Error::Fetch`].
pub fn read_from_sources<I: Inspector>(
    feed: &Feed,
    artifact: &Artifact,
    fetcher: &Fetcher,
    plan: &PassPlan,
    inspector: &I,
    reporter: &mut dyn Reporter,
    cancel: &Cancel,
) -> Result<Fetched<I::Found>> {
    let keys = plan.all_keys();
    let mut attempts = Vec::new();
    let mut wrong: Option<ArtifactRead<I::Found>> = None;
    for source in &feed.sources {
        cancel.check()?;
        let (url, url_redacted) = source.describe(&artifact.file.value);
        let say = |reporter: &mut dyn Reporter, state: SourceState| {
            reporter.report(Event::Source {
                file: artifact.file_name().to_string(),
                source: source.name.clone(),
                state,
            })
        };
        say(reporter, SourceState::Trying { url: url.clone() });
        let at = Attempting {
            source,
            artifact,
            fetcher,
            plan,
            keys: &keys,
            inspector,
        };
        let outcome = attempt_source(&at, reporter, cancel)?;
        let attempt = match outcome {
            Outcome::Refused(why) => {
                say(reporter, SourceState::Refused(why.clone()));
                Attempt::Refused(why)
            }
            Outcome::Failed(why) => {
                say(reporter, SourceState::Failed(why.clone()));
                Attempt::Failed(why)
            }
            Outcome::Read(read) => {
                let read = ArtifactRead {
                    url: url.clone(),
                    url_redacted,
                    ..*read
                };
                if !plan.rejects(&read.sha256, read.sha512.as_ref()) {
                    served(artifact, source, &read, reporter);
                    say(reporter, SourceState::Served);
                    attempts.push(SourceAttempt {
                        source: source.name.clone(),
                        url,
                        attempt: Attempt::Served,
                    });
                    return Ok(Fetched { read, attempts });
                }
                let actual = wrong_bytes(artifact, source, &read, reporter);
                say(reporter, SourceState::WrongBytes);
                wrong = Some(read);
                Attempt::WrongBytes { actual }
            }
        };
        attempts.push(SourceAttempt {
            source: source.name.clone(),
            url,
            attempt,
        });
    }
    match wrong {
        Some(read) => Ok(Fetched { read, attempts }),
        None => Err(none_answered(&artifact.file.value, &attempts)),
    }
}

fn served<F>(
    artifact: &Artifact,
    source: &Source,
    read: &ArtifactRead<F>,
    reporter: &mut dyn Reporter,
) {
    log(
        reporter,
        Step::Fetch,
        Level::Info,
        format!(
            "{}: {} bytes from {}",
            artifact.file.value, read.bytes, source.name
        ),
    );
}

/// Says which source served bytes the checksum file does not sign;
/// returns their SHA-256.
fn wrong_bytes<F>(
    artifact: &Artifact,
    source: &Source,
    read: &ArtifactRead<F>,
    reporter: &mut dyn Reporter,
) -> String {
    let actual = hex::encode(&read.sha256);
    log(
        reporter,
        Step::Fetch,
        Level::Warn,
        format!(
            "{}: {} served bytes that do not match the signed checksum (SHA-256 {})",
            artifact.file.value,
            source.name,
            short(&actual)
        ),
    );
    actual
}

/// The fetch error when no source served any bytes: each source and why.
fn none_answered(relative: &str, attempts: &[SourceAttempt]) -> Error {
    Error::Fetch {
        what: relative.to_string(),
        detail: attempts
            .iter()
            .map(|a| match &a.attempt {
                Attempt::Refused(w) | Attempt::Failed(w) => format!("{}: {w}", a.source),
                _ => a.source.clone(),
            })
            .collect::<Vec<_>>()
            .join("; "),
    }
}
