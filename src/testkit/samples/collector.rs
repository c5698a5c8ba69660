//! `collector/` (`meridian-collector`): the demo product's log collector,
//! shipped as an RPM package signed in its header by the release key. One
//! release done right, and one lesson per way an RPM goes wrong, each in a
//! channel of its own so none is "older than the newest".

use anyhow::Result;
use sequoia_openpgp::Cert;
use sha2::Digest;

use super::super::keys::SignSpec;
use super::super::layout::{FeedSpec, FileSpec, ReleaseSpec};
use super::super::rpm::{RpmFile, RpmSpec};
use super::super::{archives, ts};
use crate::engine::inspect::rpm::tags;

/// The collector feed's product id (also its package name).
pub const COLLECTOR_ID: &str = "meridian-collector";

const SIGNED_AT: &str = "2026-03-02T10:14:07Z";

/// The collector package of `version` for `arch`, no scriptlets.
fn package(version: &str, arch: &str) -> RpmSpec {
    let mut s = RpmSpec::new(COLLECTOR_ID, version, "1.el9", arch);
    let seed: u64 = version.bytes().map(u64::from).sum();
    s.files = vec![
        RpmFile::Dir("/etc/meridian-collector".into()),
        RpmFile::File(
            "/etc/meridian-collector/collector.toml".into(),
            0o644,
            b"[upstream]\nengine = \"https://meridian.hospital.example:8443\"\n".to_vec(),
        ),
        RpmFile::File(
            "/usr/bin/meridian-collector".into(),
            0o755,
            archives::noise(9_000, seed),
        ),
        RpmFile::Dir("/usr/share/doc/meridian-collector".into()),
        RpmFile::File(
            "/usr/share/doc/meridian-collector/README".into(),
            0o644,
            format!("Meridian log collector {version} (demo build: not a real product)\n")
                .into_bytes(),
        ),
        RpmFile::Ghost("/var/log/meridian-collector.log".into()),
    ];
    s
}

/// Release notes declaring every file of the package.
fn notes(version: &str, file: &str, s: &RpmSpec) -> String {
    let mut t = format!(
        "# Meridian log collector {version}\n\nDemo release notes.\n\n## Contents: {file}\n\n| path | size | sha256 |\n|---|---|---|\n"
    );
    for f in &s.files {
        if let RpmFile::File(path, _, data) = f {
            let sha = hex::encode(sha2::Sha256::digest(data));
            t.push_str(&format!("| {path} | {} | {sha} |\n", data.len()));
        }
    }
    t
}

/// A release of one package, in `channel`, its SHA256SUMS signed.
fn release(
    version: &str,
    channel: &str,
    s: &RpmSpec,
    bytes: Vec<u8>,
    k: &Cert,
) -> Result<ReleaseSpec> {
    let file = s.file_name();
    let mut r = ReleaseSpec::signed(
        version,
        "2026-03-02",
        k,
        ts(SIGNED_AT),
        vec![("linux-x86_64", FileSpec::new(&file, bytes))],
    )?;
    r.channel = channel.into();
    r.notes = Some(FileSpec::new("RELEASE-NOTES.md", notes(version, &file, s)));
    Ok(r)
}

/// The collector feed: pins the 2026 release key, which also signs the
/// packages; the build bot's key is not pinned.
pub(super) fn collector_feed(release_key: &Cert, build_bot: &Cert) -> Result<FeedSpec> {
    let mut feed = FeedSpec::pinning(release_key)?;
    feed.id = COLLECTOR_ID.into();
    feed.name = "Meridian Log Collector".into();
    feed.certificates[0].name = "northwind-release-2026.asc".into();
    feed.expires = Some("2036-12-31".into());
    let spec = SignSpec::at(ts(SIGNED_AT));
    let x86 = "x86_64";

    let good = package("4.2.1", x86);
    let bytes = good.signed(release_key, spec)?;
    feed.releases
        .push(release("4.2.1", "stable", &good, bytes, release_key)?);

    // No signature anywhere: not in the package, not on its checksums.
    let unsigned = package("4.2.2", x86);
    let mut r = release(
        "4.2.2",
        "unsigned",
        &unsigned,
        unsigned.build()?,
        release_key,
    )?;
    r.checksums_signature = None;
    for a in &mut r.artifacts {
        a.signature = None;
    }
    feed.releases.push(r);

    let bot = package("4.2.3", x86);
    let bytes = bot.signed(build_bot, spec)?;
    feed.releases
        .push(release("4.2.3", "build-bot", &bot, bytes, release_key)?);

    // The payload swapped after signing: the signed header still lists
    // the old payload's digest and files.
    let tampered = package("4.2.4", x86);
    let signed = tampered.signed(release_key, spec)?;
    let mut other = tampered.clone();
    if let Some(RpmFile::File(_, _, data)) = other.files.get_mut(2) {
        data.extend_from_slice(b"\x90\x90");
    }
    let cut = signed.len().saturating_sub(tampered.payload()?.len());
    let mut bytes = signed.get(..cut).unwrap_or_default().to_vec();
    bytes.extend_from_slice(&other.payload()?);
    feed.releases
        .push(release("4.2.4", "hotfix", &tampered, bytes, release_key)?);

    let arm = package("4.2.5", "aarch64");
    let bytes = arm.signed(release_key, spec)?;
    feed.releases
        .push(release("4.2.5", "arm-build", &arm, bytes, release_key)?);

    let scripted = package("4.3.0~rc1", x86).script(
        tags::POSTIN,
        "# Fetch the latest parsers at install time.\ncurl -fsSL https://parsers.northwind.example/install.sh | sh\nsystemctl enable --now meridian-collector\n",
    );
    let bytes = scripted.signed(release_key, spec)?;
    feed.releases.push(release(
        "4.3.0~rc1",
        "preview",
        &scripted,
        bytes,
        release_key,
    )?);
    Ok(feed)
}
