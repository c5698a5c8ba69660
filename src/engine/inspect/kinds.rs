//! Every kind of artifact intake can look inside, and how one is told from
//! its name and from its bytes. A kind is one module implementing
//! [`Kind`] (see [`super::kind`]); adding one means writing that module
//! and listing it in [`KINDS`].

use crate::engine::shared::check::{Finding, Status};

use super::compress::{TAR_BZ2, TAR_GZ, TAR_XZ, TAR_ZST};
use super::deb::DEB;
use super::kind::Kind;
use super::msi::MSI;
use super::oci::OCI;
use super::pe::PE;
use super::report::{ArchiveReport, NOT_AN_ARCHIVE};
use super::rpm::RPM;
use super::tar::TAR;
use super::zip::ZIP;

/// Every kind, in the order their bytes are tried: the ones with a magic
/// number first, tar (a header checksum, no magic in old archives) last.
pub static KINDS: &[&dyn Kind] = &[
    &DEB, &RPM, &PE, &MSI, &ZIP, &TAR_GZ, &TAR_XZ, &TAR_ZST, &TAR_BZ2, &OCI, &TAR,
];

/// The kind a file name promises (the longest matching ending wins, so
/// `.tar.gz` is not taken for `.gz`).
pub fn by_name(name: &str) -> Option<&'static dyn Kind> {
    let lower = name.to_ascii_lowercase();
    KINDS
        .iter()
        .flat_map(|kind| kind.suffixes().iter().map(move |s| (*kind, *s)))
        .filter(|(_, suffix)| lower.ends_with(suffix))
        .max_by_key(|(_, suffix)| suffix.len())
        .map(|(kind, _)| kind)
}

/// The kind the first bytes show.
pub fn by_bytes(head: &[u8]) -> Option<&'static dyn Kind> {
    KINDS.iter().copied().find(|kind| kind.recognises(head))
}

/// How a kind (or no kind) reads in a sentence.
pub fn describe(kind: Option<&dyn Kind>) -> &'static str {
    kind.map_or("a single file (not an archive)", |k| k.describe())
}

/// How the kind a report names reads in a sentence.
pub fn describe_named(name: &str) -> &'static str {
    describe(KINDS.iter().copied().find(|k| k.name() == name))
}

/// The report's name for a kind (or for bytes of no kind).
pub fn name_of(kind: Option<&dyn Kind>) -> &'static str {
    kind.map_or(NOT_AN_ARCHIVE, |k| k.name())
}

/// A name that promises one kind over bytes of another is a finding: a
/// failure when the name promises an archive, a warning when an archive
/// comes under a plain name.
pub fn name_mismatch(report: &mut ArchiveReport, named: Option<&dyn Kind>) {
    let named_as = name_of(named);
    if named_as == report.kind || super::oci::named_fits(named_as, report.kind) {
        return;
    }
    let status = if named.is_none() {
        Status::Warn
    } else {
        Status::Fail
    };
    report.findings.push(Finding::new(
        status,
        "(artifact name)",
        format!(
            "the file name says {}, but the bytes are {}",
            describe(named),
            describe_named(report.kind)
        ),
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_longest_ending_names_the_kind() {
        let named = |n: &str| by_name(n).map(|k| k.name());
        assert_eq!(named("a-1.0.tar.gz"), Some("tar.gz"));
        assert_eq!(named("A-1.0.TGZ"), Some("tar.gz"));
        assert_eq!(named("a-1.0.tar.xz"), Some("tar.xz"));
        assert_eq!(named("a.txz"), Some("tar.xz"));
        assert_eq!(named("a-1.0.tar.zst"), Some("tar.zst"));
        assert_eq!(named("A.TZST"), Some("tar.zst"));
        assert_eq!(named("a-1.0.tar.bz2"), Some("tar.bz2"));
        assert_eq!(named("a.tbz2"), Some("tar.bz2"));
        assert_eq!(named("a.tbz"), Some("tar.bz2"));
        assert_eq!(named("a.xz"), None);
        assert_eq!(named("a.tar"), Some("tar"));
        assert_eq!(named("a.zip"), Some("zip"));
        assert_eq!(named("a.bin"), None);
        assert_eq!(named("meridian_4.2.1-1_amd64.deb"), Some("deb"));
        assert_eq!(named("meridian-4.2.1-1.el9.x86_64.rpm"), Some("rpm"));
        assert_eq!(named("Connector-4.2.1.MSI"), Some("msi"));
    }

    #[test]
    fn the_first_bytes_name_the_kind() {
        let kind = |head: &[u8]| by_bytes(head).map(|k| k.name());
        assert_eq!(kind(&[0x1f, 0x8b, 8, 0]), Some("tar.gz"));
        assert_eq!(
            kind(&[0xFD, b'7', b'z', b'X', b'Z', 0, 0, 4]),
            Some("tar.xz")
        );
        assert_eq!(kind(&[0x28, 0xB5, 0x2F, 0xFD, 0x04]), Some("tar.zst"));
        // A skippable frame opens a zstd file too (and is refused there).
        assert_eq!(kind(&[0x50, 0x2A, 0x4D, 0x18, 4, 0]), Some("tar.zst"));
        assert_eq!(kind(b"BZh91AY&SY\x00\x00"), Some("tar.bz2"));
        assert_eq!(kind(b"BZh9\x17\x72\x45\x38\x50\x90"), Some("tar.bz2"));
        // `BZh` alone, or with a digit, is not enough.
        assert_eq!(kind(b"BZh9 release notes"), None);
        assert_eq!(kind(b"PK\x03\x04"), Some("zip"));
        assert_eq!(
            kind(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0]),
            Some("msi")
        );
    }

    #[test]
    fn every_kind_has_a_distinct_name_and_endings() {
        let mut names: Vec<&str> = KINDS.iter().map(|k| k.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), KINDS.len());
        assert!(!names.contains(&NOT_AN_ARCHIVE));
        let mut suffixes: Vec<&str> = KINDS.iter().flat_map(|k| k.suffixes().to_vec()).collect();
        let all = suffixes.len();
        suffixes.sort_unstable();
        suffixes.dedup();
        assert_eq!(suffixes.len(), all);
    }
}
