//! SPEC.md's signature table, one test per row (and the cases issue #3
//! names), each with real keys made in the test.

use std::time::Duration;

use intake::engine::record::checklist::{Checklist, SignOff};
use intake::engine::review::Review;
use intake::engine::shared::check::{CheckId, Status};
use intake::engine::shared::verdict::Verdict;
use intake::testkit::keys::{self, KeySpec, SignSpec, clearsign, join_signatures, sign_detached};
use intake::testkit::layout::{FeedSpec, FileSpec};
use intake::testkit::ts;
use sequoia_openpgp::types::{HashAlgorithm, ReasonForRevocation};

use crate::support::*;

const YEAR: Duration = Duration::from_secs(365 * 24 * 3600);

/// A feed whose one release has its checksum file signed by `cert` only
/// (no artifact signature), pinning `pinned`.
fn checksums_signed_by(
    pinned: &sequoia_openpgp::Cert,
    cert: &sequoia_openpgp::Cert,
    spec: SignSpec,
) -> FeedSpec {
    let mut feed = FeedSpec::pinning(pinned).unwrap();
    let mut release = good_release();
    release.artifacts[0].signature = None;
    release.resign_checksums(cert, spec).unwrap();
    feed.releases.push(release);
    feed
}

#[test]
fn good_signature_by_a_pinned_live_key_passes() {
    let r = review(&good_feed());
    let c = assert_status(&r, CheckId::SignatureChecksums, Status::Pass);
    assert!(c.summary.contains("Northwind Release Key"), "{}", c.summary);
    assert!(c.evidence["signer"].ends_with("(pinned)"));
    assert!(c.evidence["made"].contains("SHA-256"), "{:?}", c.evidence);
    assert_status(&r, CheckId::SignatureArtifact, Status::Pass);
    assert_status(&r, CheckId::ChecksumSha256, Status::Pass);
    let checklist = Checklist::build(
        &r,
        &SignOff {
            operator: "a.operator".into(),
            approver: "b.approver".into(),
            ..Default::default()
        },
        now(),
    );
    assert_eq!(
        checklist.record.verdict,
        Verdict::Approved,
        "{:#?}",
        checklist.record.rejected_because
    );
}

#[test]
fn key_expired_after_signing_passes_with_a_warning_naming_the_expiry() {
    let key = KeySpec::new("Expiring <e@northwind.example>", key_created())
        .expires_after(YEAR)
        .generate()
        .unwrap();
    let r = review(&checksums_signed_by(
        &key,
        &key,
        SignSpec::at(ts("2025-06-01T00:00:00Z")),
    ));
    let c = assert_status(&r, CheckId::SignatureChecksums, Status::Warn);
    assert!(c.summary.contains("expired on 2026-01-01"), "{}", c.summary);
    assert!(
        c.summary.contains("after signing (2025-06-01)"),
        "{}",
        c.summary
    );
}

#[test]
fn key_expired_before_signing_fails() {
    let key = KeySpec::new("Expired <e@northwind.example>", key_created())
        .expires_after(YEAR)
        .generate()
        .unwrap();
    let r = review(&checksums_signed_by(
        &key,
        &key,
        SignSpec::at(ts("2026-02-01T00:00:00Z")),
    ));
    let c = assert_status(&r, CheckId::SignatureChecksums, Status::Fail);
    assert!(c.summary.contains("not alive"), "{}", c.summary);
}

/// A review of a release the vendor signed on `signed()` with a key later
/// revoked (for `reason`, at `at`): the feed holds the revoked certificate.
fn review_with_key_revoked(user_id: &str, reason: Option<ReasonForRevocation>, at: &str) -> Review {
    let key = KeySpec::new(user_id, key_created()).generate().unwrap();
    let mut feed = checksums_signed_by(&key, &key, SignSpec::at(signed()));
    let revoked = keys::revoke(&key, reason, ts(at)).unwrap();
    feed.certificates[0] = FileSpec::new("vendor.asc", keys::public_armored(&revoked).unwrap());
    review(&feed)
}

#[test]
fn key_revoked_as_compromised_fails_even_for_older_signatures() {
    let r = review_with_key_revoked(
        "Compromised <c@northwind.example>",
        Some(ReasonForRevocation::KeyCompromised),
        "2026-06-01T00:00:00Z",
    );
    let c = assert_status(&r, CheckId::SignatureChecksums, Status::Fail);
    assert!(
        c.summary.contains("revoked as compromised"),
        "{}",
        c.summary
    );
}

#[test]
fn key_revoked_with_no_reason_fails() {
    let r = review_with_key_revoked(
        "Revoked <r@northwind.example>",
        None,
        "2026-06-01T00:00:00Z",
    );
    let c = assert_status(&r, CheckId::SignatureChecksums, Status::Fail);
    assert!(c.summary.contains("no reason given"), "{}", c.summary);
}

#[test]
fn key_retired_or_superseded_after_signing_passes_with_a_warning() {
    for reason in [
        ReasonForRevocation::KeyRetired,
        ReasonForRevocation::KeySuperseded,
    ] {
        let r = review_with_key_revoked(
            "Rotated <r@northwind.example>",
            Some(reason),
            "2026-06-01T00:00:00Z",
        );
        let c = assert_status(&r, CheckId::SignatureChecksums, Status::Warn);
        assert!(
            c.summary.contains("after signing"),
            "{reason:?}: {}",
            c.summary
        );
        assert!(
            c.summary.contains("2026-06-01"),
            "{reason:?}: {}",
            c.summary
        );
    }
}

#[test]
fn key_retired_before_signing_fails() {
    let r = review_with_key_revoked(
        "Retired <r@northwind.example>",
        Some(ReasonForRevocation::KeyRetired),
        "2026-01-01T00:00:00Z",
    );
    let c = assert_status(&r, CheckId::SignatureChecksums, Status::Fail);
    assert!(c.summary.contains("retired on 2026-01-01"), "{}", c.summary);
}

#[test]
fn unpinned_signer_whose_certificate_ships_with_the_release_fails_naming_its_fingerprint() {
    let mut feed = checksums_signed_by(vendor(), stranger(), SignSpec::at(signed()));
    // The release folder carries the signer's certificate: it must not count.
    feed.releases[0].extra_files.push(FileSpec::new(
        "build-bot.asc",
        keys::public_armored(stranger()).unwrap(),
    ));
    let r = review(&feed);
    let c = assert_status(&r, CheckId::SignatureChecksums, Status::Fail);
    let fpr = intake::engine::verify::signature::spaced(&stranger().fingerprint().to_hex());
    assert!(c.summary.contains("not pinned"), "{}", c.summary);
    assert!(c.summary.contains(&fpr), "{} should name {fpr}", c.summary);
}

#[test]
fn unpinned_signer_listed_in_the_feed_certificates_is_named_with_its_user_id() {
    let mut feed = checksums_signed_by(vendor(), stranger(), SignSpec::at(signed()));
    feed.certificates.push(FileSpec::new(
        "bot.asc",
        keys::public_armored(stranger()).unwrap(),
    ));
    let r = review(&feed);
    let c = assert_status(&r, CheckId::SignatureChecksums, Status::Fail);
    assert!(c.summary.contains("Build Bot"), "{}", c.summary);
    assert!(
        c.summary
            .contains(&intake::engine::verify::signature::spaced(
                &stranger().fingerprint().to_hex()
            )),
        "{}",
        c.summary
    );
}

#[test]
fn signature_over_another_file_fails() {
    let mut feed = good_feed();
    let other = sign_detached(vendor(), b"some other file", SignSpec::at(signed())).unwrap();
    feed.releases[0].checksums_signature = Some(FileSpec::new("SHA256SUMS.asc", other.clone()));
    feed.releases[0].artifacts[0].signature = Some(FileSpec::new("a.asc", other));
    let r = review(&feed);
    let c = assert_status(&r, CheckId::SignatureChecksums, Status::Fail);
    assert!(
        c.summary.contains("does not match the file"),
        "{}",
        c.summary
    );
    assert_status(&r, CheckId::SignatureArtifact, Status::Fail);
}

#[test]
fn truncated_signature_fails() {
    let mut feed = good_feed();
    let sig = &mut feed.releases[0].checksums_signature.as_mut().unwrap().bytes;
    let half = sig.len() / 2;
    sig.truncate(half);
    let r = review(&feed);
    let c = assert_status(&r, CheckId::SignatureChecksums, Status::Fail);
    assert!(
        c.summary.contains("SHA256SUMS.asc cannot be used"),
        "{}",
        c.summary
    );
}

#[test]
fn corrupt_signature_fails() {
    let mut feed = good_feed();
    let mut sig = sign_detached(
        vendor(),
        &feed.releases[0].checksums.bytes,
        SignSpec::at(signed()).binary(),
    )
    .unwrap();
    // Flip bits in the last bytes: the signature value itself.
    let n = sig.len();
    sig[n - 3] ^= 0x55;
    sig[n - 10] ^= 0x55;
    feed.releases[0].checksums_signature = Some(FileSpec::new("SHA256SUMS.sig", sig));
    let r = review(&feed);
    assert_status(&r, CheckId::SignatureChecksums, Status::Fail);
}

#[test]
fn garbage_and_empty_signature_files_fail_with_a_reason() {
    for bytes in [
        Vec::new(),
        b"this is not a signature\n".to_vec(),
        intake::testkit::archives::noise(500, 9),
        vec![b'A'; (1 << 20) + 1],
    ] {
        let mut feed = good_feed();
        feed.releases[0].checksums_signature = Some(FileSpec::new("SHA256SUMS.asc", bytes));
        let r = review(&feed);
        let c = assert_status(&r, CheckId::SignatureChecksums, Status::Fail);
        assert!(
            c.summary.starts_with("SHA256SUMS.asc cannot be used:"),
            "{}",
            c.summary
        );
    }
}

#[test]
fn sha1_signature_fails_naming_the_algorithm() {
    let r = review(&checksums_signed_by(
        vendor(),
        vendor(),
        SignSpec::at(signed()).hash(HashAlgorithm::SHA1),
    ));
    let c = assert_status(&r, CheckId::SignatureChecksums, Status::Fail);
    assert!(c.summary.contains("SHA-1"), "{}", c.summary);
}

#[test]
fn key_weaker_than_the_policy_fails_naming_the_algorithm() {
    let weak =
        keys::weak_rsa_1024("Old Vendor Key <old@northwind.example>", key_created()).unwrap();
    let r = review(&checksums_signed_by(&weak, &weak, SignSpec::at(signed())));
    let c = assert_status(&r, CheckId::SignatureChecksums, Status::Fail);
    assert!(c.summary.contains("RSA 1024"), "{}", c.summary);
}

#[test]
fn signature_from_the_future_fails_beyond_five_minutes_of_skew() {
    let future = now()
        .checked_add(jiff::SignedDuration::from_mins(10))
        .unwrap();
    let r = review(&checksums_signed_by(
        vendor(),
        vendor(),
        SignSpec::at(future),
    ));
    let c = assert_status(&r, CheckId::SignatureChecksums, Status::Fail);
    assert!(c.summary.contains("future"), "{}", c.summary);

    let skewed = now()
        .checked_add(jiff::SignedDuration::from_mins(3))
        .unwrap();
    let r = review(&checksums_signed_by(
        vendor(),
        vendor(),
        SignSpec::at(skewed),
    ));
    assert_status(&r, CheckId::SignatureChecksums, Status::Pass);
}

#[test]
fn one_good_pinned_signature_among_unknown_ones_passes_and_lists_the_others() {
    let mut feed = good_feed();
    let sums = feed.releases[0].checksums.bytes.clone();
    let both = join_signatures(&[
        sign_detached(stranger(), &sums, SignSpec::at(signed())).unwrap(),
        sign_detached(vendor(), &sums, SignSpec::at(signed())).unwrap(),
    ])
    .unwrap();
    feed.releases[0].checksums_signature = Some(FileSpec::new("SHA256SUMS.asc", both));
    let r = review(&feed);
    let c = assert_status(&r, CheckId::SignatureChecksums, Status::Pass);
    assert_eq!(c.findings.len(), 2, "{:#?}", c.findings);
    let other = c
        .findings
        .iter()
        .find(|f| f.status == Status::Skip)
        .expect("the unknown one is listed");
    assert!(
        other.summary.starts_with("not counted"),
        "{}",
        other.summary
    );
}

#[test]
fn no_signature_published_fails_when_required_and_is_skipped_when_optional() {
    let mut feed = good_feed();
    feed.releases[0].checksums_signature = None;
    feed.releases[0].artifacts[0].signature = None;
    let r = review(&feed);
    for id in [CheckId::SignatureChecksums, CheckId::SignatureArtifact] {
        let c = assert_status(&r, id, Status::Fail);
        assert!(c.summary.contains("requires one"), "{}", c.summary);
    }

    feed.signatures = Some("optional".into());
    let r = review(&feed);
    for id in [CheckId::SignatureChecksums, CheckId::SignatureArtifact] {
        let c = assert_status(&r, id, Status::Skip);
        assert_eq!(c.summary, "none published");
    }
}

#[test]
fn required_is_met_by_either_file() {
    let mut feed = good_feed();
    feed.releases[0].checksums_signature = None;
    let r = review(&feed);
    assert_status(&r, CheckId::SignatureChecksums, Status::Skip);
    assert_status(&r, CheckId::SignatureArtifact, Status::Pass);
}

#[test]
fn threshold_counts_distinct_pinned_keys() {
    let sums_of = |feed: &FeedSpec| feed.releases[0].checksums.bytes.clone();
    let mut feed = good_feed();
    feed.also_pin("second.asc", second_vendor()).unwrap();
    feed.threshold = Some(2);
    feed.releases[0].artifacts[0].signature = None;

    // One of two keys signed: fails, naming how many of how many.
    let r = review(&feed);
    let c = assert_status(&r, CheckId::SignatureChecksums, Status::Fail);
    assert!(c.summary.contains("1 of 2"), "{}", c.summary);

    // The same key twice still counts once.
    let sums = sums_of(&feed);
    let twice = join_signatures(&[
        sign_detached(vendor(), &sums, SignSpec::at(signed())).unwrap(),
        sign_detached(
            vendor(),
            &sums,
            SignSpec::at(signed()).hash(HashAlgorithm::SHA512),
        )
        .unwrap(),
    ])
    .unwrap();
    feed.releases[0].checksums_signature = Some(FileSpec::new("SHA256SUMS.asc", twice));
    let c_twice = review(&feed);
    let c = assert_status(&c_twice, CheckId::SignatureChecksums, Status::Fail);
    assert!(c.summary.contains("1 of 2"), "{}", c.summary);

    // Both keys: passes.
    let both = join_signatures(&[
        sign_detached(vendor(), &sums, SignSpec::at(signed())).unwrap(),
        sign_detached(second_vendor(), &sums, SignSpec::at(signed())).unwrap(),
    ])
    .unwrap();
    feed.releases[0].checksums_signature = Some(FileSpec::new("SHA256SUMS.asc", both));
    let r = review(&feed);
    let c = assert_status(&r, CheckId::SignatureChecksums, Status::Pass);
    assert!(c.summary.contains("2 of 2"), "{}", c.summary);
}

#[test]
fn signing_subkey_of_a_pinned_primary_passes() {
    let key = KeySpec::new("Subkey Vendor <s@northwind.example>", key_created())
        .with_signing_subkey()
        .generate()
        .unwrap();
    let r = review(&checksums_signed_by(&key, &key, SignSpec::at(signed())));
    let c = assert_status(&r, CheckId::SignatureChecksums, Status::Pass);
    assert!(
        c.evidence["signer"].starts_with(
            &intake::engine::verify::signature::spaced(&key.fingerprint().to_hex())[..4]
        )
    );
}

#[test]
fn signing_subkey_revoked_before_signing_fails() {
    let key = KeySpec::new("Subkey Vendor <s@northwind.example>", key_created())
        .with_signing_subkey()
        .generate()
        .unwrap();
    // Sign with the subkey before the revocation exists, then revoke it at an earlier date.
    let feed = checksums_signed_by(&key, &key, SignSpec::at(signed()));
    let revoked = keys::revoke_signing_subkey(
        &key,
        ReasonForRevocation::KeyRetired,
        ts("2026-01-01T00:00:00Z"),
    )
    .unwrap();
    let mut feed = feed;
    feed.certificates[0] = FileSpec::new("vendor.asc", keys::public_armored(&revoked).unwrap());
    let r = review(&feed);
    let c = assert_status(&r, CheckId::SignatureChecksums, Status::Fail);
    assert!(
        c.summary.contains("signing key is revoked"),
        "{}",
        c.summary
    );
}

#[test]
fn clearsigned_checksum_file_is_read_and_verified() {
    let mut feed = good_feed();
    let release = &mut feed.releases[0];
    let text = release.checksums.bytes.clone();
    release.checksums = FileSpec::new(
        "SHA256SUMS",
        clearsign(vendor(), &text, SignSpec::at(signed())).unwrap(),
    );
    release.checksums_signature = None;
    release.artifacts[0].signature = None;
    let r = review(&feed);
    assert_status(&r, CheckId::SignatureChecksums, Status::Pass);
    assert_status(&r, CheckId::ChecksumSha256, Status::Pass);
}

#[test]
fn clearsigned_checksum_file_edited_after_signing_fails() {
    let mut feed = good_feed();
    let release = &mut feed.releases[0];
    let text = release.checksums.bytes.clone();
    let signed_text = clearsign(vendor(), &text, SignSpec::at(signed())).unwrap();
    // Change one hex digit of the signed checksum.
    let s = String::from_utf8(signed_text).unwrap();
    let pos = s.find("\n\n").unwrap() + 2;
    let mut bytes = s.into_bytes();
    bytes[pos] = if bytes[pos] == b'0' { b'1' } else { b'0' };
    release.checksums = FileSpec::new("SHA256SUMS", bytes);
    release.checksums_signature = None;
    release.artifacts[0].signature = None;
    let r = review(&feed);
    assert_status(&r, CheckId::SignatureChecksums, Status::Fail);
    assert_status(&r, CheckId::ChecksumSha256, Status::Fail);
}

#[test]
fn detached_signature_over_the_artifact_is_checked_in_the_same_pass() {
    let mut feed = good_feed();
    feed.releases[0].checksums_signature = None;
    let r = review(&feed);
    assert_status(&r, CheckId::SignatureArtifact, Status::Pass);

    // The artifact changed after signing: both the checksum and the signature fail.
    feed.releases[0].artifacts[0].file.bytes[500] ^= 1;
    let r = review(&feed);
    assert_status(&r, CheckId::SignatureArtifact, Status::Fail);
    assert_status(&r, CheckId::ChecksumSha256, Status::Fail);
}

#[test]
fn binary_sha512_and_text_mode_signatures_verify() {
    let mut feed = good_feed();
    let release = &mut feed.releases[0];
    let art = release.artifacts[0].file.bytes.clone();
    release.artifacts[0].signature = Some(FileSpec::new(
        "a.sig",
        sign_detached(
            vendor(),
            &art,
            SignSpec::at(signed()).binary().hash(HashAlgorithm::SHA512),
        )
        .unwrap(),
    ));
    // A checksum file with CRLF line endings, signed in text mode.
    let crlf = String::from_utf8(release.checksums.bytes.clone())
        .unwrap()
        .replace('\n', "\r\n");
    release.checksums = FileSpec::new("SHA256SUMS", crlf.clone());
    release.checksums_signature = Some(FileSpec::new(
        "SHA256SUMS.asc",
        sign_detached(
            vendor(),
            crlf.as_bytes(),
            SignSpec::at(signed()).text_mode(),
        )
        .unwrap(),
    ));
    let r = review(&feed);
    assert_status(&r, CheckId::SignatureArtifact, Status::Pass);
    assert_status(&r, CheckId::SignatureChecksums, Status::Pass);
    assert_status(&r, CheckId::ChecksumSha256, Status::Pass);
}

#[test]
fn rsa_keys_verify_too() {
    static RSA: std::sync::OnceLock<sequoia_openpgp::Cert> = std::sync::OnceLock::new();
    let key = RSA.get_or_init(|| {
        KeySpec::new("RSA Vendor <rsa@northwind.example>", key_created())
            .rsa()
            .generate()
            .unwrap()
    });
    let r = review(&checksums_signed_by(key, key, SignSpec::at(signed())));
    let c = assert_status(&r, CheckId::SignatureChecksums, Status::Pass);
    assert!(c.evidence["made"].contains("RSA 2048"), "{:?}", c.evidence);
}
