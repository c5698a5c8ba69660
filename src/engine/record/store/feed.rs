//! The store's own feed: the trust its releases were approved under
//! (`trust.rs`: the feed's pins less any key revoked as compromised), the
//! store folder as the only source, and every release artifact the store
//! holds, so the store is a ready source for
//! `intake verify <store>/<id>/feed.toml`.

use std::path::Path;

use serde::Serialize;

use crate::engine::record::checklist::toml_datetime;
use crate::engine::select::feed::{Artifact, Feed, Release};
use crate::engine::shared::error::{Error, Result};

use super::trust::StorePins;

#[derive(Serialize)]
struct StoreFeed {
    product: StoreProduct,
    trust: StoreTrust,
    source: Vec<StoreSource>,
    release: Vec<StoreRelease>,
}

#[derive(Serialize)]
struct StoreProduct {
    name: String,
    vendor: String,
    id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    package: Option<String>,
}

/// The certificate files copied into the store, relative to its feed.
pub(super) struct StoredCertificates {
    pub openpgp: Vec<String>,
    pub authenticode: Vec<String>,
    pub timestamp_authorities: Vec<String>,
    pub cosign_keys: Vec<String>,
}

#[derive(Serialize)]
struct StoreTrust {
    certificates: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    authenticode: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    timestamp_authorities: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    cosign_keys: Vec<String>,
    fingerprints: Vec<String>,
    signatures: &'static str,
    threshold: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    expires: Option<toml::value::Datetime>,
}

#[derive(Serialize)]
struct StoreSource {
    name: &'static str,
    url: &'static str,
}

#[derive(Serialize, Clone)]
struct StoreRelease {
    version: String,
    date: toml::value::Datetime,
    channel: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    notes: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    checksums: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    checksums_signature: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    index: Option<String>,
    artifact: Vec<StoreArtifact>,
}

#[derive(Serialize, Clone)]
struct StoreArtifact {
    platform: String,
    file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    signature: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    size: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    package: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    arch: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sbom: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sbom_signature: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    digest: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    bundle: Option<String>,
}

fn date(d: jiff::civil::Date) -> toml::value::Datetime {
    d.to_string()
        .parse()
        .unwrap_or(toml_datetime(jiff::Timestamp::UNIX_EPOCH))
}

fn release_entry(
    release: &Release,
    artifacts: Vec<StoreArtifact>,
    present: impl Fn(&str) -> bool,
) -> StoreRelease {
    StoreRelease {
        version: release.version.clone(),
        date: date(release.date),
        channel: release.channel.clone(),
        notes: release
            .notes
            .as_ref()
            .map(|n| n.value.clone())
            .filter(|p| present(p)),
        checksums: release.checksums.as_ref().map(|c| c.value.clone()),
        checksums_signature: release
            .checksums_signature
            .as_ref()
            .map(|n| n.value.clone())
            .filter(|p| present(p)),
        index: release
            .index
            .as_ref()
            .map(|n| n.value.clone())
            .filter(|p| present(p)),
        artifact: artifacts,
    }
}

fn artifact_entry(a: &Artifact, present: impl Fn(&str) -> bool) -> StoreArtifact {
    StoreArtifact {
        platform: a.platform.clone(),
        file: a.file.value.clone(),
        signature: a
            .signature
            .as_ref()
            .map(|s| s.value.clone())
            .filter(|p| present(p)),
        size: a.size,
        package: a.package.clone(),
        arch: a.arch.clone(),
        sbom: a
            .sbom
            .as_ref()
            .map(|s| s.file.value.clone())
            .filter(|p| present(p)),
        sbom_signature: a
            .sbom
            .as_ref()
            .and_then(|s| s.signature.as_ref())
            .map(|s| s.value.clone())
            .filter(|p| present(p)),
        digest: a.digest.clone(),
        bundle: a
            .bundle
            .as_ref()
            .map(|b| b.value.clone())
            .filter(|p| present(p)),
    }
}

/// The store feed: the current trust, the store as the only source, and
/// every release artifact the store holds (this one included).
pub(super) fn store_feed(
    feed: &Feed,
    pins: &StorePins,
    certs: &StoredCertificates,
    (release, artifact): (&Release, &Artifact),
    path: &Path,
) -> Result<String> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let present = |p: &str| dir.join(p).is_file();
    let mut releases = earlier_releases(path, release, artifact, present)?;
    let this = artifact_entry(artifact, present);
    match releases.iter_mut().find(|r| r.version == release.version) {
        Some(r) => r.artifact.push(this),
        None => releases.push(release_entry(release, vec![this], present)),
    }
    let store = StoreFeed {
        product: StoreProduct {
            name: feed.product.name.clone(),
            vendor: feed.product.vendor.clone(),
            id: feed.product.id.clone(),
            package: feed.product.package.clone(),
        },
        trust: StoreTrust {
            certificates: certs.openpgp.clone(),
            authenticode: certs.authenticode.clone(),
            timestamp_authorities: certs.timestamp_authorities.clone(),
            cosign_keys: certs.cosign_keys.clone(),
            fingerprints: pins.fingerprints.clone(),
            signatures: if pins.required {
                "required"
            } else {
                "optional"
            },
            threshold: pins.threshold,
            expires: feed.trust.expires.map(date),
        },
        source: vec![StoreSource {
            name: "store",
            url: ".",
        }],
        release: releases,
    };
    let text = toml::to_string(&store)
        .map_err(|e| Error::file(path, format!("could not write the store feed: {e}")))?;
    Ok(format!(
        "# The local store of {} ({}): approved releases only, verified by intake.\n# Its only source is this folder.\n\n{text}",
        feed.product.name, feed.product.id
    ))
}

/// The releases the store feed at `path` already lists, with the artifacts
/// still in the store (less the one being placed, which is listed anew).
/// A store feed that cannot be read is kept aside, never silently dropped.
fn earlier_releases(
    path: &Path,
    release: &Release,
    artifact: &Artifact,
    present: impl Fn(&str) -> bool + Copy,
) -> Result<Vec<StoreRelease>> {
    let mut releases: Vec<StoreRelease> = Vec::new();
    if !path.is_file() {
        return Ok(releases);
    }
    match Feed::load(path) {
        Ok(old) => {
            for r in &old.releases {
                let arts: Vec<StoreArtifact> = r
                    .artifacts
                    .iter()
                    .filter(|a| !(r.version == release.version && a.platform == artifact.platform))
                    .filter(|a| present(&a.file.value))
                    .map(|a| artifact_entry(a, present))
                    .collect();
                if !arts.is_empty() {
                    releases.push(release_entry(r, arts, present));
                }
            }
        }
        Err(_) => {
            let aside = path.with_extension(format!(
                "toml.unreadable-{}",
                jiff::Timestamp::now().as_second()
            ));
            std::fs::rename(path, &aside).map_err(|e| Error::io(path, &e))?;
        }
    }
    Ok(releases)
}
