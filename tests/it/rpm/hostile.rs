//! Bad input: every structure rpm and cpio could read differently from
//! intake, or that claims more than it holds, is a failing finding (or a
//! stop with one), never a panic, never memory sized by the claim.

use intake::engine::inspect::package::ListedDigests;
use intake::engine::inspect::report::ArchiveReport;
use intake::engine::shared::check::Status;
use intake::testkit::keys::SignSpec;
use intake::testkit::rpm::{RpmFile, RpmSpec, assemble, cpio_entry};

use super::{NAME, assert_fails, spec};
use crate::support::*;

/// `s` signed by the vendor, then its payload swapped for another's (the
/// header, its digests and its signature as signed).
pub fn tampered_payload(s: &RpmSpec) -> Vec<u8> {
    let good = s.signed(vendor(), SignSpec::at(signed())).unwrap();
    let mut other = s.clone();
    if let Some(RpmFile::File(_, _, data)) = other.files.first_mut() {
        data[100] ^= 0xff;
    }
    let payload = other.payload().unwrap();
    let cut = good.len() - s.payload().unwrap().len();
    let mut out = good[..cut].to_vec();
    out.extend_from_slice(&payload);
    out
}

/// Where the main header of `s` starts in `bytes`, a package of it.
fn main_header_in(bytes: &[u8], s: &RpmSpec) -> usize {
    let parts = s.parts().unwrap();
    bytes.len() - parts.payload.len() - parts.main.len()
}

/// Where the main header starts in an unsigned package of `s`.
fn main_header_at(s: &RpmSpec) -> usize {
    main_header_in(&s.build().unwrap(), s)
}

/// The package of `spec()` whose payload is `cpio` (uncompressed, so a
/// test can lie in it byte by byte), its header listing `spec()`'s files.
fn with_cpio(cpio: &[u8]) -> ArchiveReport {
    let mut s = spec();
    s.codec = None;
    inspect_bytes(NAME, &assemble(&s.parts_from_cpio(cpio).unwrap(), &[]))
}

/// `spec()`'s cpio entries, without the trailer, for a test to add to.
fn entries() -> Vec<u8> {
    let mut cpio = spec().cpio();
    let trailer = cpio.len() - 124;
    assert_eq!(&cpio[trailer + 110..trailer + 120], b"TRAILER!!!");
    cpio.truncate(trailer);
    cpio
}

fn trailer(cpio: &mut Vec<u8>) {
    cpio_entry(cpio, "TRAILER!!!", 0, 0, 1, &[]);
}

#[test]
fn a_package_cut_anywhere_is_refused_with_a_finding() {
    let s = spec();
    let bytes = s.signed(vendor(), SignSpec::at(signed())).unwrap();
    let main = main_header_in(&bytes, &s);
    for cut in [
        110,
        140,
        main - 3,
        main + 10,
        main + 200,
        bytes.len() - 5000,
        bytes.len() - 1,
    ] {
        let r = inspect_bytes(NAME, &bytes[..cut]);
        assert_eq!(r.kind, "rpm", "cut at {cut}");
        assert!(r.stopped.is_some(), "cut at {cut}: {:#?}", r.findings);
        assert!(
            r.findings.iter().any(|f| f.status == Status::Fail),
            "cut at {cut}"
        );
    }
    let r = inspect_bytes(NAME, &bytes[..main + 10]);
    assert_fails(&r, "(header)", &["truncated"]);
}

#[test]
fn a_header_index_count_in_the_millions_is_refused_unread() {
    let s = spec();
    let mut bytes = s.build().unwrap();
    let at = main_header_at(&s);
    bytes[at + 8..at + 12].copy_from_slice(&4_000_000u32.to_be_bytes());
    let r = inspect_bytes(NAME, &bytes);
    assert_fails(&r, "(header)", &["4000000 index entries", "refused unread"]);
    // The store size too.
    let mut bytes = s.build().unwrap();
    bytes[at + 12..at + 16].copy_from_slice(&u32::MAX.to_be_bytes());
    let r = inspect_bytes(NAME, &bytes);
    assert_fails(
        &r,
        "(header)",
        &["data store of 4294967295 bytes", "refused unread"],
    );
}

#[test]
fn a_tag_whose_data_lies_past_the_store_is_refused() {
    let s = spec();
    let mut bytes = s.build().unwrap();
    let at = main_header_at(&s);
    // The second index entry (after the region tag): its offset.
    let offset = at + 16 + 16 + 8;
    bytes[offset..offset + 4].copy_from_slice(&0x00ff_ffffu32.to_be_bytes());
    let r = inspect_bytes(NAME, &bytes);
    assert_fails(&r, "(header)", &["past the end"]);
}

#[test]
fn a_header_altered_after_signing_fails_its_digest_and_signature() {
    let s = spec();
    let mut bytes = s.signed(vendor(), SignSpec::at(signed())).unwrap();
    let at = main_header_in(&bytes, &s);
    let text = bytes[at..]
        .windows(13)
        .position(|w| w == b"for tests\0Bui")
        .unwrap();
    bytes[at + text] = b'F';
    let r = review_of_bytes(bytes);
    assert_status(
        &r,
        intake::engine::shared::check::CheckId::PackageSignature,
        Status::Fail,
    );
    let c = assert_status(
        &r,
        intake::engine::shared::check::CheckId::PackageDigests,
        Status::Fail,
    );
    assert!(c.summary.contains("SHA256HEADER"), "{c:#?}");
}

fn review_of_bytes(bytes: Vec<u8>) -> intake::engine::review::Review {
    super::checks::review_of(&spec(), bytes)
}

#[test]
fn a_cpio_name_length_that_lies_stops_the_walk() {
    for (lie, what) in [(4u32, "longer"), (0xffff_fff0, "huge")] {
        let mut cpio = Vec::new();
        let name = b"./usr/bin/meridian";
        let size = if lie == 4 {
            name.len() as u32 + 1 + 4
        } else {
            lie
        };
        let fields = [1, 0o100755, 0, 0, 1, 0, 4, 0, 0, 0, 0, size, 0];
        cpio.extend_from_slice(b"070701");
        for f in fields {
            cpio.extend_from_slice(format!("{f:08x}").as_bytes());
        }
        cpio.extend_from_slice(name);
        cpio.extend_from_slice(b"\0abcd\0\0\0");
        trailer(&mut cpio);
        let r = with_cpio(&cpio);
        assert!(r.stopped.is_some(), "{what}");
        let words: &[&str] = if lie == 4 {
            &["does not end at the name's NUL"]
        } else {
            &["name length", "refused"]
        };
        assert_fails(&r, "entry 1", words);
    }
}

#[test]
fn data_after_the_cpio_trailer_or_the_payload_fails() {
    let mut cpio = spec().cpio();
    cpio.extend_from_slice(b"#!/bin/sh\nrm -rf /\n");
    let r = with_cpio(&cpio);
    assert_fails(&r, "(after the payload)", &["after the cpio trailer"]);
    // Zeros (block padding) are not content.
    let mut cpio = spec().cpio();
    cpio.extend_from_slice(&[0; 512]);
    let r = with_cpio(&cpio);
    assert!(r.findings.is_empty(), "{:#?}", r.findings);
    // Bytes after the compressed stream.
    let mut bytes = spec().build().unwrap();
    bytes.extend_from_slice(b"hidden");
    let r = inspect_bytes(NAME, &bytes);
    assert!(
        r.findings.iter().any(|f| f.status == Status::Fail),
        "{:#?}",
        r.findings
    );
    let p = r.package.as_deref().unwrap();
    assert!(
        p.integrity.iter().any(|i| i.outcome.is_err()),
        "{:#?}",
        p.integrity
    );
}

#[test]
fn a_path_twice_in_the_payload_fails() {
    let mut cpio = entries();
    cpio_entry(
        &mut cpio,
        "./usr/share/meridian/README",
        9,
        0o100644,
        1,
        b"other\n",
    );
    trailer(&mut cpio);
    let r = with_cpio(&cpio);
    assert!(
        r.findings
            .iter()
            .any(|f| f.status == Status::Fail && f.subject.contains("/usr/share/meridian/README")),
        "{:#?}",
        r.findings
    );
}

#[test]
fn the_crc_and_large_file_cpio_formats_are_refused() {
    for (magic, words) in [(&b"070702"[..], "070702"), (b"07070X", "07070X")] {
        let mut cpio = spec().cpio();
        cpio[..6].copy_from_slice(magic);
        let r = with_cpio(&cpio);
        assert_fails(&r, "entry 1", &[words, "refused"]);
    }
}

/// The digests comparison's failing findings.
fn digest_findings(r: &ArchiveReport) -> Vec<(String, String)> {
    let ListedDigests::Compared { findings, .. } = &r.package.as_deref().unwrap().digests else {
        panic!("not compared");
    };
    findings
        .iter()
        .map(|f| (f.subject.clone(), f.summary.clone()))
        .collect()
}

#[test]
fn a_payload_that_disagrees_with_the_header_file_list_fails_naming_the_file() {
    let s = spec();
    let mut cpio = Vec::new();
    for (i, f) in s.files.iter().enumerate() {
        let ino = i as u32 + 1;
        match f {
            RpmFile::File(p, _, data) if p.ends_with("README") => {
                cpio_entry(&mut cpio, &format!(".{p}"), ino, 0o104644, 1, data)
            }
            RpmFile::File(p, mode, data) => {
                cpio_entry(&mut cpio, &format!(".{p}"), ino, 0o100000 | mode, 1, data)
            }
            RpmFile::Dir(p) => cpio_entry(&mut cpio, &format!(".{p}"), ino, 0o040755, 2, &[]),
            RpmFile::Symlink(p, _) => {
                cpio_entry(&mut cpio, &format!(".{p}"), ino, 0o120777, 1, b"/bin/sh")
            }
            RpmFile::Ghost(_) => {}
        }
    }
    cpio_entry(
        &mut cpio,
        "./etc/cron.d/meridian",
        9,
        0o100644,
        1,
        b"* * * * * root sh\n",
    );
    trailer(&mut cpio);
    let r = with_cpio(&cpio);
    let found = digest_findings(&r);
    let has =
        |subject: &str, words: &str| found.iter().any(|(s, w)| s == subject && w.contains(words));
    assert!(
        has(
            "/usr/share/meridian/README",
            "mode 104644 in the payload, 100644 in the header's file list"
        ),
        "{found:#?}"
    );
    assert!(
        has(
            "/usr/bin/meridian-server",
            "a symlink to /bin/sh in the payload, to meridian in"
        ),
        "{found:#?}"
    );
    assert!(
        has(
            "/etc/cron.d/meridian",
            "in the payload but not in the header's file list"
        ),
        "{found:#?}"
    );
    // And a listed file the payload lacks.
    let mut cpio = Vec::new();
    cpio_entry(&mut cpio, "./usr/share/meridian", 2, 0o040755, 2, &[]);
    trailer(&mut cpio);
    let found = digest_findings(&with_cpio(&cpio));
    assert!(
        found.iter().any(|(s, w)| s == "/usr/bin/meridian"
            && w.contains("listed in the header's file list, but not in the payload")),
        "{found:#?}"
    );
}

/// Seeded mutations of small real packages (bytes flipped, runs
/// overwritten, cut short), each walked as the fuzz target walks it: no
/// panic, every report within the limits. A stable-toolchain complement to
/// `scripts/fuzz.sh rpm`.
#[test]
fn ten_thousand_mutated_packages_are_walked_without_a_panic() {
    let mut small = RpmSpec::new("m", "1", "1", "x86_64");
    small.files = vec![
        RpmFile::File("/usr/bin/m".into(), 0o755, b"#!/bin/sh\necho m\n".to_vec()),
        RpmFile::Dir("/usr/share/m".into()),
        RpmFile::Symlink("/usr/bin/m2".into(), "m".into()),
    ];
    let mut seeds = Vec::new();
    for codec in [None, Some(intake::engine::inspect::compress::Codec::Gzip)] {
        small.codec = codec;
        seeds.push(small.signed(vendor(), SignSpec::at(signed())).unwrap());
    }
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for i in 0..10_000 {
        let mut bytes = seeds[i % seeds.len()].clone();
        let len = bytes.len() as u64;
        match next() % 3 {
            0 => {
                for _ in 0..1 + next() % 8 {
                    let at = (next() % len) as usize;
                    bytes[at] ^= 1 << (next() % 8);
                }
            }
            1 => {
                let at = (next() % len) as usize;
                let end = (at + 1 + (next() % 16) as usize).min(bytes.len());
                let fill = (next() % 256) as u8;
                bytes[at..end].fill(fill);
            }
            _ => bytes.truncate((next() % len) as usize),
        }
        let run = std::panic::catch_unwind(|| intake::testkit::fuzzing::rpm(&bytes));
        assert!(run.is_ok(), "mutation {i} panicked");
    }
}
