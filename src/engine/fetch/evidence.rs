//! Step 2, first half: the evidence an artifact is judged by (checksum
//! file, its signature, release notes, the artifact's signature), each from
//! the first source in the feed's order that serves it.

use crate::engine::fetch::open::{Fetcher, SourceFailure};
use crate::engine::select::feed::{Artifact, Feed, Located, Release};
use crate::engine::select::source::Source;
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
    Sbom,
    SbomSignature,
    /// A Sigstore bundle beside a container image.
    Bundle,
}

impl Role {
    pub fn limit(self) -> u64 {
        match self {
            Role::Checksums => limits::CHECKSUMS_MAX,
            Role::ChecksumsSignature
            | Role::ArtifactSignature
            | Role::SbomSignature
            | Role::Bundle => limits::SIGNATURE_MAX,
            Role::Notes => limits::NOTES_MAX,
            Role::Sbom => limits::SBOM_MAX,
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
    /// `None` when the release leaves the checksum file out.
    pub checksums: Option<EvidenceFile>,
    pub checksums_signature: Option<EvidenceFile>,
    pub notes: Option<EvidenceFile>,
    pub artifact_signature: Option<EvidenceFile>,
    pub sbom: Option<EvidenceFile>,
    pub sbom_signature: Option<EvidenceFile>,
    pub bundle: Option<EvidenceFile>,
}

impl Evidence {
    pub fn files(&self) -> impl Iterator<Item = &EvidenceFile> {
        [
            self.checksums.as_ref(),
            self.checksums_signature.as_ref(),
            self.notes.as_ref(),
            self.artifact_signature.as_ref(),
            self.sbom.as_ref(),
            self.sbom_signature.as_ref(),
            self.bundle.as_ref(),
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
    let checksums = release
        .checksums
        .as_ref()
        .map(|at| one(Role::Checksums, at))
        .transpose()?;
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
    // An SBOM no source serves fails `sbom.components`, saying so; it does
    // not stop the review of the artifact itself.
    let mut served = |role: Role, at: &Located<String>| match one(role, at) {
        Err(Error::Fetch { detail, .. }) => Ok(EvidenceFile {
            role,
            relative: at.value.clone(),
            bytes: Vec::new(),
            problem: Some(format!("no source serves it ({detail})")),
            source: String::new(),
            url: String::new(),
        }),
        other => other,
    };
    let sbom = artifact.sbom.as_ref();
    let sbom_signature = sbom
        .and_then(|s| s.signature.as_ref())
        .map(|at| served(Role::SbomSignature, at))
        .transpose()?;
    let sbom = sbom.map(|s| served(Role::Sbom, &s.file)).transpose()?;
    // A bundle no source serves fails `image.signature`, saying so.
    let bundle = artifact
        .bundle
        .as_ref()
        .map(|at| served(Role::Bundle, at))
        .transpose()?;
    Ok(Evidence {
        checksums,
        checksums_signature,
        notes,
        artifact_signature,
        sbom,
        sbom_signature,
        bundle,
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
    let wanted = Wanted {
        role,
        at,
        file: crate::engine::select::feed::base_name(&at.value).to_string(),
    };
    let mut failures = Vec::new();
    for source in &feed.sources {
        cancel.check()?;
        match try_source(fetcher, &wanted, source, reporter) {
            Ok(file) => return Ok(file),
            Err(why) => failures.push(format!("{}: {why}", source.name)),
        }
    }
    Err(Error::Fetch {
        what: at.value.clone(),
        detail: failures.join("; "),
    })
}

/// One evidence file being looked for, source after source.
struct Wanted<'a> {
    role: Role,
    at: &'a Located<String>,
    /// Its file name, as the fetch screen lists it.
    file: String,
}

impl Wanted<'_> {
    fn state(&self, reporter: &mut dyn Reporter, source: &Source, state: SourceState) {
        reporter.report(Event::Source {
            file: self.file.clone(),
            source: source.name.clone(),
            state,
        })
    }

    fn found(
        &self,
        source: &Source,
        url: String,
        bytes: Vec<u8>,
        problem: Option<String>,
    ) -> EvidenceFile {
        EvidenceFile {
            role: self.role,
            relative: self.at.value.clone(),
            bytes,
            problem,
            source: source.name.clone(),
            url,
        }
    }
}

/// Asks one source for the file. A file too large to use is still the
/// file this source serves (the check resting on it fails with why); any
/// other failure says why the next source is tried.
fn try_source(
    fetcher: &Fetcher,
    wanted: &Wanted<'_>,
    source: &Source,
    reporter: &mut dyn Reporter,
) -> std::result::Result<EvidenceFile, String> {
    let at = wanted.at;
    let (url, _) = source.describe(&at.value);
    wanted.state(reporter, source, SourceState::Trying { url: url.clone() });
    let read = {
        let mut said = |line: String| {
            log(
                reporter,
                Step::Fetch,
                Level::Info,
                format!("{}: {}: {line}", at.value, source.name),
            )
        };
        fetcher.read_small(source, &at.value, wanted.role.limit(), &mut said)
    };
    match read {
        Ok(bytes) => {
            wanted.state(reporter, source, SourceState::Served);
            log(
                reporter,
                Step::Fetch,
                Level::Info,
                format!("{}: read from {} ({url})", at.value, source.name),
            );
            Ok(wanted.found(source, url, bytes, None))
        }
        Err(SourceFailure::TooLarge(why)) => {
            wanted.state(
                reporter,
                source,
                SourceState::Failed(format!("it is {why}")),
            );
            log(
                reporter,
                Step::Fetch,
                Level::Warn,
                format!("{}: {} serves it, but it is {why}", at.value, source.name),
            );
            Ok(wanted.found(source, url, Vec::new(), Some(why)))
        }
        Err(failure) => {
            let why = failure.describe().to_string();
            let said = match failure {
                SourceFailure::Refused(_) => SourceState::Refused(why.clone()),
                _ => SourceState::Failed(why.clone()),
            };
            wanted.state(reporter, source, said);
            log(
                reporter,
                Step::Fetch,
                Level::Warn,
                format!("{}: {} skipped: {why}", at.value, source.name),
            );
            Err(why)
        }
    }
}
