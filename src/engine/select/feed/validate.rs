//! Validating the raw feed into a [`Feed`]'s parts: each value checked
//! where it was written (non-empty, usable in file names, a relative path
//! that stays inside the folder, a fingerprint, a date), and every refusal
//! naming the file, line, column and field.

mod releases;

use std::ops::Range;
use std::path::{Path, PathBuf};

use jiff::civil::Date;
use toml::Spanned;

use super::raw::{RawProduct, RawSource, RawTrust};
use super::{Feed, Located, Product, SignaturePolicy, Trust};
use crate::engine::select::source::{Location, Source};
use crate::engine::select::toml_spans::{LineStarts, config_error};
use crate::engine::shared::error::{Error, Result};

pub(super) struct Validator<'a> {
    path: &'a Path,
    text: &'a str,
    dir: &'a Path,
    /// Where each line starts, so every located value costs a search
    /// rather than a rescan of the text from its start (a feed of tens of
    /// thousands of releases loads in linear time).
    lines: LineStarts,
}

impl<'a> Validator<'a> {
    /// Validates the text of the feed at `path`, whose relative paths are
    /// resolved against `dir`.
    pub(super) fn new(path: &'a Path, text: &'a str, dir: &'a Path) -> Self {
        Validator {
            path,
            text,
            dir,
            lines: LineStarts::new(text),
        }
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

    pub(super) fn product(&mut self, raw: RawProduct) -> Result<Product> {
        let name = self.non_empty(raw.name, "product.name")?;
        let vendor = self.non_empty(raw.vendor, "product.vendor")?;
        let id = self.slug(raw.id, "product.id")?;
        let package = raw
            .package
            .map(|p| self.word(p, "product.package"))
            .transpose()?;
        Ok(Product {
            name,
            vendor,
            id,
            package,
        })
    }

    /// One word, as a package name or architecture is: no spaces, no
    /// control characters.
    fn word(&self, s: Spanned<String>, field: &str) -> Result<String> {
        let span = s.span();
        let value = self.non_empty(s, field)?;
        if value.chars().any(char::is_whitespace) {
            return Err(self.err(span, field, "must be one word (no spaces)"));
        }
        Ok(value)
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

    pub(super) fn trust(&mut self, raw: RawTrust) -> Result<Trust> {
        let certificates = self.certificates(raw.certificates)?;
        let fingerprints = self.fingerprints(raw.fingerprints)?;
        let threshold = self.threshold(raw.threshold, fingerprints.len())?;
        let expires = raw
            .expires
            .map(|d| self.date(d, "trust.expires"))
            .transpose()?;
        let authenticode = self.certificate_files(raw.authenticode, "trust.authenticode")?;
        let timestamp_authorities =
            self.certificate_files(raw.timestamp_authorities, "trust.timestamp_authorities")?;
        let cosign_keys = self.certificate_files(raw.cosign_keys, "trust.cosign_keys")?;
        Ok(Trust {
            certificates,
            fingerprints,
            signatures: raw.signatures.unwrap_or(SignaturePolicy::Required),
            threshold,
            expires,
            authenticode,
            timestamp_authorities,
            cosign_keys,
        })
    }

    /// The certificate files, resolved against the feed's folder: at least one.
    fn certificates(&self, raw: Spanned<Vec<Spanned<String>>>) -> Result<Vec<Located<PathBuf>>> {
        let certs_span = raw.span();
        let mut certificates = Vec::new();
        for (i, cert) in raw.into_inner().into_iter().enumerate() {
            let field = format!("trust.certificates[{i}]");
            let span = cert.span();
            let rel = self.relative_path(cert, &field)?;
            certificates.push(self.locate(self.dir.join(rel), span, field));
        }
        if certificates.is_empty() {
            return Err(self.err(certs_span, "trust.certificates", "lists no certificate"));
        }
        Ok(certificates)
    }

    /// Optional lists of X.509 certificate files (Authenticode pins),
    /// resolved against the feed's folder.
    fn certificate_files(
        &self,
        raw: Option<Spanned<Vec<Spanned<String>>>>,
        name: &str,
    ) -> Result<Vec<Located<PathBuf>>> {
        let mut files = Vec::new();
        for (i, cert) in raw
            .map(Spanned::into_inner)
            .unwrap_or_default()
            .into_iter()
            .enumerate()
        {
            let field = format!("{name}[{i}]");
            let span = cert.span();
            let rel = self.relative_path(cert, &field)?;
            files.push(self.locate(self.dir.join(rel), span, field));
        }
        Ok(files)
    }

    /// The pinned fingerprints, upper-case without spaces: at least one,
    /// none twice.
    fn fingerprints(&self, raw: Spanned<Vec<Spanned<String>>>) -> Result<Vec<Located<String>>> {
        let fprs_span = raw.span();
        let mut fingerprints: Vec<Located<String>> = Vec::new();
        for (i, fpr) in raw.into_inner().into_iter().enumerate() {
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
        Ok(fingerprints)
    }

    /// How many of the `pinned` keys must sign (1 unless the feed says).
    fn threshold(&self, raw: Option<Spanned<i64>>, pinned: usize) -> Result<usize> {
        let Some(t) = raw else {
            return Ok(1);
        };
        let span = t.span();
        let n = *t.get_ref();
        if n < 1 || n as usize > pinned {
            return Err(self.err(
                span,
                "trust.threshold",
                format!("must be between 1 and the number of pinned fingerprints ({pinned})"),
            ));
        }
        Ok(n as usize)
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
            || is_drive_letter(&value);
        if bad {
            return Err(self.err(
                span,
                field,
                format!("`{value}` must be a relative path inside the folder (no `/` at the start, no `..`, no `\\`)"),
            ));
        }
        Ok(value)
    }

    pub(super) fn sources(&mut self, raw: Vec<Spanned<RawSource>>) -> Result<Vec<Source>> {
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
    pub(super) fn check_local_files(&self, feed: &Feed) -> Result<()> {
        let trust = &feed.trust;
        for cert in trust
            .certificates
            .iter()
            .chain(&trust.authenticode)
            .chain(&trust.timestamp_authorities)
            .chain(&trust.cosign_keys)
        {
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

/// `C:` at the start: a Windows drive, not a relative path (`1:4.2.1/`, a
/// folder named after a version with an epoch, is relative).
fn is_drive_letter(path: &str) -> bool {
    let b = path.as_bytes();
    b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':'
}
