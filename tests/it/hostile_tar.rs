//! Tar headers that the extractors operators use (GNU tar, bsdtar, Python's
//! tarfile) could read differently from intake: malformed numeric fields,
//! names given two ways, global headers, stray prefixes, malformed PAX
//! records, hostile names hidden behind an extension. Each test builds the
//! exact bytes, runs the real review, and where the tools are installed
//! shows that they really do read the bytes differently.

use std::process::Command;

use intake::engine::review::Review;
use intake::engine::shared::check::Status;
use intake::testkit::archives::noise;
use intake::testkit::hostile::{RawTar, kind};
use intake::testkit::hostile_tar::{
    at, checksum_of, extension, file_header, gnu_long_link, gnu_long_name, old_gnu, pax_global,
    pax_records, with_checksum, with_field,
};

use crate::support::*;

/// Reviews one tar artifact.
fn review_tar(bytes: Vec<u8>) -> Review {
    review_artifact("linux-x86_64", "m.tar", bytes, None)
}

/// Asserts a failing finding about `subject` whose summary contains every one of `words`.
#[track_caller]
fn assert_fails(r: &Review, subject: &str, words: &[&str]) {
    let c = safety(r);
    assert!(
        c.findings.iter().any(|f| f.status == Status::Fail
            && f.subject == subject
            && words.iter().all(|w| f.summary.contains(w))),
        "no failing finding on {subject:?} saying {words:?} in {:#?}",
        c.findings
    );
    assert_eq!(c.status, Status::Fail);
}

/// The paths intake listed.
fn listed(r: &Review) -> Vec<String> {
    r.manifest
        .iter()
        .map(|e| String::from_utf8_lossy(&e.path).into_owned())
        .collect()
}

/// What a real tool lists for `bytes`; `None` (said loudly) when the tool
/// is not installed, which fails the test when `CI` is set.
fn tool_listing(tool: &str, args: &[&str], bytes: &[u8]) -> Option<String> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("m.tar");
    std::fs::write(&file, bytes).unwrap();
    match Command::new(tool).args(args).arg(&file).output() {
        Ok(out) => Some(format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )),
        Err(e) if std::env::var_os("CI").is_none() => {
            eprintln!("!!! SKIPPED the {tool} cross-check: {tool} could not run ({e}) !!!");
            None
        }
        Err(e) => panic!("{tool} is needed for this test in CI: {e}"),
    }
}

fn gnu_tar(bytes: &[u8]) -> Option<String> {
    tool_listing("tar", &["-tvf"], bytes)
}

fn bsdtar(bytes: &[u8]) -> Option<String> {
    tool_listing("bsdtar", &["-tvf"], bytes)
}

/// Python's tarfile: one `name size mode` line per member, or `ERROR ...`.
fn python(bytes: &[u8]) -> Option<String> {
    let script = "import sys, tarfile\n\
        try:\n    \
            for m in tarfile.open(sys.argv[1]):\n        \
                print(m.name, m.size, oct(m.mode), m.linkname)\n\
        except Exception as e:\n    \
            print('ERROR', e)\n";
    tool_listing("python3", &["-c", script], bytes)
}

// ---- numeric fields --------------------------------------------------------

#[test]
fn a_size_field_with_a_gap_stops_the_walk_where_gnu_tar_reads_another_size() {
    // `0000 007000`: GNU tar reads 0 and finds m/b next; reading the digits
    // with the gap skipped (0o7000 = 3584 bytes) would swallow m/b whole.
    let a = with_field(file_header("m/a", 0), at::SIZE, b"0000 007000\0");
    let bytes = RawTar::new().raw(&a).file("m/b", &noise(3072, 1)).finish();
    let r = review_tar(bytes.clone());
    assert_fails(
        &r,
        "entry 1 (m/a)",
        &[
            "in the header at byte 0",
            "the size field `0000 007000` is not plain octal",
        ],
    );
    assert!(listed(&r).is_empty(), "{:?}", listed(&r));
    if let Some(out) = gnu_tar(&bytes) {
        let a_line = out.lines().find(|l| l.ends_with("m/a")).unwrap_or_default();
        assert_eq!(a_line.split_whitespace().nth(2), Some("0"), "{out}");
        assert!(out.contains("m/b"), "{out}");
    }
    if let Some(out) = python(&bytes) {
        assert!(out.starts_with("ERROR"), "{out}");
    }
}

#[test]
fn a_mode_field_with_a_gap_fails_and_the_walk_goes_on() {
    // `4750 644`: GNU tar reads 04750 (setuid), Python's tarfile refuses.
    let tool = with_field(file_header("m/tool", 1), at::MODE, b"4750 644");
    let bytes = RawTar::new()
        .raw(&tool)
        .raw(&intake::testkit::hostile_tar::padded(b"x"))
        .file("m/next", b"n")
        .finish();
    let r = review_tar(bytes.clone());
    assert_fails(
        &r,
        "m/tool",
        &[
            "in the header at byte 0",
            "the mode field `4750 644` is not plain octal",
        ],
    );
    assert_eq!(listed(&r), ["m/tool", "m/next"]);
    if let Some(out) = gnu_tar(&bytes) {
        assert!(out.contains("-rwsr-x---"), "{out}");
    }
    if let Some(out) = python(&bytes) {
        assert!(out.starts_with("ERROR"), "{out}");
    }
}

#[test]
fn malformed_numbers_in_any_numeric_field_fail() {
    let cases: [(usize, &[u8], &str, &str); 8] = [
        (
            at::UID,
            b"0000018\0",
            "m/a",
            "the uid field `0000018` is not plain octal",
        ),
        (
            at::GID,
            b"+000012\0",
            "m/a",
            "the gid field `+000012` is not plain octal",
        ),
        (
            at::MTIME,
            b"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xf0",
            "m/a",
            "the mtime field holds a negative base-256 number",
        ),
        (
            at::UID,
            b"\x80\0\0\x01\0\0\0\0",
            "m/a",
            "holds more than GNU tar accepts for a uid (at most 4294967295)",
        ),
        (
            at::DEVMAJOR,
            b"junk\0\0\0\0",
            "m/a",
            "the devmajor field `junk` is not plain octal",
        ),
        // GNU tar skips one leading NUL and reads 5; Python's tarfile reads 0.
        (
            at::SIZE,
            b"\x0000000000005",
            "entry 1 (m/a)",
            "the size field `\\x0000000000005` is not plain octal",
        ),
        (
            at::SIZE,
            b"\x81\0\0\0\0\0\0\0\0\0\0\x05",
            "entry 1 (m/a)",
            "neither octal nor a base-256 marker",
        ),
        (
            at::SIZE,
            b"            ",
            "entry 1 (m/a)",
            "not plain octal",
        ),
    ];
    for (offset, bytes, subject, words) in cases {
        let header = with_field(file_header("m/a", 0), offset, bytes);
        let r = review_tar(RawTar::new().raw(&header).finish());
        assert_fails(&r, subject, &["in the header at byte 0", words]);
    }
}

#[test]
fn a_base256_checksum_is_refused_as_gnu_tar_refuses_it() {
    let header = file_header("m/a", 0);
    let sum = checksum_of(&header);
    let mut field = [0x80, 0, 0, 0, 0, 0, 0, 0];
    field[5..].copy_from_slice(&sum.to_be_bytes()[5..]);
    let bytes = RawTar::new().raw(&with_checksum(header, &field)).finish();
    let r = review_tar(bytes.clone());
    assert_fails(
        &r,
        "entry 1 (its header)",
        &["corrupt header at byte 0", "the checksum field", "base-256"],
    );
    if let Some(out) = gnu_tar(&bytes) {
        assert!(!out.contains("m/a"), "GNU tar should not list it: {out}");
    }
    if let Some(out) = python(&bytes) {
        assert!(out.contains("m/a"), "Python's tarfile reads it: {out}");
    }
}

#[test]
fn the_numeric_forms_tar_writers_use_are_accepted() {
    // Old tars: leading spaces, a space terminator; GNU tar: base-256 sizes;
    // blank device numbers; a checksum with its NUL and space.
    let mut header = file_header("m/a", 0);
    for (offset, bytes) in [
        (at::MODE, &b"   644 \0"[..]),
        (at::UID, b"\0\0\0\0\0\0\0\0"),
        (at::GID, b"0001750 "),
        (at::SIZE, b"\x80\0\0\0\0\0\0\0\0\0\0\x05"),
        (at::DEVMAJOR, b"0000000\0"),
    ] {
        header = with_field(header, offset, bytes);
    }
    let bytes = RawTar::new()
        .raw(&header)
        .raw(&intake::testkit::hostile_tar::padded(b"hello"))
        .finish();
    let r = review_tar(bytes.clone());
    assert_eq!(safety(&r).status, Status::Pass, "{:#?}", safety(&r));
    assert_eq!(r.manifest[0].size, 5);
    if let Some(out) = python(&bytes) {
        assert!(out.starts_with("m/a 5 0o644"), "{out}");
    }
}

// ---- names given two ways --------------------------------------------------

#[test]
fn a_pax_path_with_a_gnu_long_name_fails() {
    let bytes = RawTar::new()
        .raw(&gnu_long_name(b"m/from-gnu"))
        .pax(&[("path", b"m/from-pax")])
        .file("m/short", b"x")
        .finish();
    let r = review_tar(bytes.clone());
    assert_fails(
        &r,
        "m/from-pax",
        &["both a GNU long name (at byte 0) and a PAX `path` (at byte 1024)"],
    );
    if let (Some(gnu), Some(py)) = (gnu_tar(&bytes), python(&bytes)) {
        assert!(gnu.contains("m/from-pax"), "{gnu}");
        assert!(py.starts_with("m/from-gnu"), "{py}");
    }
}

#[test]
fn a_pax_linkpath_with_a_gnu_long_link_fails() {
    let bytes = RawTar::new()
        .raw(&gnu_long_link(b"from-gnu"))
        .pax(&[("linkpath", b"from-pax")])
        .symlink("m/l", "short")
        .finish();
    let r = review_tar(bytes);
    assert_fails(
        &r,
        "m/l",
        &["both a GNU long link (at byte 0) and a PAX `linkpath` (at byte 1024)"],
    );
}

#[test]
fn two_long_names_or_two_pax_headers_before_one_entry_fail() {
    let bytes = RawTar::new()
        .raw(&gnu_long_name(b"m/first"))
        .raw(&gnu_long_name(b"m/second"))
        .file("m/short", b"x")
        .finish();
    let r = review_tar(bytes.clone());
    assert_fails(
        &r,
        "m/second",
        &["two GNU long-name headers before one entry (at bytes 0 and 1024)"],
    );
    if let (Some(gnu), Some(py)) = (gnu_tar(&bytes), python(&bytes)) {
        assert!(
            gnu.contains("m/second") && !gnu.contains("m/first"),
            "{gnu}"
        );
        assert!(py.starts_with("m/first"), "{py}");
    }
    let bytes = RawTar::new()
        .pax(&[("path", b"m/one")])
        .pax(&[("path", b"m/two")])
        .file("m/short", b"x")
        .finish();
    let r = review_tar(bytes.clone());
    assert_fails(
        &r,
        "m/two",
        &["two PAX extended headers before one entry (at bytes 0 and 1024)"],
    );
    if let (Some(gnu), Some(py)) = (gnu_tar(&bytes), python(&bytes)) {
        assert!(gnu.contains("m/two"), "{gnu}");
        assert!(py.starts_with("m/one"), "{py}");
    }
    let bytes = RawTar::new()
        .raw(&gnu_long_link(b"a"))
        .raw(&gnu_long_link(b"b"))
        .symlink("m/l", "c")
        .finish();
    assert_fails(
        &review_tar(bytes),
        "m/l",
        &["two GNU long-link headers before one entry (at bytes 0 and 1024)"],
    );
}

#[test]
fn gnu_sparse_keywords_on_a_plain_file_fail() {
    let bytes = RawTar::new()
        .pax(&[
            ("GNU.sparse.name", b"m/real"),
            ("GNU.sparse.realsize", b"9"),
        ])
        .file("m/a", b"x")
        .finish();
    let r = review_tar(bytes);
    assert_fails(
        &r,
        "m/a",
        &["the PAX header at byte 0 has the sparse-file keyword `GNU.sparse.name`"],
    );
}

#[test]
fn a_global_header_that_changes_later_entries_fails_but_a_comment_passes() {
    let bytes = RawTar::new()
        .raw(&pax_global(&[("path", b"m/evil")]))
        .file("m/a", b"x")
        .finish();
    let r = review_tar(bytes.clone());
    assert_fails(
        &r,
        "m/a",
        &["the PAX global header at byte 0 sets `path` for every later entry"],
    );
    if let (Some(bsd), Some(py)) = (bsdtar(&bytes), python(&bytes)) {
        assert!(bsd.contains("m/a"), "{bsd}");
        assert!(py.starts_with("m/evil"), "{py}");
    }
    // What `git archive` writes: a global header with only a comment.
    let bytes = RawTar::new()
        .raw(&pax_global(&[("comment", b"5d70b3c0aa")]))
        .file("m/a", b"x")
        .finish();
    let r = review_tar(bytes);
    assert_eq!(safety(&r).status, Status::Pass, "{:#?}", safety(&r));
    assert_eq!(listed(&r), ["m/a"]);
}

#[test]
fn a_prefix_under_the_old_gnu_magic_fails() {
    let header = with_field(old_gnu(file_header("a", 0)), at::PREFIX, b"../../etc\0");
    let bytes = RawTar::new().raw(&header).finish();
    let r = review_tar(bytes.clone());
    assert_fails(
        &r,
        "a",
        &[
            "the header at byte 0 has no POSIX ustar magic but text in its prefix field (`../../etc`)",
        ],
    );
    if let (Some(gnu), Some(py)) = (gnu_tar(&bytes), python(&bytes)) {
        assert!(gnu.trim_end().ends_with(" a"), "{gnu}");
        assert!(py.starts_with("../../etc/a"), "{py}");
    }
}

// ---- PAX records and numbers -----------------------------------------------

#[test]
fn malformed_pax_records_stop_the_walk() {
    for (body, words) in [
        (
            &b"+13 path=m/a\n"[..],
            "a record length `+13` that is not plain decimal digits",
        ),
        (
            b" 12 path=m/a\n",
            "a record length `` that is not plain decimal digits",
        ),
        (
            b"12 path=m/ab",
            "a record whose length does not end at its newline",
        ),
        (b"10 p\xffth=a\n", "a keyword that is empty or not UTF-8"),
        (b"9 path m\n", "a record without `=`"),
    ] {
        let bytes = RawTar::new()
            .raw(&extension(b'x', body))
            .file("m/a", b"x")
            .finish();
        let r = review_tar(bytes);
        assert_fails(
            &r,
            "entry 1 (its header)",
            &["corrupt PAX header at byte 0", words],
        );
    }
}

#[test]
fn unreadable_pax_numbers_fail() {
    let bytes = RawTar::new()
        .pax(&[("size", b"12abc")])
        .file("m/a", b"x")
        .finish();
    assert_fails(
        &review_tar(bytes),
        "entry 1 (its header)",
        &["the PAX header at byte 0 gives the size `12abc`"],
    );
    for (key, value, words) in [
        ("mtime", &b"-5"[..], "gives the mtime `-5`"),
        ("mtime", b"1e9", "gives the mtime `1e9`"),
        ("uid", b"12 ", "gives the uid `12 `"),
        ("gid", b"99999999999", "gives the gid `99999999999`"),
        ("hdrcharset", b"BINARY", "sets hdrcharset `BINARY`"),
        ("path", b"m/\xff", "the PAX path at byte 0 is not UTF-8"),
    ] {
        let bytes = RawTar::new()
            .pax(&[(key, value)])
            .file("m/a", b"x")
            .finish();
        let r = review_tar(bytes);
        let c = safety(&r);
        assert!(
            c.findings
                .iter()
                .any(|f| f.status == Status::Fail && f.summary.contains(words)),
            "{key}: {:#?}",
            c.findings
        );
    }
    // A fraction of a second is a plain time.
    let bytes = RawTar::new()
        .pax(&[("mtime", b"1767225600.25")])
        .file("m/a", b"x")
        .finish();
    assert_eq!(safety(&review_tar(bytes)).status, Status::Pass);
}

#[test]
fn a_pax_size_on_a_non_file_and_duplicate_keywords_fail() {
    let bytes = RawTar::new()
        .pax(&[("size", b"0")])
        .symlink("m/l", "target")
        .finish();
    assert_fails(
        &review_tar(bytes),
        "m/l",
        &["a PAX size of 0 bytes on a symlink entry (header at byte 1024)"],
    );
    let bytes = RawTar::new()
        .pax(&[("path", b"m/a"), ("path", b"m/b")])
        .file("m/short", b"x")
        .finish();
    assert_fails(
        &review_tar(bytes),
        "m/b",
        &["the PAX header at byte 0 gives `path` twice with different values (`m/a` and `m/b`)"],
    );
    // The same value twice says one thing.
    let body = pax_records(&[("path", b"m/a"), ("path", b"m/a")]);
    let bytes = RawTar::new()
        .raw(&extension(b'x', &body))
        .file("m/short", b"x")
        .finish();
    assert_eq!(safety(&review_tar(bytes)).status, Status::Pass);
}

// ---- names a tool ignoring the extension would use -------------------------

#[test]
fn a_hostile_header_name_behind_an_extension_fails() {
    let t = RawTar::new()
        .raw(&gnu_long_name(b"m/long"))
        .raw(&file_header("/etc/passwd", 0));
    assert_fails(
        &review_tar(t.finish()),
        "m/long",
        &[
            "the header at byte 1024 has its own name field /etc/passwd (an absolute path)",
            "GNU long name (at byte 0)",
        ],
    );
    let t = RawTar::new()
        .pax(&[("path", b"m/ok")])
        .raw(&file_header("m/../../evil", 0));
    assert_fails(
        &review_tar(t.finish()),
        "m/ok",
        &[
            "its own name field m/../../evil (a `..` component",
            "PAX `path` (at byte 0)",
        ],
    );
    let t = RawTar::new()
        .pax(&[("linkpath", b"ok")])
        .symlink("m/l", "../../etc/shadow");
    assert_fails(
        &review_tar(t.finish()),
        "m/l",
        &[
            "its own link field ../../etc/shadow (a target whose `..` climbs above the archive root)",
        ],
    );
    let t = RawTar::new()
        .raw(&gnu_long_link(b"m/target"))
        .hardlink("m/h", "/etc/shadow");
    assert_fails(
        &review_tar(t.file("m/target", b"t").finish()),
        "m/h",
        &["its own link field /etc/shadow (an absolute path)"],
    );
    // A symlink whose own target stays inside is not a problem.
    let t = RawTar::new()
        .file("m/target", b"t")
        .pax(&[("linkpath", b"target")])
        .symlink("m/sub/l", "../target");
    assert_eq!(safety(&review_tar(t.finish())).status, Status::Pass);
}

#[test]
fn a_regular_file_named_like_a_folder_fails() {
    // GNU tar makes `conf/` a folder; Python's tarfile makes it a file.
    let bytes = RawTar::new()
        .entry(b"conf/", kind::FILE, 0o644, b"", b"")
        .finish();
    let r = review_tar(bytes);
    assert_fails(
        &r,
        "conf/",
        &["a regular-file entry whose name ends in `/` (header at byte 0)"],
    );
}
