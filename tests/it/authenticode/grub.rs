//! A real, publicly signed PE image: Debian's GRUB for UEFI
//! (`grub-efi-amd64-signed`), signed by Debian's Secure Boot signer (the
//! certificate it carries is pinned here, as a team would pin a vendor's).
//! intake must pass it, compute the same image digest `osslsigncode`
//! calculates, and fail it once a byte changes. With `CI` set a missing
//! file fails the test; otherwise it is skipped loudly.

use std::path::Path;
use std::process::Command;

use intake::engine::shared::check::{CheckId, Status};
use intake::engine::verify::authenticode::parse;
use intake::testkit::layout::FileSpec;

use super::{pe_feed, says};
use crate::support::*;

const GRUB: &str = "/usr/lib/grub/x86_64-efi-signed/grubx64.efi.signed";

fn grub() -> Option<Vec<u8>> {
    if let Ok(bytes) = std::fs::read(GRUB) {
        return Some(bytes);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "{GRUB} is missing (Debian package grub-efi-amd64-signed), and CI is set"
    );
    eprintln!(
        "\n!!!!! authenticode: {GRUB} is MISSING (Debian package grub-efi-amd64-signed): \
         intake is NOT checked against a real, publicly signed PE. Set CI to make this a failure. !!!!!\n"
    );
    None
}

/// The signer's certificate the signature carries, as DER, taken out with
/// `osslsigncode extract-signature`.
fn carried_certificate(dir: &Path) -> Vec<u8> {
    let out_file = dir.join("grub.p7");
    let out = Command::new("osslsigncode")
        .args(["extract-signature", "-in", GRUB, "-out"])
        .arg(&out_file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let signed = parse::signed_data(&std::fs::read(&out_file).unwrap()).unwrap();
    let signer = signed.only_signer().unwrap().clone();
    let cms::signed_data::SignerIdentifier::IssuerAndSerialNumber(id) = signer.sid else {
        panic!("GRUB's signer is named by issuer and serial");
    };
    signed
        .certs
        .iter()
        .find(|c| c.parsed.tbs_certificate.serial_number == id.serial_number)
        .unwrap()
        .der
        .clone()
}

/// The image digest `osslsigncode verify` calculates.
fn osslsigncode_digest() -> String {
    let out = Command::new("osslsigncode")
        .args(["verify", "-in", GRUB])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.lines()
        .find_map(|l| l.strip_prefix("Calculated message digest :"))
        .map(|d| d.trim().to_ascii_lowercase())
        .unwrap_or_else(|| panic!("no digest in:\n{text}"))
}

#[test]
fn debians_signed_grub_verifies_against_its_pinned_signer_with_osslsigncodes_digest() {
    let Some(bytes) = grub() else { return };
    if !super::oracle::osslsigncode() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let cert = carried_certificate(dir.path());
    let mut feed = pe_feed(bytes.clone(), &[], &[]);
    feed.authenticode = vec![FileSpec::new("debian-secure-boot-signer.der", cert.clone())];
    let r = review(&feed);
    let s = assert_status(&r, CheckId::AuthenticodeSignature, Status::Pass);
    says(
        s,
        "signed by Debian Secure Boot Signer 2022 - grub2, whose certificate is pinned",
    );
    assert_eq!(
        s.evidence.get("signed_digest"),
        Some(&osslsigncode_digest())
    );
    assert_eq!(
        s.evidence.get("digest_algorithm").map(String::as_str),
        Some("SHA-256")
    );
    // Debian's signatures carry no timestamp.
    assert_status(&r, CheckId::AuthenticodeTimestamp, Status::Warn);

    let mut changed = bytes;
    changed[0x1000] ^= 1;
    let mut feed = pe_feed(changed, &[], &[]);
    feed.authenticode = vec![FileSpec::new("debian-secure-boot-signer.der", cert)];
    let r = review(&feed);
    says(
        assert_status(&r, CheckId::AuthenticodeSignature, Status::Fail),
        "digest mismatch",
    );
}
