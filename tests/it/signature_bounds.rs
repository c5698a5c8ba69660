//! Bounded work on hostile signature files: every distinct (hash
//! algorithm, v6 salt, text mode) is a pass of hashing over the artifact,
//! so one file's signatures get at most 8 of them, and one file is read for
//! at most 100 signatures. Past either bound the check fails, naming it.

use std::sync::OnceLock;
use std::time::{Duration, Instant, SystemTime};

use intake::engine::shared::check::{CheckId, Status};
use intake::engine::verify::signature::{self, MAX_HASH_CONTEXTS};
use intake::testkit::keys::{SignSpec, sign_detached};
use intake::testkit::layout::FileSpec;
use sequoia_openpgp as openpgp;
use sequoia_openpgp::Cert;
use sequoia_openpgp::cert::{CertBuilder, CipherSuite};
use sequoia_openpgp::parse::Parse;
use sequoia_openpgp::serialize::Serialize;
use sequoia_openpgp::types::KeyFlags;

use crate::support::*;

/// A vendor with a v6 (RFC 9580) Ed25519 key: each signature it makes
/// carries a fresh random salt, so each needs its own hash context.
fn v6_vendor() -> &'static Cert {
    static KEY: OnceLock<Cert> = OnceLock::new();
    KEY.get_or_init(|| {
        let (cert, _) = CertBuilder::new()
            .set_profile(openpgp::Profile::RFC9580)
            .unwrap()
            .set_cipher_suite(CipherSuite::Cv25519)
            .set_creation_time(SystemTime::from(key_created()))
            .set_primary_key_flags(KeyFlags::empty().set_certification().set_signing())
            .add_userid("V6 Vendor <v6@northwind.example>")
            .generate()
            .unwrap();
        cert
    })
}

/// Binary signature packets, one after another, in one `.sig` file.
fn concatenated(signatures: &[Vec<u8>]) -> Vec<u8> {
    signatures.concat()
}

/// A release by the v6 vendor whose artifact signature file is `sig`.
fn release_with_artifact_signature(sig: Vec<u8>) -> intake::testkit::layout::FeedSpec {
    let mut feed = intake::testkit::layout::FeedSpec::pinning(v6_vendor()).unwrap();
    let mut release = intake::testkit::layout::ReleaseSpec::signed(
        "4.2.1",
        "2026-03-02",
        v6_vendor(),
        signed(),
        vec![("linux-x86_64", binary_artifact())],
    )
    .unwrap();
    release.artifacts[0].signature = Some(FileSpec::new("app.bin.sig", sig));
    feed.releases.push(release);
    feed
}

#[test]
fn one_good_v6_signature_still_passes() {
    let data = binary_artifact().bytes;
    let sig = sign_detached(v6_vendor(), &data, SignSpec::at(signed()).binary()).unwrap();
    let r = review(&release_with_artifact_signature(sig));
    assert_status(&r, CheckId::SignatureArtifact, Status::Pass);
}

#[test]
fn signatures_needing_more_than_8_hash_contexts_are_refused_unread() {
    let data = binary_artifact().bytes;
    // Twenty good signatures by the pinned key, each with its own salt.
    let sigs: Vec<Vec<u8>> = (0..20)
        .map(|_| sign_detached(v6_vendor(), &data, SignSpec::at(signed()).binary()).unwrap())
        .collect();
    let file = concatenated(&sigs);
    let found = signature::parse::detached(&file).unwrap();
    assert_eq!(found.len(), 20);
    // The read pass computes at most 8 contexts, not 20.
    assert_eq!(signature::hash_keys(&found).len(), MAX_HASH_CONTEXTS);

    let r = review(&release_with_artifact_signature(file));
    let c = assert_status(&r, CheckId::SignatureArtifact, Status::Fail);
    assert!(
        c.summary.contains("more than 8 distinct hash contexts"),
        "{c:#?}"
    );
    let refused = c
        .findings
        .iter()
        .filter(|f| {
            f.summary
                .contains("not checked: more than 8 distinct hash contexts")
        })
        .count();
    assert_eq!(refused, 12, "{c:#?}");
    // The first eight were checked, and were good.
    let good = c
        .findings
        .iter()
        .filter(|f| f.status == Status::Pass)
        .count();
    assert_eq!(good, 8, "{c:#?}");
}

#[test]
fn a_file_of_7500_signatures_is_refused_after_100_quickly() {
    let data = binary_artifact().bytes;
    let one = sign_detached(v6_vendor(), &data, SignSpec::at(signed()).binary()).unwrap();
    // The same packet 7,500 times: what matters is that the file is not
    // read to its end, nor hashed 7,500 times.
    let file = one.repeat(7_500);
    let started = Instant::now();
    let err = signature::parse::detached(&file).unwrap_err();
    assert!(err.contains("more than 100 signatures"), "{err}");

    let r = review(&release_with_artifact_signature(file));
    let c = assert_status(&r, CheckId::SignatureArtifact, Status::Fail);
    assert!(
        c.summary
            .contains("holds more than 100 signatures; refused"),
        "{c:#?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn a_clearsigned_file_with_too_many_signatures_is_refused() {
    let text = b"3f1a  app.bin\n";
    let one = sign_detached(vendor(), text, SignSpec::at(signed()).binary()).unwrap();
    let packet = openpgp::Packet::from_bytes(&one).unwrap();
    let mut hostile =
        b"-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n3f1a  app.bin\n".to_vec();
    {
        let mut w =
            openpgp::armor::Writer::new(&mut hostile, openpgp::armor::Kind::Signature).unwrap();
        for _ in 0..150 {
            packet.serialize(&mut w).unwrap();
        }
        w.finalize().unwrap();
    }
    let err = signature::parse::clearsigned(&hostile).unwrap_err();
    assert!(err.contains("more than 100 signatures"), "{err}");
}
