//! Records that hold up in an audit: settings, the approval history
//! (rollback, diff since the last approval), signed checklists, and
//! `checklist verify` catching each kind of tampering.

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

use intake::testkit::keys::{self, KeySpec};
use sequoia_openpgp::types::ReasonForRevocation;

use crate::support::*;

fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-releases/meridian/feed.toml")
}

/// A workspace: checklists, store, cache and settings folders.
struct Desk {
    dir: tempfile::TempDir,
}

impl Desk {
    fn new() -> Self {
        Desk {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// `intake verify` of the demo feed with this desk's folders.
    fn verify(&self, version: &str, extra: &[&str]) -> Output {
        crate::support::intake_bin()
            .args([
                "verify",
                samples().to_str().unwrap(),
                "--release",
                version,
                "--platform",
                "linux-x86_64",
            ])
            .args(["--approver", "b.approver", "--offline", "--format", "text"])
            .arg("--checklist-dir")
            .arg(self.path("checklists"))
            .arg("--store")
            .arg(self.path("store"))
            .arg("--cache-dir")
            .arg(self.path("cache"))
            .args(extra)
            .output()
            .unwrap()
    }

    /// The newest checklist TOML written.
    fn last_toml(&self) -> PathBuf {
        let mut tomls: Vec<PathBuf> = std::fs::read_dir(self.path("checklists"))
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        tomls.sort_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok());
        tomls.pop().unwrap()
    }
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn line<'a>(out: &'a str, what: &str) -> &'a str {
    out.lines()
        .find(|l| l.contains(what))
        .unwrap_or_else(|| panic!("no {what} in\n{out}"))
}

// ---- settings --------------------------------------------------------------

#[test]
fn settings_supply_defaults_and_flags_override_them() {
    let desk = Desk::new();
    let config = desk.path("config.toml");
    std::fs::write(
        &config,
        "operator = \"cfg.operator\"\nchecklist_dir = \"from-settings\"\n",
    )
    .unwrap();
    let o = crate::support::intake_bin()
        .args([
            "--config",
            config.to_str().unwrap(),
            "verify",
            samples().to_str().unwrap(),
            "--release",
            "4.2.1",
            "--platform",
            "linux-x86_64",
        ])
        .args(["--approver", "b.approver", "--offline", "--no-store"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let dir = desk.path("from-settings");
    let toml = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .find(|e| e.path().extension().is_some_and(|x| x == "toml"))
        .unwrap();
    assert!(
        std::fs::read_to_string(toml.path())
            .unwrap()
            .contains("operator = \"cfg.operator\"")
    );

    let o = crate::support::intake_bin()
        .args([
            "--config",
            config.to_str().unwrap(),
            "verify",
            samples().to_str().unwrap(),
            "--release",
            "4.2.1",
            "--platform",
            "linux-x86_64",
        ])
        .args([
            "--operator",
            "flag.operator",
            "--approver",
            "b.approver",
            "--offline",
            "--no-store",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(json["operator"], "flag.operator");
}

#[test]
fn a_malformed_settings_file_is_refused_naming_line_and_key() {
    let desk = Desk::new();
    let config = desk.path("config.toml");
    std::fs::write(&config, "operator = \"a\"\ncolour = \"blue\"\n").unwrap();
    let o = crate::support::intake_bin()
        .args([
            "--config",
            config.to_str().unwrap(),
            "list",
            samples().to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("config.toml:2:1: colour: unknown field `colour`"),
        "{err}"
    );
}

// ---- history: rollback and diff --------------------------------------------

#[test]
fn rollback_and_the_diff_come_from_the_approval_history() {
    let desk = Desk::new();
    let o = desk.verify(
        "4.2.1",
        &["--operator", "a.operator", "--change-request", "CR-1"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(desk.path("store/history.sqlite").is_file());
    let first = std::fs::read_to_string(desk.last_toml()).unwrap();
    assert!(
        first.contains("no previous approval of this platform is recorded here"),
        "{first}"
    );

    // An older release is now a rollback that needs a reason.
    let o = desk.verify(
        "4.2.0",
        &[
            "--operator",
            "a.operator",
            "--waive",
            "release.newest=validated version",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let out = text(&o);
    let rollback = line(&out, "release.rollback");
    assert!(
        rollback.contains("WARN")
            && rollback.contains("4.2.0 is older than 4.2.1 was approved here on")
            && rollback.contains("CR-1"),
        "{rollback}"
    );
    let o = desk.verify(
        "4.2.0",
        &[
            "--operator",
            "a.operator",
            "--waive",
            "release.newest=validated version",
            "--waive",
            "release.rollback=back to the validated version, INC-7",
            // Its SBOM says openssl goes back too: that needs its own reason.
            "--waive",
            "sbom.components=the validated version's openssl, INC-7",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));

    // 4.2.1 again: newer than the last approval (4.2.0), and what changed is listed.
    let o = desk.verify("4.2.1", &["--operator", "a.operator"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let out = text(&o);
    assert!(
        line(&out, "release.rollback").contains("4.2.1 is newer than 4.2.0 was approved here"),
        "{out}"
    );
    let record = std::fs::read_to_string(desk.last_toml()).unwrap();
    assert!(
        record.contains("summary = \"since 4.2.0: 0 added, 0 removed, 4 changed\""),
        "{record}"
    );
    assert!(record.contains("\"bin/meridian: sha256\""), "{record}");
    let md = std::fs::read_to_string(desk.last_toml().with_extension("md")).unwrap();
    assert!(
        md.contains("## Since the last approval") && md.contains("conf/meridian.toml"),
        "{md}"
    );
}

/// A history that cannot be read (a TOML history of an earlier version that
/// is damaged or newer, a damaged database, a database from a newer
/// intake): the review warns "unavailable", never passes as if nothing
/// had been approved; approving anyway (with a reason) writes the
/// checklist and ends with exit 2 saying the history was not updated, and
/// the history file is left exactly as it was.
#[test]
fn an_unreadable_or_newer_history_is_never_trusted() {
    let newer_database = || {
        let file = tempfile::NamedTempFile::new().unwrap();
        let db = rusqlite::Connection::open(file.path()).unwrap();
        db.execute_batch("CREATE TABLE approvals (id INTEGER); PRAGMA user_version = 99;")
            .unwrap();
        drop(db);
        std::fs::read(file.path()).unwrap()
    };
    for (file, content, words) in [
        (
            "meridian/approvals.toml",
            b"this is not toml [[".to_vec(),
            "cannot be read",
        ),
        (
            "meridian/approvals.toml",
            b"format = 99\n".to_vec(),
            "newer intake",
        ),
        ("history.sqlite", vec![0x5a; 8192], "not an SQLite database"),
        (
            "history.sqlite",
            newer_database(),
            "newer intake (history schema 99",
        ),
    ] {
        let desk = Desk::new();
        let path = desk.path(&format!("store/{file}"));
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &content).unwrap();
        let o = desk.verify("4.2.1", &["--operator", "a.operator"]);
        assert_eq!(
            o.status.code(),
            Some(1),
            "a warning, never a pass: {}",
            text(&o)
        );
        let out = text(&o);
        let rollback = line(&out, "release.rollback");
        assert!(
            rollback.contains("WARN") && rollback.contains(words),
            "{file}: {rollback}"
        );
        let o = desk.verify(
            "4.2.1",
            &[
                "--operator",
                "a.operator",
                "--waive",
                "release.rollback=history restored from backup next week",
            ],
        );
        assert_eq!(o.status.code(), Some(2), "{}", text(&o));
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains("the checklist is written") && err.contains("history was not updated"),
            "{err}"
        );
        assert!(desk.last_toml().is_file(), "the checklist stays");
        assert_eq!(
            std::fs::read(&path).unwrap(),
            content,
            "{file} left as it was"
        );
    }
}

// ---- signing ---------------------------------------------------------------

fn signing_key() -> &'static sequoia_openpgp::Cert {
    static KEY: std::sync::OnceLock<sequoia_openpgp::Cert> = std::sync::OnceLock::new();
    KEY.get_or_init(|| {
        KeySpec::new("A. Operator <a.operator@hospital.example>", key_created())
            .generate()
            .unwrap()
    })
}

/// Writes the secret key and the public certificate; returns their paths.
fn key_files(desk: &Desk, name: &str, cert: &sequoia_openpgp::Cert) -> (PathBuf, PathBuf) {
    let (secret, public) = (
        desk.path(&format!("{name}.secret.asc")),
        desk.path(&format!("{name}.asc")),
    );
    std::fs::write(&secret, keys::secret_armored_demo(cert).unwrap()).unwrap();
    std::fs::write(&public, keys::public_armored(cert).unwrap()).unwrap();
    (secret, public)
}

fn checklist_verify(toml: &Path, signer: &Path) -> Output {
    crate::support::intake_bin()
        .args([
            "checklist",
            "verify",
            toml.to_str().unwrap(),
            "--signer",
            signer.to_str().unwrap(),
        ])
        .output()
        .unwrap()
}

/// Copies a checklist's files into a fresh folder (to tamper with).
fn copy_checklist(toml: &Path, into: &Path) -> PathBuf {
    std::fs::create_dir_all(into).unwrap();
    let stem = toml.file_stem().unwrap().to_string_lossy().into_owned();
    for ext in ["toml", "md", "manifest", "toml.asc"] {
        let from = toml.with_file_name(format!("{stem}.{ext}"));
        if from.exists() {
            std::fs::copy(&from, into.join(format!("{stem}.{ext}"))).unwrap();
        }
    }
    into.join(format!("{stem}.toml"))
}

/// A tampering: its name, what it does to a checklist, and the word the
/// verdict must name.
type Tamper<'a> = (&'static str, Box<dyn Fn(&Path) + 'a>, &'static str);

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{from} not in {}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn a_signed_checklist_verifies_and_every_tampering_is_caught() {
    let desk = Desk::new();
    let (secret, public) = key_files(&desk, "operator", signing_key());
    let o = desk.verify(
        "4.2.1",
        &[
            "--operator",
            "a.operator",
            "--signing-key",
            secret.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("signed:"), "{}", text(&o));
    let toml = desk.last_toml();
    let o = checklist_verify(&toml, &public);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("intact and signed by a trusted signer: YES"));

    // Another review (another change request), signed by the same key.
    let other = Desk::new();
    let o = other.verify(
        "4.2.1",
        &[
            "--operator",
            "a.operator",
            "--change-request",
            "CR-OTHER",
            "--signing-key",
            secret.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(0));
    let other_sig = PathBuf::from(format!("{}.asc", other.last_toml().display()));

    let cases: Vec<Tamper> = vec![
        (
            "toml",
            Box::new(|t: &Path| edit(t, "operator = \"a.operator\"", "operator = \"mallory\"")),
            "markdown",
        ),
        (
            "md",
            Box::new(|t: &Path| {
                edit(
                    &t.with_extension("md"),
                    "**Verdict: APPROVED**",
                    "**Verdict: APPROVED (by the board)**",
                )
            }),
            "markdown",
        ),
        (
            "manifest",
            Box::new(|t: &Path| {
                edit(
                    &t.with_extension("manifest"),
                    "meridian-4.2.1/README.md",
                    "meridian-4.2.1/README.txt",
                )
            }),
            "manifest",
        ),
        (
            "swapped",
            Box::new(|t: &Path| {
                std::fs::copy(&other_sig, format!("{}.asc", t.display())).unwrap();
            }),
            "signature",
        ),
        (
            "unsigned",
            Box::new(|t: &Path| std::fs::remove_file(format!("{}.asc", t.display())).unwrap()),
            "unsigned",
        ),
    ];
    for (name, tamper, named) in cases {
        let copy = copy_checklist(&toml, &desk.path(&format!("tampered-{name}")));
        tamper(&copy);
        let o = checklist_verify(&copy, &public);
        assert_eq!(o.status.code(), Some(1), "{name}: {}", text(&o));
        let out = text(&o);
        assert!(
            out.lines().any(|l| l.contains("FAIL") && l.contains(named)),
            "{name}: {out}"
        );
        assert!(out.contains("intact and signed by a trusted signer: NO"));
    }
    // The TOML edit also breaks the signature.
    let copy = copy_checklist(&toml, &desk.path("tampered-toml-2"));
    edit(
        &copy,
        "verdict = \"approved\"",
        "verdict = \"approved\"\n# edited",
    );
    let o = checklist_verify(&copy, &public);
    assert!(
        text(&o)
            .lines()
            .any(|l| l.contains("FAIL") && l.contains("signature")),
        "{}",
        text(&o)
    );
    // Checked against someone else's certificate: not trusted.
    let stranger_cert = desk.path("stranger.asc");
    std::fs::write(&stranger_cert, keys::public_armored(stranger()).unwrap()).unwrap();
    assert_eq!(
        checklist_verify(&toml, &stranger_cert).status.code(),
        Some(1)
    );
    // JSON says the same.
    let o = crate::support::intake_bin()
        .args([
            "checklist",
            "verify",
            toml.to_str().unwrap(),
            "--signer",
            public.to_str().unwrap(),
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(json["intact"], true);
}

#[test]
fn unusable_checklists_exit_2() {
    let desk = Desk::new();
    let (secret, public) = key_files(&desk, "operator", signing_key());
    assert_eq!(
        desk.verify(
            "4.2.1",
            &[
                "--operator",
                "a.operator",
                "--signing-key",
                secret.to_str().unwrap()
            ]
        )
        .status
        .code(),
        Some(0)
    );
    let toml = desk.last_toml();
    let cases: Vec<Tamper> = vec![
        (
            "truncated",
            Box::new(|t: &Path| {
                let b = std::fs::read(t).unwrap();
                std::fs::write(t, &b[..b.len() / 3]).unwrap();
            }),
            "not a checklist record",
        ),
        (
            "newer",
            Box::new(|t: &Path| {
                edit(
                    t,
                    "intake_version = \"0.1.0\"",
                    "intake_version = \"9.0.0\"",
                )
            }),
            "newer than this one",
        ),
        (
            "garbage",
            Box::new(|t: &Path| std::fs::write(t, [0xffu8, 0xfe, 0x00, 0x01]).unwrap()),
            "not UTF-8",
        ),
    ];
    for (name, tamper, words) in cases {
        let copy = copy_checklist(&toml, &desk.path(name));
        tamper(&copy);
        let o = checklist_verify(&copy, &public);
        assert_eq!(o.status.code(), Some(2), "{name}: {}", text(&o));
        assert!(text(&o).contains(words), "{name}: {}", text(&o));
    }
}

#[test]
fn a_key_that_cannot_sign_is_refused_before_anything_is_written() {
    let year = Duration::from_secs(365 * 24 * 3600);
    let expired = KeySpec::new(
        "Old <o@hospital.example>",
        intake::testkit::ts("2020-01-01T00:00:00Z"),
    )
    .expires_after(year)
    .generate()
    .unwrap();
    let revoked = keys::revoke(
        signing_key(),
        Some(ReasonForRevocation::KeyCompromised),
        key_created(),
    )
    .unwrap();
    let no_signing = {
        use sequoia_openpgp::cert::prelude::*;
        CertBuilder::new()
            .set_creation_time(std::time::SystemTime::from(key_created()))
            .set_primary_key_flags(sequoia_openpgp::types::KeyFlags::empty().set_certification())
            .add_userid("Certifier <c@hospital.example>")
            .generate()
            .unwrap()
            .0
    };
    let desk = Desk::new();
    let cases: Vec<(PathBuf, &str)> = vec![
        (key_files(&desk, "expired", &expired).0, "expired"),
        (key_files(&desk, "revoked", &revoked).0, "revoked"),
        (
            key_files(&desk, "nosign", &no_signing).0,
            "no signing-capable key",
        ),
        (
            key_files(&desk, "public", signing_key()).1,
            "holds no secret key",
        ),
    ];
    for (key, words) in cases {
        let o = desk.verify(
            "4.2.1",
            &[
                "--operator",
                "a.operator",
                "--signing-key",
                key.to_str().unwrap(),
            ],
        );
        assert_eq!(o.status.code(), Some(2), "{words}: {}", text(&o));
        assert!(text(&o).contains(words), "{words}: {}", text(&o));
        assert!(!desk.path("checklists").exists(), "nothing written");
    }
}

#[test]
fn a_protected_key_is_unlocked_by_the_environment_or_refused() {
    use sequoia_openpgp::cert::prelude::*;
    let (protected, _) = CertBuilder::new()
        .set_creation_time(std::time::SystemTime::from(key_created()))
        .add_userid("Protected <p@hospital.example>")
        .add_signing_subkey()
        .set_password(Some("correct horse".into()))
        .generate()
        .unwrap();
    let desk = Desk::new();
    let (secret, public) = key_files(&desk, "protected", &protected);
    let run = |pass: Option<&str>| {
        let mut cmd = crate::support::intake_bin();
        cmd.args([
            "verify",
            samples().to_str().unwrap(),
            "--release",
            "4.2.1",
            "--platform",
            "linux-x86_64",
        ])
        .args([
            "--operator",
            "a",
            "--approver",
            "b",
            "--offline",
            "--no-store",
            "--signing-key",
            secret.to_str().unwrap(),
        ])
        .arg("--checklist-dir")
        .arg(desk.path("checklists"))
        .env_remove("INTAKE_SIGNING_PASSPHRASE");
        if let Some(p) = pass {
            cmd.env("INTAKE_SIGNING_PASSPHRASE", p);
        }
        cmd.output().unwrap()
    };
    let o = run(None);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o).contains("set INTAKE_SIGNING_PASSPHRASE"),
        "{}",
        text(&o)
    );
    let o = run(Some("wrong"));
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o).contains("passphrase does not unlock"),
        "{}",
        text(&o)
    );
    assert!(!desk.path("checklists").exists());
    let o = run(Some("correct horse"));
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(
        checklist_verify(&desk.last_toml(), &public).status.code(),
        Some(0)
    );
}
