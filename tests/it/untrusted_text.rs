//! No text from outside reaches a terminal raw: feed fields, archive entry
//! names, checklist fields, names given on the command line, installed file
//! names and symlink targets, release notes. Each output path is run with
//! hostile text (ESC sequences, C1 controls, reordering characters) and
//! must carry none of it raw, and must show its escaped form.

use std::path::{Path, PathBuf};
use std::process::Output;

use intake::engine::shared::text::is_unsafe_to_show;
use intake::testkit::hostile::{RawTar, gz, kind};
use intake::testkit::layout::{FeedSpec, FileSpec, ReleaseSpec};

use crate::support::tui::{buffer_text, model_for, mono, render_buffer, reviewed};
use crate::support::*;

/// Fails when `bytes` hold ESC, or any other control (but a line feed), C1
/// control or reordering character.
fn assert_shown_safely(bytes: &[u8], what: &str) {
    let text = String::from_utf8_lossy(bytes);
    assert!(!bytes.contains(&0x1b), "{what}: a raw ESC in {text:?}");
    let raw: Vec<char> = text
        .chars()
        .filter(|c| *c != '\n' && is_unsafe_to_show(*c))
        .collect();
    assert!(raw.is_empty(), "{what}: raw {raw:?} in {text:?}");
}

fn both(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn assert_output_safe(o: &Output, what: &str) {
    assert_shown_safely(&o.stdout, &format!("{what} (stdout)"));
    assert_shown_safely(&o.stderr, &format!("{what} (stderr)"));
}

/// A feed whose vendor-written text reorders and recolours, for an archive
/// with one entry named with an escape sequence.
fn hostile_feed() -> FeedSpec {
    let tar = RawTar::new()
        .file("m/ok.txt", b"ok\n")
        .entry(b"m/\x1b[31mred", kind::FILE, 0o644, b"x", b"")
        .finish();
    let mut release = ReleaseSpec::signed(
        "4.2.1",
        "2026-03-02",
        vendor(),
        signed(),
        vec![("linux-x86_64", FileSpec::new("m.tar.gz", gz(&tar)))],
    )
    .unwrap();
    release.channel = "stable\u{202e}elbats".to_string();
    let mut feed = FeedSpec::pinning(vendor()).unwrap();
    feed.name = "Meridian \u{202e}exe.txt\u{2066}".to_string();
    feed.vendor = "North\u{200f}wind".to_string();
    feed.releases.push(release);
    feed
}

fn verify(feed: &Path, out: &Path, extra: &[&str]) -> Output {
    intake_bin()
        .arg("verify")
        .arg(feed)
        .args(["--release", "4.2.1", "--platform", "linux-x86_64"])
        .args(["--offline", "--no-store", "--checklist-dir"])
        .arg(out)
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn verify_prints_feed_text_and_entry_names_escaped() {
    let w = write(&hostile_feed());
    let work = tempfile::tempdir().unwrap();
    let o = verify(
        &w.feed,
        work.path(),
        &["--operator", "a", "--approver", "b"],
    );
    assert_eq!(o.status.code(), Some(1), "{}", both(&o));
    assert_output_safe(&o, "verify");
    let out = both(&o);
    assert!(out.contains("Meridian \\u{202e}exe.txt\\u{2066}"), "{out}");
    assert!(out.contains("m/\\x1b[31mred"), "{out}");

    // JSON for pipelines: the same strings to a JSON reader, no raw bidi.
    let o = verify(
        &w.feed,
        &work.path().join("json"),
        &["--operator", "a", "--approver", "b", "--format", "json"],
    );
    assert_output_safe(&o, "verify --format json");
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(json["product_name"], "Meridian \u{202e}exe.txt\u{2066}");
}

#[test]
fn list_prints_feed_text_escaped() {
    let w = write(&hostile_feed());
    let o = intake_bin().arg("list").arg(&w.feed).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", both(&o));
    assert_output_safe(&o, "list");
    let out = both(&o);
    assert!(
        out.contains("Meridian \\u{202e}exe.txt\\u{2066} (North\\u{200f}wind)"),
        "{out}"
    );
    assert!(out.contains("stable\\u{202e}elbats"), "{out}");
}

#[test]
fn an_error_quoting_a_hostile_feed_field_is_escaped() {
    let mut feed = hostile_feed();
    feed.id = "meridian\u{1b}[2J\u{9b}1m".to_string();
    let w = write(&feed);
    let work = tempfile::tempdir().unwrap();
    let o = verify(
        &w.feed,
        work.path(),
        &["--operator", "a", "--approver", "b"],
    );
    assert_eq!(o.status.code(), Some(2), "{}", both(&o));
    assert_output_safe(&o, "verify error");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("product.id"), "{err}");
    assert!(err.contains("meridian\\u{001b}[2J\\u{009b}1m"), "{err}");
}

/// A clean release, approved with hostile names given on the command line.
fn approve_with_hostile_names(work: &Path) -> PathBuf {
    let mut feed = FeedSpec::pinning(vendor()).unwrap();
    feed.releases.push(good_release());
    let w = write(&feed);
    let dir = work.join("checklists");
    let o = verify(
        &w.feed,
        &dir,
        &[
            "--operator",
            "op\u{1b}[31m",
            "--approver",
            "ap\u{202e}",
            "--change-request",
            "CR-1\u{1b}]0;owned\u{7}",
        ],
    );
    assert_output_safe(&o, "verify with hostile names");
    std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|x| x == "toml"))
        .unwrap_or_else(|| panic!("no checklist written: {}", both(&o)))
}

#[test]
fn checklist_verify_prints_checklist_fields_escaped() {
    let work = tempfile::tempdir().unwrap();
    let toml = approve_with_hostile_names(work.path());
    let o = intake_bin()
        .args(["checklist", "verify"])
        .arg(&toml)
        .output()
        .unwrap();
    assert_output_safe(&o, "checklist verify");
    let out = both(&o);
    assert!(out.contains("CR-1\\u{001b}]0;owned\\u{0007}"), "{out}");

    // Fields edited into the TOML (the checklist is then altered, and
    // still printed) come out escaped too.
    let text = std::fs::read_to_string(&toml).unwrap();
    let edited = text.replace(
        "product = \"meridian\"",
        "product = \"meridian\\u001b[2J\\u009b0m\"",
    );
    assert_ne!(
        edited, text,
        "the product field is where the test expects it"
    );
    std::fs::write(&toml, edited).unwrap();
    let o = intake_bin()
        .args(["checklist", "verify"])
        .arg(&toml)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", both(&o));
    assert_output_safe(&o, "checklist verify of an edited checklist");
    assert!(
        both(&o).contains("meridian\\u{001b}[2J\\u{009b}0m"),
        "{}",
        both(&o)
    );
}

#[test]
fn the_markdown_checklist_carries_no_raw_control_characters() {
    let work = tempfile::tempdir().unwrap();
    let toml = approve_with_hostile_names(work.path());
    let md = std::fs::read(toml.with_extension("md")).unwrap();
    assert_shown_safely(&md, "checklist .md");
    let md = String::from_utf8(md).unwrap();
    assert!(md.contains("op\\u{001b}\\[31m"), "{md}");
    assert!(md.contains("ap\\u{202e}"), "{md}");
}

#[cfg(unix)]
#[test]
fn recheck_reports_hostile_file_names_and_symlink_targets_escaped() {
    let work = tempfile::tempdir().unwrap();
    let (toml, root) = crate::recheck::approved_and_installed_script(work.path());

    std::fs::write(root.join("m/\u{1b}[2Jevil\u{202e}"), b"x").unwrap();
    std::fs::remove_file(root.join("m/current")).unwrap();
    std::os::unix::fs::symlink("\u{1b}]0;pwn\u{7}target", root.join("m/current")).unwrap();
    let o = intake_bin()
        .arg("recheck")
        .arg(&toml)
        .arg(&root)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", both(&o));
    assert_output_safe(&o, "recheck");
    let out = both(&o);
    assert!(
        out.contains("EXTRA     m/\\x1b[2Jevil\\xe2\\x80\\xae"),
        "{out}"
    );
    assert!(
        out.contains("MODIFIED  m/current: symlink now points to \\x1b]0;pwn\\x07target"),
        "{out}"
    );
}

#[test]
fn the_walk_draws_hostile_release_notes_escaped() {
    let mut m = crate::support::tui::demo_model();
    let version = m.release().map(|r| r.version.clone()).unwrap();
    let notes = "# Notes\u{1b}[2J\n\nFixed \u{202e}gpj.exe and &#27;[31mred&#27;[0m.\n\n| path | size |\n|---|---|\n| bin/\u{9b}x | 1 |\n\n```\ncode\u{1b}[1m\n```\n";
    m.select.notes = Some((version, intake::tui::markdown::render(notes, false)));
    let buffer = render_buffer(&mut m, &mono(), 120, 40);
    let text = buffer_text(&buffer);
    assert_shown_safely(text.as_bytes(), "Select notes");
    assert!(text.contains("Notes\\u{001b}[2J"), "{text}");
    assert!(text.contains("Fixed \\u{202e}gpj.exe"), "{text}");
    // An entity that decodes to ESC is escaped after parsing.
    assert!(text.contains("\\u{001b}[31mred"), "{text}");
    assert!(text.contains("code\\u{001b}[1m"), "{text}");
}

#[test]
fn the_walk_draws_hostile_entry_names_escaped_in_inspect() {
    let w = write(&hostile_feed());
    let review = try_review_at(&w.feed, "4.2.1", "linux-x86_64", now()).unwrap();
    let mut m = model_for(w.feed.to_str().unwrap(), Default::default());
    reviewed(&mut m, std::sync::Arc::new(review));
    crate::support::tui::press(&mut m, "<Enter>");
    let buffer = render_buffer(&mut m, &mono(), 120, 40);
    let text = buffer_text(&buffer);
    assert_shown_safely(text.as_bytes(), "Inspect rows");
    assert!(text.contains("m/\\x1b[31mred"), "{text}");
    // The title names the product: escaped, not reordered.
    assert!(text.contains("Meridian \\u{202e}exe.txt"), "{text}");
}
