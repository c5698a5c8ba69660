//! `gateway/` (`meridian-gateway`): the demo product's FHIR gateway,
//! shipped as a container image on media: an OCI image layout folder for
//! linux/amd64 and linux/arm64, pinned by its index digest and signed the
//! cosign way with the demo cosign key. One release done right, and one
//! lesson per way an image goes wrong, each in a channel of its own. (A
//! feed naming only a tag is refused as a whole, so that lesson is a test,
//! not a sample.)

use std::path::Path;

use anyhow::Result;
use base64::Engine;
use sequoia_openpgp::Cert;

use super::super::archives::{Entry, Kind};
use super::super::layout::FeedSpec;
use super::super::oci::{CosignTestKey, ImageSpec, Layout};
use super::super::oci_feed::{ImageRelease, Shipped, finish};
use super::super::ts;

/// The gateway feed's product id.
pub const GATEWAY_ID: &str = "meridian-gateway";

const SIGNED_AT: &str = "2026-03-02T10:14:07Z";

/// The demo cosign key, kept (secret half, base64 PKCS#8) in `demo-keys/`.
fn cosign_key(root: &Path) -> Result<CosignTestKey> {
    let path = root.join("demo-keys/northwind-cosign-2026.secret.p8.b64");
    let b64 = base64::engine::general_purpose::STANDARD;
    if path.is_file() {
        let text = std::fs::read_to_string(&path)?;
        return Ok(CosignTestKey::p256_from_pkcs8(b64.decode(text.trim())?));
    }
    let key = CosignTestKey::p256()?;
    std::fs::write(&path, b64.encode(key.pkcs8()))?;
    Ok(key)
}

/// Release notes declaring every file of the amd64 image's layers, by
/// their manifest names (`layer-<n>/<path>`).
fn notes(version: &str, name: &str, spec: &ImageSpec) -> String {
    use sha2::Digest;
    let mut t = format!(
        "# Meridian FHIR gateway {version}\n\nDemo release notes.\n\n## Contents: {name}\n\n| path | size | sha256 |\n|---|---|---|\n"
    );
    let amd64 = spec
        .platforms
        .first()
        .map(|p| p.layers.as_slice())
        .unwrap_or_default();
    for (i, layer) in amd64.iter().enumerate() {
        for e in layer {
            if let Kind::File(data) = &e.kind {
                let sha = hex::encode(sha2::Sha256::digest(data));
                t.push_str(&format!(
                    "| layer-{}/{} | {} | {sha} |\n",
                    i + 1,
                    e.path,
                    data.len()
                ));
            }
        }
    }
    t
}

fn image_release(version: &str, channel: &str, layout: &Layout, spec: &ImageSpec) -> ImageRelease {
    let name = format!("meridian-gateway-{version}.oci");
    ImageRelease {
        version: version.into(),
        channel: channel.into(),
        platform: "linux-x86_64".into(),
        notes: Some(notes(version, &name, spec)),
        shipped: Shipped::Folder(name, layout.files()),
        digest: Some(layout.pinned.clone()),
        tag: Some(version.into()),
        bundle: None,
    }
}

/// Builds, signs with `key` (when given), and releases.
fn signed(
    version: &str,
    channel: &str,
    spec: &ImageSpec,
    key: Option<&CosignTestKey>,
) -> Result<(Layout, ImageRelease)> {
    let mut spec = spec.clone();
    spec.labels = vec![
        ("org.opencontainers.image.version".into(), version.into()),
        ("org.opencontainers.image.title".into(), GATEWAY_ID.into()),
    ];
    let mut layout = spec.build()?;
    if let Some(key) = key {
        let pinned = layout.pinned.clone();
        layout.sign(key, &pinned);
    }
    let release = image_release(version, channel, &layout, &spec);
    Ok((layout, release))
}

/// The lessons' images.
fn releases(key: &CosignTestKey) -> Result<Vec<ImageRelease>> {
    let spec = ImageSpec::meridian();
    let (_, good) = signed("4.2.1", "stable", &spec, Some(key))?;

    // A layer changed on the media; the manifest that names it is intact.
    let (mut layout, _) = signed("4.2.2", "tampered", &spec, Some(key))?;
    let layer = layout.platforms[0].layers[1].clone();
    if let Some(bytes) = layout.blobs.get_mut(&layer) {
        let at = bytes.len().saturating_sub(12);
        if let Some(b) = bytes.get_mut(at) {
            *b ^= 0x55;
        }
    }
    let tampered = image_release("4.2.2", "tampered", &layout, &spec);

    // The amd64 config missing from the media.
    let (mut layout, _) = signed("4.2.3", "incomplete", &spec, Some(key))?;
    let config = layout.platforms[0].config.clone();
    layout.blobs.remove(&config);
    let missing = image_release("4.2.3", "incomplete", &layout, &spec);

    // An arm64-only image offered for linux-x86_64.
    let mut arm = spec.clone();
    arm.platforms.retain(|p| p.architecture == "arm64");
    let (_, wrong_platform) = signed("4.2.4", "arm-build", &arm, Some(key))?;

    // Signed by a key nobody pinned.
    let stranger = CosignTestKey::p256()?;
    let (_, unpinned) = signed("4.2.5", "build-bot", &spec, Some(&stranger))?;

    // A setuid shell and a link to /etc/shadow that climbs out of the root.
    let mut rooted = spec.clone();
    rooted.platforms.truncate(1);
    rooted.platforms[0].layers.push(vec![
        Entry::dir("usr/local/bin/"),
        Entry::file("usr/local/bin/rootsh", "#!/bin/sh\nexec /bin/sh -p\n").mode(0o4755),
        Entry::symlink("usr/local/bin/shadow", "../../../../etc/shadow"),
    ]);
    let (_, unsafe_layer) = signed("4.3.0-rc1", "preview", &rooted, Some(key))?;
    Ok(vec![
        good,
        tampered,
        missing,
        wrong_platform,
        unpinned,
        unsafe_layer,
    ])
}

/// Writes the gateway feed into `dir`.
pub(super) fn write_gateway(root: &Path, dir: &Path, release_key: &Cert) -> Result<()> {
    let key = cosign_key(root)?;
    let releases = releases(&key)?;
    let mut feed = FeedSpec::pinning(release_key)?;
    feed.id = GATEWAY_ID.into();
    feed.name = "Meridian FHIR Gateway".into();
    feed.certificates[0].name = "northwind-release-2026.asc".into();
    feed.expires = Some("2036-12-31".into());
    for r in &releases {
        feed.releases.push(r.spec(release_key, ts(SIGNED_AT))?);
    }
    let path = feed.write(dir)?;
    finish(
        dir,
        &path,
        &releases,
        &[("northwind-cosign-2026.pub".into(), key.public_pem())],
    )
}
