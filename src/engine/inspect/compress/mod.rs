//! Compressed tar archives: each compression is a kind of its own (told by
//! its magic number), decompressed on its own thread alongside the tar walk
//! ([`pipeline`]), every member, frame or stream read to the end and bytes
//! after the last one refused, with the bomb meter counting the compressed
//! bytes each entry took. Decoders that size a buffer from a header (an xz
//! dictionary, a zstd window) are held to [`Limits::max_window`] before
//! they allocate it.

pub mod bzip2;
pub mod gzip;
pub mod pipeline;
pub mod xz;
pub mod zstd;

use std::io::{self, BufRead, Read};

use crate::engine::inspect::kind::{Input, Kind};
use crate::engine::inspect::meter::{Counted, Limits, Metered};
use crate::engine::inspect::report::ArchiveReport;
use crate::engine::inspect::tar;

/// How the tar inside is compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Codec {
    Gzip,
    Xz,
    Zstd,
    Bzip2,
}

/// A tar archive under one compression.
pub struct CompressedTar {
    name: &'static str,
    describe: &'static str,
    suffixes: &'static [&'static str],
    /// Whether the first bytes open this compression.
    recognise: fn(&[u8]) -> bool,
    codec: Codec,
}

pub static TAR_GZ: CompressedTar = CompressedTar {
    name: "tar.gz",
    describe: "a gzip-compressed tar archive",
    suffixes: &[".tar.gz", ".tgz"],
    recognise: |head| head.starts_with(gzip::MAGIC),
    codec: Codec::Gzip,
};

pub static TAR_XZ: CompressedTar = CompressedTar {
    name: "tar.xz",
    describe: "an xz-compressed tar archive",
    suffixes: &[".tar.xz", ".txz"],
    recognise: xz::recognises,
    codec: Codec::Xz,
};

pub static TAR_ZST: CompressedTar = CompressedTar {
    name: "tar.zst",
    describe: "a zstd-compressed tar archive",
    suffixes: &[".tar.zst", ".tzst"],
    recognise: zstd::recognises,
    codec: Codec::Zstd,
};

pub static TAR_BZ2: CompressedTar = CompressedTar {
    name: "tar.bz2",
    describe: "a bzip2-compressed tar archive",
    suffixes: &[".tar.bz2", ".tbz2", ".tbz"],
    recognise: bzip2::recognises,
    codec: Codec::Bzip2,
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
        (self.recognise)(head)
    }

    fn walk(&self, input: Input<'_>) -> Option<ArchiveReport> {
        let (report, _) = walk_tar(
            input.bytes,
            Some(self.codec),
            self.name,
            input.size,
            input.limits,
            tar::Extras::default(),
        );
        Some(report)
    }
}

/// Walks a tar under `codec` (`None`: uncompressed) from `bytes`, which
/// end where the tar's compressed bytes do (an artifact, or one member of
/// a container such as a Debian package: `size` is then the member's, the
/// base of the whole-archive ratio). Keeps what `extras` asks for.
pub fn walk_tar(
    bytes: &mut dyn BufRead,
    codec: Option<Codec>,
    name: &'static str,
    size: Option<u64>,
    limits: &Limits,
    extras: tar::Extras,
) -> (ArchiveReport, tar::Kept) {
    let cap = limits.max_window;
    let walked = match codec {
        None => {
            let counted = Counted::new(bytes);
            let compressed = counted.counter();
            let metered = Metered::new(counted, compressed, size, limits.clone());
            Some(tar::inspect_with(metered, name, limits, extras))
        }
        Some(Codec::Gzip) => decode_tar(bytes, gzip::Members::new, name, size, limits, extras),
        Some(Codec::Xz) => decode_tar(
            bytes,
            |c| xz::Streams::new(c, cap),
            name,
            size,
            limits,
            extras,
        ),
        Some(Codec::Zstd) => decode_tar(
            bytes,
            |c| zstd::Frames::new(c, cap),
            name,
            size,
            limits,
            extras,
        ),
        Some(Codec::Bzip2) => decode_tar(bytes, bzip2::Streams::new, name, size, limits, extras),
    };
    walked.unwrap_or_else(|| {
        let mut report = ArchiveReport::new(name);
        report.stop("(archive)", "the archive walk stopped unexpectedly");
        (report, tar::Kept::default())
    })
}

/// Decompresses with the decoder `open` makes while the tar walker reads
/// the result, the meter judging expanded against compressed bytes.
fn decode_tar<'a, D: Read>(
    bytes: &'a mut dyn BufRead,
    open: impl FnOnce(Counted<&'a mut dyn BufRead>) -> D,
    name: &'static str,
    size: Option<u64>,
    limits: &Limits,
    extras: tar::Extras,
) -> Option<(ArchiveReport, tar::Kept)> {
    pipeline::decode_alongside(bytes, open, |decoded| {
        let compressed = decoded.counter();
        let metered = Metered::new(decoded, compressed, size, limits.clone());
        tar::inspect_with(metered, name, limits, extras)
    })
}

/// Reads until `buf` is full or the input ends; returns how many bytes
/// came. Decoders take a stream's magic number off the input with it, to
/// judge what follows the last stream before any decoder sees it.
fn read_up_to(input: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match input.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}
