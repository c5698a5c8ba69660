//! RPM packages (issue 15): lead, signature header, header and cpio
//! payload read as rpm reads them, under every payload compression into
//! the same entries (under their installed paths); every structure rpm
//! and cpio could read differently refused with a finding ([`hostile`]);
//! the `package.*` checks of whole reviews ([`checks`]); and rpm itself
//! (`rpm`, `rpmkeys`, `rpm2cpio`, `cpio`) as the oracle on the same files
//! where it is installed ([`oracle`]). Every package is real bytes made by
//! the test kit's builder.

mod checks;
mod hostile;
mod oracle;
mod tui;
mod v6;

use intake::engine::inspect::compress::Codec;
use intake::engine::inspect::package::{Format, ListedDigests};
use intake::engine::inspect::report::{ArchiveReport, EntryKind};
use intake::engine::shared::check::Status;
use intake::testkit::rpm::{RpmFile, RpmSpec};

use crate::support::*;

/// The test package: meridian 4.2.1-1.el9 for x86_64.
pub fn spec() -> RpmSpec {
    RpmSpec::new("meridian", "4.2.1", "1.el9", "x86_64")
}

pub const NAME: &str = "meridian-4.2.1-1.el9.x86_64.rpm";

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

#[test]
fn a_package_is_walked_to_its_installed_paths() {
    let r = inspect_bytes(NAME, &spec().build().unwrap());
    assert_eq!(r.kind, "rpm");
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
            "/usr/bin/meridian",
            "/usr/share/meridian",
            "/usr/share/meridian/README",
            "/usr/bin/meridian-server",
        ]
    );
    assert_eq!((r.entries[0].size, r.entries[0].mode), (40_000, 0o755));
    assert_eq!(r.entries[1].kind, EntryKind::Dir);
    assert_eq!(r.entries[3].kind, EntryKind::Symlink(b"meridian".to_vec()));
    let p = r.package.as_deref().unwrap();
    assert_eq!(p.format, Format::Rpm);
    assert_eq!(
        (
            p.name.as_deref(),
            p.version.as_deref(),
            p.architecture.as_deref()
        ),
        (Some("meridian"), Some("4.2.1-1.el9"), Some("x86_64"))
    );
    assert!(p.identity_problems.is_empty(), "{:?}", p.identity_problems);
    assert!(p.scripts.is_empty());
    assert!(p.signatures.is_empty());
    assert!(!p.payload_needs_signature);
    let agreed: Vec<bool> = p.integrity.iter().map(|i| i.outcome.is_ok()).collect();
    assert_eq!(agreed, [true, true, true], "{:#?}", p.integrity);
    match &p.digests {
        ListedDigests::Compared {
            agreed,
            findings,
            algorithm,
            ..
        } => {
            assert_eq!(*algorithm, "SHA-256");
            assert_eq!((*agreed, findings.len()), (2, 0), "{findings:#?}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn every_payload_compression_reads_into_the_same_entries() {
    let plain = inspect_bytes(NAME, &spec().build().unwrap());
    for codec in [
        None,
        Some(Codec::Gzip),
        Some(Codec::Zstd),
        Some(Codec::Bzip2),
    ] {
        let mut s = spec();
        s.codec = codec;
        let r = inspect_bytes(NAME, &s.build().unwrap());
        assert!(r.findings.is_empty(), "{codec:?}: {:#?}", r.findings);
        assert_eq!(r.entries, plain.entries, "{codec:?}");
        let p = r.package.as_deref().unwrap();
        assert!(p.integrity.iter().all(|i| i.outcome.is_ok()), "{codec:?}");
    }
}

#[test]
fn an_epoch_ghosts_and_scriptlets_are_read_from_the_header() {
    let mut s = spec().script(
        intake::engine::inspect::rpm::tags::POSTIN,
        "systemctl daemon-reload\n",
    );
    s.epoch = Some(2);
    s.files.push(RpmFile::Ghost("/var/log/meridian.log".into()));
    let r = inspect_bytes(NAME, &s.build().unwrap());
    assert!(r.findings.is_empty(), "{:#?}", r.findings);
    let p = r.package.as_deref().unwrap();
    assert_eq!(p.version.as_deref(), Some("2:4.2.1-1.el9"));
    assert_eq!(p.scripts.len(), 1);
    assert_eq!(p.scripts[0].name, "%post (/bin/sh)");
    assert_eq!(p.scripts[0].text, b"systemctl daemon-reload\n");
    let ListedDigests::Compared { findings, .. } = &p.digests else {
        panic!("not compared");
    };
    assert!(
        findings.is_empty(),
        "a ghost is not in the payload: {findings:#?}"
    );
}
