//! The feed as TOML shapes it, before validation: every value kept with
//! its span, so a refusal can name the line, column and field. Unknown
//! fields are refused by name.

use serde::Deserialize;
use toml::Spanned;

use super::SignaturePolicy;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawFeed {
    pub(super) product: RawProduct,
    pub(super) trust: RawTrust,
    #[serde(rename = "source", default)]
    pub(super) sources: Vec<Spanned<RawSource>>,
    #[serde(rename = "release", default)]
    pub(super) releases: Vec<Spanned<RawRelease>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawProduct {
    pub(super) name: Spanned<String>,
    pub(super) vendor: Spanned<String>,
    pub(super) id: Spanned<String>,
    #[serde(default)]
    pub(super) package: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTrust {
    pub(super) certificates: Spanned<Vec<Spanned<String>>>,
    pub(super) fingerprints: Spanned<Vec<Spanned<String>>>,
    #[serde(default)]
    pub(super) signatures: Option<SignaturePolicy>,
    #[serde(default)]
    pub(super) threshold: Option<Spanned<i64>>,
    #[serde(default)]
    pub(super) expires: Option<Spanned<toml::value::Datetime>>,
    /// Authenticode publisher certificates (PEM or DER files).
    #[serde(default)]
    pub(super) authenticode: Option<Spanned<Vec<Spanned<String>>>>,
    /// Timestamp authority certificates for Authenticode timestamps.
    #[serde(default)]
    pub(super) timestamp_authorities: Option<Spanned<Vec<Spanned<String>>>>,
    /// Cosign public keys (PEM) for container image signatures.
    #[serde(default)]
    pub(super) cosign_keys: Option<Spanned<Vec<Spanned<String>>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSource {
    pub(super) name: Spanned<String>,
    pub(super) url: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRelease {
    pub(super) version: Spanned<String>,
    pub(super) date: Spanned<toml::value::Datetime>,
    pub(super) channel: Spanned<String>,
    #[serde(default)]
    pub(super) notes: Option<Spanned<String>>,
    /// Left out when the artifact carries its own signed digests (a
    /// signed RPM, a PE or MSI with Authenticode, an image pinned by
    /// `digest`).
    #[serde(default)]
    pub(super) checksums: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) checksums_signature: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) sbom: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) sbom_signature: Option<Spanned<String>>,
    /// An APT repository's `Packages` index (`checksums` is then its
    /// `InRelease` or `Release`).
    #[serde(default)]
    pub(super) index: Option<Spanned<String>>,
    #[serde(rename = "artifact", default)]
    pub(super) artifacts: Vec<Spanned<RawArtifact>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawArtifact {
    pub(super) platform: Spanned<String>,
    pub(super) file: Spanned<String>,
    #[serde(default)]
    pub(super) signature: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) size: Option<Spanned<i64>>,
    #[serde(default)]
    pub(super) package: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) arch: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) sbom: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) sbom_signature: Option<Spanned<String>>,
    /// A container image's pinned digest (`sha256:…`).
    #[serde(default)]
    pub(super) digest: Option<Spanned<String>>,
    /// A container image's tag: never enough alone.
    #[serde(default)]
    pub(super) tag: Option<Spanned<String>>,
    /// A Sigstore bundle beside a container image.
    #[serde(default)]
    pub(super) bundle: Option<Spanned<String>>,
}
