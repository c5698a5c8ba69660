//! The JSON is a contract: every command's `--format json` output, from
//! the real binary, validates against the JSON Schema published in
//! `src/cli/schemas/` (and printed by `intake schema NAME`), names its
//! schema and version, and gives numbers as numbers, packed values as
//! their parts, arrays under plural names and always present, and the
//! checks that reject a review by id.

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::{Value, json};

use crate::support::*;

fn schemas_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src/cli/schemas")
}

fn samples(feed: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("sample-releases")
        .join(feed)
        .join("feed.toml")
}

/// The published schema `name`, checked against the JSON Schema
/// meta-schema.
fn schema(name: &str) -> Value {
    let path = schemas_dir().join(format!("{name}.schema.json"));
    let text = std::fs::read_to_string(&path).unwrap();
    let schema: Value = serde_json::from_str(&text).unwrap();
    assert!(
        jsonschema::meta::is_valid(&schema),
        "{} is no JSON Schema",
        path.display()
    );
    schema
}

/// The command's stdout as JSON, validated against schema `name`.
#[track_caller]
pub(crate) fn valid(name: &str, o: &Output) -> Value {
    let doc: Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}):\n{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    });
    let schema = schema(name);
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{name}: {errors:#?}\n{}",
        serde_json::to_string_pretty(&doc).unwrap()
    );
    let id = schema["properties"]["schema"]["const"].as_str().unwrap();
    assert_eq!(doc["schema"], id);
    // Numbers as numbers: no evidence value is a number written as text.
    for c in doc["checks"].as_array().into_iter().flatten() {
        for (key, value) in c["evidence"].as_object().unwrap() {
            let digits = value
                .as_str()
                .is_some_and(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()));
            assert!(
                !digits,
                "{}: evidence {key} = {value} is a number as text",
                c["id"]
            );
        }
    }
    doc
}

fn run(args: &[&str], extra: &[&Path]) -> Output {
    intake_bin().args(args).args(extra).output().unwrap()
}

/// `intake verify` of the demo feed's `version` into `desk`, offline.
fn verify(desk: &Path, feed: &Path, version: &str, extra: &[&str]) -> Output {
    intake_bin()
        .arg("verify")
        .arg(feed)
        .args(["--release", version, "--platform", "linux-x86_64"])
        .args(["--operator", "a.operator", "--approver", "b.approver"])
        .args(["--offline", "--format", "json", "--checklist-dir"])
        .arg(desk.join("checklists"))
        .args(extra)
        .args(if extra.contains(&"--no-store") {
            Vec::new()
        } else {
            vec!["--store".into(), desk.join("store").display().to_string()]
        })
        .output()
        .unwrap()
}

fn check<'a>(doc: &'a Value, id: &str) -> &'a Value {
    doc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no check {id}"))
}

#[test]
fn verify_json_names_its_schema_the_files_written_and_types_every_value() {
    let desk = tempfile::tempdir().unwrap();
    let o = verify(
        desk.path(),
        &samples("meridian"),
        "4.2.1",
        &["--change-request", "CR-1"],
    );
    assert_eq!(o.status.code(), Some(0));
    let doc = valid("verify", &o);
    // The files written, where they are (their names carry a time).
    for file in ["checklist", "markdown", "manifest"] {
        let path = doc["files"][file].as_str().unwrap();
        assert!(Path::new(path).is_file(), "{file}: {path}");
    }
    assert_eq!(doc["files"]["signature"], Value::Null);
    assert!(Path::new(doc["stored"]["artifact"].as_str().unwrap()).is_file());
    assert_eq!(doc["stored"]["keys_left_out"], json!([]));
    assert!(Path::new(doc["approval_history"].as_str().unwrap()).is_file());
    // Numbers as numbers, packed values in parts, empty arrays kept.
    assert_eq!(check(&doc, "fetch.size")["evidence"]["size"], 12637);
    assert_eq!(check(&doc, "archive.safety")["evidence"]["entries"], 9);
    assert_eq!(
        check(&doc, "checksum.sha256")["evidence"]["algorithms"],
        json!(["SHA-256"])
    );
    let sig = &check(&doc, "signature.checksums")["evidence"];
    assert_eq!(sig["made"]["hash_algorithm"], "SHA-256");
    assert_eq!(sig["made"]["key_algorithm"], "Ed25519");
    assert_eq!(sig["made"]["time"], "2026-03-02T10:14:07Z");
    assert_eq!(sig["signer"]["pinned"], true);
    assert_eq!(sig["signatures"], 1);
    assert!(!sig["signer"]["fingerprint"].as_str().unwrap().contains(' '));
    assert_eq!(doc["artifact"]["size"], 12637);
    assert_eq!(doc["waivers"], json!([]));
    assert_eq!(doc["rejected_by"], json!([]));
    assert_eq!(check(&doc, "feed.fresh")["findings"], json!([]));
    assert_eq!(doc["since"]["changed"], json!([]));

    // An older release, waived: what changed since 4.2.1, in parts.
    let o = verify(
        desk.path(),
        &samples("meridian"),
        "4.2.0",
        &[
            "--waive",
            "release.newest=validated version",
            "--waive",
            "release.rollback=back to the validated version",
            // The rollback brings back 4.2.0's older openssl: its SBOM says so.
            "--waive",
            "sbom.components=the older openssl comes back with the validated version",
        ],
    );
    assert_eq!(o.status.code(), Some(0));
    let doc = valid("verify", &o);
    assert_eq!(doc["waivers"][0]["outcome"], "applied");
    assert_eq!(doc["since"]["version"], "4.2.1");
    let changed = doc["since"]["changed"].as_array().unwrap();
    let binary = changed
        .iter()
        .find(|c| c["path"] == "bin/meridian")
        .unwrap();
    assert!(
        binary["changes"]
            .as_array()
            .unwrap()
            .contains(&json!({"field": "sha256"})),
        "{binary}"
    );
    // Without the store: the files written, nothing stored, no history.
    let o = verify(desk.path(), &samples("meridian"), "4.2.1", &["--no-store"]);
    let doc = valid("verify", &o);
    assert!(Path::new(doc["files"]["checklist"].as_str().unwrap()).is_file());
    assert_eq!(doc["stored"], Value::Null);
    assert_eq!(doc["approval_history"], Value::Null);
}

#[test]
fn verify_json_says_which_checks_reject_the_review_by_id() {
    let desk = tempfile::tempdir().unwrap();
    let o = verify(desk.path(), &samples("training"), "tampered", &[]);
    assert_eq!(o.status.code(), Some(1));
    let doc = valid("verify", &o);
    assert_eq!(doc["verdict"], "rejected");
    let by = doc["rejected_by"].as_array().unwrap();
    assert!(
        by.contains(&json!({"check": "checksum.sha256", "status": "fail", "why": "failed"})),
        "{by:?}"
    );
    assert_eq!(by.len(), doc["rejected_because"].as_array().unwrap().len());
    // A warning without a waiver names itself too.
    let o = verify(desk.path(), &samples("training"), "world-writable", &[]);
    let doc = valid("verify", &o);
    assert_eq!(
        doc["rejected_by"],
        json!([{"check": "archive.safety", "status": "warn", "why": "not-waived"}])
    );
    // A waiver naming a finding the review does not have: it is on the
    // record as such, and the warning still rejects.
    let o = verify(
        desk.path(),
        &samples("training"),
        "world-writable",
        &["--waive", "archive.safety:elsewhere=no such finding"],
    );
    let doc = valid("verify", &o);
    assert_eq!(doc["waivers"][0]["subject"], "elsewhere");
    assert_eq!(doc["waivers"][0]["outcome"], "no-such-finding");
    assert_eq!(doc["waivers"][0]["covers"], json!([]));
    assert_eq!(doc["rejected_by"][0]["why"], "not-waived");
    // The finding named: accepted, and what it covered listed.
    let subject = "meridian-world-writable/conf/logging.toml";
    let waive = format!("archive.safety:{subject}=reset by the installer");
    let o = verify(
        desk.path(),
        &samples("training"),
        "world-writable",
        &["--waive", &waive],
    );
    let doc = valid("verify", &o);
    assert_eq!(doc["verdict"], "approved");
    assert_eq!(doc["waivers"][0]["covers"], json!([subject]));
    // A feed size that is wrong: both sizes as numbers.
    let o = verify(desk.path(), &samples("training"), "wrong-size", &[]);
    let doc = valid("verify", &o);
    let size = &check(&doc, "fetch.size")["evidence"];
    assert_eq!(
        size["expected"].as_u64().unwrap(),
        size["actual"].as_u64().unwrap() + 4096
    );
}

#[test]
fn list_json_gives_every_release_and_artifact() {
    let o = run(&["list", "--format", "json"], &[&samples("meridian")]);
    assert_eq!(o.status.code(), Some(0));
    let doc = valid("list", &o);
    let versions: Vec<&str> = doc["releases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["version"].as_str().unwrap())
        .collect();
    assert_eq!(versions, ["4.2.1", "4.2.0", "4.1.7"]);
    let first = &doc["releases"][0];
    assert_eq!(first["newest_in_channel"], true);
    assert_eq!(first["artifacts"][0]["media"], "on-this-media");
    assert_eq!(first["artifacts"][0]["size"], 12637);
    assert_eq!(doc["product"], "meridian");
    assert_eq!(doc["trust"]["threshold"], 1);
}

#[test]
fn checklist_verify_json_tells_intact_from_signed() {
    let desk = tempfile::tempdir().unwrap();
    let o = verify(desk.path(), &samples("meridian"), "4.2.1", &["--no-store"]);
    let toml = PathBuf::from(valid("verify", &o)["files"]["checklist"].as_str().unwrap());
    // Unaltered and unsigned: intact, not signed, exit 1 as before.
    let o = run(
        &["checklist", "verify", "--format", "json"],
        &[toml.as_path()],
    );
    assert_eq!(o.status.code(), Some(1));
    let doc = valid("checklist-verify", &o);
    assert_eq!(
        (&doc["intact"], &doc["signed"], &doc["verified"]),
        (&json!(true), &json!(false), &json!(false))
    );
    assert_eq!(doc["signature_file"], Value::Null);
    // Altered: not intact.
    let md = toml.with_extension("md");
    let text = std::fs::read_to_string(&md).unwrap();
    std::fs::write(&md, text.replace("APPROVED", "APPR0VED")).unwrap();
    let o = run(
        &["checklist", "verify", "--format", "json"],
        &[toml.as_path()],
    );
    let doc = valid("checklist-verify", &o);
    assert_eq!(doc["intact"], false);
}

#[test]
fn approve_and_checklist_verify_json_carry_both_signatures() {
    use crate::approve::{Desk, approval};
    let desk = Desk::new();
    let toml = desk.review("4.2.1", "checklists");
    let config = desk.approver_settings();
    // Signed, not yet countersigned: both signature fields there, one null.
    let o = desk.checklist_verify(&config, &toml, &["--format", "json"]);
    assert_eq!(o.status.code(), Some(0));
    let doc = valid("checklist-verify", &o);
    assert!(doc["signed_by"]["fingerprint"].is_string());
    assert_eq!(doc["countersigned_by"], Value::Null);
    assert_eq!(doc["countersignature_file"], Value::Null);
    assert_eq!(doc["countersigned"], false);
    // manifest, sbom, markdown, signature, countersignature.
    assert_eq!(doc["points"][4]["what"], "countersignature");
    assert_eq!(doc["points"][4]["status"], "skip");
    // Refused (the operator's own key): why, by a stable word.
    let same = desk.settings("same", Some("operator"), "");
    let o = desk.approve(&same, &toml, &["--yes", "--format", "json"], "");
    assert_eq!(o.status.code(), Some(1));
    let doc = valid("approve", &o);
    assert_eq!(doc["refused"][0]["why"], "same-key");
    assert_eq!(doc["identity"], Value::Null);
    assert_eq!(doc["countersignature_file"], Value::Null);
    // Countersigned: the file written and the history it went into.
    let o = desk.approve(&config, &toml, &["--yes", "--format", "json"], "");
    assert_eq!(o.status.code(), Some(0));
    let doc = valid("approve", &o);
    assert_eq!(doc["countersigned"], true);
    assert_eq!(doc["identity"], "signers");
    assert_eq!(doc["refused"], json!([]));
    assert_eq!(
        doc["countersignature_file"],
        json!(approval(&toml).display().to_string())
    );
    assert!(Path::new(doc["approval_history"].as_str().unwrap()).is_file());
    let o = desk.checklist_verify(&config, &toml, &["--format", "json", "--require-approval"]);
    assert_eq!(o.status.code(), Some(0));
    let doc = valid("checklist-verify", &o);
    assert_eq!(doc["countersigned"], true);
    assert_eq!(doc["approval_required"], true);
    assert!(doc["countersigned_by"]["time"].is_string());
    assert_ne!(
        doc["countersigned_by"]["fingerprint"],
        doc["signed_by"]["fingerprint"]
    );
}

#[test]
fn recheck_json_validates() {
    let desk = tempfile::tempdir().unwrap();
    let o = verify(desk.path(), &samples("meridian"), "4.2.1", &["--no-store"]);
    let toml = PathBuf::from(valid("verify", &o)["files"]["checklist"].as_str().unwrap());
    let empty = desk.path().join("installed");
    std::fs::create_dir_all(&empty).unwrap();
    let o = run(
        &["recheck", "--format", "json"],
        &[toml.as_path(), empty.as_path()],
    );
    assert_eq!(o.status.code(), Some(1));
    let doc = valid("recheck", &o);
    assert_eq!(doc["clean"], false);
    assert!(doc["checked"].is_u64());
}

#[test]
fn history_json_lists_approvals_and_what_awaits_a_countersignature() {
    let desk = tempfile::tempdir().unwrap();
    let feed = samples("meridian");
    let o = verify(desk.path(), &feed, "4.2.1", &["--change-request", "CR-3"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let store = desk.path().join("store");
    let o = run(
        &["history", "meridian", "--format", "json", "--store"],
        &[&store],
    );
    let doc = valid("history", &o);
    assert_eq!(doc["backend"], "sqlite");
    let approvals = doc["approvals"].as_array().unwrap();
    assert_eq!(approvals.len(), 1);
    assert_eq!(approvals[0]["change_request"], "CR-3");
    assert_eq!(approvals[0]["pending"], true);
    assert_eq!(approvals[0]["countersigned"], false);
    let o = run(
        &["history", "--pending", "--format", "json", "--store"],
        &[&store],
    );
    assert_eq!(
        valid("history", &o)["approvals"].as_array().unwrap().len(),
        1
    );
    let o = run(
        &["history", "other-product", "--format", "json", "--store"],
        &[&store],
    );
    assert!(
        valid("history", &o)["approvals"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[test]
fn intake_schema_prints_each_published_schema() {
    let mut names: Vec<String> = std::fs::read_dir(schemas_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter_map(|n| n.strip_suffix(".schema.json").map(str::to_string))
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "approve",
            "checklist-verify",
            "history",
            "list",
            "recheck",
            "verify"
        ]
    );
    for name in names {
        let o = run(&["schema", &name], &[]);
        assert_eq!(o.status.code(), Some(0), "{name}");
        let printed: Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(printed, schema(&name), "{name}");
    }
}

/// A check may carry an optional `next_step` in words: the schema allows
/// it (and nothing else unknown).
#[test]
fn the_verify_schema_allows_a_next_step_on_a_check() {
    let schema = schema("verify");
    let check = &schema["$defs"]["check"];
    assert_eq!(check["properties"]["next_step"]["type"], "string");
    assert_eq!(check["additionalProperties"], false);
    assert!(
        !check["required"]
            .as_array()
            .unwrap()
            .contains(&json!("next_step"))
    );
}

/// A Debian package's review: the package checks, typed like the others.
#[test]
fn verify_json_of_a_debian_package_types_the_package_evidence() {
    let desk = tempfile::tempdir().unwrap();
    let out = verify(desk.path(), &samples("agent"), "4.2.1", &["--no-store"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let doc = valid("verify", &out);
    let digests = check(&doc, "package.digests");
    assert_eq!(digests["status"], "pass");
    assert_eq!(digests["evidence"]["agreed"], 3);
    assert_eq!(digests["evidence"]["unlisted"], 0);
    assert_eq!(
        check(&doc, "package.signature")["evidence"]["file"],
        "_gpgorigin"
    );
    assert_eq!(
        check(&doc, "package.identity")["evidence"]["architecture"],
        "amd64"
    );
}
