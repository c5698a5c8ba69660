//! A feed's releases and their artifacts, validated: versions (with an
//! optional epoch), dates, channels, the evidence each release names, and
//! each artifact's platform, file and SBOM.

use std::collections::BTreeSet;

use toml::Spanned;

use super::super::raw::{RawArtifact, RawRelease};
use super::super::{Artifact, Release, Sbom};
use super::Validator;
use crate::engine::shared::error::Result;

impl Validator<'_> {
    /// A release's version: a name as [`Self::slug`] asks, after an optional
    /// epoch (`1:4.13+dfsg1-1+deb12u2`, as Debian and RPM packages number
    /// their versions). The checklist's file name escapes the `:`.
    fn version(&self, s: Spanned<String>, field: &str) -> Result<String> {
        let span = s.span();
        let value = s.into_inner();
        let (epoch, rest) = match value.split_once(':') {
            Some((epoch, rest)) => (Some(epoch), rest),
            None => (None, value.as_str()),
        };
        let epoch_ok = epoch
            .is_none_or(|e| !e.is_empty() && e.len() <= 9 && e.bytes().all(|b| b.is_ascii_digit()));
        if !epoch_ok {
            return Err(self.err(
                span,
                field,
                format!("`{value}`: only an epoch (digits, as in `1:4.2.1`) may come before a `:`"),
            ));
        }
        self.slug(Spanned::new(span, rest.to_string()), field)?;
        Ok(value)
    }

    pub(in crate::engine::select::feed) fn releases(
        &mut self,
        raw: Vec<Spanned<RawRelease>>,
    ) -> Result<Vec<Release>> {
        let mut releases: Vec<Release> = Vec::new();
        let mut versions = BTreeSet::new();
        for (i, r) in raw.into_iter().enumerate() {
            let r = r.into_inner();
            let at = |name: &str| format!("release[{i}].{name}");
            let version_span = r.version.span();
            let version = self.version(r.version, &at("version"))?;
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
            let checksums = self.opt_path(r.checksums, at("checksums"))?;
            let checksums_signature =
                self.opt_path(r.checksums_signature, at("checksums_signature"))?;
            let index = self.opt_path(r.index, at("index"))?;
            if checksums.is_none() {
                let needs = [
                    (&checksums_signature, "checksums_signature"),
                    (&index, "index"),
                ];
                if let Some((_, field)) = needs.iter().find(|(f, _)| f.is_some()) {
                    return Err(self.err(
                        version_span,
                        &at(field),
                        format!("release {version} names `{field}` but no `checksums` file for it"),
                    ));
                }
            }
            let sbom = self.sbom(r.sbom, r.sbom_signature, &at(""))?;
            let artifacts = self.artifacts(r.artifacts, i, &version, sbom.as_ref())?;
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
                index,
                artifacts,
            });
        }
        Ok(releases)
    }

    /// The artifacts of release `i` (`version`): one per platform.
    fn artifacts(
        &self,
        raw: Vec<Spanned<RawArtifact>>,
        i: usize,
        version: &str,
        release_sbom: Option<&Sbom>,
    ) -> Result<Vec<Artifact>> {
        let mut artifacts: Vec<Artifact> = Vec::new();
        for (j, a) in raw.into_iter().enumerate() {
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
            let package = a
                .package
                .map(|p| self.word(p, &at("package")))
                .transpose()?;
            let arch = a.arch.map(|p| self.word(p, &at("arch"))).transpose()?;
            let sbom = self.sbom(a.sbom, a.sbom_signature, &at(""))?;
            let digest = self.image_digest(a.digest, a.tag, &at("digest"), &at("tag"))?;
            let bundle = self.opt_path(a.bundle, at("bundle"))?;
            artifacts.push(Artifact {
                platform,
                file,
                signature,
                size,
                package,
                arch,
                sbom: sbom.or_else(|| release_sbom.cloned()),
                digest,
                bundle,
            });
        }
        Ok(artifacts)
    }

    /// A container image's `digest`: `sha256:` and 64 lower-case hex
    /// digits. A `tag` may stand beside it (for the operator's eyes) but
    /// never alone: a tag can be moved to other bytes.
    fn image_digest(
        &self,
        digest: Option<Spanned<String>>,
        tag: Option<Spanned<String>>,
        digest_field: &str,
        tag_field: &str,
    ) -> Result<Option<String>> {
        let Some(digest) = digest else {
            return match tag {
                Some(tag) => Err(self.err(
                    tag.span(),
                    tag_field,
                    format!(
                        "`{}` is a tag, which can be moved to other bytes: pin the image by `digest = \"sha256:…\"` (its manifest or index digest)",
                        tag.get_ref()
                    ),
                )),
                None => Ok(None),
            };
        };
        let span = digest.span();
        let value = digest.into_inner();
        let hex_ok = value.strip_prefix("sha256:").is_some_and(|hex| {
            hex.len() == 64 && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        });
        if hex_ok {
            Ok(Some(value))
        } else {
            Err(self.err(
                span,
                digest_field,
                format!("`{value}` is not `sha256:` followed by 64 lower-case hex digits"),
            ))
        }
    }

    /// `sbom` and `sbom_signature` (at `prefix`, which ends in `.`); a
    /// signature without the SBOM it signs is a mistake in the feed.
    fn sbom(
        &self,
        sbom: Option<Spanned<String>>,
        signature: Option<Spanned<String>>,
        prefix: &str,
    ) -> Result<Option<Sbom>> {
        let signature_span = signature.as_ref().map(|s| s.span());
        let signature = self.opt_path(signature, format!("{prefix}sbom_signature"))?;
        match self.opt_path(sbom, format!("{prefix}sbom"))? {
            Some(file) => Ok(Some(Sbom { file, signature })),
            None => match signature_span {
                Some(span) => Err(self.err(
                    span,
                    &format!("{prefix}sbom_signature"),
                    "a signature of an SBOM the feed does not name (add `sbom`)",
                )),
                None => Ok(None),
            },
        }
    }
}
