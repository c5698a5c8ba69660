//! RPM packages (`.rpm`, v4 and v6 formats), read in one stream ([`walk`]):
//! the 96-byte lead, the signature header (padded to 8 bytes), the main
//! header and the payload.
//!
//! The parser is intake's own, streamed and bounded, rather than the `rpm`
//! crate's: that crate reads the whole package into memory, and its
//! signature feature pins another sequoia-openpgp than the one intake
//! judges every signature with. Headers ([`header`]) are read only within
//! hard limits (entry count and store size checked before allocating),
//! every entry checked against the store, and kept exactly as read: the
//! signatures ([`sigs`]) and digests are judged over those bytes, never a
//! re-serialisation.
//!
//! The payload ([`payload`]) is hashed as it goes by (its digest and the
//! legacy header+payload signatures cover the compressed bytes),
//! decompressed by the same bounded decoders as a compressed tar, and its
//! cpio archive ([`cpio`]) walked into the shared entry machinery, under
//! installed paths (`./usr/bin/x` is `/usr/bin/x`). The header's file list
//! is then compared with it file by file ([`files`]). Scriptlets and
//! triggers are kept whole ([`scripts`]). Versions compare as rpm compares
//! them ([`crate::engine::select::version::rpm`]); architectures map to platforms as [`arch`] says.

pub mod arch;
pub mod cpio;
pub mod files;
pub mod header;
pub mod payload;
pub mod scripts;
pub mod sigs;
pub mod stripped;
pub mod tags;
mod walk;

pub use walk::{LEAD, LEAD_MAGIC};

use super::kind::{Input, Kind};
use super::report::ArchiveReport;

/// The name reports give the kind.
pub const NAME: &str = "rpm";

/// An RPM package.
pub struct Rpm;

pub static RPM: Rpm = Rpm;

impl Kind for Rpm {
    fn name(&self) -> &'static str {
        NAME
    }

    fn describe(&self) -> &'static str {
        "an RPM package"
    }

    fn suffixes(&self) -> &'static [&'static str] {
        &[".rpm"]
    }

    /// The lead's magic and, at byte 96, a header's.
    fn recognises(&self, head: &[u8]) -> bool {
        head.starts_with(&LEAD_MAGIC)
            && head
                .get(LEAD..LEAD + 3)
                .is_some_and(|h| h == &header::MAGIC[..3])
    }

    fn walk(&self, input: Input<'_>) -> Option<ArchiveReport> {
        Some(walk::walk(input))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lead_is_an_rpm_only_with_a_header_after_it() {
        let mut head = vec![0u8; 200];
        head[..4].copy_from_slice(&LEAD_MAGIC);
        assert!(!RPM.recognises(&head));
        head[LEAD..LEAD + 8].copy_from_slice(&header::MAGIC);
        assert!(RPM.recognises(&head));
        assert!(!RPM.recognises(&head[..50]));
    }
}
