//! The feed (`feed.toml`): one product of one vendor, where its releases
//! come from and which keys may sign them. Parsing refuses anything
//! malformed with the file, line, column and field; paths are resolved
//! against the feed's folder. Loading the certificates themselves is
//! the trust store's job (`verify/signature/trust.rs`).

use std::collections::BTreeSet;
use std::ops::Range;
use std::path::{Path, PathBuf};

use jiff::civil::Date;
use serde::Deserialize;
use toml::Spanned;

use crate::engine::select::source::{Location, Source};
pub use crate::engine::select::toml_spans::{Spot, spot};
use crate::engine::select::toml_spans::{config_error, field_at};
use crate::engine::shared::error::{Error, Result};
use crate::engine::shared::limits;

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
}

#[derive(Debug, Clone)]
pub struct Release {
    pub version: String,
    pub date: Date,
    pub channel: String,
    /// Paths relative to a source's base.
    pub notes: Option<Located<String>>,
    pub checksums: Located<String>,
    pub checksums_signature: Option<Located<String>>,
    pub artifacts: Vec<Artifact>,
}

#[derive(Debug, Clone)]
pub struct Artifact {
    pub platform: String,
    pub file: Located<String>,
    pub signature: Option<Located<String>>,
    pub size: Option<u64>,
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
        let mut v = Validator {
            path,
            text: &text,
            dir: &dir,
            lines: LineStarts::new(&text),
        };
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
            Some(&self.checksums),
            self.checksums_signature.as_ref(),
            self.notes.as_ref(),
            Some(&artifact.file),
            artifact.signature.as_ref(),
        ]
        .into_iter()
        .flatten()
    }
}

// ---- raw TOML shapes -------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFeed {
    product: RawProduct,
    trust: RawTrust,
    #[serde(rename = "source", default)]
    sources: Vec<Spanned<RawSource>>,
    #[serde(rename = "release", default)]
    releases: Vec<Spanned<RawRelease>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProduct {
    name: Spanned<String>,
    vendor: Spanned<String>,
    id: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTrust {
    certificates: Spanned<Vec<Spanned<String>>>,
    fingerprints: Spanned<Vec<Spanned<String>>>,
    #[serde(default)]
    signatures: Option<SignaturePolicy>,
    #[serde(default)]
    threshold: Option<Spanned<i64>>,
    #[serde(default)]
    expires: Option<Spanned<toml::value::Datetime>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    name: Spanned<String>,
    url: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRelease {
    version: Spanned<String>,
    date: Spanned<toml::value::Datetime>,
    channel: Spanned<String>,
    #[serde(default)]
    notes: Option<Spanned<String>>,
    checksums: Spanned<String>,
    #[serde(default)]
    checksums_signature: Option<Spanned<String>>,
    #[serde(rename = "artifact", default)]
    artifacts: Vec<Spanned<RawArtifact>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawArtifact {
    platform: Spanned<String>,
    file: Spanned<String>,
    #[serde(default)]
    signature: Option<Spanned<String>>,
    #[serde(default)]
    size: Option<Spanned<i64>>,
}

// ---- validation ------------------------------------------------------------

struct Validator<'a> {
    path: &'a Path,
    text: &'a str,
    dir: &'a Path,
    /// Where each line starts, so every located value costs a search
    /// rather than a rescan of the text from its start (a feed of tens of
    /// thousands of releases loads in linear time).
    lines: LineStarts,
}

/// The byte offsets where the lines of a text start.
struct LineStarts(Vec<usize>);

impl LineStarts {
    fn new(text: &str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineStarts(starts)
    }

    /// Line and column (1-based, in characters) of a byte offset: the same
    /// answer as [`spot`], in time proportional to the line's length.
    fn spot(&self, text: &str, offset: usize) -> Spot {
        let offset = offset.min(text.len());
        let line = self.0.partition_point(|&start| start <= offset).max(1);
        let start = self.0.get(line - 1).copied().unwrap_or(0);
        let column = text.get(start..offset).map_or(0, |s| s.chars().count()) + 1;
        Spot { line, column }
    }
}

impl Validator<'_> {
    fn err(&self, span: Range<usize>, field: &str, message: impl Into<String>) -> Error {
        config_error(self.path, self.text, span, field, &message.into())
    }

    fn locate<T>(&self, value: T, span: Range<usize>, field: String) -> Located<T> {
        Located {
            value,
            spot: self.lines.spot(self.text, span.start),
            field,
        }
    }

    fn product(&mut self, raw: RawProduct) -> Result<Product> {
        let name = self.non_empty(raw.name, "product.name")?;
        let vendor = self.non_empty(raw.vendor, "product.vendor")?;
        let id = self.slug(raw.id, "product.id")?;
        Ok(Product { name, vendor, id })
    }

    fn non_empty(&self, s: Spanned<String>, field: &str) -> Result<String> {
        let span = s.span();
        let value = s.into_inner();
        if value.trim().is_empty() {
            return Err(self.err(span, field, "must not be empty"));
        }
        if value.chars().any(char::is_control) {
            return Err(self.err(span, field, "must not contain control characters"));
        }
        Ok(value)
    }

    /// A value that goes into file names: letters, digits, `.`, `_`, `+`, `~`, `-`.
    fn slug(&self, s: Spanned<String>, field: &str) -> Result<String> {
        let span = s.span();
        let value = s.into_inner();
        let ok_char =
            |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '+' | '~' | '-');
        if value.is_empty() || !value.chars().all(ok_char) || value.starts_with('.') {
            return Err(self.err(
                span,
                field,
                format!("`{value}` must be letters, digits, `.`, `_`, `+`, `~` or `-` (it is used in file names)"),
            ));
        }
        Ok(value)
    }

    fn trust(&mut self, raw: RawTrust) -> Result<Trust> {
        let certs_span = raw.certificates.span();
        let mut certificates = Vec::new();
        for (i, cert) in raw.certificates.into_inner().into_iter().enumerate() {
            let field = format!("trust.certificates[{i}]");
            let span = cert.span();
            let rel = self.relative_path(cert, &field)?;
            certificates.push(self.locate(self.dir.join(rel), span, field));
        }
        if certificates.is_empty() {
            return Err(self.err(certs_span, "trust.certificates", "lists no certificate"));
        }

        let fprs_span = raw.fingerprints.span();
        let mut fingerprints: Vec<Located<String>> = Vec::new();
        for (i, fpr) in raw.fingerprints.into_inner().into_iter().enumerate() {
            let field = format!("trust.fingerprints[{i}]");
            let span = fpr.span();
            let normal: String = fpr
                .get_ref()
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            let normal = normal.to_ascii_uppercase();
            if !(normal.len() == 40 || normal.len() == 64)
                || !normal.bytes().all(|b| b.is_ascii_hexdigit())
            {
                return Err(self.err(
                    span,
                    &field,
                    format!(
                        "`{}` is not a key fingerprint: expected 40 (v4 key) or 64 (v6 key) hex digits",
                        fpr.get_ref()
                    ),
                ));
            }
            if fingerprints.iter().any(|f| f.value == normal) {
                return Err(self.err(span, &field, format!("{normal} is pinned twice")));
            }
            fingerprints.push(self.locate(normal, span, field));
        }
        if fingerprints.is_empty() {
            return Err(self.err(
                fprs_span,
                "trust.fingerprints",
                "pins no key: list the primary-key fingerprints that may sign",
            ));
        }

        let threshold = match raw.threshold {
            None => 1,
            Some(t) => {
                let span = t.span();
                let n = *t.get_ref();
                if n < 1 || n as usize > fingerprints.len() {
                    return Err(self.err(
                        span,
                        "trust.threshold",
                        format!(
                            "must be between 1 and the number of pinned fingerprints ({})",
                            fingerprints.len()
                        ),
                    ));
                }
                n as usize
            }
        };

        let expires = raw
            .expires
            .map(|d| self.date(d, "trust.expires"))
            .transpose()?;
        Ok(Trust {
            certificates,
            fingerprints,
            signatures: raw.signatures.unwrap_or(SignaturePolicy::Required),
            threshold,
            expires,
        })
    }

    fn date(&self, d: Spanned<toml::value::Datetime>, field: &str) -> Result<Date> {
        let span = d.span();
        let dt = d.into_inner();
        match (dt.date, dt.time) {
            (Some(date), None) => Date::new(date.year as i16, date.month as i8, date.day as i8)
                .map_err(|e| self.err(span, field, e.to_string())),
            _ => Err(self.err(
                span,
                field,
                "must be a date like 2027-06-30, without a time",
            )),
        }
    }

    /// A path relative to the feed folder or a source base: no absolute
    /// paths, no `..`, no backslashes.
    fn relative_path(&self, s: Spanned<String>, field: &str) -> Result<String> {
        let span = s.span();
        let value = s.into_inner();
        let bad = value.is_empty()
            || value.starts_with('/')
            || value.contains('\\')
            || value.contains('\0')
            || value.split('/').any(|part| part == "..")
            || value.get(1..2) == Some(":");
        if bad {
            return Err(self.err(
                span,
                field,
                format!("`{value}` must be a relative path inside the folder (no `/` at the start, no `..`, no `\\`)"),
            ));
        }
        Ok(value)
    }

    fn sources(&mut self, raw: Vec<Spanned<RawSource>>) -> Result<Vec<Source>> {
        if raw.is_empty() {
            return Err(self.err(
                0..0,
                "source",
                "the feed has no [[source]]: name where releases come from",
            ));
        }
        let mut sources: Vec<Source> = Vec::new();
        for (i, s) in raw.into_iter().enumerate() {
            let s = s.into_inner();
            let name_field = format!("source[{i}].name");
            let name_span = s.name.span();
            let name = self.slug(s.name, &name_field)?;
            if sources.iter().any(|other| other.name == name) {
                return Err(self.err(
                    name_span,
                    &name_field,
                    format!("source `{name}` is named twice"),
                ));
            }
            let url_span = s.url.span();
            let location = Location::parse(s.url.get_ref(), self.dir)
                .map_err(|message| self.err(url_span, &format!("source[{i}].url"), message))?;
            sources.push(Source::new(name, location));
        }
        Ok(sources)
    }

    fn releases(&mut self, raw: Vec<Spanned<RawRelease>>) -> Result<Vec<Release>> {
        let mut releases: Vec<Release> = Vec::new();
        let mut versions = BTreeSet::new();
        for (i, r) in raw.into_iter().enumerate() {
            let r = r.into_inner();
            let at = |name: &str| format!("release[{i}].{name}");
            let version_span = r.version.span();
            let version = self.slug(r.version, &at("version"))?;
            if !versions.insert(version.clone()) {
                return Err(self.err(
                    version_span,
                    &at("version"),
                    format!("version {version} is listed twice"),
                ));
            }
            let date = self.date(r.date, &at("date"))?;
            let channel = self.non_empty(r.channel, &at("channel"))?;
            let notes = self.opt_path(r.notes, at("notes"))?;
            let checksums = self.path(r.checksums, at("checksums"))?;
            let checksums_signature =
                self.opt_path(r.checksums_signature, at("checksums_signature"))?;
            let mut artifacts: Vec<Artifact> = Vec::new();
            for (j, a) in r.artifacts.into_iter().enumerate() {
                let a = a.into_inner();
                let at = |name: &str| format!("release[{i}].artifact[{j}].{name}");
                let platform_span = a.platform.span();
                let platform = self.slug(a.platform, &at("platform"))?;
                if artifacts.iter().any(|other| other.platform == platform) {
                    return Err(self.err(
                        platform_span,
                        &at("platform"),
                        format!("platform {platform} is listed twice for {version}"),
                    ));
                }
                let file = self.path(a.file, at("file"))?;
                let signature = self.opt_path(a.signature, at("signature"))?;
                let size = match a.size {
                    None => None,
                    Some(s) if *s.get_ref() < 0 => {
                        return Err(self.err(s.span(), &at("size"), "must not be negative"));
                    }
                    Some(s) => Some(*s.get_ref() as u64),
                };
                artifacts.push(Artifact {
                    platform,
                    file,
                    signature,
                    size,
                });
            }
            if artifacts.is_empty() {
                return Err(self.err(
                    version_span,
                    &at("artifact"),
                    format!("release {version} has no [[release.artifact]]"),
                ));
            }
            releases.push(Release {
                version,
                date,
                channel,
                notes,
                checksums,
                checksums_signature,
                artifacts,
            });
        }
        Ok(releases)
    }

    fn path(&self, s: Spanned<String>, field: String) -> Result<Located<String>> {
        let span = s.span();
        let value = self.relative_path(s, &field)?;
        Ok(self.locate(value, span, field))
    }

    fn opt_path(
        &self,
        s: Option<Spanned<String>>,
        field: String,
    ) -> Result<Option<Located<String>>> {
        s.map(|s| self.path(s, field)).transpose()
    }

    /// Every certificate file must exist: trust is whole or the feed is
    /// refused. Release files are not checked here: local media often carry
    /// only the release being installed, so a file no source holds is an
    /// outcome of fetching that release (exit 3), not a malformed feed.
    fn check_local_files(&self, feed: &Feed) -> Result<()> {
        for cert in &feed.trust.certificates {
            if !cert.value.is_file() {
                return Err(feed.error_at(
                    cert,
                    format!("certificate file {} does not exist", cert.value.display()),
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_starts_agree_with_a_rescan() {
        let text = "a = 1\nbé = 2\n\n[x]\nlast";
        let lines = LineStarts::new(text);
        for (offset, _) in text.char_indices().chain([(text.len(), ' ')]) {
            assert_eq!(lines.spot(text, offset), spot(text, offset), "{offset}");
        }
    }
}
