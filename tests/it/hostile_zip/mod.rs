//! Issue 10, zip read from both ends with every byte accounted for: one
//! test per class of zip that two readers could read as two archives, each
//! built from exact bytes ([`ZipLayout`]) and reviewed through the real
//! review. Where the tools operators unpack with are installed (Info-ZIP
//! `unzip`/`zipinfo`, Python's `zipfile`, `bsdtar`), each test also shows
//! that one of them reads the refused archive differently from a plain one.

use intake::engine::shared::check::Status;
use intake::testkit::hostile_zip::{
    EndFields, Member, Zip64End, ZipLayout, extra_field, zip64_field,
};

mod entries;
mod readers;

use crate::archives::{assert_finding, review_archive};
use crate::support::safety;
use readers::{info_zip, python, read_differently, run_tool, streaming};

/// Reviews zip bytes and returns the `archive.safety` check.
fn reviewed(bytes: &[u8]) -> intake::engine::shared::check::Check {
    safety(&review_archive("m.zip", bytes.to_vec(), None)).clone()
}

/// A plain two-entry archive, the starting point of every case.
fn plain() -> ZipLayout {
    ZipLayout::of(vec![
        Member::new("m/readme.txt", b"hello operators"),
        Member::new("m/bin/tool", &b"tool ".repeat(40)),
    ])
}

// ---- hidden data -----------------------------------------------------------

#[test]
fn bytes_between_the_directory_and_the_end_records_fail() {
    let mut layout = plain();
    layout.after_directory = b"HIDDEN!!".to_vec();
    let built = layout.finish();
    let directory_end = built.directory + built.directory_len;
    assert_finding(
        &reviewed(&built.bytes),
        Status::Fail,
        "(central directory)",
        &format!(
            "bytes {directory_end}..{} between the central directory and the end record belong to nothing",
            directory_end + 8
        ),
    );
    // Both shift every offset by the 8 bytes and find no directory there.
    read_differently(python, &built.bytes);
    read_differently(info_zip, &built.bytes);

    // Between the zip64 end record and its locator.
    let mut layout = plain();
    layout.zip64 = Some(Zip64End {
        gap: b"HIDDEN!!".to_vec(),
        sentinels: true,
        ..Zip64End::default()
    });
    let built = layout.finish();
    let at = built.zip64.unwrap();
    assert_finding(
        &reviewed(&built.bytes),
        Status::Fail,
        "(end record)",
        &format!(
            "the zip64 end record at offset {at} does not end where its locator starts (offset {})",
            at + 56 + 8
        ),
    );
    // Python reads the record from the 56 bytes before the locator.
    read_differently(python, &built.bytes);
}

#[test]
fn bytes_before_between_and_inside_entries_fail() {
    // A second archive's entry in front of the first local header.
    let second = ZipLayout::of(vec![Member::new("m/other", b"another archive")]);
    let mut layout = plain();
    layout.prefix = second.finish().bytes;
    let prefix = layout.prefix.len();
    let built = layout.finish();
    assert_finding(
        &reviewed(&built.bytes),
        Status::Fail,
        "m/readme.txt",
        &format!(
            "the archive starts with {prefix} bytes before its first local header (offset {prefix})"
        ),
    );
    // A reader that streams from the first byte reads the other archive.
    read_differently(streaming, &built.bytes);

    // A gap between two entries, and bytes hidden after a deflate stream.
    let mut layout = plain();
    layout.members[1].gap_before = b"GAP!".to_vec();
    layout.members[0].trailing = b"TAIL".to_vec();
    let built = layout.finish();
    let second_at = built.local[1];
    let check = reviewed(&built.bytes);
    assert_finding(
        &check,
        Status::Fail,
        "m/bin/tool",
        &format!(
            "bytes {}..{second_at} before its local header belong to no entry",
            second_at - 4
        ),
    );
    assert_finding(
        &check,
        Status::Fail,
        "m/readme.txt",
        &format!(
            "bytes {}..{} of its compressed data come after the end of its deflate stream",
            second_at - 8,
            second_at - 4
        ),
    );

    // An entry whose compressed size runs into the central directory.
    let mut layout = plain();
    layout.members[1].deflate = false;
    layout.members[1].sizes = Some((210, 210));
    let built = layout.finish();
    assert_finding(
        &reviewed(&built.bytes),
        Status::Fail,
        "m/bin/tool",
        &format!(
            "runs 10 bytes into the central directory at offset {}",
            built.directory
        ),
    );
}

#[test]
fn overlapping_entries_name_the_offset() {
    let mut layout = plain();
    layout.members[1].offset = Some(0);
    let built = layout.finish();
    assert_finding(
        &reviewed(&built.bytes),
        Status::Fail,
        "m/bin/tool",
        "its data overlaps m/readme.txt: its local header (offset 0)",
    );
}

// ---- comments --------------------------------------------------------------

#[test]
fn comments_that_are_not_plain_text_fail() {
    let mut layout = plain();
    layout.comment = b"Release 4.2.1\x1b]0;approved\x07".to_vec();
    let built = layout.finish();
    assert_finding(
        &reviewed(&built.bytes),
        Status::Fail,
        "(end record)",
        &format!(
            "the archive comment holds the control character U+001B (offset {})",
            built.end + 22 + 13
        ),
    );
    // Info-ZIP prints the comment: the BEL that ends the sequence reaches
    // the terminal raw.
    if let Some(Ok(listing)) = run_tool("unzip", &["-l"], &built.bytes, false) {
        assert!(listing.iter().any(|l| l.contains('\x07')), "{listing:?}");
    }

    for (comment, what) in [
        (&b"see PK\x03\x04 here"[..], "a zip local header"),
        (b"plain ustar text", "a tar header"),
        (b"MZ stub", "a Windows executable"),
        (b"\x7fELF", "an ELF executable"),
        (b"\x1f\x8b\x08", "a gzip stream"),
    ] {
        let mut layout = plain();
        layout.comment = comment.to_vec();
        let built = layout.finish();
        assert_finding(
            &reviewed(&built.bytes),
            Status::Fail,
            "(end record)",
            &format!("the archive comment holds the signature of {what}"),
        );
    }
    let mut layout = plain();
    layout.comment = b"caf\xe9".to_vec();
    assert_finding(
        &reviewed(&layout.finish().bytes),
        Status::Fail,
        "(end record)",
        "the archive comment is not UTF-8 text",
    );
    // An entry's own comment is held to the same rule.
    let mut layout = plain();
    layout.members[0].comment = b"\x1b[2J".to_vec();
    assert_finding(
        &reviewed(&layout.finish().bytes),
        Status::Fail,
        "m/readme.txt",
        "its comment holds the control character U+001B",
    );
    // Plain text passes.
    let mut layout = plain();
    layout.comment = b"Release 4.2.1\r\n\tbuilt 2026-03-02".to_vec();
    let check = reviewed(&layout.finish().bytes);
    assert!(
        check.findings.iter().all(|f| f.status != Status::Fail),
        "{check:#?}"
    );
}

// ---- the end records -------------------------------------------------------

#[test]
fn end_record_counts_that_disagree_with_the_directory_fail() {
    let mut layout = plain();
    layout.end = EndFields {
        disk_entries: Some(1),
        entries: Some(1),
        ..EndFields::default()
    };
    let built = layout.finish();
    let check = reviewed(&built.bytes);
    assert_finding(
        &check,
        Status::Fail,
        "(central directory)",
        &format!(
            "the end record counts 1 entries, but the directory's {} bytes at offset {} hold 2 records",
            built.directory_len, built.directory
        ),
    );
    // Info-ZIP reads one entry by the count, warning; Python reads both by the size.
    read_differently(info_zip, &built.bytes);

    let mut layout = plain();
    layout.end.disk_entries = Some(1);
    assert_finding(
        &reviewed(&layout.finish().bytes),
        Status::Fail,
        "(end record)",
        "it counts 1 entries on this disk but 2 in all",
    );
    // A count of 65535 entries in a few bytes allocates nothing.
    let mut layout = plain();
    layout.end.entries = Some(0xFFFE);
    layout.end.disk_entries = Some(0xFFFE);
    assert_finding(
        &reviewed(&layout.finish().bytes),
        Status::Fail,
        "(central directory)",
        "the end record counts 65534 entries",
    );
}

#[test]
fn more_than_one_end_record_or_bytes_after_it_fail() {
    // A stored entry whose content is an end record that also reaches the end.
    let fake = |comment_len: u16| {
        let mut b = b"PK\x05\x06".to_vec();
        b.extend_from_slice(&[0u8; 16]);
        b.extend_from_slice(&comment_len.to_le_bytes());
        b
    };
    let mut layout = plain();
    layout.members[1] = Member::new("m/bin/tool", &fake(0));
    layout.members[1].deflate = false;
    let built = layout.finish();
    let fake_at = built.local[1] + 30 + 10;
    let reach = built.bytes.len() as u64 - fake_at - 22;
    layout.members[1].data = fake(reach as u16);
    let built = layout.finish();
    assert_finding(
        &reviewed(&built.bytes),
        Status::Fail,
        "(end record)",
        &format!(
            "a second end record at offset {fake_at} also reaches the end of the file (the one read is at offset {})",
            built.end
        ),
    );

    let mut layout = plain();
    layout.trailer = b"appended".to_vec();
    let built = layout.finish();
    let after = built.end + 22;
    assert_finding(
        &reviewed(&built.bytes),
        Status::Fail,
        "(end record)",
        &format!(
            "bytes {after}..{} after the end record and its comment",
            after + 8
        ),
    );

    let mut layout = plain();
    layout.comment = b"short".to_vec();
    layout.end.comment_len = Some(40);
    assert_finding(
        &reviewed(&layout.finish().bytes),
        Status::Fail,
        "(end record)",
        "its comment length runs 35 bytes past the end of the file",
    );
}

#[test]
fn zip64_records_that_disagree_with_the_end_record_or_the_header_fail() {
    // The zip64 end record counts 3 entries, the end record 2: Python takes 3.
    let mut layout = plain();
    layout.zip64 = Some(Zip64End {
        entries: Some(3),
        ..Zip64End::default()
    });
    let built = layout.finish();
    let at = built.zip64.unwrap();
    assert_finding(
        &reviewed(&built.bytes),
        Status::Fail,
        "(end record)",
        &format!(
            "the end record gives the total entry count as 2, the zip64 end record (offset {at}) as 3"
        ),
    );
    read_differently(info_zip, &built.bytes);
    // A locator that says the archive spans disks.
    let mut layout = plain();
    layout.zip64 = Some(Zip64End {
        disks: Some(2),
        sentinels: true,
        ..Zip64End::default()
    });
    let built = layout.finish();
    assert_finding(
        &reviewed(&built.bytes),
        Status::Fail,
        "(end record)",
        "says the archive spans 2 disks",
    );
    read_differently(python, &built.bytes);

    // A claimed count of 2^32 entries is refused before anything is read.
    let mut layout = plain();
    layout.zip64 = Some(Zip64End {
        entries: Some(1 << 32),
        sentinels: true,
        ..Zip64End::default()
    });
    let review = review_archive("m.zip", layout.finish().bytes, None);
    assert_finding(
        safety(&review),
        Status::Fail,
        "(central directory)",
        "the central directory claims 4294967296 entries",
    );

    // An entry's zip64 field with a size its 32-bit field does not mark.
    let mut layout = plain();
    layout.members[0].central_extra = zip64_field(&[5_000_000_000]);
    assert_finding(
        &reviewed(&layout.finish().bytes),
        Status::Fail,
        "m/readme.txt",
        "its zip64 extra field holds 8 bytes where the fields marked 0xFFFFFFFF need 0",
    );
    // A marked size with no value for it (Python refuses the archive).
    let mut layout = plain();
    let compressed = layout.finish().local[1] as u32 - 30 - 12;
    layout.members[0].sizes = Some((compressed, 0xFFFF_FFFF));
    layout.members[0].central_extra = extra_field(0x0001, b"");
    let built = layout.finish();
    assert_finding(
        &reviewed(&built.bytes),
        Status::Fail,
        "m/readme.txt",
        "its size is marked as stored in the zip64 extra field, which does not hold it",
    );
    read_differently(python, &built.bytes);
    // A malformed extra block.
    let mut layout = plain();
    layout.members[0].central_extra = vec![0x55, 0x54, 9, 0, 1];
    assert_finding(
        &reviewed(&layout.finish().bytes),
        Status::Fail,
        "m/readme.txt",
        "extra field 0x5455 claims 9 bytes but only 1 remain",
    );
}
