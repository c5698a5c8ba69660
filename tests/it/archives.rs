//! SPEC.md's archive table and the contents rules, one test each, every
//! archive built for the case (tar builder, zip writer, hand-made bytes).

use intake::engine::review::Review;
use intake::engine::shared::check::{Check, CheckId, Status};
use intake::testkit::archives::{self, Entry, noise};
use intake::testkit::hostile::{RawTar, RawZip, ZipEntry, gz, kind};
use intake::testkit::layout::{FeedSpec, FileSpec, ReleaseSpec};
use sha2::Digest;

use crate::support::*;

/// Reviews one archive artifact (named `name`) with optional notes.
pub(crate) fn review_archive(name: &str, bytes: Vec<u8>, notes: Option<String>) -> Review {
    review_artifact("linux-x86_64", name, bytes, notes)
}

/// Asserts a finding about `subject` whose summary contains `words`.
#[track_caller]
pub(crate) fn assert_finding(c: &Check, status: Status, subject: &str, words: &str) {
    assert!(
        c.findings.iter().any(|f| f.status == status
            && f.subject.contains(subject)
            && f.summary.contains(words)),
        "no {status} finding on {subject:?} saying {words:?} in {:#?}",
        c.findings
    );
    assert!(c.status >= status, "{c:#?}");
}

fn tgz(t: RawTar) -> Vec<u8> {
    gz(&t.finish())
}

fn sha(data: &[u8]) -> String {
    hex::encode(sha2::Sha256::digest(data))
}

/// Notes declaring `rows` (path, size, sha256, mode) for artifact `name`.
fn notes(name: &str, rows: &[(&str, &[u8], Option<&str>)]) -> String {
    let mut t = format!(
        "# Notes\n\n## Contents: {name}\n\n| path | size | sha256 | mode |\n|---|---|---|---|\n"
    );
    for (path, data, mode) in rows {
        t.push_str(&format!(
            "| {path} | {} | {} | {} |\n",
            data.len(),
            sha(data),
            mode.unwrap_or("")
        ));
    }
    t
}

// ---- names -----------------------------------------------------------------

#[test]
fn absolute_dotdot_drive_letter_and_backslash_paths_fail() {
    for (name, words) in [
        ("/etc/cron.d/evil", "absolute path"),
        ("m/../../etc/passwd", "`..` component"),
        ("C:/Windows/evil.dll", "drive-letter"),
        ("m\\..\\evil.dll", "backslash"),
    ] {
        let r = review_archive(
            "m.tar.gz",
            tgz(RawTar::new().file("m/ok", b"ok").file(name, b"x")),
            None,
        );
        // Shown escaped (a backslash doubles), so look for the file name.
        let file = name.rsplit(['/', '\\']).next().unwrap_or(name);
        assert_finding(safety(&r), Status::Fail, file, words);
    }
}

#[test]
fn control_and_bidi_characters_in_names_fail_and_are_shown_escaped() {
    let r = review_archive(
        "m.tar.gz",
        tgz(RawTar::new()
            .file("m/a\x1b[2Jb", b"x")
            .file("m/invoice\u{202e}fdp.exe", b"y")),
        None,
    );
    let c = safety(&r);
    assert_finding(c, Status::Fail, "m/a\\x1b[2Jb", "control characters");
    assert_finding(
        c,
        Status::Fail,
        "m/invoice\\xe2\\x80\\xaefdp.exe",
        "bidirectional",
    );
    assert!(
        c.findings
            .iter()
            .all(|f| !f.subject.contains('\u{1b}') && !f.subject.contains('\u{202e}'))
    );
}

#[test]
fn the_same_path_twice_fails_after_normalising() {
    let r = review_archive(
        "m.tar.gz",
        tgz(RawTar::new().file("./m/conf", b"a").file("m//conf", b"b")),
        None,
    );
    assert_finding(safety(&r), Status::Fail, "m//conf", "the same path twice");
    let zip = RawZip::new()
        .entry(ZipEntry::new("m/conf", b"a"))
        .entry(ZipEntry::new("m/conf", b"b"))
        .finish();
    let r = review_archive("m.zip", zip, None);
    assert_finding(safety(&r), Status::Fail, "m/conf", "the same path twice");
}

// ---- links -----------------------------------------------------------------

#[test]
fn symlinks_that_leave_the_root_fail() {
    // m/conf/../../etc stays inside; one more `..` leaves.
    for (target, words) in [
        ("../../../etc/shadow", "`..` climbs above it"),
        ("/etc/shadow", "absolute target"),
    ] {
        let r = review_archive(
            "m.tar.gz",
            tgz(RawTar::new().symlink("m/conf/key", target)),
            None,
        );
        assert_finding(safety(&r), Status::Fail, "m/conf/key", words);
    }
    // Inside the root: fine.
    let r = review_archive(
        "m.tar.gz",
        tgz(RawTar::new()
            .file("m/bin/real", b"x")
            .symlink("m/bin/alias", "real")
            .symlink("m/up", "..")),
        None,
    );
    assert_eq!(safety(&r).status, Status::Pass, "{:#?}", safety(&r));
}

#[test]
fn link_chains_through_earlier_symlinks_are_followed() {
    // m/lib -> .. is harmless alone; m/lib/../.. climbs out through it.
    let t = RawTar::new()
        .symlink("m/lib", "..")
        .symlink("m/data", "lib/../..");
    let r = review_archive("m.tar.gz", tgz(t), None);
    assert_finding(
        safety(&r),
        Status::Fail,
        "m/data",
        "leaves the archive root",
    );
    // A file written through a symlinked folder that points outside.
    let t = RawTar::new()
        .symlink("m/etc", "/etc")
        .file("m/etc/cron.d/evil", b"* * * * * root sh");
    let r = review_archive("m.tar.gz", tgz(t), None);
    assert_finding(
        safety(&r),
        Status::Fail,
        "m/etc/cron.d/evil",
        "written outside the archive root",
    );
}

#[test]
fn hard_links_that_leave_the_root_fail() {
    let r = review_archive(
        "m.tar.gz",
        tgz(RawTar::new().hardlink("m/passwd", "../etc/passwd")),
        None,
    );
    assert_finding(safety(&r), Status::Fail, "m/passwd", "hard link");
    let r = review_archive(
        "m.tar.gz",
        tgz(RawTar::new().file("m/a", b"x").hardlink("m/b", "m/a")),
        None,
    );
    assert_eq!(safety(&r).status, Status::Pass, "{:#?}", safety(&r));
}

// ---- types and modes -------------------------------------------------------

#[test]
fn devices_fifos_and_sockets_fail() {
    let t = RawTar::new()
        .entry(b"m/dev/sda", kind::BLOCK, 0o660, b"", b"")
        .entry(b"m/dev/tty", kind::CHAR, 0o660, b"", b"")
        .entry(b"m/run/pipe", kind::FIFO, 0o600, b"", b"");
    let r = review_archive("m.tar.gz", tgz(t), None);
    let c = safety(&r);
    assert_finding(c, Status::Fail, "m/dev/sda", "device");
    assert_finding(c, Status::Fail, "m/dev/tty", "device");
    assert_finding(c, Status::Fail, "m/run/pipe", "FIFO");
    let mut socket = ZipEntry::new("m/run/sock", b"");
    socket.unix_mode = 0o140755;
    let r = review_archive("m.zip", RawZip::new().entry(socket).finish(), None);
    assert_finding(safety(&r), Status::Fail, "m/run/sock", "socket");
}

#[test]
fn unknown_entry_types_are_reported() {
    let r = review_archive(
        "m.tar.gz",
        tgz(RawTar::new().entry(b"m/odd", b'Z', 0o644, b"", b"")),
        None,
    );
    assert_finding(safety(&r), Status::Fail, "m/odd", "unknown type");
}

#[test]
fn setuid_fails_unless_the_notes_declare_that_mode() {
    let helper = b"#!/bin/sh\n";
    let archive = tgz(RawTar::new().file_mode("m/bin/helper", 0o4755, helper));
    let r = review_archive("m.tar.gz", archive.clone(), None);
    assert_finding(
        safety(&r),
        Status::Fail,
        "m/bin/helper",
        "setuid (4755), and the release notes do not declare that mode",
    );

    let declared = notes("m.tar.gz", &[("m/bin/helper", helper, Some("4755"))]);
    let r = review_archive("m.tar.gz", archive.clone(), Some(declared));
    assert_eq!(safety(&r).status, Status::Pass, "{:#?}", safety(&r));
    assert_eq!(check(&r, CheckId::ArchiveContents).status, Status::Pass);

    let wrong = notes("m.tar.gz", &[("m/bin/helper", helper, Some("2755"))]);
    let r = review_archive("m.tar.gz", archive, Some(wrong));
    assert_finding(
        safety(&r),
        Status::Fail,
        "m/bin/helper",
        "declare mode 2755",
    );
}

#[test]
fn world_writable_files_warn() {
    let r = review_archive(
        "m.tar.gz",
        tgz(RawTar::new().file_mode("m/conf/logging.toml", 0o666, b"x")),
        None,
    );
    let c = safety(&r);
    assert_finding(c, Status::Warn, "m/conf/logging.toml", "world-writable");
    assert_eq!(c.status, Status::Warn);
}

// ---- zip structure ---------------------------------------------------------

#[test]
fn zip_local_header_disagreeing_with_the_central_directory_fails() {
    let mut renamed = ZipEntry::new("m/readme.txt", b"hello");
    renamed.local_name = Some(b"m/evil.exe!!".to_vec());
    let r = review_archive("m.zip", RawZip::new().entry(renamed).finish(), None);
    assert_finding(
        safety(&r),
        Status::Fail,
        "m/readme.txt",
        "the local header names it m/evil.exe!!",
    );

    let mut resized = ZipEntry::new("m/readme.txt", b"hello");
    resized.local_size = Some(999);
    let r = review_archive("m.zip", RawZip::new().entry(resized).finish(), None);
    assert_finding(
        safety(&r),
        Status::Fail,
        "m/readme.txt",
        "the local header gives 999 bytes",
    );
}

#[test]
fn encrypted_zip_entries_fail() {
    let mut secret = ZipEntry::new("m/secret.bin", b"ciphertext");
    secret.encrypted = true;
    let r = review_archive(
        "m.zip",
        RawZip::new()
            .entry(ZipEntry::new("m/a", b"a"))
            .entry(secret)
            .finish(),
        None,
    );
    assert_finding(safety(&r), Status::Fail, "m/secret.bin", "encrypted");
}

#[test]
fn overlapping_zip_entries_fail() {
    let zip = RawZip::new()
        .entry(ZipEntry::new("m/big", &vec![0u8; 10_000]))
        .alias("m/big-again", 0)
        .alias("m/big-thrice", 0)
        .finish();
    let r = review_archive("m.zip", zip, None);
    assert_finding(safety(&r), Status::Fail, "m/big-again", "overlaps");
}

// ---- bombs -----------------------------------------------------------------

#[test]
fn an_entry_expanding_over_100_to_1_stops_and_fails() {
    let zeros = vec![0u8; 4 << 20];
    let zip = RawZip::new()
        .entry(ZipEntry::new("m/a", b"a"))
        .entry(ZipEntry::new("m/zeros", &zeros))
        .finish();
    let r = review_archive("m.zip", zip, None);
    assert_finding(
        safety(&r),
        Status::Fail,
        "m/zeros",
        "possible decompression bomb",
    );
}

#[test]
fn an_archive_expanding_over_100_to_1_stops_where_it_is_seen() {
    let zeros = vec![0u8; 24 << 20];
    let r = review_archive("m.tar.gz", tgz(RawTar::new().file("m/zeros", &zeros)), None);
    let c = safety(&r);
    assert_finding(c, Status::Fail, "m/zeros", "possible decompression bomb");
    let expanded: u64 = c.evidence["expanded"].parse().unwrap();
    assert!(expanded < 24 << 20, "decompression went on to {expanded}");
}

#[test]
fn the_expanded_size_limit_stops_the_walk() {
    let big = noise(3 << 20, 4);
    let mut feed = FeedSpec::pinning(vendor()).unwrap();
    feed.releases.push(
        ReleaseSpec::signed(
            "4.2.1",
            "2026-03-02",
            vendor(),
            signed(),
            vec![(
                "linux-x86_64",
                FileSpec::new("m.tar", RawTar::new().file("m/big", &big).finish()),
            )],
        )
        .unwrap(),
    );
    let w = write(&feed);
    let out = tempfile::tempdir().unwrap();
    let text = crate::support::intake_bin()
        .args([
            "verify",
            w.feed.to_str().unwrap(),
            "--release",
            "4.2.1",
            "--platform",
            "linux-x86_64",
            "--operator",
            "a",
            "--approver",
            "b",
            "--max-expanded",
            "1MiB",
            "--checklist-dir",
        ])
        .arg(out.path())
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(text).unwrap();
    assert!(
        text.contains("expands past the limit of 1048576 bytes"),
        "{text}"
    );
}

// ---- corrupt and truncated -------------------------------------------------

#[test]
fn corrupt_and_truncated_archives_fail_saying_where() {
    let good = RawTar::new()
        .file("m/a", &noise(5000, 1))
        .file("m/b", &noise(5000, 2))
        .finish();
    // Truncated in the middle of the second entry.
    let r = review_archive("m.tar", good[..7000].to_vec(), None);
    assert_finding(
        safety(&r),
        Status::Fail,
        "entry 2 (m/b)",
        "truncated inside m/b: 5000 bytes announced",
    );
    // No end-of-archive marker.
    let r = review_archive("m.tar", RawTar::new().file("m/a", b"x").unfinished(), None);
    assert_finding(
        safety(&r),
        Status::Fail,
        "entry 2 (its header)",
        "without its end-of-archive marker",
    );
    // A header with a bad checksum.
    let mut bad = good.clone();
    bad[5632 + 10] ^= 0xFF;
    let r = review_archive("m.tar", bad, None);
    assert_finding(
        safety(&r),
        Status::Fail,
        "entry 2 (its header)",
        "checksum mismatch",
    );
    // A corrupt gzip stream.
    let mut gzip = gz(&good);
    let mid = gzip.len() / 2;
    gzip[mid] ^= 0xFF;
    gzip[mid + 1] ^= 0xFF;
    let r = review_archive("m.tar.gz", gzip, None);
    assert_eq!(safety(&r).status, Status::Fail, "{:#?}", safety(&r));
    assert!(
        safety(&r).summary.contains("byte"),
        "{}",
        safety(&r).summary
    );
    // A zip cut short loses its central directory.
    let zip = archives::zip(&[Entry::file("m/a", noise(5000, 3))]).unwrap();
    let r = review_archive("m.zip", zip[..zip.len() - 30].to_vec(), None);
    assert_finding(
        safety(&r),
        Status::Fail,
        "(central directory)",
        "no end-of-central-directory record",
    );
}

#[test]
fn data_after_the_end_of_the_tar_is_hidden_content() {
    let t = RawTar::new().file("m/a", b"x").finish();
    let mut hidden = t.clone();
    hidden.extend_from_slice(b"#!/bin/sh\nrm -rf /\n");
    let r = review_archive("m.tar", hidden, None);
    assert_finding(
        safety(&r),
        Status::Fail,
        "(after the archive)",
        "after the end-of-archive marker",
    );
}

// ---- PAX and GNU headers ---------------------------------------------------

#[test]
fn pax_and_gnu_headers_cannot_smuggle_a_path() {
    let t = RawTar::new()
        .pax(&[("path", b"../../etc/cron.d/evil")])
        .file("m/harmless.txt", b"x");
    let r = review_archive("m.tar.gz", tgz(t), None);
    assert_finding(
        safety(&r),
        Status::Fail,
        "../../etc/cron.d/evil",
        "`..` component",
    );
    let t = RawTar::new()
        .pax(&[("linkpath", b"/etc/shadow")])
        .symlink("m/key", "ok");
    let r = review_archive("m.tar.gz", tgz(t), None);
    assert_finding(safety(&r), Status::Fail, "m/key", "absolute target");
    let t = RawTar::new()
        .gnu_long_name(format!("m/{}/../../../../x", "d".repeat(120)).as_bytes())
        .file("m/short", b"x");
    let r = review_archive("m.tar.gz", tgz(t), None);
    assert_finding(safety(&r), Status::Fail, "/x", "`..` component");
}

#[test]
fn a_pax_size_is_honoured() {
    // The header says 0 bytes; PAX says 5: the 5 bytes belong to the entry.
    let mut t = RawTar::new()
        .pax(&[("size", b"5")])
        .raw(&intake::testkit::hostile::tar_header(
            b"m/a",
            kind::FILE,
            0o644,
            0,
            b"",
        ));
    t = t.raw(b"hello").raw(&[0u8; 507]).file("m/b", b"b");
    let notes_text = notes("m.tar.gz", &[("m/a", b"hello", None), ("m/b", b"b", None)]);
    let r = review_archive("m.tar.gz", tgz(t), Some(notes_text));
    assert_eq!(
        check(&r, CheckId::ArchiveContents).status,
        Status::Pass,
        "{:#?}",
        check(&r, CheckId::ArchiveContents)
    );
}

#[test]
fn huge_long_names_and_pax_headers_are_refused_not_allocated() {
    let t = RawTar::new().raw(&intake::testkit::hostile::tar_header(
        b"././@LongLink",
        kind::GNU_LONGNAME,
        0,
        1 << 40,
        b"",
    ));
    let r = review_archive("m.tar", t.finish(), None);
    assert_finding(
        safety(&r),
        Status::Fail,
        "entry 1 (its header)",
        "over the 65536-byte limit",
    );
}

// ---- kinds -----------------------------------------------------------------

#[test]
fn the_kind_comes_from_the_bytes_and_a_mismatch_is_a_finding() {
    let plain = RawTar::new().file("m/a", b"x").finish();
    let r = review_archive("m.tar.gz", plain.clone(), None);
    assert_finding(
        safety(&r),
        Status::Fail,
        "(artifact name)",
        "the file name says a gzip-compressed tar archive, but the bytes are a tar archive",
    );
    let r = review_archive("m.bin", gz(&plain), None);
    let c = safety(&r);
    assert_finding(
        c,
        Status::Warn,
        "(artifact name)",
        "the bytes are a gzip-compressed tar archive",
    );
    assert_eq!(r.manifest.len(), 1);
    assert_eq!(r.manifest[0].path, b"m/a");
}

// ---- contents --------------------------------------------------------------

fn contents(r: &Review) -> &Check {
    check(r, CheckId::ArchiveContents)
}

#[test]
fn contents_matching_the_notes_pass_and_directories_need_not_be_listed() {
    let t = RawTar::new()
        .entry(b"m/", kind::DIR, 0o755, b"", b"")
        .file("m/a", b"alpha")
        .file("m/b", b"beta");
    let r = review_archive(
        "m.tar.gz",
        tgz(t),
        Some(notes(
            "m.tar.gz",
            &[("m/a", b"alpha", None), ("m/b", b"beta", None)],
        )),
    );
    let c = contents(&r);
    assert_eq!(c.status, Status::Pass, "{c:#?}");
    assert!(
        c.summary
            .contains("2 match · 0 unexpected · 0 missing · 0 changed"),
        "{}",
        c.summary
    );
}

#[test]
fn a_declared_entry_missing_from_the_archive_fails() {
    let t = RawTar::new().file("m/a", b"alpha");
    let r = review_archive(
        "m.tar.gz",
        tgz(t),
        Some(notes(
            "m.tar.gz",
            &[("m/a", b"alpha", None), ("m/gone", b"", None)],
        )),
    );
    assert_finding(
        contents(&r),
        Status::Fail,
        "m/gone",
        "missing from the archive",
    );
}

#[test]
fn an_entry_not_in_the_notes_fails() {
    let t = RawTar::new().file("m/a", b"alpha").file("m/extra.so", b"?");
    let r = review_archive(
        "m.tar.gz",
        tgz(t),
        Some(notes("m.tar.gz", &[("m/a", b"alpha", None)])),
    );
    assert_finding(
        contents(&r),
        Status::Fail,
        "m/extra.so",
        "not in the release notes",
    );
}

#[test]
fn a_different_size_hash_or_mode_fails() {
    let t = RawTar::new().file_mode("m/a", 0o755, b"alpha!");
    let text = "## Contents: m.tar.gz\n\n| path | size | sha256 | mode |\n|---|---|---|---|\n"
        .to_string()
        + &format!("| m/a | 5 | {} | 0644 |\n", sha(b"alpha"));
    let r = review_archive("m.tar.gz", tgz(t), Some(text));
    let c = contents(&r);
    assert_finding(
        c,
        Status::Fail,
        "m/a",
        "size 6 bytes, the release notes say 5",
    );
    assert_finding(c, Status::Fail, "m/a", "SHA-256");
    assert_finding(
        c,
        Status::Fail,
        "m/a",
        "mode 0755, the release notes say 0644",
    );
}

#[test]
fn no_contents_section_or_no_notes_warns() {
    let t = RawTar::new().file("m/a", b"alpha");
    let r = review_archive(
        "m.tar.gz",
        tgz(t.clone()),
        Some("# Notes\n\nNothing declared.\n".into()),
    );
    let c = contents(&r);
    assert_eq!(c.status, Status::Warn);
    assert!(
        c.summary.contains("contents not declared by the vendor"),
        "{}",
        c.summary
    );
    let r = review_archive("m.tar.gz", tgz(t), None);
    assert_eq!(contents(&r).status, Status::Warn);
}

#[test]
fn a_zip_is_read_against_its_notes_too() {
    let entries = [
        Entry::dir("m/"),
        Entry::file("m/a", b"alpha".to_vec()),
        Entry::symlink("m/link", "a"),
    ];
    let zip = archives::zip(&entries).unwrap();
    let r = review_archive(
        "m.zip",
        zip,
        Some(notes(
            "m.zip",
            &[("m/a", b"alpha", None), ("m/link", b"a", None)],
        )),
    );
    assert_eq!(safety(&r).status, Status::Pass, "{:#?}", safety(&r));
    assert_eq!(contents(&r).status, Status::Pass, "{:#?}", contents(&r));
    let kinds: Vec<&str> = r.manifest.iter().map(|m| m.kind.as_str()).collect();
    assert_eq!(kinds, vec!["dir", "file", "symlink"]);
}

// ---- scale -----------------------------------------------------------------

#[test]
fn a_100000_entry_archive_is_inspected_with_bounded_memory() {
    const ENTRIES: usize = 100_000;
    let mut t = RawTar::new();
    for i in 0..ENTRIES {
        t = t.file(
            &format!("m/data/{:03}/{i:06}.hl7", i % 1000),
            format!("MSH|{i}|\n").as_bytes(),
        );
    }
    let bytes = tgz(t);
    let out = tempfile::tempdir().unwrap();
    let watched = verify_watching_memory("m.tar.gz", bytes, out.path());
    let peak = watched.peak_kib;
    // Rejected only because no release notes declare the contents.
    assert_eq!(watched.code, Some(1));
    let lines = std::fs::read_to_string(file_with_extension(out.path(), "manifest"))
        .unwrap()
        .lines()
        .count();
    assert_eq!(lines, ENTRIES);
    if cfg!(target_os = "linux") {
        assert!(peak > 0, "could not read the peak memory");
        assert!(
            peak < 128 * 1024,
            "peak resident memory {peak} KiB for {ENTRIES} entries"
        );
    }
}

// ---- robustness ------------------------------------------------------------

#[test]
fn mangled_archives_never_panic_or_hang() {
    let entries = [
        Entry::dir("m/"),
        Entry::file("m/a", noise(3000, 7)),
        Entry::file("m/b", b"hello world ".repeat(400)),
        Entry::symlink("m/c", "a"),
    ];
    let samples = [
        ("m.tar", archives::tar(&entries).unwrap()),
        ("m.tar.gz", archives::tar_gz(&entries).unwrap()),
        ("m.zip", archives::zip(&entries).unwrap()),
        (
            "m.tar",
            RawTar::new()
                .pax(&[("path", b"x")])
                .gnu_long_name(b"y")
                .file("m/z", b"z")
                .finish(),
        ),
    ];
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for (name, good) in &samples {
        assert!(
            inspect_bytes(name, good).stopped.is_none(),
            "{name} must be clean to start with"
        );
        for round in 0..1000 {
            let mut bytes = good.clone();
            match round % 3 {
                0 => {
                    for _ in 0..1 + next() % 4 {
                        let at = (next() as usize) % bytes.len();
                        bytes[at] ^= (next() % 255 + 1) as u8;
                    }
                }
                1 => bytes.truncate((next() as usize) % bytes.len()),
                _ => {
                    let at = (next() as usize) % bytes.len();
                    let len = (next() as usize % 64).min(bytes.len() - at);
                    bytes[at..at + len].fill(0xFF);
                }
            }
            // Whatever the bytes, the walk ends with a report.
            let report = inspect_bytes(name, &bytes);
            assert!(report.entries.len() <= 10, "{name} round {round}");
        }
    }
}
