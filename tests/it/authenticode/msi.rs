//! MSI installers and their Authenticode signatures, one test per verdict
//! row: packages built by the test kit (the `msi` and `cab` crates, real
//! certificates, real CMS), judged by whole reviews. What the package
//! installs is listed as the manifest, its custom actions as
//! `package.scripts`.

use intake::engine::review::Review;
use intake::engine::shared::check::{CheckId, Status};
use intake::testkit::authenticode as ac;
use intake::testkit::layout::{FeedSpec, FileSpec};
use intake::testkit::msi::{self as msi_kit, MsiSpec};
use sha2::{Digest, Sha256};

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
    says(
        assert_status(&r, CheckId::AuthenticodeTimestamp, Status::Pass),
        "signed at 2026-03-01T00:00:00Z",
    );
    let spec = MsiSpec::connector("4.2.1");
    let listed: Vec<(String, u64, String)> = r
        .manifest
        .iter()
        .map(|e| {
            (
                String::from_utf8_lossy(&e.path).into_owned(),
                e.size,
                e.sha256.clone(),
            )
        })
        .collect();
    let want: Vec<(String, u64, String)> = [
        (
            "[ProgramFiles64Folder]/Northwind/Connector/bin/connector.exe",
            0,
        ),
        (
            "[ProgramFiles64Folder]/Northwind/Connector/connector.ini",
            1,
        ),
    ]
    .iter()
    .map(|(path, i)| {
        let bytes = &spec.files[*i].bytes;
        (
            path.to_string(),
            bytes.len() as u64,
            hex::encode(Sha256::digest(bytes)),
        )
    })
    .collect();
    assert_eq!(listed, want);
    assert_status(&r, CheckId::ArchiveSafety, Status::Pass);
    says(
        assert_status(&r, CheckId::PackageIdentity, Status::Pass),
        "Northwind Connector 4.2.1",
    );
}

#[test]
fn custom_actions_that_run_code_are_scripts_each_with_source_target_and_text() {
    let p = parties();
    let r = msi_review(&p, msi_kit::sign(&unsigned(), &p.vendor, Some(&p.stamp())));
    let s = assert_status(&r, CheckId::PackageScripts, Status::Warn);
    says(s, "OpenFirewall (custom action type 38)");
    says(s, "RegisterService (custom action type 1)");
    let scripts = &r.package.as_ref().unwrap().scripts;
    let text = |i: usize| String::from_utf8_lossy(&scripts[i].text).into_owned();
    assert!(
        text(0).contains("runs VBScript written in the Target column"),
        "{}",
        text(0)
    );
    assert!(
        text(0).contains("netsh advfirewall firewall add rule"),
        "{}",
        text(0)
    );
    assert!(
        text(1).contains("a DLL entry point from the Binary table"),
        "{}",
        text(1)
    );
    assert!(
        text(1).contains("source: helper\ntarget: Register"),
        "{}",
        text(1)
    );
    assert_eq!(
        scripts[1].sha256,
        <[u8; 32]>::from(Sha256::digest(b"MZ helper dll"))
    );
}

#[test]
fn an_unsigned_msi_fails_when_the_feed_pins_a_publisher() {
    let p = parties();
    says(
        assert_status(
            &msi_review(&p, unsigned()),
            CheckId::AuthenticodeSignature,
            Status::Fail,
        ),
        "not signed, while the feed pins 1",
    );
    let r = review(&msi_feed(unsigned(), &[], &[]));
    assert_status(&r, CheckId::AuthenticodeSignature, Status::Skip);
}

#[test]
fn an_msi_signed_by_an_unpinned_publisher_fails_naming_it() {
    let p = parties();
    let stranger = ac::publisher("Contoso Ltd", (2025, 2028));
    let r = msi_review(&p, msi_kit::sign(&unsigned(), &stranger, Some(&p.stamp())));
    let s = assert_status(&r, CheckId::AuthenticodeSignature, Status::Fail);
    says(s, "signed by Contoso Ltd");
    says(s, "not pinned");
}

#[test]
fn a_stream_changed_after_signing_fails_as_a_digest_mismatch() {
    let p = parties();
    let signed = msi_kit::sign(&unsigned(), &p.vendor, Some(&p.stamp()));
    let r = msi_review(&p, msi_kit::tamper(&signed));
    says(
        assert_status(&r, CheckId::AuthenticodeSignature, Status::Fail),
        "digest mismatch",
    );
}

#[test]
fn an_expired_certificate_without_a_timestamp_fails() {
    let p = parties();
    let old = ac::publisher("Northwind Health Systems", (2021, 2024));
    let r = review(&msi_feed(
        msi_kit::sign(&unsigned(), &old, None),
        &[("ca.pem", &old.ca.cert_pem)],
        &[("tsa.pem", &p.tsa.ca.cert_pem)],
    ));
    says(
        assert_status(&r, CheckId::AuthenticodeSignature, Status::Fail),
        "no verified timestamp",
    );
    assert_status(&r, CheckId::AuthenticodeTimestamp, Status::Warn);
}

#[test]
fn data_appended_after_the_compound_file_fails_naming_its_offset() {
    let p = parties();
    let signed = msi_kit::sign(&unsigned(), &p.vendor, Some(&p.stamp()));
    let end = signed.len();
    let mut appended = signed.clone();
    appended.extend(b"MZ a second payload");
    let r = msi_review(&p, appended);
    let s = assert_status(&r, CheckId::AuthenticodeSignature, Status::Fail);
    says(
        s,
        &format!("19 bytes after the last sector of the compound file (offset {end})"),
    );
    // A whole sector appended is a sector no chain uses.
    let mut sector = signed;
    sector.extend(vec![0x41u8; 4096]);
    let r = msi_review(&p, sector);
    let s = assert_status(&r, CheckId::AuthenticodeSignature, Status::Fail);
    says(
        s,
        &format!("(offset {end}) that no stream, table or directory uses"),
    );
}

#[test]
fn a_release_whose_version_differs_from_the_product_version_fails_identity() {
    let p = parties();
    let other = msi_kit::build(&MsiSpec::connector("4.3.0"));
    let r = msi_review(&p, msi_kit::sign(&other, &p.vendor, Some(&p.stamp())));
    says(
        assert_status(&r, CheckId::PackageIdentity, Status::Fail),
        "the package is version 4.3.0, the feed's release is 4.2.1",
    );
}

#[test]
fn files_in_an_uncompressed_cabinet_are_hashed_alike() {
    let p = parties();
    let mut spec = MsiSpec::connector("4.2.1");
    spec.compression = cab::CompressionType::None;
    let r = msi_review(
        &p,
        msi_kit::sign(&msi_kit::build(&spec), &p.vendor, Some(&p.stamp())),
    );
    assert_status(&r, CheckId::AuthenticodeSignature, Status::Pass);
    assert_status(&r, CheckId::ArchiveSafety, Status::Pass);
    let digests: Vec<String> = r.manifest.iter().map(|e| e.sha256.clone()).collect();
    let want: Vec<String> = spec
        .files
        .iter()
        .map(|f| hex::encode(Sha256::digest(&f.bytes)))
        .collect();
    assert_eq!(digests, want);
}

/// A download has no file while the pass runs: the package is walked
/// from the downloaded copy once the pass has put it here, as a zip is.
#[test]
fn an_msi_that_arrives_over_the_network_is_walked_from_the_download() {
    use intake::testkit::server::{Body, Route, Server};
    let p = parties();
    let server = Server::start().unwrap();
    let bytes = msi_kit::sign(&unsigned(), &p.vendor, Some(&p.stamp()));
    let mut feed = msi_feed(
        bytes,
        &[("vendor-ca.pem", &p.vendor.ca.cert_pem)],
        &[("tsa-ca.pem", &p.tsa.ca.cert_pem)],
    );
    feed.sources = vec![("vendor".into(), server.url())];
    let release = feed.releases[0].clone();
    let w = write(&feed);
    let mut files = vec![&release.checksums];
    files.extend(release.checksums_signature.iter());
    for a in &release.artifacts {
        files.push(&a.file);
        files.extend(a.signature.iter());
    }
    for f in files {
        server.route(
            &format!("{}/{}", release.version, f.name),
            Route::new(Body::bytes(f.bytes.clone())),
        );
    }
    let feed = intake::engine::select::feed::Feed::load(&w.feed).unwrap();
    let trust = intake::engine::verify::signature::TrustStore::load(&feed).unwrap();
    let request = intake::engine::review::Request {
        version: "4.2.1".into(),
        platform: PLATFORM.into(),
        now: now(),
        fetch: Default::default(),
        limits: Default::default(),
        stage_dir: None,
        previous: intake::engine::select::rollback::Previous::None,
        approvals: Vec::new(),
        sbom_baseline: intake::engine::verify::sbom::Baseline::None("none".into()),
    };
    use intake::engine::shared::event::{Cancel, Quiet};
    let r =
        intake::engine::review::run(&feed, &trust, &request, &mut Quiet, &Cancel::new()).unwrap();
    says(
        assert_status(&r, CheckId::FetchSource, Status::Pass),
        "served by vendor",
    );
    assert_status(&r, CheckId::AuthenticodeSignature, Status::Pass);
    assert_eq!(r.manifest.len(), 2, "{:#?}", r.checks);
}

#[test]
fn hidden_bytes_are_named_as_the_compound_files() {
    let p = parties();
    let mut bytes = msi_kit::sign(&unsigned(), &p.vendor, Some(&p.stamp()));
    bytes.extend(b"hidden");
    let r = msi_review(&p, bytes);
    let s = assert_status(&r, CheckId::AuthenticodeSignature, Status::Fail);
    assert!(
        s.findings.iter().any(|f| f.subject == "(compound file)"),
        "{s:#?}"
    );
}

/// The walk reads a local package from its file on threads of its own;
/// the pass's stream of the same bytes is taken to its end meanwhile, so
/// the pass (the artifact's SHA-256) runs beside the walk, not after it.
#[test]
fn walking_a_local_package_takes_the_pass_stream_to_its_end() {
    use intake::engine::inspect::Limits;
    use intake::engine::inspect::walk::{Walked, walk_stream};
    use std::io::BufRead;

    let bytes = unsigned();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(MSI_NAME);
    std::fs::write(&path, &bytes).unwrap();
    let mut stream = std::io::Cursor::new(bytes.clone());
    let walked = walk_stream(
        &mut stream,
        Some(&path),
        Some(bytes.len() as u64),
        MSI_NAME,
        &Limits::default(),
    );
    let Walked::Done(report) = walked else {
        panic!("a local package is walked during the pass");
    };
    assert!(report.stopped.is_none(), "{:?}", report.stopped);
    assert!(!report.entries.is_empty());
    assert_eq!(stream.position(), bytes.len() as u64);
    assert!(stream.fill_buf().unwrap().is_empty());
}
