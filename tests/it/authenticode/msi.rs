//! MSI installers and their Authenticode signatures, one test per verdict
//! row: packages built by the test kit (the `msi` and `cab` crates, real
//! certificates, real CMS), judged by whole reviews. What the package
//! installs is listed as the manifest, its custom actions as
//! `package.scripts`.

use intake::engine::review::Review;
use intake::engine::shared::check::{CheckId, Status};
use intake::testkit::authenticode::{self as ac, Stamp};
use intake::testkit::layout::{FeedSpec, FileSpec};
use intake::testkit::msi::{self as msi_kit, MsiSpec};

use super::{PLATFORM, Parties, parties, says};
use crate::support::*;

pub(crate) const MSI_NAME: &str = "northwind-connector-4.2.1.msi";

/// A feed with one MSI artifact pinning `publishers` and `authorities`.
pub(crate) fn msi_feed(
    bytes: Vec<u8>,
    publishers: &[(&str, &str)],
    authorities: &[(&str, &str)],
) -> FeedSpec {
    let mut feed = one_artifact_feed(PLATFORM, MSI_NAME, bytes, None);
    feed.authenticode = publishers
        .iter()
        .map(|(n, pem)| FileSpec::new(n, pem.as_bytes().to_vec()))
        .collect();
    feed.timestamp_authorities = authorities
        .iter()
        .map(|(n, pem)| FileSpec::new(n, pem.as_bytes().to_vec()))
        .collect();
    feed
}

pub(crate) fn msi_review(p: &Parties, bytes: Vec<u8>) -> Review {
    review(&msi_feed(
        bytes,
        &[("vendor-ca.pem", &p.vendor.ca.cert_pem)],
        &[("tsa-ca.pem", &p.tsa.ca.cert_pem)],
    ))
}

pub(crate) fn unsigned() -> Vec<u8> {
    msi_kit::build(&MsiSpec::connector("4.2.1"))
}

#[test]
fn a_signed_timestamped_msi_passes_and_lists_what_it_installs() {
    let p = parties();
    let r = msi_review(&p, msi_kit::sign(&unsigned(), &p.vendor, Some(&p.stamp())));
    let s = assert_status(&r, CheckId::AuthenticodeSignature, Status::Pass);
    says(s, "signed by Northwind Health Systems");
    assert_eq!(
        s.evidence.get("file").map(String::as_str),
        Some("an MSI installer package")
    );
    assert_status(&r, CheckId::AuthenticodeTimestamp, Status::Pass);
    let paths: Vec<String> = r
        .manifest
        .iter()
        .map(|e| String::from_utf8_lossy(&e.path).into_owned())
        .collect();
    assert_eq!(
        paths,
        [
            "[ProgramFiles64Folder]/Northwind/Connector/bin/connector.exe",
            "[ProgramFiles64Folder]/Northwind/Connector/connector.ini"
        ],
        "{:#?}",
        r.manifest
    );
    eprintln!("{:#?}", r.checks);
}
