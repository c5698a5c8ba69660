//! The command line as an experienced operator expects it: completions and
//! a man page generated from the definition, help with examples and the
//! exit codes, `--quiet`, "did you mean" for a mistyped command, the themes
//! listed for an unknown one. Each runs the real binary.

use std::io::Read;
use std::path::Path;
use std::process::Output;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use intake::engine::shared::check::CheckId;
use portable_pty::{CommandBuilder, PtySize, native_pty_system};

use crate::support::*;

fn intake() -> Command {
    crate::support::intake_bin()
}

fn run(cmd: &mut Command) -> Output {
    cmd.output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

#[test]
fn completions_for_bash_zsh_and_fish_know_every_command_and_option() {
    for (shell, marker) in [
        ("bash", "complete -F _intake"),
        ("zsh", "#compdef intake"),
        ("fish", "complete -c intake"),
    ] {
        let o = run(intake().args(["completions", shell]));
        assert_eq!(o.status.code(), Some(0), "{shell}: {}", stderr(&o));
        let script = stdout(&o);
        assert!(script.contains(marker), "{shell}:\n{script}");
        for word in [
            "verify",
            "recheck",
            "checklist",
            "release",
            "approver",
            "quiet",
        ] {
            assert!(script.contains(word), "{shell} lacks {word}");
        }
        if shell == "bash" && which("bash") {
            // The script is valid bash.
            let dir = tempfile::tempdir().unwrap();
            let file = dir.path().join("intake.bash");
            std::fs::write(&file, &script).unwrap();
            let check = std::process::Command::new("bash")
                .arg("-n")
                .arg(&file)
                .output()
                .unwrap();
            assert!(check.status.success(), "{}", stderr(&check));
        }
    }
    let o = run(intake().args(["completions", "tcsh"]));
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("possible values: bash"),
        "{}",
        stderr(&o)
    );
}

fn which(tool: &str) -> bool {
    let found = std::process::Command::new(tool)
        .arg("--version")
        .output()
        .is_ok();
    if !found {
        eprintln!("SKIPPED: `{tool}` is not installed, so that part is not checked");
    }
    found
}

#[test]
fn the_man_page_has_every_command_the_exit_status_and_the_check_ids() {
    let o = run(intake().arg("man"));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let page = stdout(&o);
    for part in [
        ".TH intake 1",
        ".SH SYNOPSIS",
        ".SS \"intake verify\"",
        ".SS \"intake checklist verify\"",
        ".SS \"intake recheck\"",
        ".SS \"intake approve\"",
        "\\fB\\-\\-quiet\\fR",
        "\\fB\\-\\-prefix\\fR",
        ".SH EXAMPLES",
        ".SH \"EXIT STATUS\"",
        ".SH CHECKS",
        "the artifact could not be fetched from any source",
    ] {
        assert!(page.contains(part), "no {part:?} in\n{page}");
    }
    let exit = &page[page.find(".SH \"EXIT STATUS\"").unwrap()..];
    for code in ["\\fB0\\fR", "\\fB1\\fR", "\\fB2\\fR", "\\fB3\\fR"] {
        assert!(exit.contains(code), "no exit code {code} in\n{exit}");
    }
    let checks = &page[page.find(".SH CHECKS").unwrap()..];
    for id in CheckId::ALL {
        let shown = format!("\\fB{}\\fR", id.as_str());
        assert!(checks.contains(&shown), "no {id} in\n{checks}");
    }
    // The roff preamble once, and a page groff reads without a warning.
    assert_eq!(page.matches(".ds Aq").count(), 2, "{page}");
    if which("groff") {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("intake.1");
        std::fs::write(&file, &page).unwrap();
        let check = std::process::Command::new("groff")
            .args(["-man", "-ww", "-z"])
            .arg(&file)
            .output()
            .unwrap();
        assert!(check.status.success(), "{}", stderr(&check));
        assert_eq!(stderr(&check), "", "groff warned");
    }
}

#[test]
fn help_shows_examples_exit_codes_check_ids_and_what_verify_requires() {
    let top = stdout(&run(intake().arg("--help")));
    for part in [
        "Examples:",
        "intake verify feed.toml --release 4.2.1",
        "Exit status:",
        "  0  approved",
        "  3  the artifact could not be fetched from any source",
        "Check ids",
        "What is checked",
        "signature.checksums",
        "completions",
        "man ",
    ] {
        assert!(top.contains(part), "no {part:?} in\n{top}");
    }
    let verify = stdout(&run(intake().args(["verify", "--help"])));
    for part in [
        "Usage: intake verify [OPTIONS] --release <VERSION> --operator <NAME> --approver <NAME> <FEED>",
        "Required: the person running the review (or `operator` in the settings)",
        "Examples:",
        "--waive release.newest=",
        "Exit status:",
        "  1  rejected",
        "archive.safety",
        "-q, --quiet",
    ] {
        assert!(verify.contains(part), "no {part:?} in\n{verify}");
    }
    for (args, part) in [
        (vec!["recheck", "--help"], "--prefix meridian-4.2.1"),
        (
            vec!["recheck", "--help"],
            "  1  a file is missing, modified or extra",
        ),
        (
            vec!["checklist", "verify", "--help"],
            "--signer /etc/intake/team.asc",
        ),
        (vec!["checklist", "verify", "--help"], "Exit status:"),
        (vec!["checklist", "verify", "--help"], "--require-approval"),
        (vec!["approve", "--help"], "intake approve checklists/"),
        (vec!["approve", "--help"], "  1  refused"),
        (vec!["approve", "--help"], "--yes"),
    ] {
        let text = stdout(&run(intake().args(&args)));
        assert!(text.contains(part), "{args:?}: no {part:?} in\n{text}");
    }
}

#[test]
fn verify_without_an_approver_is_refused_by_the_parser() {
    let w = write(&good_feed());
    let o = run(intake().arg("verify").arg(&w.feed).args([
        "--release",
        "4.2.1",
        "--operator",
        "a.operator",
    ]));
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("required arguments were not provided"),
        "{err}"
    );
    assert!(err.contains("--approver <NAME>"), "{err}");
}

/// `intake verify` of the good feed's 4.2.1 into `out`.
fn verify(feed: &Path, out: &Path, extra: &[&str]) -> Output {
    run(intake()
        .arg("verify")
        .arg(feed)
        .args(["--release", "4.2.1", "--platform", "linux-x86_64"])
        .args(["--operator", "a.operator", "--approver", "b.approver"])
        .args(["--offline", "--no-store", "--checklist-dir"])
        .arg(out)
        .args(extra))
}

#[test]
fn quiet_prints_only_the_verdict_line_and_keeps_the_exit_code() {
    let w = write(&good_feed());
    let out = tempfile::tempdir().unwrap();
    let o = verify(&w.feed, out.path(), &["--quiet"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "verdict: APPROVED\n");
    assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 3);

    let mut feed = good_feed();
    feed.releases[0].artifacts[0].file.bytes[0] ^= 1;
    let bad = write(&feed);
    let o = verify(&bad.feed, out.path(), &["-q"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(stdout(&o), "verdict: REJECTED\n");

    let o = verify(&w.feed, out.path(), &["--quiet", "--format", "json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("'--quiet' cannot be used with"),
        "{}",
        stderr(&o)
    );

    let toml = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "toml"))
        .unwrap();
    // An unsigned checklist is not signed by a trusted signer: exit 1.
    let o = run(intake().args(["checklist", "verify", "--quiet"]).arg(&toml));
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(stdout(&o), "intact and signed by a trusted signer: NO\n");
}

#[test]
fn a_mistyped_command_is_answered_did_you_mean_and_a_feed_path_still_opens_the_walk() {
    let w = write(&good_feed());
    for (args, want) in [
        (
            vec!["verfy", "feed.toml", "--release", "4.2.1"],
            "did you mean `verify`?",
        ),
        (vec!["lsit", "x"], "did you mean `list`?"),
        (
            vec!["--config", "c.toml", "rechek"],
            "did you mean `recheck`?",
        ),
    ] {
        let o = run(intake().current_dir(w.dir.path()).args(&args));
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = stderr(&o);
        assert!(err.contains(want), "{args:?}: {err}");
        assert_eq!(stdout(&o), "", "{args:?}");
    }
    // A path is a feed: without a terminal the walk names `intake verify`.
    let o = run(intake().arg(&w.feed));
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("opens the interactive review and needs a terminal"),
        "{}",
        stderr(&o)
    );
    // So is a file that happens to be called like a typo.
    std::fs::copy(&w.feed, w.dir.path().join("lsit")).unwrap();
    let o = run(intake().current_dir(w.dir.path()).arg("lsit"));
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("`intake lsit` opens the interactive review"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn an_unknown_theme_without_a_terminal_is_said_to_be_unused() {
    let dir = tempfile::tempdir().unwrap();
    let o = run(intake().current_dir(dir.path()).args(["--theme", "nosuch"]));
    // The demo review runs (the walk's look does not apply to it).
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("--theme nosuch is for the interactive walk, which needs a terminal"),
        "{err}"
    );
    assert!(stdout(&o).contains("verdict: APPROVED"), "{}", stdout(&o));
}

/// Runs the binary in an 80x24 pseudo-terminal until it exits: what it
/// printed there, and its exit code.
fn in_a_terminal(args: &[&str], cwd: &Path) -> (String, u32) {
    let pair = native_pty_system()
        .openpty(PtySize {
            rows: 24,
            cols: 80,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    let mut cmd = CommandBuilder::new(assert_cmd::cargo::cargo_bin("intake"));
    cmd.args(args);
    cmd.cwd(cwd);
    cmd.env("NO_COLOR", "1");
    cmd.env("TERM", "xterm-256color");
    cmd.env("XDG_DATA_HOME", xdg_home().join("pty-data"));
    cmd.env("XDG_CACHE_HOME", xdg_home().join("pty-cache"));
    cmd.env("XDG_CONFIG_HOME", cwd.join("config"));
    let mut child = pair.slave.spawn_command(cmd).unwrap();
    drop(pair.slave);
    let mut reader = pair.master.try_clone_reader().unwrap();
    let output = std::thread::spawn(move || {
        let mut all = Vec::new();
        let mut buf = [0u8; 4096];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            all.extend_from_slice(&buf[..n]);
        }
        String::from_utf8_lossy(&all).into_owned()
    });
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "intake did not exit");
        std::thread::sleep(Duration::from_millis(20));
    };
    drop(pair.master);
    (output.join().unwrap(), status.exit_code())
}

#[test]
fn an_unknown_theme_on_a_terminal_lists_the_themes_there_are() {
    let dir = tempfile::tempdir().unwrap();
    let (shown, code) = in_a_terminal(&["--theme", "nosuch"], dir.path());
    assert_eq!(code, 2, "{shown}");
    assert!(
        shown.contains("no theme `nosuch`: the themes are default, high-contrast, mono"),
        "{shown}"
    );
}
