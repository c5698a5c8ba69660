//! `sbom.components`: every row of the SBOM check, each built as it
//! happens: covered or not by a pinned signature, files that agree or not
//! with the archive, and the changes since the SBOM approved last.

use intake::engine::review::{self, Request, Review};
use intake::engine::select::feed::Feed;
use intake::engine::shared::check::{CheckId, Status};
use intake::engine::shared::event::Cancel;
use intake::engine::verify::sbom::Baseline;
use intake::engine::verify::signature::TrustStore;
use intake::testkit::archives::{Entry, tar_gz};
use intake::testkit::keys::{self, SignSpec};
use intake::testkit::layout::{FeedSpec, FileSpec, ReleaseSpec};
use sha2::Digest;

use crate::support::*;

const SERVER: &[u8] = b"#!/bin/sh\necho meridian\n";

fn archive() -> Vec<u8> {
    tar_gz(&[
        Entry::dir("meridian-4.2.1/"),
        Entry::file("meridian-4.2.1/bin/meridian", SERVER).mode(0o755),
        Entry::file("meridian-4.2.1/README", "read me\n"),
    ])
    .unwrap()
}

fn sha256(bytes: &[u8]) -> String {
    hex::encode(sha2::Sha256::digest(bytes))
}

/// A CycloneDX SBOM of `components` (`(purl, version, sha256)`) and files.
fn cyclonedx(components: &[(&str, &str, Option<&str>)], files: &[(&str, &str)]) -> Vec<u8> {
    let mut list: Vec<serde_json::Value> = components
        .iter()
        .map(|(purl, version, hash)| {
            let mut c = serde_json::json!({
                "type": "library",
                "name": purl.rsplit('/').next().unwrap_or(purl),
                "version": version,
                "purl": format!("{purl}@{version}"),
            });
            if let Some(h) = hash {
                c["hashes"] = serde_json::json!([{"alg": "SHA-256", "content": h}]);
            }
            c
        })
        .collect();
    list.extend(files.iter().map(|(path, hash)| {
        serde_json::json!({"type": "file", "name": path,
            "hashes": [{"alg": "SHA-256", "content": hash}]})
    }));
    serde_json::to_vec_pretty(&serde_json::json!({
        "bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
        "components": list,
    }))
    .unwrap()
}

fn good_sbom() -> Vec<u8> {
    cyclonedx(
        &[
            ("pkg:deb/debian/openssl", "3.0.15-1~deb12u1", None),
            ("pkg:npm/hl7-parser", "2.1.0", None),
        ],
        &[("bin/meridian", &sha256(SERVER))],
    )
}

fn release() -> ReleaseSpec {
    ReleaseSpec::signed(
        "4.2.1",
        "2026-03-02",
        vendor(),
        signed(),
        vec![(
            "linux-x86_64",
            FileSpec::new("meridian-4.2.1.tar.gz", archive()),
        )],
    )
    .unwrap()
}

fn feed_with(release: ReleaseSpec) -> FeedSpec {
    let mut feed = FeedSpec::pinning(vendor()).unwrap();
    feed.releases.push(release);
    feed
}

fn signed_sbom_feed(sbom: Vec<u8>) -> FeedSpec {
    let sbom = FileSpec::new("meridian-4.2.1.cdx.json", sbom);
    feed_with(
        release()
            .with_signed_sbom(sbom, vendor(), signed())
            .unwrap(),
    )
}

fn review_with(spec: &FeedSpec, baseline: Baseline) -> Review {
    let w = write(spec);
    let feed = Feed::load(&w.feed).unwrap();
    let trust = TrustStore::load(&feed).unwrap();
    let request = Request {
        version: "4.2.1".into(),
        platform: "linux-x86_64".into(),
        now: now(),
        fetch: intake::engine::fetch::open::FetchSettings {
            offline: true,
            ..Default::default()
        },
        limits: Default::default(),
        stage_dir: None,
        previous: intake::engine::select::rollback::Previous::None,
        approvals: Vec::new(),
        sbom_baseline: baseline,
    };
    review::run(
        &feed,
        &trust,
        &request,
        &mut intake::engine::shared::event::Quiet,
        &Cancel::new(),
    )
    .unwrap()
}

fn no_baseline() -> Baseline {
    Baseline::None("no earlier approval is known here".into())
}

#[test]
fn without_an_sbom_the_check_is_not_listed() {
    let r = review_with(&feed_with(release()), no_baseline());
    assert!(r.checks.iter().all(|c| c.id != CheckId::SbomComponents));
}

#[test]
fn covered_by_the_signed_checksum_file_with_no_baseline_passes() {
    let r = review_with(&signed_sbom_feed(good_sbom()), no_baseline());
    let c = assert_status(&r, CheckId::SbomComponents, Status::Pass);
    assert!(
        c.summary.contains("CycloneDX 1.6, 2 components"),
        "{}",
        c.summary
    );
    assert!(
        c.summary.contains("covered by the signed checksum file"),
        "{}",
        c.summary
    );
    assert!(c.summary.contains("no baseline"), "{}", c.summary);
    assert!(
        c.summary.contains("1 of 1 files it lists agree"),
        "{}",
        c.summary
    );
}

#[test]
fn an_sbom_no_signature_covers_warns_and_is_not_trusted() {
    let mut rel = release();
    rel.sbom = Some(FileSpec::new("meridian-4.2.1.cdx.json", good_sbom()));
    let r = review_with(&feed_with(rel), no_baseline());
    let c = assert_status(&r, CheckId::SbomComponents, Status::Warn);
    assert!(
        c.summary.contains("SBOM not covered by a signature"),
        "{}",
        c.summary
    );
}

#[test]
fn its_own_signature_by_a_pinned_key_covers_it_and_a_strangers_does_not() {
    for (signer, want) in [(vendor(), Status::Pass), (stranger(), Status::Warn)] {
        let mut rel = release();
        let sbom = good_sbom();
        let sig = keys::sign_detached(signer, &sbom, SignSpec::at(signed())).unwrap();
        rel.sbom = Some(FileSpec::new("meridian-4.2.1.cdx.json", sbom));
        rel.sbom_signature = Some(FileSpec::new("meridian-4.2.1.cdx.json.asc", sig));
        let r = review_with(&feed_with(rel), no_baseline());
        let c = assert_status(&r, CheckId::SbomComponents, want);
        let covered = c
            .evidence
            .iter()
            .find(|(k, _)| k.as_str() == "covered_by")
            .map(|(_, v)| v.clone());
        assert!(
            covered
                .unwrap_or_default()
                .contains("meridian-4.2.1.cdx.json.asc"),
            "{c:?}"
        );
    }
}

#[test]
fn files_the_archive_does_not_hold_or_holds_otherwise_fail() {
    let sbom = cyclonedx(
        &[],
        &[
            ("bin/meridian", &sha256(b"other bytes")),
            ("lib/missing.so", &sha256(b"x")),
        ],
    );
    let r = review_with(&signed_sbom_feed(sbom), no_baseline());
    let c = assert_status(&r, CheckId::SbomComponents, Status::Fail);
    let said: Vec<&str> = c.findings.iter().map(|f| f.summary.as_str()).collect();
    assert!(
        said.iter().any(|s| s.contains("the artifact's bytes are")),
        "{said:?}"
    );
    assert!(
        said.iter().any(|s| s.contains("does not hold it")),
        "{said:?}"
    );
}

#[test]
fn changes_since_the_approved_sbom_are_listed_a_downgrade_warns_a_rebuild_fails() {
    let before = cyclonedx(
        &[
            ("pkg:deb/debian/openssl", "3.0.11-1~deb12u2", None),
            ("pkg:npm/hl7-parser", "2.1.0", Some(&"a".repeat(64))),
            ("pkg:npm/left-pad", "1.3.0", None),
        ],
        &[],
    );
    let baseline = |bytes: &[u8]| Baseline::Found {
        version: "4.2.0".into(),
        bytes: bytes.to_vec(),
    };
    // Upgraded openssl, one added, one removed: listed, passes.
    let after = cyclonedx(
        &[
            ("pkg:deb/debian/openssl", "3.0.15-1~deb12u1", None),
            ("pkg:npm/hl7-parser", "2.1.0", Some(&"a".repeat(64))),
            ("pkg:npm/fhir-client", "0.4.0", None),
        ],
        &[],
    );
    let r = review_with(&signed_sbom_feed(after), baseline(&before));
    let c = assert_status(&r, CheckId::SbomComponents, Status::Pass);
    let said: Vec<&str> = c.findings.iter().map(|f| f.summary.as_str()).collect();
    assert_eq!(said.len(), 3, "{said:?}");
    assert!(
        said.iter()
            .any(|s| s.starts_with("upgraded: openssl 3.0.11-1~deb12u2 → 3.0.15-1~deb12u1")),
        "{said:?}"
    );
    assert!(
        said.iter().any(|s| s.starts_with("added: fhir-client")),
        "{said:?}"
    );
    assert!(
        said.iter().any(|s| s.starts_with("removed: left-pad")),
        "{said:?}"
    );
    assert!(
        c.summary.contains("since 4.2.0: 3 changed, 1 unchanged"),
        "{}",
        c.summary
    );

    let downgraded = cyclonedx(&[("pkg:npm/hl7-parser", "2.0.9", None)], &[]);
    let r = review_with(&signed_sbom_feed(downgraded), baseline(&before));
    assert_status(&r, CheckId::SbomComponents, Status::Warn);

    let rebuilt = cyclonedx(
        &[("pkg:npm/hl7-parser", "2.1.0", Some(&"b".repeat(64)))],
        &[],
    );
    let r = review_with(&signed_sbom_feed(rebuilt), baseline(&before));
    let c = assert_status(&r, CheckId::SbomComponents, Status::Fail);
    assert!(
        c.findings
            .iter()
            .any(|f| f.summary.contains("the same version with other bytes"))
    );
}

#[test]
fn an_unreadable_or_missing_sbom_fails_without_stopping_the_review() {
    let r = review_with(
        &signed_sbom_feed(b"{\"name\": \"not an sbom\"}".to_vec()),
        no_baseline(),
    );
    let c = assert_status(&r, CheckId::SbomComponents, Status::Fail);
    assert!(c.summary.contains("neither CycloneDX"), "{}", c.summary);

    let spec = signed_sbom_feed(good_sbom());
    let w = write(&spec);
    std::fs::remove_file(w.dir.path().join("releases/4.2.1/meridian-4.2.1.cdx.json")).unwrap();
    let r = try_review_at(&w.feed, "4.2.1", "linux-x86_64", now()).unwrap();
    let c = assert_status(&r, CheckId::SbomComponents, Status::Fail);
    assert!(c.summary.contains("no source serves it"), "{}", c.summary);
    assert_status(&r, CheckId::ChecksumSha256, Status::Pass);
}

/// The official CycloneDX 1.6 schema (tests/data/cyclonedx), its `$ref`s
/// to the sibling schemas answered from the same folder, never fetched.
fn cyclonedx_validator() -> jsonschema::Validator {
    struct Siblings;
    impl jsonschema::Retrieve for Siblings {
        fn retrieve(
            &self,
            uri: &jsonschema::Uri<String>,
        ) -> Result<serde_json::Value, Box<dyn std::error::Error + Send + Sync>> {
            let name = uri.as_str().rsplit('/').next().unwrap_or("");
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/data/cyclonedx")
                .join(name);
            Ok(serde_json::from_slice(&std::fs::read(path)?)?)
        }
    }
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/cyclonedx");
    let schema: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("bom-1.6.SNAPSHOT.schema.json")).unwrap())
            .unwrap();
    jsonschema::options()
        .with_retriever(Siblings)
        .build(&schema)
        .unwrap()
}

fn written_sbom(
    review: &Review,
) -> (
    serde_json::Value,
    intake::engine::record::checklist::Written,
) {
    use intake::engine::record::checklist::{self, Checklist, SignOff};
    let sign_off = SignOff {
        operator: "a.operator".into(),
        approver: "b.approver".into(),
        ..Default::default()
    };
    let checklist = Checklist::build(review, &sign_off, now());
    let out = tempfile::tempdir().unwrap().keep();
    let written = checklist::write(&checklist, &out, None).unwrap();
    let path = written
        .sbom
        .clone()
        .expect("an SBOM is written for an archive");
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(checklist.record.inputs.sbom, Some(sha256(&bytes)));
    (serde_json::from_slice(&bytes).unwrap(), written)
}

#[test]
fn the_written_sbom_is_valid_cyclonedx_1_6_naming_the_artifact_and_every_file() {
    let validator = cyclonedx_validator();
    let r = review_with(&signed_sbom_feed(good_sbom()), no_baseline());
    let (doc, written) = written_sbom(&r);
    let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let subject = &doc["metadata"]["component"];
    assert_eq!(subject["name"], "meridian");
    assert_eq!(subject["version"], "4.2.1");
    assert_eq!(subject["hashes"][0]["content"], r.artifact.sha256.as_str());
    let props = doc["metadata"]["properties"].as_array().unwrap();
    let verdict = props
        .iter()
        .find(|p| p["name"] == "intake:verdict")
        .unwrap();
    // No release notes: `archive.contents` warns, unwaived, so rejected.
    assert_eq!(verdict["value"], "rejected");
    let components = doc["components"].as_array().unwrap();
    let files: Vec<&str> = components
        .iter()
        .filter(|c| c["type"] == "file")
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        files,
        ["meridian-4.2.1/bin/meridian", "meridian-4.2.1/README"]
    );
    let server = components
        .iter()
        .find(|c| c["name"] == "meridian-4.2.1/bin/meridian")
        .unwrap();
    assert_eq!(server["hashes"][0]["content"], sha256(SERVER).as_str());
    // The vendor's components come along: a pinned signature covered them.
    let vendor: Vec<&str> = components
        .iter()
        .filter(|c| c["type"] == "library")
        .map(|c| c["purl"].as_str().unwrap())
        .collect();
    assert_eq!(
        vendor,
        [
            "pkg:deb/debian/openssl@3.0.15-1~deb12u1",
            "pkg:npm/hl7-parser@2.1.0"
        ]
    );

    // `checklist verify` covers it: altered, the record no longer holds.
    let audit = |w: &intake::engine::record::checklist::Written| {
        intake::engine::record::audit::audit_trusting(&w.toml, &Default::default(), now()).unwrap()
    };
    assert!(audit(&written).intact());
    let sbom_path = written.sbom.clone().unwrap();
    let mut altered = std::fs::read(&sbom_path).unwrap();
    altered.extend_from_slice(b" ");
    std::fs::write(&sbom_path, altered).unwrap();
    let after = audit(&written);
    assert!(!after.intact());
    let point = after.points.iter().find(|p| p.what == "sbom").unwrap();
    assert!(point.summary.contains("was altered"), "{}", point.summary);
}

#[test]
fn an_sbom_no_signature_covers_is_not_carried_into_the_written_one() {
    let mut rel = release();
    rel.sbom = Some(FileSpec::new("meridian-4.2.1.cdx.json", good_sbom()));
    let r = review_with(&feed_with(rel), no_baseline());
    let (doc, _) = written_sbom(&r);
    let components = doc["components"].as_array().unwrap();
    assert!(
        components.iter().all(|c| c["type"] == "file"),
        "{components:?}"
    );
    assert_eq!(cyclonedx_validator().iter_errors(&doc).count(), 0);
}

#[test]
fn the_inspect_step_lists_each_component_change_as_a_changed_row() {
    use intake::tui::rows::{Filter, Inspect, SBOM_ROW};
    let before = cyclonedx(&[("pkg:npm/hl7-parser", "2.0.0", None)], &[]);
    let after = cyclonedx(
        &[("pkg:npm/hl7-parser", "2.1.0", None)],
        &[("lib/gone.so", &"c".repeat(64))],
    );
    let baseline = Baseline::Found {
        version: "4.2.0".into(),
        bytes: before,
    };
    let r = review_with(&signed_sbom_feed(after), baseline);
    let mut inspect = Inspect::new(&r);
    inspect.set_filter(Filter::Changed);
    let changed: Vec<&str> = inspect
        .visible
        .iter()
        .map(|i| inspect.rows[*i].path.as_str())
        .collect();
    assert_eq!(changed, [format!("{SBOM_ROW}pkg:npm/hl7-parser")]);
    let row = &inspect.rows[inspect.visible[0]];
    assert_eq!(
        row.change.as_deref(),
        Some("upgraded: hl7-parser 2.0.0 → 2.1.0")
    );
    inspect.set_filter(Filter::Findings);
    let found: Vec<&str> = inspect
        .visible
        .iter()
        .map(|i| inspect.rows[*i].path.as_str())
        .collect();
    assert!(
        found.contains(&format!("{SBOM_ROW}lib/gone.so").as_str()),
        "{found:?}"
    );
}

#[test]
fn the_store_keeps_the_approved_sbom_and_the_next_review_compares_with_it() {
    let home = tempfile::tempdir().unwrap();
    let verify = |release: &str, waive: &[&str]| {
        let mut cmd = intake_bin();
        cmd.env("XDG_DATA_HOME", home.path())
            .args([
                "verify",
                "sample-releases/meridian/feed.toml",
                "--release",
                release,
            ])
            .args(["--platform", "linux-x86_64", "--offline"])
            .args(["--operator", "a.operator", "--approver", "b.approver"])
            .arg("--checklist-dir")
            .arg(home.path().join("checklists"));
        for w in waive {
            cmd.args(["--waive", w]);
        }
        cmd.output().unwrap()
    };
    let o = verify("4.2.0", &["release.newest=kept on 4.2.0 for the test"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let stored = home
        .path()
        .join("intake/store/meridian/4.2.0/meridian-4.2.0.cdx.json");
    assert!(
        stored.is_file(),
        "the store keeps the vendor SBOM with the evidence"
    );
    let o = verify("4.2.1", &[]);
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(out.contains("since 4.2.0: 2 changed, 2 unchanged"), "{out}");
    let md = std::fs::read_dir(home.path().join("checklists"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.to_string_lossy().contains("-4.2.1-") && p.extension().is_some_and(|x| x == "md")
        })
        .unwrap();
    let md = std::fs::read_to_string(md).unwrap();
    assert!(
        md.contains("## SBOM: component changes since 4.2.0"),
        "{md}"
    );
    assert!(md.contains("| upgraded | openssl | pkg:deb/debian/openssl | 3.0.11-1\\~deb12u2 | 3.0.15-1\\~deb12u1 |"), "{md}");
}

#[test]
fn an_sbom_past_its_size_limit_fails_saying_so() {
    let mut big = good_sbom();
    big.truncate(big.len() - 2);
    big.extend(std::iter::repeat_n(b' ', (64 << 20) + 1));
    big.extend_from_slice(b"}\n");
    let r = review_with(&signed_sbom_feed(big), no_baseline());
    let c = assert_status(&r, CheckId::SbomComponents, Status::Fail);
    assert!(c.summary.contains("larger than"), "{}", c.summary);
}
