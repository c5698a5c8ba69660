//! The bundled sample releases (`sample-releases/`), made by the same
//! builders the tests use. Three feeds of the demo product, each with its
//! own product id (so approving a lesson never touches the demo product's
//! approval history or store feed):
//!
//! - `meridian/` (`meridian`): the genuine releases (the demo walk uses
//!   this one);
//! - `training/` (`meridian-training`): one release per lesson, each
//!   failing or warning one check the way a reviewer should learn to
//!   recognise;
//! - `stale-feed/` (`meridian-stale`): a feed whose own review date has
//!   passed;
//! - `agent/` (`meridian-agent`): the host agent as signed Debian
//!   packages, one release done right and one lesson per package check;
//! - `connector/` (`meridian-connector`): the Windows device connector as
//!   an Authenticode-signed `.exe`, done right and one lesson per way its
//!   signature goes wrong;
//! - `collector/` (`meridian-collector`): the log collector as signed RPM
//!   packages, likewise;
//! - `gateway/` (`meridian-gateway`): the FHIR gateway as a container
//!   image (an OCI layout folder pinned by digest, cosign-signed), likewise.
//!
//! The demo keys (secret halves included, marked as demo keys) live in
//! `demo-keys/` and are reused when present, so regenerating keeps the
//! fingerprints the feeds pin.

mod agent;
mod collector;
mod connector;
mod gateway;
mod lessons;
mod sbom;
mod training;

use std::fmt::Write as _;
use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result};
use sequoia_openpgp::Cert;
use sequoia_openpgp::types::ReasonForRevocation;
use sha2::Digest;

use super::archives::{self, Entry};
use super::keys::{self, KeySpec, SignSpec};
use super::layout::{FeedSpec, FileSpec, ReleaseSpec};
use super::ts;

pub use agent::AGENT_ID;
pub use collector::COLLECTOR_ID;
pub use connector::CONNECTOR_ID;
pub use gateway::GATEWAY_ID;
pub use lessons::{LESSONS, Lesson};
pub use training::TRAINING_ID;
use training::training_feed;

/// The stale feed's product id.
pub const STALE_ID: &str = "meridian-stale";

struct DemoKeys {
    release: Cert,
    release_2025: Cert,
    release_2024: Cert,
    build_bot: Cert,
}

/// Loads a demo key from `dir/<name>.secret.asc`, or makes and saves it.
fn demo_key(dir: &Path, name: &str, make: impl FnOnce() -> Result<Cert>) -> Result<Cert> {
    let path = dir.join(format!("{name}.secret.asc"));
    if path.is_file() {
        return keys::read_cert(&std::fs::read(&path)?)
            .with_context(|| format!("reading {}", path.display()));
    }
    let cert = make()?;
    std::fs::write(&path, keys::secret_armored_demo(&cert)?)?;
    Ok(cert)
}

fn load_keys(root: &Path) -> Result<DemoKeys> {
    let dir = root.join("demo-keys");
    std::fs::create_dir_all(&dir)?;
    let year = Duration::from_secs(365 * 24 * 3600);
    let release = demo_key(&dir, "northwind-release-2026", || {
        KeySpec::new(
            "Northwind Release Key 2026 (DEMO) <release@northwind.example>",
            ts("2025-06-01T00:00:00Z"),
        )
        .generate()
    })?;
    let release_2025 = demo_key(&dir, "northwind-release-2025", || {
        KeySpec::new(
            "Northwind Release Key 2025 (DEMO) <release@northwind.example>",
            ts("2025-01-01T00:00:00Z"),
        )
        .expires_after(year)
        .generate()
    })?;
    let release_2024 = demo_key(&dir, "northwind-release-2024", || {
        let key = KeySpec::new(
            "Northwind Release Key 2024 (DEMO) <release@northwind.example>",
            ts("2024-01-01T00:00:00Z"),
        )
        .generate()?;
        keys::revoke(
            &key,
            Some(ReasonForRevocation::KeyCompromised),
            ts("2026-02-01T00:00:00Z"),
        )
    })?;
    let build_bot = demo_key(&dir, "northwind-build-bot", || {
        KeySpec::new(
            "Northwind Build Bot (DEMO) <ci@northwind.example>",
            ts("2025-01-01T00:00:00Z"),
        )
        .generate()
    })?;
    signoff_keys(&dir)?;
    std::fs::write(dir.join("README.md"), DEMO_KEYS_README)?;
    Ok(DemoKeys {
        release,
        release_2025,
        release_2024,
        build_bot,
    })
}

const DEMO_KEYS_README: &str = "# Demo keys: never trust them

These secret keys are published on purpose so `cargo run --features testkit --bin make-samples` can
regenerate the sample releases with the same fingerprints. Anyone can sign with
them. Never pin them in a real feed.

`a.operator` and `b.approver` are the two people of the two-person approval
demo: the operator signs checklists (`signing_key`), the approver countersigns
them with `intake approve` (their own `signing_key`, on their own host). Each
has its secret key (`*.secret.asc`) and its public certificate (`*.asc`, for
`trusted_signers` and `[signers]`). Never trust them for real checklists.
";

/// The operator's and the approver's demo keys (the two-person approval
/// demo), each with its public certificate beside it.
fn signoff_keys(dir: &Path) -> Result<()> {
    for (name, user_id) in [
        (
            "a.operator",
            "A. Operator (DEMO) <a.operator@hospital.example>",
        ),
        (
            "b.approver",
            "B. Approver (DEMO) <b.approver@hospital.example>",
        ),
    ] {
        let cert = demo_key(dir, name, || {
            KeySpec::new(user_id, ts("2025-06-01T00:00:00Z")).generate()
        })?;
        std::fs::write(
            dir.join(format!("{name}.asc")),
            keys::public_armored(&cert)?,
        )?;
    }
    Ok(())
}

/// The files of one version of the demo product.
fn tree(version: &str, windows: bool) -> Vec<Entry> {
    let top = format!("meridian-{version}");
    let seed: u64 = version.bytes().map(u64::from).sum();
    let (binary, helper) = if windows {
        ("meridian.exe", "meridian-healthcheck.cmd")
    } else {
        ("meridian", "meridian-healthcheck")
    };
    vec![
        Entry::dir(&format!("{top}/")),
        Entry::dir(&format!("{top}/bin/")),
        Entry::file(
            &format!("{top}/bin/{binary}"),
            archives::noise(12_000, seed),
        )
        .mode(0o755),
        Entry::file(
            &format!("{top}/bin/{helper}"),
            format!("#!/bin/sh\n# Meridian {version} health check\nexec meridian --check\n"),
        )
        .mode(0o755),
        Entry::dir(&format!("{top}/conf/")),
        Entry::file(
            &format!("{top}/conf/meridian.toml"),
            format!(
                "# Meridian {version}\n[listen]\nhl7 = \"0.0.0.0:2575\"\nfhir = \"127.0.0.1:8080\"\n"
            ),
        ),
        Entry::file(
            &format!("{top}/conf/routes.toml"),
            "[[route]]\nfrom = \"ADT^A01\"\nto = \"ehr\"\n",
        ),
        Entry::file(
            &format!("{top}/README.md"),
            format!("Meridian Interface Engine {version} (demo build: not a real product)\n"),
        ),
        Entry::file(
            &format!("{top}/LICENSE"),
            "Demo material for intake. No rights reserved.\n",
        ),
    ]
}

/// A `## Contents:` table for an archive's files and links.
fn contents_section(file_name: &str, entries: &[Entry]) -> String {
    let mut s = format!("## Contents: {file_name}\n\n| path | size | sha256 |\n|---|---|---|\n");
    for e in entries {
        match &e.kind {
            archives::Kind::File(data) => {
                let sha = hex::encode(sha2::Sha256::digest(data));
                let _ = writeln!(s, "| {} | {} | {sha} |", e.path, data.len());
            }
            archives::Kind::Symlink(target) => {
                let sha = hex::encode(sha2::Sha256::digest(target.as_bytes()));
                let _ = writeln!(s, "| {} | | {sha} |", e.path);
            }
            archives::Kind::Dir => {}
        }
    }
    s.push('\n');
    s
}

/// A release of the demo product with the given platforms.
fn release(
    version: &str,
    date: &str,
    signer: &Cert,
    signed_at: &str,
    platforms: &[&str],
) -> Result<ReleaseSpec> {
    let mut files = Vec::new();
    let mut notes = format!(
        "# Meridian Interface Engine {version}\n\nReleased {date}. Demo release notes.\n\n## Fixes\n\n- HL7 ACK timeout no longer drops the message when the peer resets\n- TLS 1.3 session resumption for FHIR endpoints\n\n"
    );
    for platform in platforms {
        let windows = platform.starts_with("windows");
        let entries = tree(version, windows);
        let (name, bytes) = if windows {
            (
                format!("meridian-{version}-{platform}.zip"),
                archives::zip(&entries)?,
            )
        } else {
            (
                format!("meridian-{version}-{platform}.tar.gz"),
                archives::tar_gz(&entries)?,
            )
        };
        notes.push_str(&contents_section(&name, &entries));
        files.push((*platform, FileSpec::new(&name, bytes)));
    }
    let mut r = ReleaseSpec::signed(version, date, signer, ts(signed_at), files)?;
    r.notes = Some(FileSpec::new("RELEASE-NOTES.md", notes));
    Ok(r)
}

fn meridian_feed(k: &DemoKeys) -> Result<FeedSpec> {
    let mut feed = FeedSpec::pinning(&k.release)?;
    feed.certificates[0].name = "northwind-release-2026.asc".into();
    feed.also_pin("northwind-release-2025.asc", &k.release_2025)?;
    feed.expires = Some("2036-12-31".into());
    let newest = release(
        "4.2.1",
        "2026-03-02",
        &k.release,
        "2026-03-02T10:14:07Z",
        &["linux-x86_64", "windows-x86_64"],
    )?;
    feed.releases
        .push(sbom::with_sbom(newest, k, "2026-03-02T10:14:07Z")?);

    let older = release(
        "4.2.0",
        "2026-01-15",
        &k.release,
        "2026-01-15T09:00:00Z",
        &["linux-x86_64", "windows-x86_64"],
    )?;
    let mut older = sbom::with_sbom(older, k, "2026-01-15T09:00:00Z")?;
    let text = older.checksums.bytes.clone();
    older.checksums = FileSpec::new(
        "SHA256SUMS",
        keys::clearsign(&k.release, &text, SignSpec::at(ts("2026-01-15T09:00:00Z")))?,
    );
    older.checksums_signature = None;
    feed.releases.push(older);

    feed.releases.push(release(
        "4.1.7",
        "2025-11-30",
        &k.release_2025,
        "2025-11-30T16:30:00Z",
        &["linux-x86_64"],
    )?);
    Ok(feed)
}

fn stale_feed(k: &DemoKeys) -> Result<FeedSpec> {
    let mut feed = FeedSpec::pinning(&k.release)?;
    feed.id = STALE_ID.into();
    feed.certificates[0].name = "northwind-release-2026.asc".into();
    feed.expires = Some("2026-01-01".into());
    feed.releases.push(release(
        "4.2.1",
        "2026-03-02",
        &k.release,
        "2026-03-02T10:14:07Z",
        &["linux-x86_64"],
    )?);
    Ok(feed)
}

/// Writes every sample into `root` (keys reused when present).
pub fn generate(root: &Path) -> Result<()> {
    let k = load_keys(root)?;
    for (name, feed) in [
        ("meridian", meridian_feed(&k)?),
        ("training", training_feed(&k)?),
        ("stale-feed", stale_feed(&k)?),
        ("agent", agent::agent_feed(&k.release, &k.build_bot)?),
        (
            "collector",
            collector::collector_feed(&k.release, &k.build_bot)?,
        ),
        ("connector", connector::connector_feed(&k.release)?),
    ] {
        let dir = root.join(name);
        if dir.exists() {
            std::fs::remove_dir_all(&dir)?;
        }
        feed.write(&dir)?;
    }
    let gateway = root.join("gateway");
    if gateway.exists() {
        std::fs::remove_dir_all(&gateway)?;
    }
    gateway::write_gateway(root, &gateway, &k.release)?;
    std::fs::write(root.join("README.md"), readme())?;
    Ok(())
}

fn readme() -> String {
    let mut s = String::from(
        "# Sample releases\n\nDemo material for intake, made by `cargo run --features testkit --bin make-samples` from the same\nbuilders the tests use (`src/testkit/`). The product, vendor and keys are fictional;\nthe keys in `demo-keys/` are published on purpose and must never be trusted.\n\n| feed | release | platform | what it shows | check | status | exit |\n|---|---|---|---|---|---|---|\n",
    );
    for l in LESSONS {
        let _ = writeln!(
            s,
            "| {}/feed.toml | {} | {} | {} | `{}` | {} | {} |",
            l.feed,
            l.version,
            l.platform,
            l.what,
            l.check,
            l.status.to_uppercase(),
            l.exit
        );
    }
    s.push_str(
        "\nTry one:\n\n```\ncargo run --release -- verify sample-releases/training/feed.toml --release tampered \\\n    --platform linux-x86_64 --operator you --approver a.colleague\n```\n",
    );
    s
}
