//! Windows PE images and their Authenticode signatures, one test per row
//! of the verdicts SPEC gives `authenticode.signature` and
//! `authenticode.timestamp`: made with real certificates (rcgen) and real
//! CMS (built here), judged by whole reviews. `osslsigncode` is the
//! independent oracle ([`oracle`]); a real, publicly signed PE from
//! Debian is verified in [`grub`]; hostile images in [`hostile`].

mod grub;
mod hostile;
pub(crate) mod msi;
mod msi_hostile;
mod msi_oracle;
mod msi_tui;
mod oracle;
mod tui;

use intake::engine::review::Review;
use intake::engine::shared::check::{Check, CheckId, Status};
use intake::testkit::authenticode::{self as ac, Publisher, Stamp};
use intake::testkit::layout::{FeedSpec, FileSpec};
use intake::testkit::pe;

use crate::support::*;

pub(crate) const NAME: &str = "meridian-connector-4.2.1.exe";
pub(crate) const PLATFORM: &str = "windows-x86_64";
/// 2026-03-01: signed before the review's pinned clock (2026-11-22).
pub(crate) const SIGNED_AT: i64 = 1_772_323_200;

/// A feed with one PE artifact, pinning `publishers` and `authorities`
/// (certificate PEM texts, by file name).
pub(crate) fn pe_feed(
    bytes: Vec<u8>,
    publishers: &[(&str, &str)],
    authorities: &[(&str, &str)],
) -> FeedSpec {
    let mut feed = one_artifact_feed(PLATFORM, NAME, bytes, None);
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

/// The publisher and the timestamp authority of most tests.
pub(crate) struct Parties {
    pub vendor: Publisher,
    pub tsa: Publisher,
}

pub(crate) fn parties() -> Parties {
    Parties {
        vendor: ac::publisher("Northwind Health Systems", (2025, 2028)),
        tsa: ac::timestamp_authority("Example Timestamping"),
    }
}

impl Parties {
    /// A review of `bytes` by a feed pinning the vendor's CA and the TSA's.
    pub fn review(&self, bytes: Vec<u8>) -> Review {
        review(&pe_feed(
            bytes,
            &[("vendor-ca.pem", &self.vendor.ca.cert_pem)],
            &[("tsa-ca.pem", &self.tsa.ca.cert_pem)],
        ))
    }

    pub fn stamp(&self) -> Stamp<'_> {
        Stamp {
            authority: &self.tsa,
            time: SIGNED_AT,
        }
    }
}

#[track_caller]
pub(crate) fn says(c: &Check, words: &str) {
    let all = format!("{} {:?}", c.summary, c.findings);
    assert!(all.contains(words), "expected `{words}` in {c:#?}");
}

#[test]
fn a_signed_timestamped_image_chaining_to_the_pinned_ca_passes_with_its_publisher_in_words() {
    let p = parties();
    let r = p.review(ac::sign(&pe::small(64), &p.vendor, Some(&p.stamp())));
    let s = assert_status(&r, CheckId::AuthenticodeSignature, Status::Pass);
    says(
        s,
        "signed by Northwind Health Systems / Northwind Health Systems Code Signing",
    );
    says(
        s,
        "chains (code signing) to the pinned Northwind Health Systems",
    );
    let ev = |k: &str| s.evidence.get(k).cloned().unwrap_or_default();
    assert_eq!(ev("digest_algorithm"), "SHA-256");
    assert!(
        ev("issuer").contains("Northwind Health Systems Root CA"),
        "{s:#?}"
    );
    assert_eq!(ev("certificate_sha256").len(), 64);
    assert!(ev("revocation").starts_with("not checked"));
    let t = assert_status(&r, CheckId::AuthenticodeTimestamp, Status::Pass);
    says(
        t,
        "signed at 2026-03-01T00:00:00Z (RFC 3161 timestamp by Example Timestamping",
    );
    // The vendor's own signature meets `signatures = "required"`, and a PE
    // is one file: contents are not an archive's.
    assert_status(&r, CheckId::ArchiveContents, Status::Skip);
    for c in &r.checks {
        assert!(matches!(c.status, Status::Pass | Status::Skip), "{c:#?}");
    }
}

#[test]
fn a_32_bit_image_is_read_and_judged_alike() {
    let p = parties();
    let r = p.review(ac::sign(&pe::small(32), &p.vendor, Some(&p.stamp())));
    assert_status(&r, CheckId::AuthenticodeSignature, Status::Pass);
    assert_status(&r, CheckId::AuthenticodeTimestamp, Status::Pass);
}

#[test]
fn a_pinned_leaf_needs_no_chain() {
    let p = parties();
    let bytes = ac::sign(&pe::small(64), &p.vendor, Some(&p.stamp()));
    let r = review(&pe_feed(
        bytes,
        &[("vendor-signing.pem", &p.vendor.signer.cert_pem)],
        &[("tsa.pem", &p.tsa.signer.cert_pem)],
    ));
    says(
        assert_status(&r, CheckId::AuthenticodeSignature, Status::Pass),
        "whose certificate is pinned",
    );
    assert_status(&r, CheckId::AuthenticodeTimestamp, Status::Pass);
}

#[test]
fn an_unsigned_image_fails_when_the_feed_pins_a_publisher_and_skips_otherwise() {
    let p = parties();
    let r = p.review(pe::small(64));
    says(
        assert_status(&r, CheckId::AuthenticodeSignature, Status::Fail),
        "not signed, while the feed pins 1",
    );
    assert_status(&r, CheckId::AuthenticodeTimestamp, Status::Skip);
    let r = review(&pe_feed(pe::small(64), &[], &[]));
    assert_status(&r, CheckId::AuthenticodeSignature, Status::Skip);
}

#[test]
fn a_publisher_the_feed_does_not_pin_fails_named_by_subject_and_sha256() {
    let p = parties();
    let stranger = ac::publisher("Contoso Ltd", (2025, 2028));
    let bytes = ac::sign(&pe::small(64), &stranger, Some(&p.stamp()));
    let r = p.review(bytes);
    let s = assert_status(&r, CheckId::AuthenticodeSignature, Status::Fail);
    says(
        s,
        "signed by Contoso Ltd / Contoso Ltd Code Signing (certificate SHA-256 ",
    );
    says(s, "not pinned");
}

#[test]
fn bytes_changed_after_signing_fail_as_a_digest_mismatch() {
    let p = parties();
    let mut bytes = ac::sign(&pe::small(64), &p.vendor, Some(&p.stamp()));
    bytes[pe::ALIGN + 10] ^= 0xff;
    let r = p.review(bytes);
    says(
        assert_status(&r, CheckId::AuthenticodeSignature, Status::Fail),
        "digest mismatch",
    );
}

#[test]
fn an_expired_certificate_without_a_timestamp_fails_and_with_one_passes() {
    let p = parties();
    let old = ac::publisher("Northwind Health Systems", (2021, 2024));
    let pins = |bytes| {
        review(&pe_feed(
            bytes,
            &[("ca.pem", &old.ca.cert_pem)],
            &[("tsa.pem", &p.tsa.ca.cert_pem)],
        ))
    };
    let r = pins(ac::sign(&pe::small(64), &old, None));
    says(
        assert_status(&r, CheckId::AuthenticodeSignature, Status::Fail),
        "no verified timestamp",
    );
    assert_status(&r, CheckId::AuthenticodeTimestamp, Status::Warn);
    // Stamped in 2023, while the certificate was valid: it still counts.
    let stamp = Stamp {
        authority: &p.tsa,
        time: 1_688_169_600,
    };
    let r = pins(ac::sign(&pe::small(64), &old, Some(&stamp)));
    assert_status(&r, CheckId::AuthenticodeSignature, Status::Pass);
    says(
        assert_status(&r, CheckId::AuthenticodeTimestamp, Status::Pass),
        "2023-07-01",
    );
}

#[test]
fn no_timestamp_warns_that_the_signature_lasts_only_as_long_as_the_certificate() {
    let p = parties();
    let r = p.review(ac::sign(&pe::small(64), &p.vendor, None));
    assert_status(&r, CheckId::AuthenticodeSignature, Status::Pass);
    says(
        assert_status(&r, CheckId::AuthenticodeTimestamp, Status::Warn),
        "valid only while the certificate is",
    );
}

#[test]
fn a_timestamp_by_an_authority_the_feed_does_not_pin_fails() {
    let p = parties();
    let rogue = ac::timestamp_authority("Rogue Time");
    let stamp = Stamp {
        authority: &rogue,
        time: SIGNED_AT,
    };
    let r = p.review(ac::sign(&pe::small(64), &p.vendor, Some(&stamp)));
    says(
        assert_status(&r, CheckId::AuthenticodeTimestamp, Status::Fail),
        "not pinned in `timestamp_authorities`",
    );
}

#[test]
fn padding_after_the_certificate_table_fails_naming_its_offset() {
    let p = parties();
    let mut bytes = ac::sign(&pe::small(64), &p.vendor, Some(&p.stamp()));
    let end = bytes.len();
    let appended = b"MALWARE-CONFIG:http://evil.example/payload";
    bytes.extend(appended);
    let r = p.review(bytes);
    let s = assert_status(&r, CheckId::AuthenticodeSignature, Status::Fail);
    says(
        s,
        &format!(
            "{} bytes after the certificate table (offset {end})",
            appended.len()
        ),
    );
}

#[test]
fn bytes_hidden_inside_the_certificate_entry_fail() {
    let p = parties();
    let image = pe::small(64);
    let digest = ac::image_digest(&image);
    let mut der = ac::signature(&digest, &p.vendor, Some(&p.stamp()));
    der.extend(b"hidden payload after the PKCS#7 blob");
    let r = p.review(ac::append_signature(&image, &der));
    says(
        assert_status(&r, CheckId::AuthenticodeSignature, Status::Fail),
        "bytes hidden in the certificate table",
    );
}

#[test]
fn a_second_signature_that_does_not_verify_fails_the_check() {
    let p = parties();
    let image = pe::small(64);
    let good = ac::signature(&ac::image_digest(&image), &p.vendor, Some(&p.stamp()));
    let other = ac::signature(&[0u8; 32], &p.vendor, None);
    let signed = ac::append_signature(&image, &good);
    // A second WIN_CERTIFICATE after the first, the table grown to hold it.
    let bits = 64;
    let dir = pe::certificate_directory_at(bits);
    let mut bytes = signed.clone();
    let entry = ac::append_signature(&[0u8; 0x200], &other);
    bytes.extend(&entry[0x200..]);
    let size = (bytes.len() - image.len()) as u32;
    pe::put32(&mut bytes, dir + 4, size);
    let r = p.review(bytes);
    let s = assert_status(&r, CheckId::AuthenticodeSignature, Status::Fail);
    says(s, "signature 2: digest mismatch");
}

#[test]
fn a_name_promising_a_windows_program_over_other_bytes_is_a_finding() {
    let r = review(&pe_feed(b"#!/bin/sh\necho not a PE\n".to_vec(), &[], &[]));
    assert!(r.check(CheckId::AuthenticodeSignature).is_none());
    let s = check(&r, CheckId::ArchiveSafety);
    assert_eq!(s.status, Status::Fail, "{s:#?}");
    assert!(format!("{s:?}").contains("a Windows PE image"), "{s:#?}");
}

#[test]
fn a_passing_authenticode_signature_meets_signatures_required_on_its_own() {
    let p = parties();
    let unsigned_evidence = |bytes| {
        let mut feed = pe_feed(
            bytes,
            &[("vendor-ca.pem", &p.vendor.ca.cert_pem)],
            &[("tsa-ca.pem", &p.tsa.ca.cert_pem)],
        );
        let release = &mut feed.releases[0];
        release.checksums_signature = None;
        release.artifacts[0].signature = None;
        review(&feed)
    };
    let r = unsigned_evidence(ac::sign(&pe::small(64), &p.vendor, Some(&p.stamp())));
    assert_status(&r, CheckId::AuthenticodeSignature, Status::Pass);
    assert_status(&r, CheckId::SignatureChecksums, Status::Skip);
    assert_status(&r, CheckId::SignatureArtifact, Status::Skip);
    // Unsigned: nothing meets it, and both OpenPGP checks fail.
    let r = unsigned_evidence(pe::small(64));
    assert_status(&r, CheckId::AuthenticodeSignature, Status::Fail);
    assert_status(&r, CheckId::SignatureChecksums, Status::Fail);
}

#[test]
fn the_checklist_inputs_carry_the_sha256_of_each_authenticode_pin() {
    let p = parties();
    let r = p.review(ac::sign(&pe::small(64), &p.vendor, Some(&p.stamp())));
    let sha = |pem: &str| intake::engine::fetch::hashers::sha256_hex(pem.as_bytes());
    assert!(
        r.inputs.certificates.contains(&sha(&p.vendor.ca.cert_pem)),
        "{:?}",
        r.inputs
    );
    assert!(
        r.inputs.certificates.contains(&sha(&p.tsa.ca.cert_pem)),
        "{:?}",
        r.inputs
    );
}

#[test]
fn a_legacy_countersignature_by_a_pinned_authority_timestamps_the_signature() {
    let p = parties();
    let r = p.review(ac::sign_countersigned(
        &pe::small(64),
        &p.vendor,
        &p.stamp(),
    ));
    assert_status(&r, CheckId::AuthenticodeSignature, Status::Pass);
    let t = assert_status(&r, CheckId::AuthenticodeTimestamp, Status::Pass);
    says(
        t,
        "signed at 2026-03-01T00:00:00Z (countersignature timestamp by Example Timestamping",
    );
    // By an authority the feed does not pin, it fails.
    let rogue = ac::timestamp_authority("Rogue Time");
    let stamp = Stamp {
        authority: &rogue,
        time: SIGNED_AT,
    };
    let r = p.review(ac::sign_countersigned(&pe::small(64), &p.vendor, &stamp));
    assert_status(&r, CheckId::AuthenticodeTimestamp, Status::Fail);
}

/// The store keeps the Authenticode pins with the keys: a Windows release
/// approved into the store reviews again from the store feed alone, its
/// publisher still pinned; a feed pinning another publisher is refused the
/// store.
#[test]
fn an_approved_windows_release_reviews_again_from_the_store() {
    let home = tempfile::tempdir().unwrap();
    let verify = |feed: &std::path::Path| {
        crate::support::intake_bin()
            .env("XDG_DATA_HOME", home.path())
            .arg("verify")
            .arg(feed)
            .args([
                "--release",
                "4.2.1",
                "--platform",
                "windows-x86_64",
                "--offline",
            ])
            .args(["--operator", "a.operator", "--approver", "b.approver"])
            .arg("--checklist-dir")
            .arg(home.path().join("checklists"))
            .output()
            .unwrap()
    };
    let sample = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("sample-releases/connector/feed.toml");
    let o = verify(&sample);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let store = home.path().join(format!(
        "intake/store/{}",
        intake::testkit::samples::CONNECTOR_ID
    ));
    let o = verify(&store.join("feed.toml"));
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert_eq!(o.status.code(), Some(0), "{out}");
    // `PASS ✓ authenticode.signature ...`: the check's own line.
    let line = out
        .lines()
        .find(|l| l.split_whitespace().nth(2) == Some("authenticode.signature"))
        .unwrap_or("");
    assert!(line.trim_start().starts_with("PASS"), "{out}");
    assert!(store.join("keys/authenticode").is_dir());

    // The same product pinning another publisher may not replace them.
    let other = tempfile::tempdir().unwrap();
    copy_dir(sample.parent().unwrap(), other.path());
    let feed = other.path().join("feed.toml");
    let text = std::fs::read_to_string(&feed).unwrap();
    let pinned = text
        .lines()
        .find(|l| l.starts_with("authenticode = "))
        .unwrap()
        .to_string();
    std::fs::write(other.path().join("keys/other.pem"), rcgen_other_pem()).unwrap();
    std::fs::write(
        &feed,
        text.replace(&pinned, "authenticode = [\"keys/other.pem\"]"),
    )
    .unwrap();
    let o = verify(&feed);
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(err.contains("other Authenticode pins"), "{err}");
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn rcgen_other_pem() -> String {
    let key = rcgen::KeyPair::generate().unwrap();
    let params = rcgen::CertificateParams::new(vec!["other.example".to_string()]).unwrap();
    params.self_signed(&key).unwrap().pem()
}
