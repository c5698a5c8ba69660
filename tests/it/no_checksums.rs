//! A release may leave out its checksum file when the artifact carries
//! its own signed digests (SPEC): a signed RPM, a PE or MSI with
//! Authenticode, an image pinned by `digest`. `checksum.sha256` is then
//! `skip`, naming what covers the bytes; without such evidence it fails.

use std::path::{Path, PathBuf};

use intake::engine::review::Review;
use intake::engine::shared::check::{CheckId, Status};
use intake::testkit::archives::{self, Entry};
use intake::testkit::keys::SignSpec;
use intake::testkit::layout::FeedSpec;
use intake::testkit::oci_feed::ImageFeed;

use crate::authenticode::msi::{msi_feed, unsigned as unsigned_msi};
use crate::authenticode::parties;
use crate::support::*;

/// Takes the `checksums` and `checksums_signature` lines out of a feed.
fn without_checksums(feed: &Path) {
    let text = std::fs::read_to_string(feed).unwrap();
    let kept: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with("checksums = ") && !l.starts_with("checksums_signature = "))
        .collect();
    assert!(
        kept.len() < text.lines().count(),
        "no checksums line in {text}"
    );
    std::fs::write(feed, kept.join("\n")).unwrap();
}

fn written_without_checksums(spec: &FeedSpec) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let feed = spec.write(dir.path()).unwrap();
    without_checksums(&feed);
    (dir, feed)
}

fn review_without_checksums(spec: &FeedSpec) -> Review {
    let (_dir, feed) = written_without_checksums(spec);
    let r = &spec.releases[0];
    try_review_at(&feed, &r.version, &r.artifacts[0].platform, now()).unwrap()
}

#[track_caller]
fn says(r: &Review, id: CheckId, status: Status, words: &str) {
    let c = assert_status(r, id, status);
    assert!(c.summary.contains(words), "{id}: {c:#?}");
}

#[test]
fn a_signed_rpm_needs_no_checksum_file() {
    let s = crate::rpm::spec();
    let bytes = s.signed(vendor(), SignSpec::at(signed())).unwrap();
    let feed = one_artifact_feed("linux-x86_64", crate::rpm::NAME, bytes.clone(), None);
    let r = review_without_checksums(&feed);
    says(
        &r,
        CheckId::ChecksumSha256,
        Status::Skip,
        "covered by the package's own signature",
    );
    let c = check(&r, CheckId::ChecksumSha256);
    assert_eq!(
        c.evidence["actual"],
        hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&bytes))
    );
    assert_status(&r, CheckId::SignatureChecksums, Status::Skip);
    assert_status(&r, CheckId::PackageSignature, Status::Pass);
    assert_eq!(r.inputs.checksums, None);
}

#[test]
fn an_unsigned_rpm_without_a_checksum_file_fails() {
    let s = crate::rpm::spec();
    let feed = one_artifact_feed("linux-x86_64", crate::rpm::NAME, s.build().unwrap(), None);
    let r = review_without_checksums(&feed);
    says(
        &r,
        CheckId::ChecksumSha256,
        Status::Fail,
        "names no checksum file",
    );
}

/// A feed of one plain tarball (nothing signed inside it).
fn tarball_feed() -> FeedSpec {
    let bytes = archives::tar_gz(&[Entry::file("app/bin/run", "#!/bin/sh\n")]).unwrap();
    one_artifact_feed("linux-x86_64", "app-4.2.1.tar.gz", bytes, None)
}

#[test]
fn a_tarball_without_a_checksum_file_fails() {
    let r = review_without_checksums(&tarball_feed());
    says(
        &r,
        CheckId::ChecksumSha256,
        Status::Fail,
        "nothing signed inside the artifact covers its bytes",
    );
}

#[test]
fn an_msi_with_a_good_authenticode_signature_needs_no_checksum_file() {
    let p = parties();
    let signed_msi = intake::testkit::msi::sign(&unsigned_msi(), &p.vendor, Some(&p.stamp()));
    let pins = [("vendor-ca.pem", p.vendor.ca.cert_pem.as_str())];
    let stamps = [("tsa-ca.pem", p.tsa.ca.cert_pem.as_str())];
    let r = review_without_checksums(&msi_feed(signed_msi, &pins, &stamps));
    says(
        &r,
        CheckId::ChecksumSha256,
        Status::Skip,
        "covered by its Authenticode signature",
    );
    assert_status(&r, CheckId::AuthenticodeSignature, Status::Pass);
    // Unsigned, nothing covers it.
    let r = review_without_checksums(&msi_feed(unsigned_msi(), &pins, &stamps));
    says(
        &r,
        CheckId::ChecksumSha256,
        Status::Fail,
        "names no checksum file",
    );
}

#[test]
fn an_image_pinned_by_digest_needs_no_checksum_file() {
    let image = crate::oci::layout();
    let pinned = image.pinned.clone();
    let feed = ImageFeed::tar("meridian-4.2.1.oci.tar", image.tar().unwrap(), &pinned);
    let dir = tempfile::tempdir().unwrap();
    let path = feed.write(dir.path(), vendor(), signed()).unwrap();
    without_checksums(&path);
    let r = try_review_at(&path, "4.2.1", &feed.platform, now()).unwrap();
    says(
        &r,
        CheckId::ChecksumSha256,
        Status::Skip,
        "the release names no checksum file; its bytes are covered by the pinned digest",
    );
    assert_status(&r, CheckId::ImageDigest, Status::Pass);
}

#[test]
fn a_checksum_signature_without_its_checksum_file_is_a_malformed_feed() {
    let dir = tempfile::tempdir().unwrap();
    let feed = tarball_feed().write(dir.path()).unwrap();
    let text = std::fs::read_to_string(&feed).unwrap();
    let text: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with("checksums = "))
        .collect();
    std::fs::write(&feed, text.join("\n")).unwrap();
    let e = try_review_at(&feed, "4.2.1", "linux-x86_64", now()).unwrap_err();
    assert!(
        e.to_string()
            .contains("names `checksums_signature` but no `checksums` file"),
        "{e}"
    );
}

#[test]
fn the_checklist_of_a_release_without_a_checksum_file_says_so() {
    let s = crate::rpm::spec();
    let bytes = s.signed(vendor(), SignSpec::at(signed())).unwrap();
    let spec = one_artifact_feed("linux-x86_64", crate::rpm::NAME, bytes, None);
    let (_dir, feed) = written_without_checksums(&spec);
    let out = tempfile::tempdir().unwrap();
    let run = intake_bin()
        .args([
            "verify",
            feed.to_str().unwrap(),
            "--release",
            "4.2.1",
            "--platform",
            "linux-x86_64",
        ])
        .args([
            "--operator",
            "a",
            "--approver",
            "b",
            "--no-store",
            "--checklist-dir",
        ])
        .arg(out.path())
        .args(["--waive", "archive.contents=no release notes in this test"])
        .args(["--waive", "package.scripts=the test package's scriptlets"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert_eq!(
        run.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let md = std::fs::read_dir(out.path())
        .unwrap()
        .filter_map(Result::ok)
        .find(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .unwrap();
    assert!(
        md.contains("- checksums: none (the release names no checksum file)"),
        "{md}"
    );
}
