//! The JSON documents of an image, read tolerantly: an index or manifest
//! (one shape with optional `manifests`, `config` and `layers`, so either
//! media type, OCI or Docker, reads), a config, a descriptor, and a
//! `docker save` `manifest.json`. Small serde structs rather than the
//! `oci-spec` crate: its types refuse unknown media types and missing
//! fields while deserialising, so a hostile or odd document would be
//! refused with serde's words rather than judged field by field with the
//! entry it came from; intake only needs a dozen fields and judges the
//! rest itself.

use std::collections::BTreeMap;

use serde::Deserialize;

/// The media types of an index.
pub const INDEX_TYPES: [&str; 2] = [
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
];
/// The media types of a manifest.
pub const MANIFEST_TYPES: [&str; 2] = [
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
];
/// The annotation naming a manifest in an index (its tag).
pub const REF_NAME: &str = "org.opencontainers.image.ref.name";
/// The annotation that holds a cosign signature on a payload layer.
pub const COSIGN_SIGNATURE: &str = "dev.cosignproject.cosign/signature";

/// A reference to a blob.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Descriptor {
    #[serde(rename = "mediaType", default)]
    pub media_type: String,
    #[serde(default)]
    pub digest: String,
    #[serde(default)]
    pub size: u64,
    #[serde(default)]
    pub urls: Vec<String>,
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
    #[serde(default)]
    pub platform: Option<Platform>,
}

/// The platform an index entry or a config names.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Platform {
    #[serde(default)]
    pub architecture: String,
    #[serde(default)]
    pub os: String,
    #[serde(default)]
    pub variant: Option<String>,
}

impl Platform {
    /// `linux/arm64/v8` as registries show it.
    pub fn shown(&self) -> String {
        match &self.variant {
            Some(v) => format!("{}/{}/{v}", self.os, self.architecture),
            None => format!("{}/{}", self.os, self.architecture),
        }
    }
}

/// An index or a manifest.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Document {
    #[serde(rename = "mediaType", default)]
    pub media_type: String,
    #[serde(default)]
    pub manifests: Option<Vec<Descriptor>>,
    #[serde(default)]
    pub config: Option<Descriptor>,
    #[serde(default)]
    pub layers: Option<Vec<Descriptor>>,
}

impl Document {
    /// Whether it is an index (by media type, else by its `manifests`).
    pub fn is_index(&self) -> bool {
        INDEX_TYPES.contains(&self.media_type.as_str())
            || (self.media_type.is_empty() && self.manifests.is_some())
    }
}

/// An image configuration: the platform, labels and the layers' diff ids.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Config {
    #[serde(default)]
    pub architecture: String,
    #[serde(default)]
    pub os: String,
    #[serde(default)]
    pub variant: Option<String>,
    #[serde(default)]
    pub config: Option<RunConfig>,
    #[serde(default)]
    pub rootfs: Option<RootFs>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct RunConfig {
    #[serde(rename = "Labels", default)]
    pub labels: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct RootFs {
    #[serde(default)]
    pub diff_ids: Vec<String>,
}

/// One image of a `docker save` `manifest.json`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct DockerImage {
    #[serde(rename = "Config", default)]
    pub config: String,
    #[serde(rename = "RepoTags", default)]
    pub repo_tags: Option<Vec<String>>,
    #[serde(rename = "Layers", default)]
    pub layers: Vec<String>,
}

/// A `sha256:<64 lower-case hex>` digest's hex, if it is one.
pub fn sha256_hex(digest: &str) -> Option<&str> {
    let hex = digest.strip_prefix("sha256:")?;
    (hex.len() == 64
        && hex
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
    .then_some(hex)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn either_kind_of_document_reads() {
        let index: Document = serde_json::from_str(
            r#"{"schemaVersion":2,"manifests":[{"mediaType":"x","digest":"sha256:ab","size":3,"platform":{"os":"linux","architecture":"amd64"}}]}"#,
        )
        .unwrap();
        assert!(index.is_index());
        let manifest: Document = serde_json::from_str(
            r#"{"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"digest":"sha256:cd","size":2},"layers":[]}"#,
        )
        .unwrap();
        assert!(!manifest.is_index());
        assert!(sha256_hex(&format!("sha256:{}", "a".repeat(64))).is_some());
        assert!(sha256_hex("sha256:../../x").is_none());
    }
}
