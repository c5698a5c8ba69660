//! `image.signature`, row by row: a pinned key (P-256 and Ed25519), an
//! unpinned key, a signature over another digest, a corrupt signature,
//! none published (required and optional), and a Sigstore bundle (its
//! DSSE envelope by a pinned key over a statement naming the pinned digest).

use base64::Engine;
use intake::engine::shared::check::{CheckId, Status};
use intake::testkit::layout::FileSpec;
use intake::testkit::oci::{CosignTestKey, digest_of, dsse_bundle, payload_for};
use intake::testkit::oci_feed::ImageFeed;

use super::*;

fn feed_signed_by(signer: &CosignTestKey, pinned_key: &CosignTestKey) -> ImageFeed {
    let mut image = layout();
    let pinned = image.pinned.clone();
    image.sign(signer, &pinned);
    ImageFeed::tar("m.oci.tar", image.tar().unwrap(), &pinned)
        .pin_key("cosign.pub", &pinned_key.public_pem())
}

#[test]
fn an_ed25519_key_verifies_too() {
    let key = CosignTestKey::ed25519().unwrap();
    let r = review_image(&feed_signed_by(&key, &key));
    assert_says(&r, CheckId::ImageSignature, Status::Pass, &["Ed25519"]);
    // A cosign signature meets `signatures = "required"` for the others.
    assert_ne!(check(&r, CheckId::SignatureArtifact).status, Status::Fail);
}

#[test]
fn a_signature_by_an_unpinned_key_fails() {
    let signer = CosignTestKey::p256().unwrap();
    let pinned = CosignTestKey::p256().unwrap();
    let r = review_image(&feed_signed_by(&signer, &pinned));
    assert_says(&r, CheckId::ImageSignature, Status::Fail, &["not pinned"]);
}

#[test]
fn a_signature_when_the_feed_pins_no_cosign_key_fails() {
    let key = CosignTestKey::p256().unwrap();
    let mut feed = feed_signed_by(&key, &key);
    feed.cosign_keys.clear();
    let r = review_image(&feed);
    assert_says(
        &r,
        CheckId::ImageSignature,
        Status::Fail,
        &["pins no cosign key"],
    );
}

#[test]
fn a_signature_over_another_digest_fails() {
    let key = CosignTestKey::p256().unwrap();
    let mut image = layout();
    let pinned = image.pinned.clone();
    let other = payload_for(&digest_of(b"an older image"));
    let sig = base64::engine::general_purpose::STANDARD.encode(key.sign(&other));
    image.add_signature(&pinned, other, &sig);
    let feed = ImageFeed::tar("m.oci.tar", image.tar().unwrap(), &pinned)
        .pin_key("cosign.pub", &key.public_pem());
    let r = review_image(&feed);
    assert_says(
        &r,
        CheckId::ImageSignature,
        Status::Fail,
        &["another image's digest"],
    );
}

#[test]
fn a_corrupt_signature_fails() {
    let key = CosignTestKey::p256().unwrap();
    let mut image = layout();
    let pinned = image.pinned.clone();
    image.add_signature(&pinned, payload_for(&pinned), "not base64 at all!");
    let feed = ImageFeed::tar("m.oci.tar", image.tar().unwrap(), &pinned)
        .pin_key("cosign.pub", &key.public_pem());
    let r = review_image(&feed);
    assert_says(&r, CheckId::ImageSignature, Status::Fail, &["corrupt"]);
}

#[test]
fn none_published_fails_when_required_and_skips_when_optional() {
    let image = layout();
    let tar = image.tar().unwrap();
    let mut feed = ImageFeed::tar("m.oci.tar", tar, &image.pinned.clone());
    // The checksum file's signature passes: `required` is met by it.
    let r = review_image(&feed);
    assert_status(&r, CheckId::SignatureChecksums, Status::Pass);
    assert_says(
        &r,
        CheckId::ImageSignature,
        Status::Skip,
        &["none published"],
    );
    // A folder has no checksum line: the checksum file's signature covers nothing of it.
    let folder = ImageFeed::folder("m.oci", image.clone());
    let r = review_image(&folder);
    assert_says(
        &r,
        CheckId::ImageSignature,
        Status::Fail,
        &["requires a signature"],
    );
    feed.signatures = Some("optional".into());
    let r = review_image(&feed);
    assert_status(&r, CheckId::ImageSignature, Status::Skip);
}

/// An unsigned image's feed with a Sigstore bundle beside it.
fn feed_with_bundle(bundle: String, pinned_key: &CosignTestKey) -> ImageFeed {
    let image = layout();
    let pinned = image.pinned.clone();
    let mut feed = ImageFeed::tar("m.oci.tar", image.tar().unwrap(), &pinned)
        .pin_key("cosign.pub", &pinned_key.public_pem());
    feed.bundle = Some(FileSpec::new("m.sigstore.json", bundle));
    feed
}

#[test]
fn a_bundle_by_a_pinned_key_over_the_pinned_digest_passes() {
    for key in [
        CosignTestKey::p256().unwrap(),
        CosignTestKey::ed25519().unwrap(),
    ] {
        let pinned = layout().pinned;
        let r = review_image(&feed_with_bundle(dsse_bundle(&key, &pinned), &key));
        let c = assert_status(&r, CheckId::ImageSignature, Status::Pass);
        assert!(c.summary.contains("in a Sigstore bundle"), "{c:#?}");
        assert!(
            c.evidence["bundle"]
                .contains("transparency-log entries and timestamps are not verified"),
            "{c:#?}"
        );
        // The bundle's signature meets `signatures = "required"`.
        assert_ne!(check(&r, CheckId::SignatureArtifact).status, Status::Fail);
    }
}

#[test]
fn a_bundle_by_an_unpinned_key_over_another_digest_or_corrupt_fails() {
    let key = CosignTestKey::p256().unwrap();
    let other = CosignTestKey::p256().unwrap();
    let pinned = layout().pinned;
    let cases = [
        (dsse_bundle(&other, &pinned), "not pinned"),
        (
            dsse_bundle(&key, &digest_of(b"another image")),
            "another image's digest",
        ),
        ("{\"dsseEnvelope\": 7}".to_string(), "corrupt"),
        (
            "{\"messageSignature\":{\"signature\":\"AA==\"}}".to_string(),
            "sign-blob",
        ),
    ];
    for (bundle, words) in cases {
        let r = review_image(&feed_with_bundle(bundle, &key));
        assert_says(&r, CheckId::ImageSignature, Status::Fail, &[words]);
    }
}

#[test]
fn a_pinned_key_that_is_not_a_public_key_fails_saying_which() {
    let key = CosignTestKey::p256().unwrap();
    let mut feed = feed_signed_by(&key, &key);
    feed.cosign_keys = vec![(
        "cosign.pub".into(),
        "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n".into(),
    )];
    let r = review_image(&feed);
    assert_says(
        &r,
        CheckId::ImageSignature,
        Status::Fail,
        &["cannot be used", "cosign.pub"],
    );
}
