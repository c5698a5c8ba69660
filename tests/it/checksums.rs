//! Checksum files: every format SPEC.md lists, and every rule about which
//! lines count. Each test keeps the checksum file properly signed, so only
//! the checksum rule under test decides.

use intake::engine::shared::check::{CheckId, Status};
use intake::testkit::keys::{SignSpec, clearsign};
use intake::testkit::layout::{FeedSpec, FileSpec};
use sha2::Digest;

use crate::support::*;

fn artifact_bytes() -> Vec<u8> {
    binary_artifact().bytes
}

fn sha256(data: &[u8]) -> String {
    hex::encode(sha2::Sha256::digest(data))
}

fn sha512(data: &[u8]) -> String {
    hex::encode(sha2::Sha512::digest(data))
}

/// The good feed with the checksum file replaced (and re-signed).
fn with_checksums(name: &str, text: impl Into<Vec<u8>>) -> FeedSpec {
    let mut feed = good_feed();
    let release = &mut feed.releases[0];
    release.checksums = FileSpec::new(name, text);
    release
        .resign_checksums(vendor(), SignSpec::at(signed()))
        .unwrap();
    release.artifacts[0].signature = None;
    feed
}

const NAME: &str = "meridian-4.2.1-linux-x86_64.bin";

#[test]
fn gnu_text_and_binary_mode_lines_count() {
    for line in [
        format!("{}  {NAME}\n", sha256(&artifact_bytes())),
        format!("{} *{NAME}\n", sha256(&artifact_bytes())),
    ] {
        let r = review(&with_checksums("SHA256SUMS", line.clone()));
        let c = assert_status(&r, CheckId::ChecksumSha256, Status::Pass);
        assert!(
            c.summary.starts_with("matches SHA256SUMS (SHA-256"),
            "{line}: {}",
            c.summary
        );
        assert_eq!(c.evidence["expected"], c.evidence["actual"]);
    }
}

#[test]
fn bsd_tag_and_openssl_lines_count() {
    for line in [
        format!("SHA256 ({NAME}) = {}\n", sha256(&artifact_bytes())),
        format!("SHA2-256({NAME})= {}\n", sha256(&artifact_bytes())),
    ] {
        let r = review(&with_checksums("CHECKSUMS", line.clone()));
        assert_status(&r, CheckId::ChecksumSha256, Status::Pass);
    }
}

#[test]
fn a_bare_digest_in_a_sha256_file_counts() {
    let r = review(&with_checksums(
        &format!("{NAME}.sha256"),
        format!("{}\n", sha256(&artifact_bytes())),
    ));
    assert_status(&r, CheckId::ChecksumSha256, Status::Pass);
}

#[test]
fn a_clearsigned_checksum_file_counts() {
    let mut feed = good_feed();
    let release = &mut feed.releases[0];
    let text = format!("SHA512 ({NAME}) = {}\n", sha512(&artifact_bytes()));
    release.checksums = FileSpec::new(
        "SHA512SUMS",
        clearsign(vendor(), text.as_bytes(), SignSpec::at(signed())).unwrap(),
    );
    release.checksums_signature = None;
    let r = review(&feed);
    assert_status(&r, CheckId::SignatureChecksums, Status::Pass);
    let c = assert_status(&r, CheckId::ChecksumSha256, Status::Pass);
    assert!(c.summary.contains("SHA-512"), "{}", c.summary);
}

#[test]
fn sha512_counts_and_must_match_too() {
    let both = format!(
        "{}  {NAME}\n{}  {NAME}\n",
        sha256(&artifact_bytes()),
        sha512(&artifact_bytes())
    );
    let r = review(&with_checksums("SUMS", both));
    let c = assert_status(&r, CheckId::ChecksumSha256, Status::Pass);
    assert!(c.summary.contains("SHA-256 and SHA-512"), "{}", c.summary);
    assert!(r.artifact.sha512.is_some());

    let wrong512 = format!(
        "{}  {NAME}\n{}  {NAME}\n",
        sha256(&artifact_bytes()),
        sha512(b"other")
    );
    let r = review(&with_checksums("SUMS", wrong512));
    let c = assert_status(&r, CheckId::ChecksumSha256, Status::Fail);
    assert!(c.summary.contains("SHA-512"), "{}", c.summary);
}

#[test]
fn md5_or_sha1_alone_never_counts() {
    let md5 = "0".repeat(32);
    let sha1 = "0".repeat(40);
    for (line, algo) in [
        (format!("{md5}  {NAME}\n"), "MD5"),
        (format!("SHA1 ({NAME}) = {sha1}\n"), "SHA-1"),
    ] {
        let r = review(&with_checksums("SUMS", line));
        let c = assert_status(&r, CheckId::ChecksumSha256, Status::Fail);
        assert!(c.summary.contains(&format!("only {algo}")), "{}", c.summary);
        assert!(c.summary.contains("do not count"), "{}", c.summary);
    }
}

#[test]
fn md5_beside_sha256_is_reported_and_not_counted() {
    let text = format!(
        "{}  {NAME}\nMD5 ({NAME}) = {}\n",
        sha256(&artifact_bytes()),
        "0".repeat(32)
    );
    let r = review(&with_checksums("SUMS", text));
    let c = assert_status(&r, CheckId::ChecksumSha256, Status::Pass);
    assert!(
        c.findings
            .iter()
            .any(|f| f.summary.contains("MD5 checksum read and not counted")),
        "{:#?}",
        c.findings
    );
}

#[test]
fn an_artifact_missing_from_the_file_fails() {
    let r = review(&with_checksums(
        "SHA256SUMS",
        format!("{}  other-file.tar.gz\n", sha256(b"x")),
    ));
    let c = assert_status(&r, CheckId::ChecksumSha256, Status::Fail);
    assert_eq!(c.summary, format!("{NAME} is not listed in SHA256SUMS"));
}

#[test]
fn an_artifact_listed_twice_with_different_values_fails() {
    let text = format!(
        "{}  {NAME}\n{}  ./{NAME}\n",
        sha256(&artifact_bytes()),
        sha256(b"evil")
    );
    let r = review(&with_checksums("SHA256SUMS", text));
    let c = assert_status(&r, CheckId::ChecksumSha256, Status::Fail);
    assert!(
        c.summary
            .contains("twice with different SHA-256 values (lines 1 and 2)"),
        "{}",
        c.summary
    );

    let same = format!("{0}  {NAME}\n{0}  ./{NAME}\n", sha256(&artifact_bytes()));
    let r = review(&with_checksums("SHA256SUMS", same));
    assert_status(&r, CheckId::ChecksumSha256, Status::Pass);
}

#[test]
fn bytes_that_differ_from_the_signed_checksum_fail_showing_both() {
    let mut feed = good_feed();
    feed.releases[0].artifacts[0].file.bytes[10] ^= 0xFF;
    feed.releases[0].artifacts[0].signature = None;
    let r = review(&feed);
    let c = assert_status(&r, CheckId::ChecksumSha256, Status::Fail);
    assert!(
        c.summary.contains("does not match SHA256SUMS line 1"),
        "{}",
        c.summary
    );
    assert_ne!(c.evidence["expected"], c.evidence["actual"]);
    assert_eq!(c.evidence["actual"], r.artifact.sha256);
}

#[test]
fn empty_garbage_utf16_and_huge_checksum_files_fail_naming_the_file() {
    let utf16: Vec<u8> = {
        let text = format!("{}  {NAME}\n", sha256(&artifact_bytes()));
        let mut v = vec![0xFF, 0xFE];
        v.extend(text.encode_utf16().flat_map(|u| u.to_le_bytes()));
        v
    };
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (Vec::new(), "holds no checksum line"),
        (
            intake::testkit::archives::noise(4096, 3),
            "holds no checksum line",
        ),
        (utf16, "is UTF-16 text"),
        (vec![b'#'; (16 << 20) + 1], "larger than 16 MiB"),
    ];
    for (bytes, want) in cases {
        let r = review(&with_checksums("SHA256SUMS", bytes));
        let c = assert_status(&r, CheckId::ChecksumSha256, Status::Fail);
        assert!(c.summary.contains("SHA256SUMS"), "{}", c.summary);
        assert!(c.summary.contains(want), "want {want:?}: {}", c.summary);
    }
}
