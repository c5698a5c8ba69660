//! The command line: exit codes 0/1/2/3 exactly as SPEC.md says, output in
//! words, JSON for pipelines, and nothing written when the input is refused.

use std::path::Path;

use assert_cmd::Command;
use intake::testkit::layout::FeedSpec;

use crate::support::*;

fn intake() -> Command {
    let mut cmd = crate::support::intake_bin();
    cmd.env("NO_COLOR", "1");
    cmd
}

/// `intake verify` of 4.2.1/linux-x86_64 with two names, into `out`.
fn verify(feed: &std::path::Path, out: &std::path::Path, extra: &[&str]) -> Command {
    let mut cmd = intake();
    cmd.arg("verify")
        .arg(feed)
        .args([
            "--release",
            "4.2.1",
            "--platform",
            "linux-x86_64",
            "--operator",
            "a.operator",
            "--approver",
            "b.approver",
        ])
        .arg("--checklist-dir")
        .arg(out)
        .args(extra);
    cmd
}

fn files_in(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir).map(|d| d.count()).unwrap_or(0)
}

fn stdout_of(cmd: &mut Command, code: i32) -> String {
    let out = cmd.assert().code(code).get_output().clone();
    String::from_utf8(out.stdout).unwrap()
}

fn stderr_of(cmd: &mut Command, code: i32) -> String {
    let out = cmd.assert().code(code).get_output().clone();
    String::from_utf8(out.stderr).unwrap()
}

#[test]
fn approved_exits_0_and_says_every_check_in_words() {
    let w = write(&good_feed());
    let out = tempfile::tempdir().unwrap();
    let text = stdout_of(
        &mut verify(&w.feed, out.path(), &["--change-request", "CR-1"]),
        0,
    );
    for line in [
        "PASS ✓ checksum.sha256",
        "PASS ✓ signature.checksums",
        "PASS ✓ signature.artifact",
        "SKIP - archive.contents",
        "PASS ✓ signoff",
        "verdict: APPROVED",
    ] {
        assert!(text.contains(line), "missing {line:?} in\n{text}");
    }
    assert_eq!(files_in(out.path()), 3);
}

#[test]
fn rejected_exits_1_and_still_writes_the_checklist() {
    let mut feed = good_feed();
    feed.releases[0].artifacts[0].file.bytes[0] ^= 1;
    let w = write(&feed);
    let out = tempfile::tempdir().unwrap();
    let text = stdout_of(&mut verify(&w.feed, out.path(), &[]), 1);
    assert!(text.contains("FAIL ✗ checksum.sha256"), "{text}");
    assert!(text.contains("verdict: REJECTED"), "{text}");
    assert!(text.contains("checksum.sha256 failed:"), "{text}");
    assert_eq!(files_in(out.path()), 3);
}

#[test]
fn a_waived_warning_exits_0() {
    let mut feed = good_feed();
    feed.expires = Some("2026-01-01".into());
    let w = write(&feed);
    let out = tempfile::tempdir().unwrap();
    let text = stdout_of(&mut verify(&w.feed, out.path(), &[]), 1);
    assert!(text.contains("WARN ! feed.fresh"), "{text}");
    let text = stdout_of(
        &mut verify(
            &w.feed,
            out.path(),
            &["--waive", "feed.fresh=re-review booked as CR-2"],
        ),
        0,
    );
    assert!(
        text.contains("waiver feed.fresh: \"re-review booked as CR-2\" (accepted"),
        "{text}"
    );
}

#[test]
fn refused_input_exits_2_and_writes_nothing() {
    let w = write(&good_feed());
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("checklists");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["--operator", "", "--approver", "b"],
            "operator's name is missing",
        ),
        (vec!["--approver", "a.operator"], "two different people"),
        (
            vec!["--waive", "checksum.sha999=x"],
            "unknown check `checksum.sha999`",
        ),
        (vec!["--waive", "feed.fresh=  "], "empty reason"),
        (vec!["--release", "9.9.9"], "no release `9.9.9`"),
        (vec!["--platform", "plan9-mips"], "no platform `plan9-mips`"),
    ];
    for (args, want) in cases {
        let err = stderr_of(&mut verify(&w.feed, &dir, &args), 2);
        assert!(err.contains(want), "{args:?}: {err}");
        assert!(!dir.exists(), "{args:?} wrote something");
    }
}

#[test]
fn a_malformed_feed_exits_2_with_one_line_naming_file_line_and_field() {
    let w = write(&good_feed());
    let text = std::fs::read_to_string(&w.feed)
        .unwrap()
        .replace("[trust]\n", "[trust]\nthreshold = 0\n");
    std::fs::write(&w.feed, text).unwrap();
    let out = tempfile::tempdir().unwrap();
    let err = stderr_of(&mut verify(&w.feed, out.path(), &[]), 2);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("intake: "), "{err}");
    assert!(
        err.contains("feed.toml:7:13: trust.threshold: must be between 1 and"),
        "{err}"
    );
    assert_eq!(files_in(out.path()), 0);
}

#[test]
fn nothing_fetchable_exits_3() {
    let mut feed: FeedSpec = good_feed();
    feed.sources = vec![(
        "vendor".into(),
        "https://downloads.northwind.example/meridian/".into(),
    )];
    let w = write(&feed);
    let out = tempfile::tempdir().unwrap();
    let err = stderr_of(&mut verify(&w.feed, out.path(), &["--offline"]), 3);
    assert!(
        err.contains("could not fetch 4.2.1/SHA256SUMS from any source"),
        "{err}"
    );
    assert!(err.contains("refused: --offline"), "{err}");
}

#[test]
fn json_prints_the_checklist_record_and_the_files_written() {
    let w = write(&good_feed());
    let out = tempfile::tempdir().unwrap();
    let text = stdout_of(&mut verify(&w.feed, out.path(), &["--format", "json"]), 0);
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(json["verdict"], "approved");
    assert_eq!(json["operator"], "a.operator");
    assert_eq!(json["checks"][5]["id"], "checksum.sha256");
}

#[test]
fn list_shows_one_line_per_release_and_platform() {
    let mut feed = good_feed();
    let mut older = good_release();
    older.version = "4.2.0".into();
    older.date = "2026-01-15".into();
    feed.releases.push(older);
    let w = write(&feed);
    let text = stdout_of(intake().arg("list").arg(&w.feed), 0);
    let text = text.replace(&w.feed.display().to_string(), "[FEED]");
    // The host note depends on the machine running the test.
    let text = text.replace(", this host", "").replace("this host", "");
    insta::assert_snapshot!(text.trim_end(), @r"
    Meridian Interface Engine (Northwind Health Systems), feed [FEED]
    VERSION  DATE        CHANNEL  PLATFORM      FILE                             NOTE
    4.2.1    2026-03-02  stable   linux-x86_64  meridian-4.2.1-linux-x86_64.bin  newest stable, on this media
    4.2.0    2026-01-15  stable   linux-x86_64  meridian-4.2.1-linux-x86_64.bin  on this media
    ");
}

/// A waiver can name one finding: it accepts that finding only, and a
/// check-wide waiver lists in the record every finding it accepted.
#[test]
fn a_waiver_names_one_finding_or_lists_what_it_covered() {
    let feed = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-releases/training/feed.toml");
    let subject = "meridian-world-writable/conf/logging.toml";
    let run = |waiver: &str| {
        let out = tempfile::tempdir().unwrap();
        let status = intake_bin()
            .args([
                "verify",
                feed.to_str().unwrap(),
                "--release",
                "world-writable",
            ])
            .args([
                "--platform",
                "linux-x86_64",
                "--operator",
                "a",
                "--approver",
                "b",
            ])
            .args(["--no-store", "--waive", waiver, "--checklist-dir"])
            .arg(out.path())
            .output()
            .unwrap();
        let toml = std::fs::read_to_string(only_file(out.path(), "toml")).unwrap();
        (status.status.code(), toml)
    };
    let (code, toml) = run(&format!("archive.safety:{subject}=reset by the installer"));
    assert_eq!(code, Some(0), "{toml}");
    assert!(toml.contains(&format!("subject = \"{subject}\"")), "{toml}");
    let (code, toml) = run("archive.safety:meridian-world-writable/elsewhere=no such");
    assert_eq!(code, Some(1), "{toml}");
    assert!(toml.contains("no-such-finding"), "{toml}");
    assert!(
        toml.contains("1 of its findings have no written reason"),
        "{toml}"
    );
    let (code, toml) = run("archive.safety=all intended");
    assert_eq!(code, Some(0), "{toml}");
    assert!(
        toml.contains(&format!("covers = [\"{subject}\"]")),
        "{toml}"
    );
}

#[test]
fn intake_checks_lists_every_check_id_with_its_meaning() {
    let out = intake_bin().arg("checks").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    for id in intake::engine::shared::check::CheckId::ALL {
        assert!(
            text.lines()
                .any(|l| l.starts_with(id.as_str()) && l.len() > id.as_str().len() + 10),
            "{id}: {text}"
        );
    }
    assert!(text.lines().all(|l| l.chars().count() <= 80), "{text}");
}

/// Checklists go to a shared change-request folder: created as any new
/// file is under the umask (0644 with umask 022), not private.
#[cfg(unix)]
#[test]
fn checklist_files_follow_the_umask() {
    use std::os::unix::fs::PermissionsExt;
    let out = tempfile::tempdir().unwrap();
    let feed = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-releases/meridian/feed.toml");
    let bin = assert_cmd::cargo::cargo_bin("intake");
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg("umask 022; exec \"$@\"")
        .arg("sh")
        .arg(bin)
        .args(["verify", feed.to_str().unwrap(), "--release", "4.2.1"])
        .args([
            "--platform",
            "linux-x86_64",
            "--operator",
            "a",
            "--approver",
            "b",
        ])
        .args(["--no-store", "--checklist-dir"])
        .arg(out.path())
        .env("XDG_DATA_HOME", out.path().join("data"))
        .env("XDG_CONFIG_HOME", out.path().join("config"))
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(0));
    let mut seen = 0;
    for entry in std::fs::read_dir(out.path()).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o644, "{}", path.display());
            seen += 1;
        }
    }
    // .toml, .md, .manifest and the .cdx.json SBOM of what was inspected.
    assert_eq!(seen, 4);
}
