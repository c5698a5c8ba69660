//! No side effects nobody asked for: a training lesson never touches the
//! demo product's records, a review never changes the trust under which
//! stored releases were approved (and a key revoked as compromised never
//! enters a store feed), and a `--no-store` trial without a change request
//! is not the last approval. (The demo review without a terminal is in
//! `samples.rs`.)

use std::path::{Path, PathBuf};
use std::process::Output;

use intake::testkit::layout::{FeedSpec, ReleaseSpec};

use crate::support::*;

fn samples(feed: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("sample-releases")
        .join(feed)
        .join("feed.toml")
}

/// `intake verify FEED --release VERSION` for linux-x86_64, offline.
fn verify(feed: &Path, version: &str, checklists: &Path, extra: &[&str]) -> Output {
    intake_bin()
        .arg("verify")
        .arg(feed)
        .args(["--release", version, "--platform", "linux-x86_64"])
        .args(["--operator", "a.operator", "--approver", "b.approver"])
        .arg("--offline")
        .arg("--checklist-dir")
        .arg(checklists)
        .args(extra)
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// The training feed pins the 2024 demo key, revoked as compromised.
const COMPROMISED_2024: &str = "AF1AA952C7169C0797C47970C461192EBFC637A6";

#[test]
fn a_training_lesson_never_touches_the_demo_products_records() {
    let desk = tempfile::tempdir().unwrap();
    let store = desk.path().join("store");
    let checklists = desk.path().join("checklists");
    let o = verify(
        &samples("training"),
        "world-writable",
        &checklists,
        &[
            "--waive",
            "archive.safety=logging.toml is rewritten by our installer",
            "--store",
            store.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(
        !store.join("meridian").exists(),
        "the demo product's folder"
    );
    let product = store.join("meridian-training");
    assert!(store.join("history.sqlite").is_file());
    // The compromised 2024 key is left out of the store feed, and said so.
    let store_feed = std::fs::read_to_string(product.join("feed.toml")).unwrap();
    assert!(!store_feed.contains(COMPROMISED_2024), "{store_feed}");
    assert!(
        !store_feed.contains("northwind-release-2024"),
        "{store_feed}"
    );
    assert!(!product.join("keys/northwind-release-2024.asc").exists());
    assert!(
        text(&o).contains(&format!("{COMPROMISED_2024} is revoked as compromised")),
        "{}",
        text(&o)
    );
    // The store is still a source for the lesson, under the remaining pin.
    let o = verify(
        &product.join("feed.toml"),
        "world-writable",
        &checklists,
        &[
            "--waive",
            "archive.safety=logging.toml is rewritten by our installer",
            "--no-store",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));

    // The demo product's 4.2.1 is no rollback: nothing of it was approved.
    let o = verify(
        &samples("meridian"),
        "4.2.1",
        &checklists,
        &["--store", store.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(
        text(&o).contains("SKIP - release.rollback     no earlier approval"),
        "{}",
        text(&o)
    );
    let demo_feed = std::fs::read_to_string(store.join("meridian/feed.toml")).unwrap();
    assert!(!demo_feed.contains(COMPROMISED_2024), "{demo_feed}");
}

/// A feed of the same product id pinning only the second vendor key.
fn rotated_feed() -> FeedSpec {
    let mut feed = FeedSpec::pinning(second_vendor()).unwrap();
    feed.releases.push(
        ReleaseSpec::signed(
            "4.2.1",
            "2026-03-02",
            second_vendor(),
            signed(),
            vec![("linux-x86_64", binary_artifact())],
        )
        .unwrap(),
    );
    feed
}

#[test]
fn a_review_never_changes_the_trust_of_the_store() {
    let desk = tempfile::tempdir().unwrap();
    let store = desk.path().join("store");
    let store_arg = ["--store", store.to_str().unwrap()];
    let first = write(&good_feed());
    let o = verify(&first.feed, "4.2.1", &desk.path().join("first"), &store_arg);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let store_feed = store.join("meridian/feed.toml");
    let before = std::fs::read(&store_feed).unwrap();

    // The same product id under another key: refused before anything is
    // read or written, naming both pins and what to do.
    let rotated = write(&rotated_feed());
    let checklists = desk.path().join("rotated");
    let o = verify(&rotated.feed, "4.2.1", &checklists, &store_arg);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(err.contains("approved under other trust"), "{err}");
    assert!(
        err.contains(&intake::testkit::keys::fingerprint(vendor())),
        "{err}"
    );
    assert!(
        err.contains(&intake::testkit::keys::fingerprint(second_vendor())),
        "{err}"
    );
    assert!(err.contains("--no-store"), "{err}");
    assert!(!checklists.exists(), "nothing written");
    assert_eq!(std::fs::read(&store_feed).unwrap(), before, "pins kept");

    // Nor can a review widen the pins (a second key added) or lower the bar.
    let mut widened = good_feed();
    widened.also_pin("second.asc", second_vendor()).unwrap();
    let widened = write(&widened);
    let o = verify(&widened.feed, "4.2.1", &checklists, &store_arg);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert_eq!(std::fs::read(&store_feed).unwrap(), before, "pins kept");

    // Without the store, the review itself is unaffected.
    let o = verify(&rotated.feed, "4.2.1", &checklists, &["--no-store"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
}

#[test]
fn a_no_store_trial_without_a_change_request_is_not_the_last_approval() {
    let w = write(&good_feed());
    let desk = tempfile::tempdir().unwrap();
    let checklists = desk.path().join("checklists");
    let history = data_home().join("intake/store/history.sqlite");

    let o = verify(&w.feed, "4.2.1", &checklists, &["--no-store"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(
        text(&o).contains("history:   not recorded: --no-store without --change-request"),
        "{}",
        text(&o)
    );
    assert!(!history.exists(), "a trial is no approval");

    // A real approval (a change request named) is recorded, store or not.
    let o = verify(
        &w.feed,
        "4.2.1",
        &checklists,
        &["--no-store", "--change-request", "CR-9"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(
        text(&o).contains("SKIP - release.rollback     no earlier approval"),
        "the trial left nothing: {}",
        text(&o)
    );
    assert!(history.is_file());
    assert!(
        text(&o).contains(&format!(
            "history:   approval recorded in the history database {}",
            history.display()
        )),
        "{}",
        text(&o)
    );
    let o = verify(&w.feed, "4.2.1", &checklists, &["--no-store"]);
    assert!(
        text(&o).contains("a re-review: 4.2.1 was approved here on") && text(&o).contains("CR-9"),
        "{}",
        text(&o)
    );
}
