//! The store keeps an approved Debian package with its whole APT chain:
//! the Release file, its signature and the `Packages` index the chain's
//! first link verified (read in place from a folder, or the download
//! moved out of the cache), so the store's own feed reviews the package
//! again offline, link by link.

use std::path::Path;

use intake::testkit::server::Server;
use serde_json::Value;

use super::{Form, Repo};
use crate::support::*;

/// `intake verify` of `feed` (4.2.1, linux-x86_64) as JSON; `store`:
/// the store folder, or none.
fn verify_into(feed: &Path, store: Option<&Path>) -> Value {
    let out_dir = tempfile::tempdir().unwrap();
    let mut cmd = intake_bin();
    cmd.args(["verify", feed.to_str().unwrap(), "--release", "4.2.1"])
        .args(["--platform", "linux-x86_64", "--operator", "a"])
        .args(["--approver", "b", "--format", "json", "--checklist-dir"])
        .arg(out_dir.path())
        .args([
            "--waive",
            "archive.contents=the repository publishes no release notes",
        ]);
    match store {
        Some(store) => cmd.arg("--store").arg(store),
        None => cmd.arg("--no-store"),
    };
    crate::json_contract::valid("verify", &cmd.output().unwrap())
}

fn chain_passes(review: &Value, from: &str) {
    let c = super::debian::check(review, "checksum.sha256");
    assert_eq!(c["status"], "pass", "{from}: {c:#}");
    assert_eq!(review["verdict"], "approved", "{from}: {review:#}");
}

#[test]
fn an_approved_package_is_stored_with_its_index_and_reviews_again_from_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let feed = Repo::good(Form::InRelease, "Packages.xz").write(dir.path());
    let server = Server::start().unwrap();
    super::rows::serve_repo(&server, &dir.path().join("repo"), false);
    let served = dir.path().join("served.toml");
    let text = std::fs::read_to_string(&feed)
        .unwrap()
        .replace("url = \"repo/\"", &format!("url = \"{}\"", server.url()));
    std::fs::write(&served, text).unwrap();
    for (how, feed) in [("a folder source", &feed), ("a download", &served)] {
        let store = tempfile::tempdir().unwrap();
        chain_passes(&verify_into(feed, Some(store.path())), how);
        let product = store.path().join("meridian");
        let index = product.join("dists/stable/main/binary-amd64/Packages.xz");
        assert_eq!(
            std::fs::read(&index).ok(),
            std::fs::read(
                dir.path()
                    .join("repo/dists/stable/main/binary-amd64/Packages.xz")
            )
            .ok(),
            "{how}: the store keeps the index the chain verified"
        );
        let store_feed = product.join("feed.toml");
        let text = std::fs::read_to_string(&store_feed).unwrap();
        assert!(
            text.contains("index = \"dists/stable/main/binary-amd64/Packages.xz\""),
            "{how}: {text}"
        );
        let again = verify_into(&store_feed, None);
        chain_passes(&again, &format!("{how}, then the store"));
    }
}
