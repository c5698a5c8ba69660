//! Compressed tar archives: each compression is a kind of its own (told by
//! its magic number), decompressed on its own thread alongside the tar walk
//! ([`pipeline`]), every member or frame read to the end, with the bomb
//! meter counting the compressed bytes each entry took.

pub mod gzip;
pub mod pipeline;

use std::io::BufRead;

use crate::engine::inspect::kind::{Input, Kind};
use crate::engine::inspect::meter::{Counted, Limits, Metered};
use crate::engine::inspect::report::ArchiveReport;
use crate::engine::inspect::tar;

/// How the tar inside is compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Codec {
    Gzip,
}

/// A tar archive under one compression.
pub struct CompressedTar {
    name: &'static str,
    describe: &'static str,
    suffixes: &'static [&'static str],
    magic: &'static [u8],
    codec: Codec,
}

pub static TAR_GZ: CompressedTar = CompressedTar {
    name: "tar.gz",
    describe: "a gzip-compressed tar archive",
    suffixes: &[".tar.gz", ".tgz"],
    magic: gzip::MAGIC,
    codec: Codec::Gzip,
};

impl Kind for CompressedTar {
    fn name(&self) -> &'static str {
        self.name
    }

    fn describe(&self) -> &'static str {
        self.describe
    }

    fn suffixes(&self) -> &'static [&'static str] {
        self.suffixes
    }

    fn recognises(&self, head: &[u8]) -> bool {
        head.starts_with(self.magic)
    }

    fn walk(&self, input: Input<'_>) -> Option<ArchiveReport> {
        let (size, limits) = (input.size, input.limits);
        let walked = match self.codec {
            Codec::Gzip => decode_tar(input.bytes, gzip::Members::new, self.name, size, limits),
        };
        Some(walked.unwrap_or_else(|| {
            let mut report = ArchiveReport::new(self.name);
            report.stop("(archive)", "the archive walk stopped unexpectedly");
            report
        }))
    }
}

/// Decompresses with the decoder `open` makes while the tar walker reads
/// the result, the meter judging expanded against compressed bytes.
fn decode_tar<'a, D: std::io::Read>(
    bytes: &'a mut dyn BufRead,
    open: impl FnOnce(Counted<&'a mut dyn BufRead>) -> D,
    name: &'static str,
    size: Option<u64>,
    limits: &Limits,
) -> Option<ArchiveReport> {
    pipeline::decode_alongside(bytes, open, |decoded| {
        let compressed = decoded.counter();
        let metered = Metered::new(decoded, compressed, size, limits.clone());
        tar::inspect(metered, name, limits)
    })
}
