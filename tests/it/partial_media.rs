//! Local media holding only some of a feed's releases: the feed stays
//! usable, the held release is reviewed as usual, and a release no source
//! holds is a fetch outcome (exit 3) naming the file, each source and why.
//! `intake list` and the walk's Select step say which releases the local
//! sources hold.

use assert_cmd::Command;
use intake::testkit::layout::{FeedSpec, FileSpec, ReleaseSpec};

use crate::support::*;

/// Three releases (4.1.7, 4.2.0, 4.2.1) on two local sources: `usb`
/// holds 4.2.1 whole and 4.1.7 without its artifact; `share` holds nothing.
fn three_releases_one_held() -> Written {
    let mut feed = FeedSpec::pinning(vendor()).unwrap();
    feed.sources = vec![
        ("usb".into(), "releases/".into()),
        ("share".into(), "share/".into()),
    ];
    for (version, date, seed) in [
        ("4.2.1", "2026-03-02", 1),
        ("4.2.0", "2026-01-15", 2),
        ("4.1.7", "2025-11-20", 3),
    ] {
        let name = format!("meridian-{version}-linux-x86_64.bin");
        let bytes = intake::testkit::archives::noise(20_000, seed);
        let release = ReleaseSpec::signed(
            version,
            date,
            vendor(),
            signed(),
            vec![("linux-x86_64", FileSpec::new(&name, bytes))],
        )
        .unwrap();
        feed.releases.push(release);
    }
    let w = write(&feed);
    let releases = w.dir.path().join("releases");
    std::fs::remove_dir_all(releases.join("4.2.0")).unwrap();
    std::fs::remove_file(releases.join("4.1.7/meridian-4.1.7-linux-x86_64.bin")).unwrap();
    std::fs::create_dir_all(w.dir.path().join("share")).unwrap();
    w
}

fn verify(w: &Written, version: &str, out: &std::path::Path) -> Command {
    let mut cmd = intake_bin();
    cmd.arg("verify")
        .arg(&w.feed)
        .args(["--release", version, "--platform", "linux-x86_64"])
        .args(["--operator", "a.operator", "--approver", "b.approver"])
        .args(["--change-request", "CR-1", "--offline"])
        .arg("--checklist-dir")
        .arg(out);
    cmd
}

fn stderr_of(cmd: &mut Command, code: i32) -> String {
    let out = cmd.assert().code(code).get_output().clone();
    String::from_utf8(out.stderr).unwrap()
}

#[test]
fn the_release_on_the_media_is_reviewed_as_usual() {
    let w = three_releases_one_held();
    let out = tempfile::tempdir().unwrap();
    verify(&w, "4.2.1", out.path()).assert().code(0);
}

#[test]
fn an_artifact_on_no_source_exits_3_naming_each_source() {
    let w = three_releases_one_held();
    let out = tempfile::tempdir().unwrap();
    let err = stderr_of(&mut verify(&w, "4.1.7", out.path()), 3);
    assert!(
        err.contains("could not fetch 4.1.7/meridian-4.1.7-linux-x86_64.bin from any source"),
        "{err}"
    );
    for source in ["usb: not on this source", "share: not on this source"] {
        assert!(err.contains(source), "{source:?} not in {err}");
    }
    assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 0);
}

#[test]
fn a_release_whose_files_are_on_no_source_exits_3_naming_each_source() {
    let w = three_releases_one_held();
    let out = tempfile::tempdir().unwrap();
    let err = stderr_of(&mut verify(&w, "4.2.0", out.path()), 3);
    assert!(
        err.contains("could not fetch 4.2.0/SHA256SUMS from any source"),
        "{err}"
    );
    for source in ["usb: not on this source", "share: not on this source"] {
        assert!(err.contains(source), "{source:?} not in {err}");
    }
}

/// The NOTE cell of `version`'s row in `intake list`, without the host
/// note (it depends on the machine running the test).
fn note_of(text: &str, version: &str) -> String {
    let row = text
        .lines()
        .find(|l| l.starts_with(version))
        .unwrap_or_else(|| panic!("no row for {version} in {text}"));
    let after_file = row
        .split_once("linux-x86_64.bin")
        .map_or("", |(_, rest)| rest);
    after_file
        .replace(", this host", "")
        .replace("this host", "")
        .trim()
        .to_string()
}

#[test]
fn list_shows_every_release_and_which_the_media_holds() {
    let w = three_releases_one_held();
    let out = intake_bin().arg("list").arg(&w.feed).assert().code(0);
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert_eq!(note_of(&text, "4.2.1"), "newest stable, on this media");
    assert_eq!(note_of(&text, "4.2.0"), "not on any local source");
    // Its checksums are there, but not the artifact itself.
    assert_eq!(note_of(&text, "4.1.7"), "not on any local source");
}

#[test]
fn with_a_network_source_list_says_nothing_it_cannot_know() {
    let w = three_releases_one_held();
    let text = std::fs::read_to_string(&w.feed).unwrap().replace(
        "url = \"share/\"",
        "url = \"https://downloads.northwind.example/meridian/\"",
    );
    std::fs::write(&w.feed, text).unwrap();
    let out = intake_bin().arg("list").arg(&w.feed).assert().code(0);
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert_eq!(note_of(&text, "4.2.1"), "newest stable, on this media");
    assert_eq!(note_of(&text, "4.2.0"), "");
    assert_eq!(note_of(&text, "4.1.7"), "");
}

#[test]
fn the_walks_select_step_says_whether_the_media_holds_the_release() {
    let w = three_releases_one_held();
    let feed = w.feed.to_str().unwrap();
    for (version, words) in [
        ("4.2.1", "4.2.1 linux-x86_64: on this media"),
        ("4.2.0", "4.2.0 linux-x86_64: not on any local source"),
        ("4.1.7", "4.1.7 linux-x86_64: not on any local source"),
    ] {
        let mut m = crate::support::tui::model_at(feed, version);
        let screen = crate::support::tui::render(&mut m, 80, 24);
        assert!(screen.contains(words), "{words:?} not in\n{screen}");
    }
}
