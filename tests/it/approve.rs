//! Two-person approval: the operator signs a checklist, the approver
//! countersigns it with `intake approve` (their own key, their own
//! settings), and `checklist verify` names both signers and, when approval
//! is required, fails a checklist nobody trusted countersigned. Every
//! refusal is tried with real keys and real signatures.

use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::OnceLock;

use intake::engine::fetch::hashers::sha256_hex;
use intake::engine::record::history::{History, Location};
use intake::testkit::keys::{self, KeySpec, SignSpec};
use sequoia_openpgp::Cert;
use serde_json::Value;

use crate::support::*;

fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-releases/meridian/feed.toml")
}

pub(crate) fn operator_key() -> &'static Cert {
    static KEY: OnceLock<Cert> = OnceLock::new();
    KEY.get_or_init(|| {
        KeySpec::new("A. Operator <a.operator@hospital.example>", key_created())
            .generate()
            .unwrap()
    })
}

pub(crate) fn approver_key() -> &'static Cert {
    static KEY: OnceLock<Cert> = OnceLock::new();
    KEY.get_or_init(|| {
        KeySpec::new("B. Approver <b.approver@hospital.example>", key_created())
            .with_signing_subkey()
            .generate()
            .unwrap()
    })
}

/// One test's folders: the operator's checklists, the approver's settings
/// and keys, the store whose history records the countersignature.
pub(crate) struct Desk {
    dir: tempfile::TempDir,
}

impl Desk {
    pub(crate) fn new() -> Self {
        let desk = Desk {
            dir: tempfile::tempdir().unwrap(),
        };
        for (name, cert) in [
            ("operator", operator_key()),
            ("approver", approver_key()),
            ("stranger", stranger()),
        ] {
            std::fs::write(desk.secret(name), keys::secret_armored_demo(cert).unwrap()).unwrap();
            std::fs::write(desk.cert(name), keys::public_armored(cert).unwrap()).unwrap();
        }
        desk
    }

    pub(crate) fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub(crate) fn secret(&self, who: &str) -> PathBuf {
        self.path(&format!("{who}.secret.asc"))
    }

    pub(crate) fn cert(&self, who: &str) -> PathBuf {
        self.path(&format!("{who}.asc"))
    }

    /// The operator's review of `version`, signed with the operator's key
    /// (for CR-1); returns the checklist's TOML.
    pub(crate) fn review(&self, version: &str, into: &str) -> PathBuf {
        let dir = self.path(into);
        let o = intake_bin()
            .arg("verify")
            .arg(samples())
            .args(["--release", version, "--platform", "linux-x86_64"])
            .args(["--operator", "a.operator", "--approver", "b.approver"])
            .args(["--change-request", "CR-1", "--offline"])
            .arg("--signing-key")
            .arg(self.secret("operator"))
            .arg("--checklist-dir")
            .arg(&dir)
            .arg("--store")
            .arg(self.path("operator-store"))
            .output()
            .unwrap();
        assert!(o.status.code() != Some(2), "{}", text(&o));
        only_file(&dir, "toml")
    }

    /// A settings file: the approver's key (unless `key` is None), the
    /// operator's certificate trusted, and `extra` (e.g. `[signers]`).
    pub(crate) fn settings(&self, name: &str, key: Option<&str>, extra: &str) -> PathBuf {
        let path = self.path(&format!("{name}.toml"));
        let key = key
            .map(|k| format!("signing_key = {:?}\n", self.secret(k).display().to_string()))
            .unwrap_or_default();
        let text = format!(
            "{key}trusted_signers = [{:?}]\n{extra}",
            self.cert("operator").display().to_string()
        );
        std::fs::write(&path, text).unwrap();
        path
    }

    /// `[signers]` giving `who`'s certificate for b.approver.
    pub(crate) fn signers(&self, who: &str) -> String {
        format!(
            "\n[signers]\n\"b.approver\" = {:?}\n",
            self.cert(who).display().to_string()
        )
    }

    /// The approver's settings: their key, the operator trusted, and
    /// `[signers]` naming them.
    pub(crate) fn approver_settings(&self) -> PathBuf {
        self.settings("approver", Some("approver"), &self.signers("approver"))
    }

    /// `intake approve` with these settings, `stdin` typed in.
    pub(crate) fn approve(
        &self,
        config: &Path,
        toml: &Path,
        extra: &[&str],
        stdin: &str,
    ) -> Output {
        intake_bin()
            .arg("--config")
            .arg(config)
            .arg("approve")
            .arg(toml)
            .arg("--store")
            .arg(self.path("store"))
            .args(extra)
            .write_stdin(stdin)
            .output()
            .unwrap()
    }

    /// `intake checklist verify` with these settings.
    pub(crate) fn checklist_verify(&self, config: &Path, toml: &Path, extra: &[&str]) -> Output {
        intake_bin()
            .arg("--config")
            .arg(config)
            .args(["checklist", "verify"])
            .arg(toml)
            .args(extra)
            .output()
            .unwrap()
    }

    /// The countersignatures the store's history holds.
    fn countersignatures(&self) -> Vec<intake::engine::record::history::Countersignature> {
        let location = Location::Sqlite(self.path("store/history.sqlite"));
        History::open(&location, None)
            .unwrap()
            .countersignatures(None)
            .unwrap()
    }
}

pub(crate) fn approval(toml: &Path) -> PathBuf {
    PathBuf::from(format!("{}.approval.asc", toml.display()))
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", text(o)))
}

/// A point's line in a text report: `FAIL ✗ countersignature  ...`.
fn point<'a>(out: &'a str, status: &str, what: &str) -> &'a str {
    out.lines()
        .find(|l| l.trim_start().starts_with(status) && l.contains(&format!(" {what} ")))
        .unwrap_or_else(|| panic!("no {status} {what} in\n{out}"))
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{from} not in {}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// Copies a checklist's files (and signatures) into a fresh folder.
fn copy(toml: &Path, desk: &Desk, into: &str) -> PathBuf {
    let dir = desk.path(into);
    std::fs::create_dir_all(&dir).unwrap();
    let name = toml.file_name().unwrap().to_string_lossy().into_owned();
    let stem = name.trim_end_matches(".toml");
    for ext in ["toml", "md", "manifest", "toml.asc", "toml.approval.asc"] {
        let from = toml.with_file_name(format!("{stem}.{ext}"));
        if from.exists() {
            std::fs::copy(&from, dir.join(format!("{stem}.{ext}"))).unwrap();
        }
    }
    dir.join(name)
}

#[test]
fn the_approver_countersigns_and_checklist_verify_names_both_signers() {
    let desk = Desk::new();
    let toml = desk.review("4.2.1", "checklists");
    let config = desk.approver_settings();
    // Before: reported as not countersigned; required, it fails.
    let o = desk.checklist_verify(&config, &toml, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("not countersigned"), "{}", text(&o));
    let o = desk.checklist_verify(&config, &toml, &["--require-approval"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("countersigned by trusted signers: NO"));

    let o = desk.approve(&config, &toml, &["--yes"], "");
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let out = text(&o);
    // The approver saw what they approved, and who signed it.
    for shown in [
        "Meridian Interface Engine 4.2.1",
        "PASS ✓ checksum.sha256",
        "verdict: APPROVED",
        "change request: CR-1",
        "reviewed by a.operator, to be approved by b.approver",
        "signed by the operator: A. Operator <a.operator@hospital.example>",
        "[signers] gives it as b.approver's",
        "countersigned: ",
        "history:       countersignature recorded in the history database",
    ] {
        assert!(out.contains(shown), "no {shown:?} in\n{out}");
    }
    let asc = approval(&toml);
    assert!(
        std::fs::read_to_string(&asc)
            .unwrap()
            .starts_with("-----BEGIN PGP SIGNATURE-----")
    );

    // The history holds it: the TOML's SHA-256, the approver's key.
    let recorded = desk.countersignatures();
    assert_eq!(recorded.len(), 1);
    let c = &recorded[0];
    assert_eq!(
        c.checklist_sha256,
        sha256_hex(&std::fs::read(&toml).unwrap())
    );
    assert_eq!(c.fingerprint, keys::fingerprint(approver_key()));
    assert_eq!(
        (c.product.as_str(), c.version.as_str()),
        ("meridian", "4.2.1")
    );
    assert_eq!(c.approver, "b.approver");
    assert!(
        c.signature.ends_with(".toml.approval.asc"),
        "{}",
        c.signature
    );

    // After: both signers in words, required or not; exit 0.
    let o = desk.checklist_verify(&config, &toml, &["--require-approval"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let out = text(&o);
    let spaced = |cert: &Cert| {
        let hex = keys::fingerprint(cert);
        hex.as_bytes()
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let signed = out.lines().find(|l| l.starts_with("signed by:")).unwrap();
    assert!(
        signed.contains("A. Operator <a.operator@hospital.example>")
            && signed.contains(&spaced(operator_key()))
            && signed.contains(" UTC"),
        "{signed}"
    );
    let countersigned = out
        .lines()
        .find(|l| l.starts_with("countersigned by:"))
        .unwrap();
    assert!(
        countersigned.contains("B. Approver <b.approver@hospital.example>")
            && countersigned.contains(&spaced(approver_key()))
            && countersigned.contains("(approver b.approver)"),
        "{countersigned}"
    );
    point(&out, "PASS", "countersignature");
    assert!(out.contains("intact, signed and countersigned by trusted signers: YES"));

    // The setting asks the same as the flag.
    let required = desk.settings(
        "required",
        None,
        &format!("require_approval = true\n{}", desk.signers("approver")),
    );
    assert_eq!(
        desk.checklist_verify(&required, &toml, &[]).status.code(),
        Some(0)
    );
    let other = desk.review("4.2.1", "other");
    let o = desk.checklist_verify(&required, &other, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("not countersigned, and approval is required"));

    // JSON: both signers, each with key and time.
    let o = desk.checklist_verify(&config, &toml, &["--format", "json", "--require-approval"]);
    let doc = json(&o);
    assert_eq!(
        doc["signed_by"]["fingerprint"],
        keys::fingerprint(operator_key())
    );
    assert_eq!(
        doc["countersigned_by"]["fingerprint"],
        keys::fingerprint(approver_key())
    );
    assert_eq!(
        doc["countersigned_by"]["user_id"],
        "B. Approver <b.approver@hospital.example>"
    );
    assert!(
        doc["countersigned_by"]["time"]
            .as_str()
            .unwrap()
            .ends_with('Z')
    );
    assert_eq!(
        (
            &doc["countersigned"],
            &doc["approval_required"],
            &doc["verified"]
        ),
        (&Value::Bool(true), &Value::Bool(true), &Value::Bool(true))
    );
}

#[test]
fn an_existing_countersignature_is_never_overwritten() {
    let desk = Desk::new();
    let toml = desk.review("4.2.1", "checklists");
    let config = desk.approver_settings();
    assert_eq!(
        desk.approve(&config, &toml, &["--yes"], "").status.code(),
        Some(0)
    );
    let first = std::fs::read(approval(&toml)).unwrap();
    let o = desk.approve(&config, &toml, &["--yes"], "");
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("never replaced"), "{}", text(&o));
    assert_eq!(std::fs::read(approval(&toml)).unwrap(), first);
    assert_eq!(desk.countersignatures().len(), 1);
    // Nor one that someone else put there.
    let other = desk.review("4.2.1", "other");
    std::fs::write(approval(&other), b"not mine").unwrap();
    let o = desk.approve(&config, &other, &["--yes"], "");
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert_eq!(std::fs::read(approval(&other)).unwrap(), b"not mine");
}

#[test]
fn a_tampered_or_rejected_checklist_is_refused_and_nothing_is_written() {
    let desk = Desk::new();
    let toml = desk.review("4.2.1", "checklists");
    let config = desk.approver_settings();
    // The TOML edited after the operator signed it.
    let edited = copy(&toml, &desk, "edited");
    edit(
        &edited,
        "operator = \"a.operator\"",
        "operator = \"mallory\"",
    );
    let o = desk.approve(&config, &edited, &["--yes", "--format", "json"], "");
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let doc = json(&o);
    let why: Vec<&str> = doc["refused"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["why"].as_str().unwrap())
        .collect();
    assert_eq!(why, ["altered", "operator-signature"], "{doc:#}");
    assert_eq!(doc["countersigned"], false);
    assert!(!approval(&edited).exists());
    // The manifest edited.
    let manifest = copy(&toml, &desk, "manifest");
    edit(
        &manifest.with_extension("manifest"),
        "meridian-4.2.1/README.md",
        "meridian-4.2.1/README.txt",
    );
    let o = desk.approve(&config, &manifest, &["--yes"], "");
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains("REFUSED: not countersigned"),
        "{}",
        text(&o)
    );
    assert!(text(&o).contains("was altered"), "{}", text(&o));
    // The operator's signature removed although the record names its key.
    let unsigned = copy(&toml, &desk, "unsigned");
    std::fs::remove_file(format!("{}.asc", unsigned.display())).unwrap();
    let o = desk.approve(&config, &unsigned, &["--yes"], "");
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("is missing"), "{}", text(&o));
    // A rejected review (4.2.0 is not the newest, no waiver): nothing to approve.
    let rejected = desk.review("4.2.0", "rejected");
    let o = desk.approve(&config, &rejected, &["--yes"], "");
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("the review was REJECTED"), "{}", text(&o));
    assert!(!approval(&rejected).exists());
    assert!(!desk.path("store/history.sqlite").exists());
}

#[test]
fn the_operators_own_key_or_another_persons_key_is_refused() {
    let desk = Desk::new();
    let toml = desk.review("4.2.1", "checklists");
    // The operator's key, nothing in [signers]: the same key as the record's.
    let config = desk.settings("same", Some("operator"), "");
    let o = desk.approve(&config, &toml, &["--yes", "--format", "json"], "");
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let doc = json(&o);
    assert_eq!(doc["refused"][0]["why"], "same-key", "{doc:#}");
    assert_eq!(doc["key"]["fingerprint"], keys::fingerprint(operator_key()));
    assert!(!approval(&toml).exists());
    // A stranger's key, when [signers] gives b.approver's certificate.
    let config = desk.settings("stranger", Some("stranger"), &desk.signers("approver"));
    let o = desk.approve(&config, &toml, &["--yes"], "");
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains("is not b.approver's: [signers] gives"),
        "{}",
        text(&o)
    );
    assert!(!approval(&toml).exists());
    // The approver's key, but [signers] names someone else for b.approver.
    let config = desk.settings("wrong-map", Some("approver"), &desk.signers("stranger"));
    let o = desk.approve(&config, &toml, &["--yes", "--format", "json"], "");
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert_eq!(json(&o)["refused"][0]["why"], "not-the-approver");
    // The approver's key with nothing to map it, and --yes: nobody
    // confirmed whose it is.
    let config = desk.settings("unmapped", Some("approver"), "");
    let o = desk.approve(&config, &toml, &["--yes"], "");
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("nobody confirmed") && text(&o).contains("under [signers]"),
        "{}",
        text(&o)
    );
    assert!(!approval(&toml).exists());
    assert!(!desk.path("store/history.sqlite").exists());
}

#[test]
fn the_approver_confirms_by_typing_the_change_request() {
    let desk = Desk::new();
    let config = desk.approver_settings();
    // A wrong reference, or none at all: nothing written.
    let toml = desk.review("4.2.1", "checklists");
    for typed in ["CR-2\n", ""] {
        let o = desk.approve(&config, &toml, &[], typed);
        assert_eq!(o.status.code(), Some(2), "{typed:?}: {}", text(&o));
        assert!(
            text(&o).contains("type the change request reference (CR-1)"),
            "{}",
            text(&o)
        );
        assert!(
            text(&o).contains("nothing was countersigned"),
            "{}",
            text(&o)
        );
        assert!(!approval(&toml).exists());
    }
    let o = desk.approve(&config, &toml, &[], "CR-1\n");
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(approval(&toml).exists());
    // No [signers] mapping: the approver confirms the key is theirs first.
    let unmapped = desk.settings("unmapped", Some("approver"), "");
    let other = desk.review("4.2.1", "other");
    let o = desk.approve(&unmapped, &other, &[], "no\n");
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("B. Approver <b.approver@hospital.example>")
            && text(&o).contains("Is this key yours, and are you b.approver?"),
        "{}",
        text(&o)
    );
    assert!(!approval(&other).exists());
    let o = desk.approve(&unmapped, &other, &["--format", "json"], "yes\nCR-1\n");
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let doc = json(&o);
    assert_eq!(doc["identity"], "confirmed");
    assert_eq!(doc["countersigned"], true);
    // The prompts and the record went to stderr: stdout is the document.
    assert!(String::from_utf8_lossy(&o.stderr).contains("PASS ✓ signature"));
}

#[test]
fn a_countersignature_that_does_not_hold_always_fails_checklist_verify() {
    let desk = Desk::new();
    let toml = desk.review("4.2.1", "checklists");
    let config = desk.approver_settings();
    assert_eq!(
        desk.approve(&config, &toml, &["--yes"], "").status.code(),
        Some(0)
    );
    // Everyone trusted, so only the countersignature's own rules decide.
    let all = desk.settings(
        "all",
        None,
        &format!(
            "\n[signers]\n\"b.approver\" = {:?}\n\"c.approver\" = {:?}\n",
            desk.cert("approver").display().to_string(),
            desk.cert("stranger").display().to_string()
        ),
    );
    let fails = |toml: &Path, words: &str| {
        for extra in [&[][..], &["--require-approval"][..]] {
            let o = desk.checklist_verify(&all, toml, extra);
            assert_eq!(o.status.code(), Some(1), "{words}: {}", text(&o));
            let out = text(&o);
            let line = point(&out, "FAIL", "countersignature");
            assert!(line.contains(words), "{words}: {line}");
            assert!(
                out.contains("countersigned by trusted signers: NO"),
                "{out}"
            );
        }
    };
    // Countersigned, then edited (the operator's signature fails too).
    let edited = copy(&toml, &desk, "edited");
    edit(
        &edited,
        "verdict = \"approved\"",
        "verdict = \"approved\"\n# edited",
    );
    fails(&edited, "");
    // Another checklist's countersignature.
    let other = desk.review("4.2.1", "other");
    let swapped = copy(&other, &desk, "swapped");
    std::fs::copy(approval(&toml), approval(&swapped)).unwrap();
    let o = desk.checklist_verify(&all, &swapped, &[]);
    point(&text(&o), "PASS", "signature");
    fails(&swapped, "");
    // By a key trusted by nobody.
    let bytes = std::fs::read(&other).unwrap();
    let untrusted = KeySpec::new("Mallory <m@example.org>", key_created())
        .generate()
        .unwrap();
    let by_untrusted = copy(&other, &desk, "untrusted");
    let sig =
        keys::sign_detached(&untrusted, &bytes, SignSpec::at(jiff::Timestamp::now())).unwrap();
    std::fs::write(approval(&by_untrusted), sig).unwrap();
    fails(&by_untrusted, "");
    // By the operator's own key.
    let by_operator = copy(&other, &desk, "by-operator");
    let sig =
        keys::sign_detached(operator_key(), &bytes, SignSpec::at(jiff::Timestamp::now())).unwrap();
    std::fs::write(approval(&by_operator), sig).unwrap();
    fails(&by_operator, "the operator's own key");
    // By a trusted key that [signers] does not give for b.approver.
    let by_other = copy(&other, &desk, "by-other");
    let sig =
        keys::sign_detached(stranger(), &bytes, SignSpec::at(jiff::Timestamp::now())).unwrap();
    std::fs::write(approval(&by_other), sig).unwrap();
    fails(&by_other, "as b.approver's");
    // The countersigned original still verifies.
    assert_eq!(
        desk.checklist_verify(&all, &toml, &["--require-approval"])
            .status
            .code(),
        Some(0)
    );
}

#[test]
fn an_unusable_history_or_key_exits_2_and_keeps_what_was_written() {
    let desk = Desk::new();
    let toml = desk.review("4.2.1", "checklists");
    let config = desk.approver_settings();
    // No key at all.
    let keyless = desk.settings("keyless", None, &desk.signers("approver"));
    let o = desk.approve(&keyless, &toml, &["--yes"], "");
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("no signing key"), "{}", text(&o));
    // A public certificate is no key.
    let o = desk.approve(
        &config,
        &toml,
        &[
            "--yes",
            "--signing-key",
            desk.cert("approver").to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("holds no secret key"), "{}", text(&o));
    // No checklist.
    let o = desk.approve(&config, &desk.path("missing.toml"), &["--yes"], "");
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(!approval(&toml).exists());
    // A history that is not a database: the countersignature stays.
    let broken = desk.path("broken.sqlite");
    std::fs::write(&broken, vec![b'x'; 4096]).unwrap();
    let o = desk.approve(
        &config,
        &toml,
        &["--yes", "--history", broken.to_str().unwrap()],
        "",
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("but the approval history was not updated"),
        "{}",
        text(&o)
    );
    assert!(approval(&toml).exists());
    assert_eq!(
        desk.checklist_verify(&config, &toml, &["--require-approval"])
            .status
            .code(),
        Some(0)
    );
}

/// With a history both hosts share, the operator's approval and the
/// approver's countersignature meet: `intake history` shows who
/// countersigned it, and nothing is left pending.
#[test]
fn in_a_shared_history_the_approval_is_shown_countersigned() {
    let desk = Desk::new();
    let toml = desk.review("4.2.1", "checklists");
    let shared = desk.path("operator-store/history.sqlite");
    let history = |extra: &[&str]| {
        intake_bin()
            .args(["history", "meridian", "--history"])
            .arg(&shared)
            .args(extra)
            .output()
            .unwrap()
    };
    let o = history(&["--pending"]);
    assert!(
        text(&o).contains("awaiting the approver's countersignature"),
        "{}",
        text(&o)
    );
    let o = desk.approve(
        &desk.approver_settings(),
        &toml,
        &["--yes", "--history", shared.to_str().unwrap()],
        "",
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let o = history(&[]);
    assert!(
        text(&o).contains("countersigned by b.approver"),
        "{}",
        text(&o)
    );
    let o = history(&["--pending"]);
    assert!(
        text(&o).contains("Nothing awaits a countersignature"),
        "{}",
        text(&o)
    );
}
