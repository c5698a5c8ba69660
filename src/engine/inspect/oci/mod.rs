//! Container images: an OCI image layout (a folder, which the fetch layer
//! presents as a tar made on the fly
//! (`fetch::layout_folder`), or a tar of one) or a
//! `docker save` tarball, read in one pass ([`gather`]) and resolved from
//! the pinned digest once everything is known ([`chain`]): index, the
//! platform's manifest, config and layers, every blob's size and SHA-256
//! against what refers to it, every layer's uncompressed digest against
//! the config's `diff_ids`, and each layer's entries (walked with the
//! root-filesystem rules) named `layer-<n>/<path>` in the manifest.

pub mod chain;
pub mod docker;
pub mod docs;
pub mod gather;
mod layers;
pub mod outer;
mod platform;
mod resolver;

use crate::engine::shared::check::Finding;

use super::kind::{Input, Kind};
use super::report::ArchiveReport;
use gather::Gathered;

/// The kind's name in the manifest header and findings.
pub const NAME: &str = "oci";

/// What the review needs to pin the image: the feed's digest and platform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pin {
    /// `sha256:<hex>` as the feed gives it (`None`: the feed pins none).
    pub digest: Option<String>,
    /// The feed's platform (`linux-x86_64`).
    pub platform: String,
}

/// One link of the digest chain (index, manifest, config, layer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// `index`, `manifest`, `config`, `layer 1`...
    pub role: String,
    pub digest: String,
    pub size: u64,
    pub media_type: String,
}

pub use crate::engine::verify::cosign::CosignSignature;

/// The image's platform and labels, from its config.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConfigFacts {
    pub os: String,
    pub architecture: String,
    pub variant: Option<String>,
    pub version_label: Option<String>,
    pub title_label: Option<String>,
}

/// What the image is, once resolved.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Image {
    /// The pass's findings, until [`chain::settle`] resolves them.
    pub gathered: Option<Box<Gathered>>,
    /// `OCI image layout` or `docker save tarball`.
    pub form: String,
    pub pinned: Option<String>,
    pub chain: Vec<Link>,
    /// What `image.digest` judges (a failure is a broken chain).
    pub problems: Vec<Finding>,
    /// What the chain ignored or reported without judging it (other
    /// platforms, unreferenced blobs, whiteouts).
    pub notes: Vec<String>,
    pub config: Option<ConfigFacts>,
    pub signatures: Vec<CosignSignature>,
    /// Whether `settle` ran (a pin was applied).
    pub settled: bool,
}

/// A container image, as a tar.
pub struct Oci;

pub static OCI: Oci = Oci;

impl Kind for Oci {
    fn name(&self) -> &'static str {
        NAME
    }

    fn describe(&self) -> &'static str {
        "a container image (OCI image layout or docker save tarball)"
    }

    fn suffixes(&self) -> &'static [&'static str] {
        &[".oci", ".oci.tar", ".docker.tar"]
    }

    fn recognises(&self, head: &[u8]) -> bool {
        recognises(head)
    }

    fn walk(&self, input: Input<'_>) -> Option<ArchiveReport> {
        let gathered = gather::gather(input.bytes, input.limits);
        Some(gathered_report(gathered))
    }
}

/// The report of an image walked but not yet resolved.
pub fn gathered_report(gathered: Gathered) -> ArchiveReport {
    let mut report = ArchiveReport::new(NAME);
    report.image = Some(Box::new(Image {
        gathered: Some(Box::new(gathered)),
        ..Image::default()
    }));
    report
}

/// The kind of bytes a name may refine: a tar whose first entry says
/// nothing (`./`, as `tar -C layout .` writes) is an image when its name
/// says so (`.oci.tar`, `.docker.tar`); the bytes still say it is a tar.
pub fn refine(
    by_bytes: Option<&'static dyn Kind>,
    by_name: Option<&'static dyn Kind>,
) -> Option<&'static dyn Kind> {
    match (by_bytes, by_name) {
        (Some(b), Some(n)) if b.name() == "tar" && n.name() == NAME => Some(n),
        (b, _) => b,
    }
}

/// Whether a name that promises `named` fits an image: a `.tar` name
/// (a docker save tarball or a layout's tar is a tar), or no archive name
/// at all (a layout folder is named as a folder).
pub fn named_fits(named: &str, kind: &str) -> bool {
    kind == NAME && (named == "tar" || named == super::report::NOT_AN_ARCHIVE)
}

/// Whether the first tar header names a file only an image has first:
/// `oci-layout`, `index.json`, `manifest.json`, `repositories`, `blobs/`,
/// or a docker-save layer or config (`<64 hex>/layer.tar`, `<64 hex>.json`).
pub fn recognises(head: &[u8]) -> bool {
    if !super::tar::looks_like_header(head) {
        return false;
    }
    let name = head.get(..100).unwrap_or_default();
    let end = name.iter().position(|b| *b == 0).unwrap_or(name.len());
    let mut name = &name[..end];
    while let Some(rest) = name.strip_prefix(b"./") {
        name = rest;
    }
    let known: [&[u8]; 6] = [
        b"oci-layout",
        b"index.json",
        b"manifest.json",
        b"repositories",
        b"blobs/",
        b"blobs",
    ];
    if known.contains(&name) || name.starts_with(b"blobs/") {
        return true;
    }
    let hex = name.iter().take_while(|b| b.is_ascii_hexdigit()).count();
    hex == 64 && (matches!(&name[64..], b".json" | b".tar" | b"") || name[64..].starts_with(b"/"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::fetch::layout_folder::header_block;

    #[test]
    fn an_image_is_told_by_its_first_name() {
        for name in ["oci-layout", "./index.json", "blobs/", "manifest.json"] {
            assert!(
                recognises(&header_block(name.as_bytes(), 0, b'0', 0o644)),
                "{name}"
            );
        }
        let hex = "b".repeat(64);
        assert!(recognises(&header_block(
            format!("{hex}.tar").as_bytes(),
            0,
            b'0',
            0o644
        )));
        assert!(!recognises(&header_block(b"usr/bin/x", 0, b'0', 0o644)));
        assert!(!recognises(b"{}"));
    }
}
