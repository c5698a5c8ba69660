//! The feed (`feed.toml`): one product of one vendor, where its releases
//! come from and which keys may sign them. Parsing refuses anything
//! malformed with the file, line, column and field; paths are resolved
//! against the feed's folder. Loading the certificates themselves is
//! the trust store's job (`verify/signature/trust.rs`).

mod raw;
mod validate;

use std::path::{Path, PathBuf};

use jiff::civil::Date;
use serde::Deserialize;

use crate::engine::select::source::Source;
pub use crate::engine::select::toml_spans::{Spot, spot};
use crate::engine::select::toml_spans::{config_error, field_at};
use crate::engine::shared::error::{Error, Result};
use crate::engine::shared::limits;
use raw::RawFeed;
use validate::Validator;

/// A value and where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located<T> {
    pub value: T,
    pub spot: Spot,
    /// The field's dotted path, e.g. `release[2].artifact[0].file`.
    pub field: String,
}

/// A parsed, validated feed.
#[derive(Debug, Clone)]
pub struct Feed {
    /// The feed file as the operator named it.
    pub path: PathBuf,
    /// The folder relative paths are resolved against.
    pub dir: PathBuf,
    /// The feed's bytes, kept for its SHA-256 in the checklist and the store copy.
    pub bytes: Vec<u8>,
    pub product: Product,
    pub trust: Trust,
    pub sources: Vec<Source>,
    pub releases: Vec<Release>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Product {
    pub name: String,
    pub vendor: String,
    /// Slug used in file names.
    pub id: String,
    /// The name the product's packages carry (`package = "meridian"`),
    /// when it is not `id`: `package.identity` compares it.
    pub package: Option<String>,
}

impl Product {
    /// The package name this product's packages must carry.
    pub fn package_name(&self) -> &str {
        self.package.as_deref().unwrap_or(&self.id)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SignaturePolicy {
    Required,
    Optional,
}

#[derive(Debug, Clone)]
pub struct Trust {
    /// Certificate files, resolved against the feed folder.
    pub certificates: Vec<Located<PathBuf>>,
    /// Pinned primary-key fingerprints, upper-case hex without spaces.
    pub fingerprints: Vec<Located<String>>,
    pub signatures: SignaturePolicy,
    pub threshold: usize,
    pub expires: Option<Date>,
    /// Authenticode publisher certificate files (`authenticode`), resolved
    /// against the feed folder: leaf or CA certificates, PEM or DER.
    pub authenticode: Vec<Located<PathBuf>>,
    /// Timestamp authority certificate files (`timestamp_authorities`).
    pub timestamp_authorities: Vec<Located<PathBuf>>,
    /// Cosign public key files (`cosign_keys`, PEM: ECDSA P-256 or Ed25519).
    pub cosign_keys: Vec<Located<PathBuf>>,
}

#[derive(Debug, Clone)]
pub struct Release {
    pub version: String,
    pub date: Date,
    pub channel: String,
    /// Paths relative to a source's base.
    pub notes: Option<Located<String>>,
    /// `None`: the release leaves the checksum file out, for an artifact
    /// that carries its own signed digests (SPEC).
    pub checksums: Option<Located<String>>,
    pub checksums_signature: Option<Located<String>>,
    /// An APT repository's `Packages` index (plain, `.gz` or `.xz`), which
    /// the Release file in `checksums` lists: the artifact's SHA-256 and
    /// size are looked up there (SPEC "APT repositories").
    pub index: Option<Located<String>>,
    pub artifacts: Vec<Artifact>,
}

#[derive(Debug, Clone)]
pub struct Artifact {
    pub platform: String,
    pub file: Located<String>,
    pub signature: Option<Located<String>>,
    pub size: Option<u64>,
    /// The package name of this artifact, when it differs from the
    /// product's (`package = "meridian-agent"`).
    pub package: Option<String>,
    /// The package architecture of this platform (`arch = "armhf"`), when
    /// the platform's own name does not say it.
    pub arch: Option<String>,
    /// The vendor's SBOM of this artifact (its own, else its release's).
    pub sbom: Option<Sbom>,
    /// A container image's pinned manifest or index digest
    /// (`sha256:<64 hex>`), which `image.digest` resolves.
    pub digest: Option<String>,
    /// A Sigstore bundle beside the image (`bundle = "…"`).
    pub bundle: Option<Located<String>>,
}

/// Where a vendor's SBOM is, and the detached signature over it, if any.
#[derive(Debug, Clone)]
pub struct Sbom {
    pub file: Located<String>,
    pub signature: Option<Located<String>>,
}

impl Artifact {
    /// The artifact's file name (last path component).
    pub fn file_name(&self) -> &str {
        base_name(&self.file.value)
    }
}

/// The last component of a `/`-separated relative path.
pub fn base_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

impl Feed {
    /// Reads and validates a feed file.
    pub fn load(path: &Path) -> Result<Feed> {
        let bytes = limits::read_local(path, limits::FEED_MAX, "feed")?;
        Feed::parse(path, bytes)
    }

    /// Validates feed bytes as if read from `path`.
    pub fn parse(path: &Path, bytes: Vec<u8>) -> Result<Feed> {
        let text = limits::utf8_text(path, bytes.clone())?;
        let raw: RawFeed = toml::from_str(&text).map_err(|e| {
            let span = e.span().unwrap_or(0..0);
            let field = field_at(&text, span.start);
            config_error(path, &text, span, &field, e.message())
        })?;
        let dir = path
            .parent()
            .map(Path::to_path_buf)
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or_else(|| PathBuf::from("."));
        let mut v = Validator::new(path, &text, &dir);
        let product = v.product(raw.product)?;
        let trust = v.trust(raw.trust)?;
        let sources = v.sources(raw.sources)?;
        let releases = v.releases(raw.releases)?;
        let feed = Feed {
            path: path.to_path_buf(),
            dir: dir.clone(),
            bytes,
            product,
            trust,
            sources,
            releases,
        };
        v.check_local_files(&feed)?;
        Ok(feed)
    }

    /// The release with this exact version.
    pub fn release(&self, version: &str) -> Result<&Release> {
        self.releases
            .iter()
            .find(|r| r.version == version)
            .ok_or_else(|| {
                let known: Vec<&str> = self.releases.iter().map(|r| r.version.as_str()).collect();
                Error::Usage(format!(
                    "{}: no release `{version}` (the feed has: {})",
                    self.path.display(),
                    known.join(", ")
                ))
            })
    }

    /// A file error that points at a field of this feed.
    pub fn error_at<T>(&self, at: &Located<T>, message: impl Into<String>) -> Error {
        Error::Config {
            path: self.path.clone(),
            line: at.spot.line,
            column: at.spot.column,
            field: at.field.clone(),
            message: message.into(),
        }
    }
}

impl Release {
    pub fn artifact(&self, platform: &str) -> Result<&Artifact> {
        self.artifacts
            .iter()
            .find(|a| a.platform == platform)
            .ok_or_else(|| {
                let known: Vec<&str> = self.artifacts.iter().map(|a| a.platform.as_str()).collect();
                Error::Usage(format!(
                    "release {} has no platform `{platform}` (it has: {})",
                    self.version,
                    known.join(", ")
                ))
            })
    }

    /// Every file path of the release and artifact, with where it was written.
    pub fn files<'a>(
        &'a self,
        artifact: &'a Artifact,
    ) -> impl Iterator<Item = &'a Located<String>> {
        [
            self.checksums.as_ref(),
            self.checksums_signature.as_ref(),
            self.index.as_ref(),
            self.notes.as_ref(),
            Some(&artifact.file),
            artifact.signature.as_ref(),
        ]
        .into_iter()
        .flatten()
    }
}
