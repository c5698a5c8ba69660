//! `image.digest` and the layers, for each form an image comes in: the
//! chain from the pinned digest holds (or says where it breaks), the
//! platform's manifest is chosen, and the chosen layers' entries are the
//! manifest's, named by layer.

use intake::engine::shared::check::{CheckId, Status};
use intake::testkit::oci::digest_of;
use intake::testkit::oci_feed::ImageFeed;

use super::*;

#[test]
fn a_signed_layout_tar_passes_with_its_layers_named_by_layer() {
    let (feed, _) = signed_tar_feed();
    let r = review_image(&feed);
    assert_says(&r, CheckId::ImageDigest, Status::Pass, &["2 layers"]);
    assert_says(
        &r,
        CheckId::ImageSignature,
        Status::Pass,
        &["cosign.pub", "ECDSA P-256"],
    );
    assert_status(&r, CheckId::ArchiveSafety, Status::Pass);
    assert_status(&r, CheckId::ChecksumSha256, Status::Pass);
    assert!(r.check(CheckId::PackageSignature).is_none());
    let p = paths(&r);
    assert!(p.contains(&"layer-1/etc/os-release".to_string()), "{p:?}");
    assert!(
        p.contains(&"layer-2/opt/meridian/meridian".to_string()),
        "{p:?}"
    );
    // Only the amd64 manifest's layers: arm64's are listed as ignored.
    assert_eq!(p.iter().filter(|p| p.ends_with("os-release")).count(), 1);
    let digest = check(&r, CheckId::ImageDigest);
    assert!(
        digest.evidence["notes"].contains("linux/arm64"),
        "{digest:#?}"
    );
    assert!(
        digest.evidence["notes"].contains("whiteouts"),
        "{digest:#?}"
    );
    assert!(digest.evidence["chain"].contains("config"), "{digest:#?}");
}

#[test]
fn a_layout_folder_is_read_in_place_as_the_tar_of_it() {
    let image = layout();
    let feed = ImageFeed::folder("meridian-4.2.1.oci", image);
    let mut feed = feed;
    feed.signatures = Some("optional".into());
    let r = review_image(&feed);
    assert_status(&r, CheckId::ImageDigest, Status::Pass);
    assert_says(
        &r,
        CheckId::ChecksumSha256,
        Status::Skip,
        &["pinned digest"],
    );
    assert_says(
        &r,
        CheckId::ImageSignature,
        Status::Skip,
        &["none published"],
    );
    assert!(paths(&r).contains(&"layer-2/opt/meridian/meridian".to_string()));
}

#[test]
fn a_docker_save_tarball_is_pinned_by_its_config() {
    let image = layout();
    let (tar, config) = image.docker_save(0).unwrap();
    let mut feed = ImageFeed::tar("meridian-4.2.1.docker.tar", tar, &config);
    feed.signatures = Some("optional".into());
    let r = review_image(&feed);
    assert_says(
        &r,
        CheckId::ImageDigest,
        Status::Pass,
        &["docker save", "config digest"],
    );
    assert!(paths(&r).contains(&"layer-1/etc/motd".to_string()));
}

#[test]
fn a_tampered_layer_under_an_intact_manifest_fails() {
    let mut image = layout();
    let layer = image.platforms[0].layers[1].clone();
    let bytes = image.blobs.get_mut(&layer).unwrap();
    let last = bytes.len() - 12;
    bytes[last] ^= 0x55;
    let feed = ImageFeed::tar("m.oci.tar", image.tar().unwrap(), &image.pinned.clone());
    let r = review_image(&feed);
    assert_says(
        &r,
        CheckId::ImageDigest,
        Status::Fail,
        &["layer 2", "hash to"],
    );
}

#[test]
fn a_missing_blob_fails() {
    let mut image = layout();
    let config = image.platforms[0].config.clone();
    image.blobs.remove(&config);
    let feed = ImageFeed::tar("m.oci.tar", image.tar().unwrap(), &image.pinned.clone());
    let r = review_image(&feed);
    assert_says(
        &r,
        CheckId::ImageDigest,
        Status::Fail,
        &["config", "missing"],
    );
}

#[test]
fn a_platform_the_index_does_not_have_fails() {
    let image = layout();
    let mut feed = ImageFeed::tar("m.oci.tar", image.tar().unwrap(), &image.pinned.clone());
    feed.platform = "linux-s390x".into();
    let r = review_image(&feed);
    assert_says(
        &r,
        CheckId::ImageDigest,
        Status::Fail,
        &["no manifest for linux/s390x", "linux/amd64"],
    );
}

#[test]
fn a_manifest_pinned_directly_for_another_platform_fails() {
    let image = layout();
    let arm = image.platforms[1].manifest.clone();
    let feed = ImageFeed::tar("m.oci.tar", image.tar().unwrap(), &arm);
    let r = review_image(&feed);
    assert_says(
        &r,
        CheckId::ImageDigest,
        Status::Fail,
        &["linux/arm64", "linux/amd64"],
    );
    assert_says(&r, CheckId::PackageIdentity, Status::Fail, &["linux/arm64"]);
}

#[test]
fn a_digest_the_image_does_not_hold_fails() {
    let image = layout();
    let feed = ImageFeed::tar(
        "m.oci.tar",
        image.tar().unwrap(),
        &digest_of(b"another image"),
    );
    let r = review_image(&feed);
    assert_says(
        &r,
        CheckId::ImageDigest,
        Status::Fail,
        &["neither listed in index.json"],
    );
}

#[test]
fn a_tag_without_a_digest_is_refused_by_the_feed() {
    let image = layout();
    let mut feed = ImageFeed::tar("m.oci.tar", image.tar().unwrap(), "");
    feed.digest = None;
    feed.tag = Some("4.2.1".into());
    let err = try_review_image(&feed).unwrap_err().to_string();
    assert!(err.contains("tag") && err.contains("digest"), "{err}");
}

#[test]
fn a_digest_that_is_not_sha256_hex_is_refused_by_the_feed() {
    let image = layout();
    let feed = ImageFeed::tar("m.oci.tar", image.tar().unwrap(), "sha256:1234");
    let err = try_review_image(&feed).unwrap_err().to_string();
    assert!(err.contains("64 lower-case hex"), "{err}");
}

#[test]
fn an_image_without_a_digest_pin_fails_image_digest() {
    let image = layout();
    let mut feed = ImageFeed::tar("m.oci.tar", image.tar().unwrap(), "");
    feed.digest = None;
    let r = review_image(&feed);
    assert_says(&r, CheckId::ImageDigest, Status::Fail, &["pins no digest"]);
}

#[test]
fn labels_that_disagree_with_the_release_warn() {
    let mut spec = intake::testkit::oci::ImageSpec::meridian();
    spec.labels = vec![
        ("org.opencontainers.image.version".into(), "4.1.0".into()),
        (
            "org.opencontainers.image.title".into(),
            "someone-else".into(),
        ),
    ];
    let image = spec.build().unwrap();
    let mut feed = ImageFeed::tar("m.oci.tar", image.tar().unwrap(), &image.pinned.clone());
    feed.signatures = Some("optional".into());
    let r = review_image(&feed);
    assert_says(
        &r,
        CheckId::PackageIdentity,
        Status::Warn,
        &["4.1.0", "someone-else"],
    );
    // Labels that agree, and the platform that fits, pass.
    let good = layout();
    let r = review_image(&ImageFeed::tar(
        "m.oci.tar",
        good.tar().unwrap(),
        &good.pinned.clone(),
    ));
    assert_says(&r, CheckId::PackageIdentity, Status::Pass, &["linux/amd64"]);
}

/// `intake verify` of the image feed at `feed` into `store`; the exit code.
fn verify_into(feed: &std::path::Path, store: &std::path::Path) -> Option<i32> {
    let checklists = tempfile::tempdir().unwrap();
    let o = intake_bin()
        .arg("verify")
        .arg(feed)
        .args(["--release", "4.2.1", "--platform", "linux-x86_64"])
        .args(["--operator", "a", "--approver", "b", "--offline"])
        .args(["--waive", "archive.contents=test image, no release notes"])
        .arg("--checklist-dir")
        .arg(checklists.path())
        .arg("--store")
        .arg(store)
        .output()
        .unwrap();
    assert!(
        o.status.code() == Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    o.status.code()
}

#[test]
fn an_approved_layout_folder_is_kept_as_its_tar_and_reviews_again_from_the_store() {
    let key = intake::testkit::oci::CosignTestKey::p256().unwrap();
    let mut image = layout();
    let pinned = image.pinned.clone();
    image.sign(&key, &pinned);
    let feed =
        ImageFeed::folder("meridian-4.2.1.oci", image).pin_key("cosign.pub", &key.public_pem());
    let dir = tempfile::tempdir().unwrap();
    let path = feed.write(dir.path(), vendor(), signed()).unwrap();
    let store = dir.path().join("store");
    assert_eq!(verify_into(&path, &store), Some(0));
    let stored = store.join("meridian/feed.toml");
    let text = std::fs::read_to_string(&stored).unwrap();
    assert!(
        text.contains(&pinned) && text.contains("cosign_keys"),
        "{text}"
    );
    let kept = store.join("meridian/4.2.1/meridian-4.2.1.oci");
    assert!(kept.is_file(), "the folder is kept as the tar of it");
    let r = try_review_at(&stored, "4.2.1", "linux-x86_64", now()).unwrap();
    assert_status(&r, CheckId::ImageDigest, Status::Pass);
    assert_status(&r, CheckId::ImageSignature, Status::Pass);
}
