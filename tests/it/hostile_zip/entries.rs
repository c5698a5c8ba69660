//! The entry records of issue 10's zip cases: folders that carry data,
//! Unicode Path fields that rename, disks and name encodings, CRCs and
//! data descriptors that disagree with the directory.

use intake::engine::shared::check::Status;
use intake::testkit::hostile_zip::{Member, unicode_path};

use super::readers::{info_zip, python, python_testzip, read_differently};
use super::{plain, reviewed};
use crate::archives::assert_finding;

// ---- entries ---------------------------------------------------------------

#[test]
fn a_folder_entry_that_carries_data_fails() {
    let mut folder = Member::new("m/etc/", b"payload");
    folder.unix_mode = 0o040755;
    let mut layout = plain();
    layout.members.insert(0, folder);
    assert_finding(
        &reviewed(&layout.finish().bytes),
        Status::Fail,
        "m/etc/",
        "a folder entry (its name ends in `/`) that carries 7 bytes",
    );
    // A folder by its mode whose name says file: Info-ZIP and Python write a file.
    let mut folder = Member::new("m/etc", b"");
    folder.unix_mode = 0o040755;
    let mut layout = plain();
    layout.members.insert(0, folder);
    assert_finding(
        &reviewed(&layout.finish().bytes),
        Status::Fail,
        "m/etc",
        "its Unix mode says folder but its name does not end in `/`",
    );
}

#[test]
fn a_unicode_path_field_that_renames_the_entry_fails() {
    let mut layout = plain();
    layout.members[0].central_extra = unicode_path(b"m/readme.txt", "../evil.txt");
    let built = layout.finish();
    let check = reviewed(&built.bytes);
    assert_finding(
        &check,
        Status::Fail,
        "m/readme.txt",
        "its Info-ZIP Unicode Path extra field names it ../evil.txt",
    );
    assert_finding(
        &check,
        Status::Fail,
        "m/readme.txt",
        "the name in its Unicode Path extra field: a `..` component",
    );
    // Info-ZIP lists the Unicode name, Python the header's.
    read_differently(info_zip, &built.bytes);

    // The same field in the local header only.
    let mut layout = plain();
    layout.members[0].local_extra = unicode_path(b"m/readme.txt", "m/other.txt");
    assert_finding(
        &reviewed(&layout.finish().bytes),
        Status::Fail,
        "m/readme.txt",
        "the Unicode Path extra field of its local header (offset 0) names it m/other.txt",
    );
}

#[test]
fn disks_and_name_encodings_read_two_ways_fail() {
    let mut layout = plain();
    layout.end.disk = Some(1);
    let built = layout.finish();
    assert_finding(
        &reviewed(&built.bytes),
        Status::Fail,
        "(end record)",
        &format!(
            "it says this is disk 1 and the directory starts on disk 0 (offset {})",
            built.end
        ),
    );
    read_differently(info_zip, &built.bytes);

    let mut layout = plain();
    layout.members[1].disk = 2;
    assert_finding(
        &reviewed(&layout.finish().bytes),
        Status::Fail,
        "m/bin/tool",
        "puts its local header on disk 2",
    );

    // Not ASCII and not marked UTF-8: Python decodes CP437, Info-ZIP keeps the bytes.
    let mut layout = plain();
    layout.members[0] = Member::raw("m/caf\u{e9}.txt".as_bytes(), b"x");
    let built = layout.finish();
    assert_finding(
        &reviewed(&built.bytes),
        Status::Fail,
        "m/caf\u{e9}.txt",
        "its name is not ASCII and not marked UTF-8 (flag bit 11)",
    );
    if let (Some(Ok(p)), Some(Ok(i))) = (python(&built.bytes), info_zip(&built.bytes)) {
        assert_ne!(p, i, "Python and Info-ZIP read the same names");
    }

    // The local header and the directory disagree on bit 11.
    let mut layout = plain();
    layout.members[0] = Member::raw("m/caf\u{e9}.txt".as_bytes(), b"x");
    layout.members[0].flags = 0x0800;
    layout.members[0].local_flags = Some(0);
    assert_finding(
        &reviewed(&layout.finish().bytes),
        Status::Fail,
        "m/caf\u{e9}.txt",
        "the local header (offset 0) and the central directory disagree on whether its name is UTF-8",
    );
}

#[test]
fn content_descriptors_and_crcs_that_disagree_fail() {
    // A CRC in both headers that the content does not have.
    let mut layout = plain();
    layout.members[0].crc = Some(0x1234_5678);
    assert_finding(
        &reviewed(&layout.finish().bytes),
        Status::Fail,
        "m/readme.txt",
        "does not match the central directory (15 bytes, CRC 12345678)",
    );
    read_differently(python_testzip, &layout.finish().bytes);

    // A data descriptor whose CRC differs from the directory's.
    let mut layout = plain();
    layout.members[0].flags = 0x0008;
    let mut descriptor = b"PK\x07\x08".to_vec();
    descriptor.extend_from_slice(&0xDEAD_BEEFu32.to_le_bytes());
    let sizes = layout.finish().local[1] as u32 - 30 - 12;
    descriptor.extend_from_slice(&sizes.to_le_bytes());
    descriptor.extend_from_slice(&15u32.to_le_bytes());
    layout.members[1].gap_before = descriptor;
    assert_finding(
        &reviewed(&layout.finish().bytes),
        Status::Fail,
        "m/readme.txt",
        "its data descriptor disagrees with the central directory",
    );
}
