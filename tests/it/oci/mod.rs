//! Container images (issue 17): OCI layouts (tar and folder) and docker
//! save tarballs reviewed end to end from the pinned digest ([`chain`]),
//! cosign signatures by pinned keys ([`signatures`]), layers walked with
//! the root-filesystem rules, hostile images ([`hostile`]), and skopeo
//! and umoci as the oracle where they are installed ([`oracle`]). Every
//! image is real bytes made by the test kit's builder.

mod chain;
mod hostile;
mod oracle;
mod signatures;
mod since;
mod tui;

use intake::engine::review::Review;
use intake::engine::shared::check::{CheckId, Status};
use intake::testkit::oci::{CosignTestKey, ImageSpec, Layout};
use intake::testkit::oci_feed::ImageFeed;

use crate::support::*;

/// The sample image: meridian 4.2.1 for linux/amd64 and linux/arm64.
pub fn layout() -> Layout {
    ImageSpec::meridian().build().unwrap()
}

/// Reviews an image feed (release 4.2.1 on its platform).
pub fn review_image(feed: &ImageFeed) -> Review {
    try_review_image(feed).unwrap()
}

pub fn try_review_image(feed: &ImageFeed) -> Result<Review, intake::engine::shared::error::Error> {
    let dir = tempfile::tempdir().unwrap();
    let path = feed.write(dir.path(), vendor(), signed()).unwrap();
    try_review_at(&path, "4.2.1", &feed.platform, now())
}

/// A layout's tar signed with a fresh P-256 key the feed pins.
pub fn signed_tar_feed() -> (ImageFeed, CosignTestKey) {
    let key = CosignTestKey::p256().unwrap();
    let mut image = layout();
    let pinned = image.pinned.clone();
    image.sign(&key, &pinned);
    let feed = ImageFeed::tar("meridian-4.2.1.oci.tar", image.tar().unwrap(), &pinned)
        .pin_key("cosign.pub", &key.public_pem());
    (feed, key)
}

/// The manifest's paths, as text.
pub fn paths(r: &Review) -> Vec<String> {
    r.manifest
        .iter()
        .map(|e| String::from_utf8_lossy(&e.path).into_owned())
        .collect()
}

#[track_caller]
pub fn assert_says(r: &Review, id: CheckId, status: Status, words: &[&str]) {
    let c = assert_status(r, id, status);
    let text = format!("{} {:?}", c.summary, c.findings);
    for w in words {
        assert!(text.contains(w), "{id} does not say {w:?}: {c:#?}");
    }
}
