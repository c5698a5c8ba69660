//! The checklist: SPEC's fields, input hashes that match the files, names,
//! never overwriting, atomic writes, and the verdict rule with waivers.

use intake::engine::record::checklist::{self, Checklist, Record, SignOff};
use intake::engine::review::Review;
use intake::engine::shared::check::{CheckId, Status};
use intake::engine::shared::verdict::{Verdict, Waiver, WaiverOutcome};
use intake::testkit::layout::ReleaseSpec;
use sha2::Digest;

use crate::support::*;

fn sign_off(waivers: &[&str]) -> SignOff {
    SignOff {
        operator: "a.operator".into(),
        approver: "b.approver".into(),
        change_request: Some("CR-20461".into()),
        waivers: waivers.iter().map(|w| Waiver::parse(w).unwrap()).collect(),
        signed_with: None,
    }
}

fn sha256_file(path: &std::path::Path) -> String {
    hex::encode(sha2::Sha256::digest(std::fs::read(path).unwrap()))
}

/// A feed with 4.2.1 and the older 4.2.0; reviewing 4.2.0 warns.
fn older_release_review() -> Review {
    let mut feed = good_feed();
    let older = ReleaseSpec::signed(
        "4.2.0",
        "2026-01-15",
        vendor(),
        signed(),
        vec![(
            "linux-x86_64",
            intake::testkit::layout::FileSpec::new("m-4.2.0.bin", vec![1u8; 1000]),
        )],
    )
    .unwrap();
    feed.releases.push(older);
    let w = write(&feed);
    try_review_at(&w.feed, "4.2.0", "linux-x86_64", now()).unwrap()
}

#[test]
fn the_record_holds_every_field_and_the_input_hashes_match_the_files() {
    let spec = good_feed();
    let w = write(&spec);
    let review = try_review_at(&w.feed, "4.2.1", "linux-x86_64", now()).unwrap();
    let checklist = Checklist::build(&review, &sign_off(&[]), now());
    let out = tempfile::tempdir().unwrap();
    let written = checklist::write(&checklist, out.path(), None).unwrap();

    let stem = "meridian-4.2.1-linux-x86_64-20261122T120000Z";
    assert_eq!(written.toml, out.path().join(format!("{stem}.toml")));
    assert_eq!(written.markdown, out.path().join(format!("{stem}.md")));
    assert_eq!(
        written.manifest,
        out.path().join(format!("{stem}.manifest"))
    );

    let text = std::fs::read_to_string(&written.toml).unwrap();
    for key in [
        "intake_version = ",
        "product = \"meridian\"",
        "version = \"4.2.1\"",
        "platform = \"linux-x86_64\"",
        "verdict = \"approved\"",
        "started = 2026-11-22T12:00:00Z",
        "finished = 2026-11-22T12:00:00Z",
        "change_request = \"CR-20461\"",
        "operator = \"a.operator\"",
        "approver = \"b.approver\"",
        "[artifact]",
        "[inputs]",
        "[[check]]",
    ] {
        assert!(text.contains(key), "missing {key} in\n{text}");
    }
    let record: Record = toml::from_str(&text).unwrap();
    assert_eq!(record, checklist.record);
    let ids: Vec<CheckId> = record.checks.iter().map(|c| c.id).collect();
    // A single file: every check but those of packages.
    assert_eq!(ids, CheckId::every_review(), "every check, in SPEC order");

    let dir = w.dir.path();
    let rel = dir.join("releases/4.2.1");
    assert_eq!(record.inputs.feed, sha256_file(&w.feed));
    assert_eq!(
        record.inputs.checksums,
        Some(sha256_file(&rel.join("SHA256SUMS")))
    );
    assert_eq!(
        record.inputs.signatures,
        vec![
            sha256_file(&rel.join("SHA256SUMS.asc")),
            sha256_file(&rel.join("meridian-4.2.1-linux-x86_64.bin.asc"))
        ]
    );
    assert_eq!(
        record.inputs.certificates,
        vec![sha256_file(&dir.join("keys/vendor.asc"))]
    );
    assert_eq!(record.inputs.manifest, sha256_file(&written.manifest));
    assert_eq!(
        record.artifact.sha256,
        sha256_file(&rel.join("meridian-4.2.1-linux-x86_64.bin"))
    );
    assert_eq!(record.artifact.source, "local");

    let md = std::fs::read_to_string(&written.markdown).unwrap();
    assert!(md.contains("**Verdict: APPROVED**"));
    for id in CheckId::every_review() {
        assert!(
            md.contains(&format!("`{id}`")),
            "{id} missing from the Markdown"
        );
    }
    let manifest = std::fs::read_to_string(&written.manifest).unwrap();
    assert_eq!(
        manifest,
        format!(
            "{}\t100000\t0644\tfile\tmeridian-4.2.1-linux-x86_64.bin\n",
            record.artifact.sha256
        )
    );
}

#[test]
fn a_version_with_an_epoch_is_reviewed_and_its_colon_escaped_in_the_file_names() {
    let version = "1:4.13+dfsg1-1+deb12u2";
    let mut feed = good_feed();
    feed.releases.push(
        ReleaseSpec::signed(
            version,
            "2026-02-01",
            vendor(),
            signed(),
            vec![(
                "linux-x86_64",
                intake::testkit::layout::FileSpec::new("m-epoch.bin", vec![2u8; 1000]),
            )],
        )
        .unwrap(),
    );
    let w = write(&feed);
    let review = try_review_at(&w.feed, version, "linux-x86_64", now()).unwrap();
    // The epoch outranks 4.2.1: this is the newest release, not a rollback.
    let newest = review
        .checks
        .iter()
        .find(|c| c.id == CheckId::ReleaseNewest);
    assert_eq!(newest.map(|c| c.status), Some(Status::Pass), "{newest:?}");
    let checklist = Checklist::build(&review, &sign_off(&[]), now());
    let out = tempfile::tempdir().unwrap();
    let written = checklist::write(&checklist, out.path(), None).unwrap();
    let stem = "meridian-1%3a4.13+dfsg1-1+deb12u2-linux-x86_64-20261122T120000Z";
    assert_eq!(written.toml, out.path().join(format!("{stem}.toml")));
    let record: Record = toml::from_str(&std::fs::read_to_string(&written.toml).unwrap()).unwrap();
    assert_eq!(
        record.version, version,
        "the record keeps the version as the vendor wrote it"
    );
}

#[test]
fn a_checklist_is_never_overwritten() {
    let review = review(&good_feed());
    let checklist = Checklist::build(&review, &sign_off(&[]), now());
    let out = tempfile::tempdir().unwrap();
    let first = checklist::write(&checklist, out.path(), None).unwrap();
    let before = std::fs::read(&first.toml).unwrap();

    // A second review finishing in the same second gets its own name.
    let second = checklist::write(&checklist, out.path(), None).unwrap();
    assert!(
        second.toml.to_string_lossy().ends_with("Z-2.toml"),
        "{:?}",
        second.toml
    );
    assert_eq!(std::fs::read(&first.toml).unwrap(), before);

    // Any one of the three names being taken moves the whole set on.
    std::fs::write(
        out.path()
            .join("meridian-4.2.1-linux-x86_64-20261122T120000Z-3.md"),
        "someone else's",
    )
    .unwrap();
    let third = checklist::write(&checklist, out.path(), None).unwrap();
    assert!(
        third.toml.to_string_lossy().ends_with("Z-4.toml"),
        "{:?}",
        third.toml
    );
    let theirs = std::fs::read_to_string(
        out.path()
            .join("meridian-4.2.1-linux-x86_64-20261122T120000Z-3.md"),
    )
    .unwrap();
    assert_eq!(theirs, "someone else's");

    // Writes are atomic: no temporary file is left behind.
    let leftovers: Vec<_> = std::fs::read_dir(out.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_warning_without_a_waiver_rejects_and_with_one_approves() {
    let review = older_release_review();
    assert_status(&review, CheckId::ReleaseNewest, Status::Warn);

    let rejected = Checklist::build(&review, &sign_off(&[]), now());
    assert_eq!(rejected.record.verdict, Verdict::Rejected);
    assert!(
        rejected.record.rejected_because[0]
            .contains("release.newest warns and has no written reason")
    );

    let approved = Checklist::build(
        &review,
        &sign_off(&["release.newest=rolling back to the validated version"]),
        now(),
    );
    assert_eq!(approved.record.verdict, Verdict::Approved);
    let waiver = &approved.record.waivers[0];
    assert_eq!(
        (waiver.check, waiver.outcome),
        (CheckId::ReleaseNewest, WaiverOutcome::Applied)
    );
    // A waived check keeps its status: there is no "waived" status.
    let check = approved
        .record
        .checks
        .iter()
        .find(|c| c.id == CheckId::ReleaseNewest)
        .unwrap();
    assert_eq!(check.status, Status::Warn);
    assert!(approved.toml.contains("[[waiver]]"));
}

#[test]
fn a_waiver_for_a_failed_check_does_not_apply() {
    let mut feed = good_feed();
    feed.releases[0].artifacts[0].size = Some(1);
    let review = review(&feed);
    assert_status(&review, CheckId::FetchSize, Status::Fail);
    let checklist = Checklist::build(
        &review,
        &sign_off(&[
            "fetch.size=the vendor says it is fine",
            "feed.fresh=not needed",
        ]),
        now(),
    );
    assert_eq!(checklist.record.verdict, Verdict::Rejected);
    let outcomes: Vec<_> = checklist.record.waivers.iter().map(|w| w.outcome).collect();
    assert_eq!(
        outcomes,
        vec![WaiverOutcome::RefusedFailed, WaiverOutcome::NotNeeded]
    );
    assert!(checklist.markdown.contains("refused: the check failed"));
}

#[test]
fn the_same_person_cannot_operate_and_approve() {
    let review = review(&good_feed());
    let mut s = sign_off(&[]);
    s.approver = "A.Operator".into();
    let checklist = Checklist::build(&review, &s, now());
    assert_eq!(checklist.record.verdict, Verdict::Rejected);
    let signoff = checklist
        .record
        .checks
        .iter()
        .find(|c| c.id == CheckId::Signoff)
        .unwrap();
    assert_eq!(signoff.status, Status::Fail);
    assert!(signoff.summary.contains("two different people"));
}

#[test]
fn json_is_the_same_record() {
    let review = review(&good_feed());
    let checklist = Checklist::build(&review, &sign_off(&[]), now());
    let json = checklist::to_json(&checklist.record);
    assert_eq!(json["verdict"], "approved");
    assert_eq!(json["started"], "2026-11-22T12:00:00Z");
    assert_eq!(
        json["check"].as_array().unwrap().len(),
        CheckId::every_review().len()
    );
    assert_eq!(
        json["artifact"]["sha256"],
        checklist.record.artifact.sha256.as_str()
    );
}

/// What a change advisory board reads: which key signs the record, the
/// pinned keys the signature checks trusted, the step log with times and
/// the sign-off, who accepted each waiver and when, waived warnings marked
/// in the checks table, evidence in words, and how to verify it again.
#[test]
fn the_checklist_tells_a_review_board_how_far_to_trust_it() {
    use intake::engine::review::KeyRecord;
    let review = older_release_review();
    let mut off = sign_off(&["release.newest=kept on 4.2.0 for the HL7 suite"]);
    off.signed_with = Some(KeyRecord {
        fingerprint: "0123456789ABCDEF0123456789ABCDEF01234567".into(),
        user_id: Some("Change Board <cab@example.org>".into()),
    });
    let checklist = Checklist::build(&review, &off, now());
    let (toml, md) = (&checklist.toml, &checklist.markdown);
    assert!(toml.contains("[signed_with]"), "{toml}");
    assert!(toml.contains("fingerprint = \"0123456789ABCDEF"), "{toml}");
    let vendor = review.trust.keys.first().unwrap();
    assert!(toml.contains(&vendor.fingerprint), "{toml}");
    assert!(md.contains(&vendor.fingerprint), "{md}");
    assert!(md.contains("Signed with the key `0123456789ABCDEF"), "{md}");
    assert!(
        md.contains("intake checklist verify RECORD.toml --signer"),
        "{md}"
    );
    assert!(md.contains("| `release.newest` | WARN (waived) |"), "{md}");
    let record = &checklist.record;
    assert_eq!(record.waivers[0].by, "b.approver");
    assert!(record.waivers[0].time.is_some());
    let last = record.log.last().unwrap();
    assert!(
        last.contains("Sign off: reviewed by a.operator, approved by b.approver"),
        "{last}"
    );
    let time = |l: &str| l.len() > 9 && l.as_bytes()[2] == b':' && l[..9].ends_with('Z');
    assert!(record.log.iter().all(|l| time(l)), "{:#?}", record.log);
    assert!(!md.contains("; actual:"), "evidence reads as a list: {md}");
    // The record, written and read back, still verifies as unaltered.
    let out = tempfile::tempdir().unwrap();
    let written = checklist::write(&checklist, out.path(), None).unwrap();
    let back: Record = toml::from_str(&std::fs::read_to_string(&written.toml).unwrap()).unwrap();
    assert_eq!(&back, record);
}
