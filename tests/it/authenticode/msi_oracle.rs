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

/// Whether wixl (Debian package `wixl`, msitools' MSI writer) runs here;
/// without it, fails under CI, else says so.
fn wixl() -> bool {
    if Command::new("wixl").arg("--version").output().is_ok() {
        return true;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "wixl is not installed (Debian package wixl), and CI is set"
    );
    eprintln!(
        "\n!!!!! msi: wixl is NOT INSTALLED (Debian package wixl): intake is NOT shown reading an MSI another writer made. Set CI to make this a failure. !!!!!\n"
    );
    false
}

const WXS: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">
  <Product Id="*" Name="Northwind Connector" Language="1033" Version="4.2.1"
      Manufacturer="Northwind Health Systems" UpgradeCode="6C2E0F35-2B39-4A51-9C38-6E3A1E8B7D11">
    <Package InstallerVersion="200" Compressed="yes"/>
    <Media Id="1" Cabinet="product.cab" EmbedCab="yes"/>
    <Directory Id="TARGETDIR" Name="SourceDir">
      <Directory Id="ProgramFiles64Folder">
        <Directory Id="VENDOR" Name="Northwind">
          <Directory Id="INSTALLDIR" Name="Connector">
            <Directory Id="BIN" Name="bin">
              <Component Id="C_exe" Guid="11111111-2222-3333-4444-555555555555" Win64="yes">
                <File Id="connector.exe" Source="connector.exe" KeyPath="yes"/>
              </Component>
            </Directory>
            <Component Id="C_ini" Guid="11111111-2222-3333-4444-555555555556" Win64="yes">
              <File Id="connector.ini" Source="connector.ini" KeyPath="yes"/>
            </Component>
          </Directory>
        </Directory>
      </Directory>
    </Directory>
    <Feature Id="Main" Level="1">
      <ComponentRef Id="C_exe"/>
      <ComponentRef Id="C_ini"/>
    </Feature>
  </Product>
</Wix>
"#;

/// A package written by another implementation (wixl, with its own
/// compound-file, table and cabinet writers) is read as it should be: its
/// files under their target paths with the SHA-256 of the bytes given to
/// wixl, its identity; and signed by osslsigncode, it passes.
#[test]
fn an_msi_written_by_wixl_is_listed_and_its_signature_judged() {
    if !wixl() || !osslsigncode() {
        return;
    }
    use sha2::{Digest, Sha256};
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let exe = b"MZ connector service\n".repeat(300);
    let ini = b"[hl7]\nport=2575\n".to_vec();
    std::fs::write(d.join("connector.exe"), &exe).unwrap();
    std::fs::write(d.join("connector.ini"), &ini).unwrap();
    std::fs::write(d.join("product.wxs"), WXS).unwrap();
    let out = Command::new("wixl")
        .current_dir(d)
        .args(["-a", "x64", "-o", "product.msi", "product.wxs"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "wixl: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let built = std::fs::read(d.join("product.msi")).unwrap();
    let p = parties();
    let signed = ossl_sign(
        d,
        &built,
        &p.vendor.signer,
        &p.vendor.ca.cert_pem,
        &p,
        true,
        false,
    );
    let r = agree(d, &p, signed, Status::Pass);
    let mut listed: Vec<(String, String)> = r
        .manifest
        .iter()
        .map(|e| {
            (
                String::from_utf8_lossy(&e.path).into_owned(),
                e.sha256.clone(),
            )
        })
        .collect();
    listed.sort();
    assert_eq!(
        listed,
        [
            (
                "[ProgramFiles64Folder]/Northwind/Connector/bin/connector.exe".to_string(),
                hex::encode(Sha256::digest(&exe))
            ),
            (
                "[ProgramFiles64Folder]/Northwind/Connector/connector.ini".to_string(),
                hex::encode(Sha256::digest(&ini))
            ),
        ]
    );
    says(
        assert_status(&r, CheckId::PackageIdentity, Status::Pass),
        "Northwind Connector 4.2.1",
    );
}
