//! The walk's Verify step shows who signed a Windows file, when it was
//! stamped and the digest it signs, in words, on an 80-column screen.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use intake::engine::select::feed::Feed;
use intake::engine::shared::check::CheckId;
use intake::testkit::authenticode as ac;
use intake::testkit::pe;

use super::{PLATFORM, parties, pe_feed};
use crate::support::tui::{model_of, press, render, reviewed};
use crate::support::*;

#[test]
fn verify_shows_the_publisher_the_timestamp_and_the_signed_digest() {
    let p = parties();
    let bytes = ac::sign(&pe::small(64), &p.vendor, Some(&p.stamp()));
    let w = write(&pe_feed(
        bytes,
        &[("vendor-ca.pem", &p.vendor.ca.cert_pem)],
        &[("tsa-ca.pem", &p.tsa.ca.cert_pem)],
    ));
    let review = try_review_at(&w.feed, "4.2.1", PLATFORM, now()).unwrap();
    let digest = review
        .check(CheckId::AuthenticodeSignature)
        .and_then(|c| c.evidence.get("signed_digest").cloned())
        .unwrap();
    let mut m = model_of(Feed::load(Path::new(&w.feed)).unwrap(), BTreeMap::new());
    reviewed(&mut m, Arc::new(review.clone()));
    let at = |id| review.checks.iter().position(|c| c.id == id).unwrap();
    press(&mut m, &"j".repeat(at(CheckId::AuthenticodeSignature)));
    let screen = render(&mut m, 80, 40);
    assert!(screen.contains("authenticode.signature"), "{screen}");
    assert!(screen.contains("publisher"), "{screen}");
    assert!(
        screen.contains("publisher           Northwind Health Systems /"),
        "{screen}"
    );
    assert!(screen.contains("digest algorithm    SHA-256"), "{screen}");
    assert!(
        screen.contains("authenticode.signature signed by"),
        "{screen}"
    );
    assert!(
        screen.contains("checksum.sha256        matches"),
        "{screen}"
    );
    assert!(screen.contains(&digest[..40]), "{screen}");
    assert!(screen.contains("revocation"), "{screen}");
    press(&mut m, "j");
    let screen = render(&mut m, 80, 40);
    assert!(
        screen.contains("signed at 2026-03-01T00:00:00Z"),
        "{screen}"
    );
    assert!(screen.contains("Example Timestamping"), "{screen}");
}
