//! The `package.*` checks of whole reviews of Debian packages: a good
//! package approved end to end by `intake verify` (and rechecked against
//! an install root), identity against the feed, md5sums, maintainer
//! scripts as warnings that need a reason, and setuid entries in signed
//! packages. The embedded signature is [`super::signature`]'s.

use std::path::Path;

use intake::engine::review::Review;
use intake::engine::shared::check::{CheckId, Status};
use intake::testkit::deb::{DataEntry, DebSpec, Md5sums};
use intake::testkit::keys::SignSpec;
use intake::testkit::layout::FeedSpec;

use super::{NAME, spec};
use crate::archives::assert_finding;
use crate::support::*;

/// Release notes declaring every non-folder entry of `s` (as `NAME`).
fn notes_for(s: &DebSpec) -> String {
    let mut t = format!("# Meridian 4.2.1\n\n## Contents: {NAME}\n\n| path | size |\n|---|---|\n");
    for e in &s.data {
        match e {
            DataEntry::File(path, _, data) => t.push_str(&format!(
                "| {} | {} |\n",
                path.trim_start_matches('.'),
                data.len()
            )),
            DataEntry::Symlink(path, _) | DataEntry::Hardlink(path, _) => {
                t.push_str(&format!("| {} | |\n", path.trim_start_matches('.')))
            }
            DataEntry::Dir(_) => {}
        }
    }
    t
}

pub(super) fn feed_for(s: &DebSpec, bytes: Vec<u8>) -> FeedSpec {
    one_artifact_feed("linux-x86_64", NAME, bytes, Some(notes_for(s)))
}

pub(super) fn review_of(s: &DebSpec, bytes: Vec<u8>) -> Review {
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
fn a_good_package_approves_end_to_end_and_rechecks_against_its_install_root() {
    let s = spec();
    let w = write(&feed_for(&s, s.build().unwrap()));
    let (code, out) = verify(&w.feed, &[]);
    let toml = std::fs::read_to_string(only_file(out.path(), "toml")).unwrap();
    assert_eq!(code, Some(0), "{toml}");
    let record: intake::engine::record::checklist::Record = toml::from_str(&toml).unwrap();
    let ids: Vec<CheckId> = record.checks.iter().map(|c| c.id).collect();
    assert_eq!(
        ids,
        CheckId::ALL
            .into_iter()
            .filter(|id| {
                !id.is_authenticode() && !id.is_image() && *id != CheckId::SbomComponents
            })
            .collect::<Vec<_>>(),
        "every check, packages' too (no SBOM, not a PE or container image), in order"
    );
    let status = |id| record.checks.iter().find(|c| c.id == id).unwrap().status;
    assert_eq!(status(CheckId::PackageSignature), Status::Skip);
    assert_eq!(status(CheckId::PackageDigests), Status::Pass);
    assert_eq!(status(CheckId::PackageIdentity), Status::Pass);
    assert_eq!(status(CheckId::PackageScripts), Status::Pass);
    let manifest = std::fs::read_to_string(only_file(out.path(), "manifest")).unwrap();
    assert!(
        manifest.contains("\t0755\tfile\t/usr/bin/meridian\n"),
        "{manifest}"
    );

    // Installed under a root that holds other software too.
    let root = tempfile::tempdir().unwrap();
    for e in &s.data {
        let at = |p: &str| root.path().join(p.trim_start_matches("./"));
        match e {
            DataEntry::Dir(p) => std::fs::create_dir_all(at(p)).unwrap(),
            DataEntry::File(p, mode, data) => {
                std::fs::write(at(p), data).unwrap();
                set_mode(&at(p), *mode);
            }
            DataEntry::Symlink(p, t) => std::os::unix::fs::symlink(t, at(p)).unwrap(),
            DataEntry::Hardlink(p, t) => std::fs::hard_link(at(t), at(p)).unwrap(),
        }
    }
    set_mode(root.path(), 0o755);
    std::fs::create_dir_all(root.path().join("etc")).unwrap();
    std::fs::write(root.path().join("etc/hosts"), "127.0.0.1 localhost\n").unwrap();
    let recheck = |root: &Path| {
        intake_bin()
            .arg("recheck")
            .arg(only_file(out.path(), "toml"))
            .arg(root)
            .output()
            .unwrap()
    };
    let clean = recheck(root.path());
    assert_eq!(
        clean.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&clean.stdout)
    );
    std::fs::write(root.path().join("usr/bin/meridian"), b"patched").unwrap();
    let changed = recheck(root.path());
    let said = String::from_utf8_lossy(&changed.stdout);
    assert_eq!(changed.status.code(), Some(1), "{said}");
    assert!(said.contains("usr/bin/meridian"), "{said}");
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn package_checks_are_listed_only_for_packages() {
    let r = review(&good_feed());
    for id in CheckId::ALL.into_iter().filter(|id| id.is_package()) {
        assert!(r.check(id).is_none(), "{id} listed for a single file");
    }
    assert_eq!(
        r.checks.iter().map(|c| c.id).collect::<Vec<_>>(),
        CheckId::every_review()
            .into_iter()
            .filter(|id| *id != CheckId::Signoff)
            .collect::<Vec<_>>()
    );
}

#[test]
fn md5_agreement_passes_but_is_said_to_prove_nothing() {
    let s = spec();
    let r = review_of(&s, s.build().unwrap());
    let c = assert_status(&r, CheckId::PackageDigests, Status::Pass);
    assert!(
        c.summary.contains("2 files agree with md5sums"),
        "{}",
        c.summary
    );
    assert!(
        c.summary.contains("no evidence of authenticity"),
        "{}",
        c.summary
    );
    let c = assert_status(&r, CheckId::PackageSignature, Status::Skip);
    assert_eq!(c.summary, "none embedded");
    assert_status(&r, CheckId::ArchiveContents, Status::Pass);
    assert_status(&r, CheckId::ArchiveSafety, Status::Pass);
    let mut s = spec();
    s.md5sums = Md5sums::Absent;
    let r = review_of(&s, s.build().unwrap());
    assert_status(&r, CheckId::PackageDigests, Status::Skip);
}

#[test]
fn an_md5sums_mismatch_fails_package_digests() {
    let mut s = spec();
    let good = s.md5sums_text().unwrap();
    s.md5sums = Md5sums::Given(good.replacen(&good[..32], &"f".repeat(32), 1));
    let r = review_of(&s, s.build().unwrap());
    let c = assert_status(&r, CheckId::PackageDigests, Status::Fail);
    assert_finding(c, Status::Fail, "/usr/bin/meridian", "md5sums says ffff");
    assert!(c.next_step.as_deref().unwrap().contains("do not install"));
}

#[test]
fn a_wrong_architecture_fails_identity_naming_both() {
    let s = DebSpec::new("meridian", "4.2.1-1", "arm64");
    let r = review_of(&s, s.build().unwrap());
    let c = assert_status(&r, CheckId::PackageIdentity, Status::Fail);
    assert_finding(
        c,
        Status::Fail,
        "Architecture",
        "the package is for arm64, the feed's platform linux-x86_64 is amd64",
    );
    let s = DebSpec::new("meridian", "4.2.1-1", "all");
    assert_status(
        &review_of(&s, s.build().unwrap()),
        CheckId::PackageIdentity,
        Status::Pass,
    );
}

#[test]
fn a_wrong_version_or_name_fails_identity_naming_both() {
    let s = DebSpec::new("meridian", "4.2.0-3", "amd64");
    let c = review_of(&s, s.build().unwrap());
    let c = assert_status(&c, CheckId::PackageIdentity, Status::Fail);
    assert_finding(
        c,
        Status::Fail,
        "Version",
        "the package is version 4.2.0-3, the feed's release is 4.2.1",
    );
    // An epoch the release does not name.
    let s = DebSpec::new("meridian", "1:4.2.1-1", "amd64");
    let r = review_of(&s, s.build().unwrap());
    let c = assert_status(&r, CheckId::PackageIdentity, Status::Fail);
    assert_finding(
        c,
        Status::Fail,
        "Version",
        "version 1:4.2.1-1, the feed's release is 4.2.1",
    );
    // Another package name: refused until the feed names it.
    let s = DebSpec::new("meridian-engine", "4.2.1-1", "amd64");
    let w = write(&feed_for(&s, s.build().unwrap()));
    let r = try_review_at(&w.feed, "4.2.1", "linux-x86_64", now()).unwrap();
    let c = assert_status(&r, CheckId::PackageIdentity, Status::Fail);
    assert_finding(
        c,
        Status::Fail,
        "Package",
        "the package is meridian-engine, the feed names meridian",
    );
    let text = std::fs::read_to_string(&w.feed).unwrap();
    let named = text.replacen(
        "id = \"meridian\"",
        "id = \"meridian\"\npackage = \"meridian-engine\"",
        1,
    );
    std::fs::write(&w.feed, named).unwrap();
    let r = try_review_at(&w.feed, "4.2.1", "linux-x86_64", now()).unwrap();
    let c = assert_status(&r, CheckId::PackageIdentity, Status::Pass);
    assert_eq!(
        c.summary,
        "meridian-engine 4.2.1-1 for amd64, as the feed names it"
    );
}

#[test]
fn a_postinst_that_downloads_and_runs_a_script_warns_and_needs_a_reason() {
    let postinst =
        "#!/bin/sh\nset -e\ncurl -fsSL https://updates.northwind.example/setup.sh | sh\n";
    let s = spec()
        .script("postinst", postinst)
        .script("prerm", "#!/bin/sh\nsystemctl stop meridian\n");
    let bytes = s.build().unwrap();
    let r = review_of(&s, bytes.clone());
    let c = assert_status(&r, CheckId::PackageScripts, Status::Warn);
    assert_eq!(
        c.summary,
        "2 maintainer scripts (postinst, prerm): each needs a written reason"
    );
    let sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(postinst.as_bytes()));
    assert_finding(
        c,
        Status::Warn,
        "postinst",
        &format!("{} bytes, SHA-256 {sha}", postinst.len()),
    );
    assert_finding(
        c,
        Status::Warn,
        "postinst",
        "downloads and runs code (curl, https://)",
    );
    let text = &r.package.as_deref().unwrap().scripts[0].text;
    assert_eq!(
        text,
        postinst.as_bytes(),
        "the full text, for the Inspect step"
    );

    let w = write(&feed_for(&s, bytes));
    let (code, out) = verify(&w.feed, &[]);
    assert_eq!(code, Some(1));
    let md = std::fs::read_to_string(only_file(out.path(), "md")).unwrap();
    assert!(md.contains(&sha), "{md}");
    let (code, out) = verify(
        &w.feed,
        &[
            "--waive",
            "package.scripts=postinst reviewed in CR-20461: fetches the vendor's signed updater",
        ],
    );
    let toml = std::fs::read_to_string(only_file(out.path(), "toml")).unwrap();
    assert_eq!(code, Some(0), "{toml}");
}

#[test]
fn setuid_in_a_signed_package_warns_and_in_an_unsigned_one_fails() {
    let mut s = spec();
    s.data.push(DataEntry::File(
        "./usr/bin/meridian-ping".into(),
        0o4755,
        b"\x7fELF".to_vec(),
    ));
    let r = review_of(&s, s.build().unwrap());
    let c = assert_status(&r, CheckId::ArchiveSafety, Status::Fail);
    assert_finding(
        c,
        Status::Fail,
        "/usr/bin/meridian-ping",
        "setuid (4755), and the release notes do not declare",
    );
    let r = review_of(&s, s.signed(vendor(), SignSpec::at(signed())).unwrap());
    assert_status(&r, CheckId::PackageSignature, Status::Pass);
    let c = assert_status(&r, CheckId::ArchiveSafety, Status::Warn);
    assert_finding(
        c,
        Status::Warn,
        "/usr/bin/meridian-ping",
        "package whose own signature passed",
    );
}
