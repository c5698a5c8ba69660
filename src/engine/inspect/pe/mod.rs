//! Windows PE images (`.exe`, `.dll`, `.sys`, `.efi`), 32- and 64-bit,
//! recognised by the `MZ` header pointing at a `PE\0\0` header. Read in
//! the one pass ([`walk`]): the headers ([`headers`]), the Authenticode
//! image digest of every byte before the certificate table, and the
//! certificate table ([`certtable`]). What the signatures say is judged in
//! [`crate::engine::verify::authenticode`]; this module only reads bytes.
//!
//! A PE is one file, not an archive: its manifest is its own line, and the
//! structure findings (sections past the file, overlapping sections) go to
//! `archive.safety`, each naming its offset.

pub mod certtable;
pub mod headers;
pub mod peek;
mod walk;

pub use walk::TABLE_MAX;

use crate::engine::shared::check::{Finding, Status};
use crate::engine::verify::authenticode::SignedFile;
use crate::engine::verify::authenticode::digest::{DigestAlgorithm, ImageDigest};

use super::kind::{Input, Kind};
use super::report::ArchiveReport;

/// The name reports give the kind.
pub const NAME: &str = "pe";

/// What the walk read of one image.
#[derive(Debug, Clone, Default)]
pub struct PeImage {
    pub bits: u8,
    pub machine: u16,
    pub size: u64,
    pub digests: Vec<ImageDigest>,
    pub signatures: Vec<Vec<u8>>,
    /// The certificate table (offset, size), when the headers name one.
    pub table: Option<(u64, u64)>,
    /// Bytes no signature covers: in or after the certificate table.
    pub hidden: Vec<String>,
    /// Structure that two readers could take differently.
    pub structure: Vec<String>,
}

impl PeImage {
    fn new(layout: &headers::Layout) -> PeImage {
        PeImage {
            bits: layout.bits,
            machine: layout.machine,
            ..PeImage::default()
        }
    }

    /// The image in words (`a 64-bit PE image for x86-64`).
    pub fn describe(&self) -> String {
        let machine = match self.machine {
            0x14c => "x86".to_string(),
            0x8664 => "x86-64".to_string(),
            0xaa64 => "ARM64".to_string(),
            0x1c4 => "ARM".to_string(),
            other => format!("machine {other:#06x}"),
        };
        format!("a {}-bit PE image for {machine}", self.bits)
    }
}

/// A Windows PE image.
pub struct Pe;

pub static PE: Pe = Pe;

impl Kind for Pe {
    fn name(&self) -> &'static str {
        NAME
    }

    fn describe(&self) -> &'static str {
        "a Windows PE image"
    }

    fn suffixes(&self) -> &'static [&'static str] {
        &[".exe", ".dll", ".sys", ".efi", ".efi.signed"]
    }

    fn recognises(&self, head: &[u8]) -> bool {
        head.starts_with(b"MZ")
            && headers::u32_at(head, 0x3c)
                .and_then(|at| head.get(at as usize..(at as usize).checked_add(4)?))
                .is_some_and(|sig| sig == b"PE\0\0")
    }

    fn walk(&self, input: Input<'_>) -> Option<ArchiveReport> {
        let mut report = ArchiveReport::new(NAME);
        let algorithms = input
            .file
            .map_or_else(|| vec![DigestAlgorithm::Sha256], peek::algorithms);
        let signed = match walk::read(input.bytes, &algorithms) {
            Ok(image) => {
                for what in &image.structure {
                    report
                        .findings
                        .push(Finding::new(Status::Fail, "(PE image)", what.clone()));
                }
                report.expanded = image.size;
                SignedFile {
                    what: image.describe(),
                    digests: image.digests,
                    signatures: image.signatures,
                    hidden: image.hidden,
                    unreadable: None,
                }
            }
            Err(stop) => {
                report.stop("(PE image)", stop.clone());
                SignedFile::unreadable(stop)
            }
        };
        report.authenticode = Some(Box::new(signed));
        Some(report)
    }
}
