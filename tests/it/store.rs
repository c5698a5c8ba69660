//! The local store: an approved artifact and its evidence under the feed's
//! relative paths, beside a feed whose only source is the store, so the
//! review can be re-run from it offline. Nothing unverified, nothing
//! replaced.

use std::path::Path;

use intake::testkit::layout::{FileSpec, ReleaseSpec};

use crate::support::*;

fn verify(feed: &Path, platform: &str, store: &Path, extra: &[&str]) -> (i32, String, String) {
    let out = tempfile::tempdir().unwrap();
    let o = crate::support::intake_bin()
        .args([
            "verify",
            feed.to_str().unwrap(),
            "--release",
            "4.2.1",
            "--platform",
            platform,
        ])
        .args([
            "--operator",
            "a.operator",
            "--approver",
            "b.approver",
            "--offline",
        ])
        .arg("--checklist-dir")
        .arg(out.path())
        .arg("--store")
        .arg(store)
        .args(extra)
        .output()
        .unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// The good feed with a second platform.
fn two_platform_feed() -> intake::testkit::layout::FeedSpec {
    let mut feed = good_feed();
    feed.releases = vec![
        ReleaseSpec::signed(
            "4.2.1",
            "2026-03-02",
            vendor(),
            signed(),
            vec![
                ("linux-x86_64", binary_artifact()),
                (
                    "windows-x86_64",
                    FileSpec::new("meridian-4.2.1-windows-x86_64.bin", vec![9u8; 5000]),
                ),
            ],
        )
        .unwrap(),
    ];
    feed
}

#[test]
fn an_approved_artifact_lands_in_the_store_and_the_store_is_a_source() {
    let w = write(&two_platform_feed());
    let store = tempfile::tempdir().unwrap();
    let (code, out, err) = verify(&w.feed, "linux-x86_64", store.path(), &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("stored:"), "{out}");
    let product = store.path().join("meridian");
    for file in [
        "feed.toml",
        "4.2.1/SHA256SUMS",
        "4.2.1/SHA256SUMS.asc",
        "4.2.1/meridian-4.2.1-linux-x86_64.bin",
        "4.2.1/meridian-4.2.1-linux-x86_64.bin.asc",
        "keys/vendor.asc",
    ] {
        assert!(
            product.join(file).is_file(),
            "{file} missing from the store"
        );
    }
    assert!(
        !product
            .join("4.2.1/meridian-4.2.1-windows-x86_64.bin")
            .exists(),
        "only what was approved"
    );
    let store_feed = std::fs::read_to_string(product.join("feed.toml")).unwrap();
    assert!(store_feed.contains("url = \".\""), "{store_feed}");
    assert!(!store_feed.contains("windows"), "{store_feed}");

    // The store is a ready source: the review re-runs from it, offline.
    let again = tempfile::tempdir().unwrap();
    let (code, out, err) = verify(
        &product.join("feed.toml"),
        "linux-x86_64",
        again.path(),
        &[],
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("served by store"), "{out}");

    // A second platform joins the same store feed.
    let (code, out, err) = verify(&w.feed, "windows-x86_64", store.path(), &[]);
    assert_eq!(code, 0, "{out}{err}");
    let store_feed = std::fs::read_to_string(product.join("feed.toml")).unwrap();
    assert!(
        store_feed.contains("linux-x86_64") && store_feed.contains("windows-x86_64"),
        "{store_feed}"
    );
    let (code, ..) = verify(
        &product.join("feed.toml"),
        "windows-x86_64",
        again.path(),
        &[],
    );
    assert_eq!(code, 0);
}

#[test]
fn a_rejected_review_stores_nothing() {
    let mut feed = good_feed();
    feed.expires = Some("2026-01-01".into());
    let w = write(&feed);
    let store = tempfile::tempdir().unwrap();
    let (code, out, _) = verify(&w.feed, "linux-x86_64", store.path(), &[]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(std::fs::read_dir(store.path()).unwrap().count(), 0);
}

#[test]
fn the_store_never_replaces_different_bytes() {
    let w = write(&good_feed());
    let store = tempfile::tempdir().unwrap();
    let target = store
        .path()
        .join("meridian/4.2.1/meridian-4.2.1-linux-x86_64.bin");
    std::fs::create_dir_all(target.parent().unwrap()).unwrap();
    std::fs::write(&target, b"something else entirely").unwrap();
    let (code, out, err) = verify(&w.feed, "linux-x86_64", store.path(), &[]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains("approved, and the checklist is written"),
        "{err}"
    );
    assert!(
        err.contains("the store already holds different bytes"),
        "{err}"
    );
    assert_eq!(std::fs::read(&target).unwrap(), b"something else entirely");
    // The same bytes again are fine (a re-review).
    std::fs::write(&target, &binary_artifact().bytes).unwrap();
    assert_eq!(verify(&w.feed, "linux-x86_64", store.path(), &[]).0, 0);
}

#[test]
fn evidence_re_signed_by_the_vendor_replaces_the_older_copy() {
    let store = tempfile::tempdir().unwrap();
    let first = write(&good_feed());
    assert_eq!(verify(&first.feed, "linux-x86_64", store.path(), &[]).0, 0);
    let sig = store.path().join("meridian/4.2.1/SHA256SUMS.asc");
    let before = std::fs::read(&sig).unwrap();
    // The same release, its checksum file signed again (new signature bytes).
    let second = write(&good_feed());
    assert_eq!(verify(&second.feed, "linux-x86_64", store.path(), &[]).0, 0);
    let after = std::fs::read(&sig).unwrap();
    assert_ne!(before, after);
    assert_eq!(
        after,
        std::fs::read(second.dir.path().join("releases/4.2.1/SHA256SUMS.asc")).unwrap()
    );
}

#[test]
fn no_store_keeps_nothing() {
    let w = write(&good_feed());
    let out = tempfile::tempdir().unwrap();
    let store = out.path().join("store");
    let o = crate::support::intake_bin()
        .args([
            "verify",
            w.feed.to_str().unwrap(),
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
        .arg(out.path().join("c"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    assert!(!String::from_utf8_lossy(&o.stdout).contains("stored:"));
    assert!(!store.exists());
    assert!(
        !crate::support::data_home()
            .join("intake/store/meridian/4.2.1/meridian-4.2.1-linux-x86_64.bin.tmp")
            .exists()
    );
    // --store and --no-store contradict each other.
    crate::support::intake_bin()
        .args([
            "verify",
            w.feed.to_str().unwrap(),
            "--release",
            "4.2.1",
            "--operator",
            "a",
            "--approver",
            "b",
            "--no-store",
            "--store",
        ])
        .arg(&store)
        .assert()
        .code(2);
}
