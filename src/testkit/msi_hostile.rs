//! Hostile MSI packages for the bad-input tests and the fuzz seeds: a
//! real package from [`super::msi`] with one thing broken in its compound
//! file or its tables (a FAT chain that loops, a directory tree with a
//! cycle, a string pool longer than its data, a header claiming millions
//! of FAT sectors, a DigitalSignature holding DER with an absurd length);
//! and one input of the `msi` fuzz target.

use std::io::{Cursor, Read, Seek, SeekFrom, Write};

use cfb::CompoundFile;

use crate::engine::inspect::msi::guard::decoded_name;
use crate::engine::inspect::walk::walk_file;

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

fn put32(b: &mut [u8], at: usize, v: u32) {
    b[at..at + 4].copy_from_slice(&v.to_le_bytes());
}

fn sector_size(b: &[u8]) -> usize {
    1 << u16::from_le_bytes([b[30], b[31]])
}

/// Where sector `s` starts.
fn sector_at(b: &[u8], s: u32) -> usize {
    (s as usize + 1) * sector_size(b)
}

/// The FAT entry of sector `s` (the FAT's first sectors, from the header).
fn fat_entry_at(b: &[u8], s: u32) -> usize {
    let per = sector_size(b) / 4;
    let fat_sector = u32_at(b, 76 + (s as usize / per) * 4);
    sector_at(b, fat_sector) + (s as usize % per) * 4
}

/// The directory's first sector points back at itself: a chain that loops.
pub fn fat_loop(package: &[u8]) -> Vec<u8> {
    let mut b = package.to_vec();
    let dir = u32_at(&b, 48);
    let at = fat_entry_at(&b, dir);
    put32(&mut b, at, dir);
    b
}

/// The root's first child names itself as its right sibling: a cycle.
pub fn directory_cycle(package: &[u8]) -> Vec<u8> {
    let mut b = package.to_vec();
    let dir = sector_at(&b, u32_at(&b, 48));
    let child = u32_at(&b, dir + 76);
    let entry = dir + child as usize * 128;
    put32(&mut b, entry + 72, child);
    b
}

/// The header claims five million FAT sectors.
pub fn millions_of_fat_sectors(package: &[u8]) -> Vec<u8> {
    let mut b = package.to_vec();
    put32(&mut b, 44, 5_000_000);
    b
}

/// The string pool's first entry claims a 2 GiB string.
pub fn string_pool_longer_than_the_file(package: &[u8]) -> Vec<u8> {
    rewrite_stream(package, "!_StringPool", |pool| {
        pool[4..12].copy_from_slice(&[0, 0, 1, 0, 0xFF, 0xFF, 0xFF, 0x7F]);
    })
}

/// The DigitalSignature stream holds a SEQUENCE claiming 4 GiB.
pub fn absurd_der_length(signed: &[u8]) -> Vec<u8> {
    let mut comp = CompoundFile::open(Cursor::new(signed.to_vec())).unwrap();
    let mut s = comp.create_stream("\u{5}DigitalSignature").unwrap();
    s.write_all(&[0x30, 0x84, 0xFF, 0xFF, 0xFF, 0xFF, 0x06, 0x09])
        .unwrap();
    s.write_all(&[0x2a; 64]).unwrap();
    drop(s);
    comp.flush().unwrap();
    comp.into_inner().into_inner()
}

/// The root stream whose decoded name is `name`, changed by `change`.
fn rewrite_stream(package: &[u8], name: &str, change: impl FnOnce(&mut Vec<u8>)) -> Vec<u8> {
    let mut comp = CompoundFile::open(Cursor::new(package.to_vec())).unwrap();
    let path = comp
        .read_root_storage()
        .find(|e| decoded_name(&e.name().encode_utf16().collect::<Vec<u16>>()) == name)
        .map(|e| e.path().to_path_buf())
        .unwrap();
    let mut bytes = Vec::new();
    comp.open_stream(&path)
        .unwrap()
        .read_to_end(&mut bytes)
        .unwrap();
    change(&mut bytes);
    let mut s = comp.open_stream(&path).unwrap();
    s.seek(SeekFrom::Start(0)).unwrap();
    s.write_all(&bytes).unwrap();
    drop(s);
    comp.flush().unwrap();
    comp.into_inner().into_inner()
}

/// A Windows Installer package (`inspect::msi`), walked from the file as
/// a review walks it, and its Authenticode signature judged: the
/// signature held stays within the table limit and the scripts within
/// their streams' limits, whatever the compound file claims.
pub fn fuzz_one(data: &[u8]) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("artifact.msi");
    std::fs::write(&path, data).unwrap();
    let report = walk_file(&path, "artifact.msi", &super::fuzzing::limits());
    super::fuzzing::bounded(&report);
    if let Some(file) = &report.authenticode {
        super::fuzzing::judged_within_limits(file);
    }
    if let Some(package) = &report.package {
        for s in &package.scripts {
            assert!(
                s.size <= crate::engine::inspect::msi::actions::BINARY_MAX,
                "a custom action's code past its limit"
            );
        }
    }
}
