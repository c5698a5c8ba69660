//! `connector/` (`meridian-connector`): the demo product's Windows device
//! connector, shipped as an Authenticode-signed `.exe` (a minimal PE made
//! by the test kit, signed by a demo publisher whose CA the feed pins, and
//! timestamped by a demo authority it pins too). One release done right,
//! and one lesson per way an Authenticode signature goes wrong, each in a
//! channel of its own; and the connector as an MSI installer (4.2.2,
//! channel `msi`) with its own lesson. The demo publisher's certificates are made anew
//! each time the samples are generated; nothing else pins them.

use anyhow::Result;
use sequoia_openpgp::Cert;

use super::super::authenticode::{self as ac, Publisher, Stamp};
use super::super::layout::{FeedSpec, FileSpec, ReleaseSpec};
use super::super::{msi, pe, ts};

/// The connector feed's product id.
pub const CONNECTOR_ID: &str = "meridian-connector";

const SIGNED_AT: &str = "2026-03-02T10:14:07Z";
/// The same moment, in Unix seconds (the timestamp tokens' time).
const STAMPED_AT: i64 = 1_772_446_447;

/// A release of one `.exe`, in `channel`.
fn release(version: &str, channel: &str, bytes: Vec<u8>, k: &Cert) -> Result<ReleaseSpec> {
    release_of(
        version,
        channel,
        &format!("meridian-connector-{version}.exe"),
        bytes,
        k,
    )
}

/// A release of one file named `file`, in `channel`.
fn release_of(
    version: &str,
    channel: &str,
    file: &str,
    bytes: Vec<u8>,
    k: &Cert,
) -> Result<ReleaseSpec> {
    let mut r = ReleaseSpec::signed(
        version,
        "2026-03-02",
        k,
        ts(SIGNED_AT),
        vec![("windows-x86_64", FileSpec::new(file, bytes))],
    )?;
    r.channel = channel.into();
    Ok(r)
}

/// The connector feed: pins the release key (for SHA256SUMS), the demo
/// publisher's CA and the demo timestamp authority's.
pub(super) fn connector_feed(release_key: &Cert) -> Result<FeedSpec> {
    let vendor = ac::publisher("Northwind Health Systems (DEMO)", (2025, 2030));
    let tsa = ac::timestamp_authority("Demo Timestamping (DEMO)");
    let stamp = Stamp {
        authority: &tsa,
        time: STAMPED_AT,
    };
    let mut feed = FeedSpec::pinning(release_key)?;
    feed.id = CONNECTOR_ID.into();
    feed.name = "Meridian Device Connector".into();
    feed.certificates[0].name = "northwind-release-2026.asc".into();
    feed.expires = Some("2036-12-31".into());
    feed.authenticode = vec![FileSpec::new(
        "northwind-codesign-ca.pem",
        vendor.ca.cert_pem.clone(),
    )];
    feed.timestamp_authorities = vec![FileSpec::new("demo-tsa-ca.pem", tsa.ca.cert_pem.clone())];
    let image = pe::small(64);
    let good = ac::sign(&image, &vendor, Some(&stamp));
    let mut releases = vec![release("4.2.1", "stable", good.clone(), release_key)?];

    releases.push(release("unsigned", "unsigned", image.clone(), release_key)?);
    let stranger = ac::publisher("Contoso Ltd (DEMO)", (2025, 2030));
    releases.push(release(
        "unpinned",
        "unpinned",
        ac::sign(&image, &stranger, Some(&stamp)),
        release_key,
    )?);
    let mut tampered = good.clone();
    if let Some(b) = tampered.get_mut(pe::ALIGN + 8) {
        *b ^= 0x5a;
    }
    releases.push(release("tampered", "tampered", tampered, release_key)?);
    let expired = Publisher {
        signer: ac::identity(
            "Northwind Health Systems (DEMO) Code Signing 2021",
            "Northwind Health Systems (DEMO)",
            ac::Role::CodeSigning,
            (2021, 2024),
            Some(&vendor.ca),
        ),
        ca: ac::identity("unused (DEMO)", "unused", ac::Role::Ca, (2020, 2045), None),
    };
    releases.push(release(
        "expired",
        "expired",
        ac::sign(&image, &expired, None),
        release_key,
    )?);
    let mut padded = good;
    padded.extend_from_slice(b"#payload: appended after signing#");
    releases.push(release("padded", "padded", padded, release_key)?);
    releases.push(release(
        "no-timestamp",
        "no-timestamp",
        ac::sign(&image, &vendor, None),
        release_key,
    )?);
    msi_releases(&mut releases, &vendor, &stamp, release_key)?;
    feed.releases = releases;
    Ok(feed)
}

/// The connector as a Windows Installer package (4.2.2, channel `msi`):
/// signed and timestamped like the `.exe`, its files in an embedded MSZIP
/// cabinet, two custom actions that run code; and the same package with
/// data appended after the compound file (CVE-2020-1464 style).
fn msi_releases(
    releases: &mut Vec<ReleaseSpec>,
    vendor: &Publisher,
    stamp: &Stamp<'_>,
    release_key: &Cert,
) -> Result<()> {
    let package = msi::build(&msi::MsiSpec::connector("4.2.2"));
    let signed = msi::sign(&package, vendor, Some(stamp));
    let file = "meridian-connector-4.2.2.msi";
    releases.push(release_of(
        "4.2.2",
        "msi",
        file,
        signed.clone(),
        release_key,
    )?);
    let mut appended = signed;
    appended.extend_from_slice(b"#payload: appended after signing#");
    let file = "meridian-connector-msi-appended.msi";
    releases.push(release_of(
        "msi-appended",
        "msi-appended",
        file,
        appended,
        release_key,
    )?);
    Ok(())
}
