//! `osslsigncode` as the independent oracle for MSI packages: it signs the
//! test kit's packages (with and without the `MsiDigitalSignatureEx`
//! pre-hash) and verifies them, and intake's `authenticode.signature` must
//! agree with `osslsigncode verify` on each lesson: good (signed by it,
//! and signed by the test kit), unsigned, unpinned publisher, tampered
//! after signing, expired certificate without a timestamp, data appended
//! after the compound file.

use std::path::Path;
use std::process::Command;

use intake::engine::review::Review;
use intake::engine::shared::check::{CheckId, Status};
use intake::testkit::authenticode::{self as ac, Identity};
use intake::testkit::msi as msi_kit;

use super::msi::{msi_review, unsigned};
use super::oracle::osslsigncode;
use super::{Parties, SIGNED_AT, parties, says};
use crate::support::*;

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

/// `unsigned` signed with osslsigncode by `signer` (carrying `ca_pem`),
/// timestamped by the parties' authority when `stamp`; `dse`: with the
/// `MsiDigitalSignatureEx` pre-hash.
fn ossl_sign(
    dir: &Path,
    unsigned: &[u8],
    signer: &Identity,
    ca_pem: &str,
    p: &Parties,
    stamp: bool,
    dse: bool,
) -> Vec<u8> {
    let input = dir.join("unsigned.msi");
    let output = dir.join("signed.msi");
    let _ = std::fs::remove_file(&output);
    std::fs::write(&input, unsigned).unwrap();
    let certs = write(dir, "certs.pem", &format!("{}{ca_pem}", signer.cert_pem));
    let key = write(dir, "key.pem", &signer.key_pem());
    let mut cmd = Command::new("osslsigncode");
    cmd.args([
        "sign", "-certs", &certs, "-key", &key, "-h", "sha256", "-time",
    ])
    .arg(SIGNED_AT.to_string());
    if dse {
        cmd.arg("-add-msi-dse");
    }
    if stamp {
        let tsa_certs = write(
            dir,
            "tsa.pem",
            &format!("{}{}", p.tsa.signer.cert_pem, p.tsa.ca.cert_pem),
        );
        let tsa_key = write(dir, "tsa-key.pem", &p.tsa.signer.key_pem());
        cmd.args(["-TSA-certs", &tsa_certs, "-TSA-key", &tsa_key, "-TSA-time"])
            .arg(SIGNED_AT.to_string());
    }
    let out = cmd
        .arg("-in")
        .arg(&input)
        .arg("-out")
        .arg(&output)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "osslsigncode sign: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::read(&output).unwrap()
}

fn ossl_verifies(dir: &Path, bytes: &[u8], p: &Parties) -> (bool, String) {
    let file = dir.join("judged.msi");
    std::fs::write(&file, bytes).unwrap();
    let ca = write(dir, "ca.pem", &p.vendor.ca.cert_pem);
    let tsa_ca = write(dir, "tsa-ca.pem", &p.tsa.ca.cert_pem);
    let out = Command::new("osslsigncode")
        .args(["verify", "-CAfile", &ca, "-TSA-CAfile", &tsa_ca, "-in"])
        .arg(&file)
        .output()
        .unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), said)
}

#[track_caller]
fn agree(dir: &Path, p: &Parties, bytes: Vec<u8>, want: Status) -> Review {
    let (ossl, said) = ossl_verifies(dir, &bytes, p);
    let r = msi_review(p, bytes);
    let ours = check(&r, CheckId::AuthenticodeSignature);
    assert_eq!(
        ours.status, want,
        "intake: {ours:#?}\nosslsigncode said:\n{said}"
    );
    assert_eq!(
        ossl,
        want == Status::Pass,
        "osslsigncode disagrees with intake ({want:?}):\n{said}"
    );
    r
}

#[test]
fn intake_agrees_with_osslsigncode_on_every_msi_lesson() {
    if !osslsigncode() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let p = parties();
    let plain = unsigned();
    let vendor = (&p.vendor.signer, p.vendor.ca.cert_pem.as_str());

    // Signed by osslsigncode, with and without the metadata pre-hash.
    let good = ossl_sign(d, &plain, vendor.0, vendor.1, &p, true, false);
    let r = agree(d, &p, good.clone(), Status::Pass);
    assert_status(&r, CheckId::AuthenticodeTimestamp, Status::Pass);
    let with_dse = ossl_sign(d, &plain, vendor.0, vendor.1, &p, true, true);
    agree(d, &p, with_dse, Status::Pass);

    // Signed by the test kit: osslsigncode accepts its digest too.
    agree(
        d,
        &p,
        msi_kit::sign(&plain, &p.vendor, Some(&p.stamp())),
        Status::Pass,
    );

    agree(d, &p, plain.clone(), Status::Fail);

    let stranger = ac::publisher("Contoso Ltd", (2025, 2028));
    let r = agree(
        d,
        &p,
        ossl_sign(
            d,
            &plain,
            &stranger.signer,
            &stranger.ca.cert_pem,
            &p,
            true,
            false,
        ),
        Status::Fail,
    );
    says(check(&r, CheckId::AuthenticodeSignature), "not pinned");

    let r = agree(d, &p, msi_kit::tamper(&good), Status::Fail);
    says(check(&r, CheckId::AuthenticodeSignature), "digest mismatch");

    let expired = ac::identity(
        "Northwind Health Systems Old Code Signing",
        "Northwind Health Systems",
        ac::Role::CodeSigning,
        (2021, 2024),
        Some(&p.vendor.ca),
    );
    let r = agree(
        d,
        &p,
        ossl_sign(d, &plain, &expired, vendor.1, &p, false, false),
        Status::Fail,
    );
    says(
        check(&r, CheckId::AuthenticodeSignature),
        "no verified timestamp",
    );

    // Data after the compound file: osslsigncode hashes the streams only
    // and accepts it; intake refuses it, as Windows has since the fix for
    // CVE-2020-1464 (the one lesson where intake is deliberately stricter).
    let mut appended = good.clone();
    appended.extend(b"appended after signing");
    let (ossl, said) = ossl_verifies(d, &appended, &p);
    assert!(ossl, "osslsigncode now refuses appended data:\n{said}");
    let r = msi_review(&p, appended);
    says(
        assert_status(&r, CheckId::AuthenticodeSignature, Status::Fail),
        "after the last sector",
    );
}
