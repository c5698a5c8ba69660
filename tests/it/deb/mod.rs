//! Debian packages (issue 15): the `ar` container read as dpkg reads it,
//! every member out of place, twice, cut short or hidden refused with a
//! finding naming it, `data.tar` walked under every compression into the
//! same entries (under their installed paths), and the `package.*` checks
//! of a whole review ([`checks`]), cross-checked with `dpkg-deb` where it
//! is installed ([`dpkg`]). Every package is real bytes made by the test
//! kit's builder.

mod checks;
mod dpkg;
mod signature;
mod tui;

use intake::engine::inspect::compress::Codec;
use intake::engine::inspect::package::ListedDigests;
use intake::engine::inspect::report::{ArchiveReport, EntryKind};
use intake::engine::shared::check::Status;
use intake::testkit::deb::{DebSpec, Md5sums, ar, ar_header};

use crate::support::*;

/// The test package: meridian 4.2.1-1 for amd64.
pub fn spec() -> DebSpec {
    DebSpec::new("meridian", "4.2.1-1", "amd64")
}

pub const NAME: &str = "meridian_4.2.1-1_amd64.deb";

/// Asserts a failing finding whose subject contains `subject` and whose
/// summary says every one of `words`.
#[track_caller]
pub fn assert_fails(r: &ArchiveReport, subject: &str, words: &[&str]) {
    assert!(
        r.findings.iter().any(|f| f.status == Status::Fail
            && f.subject.contains(subject)
            && words.iter().all(|w| f.summary.contains(w))),
        "no failing finding on {subject:?} saying {words:?} in {:#?}",
        r.findings
    );
}

/// The members of the test package, to rearrange.
fn members() -> Vec<(String, Vec<u8>)> {
    spec().members().unwrap()
}

#[test]
fn a_package_is_walked_to_its_installed_paths() {
    let r = inspect_bytes(NAME, &spec().build().unwrap());
    assert_eq!(r.kind, "deb");
    assert!(r.findings.is_empty(), "{:#?}", r.findings);
    assert!(r.stopped.is_none());
    let paths: Vec<String> = r
        .entries
        .iter()
        .map(|e| String::from_utf8(e.path.clone()).unwrap())
        .collect();
    assert_eq!(
        paths,
        [
            "/",
            "/usr/",
            "/usr/bin/",
            "/usr/bin/meridian",
            "/usr/share/",
            "/usr/share/meridian/",
            "/usr/share/meridian/README",
            "/usr/bin/meridian-server",
            "/usr/bin/meridian-cli",
        ]
    );
    let bin = &r.entries[3];
    assert_eq!((bin.size, bin.mode), (40_000, 0o755));
    assert_eq!(r.entries[7].kind, EntryKind::Symlink(b"meridian".to_vec()));
    assert_eq!(
        r.entries[8].kind,
        EntryKind::Hardlink(b"/usr/bin/meridian".to_vec())
    );
    let p = r.package.as_deref().unwrap();
    assert_eq!(p.metadata, "control.tar.xz");
    assert_eq!(
        (
            p.name.as_deref(),
            p.version.as_deref(),
            p.architecture.as_deref()
        ),
        (Some("meridian"), Some("4.2.1-1"), Some("amd64"))
    );
    assert!(p.identity_problems.is_empty(), "{:?}", p.identity_problems);
    assert!(p.scripts.is_empty());
    assert!(p.signatures.is_empty());
    match &p.digests {
        ListedDigests::Compared {
            agreed, findings, ..
        } => assert_eq!((*agreed, findings.len()), (2, 0), "{findings:#?}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn every_member_compression_reads_into_the_same_entries() {
    let plain = inspect_bytes(NAME, &spec().build().unwrap());
    let codecs = [None, Some(Codec::Gzip), Some(Codec::Xz), Some(Codec::Zstd)];
    for control in codecs {
        for data in codecs.iter().copied().chain([Some(Codec::Bzip2)]) {
            let mut s = spec();
            s.control_codec = control;
            s.data_codec = data;
            let r = inspect_bytes(NAME, &s.build().unwrap());
            assert!(
                r.findings.is_empty(),
                "{control:?}/{data:?}: {:#?}",
                r.findings
            );
            assert_eq!(r.entries, plain.entries, "{control:?}/{data:?}");
            let mut package = r.package.unwrap();
            let named = package.metadata.starts_with("control.tar");
            package.metadata = plain.package.as_ref().unwrap().metadata.clone();
            assert!(named, "{control:?}");
            assert_eq!(Some(package), plain.package, "{control:?}/{data:?}");
        }
    }
}

#[test]
fn a_member_size_past_the_end_of_the_file_fails() {
    let mut m = members();
    let data = m.pop().unwrap();
    let mut bytes = ar(&m);
    bytes.extend(ar_header(
        data.0.as_bytes(),
        data.1.len() as u64 + 1_000_000,
    ));
    bytes.extend(&data.1);
    let r = inspect_bytes(NAME, &bytes);
    assert_fails(
        &r,
        "data.tar.xz",
        &["claims", "bytes, but the package ends"],
    );
    assert!(r.stopped.is_some());
    // Read as a stream of unknown length, the member runs out instead.
    let mut stream = &bytes[..];
    let walked = intake::engine::inspect::walk::walk_stream(
        &mut stream,
        None,
        None,
        NAME,
        &Default::default(),
    );
    let intake::engine::inspect::walk::Walked::Done(r) = walked else {
        panic!("deferred");
    };
    assert_fails(&r, "data.tar.xz", &["truncated", "the package ends after"]);
}

#[test]
fn a_second_data_member_fails() {
    let mut m = members();
    let second = m[2].clone();
    m.push(second);
    let r = inspect_bytes(NAME, &ar(&m));
    assert_fails(
        &r,
        "data.tar.xz",
        &["a second data member", "dpkg unpacks the first"],
    );
    // Under another compression, too.
    let mut m = members();
    m.push((
        "data.tar.gz".into(),
        intake::testkit::archives::gzip(&spec().data_tar()).unwrap(),
    ));
    assert_fails(
        &inspect_bytes(NAME, &ar(&m)),
        "data.tar.gz",
        &["a second data member"],
    );
}

#[test]
fn members_in_another_order_fail() {
    let mut m = members();
    m.swap(1, 2);
    let r = inspect_bytes(NAME, &ar(&m));
    assert_fails(&r, "data.tar.xz", &["out of order"]);
    assert_fails(&r, "(package)", &["no data.tar member"]);
    // debian-binary not first: not a package at all, under a .deb name.
    let mut m = members();
    m.swap(0, 1);
    let r = inspect_bytes(NAME, &ar(&m));
    assert_eq!(r.kind, "file");
    assert_fails(
        &r,
        "(artifact name)",
        &["a Debian package", "a single file"],
    );
    // The signature member before the data.
    let mut m = members();
    m.insert(2, ("_gpgorigin".into(), b"sig".to_vec()));
    assert_fails(
        &inspect_bytes(NAME, &ar(&m)),
        "_gpgorigin",
        &["out of order"],
    );
}

#[test]
fn members_dpkg_ignores_or_refuses_fail() {
    for (name, at, words) in [
        ("_gpgbuilder", 3, "a member after the data member"),
        ("_extra", 1, "dpkg skips unread"),
        ("control.tar.bz2", 1, "dpkg refuses or does not know"),
        ("data.tar.lzma", 2, "dpkg refuses or does not know"),
        ("README", 3, "a member after the data member"),
    ] {
        let mut m = members();
        m.insert(at, (name.to_string(), b"hidden\n".to_vec()));
        let r = inspect_bytes(NAME, &ar(&m));
        assert_fails(&r, name, &[words]);
    }
}

#[test]
fn bytes_after_the_last_member_fail() {
    let good = spec().build().unwrap();
    for tail in [&b"#!/bin/sh\n"[..], &[b'x'; 100][..]] {
        let mut bytes = good.clone();
        bytes.extend_from_slice(tail);
        let r = inspect_bytes(NAME, &bytes);
        let at = good.len().to_string();
        assert_fails(&r, "(after the last member)", &[&at, "hidden content"]);
    }
}

#[test]
fn a_truncated_header_or_member_fails_saying_where() {
    let good = spec().build().unwrap();
    let m = members();
    // Cut 30 bytes into the data member's header.
    let data_header = 8 + (60 + m[0].1.len()) + (60 + m[1].1.len() + m[1].1.len() % 2);
    let r = inspect_bytes(NAME, &good[..data_header + 30]);
    assert_fails(
        &r,
        "member 3 (its header)",
        &["truncated", "30 bytes into the member header"],
    );
    // Cut inside the data member itself.
    let r = inspect_bytes(NAME, &good[..good.len() - 100]);
    assert_fails(&r, "data.tar.xz", &["claims"]);
    // A header whose size field is not digits (the control member's).
    let control = 8 + 60 + m[0].1.len();
    let mut bytes = good.clone();
    bytes[control + 48..control + 58].copy_from_slice(b"4 2       ");
    assert_fails(&inspect_bytes(NAME, &bytes), "member 2", &["size field"]);
}

#[test]
fn a_member_name_with_odd_bytes_fails() {
    for name in [&b"data.tar\0.xz"[..], b"data.tar.x\x1bz", b"d\xe4ta.tar.xz"] {
        let mut m = members();
        let data = m.pop().unwrap();
        let mut bytes = ar(&m);
        bytes.extend(ar_header(name, data.1.len() as u64));
        bytes.extend(&data.1);
        let r = inspect_bytes(NAME, &bytes);
        assert_fails(&r, ".tar", &["a member name with the byte"]);
        assert_fails(&r, "(package)", &["no data.tar member"]);
    }
}

#[test]
fn a_format_version_other_than_2_fails() {
    for version in [&b"3.0\n"[..], b"2.0", b"2.x\n"] {
        let mut m = members();
        m[0].1 = version.to_vec();
        let r = inspect_bytes(NAME, &ar(&m));
        assert_fails(&r, "debian-binary", &["format version"]);
    }
}

#[test]
fn an_md5sums_mismatch_is_found_as_the_data_streams() {
    let mut s = spec();
    let good = s.md5sums_text().unwrap();
    s.md5sums = Md5sums::Given(
        good.replacen(&good[..32], &"0".repeat(32), 1)
            + &format!("{}  usr/lib/gone\n", "1".repeat(32)),
    );
    let r = inspect_bytes(NAME, &s.build().unwrap());
    assert!(r.findings.is_empty(), "{:#?}", r.findings);
    let ListedDigests::Compared {
        agreed, findings, ..
    } = &r.package.as_deref().unwrap().digests
    else {
        panic!("not compared");
    };
    assert_eq!(*agreed, 1);
    assert_eq!(findings[0].subject, "/usr/bin/meridian");
    assert!(
        findings[0].summary.contains(&"0".repeat(32)),
        "{findings:#?}"
    );
    assert_eq!(findings[1].subject, "/usr/lib/gone");
}

#[test]
fn control_tar_is_read_within_its_limit() {
    let mut s = spec();
    s.control_codec = Some(Codec::Gzip);
    // Incompressible text, so the size limit and not the ratio stops it.
    let half = (intake::engine::inspect::deb::CONTROL_MAX / 2) as usize + 1;
    s.scripts.push((
        "postinst".into(),
        hex::encode(intake::testkit::archives::noise(half, 3)),
    ));
    let r = inspect_bytes(NAME, &s.build().unwrap());
    assert_fails(&r, "control.tar.gz", &["expands past the limit"]);
    let p = r.package.as_deref().unwrap();
    assert!(
        p.identity_problems[0].contains("could not be read"),
        "{:?}",
        p.identity_problems
    );
}

#[test]
fn absolute_symlinks_resolve_from_the_install_root() {
    use intake::testkit::deb::DataEntry;
    let mut s = spec();
    s.data.extend([
        DataEntry::Dir("./usr/lib/".into()),
        DataEntry::Symlink("./usr/lib/meridian".into(), "/usr/share/meridian".into()),
        DataEntry::Symlink("./usr/bin/m".into(), "/usr/bin/meridian".into()),
    ]);
    let r = inspect_bytes(NAME, &s.build().unwrap());
    assert!(r.findings.is_empty(), "{:#?}", r.findings);
    // The same entries in a plain archive leave its folder.
    let tar = intake::testkit::archives::gzip(&s.data_tar()).unwrap();
    let plain = inspect_bytes("meridian.tar.gz", &tar);
    assert!(
        plain
            .findings
            .iter()
            .any(|f| f.summary.contains("absolute target")),
        "{:#?}",
        plain.findings
    );
    // Climbing above the root, or writing through the package's own
    // symlink to somewhere else, still fails.
    let mut s = spec();
    s.data.extend([
        DataEntry::Dir("./usr/lib/".into()),
        DataEntry::Symlink("./usr/lib/up".into(), "/../../etc".into()),
        DataEntry::Symlink("./usr/lib/conf".into(), "/etc".into()),
        DataEntry::File(
            "./usr/lib/conf/passwd".into(),
            0o644,
            b"root::0:0::/:/bin/sh\n".to_vec(),
        ),
    ]);
    let r = inspect_bytes(NAME, &s.build().unwrap());
    assert_fails(
        &r,
        "/usr/lib/up",
        &["leaves the archive root", "climbs above"],
    );
    assert_fails(
        &r,
        "/usr/lib/conf/passwd",
        &["through a symlink of the same package"],
    );
}
