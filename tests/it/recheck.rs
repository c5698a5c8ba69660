//! `intake recheck`: an installed folder against the reviewed manifest,
//! made from a sample release and then altered.

use std::path::{Path, PathBuf};
use std::process::Output;

use intake::testkit::archives::{self, Entry};
use intake::testkit::layout::{FeedSpec, FileSpec, ReleaseSpec};
use sha2::Digest;

use crate::support::*;

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Approves `feed`'s 4.2.1 and returns the checklist's TOML.
fn approve(feed: &Path, out: &Path) -> PathBuf {
    let o = crate::support::intake_bin()
        .args([
            "verify",
            feed.to_str().unwrap(),
            "--release",
            "4.2.1",
            "--platform",
            "linux-x86_64",
            "--operator",
            "a",
            "--approver",
            "b",
            "--offline",
            "--no-store",
        ])
        .arg("--checklist-dir")
        .arg(out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    std::fs::read_dir(out)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|x| x == "toml"))
        .unwrap()
}

/// "Installs" a tar.gz: unpacks it into `into`.
fn install(archive: &Path, into: &Path) {
    let file = std::fs::File::open(archive).unwrap();
    let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(file));
    tar.set_preserve_permissions(true);
    tar.unpack(into).unwrap();
}

fn recheck(toml: &Path, dir: &Path, extra: &[&str]) -> Output {
    crate::support::intake_bin()
        .args(["recheck", toml.to_str().unwrap(), dir.to_str().unwrap()])
        .args(extra)
        .output()
        .unwrap()
}

#[cfg(unix)]
fn chmod(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn an_installed_sample_release_matches_and_every_alteration_is_reported() {
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-releases/meridian");
    let work = tempfile::tempdir().unwrap();
    let toml = approve(&samples.join("feed.toml"), &work.path().join("checklists"));
    let root = work.path().join("opt");
    install(
        &samples.join("releases/4.2.1/meridian-4.2.1-linux-x86_64.tar.gz"),
        &root,
    );
    let installed = root.join("meridian-4.2.1");

    let o = recheck(&toml, &installed, &["--prefix", "meridian-4.2.1"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(
        text(&o).contains("8 of 8 entries match") && text(&o).contains("everything matches"),
        "{}",
        text(&o)
    );
    // Without --prefix the folder above the archive's top folder is compared.
    assert_eq!(recheck(&toml, &root, &[]).status.code(), Some(0));

    std::fs::write(
        installed.join("conf/meridian.toml"),
        "# edited on the host\n",
    )
    .unwrap();
    std::fs::remove_file(installed.join("README.md")).unwrap();
    std::fs::write(installed.join("conf/extra.toml"), "x = 1\n").unwrap();
    #[cfg(unix)]
    chmod(&installed.join("bin/meridian"), 0o777);
    let o = recheck(&toml, &installed, &["--prefix", "meridian-4.2.1"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let out = text(&o);
    assert!(out.contains("MISSING   README.md"), "{out}");
    assert!(out.contains("MODIFIED  conf/meridian.toml: size"), "{out}");
    assert!(out.contains("EXTRA     conf/extra.toml"), "{out}");
    #[cfg(unix)]
    assert!(
        out.contains("MODIFIED  bin/meridian: mode 0777, reviewed 0755"),
        "{out}"
    );

    let o = recheck(
        &toml,
        &installed,
        &["--prefix", "meridian-4.2.1", "--format", "json"],
    );
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(json["clean"], false);
    assert_eq!(json["missing"][0], "README.md");
}

/// `recheck` pointed at the archive's top folder itself (one folder too
/// deep, without `--prefix`) finds everything missing: it says so and
/// names the `--prefix` that fits. The right folder gets no such hint.
#[test]
fn a_folder_one_too_deep_is_answered_with_the_prefix_to_give() {
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-releases/meridian");
    let work = tempfile::tempdir().unwrap();
    let toml = approve(&samples.join("feed.toml"), &work.path().join("checklists"));
    let root = work.path().join("opt");
    install(
        &samples.join("releases/4.2.1/meridian-4.2.1-linux-x86_64.tar.gz"),
        &root,
    );
    let installed = root.join("meridian-4.2.1");
    let o = recheck(&toml, &installed, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("run again with `--prefix meridian-4.2.1`"),
        "{}",
        text(&o)
    );
    let o = recheck(&toml, &installed, &["--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(json["suggested_prefix"], "meridian-4.2.1");
    let o = recheck(&toml, &installed, &["--quiet"]);
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "result: 15 differences\n"
    );
    assert!(text(&o).contains("--prefix meridian-4.2.1"), "{}", text(&o));

    for (dir, extra) in [
        (&root, vec![]),
        (&installed, vec!["--prefix", "meridian-4.2.1"]),
    ] {
        let o = recheck(&toml, dir, &extra);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        assert!(!text(&o).contains("--prefix"), "{}", text(&o));
        let o = recheck(&toml, dir, &[extra.as_slice(), &["-q"]].concat());
        assert_eq!(
            String::from_utf8_lossy(&o.stdout),
            "result: everything matches\n"
        );
    }
    // An emptied folder is not mistaken for the top folder.
    let empty = work.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let o = recheck(&toml, &empty, &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(!text(&o).contains("--prefix"), "{}", text(&o));
}

/// A release of a script and a symlink to it, approved and installed in
/// `work/opt`: `(checklist TOML, installed folder)`.
pub(crate) fn approved_and_installed_script(work: &Path) -> (PathBuf, PathBuf) {
    let data = b"#!/bin/sh\necho ok\n".to_vec();
    let entries = [
        Entry::dir("m/"),
        Entry::file("m/run.sh", data.clone()).mode(0o755),
        Entry::symlink("m/current", "run.sh"),
    ];
    let sha = |b: &[u8]| hex::encode(sha2::Sha256::digest(b));
    let notes = format!(
        "## Contents: m.tar.gz\n\n| path | size | sha256 |\n|---|---|---|\n| m/run.sh | {} | {} |\n| m/current | | {} |\n",
        data.len(),
        sha(&data),
        sha(b"run.sh")
    );
    let mut release = ReleaseSpec::signed(
        "4.2.1",
        "2026-03-02",
        vendor(),
        signed(),
        vec![(
            "linux-x86_64",
            FileSpec::new("m.tar.gz", archives::tar_gz(&entries).unwrap()),
        )],
    )
    .unwrap();
    release.notes = Some(FileSpec::new("RELEASE-NOTES.md", notes));
    let mut feed = FeedSpec::pinning(vendor()).unwrap();
    feed.releases.push(release);
    let w = write(&feed);
    let toml = approve(&w.feed, &work.join("checklists"));
    let root = work.join("opt");
    install(&w.dir.path().join("releases/4.2.1/m.tar.gz"), &root);
    (toml, root)
}

#[test]
fn content_changed_in_place_and_symlink_targets_are_caught() {
    let work = tempfile::tempdir().unwrap();
    let (toml, root) = approved_and_installed_script(work.path());
    assert_eq!(recheck(&toml, &root, &[]).status.code(), Some(0));

    // Same size, other bytes; and the link pointed elsewhere.
    std::fs::write(root.join("m/run.sh"), b"#!/bin/sh\necho OK\n").unwrap();
    #[cfg(unix)]
    {
        std::fs::remove_file(root.join("m/current")).unwrap();
        std::os::unix::fs::symlink("/bin/sh", root.join("m/current")).unwrap();
    }
    let o = recheck(&toml, &root, &[]);
    assert_eq!(o.status.code(), Some(1));
    let out = text(&o);
    assert!(
        out.contains("MODIFIED  m/run.sh: content changed (SHA-256 differs)"),
        "{out}"
    );
    #[cfg(unix)]
    assert!(
        out.contains("MODIFIED  m/current: symlink now points to /bin/sh"),
        "{out}"
    );
}

#[test]
fn a_manifest_that_is_not_the_reviewed_one_is_refused() {
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-releases/meridian");
    let work = tempfile::tempdir().unwrap();
    let toml = approve(&samples.join("feed.toml"), &work.path().join("checklists"));
    let manifest = toml.with_extension("manifest");
    let edited = std::fs::read_to_string(&manifest)
        .unwrap()
        .replace("README.md", "README.txt");
    std::fs::write(&manifest, edited).unwrap();
    let o = recheck(&toml, work.path(), &[]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("is not the manifest this checklist recorded"),
        "{}",
        text(&o)
    );
}

/// A hard link in the archive carries no content of its own: what is
/// installed there must hold its target's content.
#[cfg(unix)]
#[test]
fn a_hard_linked_file_with_other_content_is_reported() {
    use intake::testkit::hostile::{RawTar, gz, kind};
    let data = b"#!/bin/sh\necho ok\n";
    let tar = RawTar::new()
        .entry(b"m/", kind::DIR, 0o755, b"", b"")
        .file_mode("m/run.sh", 0o755, data)
        .entry(b"m/run-too", kind::HARDLINK, 0o755, b"", b"m/run.sh")
        .finish();
    let sha = |b: &[u8]| hex::encode(sha2::Sha256::digest(b));
    let notes = format!(
        "## Contents: m.tar.gz\n\n| path | size | sha256 |\n|---|---|---|\n| m/run.sh | {} | {} |\n| m/run-too | | {} |\n",
        data.len(),
        sha(data),
        sha(b"m/run.sh")
    );
    let w = write(&one_artifact_feed(
        "linux-x86_64",
        "m.tar.gz",
        gz(&tar),
        Some(notes),
    ));
    let work = tempfile::tempdir().unwrap();
    let toml = approve(&w.feed, &work.path().join("checklists"));
    let manifest = std::fs::read_to_string(toml.with_extension("manifest")).unwrap();
    assert!(manifest.contains("\thardlink\tm/run-too"), "{manifest}");
    let root = work.path().join("opt");
    install(&w.dir.path().join("releases/4.2.1/m.tar.gz"), &root);
    let o = recheck(&toml, &root, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));

    // The link replaced by a file of the same size and other bytes.
    std::fs::remove_file(root.join("m/run-too")).unwrap();
    std::fs::write(root.join("m/run-too"), b"#!/bin/sh\necho no\n").unwrap();
    chmod(&root.join("m/run-too"), 0o755);
    let o = recheck(&toml, &root, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let out = text(&o);
    assert!(
        out.contains("MODIFIED  m/run-too: content changed (SHA-256 differs)"),
        "{out}"
    );
    assert!(!out.contains("MODIFIED  m/run.sh"), "{out}");

    // A symlink where the hard link was is not a regular file.
    std::fs::remove_file(root.join("m/run-too")).unwrap();
    std::os::unix::fs::symlink("run.sh", root.join("m/run-too")).unwrap();
    let out = text(&recheck(&toml, &root, &[]));
    assert!(
        out.contains("MODIFIED  m/run-too: is a symlink, was a hardlink"),
        "{out}"
    );
}
