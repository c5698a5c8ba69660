//! Hostile MSI packages: each is a failing check naming the offset or
//! the part, never a panic, never unbounded memory or time (each review
//! here finishes in well under a second).

use std::time::{Duration, Instant};

use intake::engine::review::Review;
use intake::engine::shared::check::{CheckId, Status};
use intake::testkit::msi as msi_kit;
use intake::testkit::msi_hostile as hostile;

use super::msi::{msi_review, unsigned};
use super::parties;

fn signed() -> Vec<u8> {
    let p = parties();
    msi_kit::sign(&unsigned(), &p.vendor, Some(&p.stamp()))
}

/// A package the msi fuzz target found, from `tests/fuzz-regressions/msi/`.
fn regression(name: &str) -> Vec<u8> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-regressions/msi");
    std::fs::read(dir.join(name)).unwrap()
}

/// Reviews `bytes`, quickly, and asserts some check fails saying `words`.
#[track_caller]
fn fails_saying(bytes: Vec<u8>, words: &str) -> Review {
    let started = Instant::now();
    let r = msi_review(&parties(), bytes);
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "took {:?}",
        started.elapsed()
    );
    let found = r.checks.iter().any(|c| {
        c.status == Status::Fail
            && (c.summary.contains(words) || c.findings.iter().any(|f| f.summary.contains(words)))
    });
    assert!(found, "no failing check says `{words}`: {:#?}", r.checks);
    r
}

#[test]
fn a_fat_chain_that_loops_is_named_by_its_sector_and_offset() {
    let r = fails_saying(
        hostile::fat_loop(&signed()),
        "is used twice (a chain that loops",
    );
    let s = r.check(CheckId::AuthenticodeSignature).unwrap();
    assert_eq!(s.status, Status::Fail);
    assert!(s.summary.contains("the directory: sector"), "{s:#?}");
}

#[test]
fn a_directory_tree_with_a_cycle_is_refused() {
    fails_saying(
        hostile::directory_cycle(&signed()),
        "the directory tree has a cycle",
    );
}

#[test]
fn a_header_claiming_millions_of_fat_sectors_is_refused_at_its_offset() {
    fails_saying(
        hostile::millions_of_fat_sectors(&signed()),
        "at offset 44: the header claims 5000000 FAT sectors",
    );
}

#[test]
fn a_string_pool_longer_than_its_data_is_refused_before_any_allocation() {
    let r = fails_saying(
        hostile::string_pool_longer_than_the_file(&signed()),
        "a string pool longer than its data",
    );
    // The signature is still judged: the pool changed after signing.
    let s = r.check(CheckId::AuthenticodeSignature).unwrap();
    assert!(s.summary.contains("digest mismatch"), "{s:#?}");
}

#[test]
fn a_digital_signature_with_an_absurd_der_length_fails_saying_so() {
    let r = fails_saying(
        hostile::absurd_der_length(&signed()),
        "not a PKCS#7 ContentInfo",
    );
    // What the package installs is still listed.
    assert_eq!(r.manifest.len(), 2);
}

#[test]
fn a_thousand_seeded_mutations_of_signed_packages_are_walked_without_a_panic() {
    let p = parties();
    let mut plain = intake::testkit::msi::MsiSpec::connector("4.2.1");
    plain.compression = cab::CompressionType::None;
    let goods = [
        signed(),
        msi_kit::sign(&msi_kit::build(&plain), &p.vendor, Some(&p.stamp())),
    ];
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut failed = Vec::new();
    for round in 0..1_000 {
        let mut bytes = goods[round % 2].clone();
        for _ in 0..1 + next() % 8 {
            let at = (next() % bytes.len() as u64) as usize;
            bytes[at] = next() as u8;
        }
        if std::panic::catch_unwind(|| intake::testkit::fuzzing::msi(&bytes)).is_err() {
            failed.push(round);
        }
    }
    assert!(failed.is_empty(), "mutations that panic: {failed:?}");
}

#[test]
fn custom_actions_naming_one_large_binary_are_read_within_a_budget() {
    let p = parties();
    let mut spec = intake::testkit::msi::MsiSpec::connector("4.2.1");
    spec.binaries = vec![("big".into(), vec![0x90; 10 << 20])];
    spec.actions = (0..10)
        .map(|i| intake::testkit::msi::MsiAction {
            name: format!("Run{i}"),
            kind: 1,
            source: "big".into(),
            target: "Go".into(),
        })
        .collect();
    let started = Instant::now();
    let r = msi_review(&p, msi_kit::sign(&msi_kit::build(&spec), &p.vendor, None));
    assert!(started.elapsed() < Duration::from_secs(30));
    let scripts = &r.package.as_ref().unwrap().scripts;
    assert_eq!(scripts.len(), 10);
    let read = scripts.iter().filter(|s| s.size == 10 << 20).count();
    assert_eq!(read, 6, "64 MiB read at most: six of the ten");
    let last = String::from_utf8_lossy(&scripts[9].text).into_owned();
    assert!(
        last.contains("more than the 4194304 bytes intake reads"),
        "{last}"
    );
}

#[test]
fn a_table_name_the_string_pool_does_not_hold_is_refused_before_the_tables_are_read() {
    // The msi fuzz target's second finding: a `_Tables` row naming string
    // 0 stopped the table reader with a panic.
    let bytes = regression("table-name-not-in-the-string-pool");
    fails_saying(bytes, "of `_Tables` names string");
}

#[test]
fn a_column_without_its_number_is_refused_before_the_tables_are_read() {
    // The msi fuzz target's third finding: a `_Columns` row with a null
    // cell stopped the table reader with a panic.
    let bytes = regression("column-without-its-number");
    fails_saying(bytes, "of `_Columns`");
}

#[test]
fn a_validation_row_without_its_nullable_flag_is_refused_before_the_tables_are_read() {
    // The msi fuzz target's fourth finding: a `_Validation` row with a
    // null Nullable cell stopped the table reader with a panic.
    let bytes = regression("validation-without-nullable");
    fails_saying(bytes, "of `_Validation`");
}

#[test]
fn a_cabinet_file_past_its_folders_data_is_refused_before_the_cab_crate_reads_it() {
    // The msi fuzz target's fifth finding: a cabinet listing a file
    // beyond the data its folder's blocks hold stopped the cab crate with
    // a panic (caught in a review, an abort under the fuzzer).
    let bytes = regression("file-past-its-folder.msi");
    let r = msi_review(&parties(), bytes);
    let said = format!("{:?}", r.checks);
    assert!(said.contains("runs past the"), "{said}");
    assert!(!said.contains("gave up on it"), "{said}");
}
