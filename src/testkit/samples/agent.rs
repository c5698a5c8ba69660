//! `agent/` (`meridian-agent`): the demo product's host agent, shipped as a
//! Debian package signed with debsigs. One release done right, and one
//! lesson per package check, each in a channel of its own so none is
//! "older than the newest".

use anyhow::Result;
use sequoia_openpgp::Cert;
use sha2::Digest;

use super::super::deb::{DataEntry, DebSpec, Md5sums};
use super::super::keys::SignSpec;
use super::super::layout::{FeedSpec, FileSpec, ReleaseSpec};
use super::super::{archives, ts};

/// The agent feed's product id (also its package name).
pub const AGENT_ID: &str = "meridian-agent";

const SIGNED_AT: &str = "2026-03-02T10:14:07Z";

/// The agent package of `version` (a Debian version), no scripts.
fn package(version: &str) -> DebSpec {
    let mut s = DebSpec::new(AGENT_ID, version, "amd64");
    let seed: u64 = version.bytes().map(u64::from).sum();
    s.data = vec![
        DataEntry::Dir("./".into()),
        DataEntry::Dir("./etc/".into()),
        DataEntry::Dir("./etc/meridian-agent/".into()),
        DataEntry::File(
            "./etc/meridian-agent/agent.toml".into(),
            0o644,
            b"[upstream]\nengine = \"https://meridian.hospital.example:8443\"\n".to_vec(),
        ),
        DataEntry::Dir("./usr/".into()),
        DataEntry::Dir("./usr/bin/".into()),
        DataEntry::File(
            "./usr/bin/meridian-agent".into(),
            0o755,
            archives::noise(9_000, seed),
        ),
        DataEntry::Dir("./usr/share/".into()),
        DataEntry::Dir("./usr/share/doc/".into()),
        DataEntry::Dir("./usr/share/doc/meridian-agent/".into()),
        DataEntry::File(
            "./usr/share/doc/meridian-agent/README".into(),
            0o644,
            format!("Meridian host agent {version} (demo build: not a real product)\n")
                .into_bytes(),
        ),
    ];
    s
}

/// Release notes declaring every file of the package.
fn notes(version: &str, file: &str, s: &DebSpec) -> String {
    let mut t = format!(
        "# Meridian host agent {version}\n\nDemo release notes.\n\n## Contents: {file}\n\n| path | size | sha256 |\n|---|---|---|\n"
    );
    for e in &s.data {
        if let DataEntry::File(path, _, data) = e {
            let sha = hex::encode(sha2::Sha256::digest(data));
            t.push_str(&format!(
                "| {} | {} | {sha} |\n",
                path.trim_start_matches('.'),
                data.len()
            ));
        }
    }
    t
}

/// A signed release of one package, in `channel`.
fn release(
    version: &str,
    channel: &str,
    s: &DebSpec,
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

/// The agent feed: pins the 2026 release key, which also signs the
/// packages; the build bot's key is not pinned.
pub(super) fn agent_feed(release_key: &Cert, build_bot: &Cert) -> Result<FeedSpec> {
    let mut feed = FeedSpec::pinning(release_key)?;
    feed.id = AGENT_ID.into();
    feed.name = "Meridian Host Agent".into();
    feed.certificates[0].name = "northwind-release-2026.asc".into();
    feed.expires = Some("2036-12-31".into());
    let spec = SignSpec::at(ts(SIGNED_AT));

    let good = package("4.2.1-1");
    let bytes = good.signed(release_key, spec)?;
    feed.releases
        .push(release("4.2.1", "stable", &good, bytes, release_key)?);

    let scripted = package("4.3.0~rc1-1").script(
        "postinst",
        "#!/bin/sh\nset -e\n# Fetch the latest plug-ins at install time.\ncurl -fsSL https://plugins.northwind.example/install.sh | sh\nsystemctl enable --now meridian-agent\n",
    );
    let bytes = scripted.signed(release_key, spec)?;
    feed.releases.push(release(
        "4.3.0~rc1",
        "preview",
        &scripted,
        bytes,
        release_key,
    )?);

    // The binary changed after the package (and its md5sums) were built.
    let mut altered = package("4.2.2-1");
    let listed = altered.md5sums_text().unwrap_or_default();
    if let Some(DataEntry::File(_, _, data)) = altered.data.get_mut(6) {
        data.extend_from_slice(b"\x90\x90");
    }
    altered.md5sums = Md5sums::Given(listed);
    let bytes = altered.build()?;
    feed.releases
        .push(release("4.2.2", "hotfix", &altered, bytes, release_key)?);
    more_lessons(&mut feed, release_key, build_bot)?;
    Ok(feed)
}

/// Unsigned everywhere, signed by an unpinned key, built for another
/// architecture.
fn more_lessons(feed: &mut FeedSpec, release_key: &Cert, build_bot: &Cert) -> Result<()> {
    let spec = SignSpec::at(ts(SIGNED_AT));
    let unsigned = package("4.2.3-1");
    let mut r = release(
        "4.2.3",
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
    let bot = package("4.2.4-1");
    let bytes = bot.signed(build_bot, spec)?;
    feed.releases
        .push(release("4.2.4", "build-bot", &bot, bytes, release_key)?);
    let mut arm = package("4.2.5-1");
    arm.architecture = "arm64".into();
    let bytes = arm.signed(release_key, spec)?;
    feed.releases
        .push(release("4.2.5", "arm-build", &arm, bytes, release_key)?);
    Ok(())
}
