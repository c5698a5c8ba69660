//! v6 packages (and v4 ones with LONGFILESIZES): rpm writes their payload
//! as stripped entries (`07070X`, the file's index in the header and its
//! content), and lists the uncompressed payload's digest
//! (`PAYLOADDIGESTALT`) beside the compressed one's. intake takes each
//! stripped entry's name, mode and link target from the header, hashes
//! its content against `FILEDIGESTS`, and refuses what rpm would read
//! differently.

use intake::engine::inspect::compress::Codec;
use intake::engine::inspect::rpm::tags;
use intake::engine::shared::check::{CheckId, Status};
use intake::testkit::keys::SignSpec;
use intake::testkit::rpm::{Parts, RpmSpec, assemble, cpio_entry};

use super::checks::review_of;
use super::{NAME, assert_fails, spec};
use crate::archives::assert_finding;
use crate::support::*;

fn v6() -> RpmSpec {
    let mut s = spec();
    s.v6 = true;
    s
}

/// A v6 package of `s` whose payload is `cpio` (uncompressed), its header
/// made for `s`'s own payload.
fn with_stripped_cpio(s: &RpmSpec, cpio: &[u8]) -> Vec<u8> {
    let mut s = s.clone();
    s.codec = None;
    let parts = s.parts().unwrap();
    let parts = Parts {
        payload: cpio.to_vec(),
        ..parts
    };
    assemble(&parts, &[])
}

#[test]
fn a_v6_package_reads_into_the_same_entries_as_a_v4_one() {
    let v4 = inspect_bytes(NAME, &spec().build().unwrap());
    for codec in [None, Some(Codec::Xz), Some(Codec::Zstd)] {
        let mut s = v6();
        s.codec = codec;
        let bytes = s.build().unwrap();
        let r = inspect_bytes(NAME, &bytes);
        assert!(r.findings.is_empty(), "{codec:?}: {:#?}", r.findings);
        assert_eq!(r.entries, v4.entries, "{codec:?}");
        let p = r.package.as_deref().unwrap();
        assert_eq!(p.metadata, "the RPM v6 header");
        let alt = p
            .integrity
            .iter()
            .find(|i| i.what.contains("PAYLOADDIGESTALT"))
            .expect("the uncompressed payload digest is checked");
        assert!(alt.outcome.is_ok(), "{codec:?}: {alt:?}");
    }
}

#[test]
fn a_signed_v6_package_passes_signature_and_digests() {
    let s = v6();
    let r = review_of(&s, s.signed(vendor(), SignSpec::at(signed())).unwrap());
    assert_status(&r, CheckId::PackageSignature, Status::Pass);
    let c = assert_status(&r, CheckId::PackageDigests, Status::Pass);
    let key = format!(
        "uncompressed payload digest PAYLOADDIGESTALT (tag {})",
        tags::PAYLOADDIGESTALT
    );
    assert!(c.evidence[&key].starts_with("agrees: "), "{c:#?}");
}

#[test]
fn an_altered_stripped_payload_fails_both_payload_digests_and_the_file() {
    let s = v6();
    let mut cpio = s.cpio();
    // The first file's content starts after its 16-byte stripped header.
    cpio[16 + 100] ^= 0xff;
    let r = review_of(&s, with_stripped_cpio(&s, &cpio));
    let c = assert_status(&r, CheckId::PackageDigests, Status::Fail);
    let alt = format!(
        "uncompressed payload digest PAYLOADDIGESTALT (tag {})",
        tags::PAYLOADDIGESTALT
    );
    assert!(c.evidence[&alt].starts_with("FAILS"), "{c:#?}");
    assert_finding(
        c,
        Status::Fail,
        "/usr/bin/meridian",
        "the file is not the one the header lists",
    );
}

#[test]
fn a_stripped_entry_naming_no_listed_file_is_refused() {
    let s = v6();
    let mut cpio = s.cpio();
    cpio[6..14].copy_from_slice(b"000000ff");
    let r = inspect_bytes(NAME, &with_stripped_cpio(&s, &cpio));
    assert_fails(&r, "entry 1", &["file 000000ff", "no such file", "refused"]);
    let mut cpio = s.cpio();
    cpio[6..14].copy_from_slice(b"+0000001");
    let r = inspect_bytes(NAME, &with_stripped_cpio(&s, &cpio));
    assert_fails(&r, "entry 1", &["no such file"]);
}

#[test]
fn newc_entries_among_stripped_ones_are_refused() {
    let s = v6();
    let mut cpio = s.cpio();
    let trailer = cpio.len() - 124;
    cpio.truncate(trailer);
    cpio_entry(
        &mut cpio,
        "./usr/bin/extra",
        99,
        0o100755,
        1,
        b"#!/bin/sh\n",
    );
    cpio_entry(&mut cpio, "TRAILER!!!", 0, 0, 1, &[]);
    let r = inspect_bytes(NAME, &with_stripped_cpio(&s, &cpio));
    assert_fails(&r, "entry", &["`newc` entry", "stripped", "refused"]);
}

#[test]
fn a_stripped_symlink_target_that_disagrees_with_the_header_fails() {
    let s = v6();
    let mut cpio = s.cpio();
    // The symlink is the last file; its target (`meridian`) ends the data
    // before the trailer's 124 bytes.
    let at = cpio.len() - 124 - 8;
    assert_eq!(&cpio[at..at + 8], b"meridian");
    cpio[at..at + 8].copy_from_slice(b"/bin/ssh");
    let r = review_of(&s, with_stripped_cpio(&s, &cpio));
    let c = assert_status(&r, CheckId::PackageDigests, Status::Fail);
    assert_finding(
        c,
        Status::Fail,
        "/usr/bin/meridian-server",
        "rpm creates the header's",
    );
}
