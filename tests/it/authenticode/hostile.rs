//! Hostile PE images: each is a finding or a clear refusal naming the
//! offset, never a panic, and never an allocation or a loop sized by what
//! the file claims. One test per kind of bad input.

use std::time::{Duration, Instant};

use intake::engine::shared::check::{CheckId, Status};
use intake::testkit::authenticode::{self as ac, der_tlv};
use intake::testkit::pe;

use super::{parties, pe_feed, says};
use crate::support::*;

fn unpinned_review(bytes: Vec<u8>) -> intake::engine::review::Review {
    review(&pe_feed(bytes, &[], &[]))
}

#[test]
fn a_section_past_the_end_of_the_file_is_a_finding_naming_its_offset() {
    let mut bytes = pe::small(64);
    let h = pe::section_header_at(64, 1);
    pe::put32(&mut bytes, h + 16, 0x10_0000); // raw size: 1 MiB
    let r = unpinned_review(bytes);
    let s = assert_status(&r, CheckId::ArchiveSafety, Status::Fail);
    says(
        s,
        "section `.rdata` claims 1048576 bytes, past the end of the image data",
    );
    says(s, "at offset 1024");
}

#[test]
fn a_section_table_running_past_the_file_is_refused_naming_the_offset() {
    let mut bytes = pe::small(64);
    pe::put16(&mut bytes, pe::COFF_AT + 2, 90); // 90 sections: a table past the headers
    bytes.truncate(0x200 + 0x100);
    let r = unpinned_review(bytes);
    let s = assert_status(&r, CheckId::ArchiveSafety, Status::Fail);
    says(s, "the file ends inside the PE headers");
    says(
        assert_status(&r, CheckId::AuthenticodeSignature, Status::Fail),
        "could not be read",
    );
}

#[test]
fn overlapping_sections_are_a_finding() {
    let mut bytes = pe::small(64);
    let h = pe::section_header_at(64, 1);
    pe::put32(&mut bytes, h + 20, 0x300); // .rdata starts inside .text
    let r = unpinned_review(bytes);
    let s = assert_status(&r, CheckId::ArchiveSafety, Status::Fail);
    says(
        s,
        "sections `.text` (512 bytes at 512) and `.rdata` overlap",
    );
}

#[test]
fn a_certificate_table_of_two_gib_is_refused_without_reading_it() {
    let p = parties();
    let mut bytes = ac::sign(&pe::small(64), &p.vendor, None);
    let dir = pe::certificate_directory_at(64);
    pe::put32(&mut bytes, dir + 4, 1 << 31);
    let started = Instant::now();
    let r = unpinned_review(bytes);
    assert!(started.elapsed() < Duration::from_secs(10));
    let s = assert_status(&r, CheckId::AuthenticodeSignature, Status::Fail);
    says(s, "claims 2147483648 bytes: more than the");
}

#[test]
fn a_win_certificate_shorter_than_its_header_is_refused_naming_its_offset() {
    let image = pe::small(64);
    let at = image.len();
    let mut bytes = ac::append_signature(&image, &der_tlv(0x30, &[0; 16]));
    pe::put32(&mut bytes, at, 4); // dwLength 4 < 8
    let r = unpinned_review(bytes);
    let s = assert_status(&r, CheckId::AuthenticodeSignature, Status::Fail);
    says(
        s,
        &format!(
            "the WIN_CERTIFICATE at offset {at} gives its length as 4, smaller than its own 8-byte header"
        ),
    );
}

#[test]
fn der_with_indefinite_or_absurd_lengths_fails_the_signature() {
    let image = pe::small(64);
    for body in [
        vec![0x30, 0x80, 0x06, 0x01, 0x00, 0x00, 0x00, 0, 0, 0, 0, 0],
        vec![0x30, 0x84, 0x7f, 0xff, 0xff, 0xff, 0x06, 0x01, 0, 0, 0, 0],
        vec![0x30, 0x89, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0],
    ] {
        let r = unpinned_review(ac::append_signature(&image, &body));
        let s = assert_status(&r, CheckId::AuthenticodeSignature, Status::Fail);
        says(s, "not a DER SEQUENCE with a definite length");
    }
    // A definite length inside that lies past its parent is refused by the
    // DER reader, naming what it could not read.
    let inner = [0x06, 0x7f, 0x2a];
    let r = unpinned_review(ac::append_signature(&image, &der_tlv(0x30, &inner)));
    says(
        assert_status(&r, CheckId::AuthenticodeSignature, Status::Fail),
        "not a PKCS#7 ContentInfo",
    );
}

#[test]
fn a_pkcs7_nested_ten_thousand_deep_fails_quickly_without_recursing() {
    let mut nested = vec![0x05, 0x00];
    for _ in 0..10_000 {
        nested = der_tlv(0x30, &nested);
    }
    let signed_data_oid = [
        0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02,
    ];
    let mut info = signed_data_oid.to_vec();
    info.extend(der_tlv(0xa0, &nested));
    let started = Instant::now();
    let r = unpinned_review(ac::append_signature(&pe::small(64), &der_tlv(0x30, &info)));
    assert!(started.elapsed() < Duration::from_secs(10));
    says(
        assert_status(&r, CheckId::AuthenticodeSignature, Status::Fail),
        "the SignedData",
    );
}
