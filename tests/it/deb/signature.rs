//! `package.signature`: the debsigs `_gpgorigin` signature judged against
//! the pinned keys over the bytes hashed in the one pass, as a detached
//! signature is; alone it meets `signatures = "required"`.

use intake::engine::shared::check::{CheckId, Status};
use intake::testkit::deb::DataEntry;
use intake::testkit::keys::{SignSpec, fingerprint};

use super::checks::{feed_for, review_of};
use super::spec;
use crate::support::*;

#[test]
fn a_package_signed_by_a_pinned_key_passes_package_signature() {
    let s = spec();
    let bytes = s.signed(vendor(), SignSpec::at(signed())).unwrap();
    let r = review_of(&s, bytes.clone());
    let c = assert_status(&r, CheckId::PackageSignature, Status::Pass);
    assert!(
        c.summary
            .contains("good signature by Northwind Release Key"),
        "{c:#?}"
    );
    assert_eq!(
        c.evidence["covers"],
        "debian-binary + control.tar.xz + data.tar.xz, concatenated"
    );
    assert_eq!(c.evidence["file"], "_gpgorigin");
    // Alone, it meets `signatures = "required"`.
    let mut feed = feed_for(&s, bytes);
    let release = &mut feed.releases[0];
    release.checksums_signature = None;
    release.artifacts[0].signature = None;
    let r = review(&feed);
    assert_status(&r, CheckId::PackageSignature, Status::Pass);
    assert_status(&r, CheckId::SignatureChecksums, Status::Skip);
    assert_status(&r, CheckId::SignatureArtifact, Status::Skip);
}

#[test]
fn a_package_signed_by_an_unpinned_key_or_altered_after_signing_fails() {
    let s = spec();
    let r = review_of(&s, s.signed(stranger(), SignSpec::at(signed())).unwrap());
    let c = assert_status(&r, CheckId::PackageSignature, Status::Fail);
    let fpr = intake::engine::verify::signature::spaced(&fingerprint(stranger()));
    assert!(
        c.findings.iter().any(|f| f.subject.contains(&fpr)),
        "{c:#?}"
    );
    // Signed, then the data member swapped for another (md5sums and all).
    let mut other = spec();
    other.data.push(DataEntry::File(
        "./usr/bin/extra".into(),
        0o755,
        b"#!/bin/sh\n".to_vec(),
    ));
    let signed_members = s.members().unwrap();
    let mut members = other.members().unwrap();
    let sig =
        intake::testkit::deb::debsigs_signature(vendor(), &signed_members, SignSpec::at(signed()))
            .unwrap();
    members.push(("_gpgorigin".into(), sig));
    let r = review_of(&other, intake::testkit::deb::ar(&members));
    let c = assert_status(&r, CheckId::PackageSignature, Status::Fail);
    assert!(
        c.summary.to_lowercase().contains("bad signature") || c.summary.contains("does not"),
        "{c:#?}"
    );
}

/// From local media the signature is looked at before the pass, so any
/// hash it was made with is computed; a download's covered bytes are hashed
/// with SHA-256 and SHA-512 only, and a signature made otherwise is named
/// as not checked rather than taken for bad.
#[test]
fn a_signature_with_another_hash_is_checked_from_local_media_and_named_from_a_download() {
    use intake::engine::fetch::hashers::HashKey;
    use intake::testkit::server::{Body, Route, Server};
    use sequoia_openpgp::types::HashAlgorithm;
    let s = spec();
    let bytes = s
        .signed(vendor(), SignSpec::at(signed()).hash(HashAlgorithm::SHA384))
        .unwrap();
    let r = review_of(&s, bytes.clone());
    assert_status(&r, CheckId::PackageSignature, Status::Pass);
    // Walked from the file: only the context the signature needs.
    let from_file = super::inspect_bytes(super::NAME, &bytes);
    let signed_with = |r: &intake::engine::inspect::report::ArchiveReport, algo| {
        let e = &r.package.as_deref().unwrap().signatures[0];
        e.signed.context(&HashKey::plain(algo)).is_some()
    };
    assert!(signed_with(&from_file, HashAlgorithm::SHA384));
    assert!(!signed_with(&from_file, HashAlgorithm::SHA256));

    let server = Server::start().unwrap();
    let mut feed = feed_for(&s, bytes);
    feed.sources = vec![("vendor".into(), server.url())];
    let release = feed.releases[0].clone();
    let a = &release.artifacts[0];
    for f in [&release.checksums, &a.file]
        .into_iter()
        .chain(release.checksums_signature.iter())
        .chain(release.notes.iter())
        .chain(a.signature.iter())
    {
        let path = format!("{}/{}", release.version, f.name);
        server.route(&path, Route::new(Body::bytes(f.bytes.clone())));
    }
    let w = write(&feed);
    let parsed = intake::engine::select::feed::Feed::load(&w.feed).unwrap();
    let trust = intake::engine::verify::signature::TrustStore::load(&parsed).unwrap();
    let cache = tempfile::tempdir().unwrap();
    let request = intake::engine::review::Request {
        version: "4.2.1".into(),
        platform: "linux-x86_64".into(),
        now: now(),
        fetch: intake::engine::fetch::open::FetchSettings {
            cache_dir: cache.path().to_path_buf(),
            ..Default::default()
        },
        limits: Default::default(),
        stage_dir: None,
        previous: intake::engine::select::rollback::Previous::None,
        approvals: Vec::new(),
        sbom_baseline: intake::engine::verify::sbom::Baseline::None("none".into()),
    };
    let r = intake::engine::review::run(
        &parsed,
        &trust,
        &request,
        &mut intake::engine::shared::event::Quiet,
        &intake::engine::shared::event::Cancel::new(),
    )
    .unwrap();
    let c = assert_status(&r, CheckId::PackageSignature, Status::Fail);
    assert!(
        c.summary.contains("made with SHA-384") && c.summary.contains("from local media"),
        "{c:#?}"
    );
}
