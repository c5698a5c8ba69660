//! Debian packages (`.deb`): an `ar` container ([`ar`]) of `debian-binary`,
//! `control.tar[.gz|.xz|.zst]`, `data.tar[.gz|.xz|.zst|.bz2]` and, when
//! signed with debsigs, `_gpgorigin`, read in one stream ([`walk`]):
//!
//! - the members must be exactly those, in that order, once each; any
//!   other member, another order, a second data member, a size past the
//!   end of the file or bytes after the last member is a failing finding
//!   naming the member, because dpkg, APT and `ar` read such packages
//!   differently (dpkg unpacks the first data member, skips members whose
//!   names start with `_`, and never reads past the data member);
//! - `control.tar` is small: it is read whole, to at most
//!   [`CONTROL_MAX`] bytes expanded ([`control`]);
//! - `data.tar` goes through the same decompressors and tar walker as a
//!   compressed tar artifact, in the same stream, with each file's MD5
//!   computed beside its SHA-256 for the `md5sums` comparison
//!   ([`digests`]); its entries are then recorded under their installed
//!   paths ([`rooted`]);
//! - the bytes a debsigs signature covers are hashed as they go by
//!   ([`signed`]), so the signature, which comes last, is judged without a
//!   second read (the contexts it needs are looked up first when the
//!   package is a file here: [`peek`]).
//!
//! What the package says of itself goes into the report's
//! [`Package`](super::package::Package); the review makes the
//! `package.*` checks of it. Versions compare as dpkg compares them
//! ([`crate::engine::select::version::dpkg`]); architectures map to platforms as [`arch`] says.

pub mod ar;
pub mod arch;
pub mod control;
pub mod digests;
mod members;
pub mod peek;
pub mod rooted;
pub mod signed;
mod walk;

use super::kind::{Input, Kind};
use super::report::ArchiveReport;

/// The most `control.tar` may expand to: maintainer scripts, `md5sums`
/// and the control file of the largest Debian packages are a few MiB.
pub const CONTROL_MAX: u64 = 16 << 20;

/// The name reports give the kind.
pub const NAME: &str = "deb";

/// A Debian binary package.
pub struct Deb;

pub static DEB: Deb = Deb;

impl Kind for Deb {
    fn name(&self) -> &'static str {
        NAME
    }

    fn describe(&self) -> &'static str {
        "a Debian package"
    }

    fn suffixes(&self) -> &'static [&'static str] {
        &[".deb"]
    }

    fn recognises(&self, head: &[u8]) -> bool {
        let Some(first) = head.get(ar::MAGIC.len()..ar::MAGIC.len() + ar::HEADER) else {
            return false;
        };
        let Ok(block) = <&[u8; ar::HEADER]>::try_from(first) else {
            return false;
        };
        head.starts_with(ar::MAGIC)
            && ar::parse(block).is_ok_and(|h| h.name == ar::DEBIAN_BINARY.as_bytes())
    }

    fn walk(&self, input: Input<'_>) -> Option<ArchiveReport> {
        Some(walk::walk(input))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ar_archive_is_a_package_only_when_debian_binary_comes_first() {
        let head = |name: &str| {
            let mut h = ar::MAGIC.to_vec();
            let mut block = [b' '; ar::HEADER];
            block[..name.len()].copy_from_slice(name.as_bytes());
            block[48] = b'4';
            block[58..].copy_from_slice(b"`\n");
            h.extend(block);
            h.extend(b"2.0\n");
            h
        };
        assert!(DEB.recognises(&head("debian-binary")));
        assert!(DEB.recognises(&head("debian-binary/")));
        assert!(!DEB.recognises(&head("control.tar.gz")));
        assert!(!DEB.recognises(&head("debian-binary")[..40]));
        assert!(!DEB.recognises(b"!<arch>\n"));
    }
}
