//! The `package.*` checks of whole reviews of RPM packages.

use std::path::Path;
use std::sync::OnceLock;

use intake::engine::inspect::rpm::tags;
use intake::engine::review::Review;
use intake::engine::shared::check::{CheckId, Status};
use intake::testkit::keys::{KeySpec, SignSpec, fingerprint};
use intake::testkit::layout::FeedSpec;
use intake::testkit::rpm::{RpmFile, RpmSpec};
use sequoia_openpgp::Cert;

use super::{NAME, spec};
use crate::archives::assert_finding;
use crate::support::*;

/// An RSA key nobody pinned (made once per binary: RSA is slow to make).
fn rsa_vendor() -> &'static Cert {
    static KEY: OnceLock<Cert> = OnceLock::new();
    KEY.get_or_init(|| {
        KeySpec::new("Northwind Legacy Key <legacy@northwind.example>", signed())
            .rsa()
            .generate()
            .unwrap()
    })
}

/// Release notes declaring every file of `s`.
fn notes_for(s: &RpmSpec) -> String {
    let mut t = format!("# Meridian 4.2.1\n\n## Contents: {NAME}\n\n| path | size |\n|---|---|\n");
    for f in &s.files {
        match f {
            intake::testkit::rpm::RpmFile::File(path, _, data) => {
                t.push_str(&format!("| {path} | {} |\n", data.len()))
            }
            intake::testkit::rpm::RpmFile::Symlink(path, _) => {
                t.push_str(&format!("| {path} | |\n"))
            }
            _ => {}
        }
    }
    t
}

pub(super) fn feed_for(s: &RpmSpec, bytes: Vec<u8>) -> FeedSpec {
    one_artifact_feed("linux-x86_64", NAME, bytes, Some(notes_for(s)))
}

pub(super) fn review_of(s: &RpmSpec, bytes: Vec<u8>) -> Review {
    review(&feed_for(s, bytes))
}

/// Runs `intake verify` on the feed at `feed` with `extra` arguments;
/// the exit code and the checklist folder.
fn verify(feed: &Path, extra: &[&str]) -> (Option<i32>, tempfile::TempDir) {
    let out = tempfile::tempdir().unwrap();
    let status = intake_bin()
        .args(["verify", feed.to_str().unwrap(), "--release", "4.2.1"])
        .args([
            "--platform",
            "linux-x86_64",
            "--operator",
            "a",
            "--approver",
            "b",
        ])
        .args(["--no-store", "--checklist-dir"])
        .arg(out.path())
        .args(extra)
        .output()
        .unwrap();
    (status.status.code(), out)
}

#[test]
fn a_good_signed_package_approves_end_to_end() {
    let s = spec();
    let w = write(&feed_for(
        &s,
        s.signed(vendor(), SignSpec::at(signed())).unwrap(),
    ));
    let (code, out) = verify(&w.feed, &[]);
    let toml = std::fs::read_to_string(only_file(out.path(), "toml")).unwrap();
    assert_eq!(code, Some(0), "{toml}");
    let record: intake::engine::record::checklist::Record = toml::from_str(&toml).unwrap();
    let status = |id| record.checks.iter().find(|c| c.id == id).unwrap().status;
    assert_eq!(status(CheckId::PackageSignature), Status::Pass);
    assert_eq!(status(CheckId::PackageDigests), Status::Pass);
    assert_eq!(status(CheckId::PackageIdentity), Status::Pass);
    assert_eq!(status(CheckId::PackageScripts), Status::Pass);
    let manifest = std::fs::read_to_string(only_file(out.path(), "manifest")).unwrap();
    assert!(
        manifest.contains("\t0755\tfile\t/usr/bin/meridian\n"),
        "{manifest}"
    );
    // Installed under a root that holds other software too, then changed.
    let root = tempfile::tempdir().unwrap();
    install(&s, root.path());
    std::fs::write(root.path().join("etc-hosts"), "127.0.0.1 localhost\n").unwrap();
    let recheck = || {
        intake_bin()
            .arg("recheck")
            .arg(only_file(out.path(), "toml"))
            .arg(root.path())
            .output()
            .unwrap()
    };
    let clean = recheck();
    let said = String::from_utf8_lossy(&clean.stdout).into_owned();
    assert_eq!(clean.status.code(), Some(0), "{said}");
    std::fs::write(root.path().join("usr/bin/meridian"), b"patched").unwrap();
    let changed = recheck();
    let said = String::from_utf8_lossy(&changed.stdout);
    assert_eq!(changed.status.code(), Some(1), "{said}");
    assert!(said.contains("usr/bin/meridian"), "{said}");
}

/// Installs `s`'s files under `root` as rpm would (folders 0755).
fn install(s: &RpmSpec, root: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let at = |p: &str| root.join(p.trim_start_matches('/'));
    for f in &s.files {
        match f {
            RpmFile::Dir(p) => std::fs::create_dir_all(at(p)).unwrap(),
            RpmFile::File(p, mode, data) => {
                std::fs::create_dir_all(at(p).parent().unwrap()).unwrap();
                std::fs::write(at(p), data).unwrap();
                std::fs::set_permissions(at(p), std::fs::Permissions::from_mode(*mode)).unwrap();
            }
            RpmFile::Symlink(p, t) => std::os::unix::fs::symlink(t, at(p)).unwrap(),
            RpmFile::Ghost(_) => {}
        }
    }
    for dir in ["", "usr", "usr/bin", "usr/share", "usr/share/meridian"] {
        let _ = std::fs::set_permissions(root.join(dir), std::fs::Permissions::from_mode(0o755));
    }
}

#[test]
fn a_header_signature_by_a_pinned_key_passes_and_alone_meets_required() {
    let s = spec();
    let bytes = s.signed(vendor(), SignSpec::at(signed())).unwrap();
    let r = review_of(&s, bytes.clone());
    let c = assert_status(&r, CheckId::PackageSignature, Status::Pass);
    assert!(
        c.summary
            .contains("good signature by Northwind Release Key"),
        "{c:#?}"
    );
    assert_eq!(c.evidence["file"], "DSAHEADER (signature tag 267)");
    let c = assert_status(&r, CheckId::PackageDigests, Status::Pass);
    assert!(
        c.summary.contains("header and payload digests agree"),
        "{c:#?}"
    );
    assert!(
        c.summary.contains("files agree with FILEDIGESTS (SHA-256)"),
        "{c:#?}"
    );
    let mut feed = feed_for(&s, bytes);
    let release = &mut feed.releases[0];
    release.checksums_signature = None;
    release.artifacts[0].signature = None;
    let r = review(&feed);
    assert_status(&r, CheckId::PackageSignature, Status::Pass);
    assert_status(&r, CheckId::SignatureChecksums, Status::Skip);
    assert_status(&r, CheckId::SignatureArtifact, Status::Skip);
}

#[test]
fn an_unsigned_package_skips_and_fails_required_with_no_other_signature() {
    let s = spec();
    let r = review_of(&s, s.build().unwrap());
    let c = assert_status(&r, CheckId::PackageSignature, Status::Skip);
    assert_eq!(c.summary, "none embedded");
    let mut feed = feed_for(&s, s.build().unwrap());
    let release = &mut feed.releases[0];
    release.checksums_signature = None;
    release.artifacts[0].signature = None;
    let r = review(&feed);
    assert_status(&r, CheckId::PackageSignature, Status::Skip);
    assert!(
        [CheckId::SignatureChecksums, CheckId::SignatureArtifact]
            .iter()
            .any(|id| check(&r, *id).status == Status::Fail),
        "signatures are required and nothing signed the package"
    );
}

#[test]
fn a_package_signed_by_an_unpinned_key_fails_naming_it() {
    let s = spec();
    let r = review_of(&s, s.signed(stranger(), SignSpec::at(signed())).unwrap());
    let c = assert_status(&r, CheckId::PackageSignature, Status::Fail);
    let fpr = intake::engine::verify::signature::spaced(&fingerprint(stranger()));
    assert!(
        c.findings.iter().any(|f| f.subject.contains(&fpr)),
        "{c:#?}"
    );
}

#[test]
fn rsa_and_v6_openpgp_signatures_are_judged_the_same_way() {
    let s = spec();
    let r = review_of(&s, s.signed(rsa_vendor(), SignSpec::at(signed())).unwrap());
    let c = assert_status(&r, CheckId::PackageSignature, Status::Fail);
    assert_eq!(c.evidence["file"], "RSAHEADER (signature tag 268)");
    let fpr = intake::engine::verify::signature::spaced(&fingerprint(rsa_vendor()));
    assert!(
        c.findings.iter().any(|f| f.subject.contains(&fpr)),
        "{c:#?}"
    );
    let mut v6 = spec();
    v6.v6 = true;
    let r = review_of(&v6, v6.signed(vendor(), SignSpec::at(signed())).unwrap());
    let c = assert_status(&r, CheckId::PackageSignature, Status::Pass);
    assert_eq!(
        c.evidence["file"],
        "DSAHEADER (signature tag 267), OPENPGP #1 (signature tag 278)"
    );
    let c = assert_status(&r, CheckId::PackageDigests, Status::Pass);
    assert!(
        c.evidence["header digest SHA3_256HEADER (signature tag 279)"].starts_with("agrees: "),
        "{c:#?}"
    );
}

#[test]
fn a_tampered_payload_under_an_intact_signed_header_fails_digests() {
    let s = spec();
    let r = review_of(&s, super::hostile::tampered_payload(&s));
    assert_status(&r, CheckId::PackageSignature, Status::Pass);
    let c = assert_status(&r, CheckId::PackageDigests, Status::Fail);
    assert!(c.summary.contains("payload digest PAYLOADDIGEST"), "{c:#?}");
    assert_finding(
        c,
        Status::Fail,
        "/usr/bin/meridian",
        "the file is not the one the header lists",
    );
    assert!(c.next_step.is_some());
}

#[test]
fn a_payload_without_its_own_digest_needs_a_good_signature_over_it() {
    let mut s = spec();
    s.payload_digest = false;
    let r = review_of(&s, s.build().unwrap());
    let c = assert_status(&r, CheckId::PackageDigests, Status::Fail);
    assert!(
        c.summary.contains("nothing vouches for the files"),
        "{c:#?}"
    );
    let r = review_of(&s, s.signed(vendor(), SignSpec::at(signed())).unwrap());
    assert_status(&r, CheckId::PackageDigests, Status::Fail);
    let r = review_of(
        &s,
        s.signed_legacy(vendor(), SignSpec::at(signed())).unwrap(),
    );
    let c = assert_status(&r, CheckId::PackageSignature, Status::Pass);
    assert_eq!(c.evidence["file"], "PGP (signature tag 1002)");
    assert_status(&r, CheckId::PackageDigests, Status::Pass);
    let r = review_of(
        &s,
        s.signed_legacy(stranger(), SignSpec::at(signed())).unwrap(),
    );
    assert_status(&r, CheckId::PackageDigests, Status::Fail);
}

#[test]
fn a_wrong_architecture_name_or_version_fails_identity_naming_both() {
    let s = RpmSpec::new("meridian", "4.2.1", "1.el9", "aarch64");
    let r = review_of(&s, s.build().unwrap());
    let c = assert_status(&r, CheckId::PackageIdentity, Status::Fail);
    assert_finding(
        c,
        Status::Fail,
        "Architecture",
        "the package is for aarch64, the feed's platform linux-x86_64 is x86_64",
    );
    let s = RpmSpec::new("meridian", "4.2.1", "1.el9", "noarch");
    assert_status(
        &review_of(&s, s.build().unwrap()),
        CheckId::PackageIdentity,
        Status::Pass,
    );
    let s = RpmSpec::new("meridian", "4.2.10", "1.el9", "x86_64");
    let r = review_of(&s, s.build().unwrap());
    let c = assert_status(&r, CheckId::PackageIdentity, Status::Fail);
    assert_finding(
        c,
        Status::Fail,
        "Version",
        "the package is version 4.2.10-1.el9, the feed's release is 4.2.1",
    );
    let s = RpmSpec::new("meridian-engine", "4.2.1", "1.el9", "x86_64");
    let r = review_of(&s, s.build().unwrap());
    let c = assert_status(&r, CheckId::PackageIdentity, Status::Fail);
    assert_finding(
        c,
        Status::Fail,
        "Package",
        "the package is meridian-engine, the feed names meridian",
    );
    let r = review_of(&super::spec(), super::spec().build().unwrap());
    let c = assert_status(&r, CheckId::PackageIdentity, Status::Pass);
    assert_eq!(
        c.summary,
        "meridian 4.2.1-1.el9 for x86_64, as the feed names it"
    );
}

#[test]
fn a_post_scriptlet_that_downloads_and_runs_a_script_warns_and_needs_a_reason() {
    let post = "curl -fsSL https://updates.northwind.example/setup.sh | sh\n";
    let s = spec()
        .script(tags::POSTIN, post)
        .script(tags::PREUN, "systemctl stop meridian\n");
    let bytes = s.build().unwrap();
    let r = review_of(&s, bytes.clone());
    let c = assert_status(&r, CheckId::PackageScripts, Status::Warn);
    assert_eq!(
        c.summary,
        "2 maintainer scripts (%post (/bin/sh), %preun (/bin/sh)): each needs a written reason"
    );
    let sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(post.as_bytes()));
    assert_finding(
        c,
        Status::Warn,
        "%post (/bin/sh)",
        &format!("{} bytes, SHA-256 {sha}", post.len()),
    );
    assert_finding(
        c,
        Status::Warn,
        "%post (/bin/sh)",
        "downloads and runs code (curl, https://)",
    );
    let w = write(&feed_for(&s, bytes));
    let (code, out) = verify(&w.feed, &[]);
    assert_eq!(code, Some(1));
    let md = std::fs::read_to_string(only_file(out.path(), "md")).unwrap();
    assert!(md.contains(&sha), "{md}");
}

#[test]
fn setuid_in_a_signed_package_warns_and_in_an_unsigned_one_fails() {
    let mut s = spec();
    s.files.push(RpmFile::File(
        "/usr/bin/meridian-ping".into(),
        0o4755,
        b"\x7fELF".to_vec(),
    ));
    let r = review_of(&s, s.build().unwrap());
    let c = assert_status(&r, CheckId::ArchiveSafety, Status::Fail);
    assert_finding(c, Status::Fail, "/usr/bin/meridian-ping", "setuid (4755)");
    let r = review_of(&s, s.signed(vendor(), SignSpec::at(signed())).unwrap());
    let c = assert_status(&r, CheckId::ArchiveSafety, Status::Warn);
    assert_finding(c, Status::Warn, "/usr/bin/meridian-ping", "setuid (4755)");
}
