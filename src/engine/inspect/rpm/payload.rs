//! The payload: the compressed bytes hashed as they go by (the payload
//! digest and the legacy header+payload signatures cover them), then
//! decompressed on their own thread by the same bounded decoders as a
//! compressed tar, while the cpio walker reads the result.

use std::io::{self, BufRead, Read};

use crate::engine::fetch::hashers::{Digests, HashKey, Hasher};
use crate::engine::inspect::compress::{Codec, bzip2, gzip, pipeline, xz, zstd};
use crate::engine::inspect::meter::{Counted, Limits, Metered};

use super::cpio::{self, Walked};

/// Hash contexts fed the same bytes.
pub type Contexts = Vec<(HashKey, Hasher)>;

/// The payload's bytes, hashed into two groups of contexts as they are
/// consumed (the header's bytes already in the first: header+payload
/// signatures; the second: the payload digest), counted to the end.
pub struct Hashing<'a> {
    inner: &'a mut dyn BufRead,
    groups: [Contexts; 2],
    pub read: u64,
}

impl<'a> Hashing<'a> {
    pub fn new(inner: &'a mut dyn BufRead, groups: [Contexts; 2]) -> Self {
        Hashing {
            inner,
            groups,
            read: 0,
        }
    }

    /// Both groups' finished contexts, and the bytes read.
    pub fn finish(self) -> ([Digests; 2], u64) {
        let [a, b] = self.groups;
        ([Digests::finish(a), Digests::finish(b)], self.read)
    }
}

impl BufRead for Hashing<'_> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amt: usize) {
        // The bytes are already buffered: this fill_buf reads nothing.
        if let Ok(buf) = self.inner.fill_buf() {
            let taken = buf.get(..amt).unwrap_or(buf);
            for (_, h) in self.groups.iter_mut().flatten() {
                h.update(taken);
            }
            self.read += taken.len() as u64;
        }
        self.inner.consume(amt);
    }
}

impl Read for Hashing<'_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(out.len());
        out[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

/// The codec `PAYLOADCOMPRESSOR` names (`None`: not compressed); `Err`
/// for one intake does not read.
pub fn codec(name: Option<&[u8]>) -> Result<Option<Codec>, String> {
    match name.unwrap_or(b"gzip") {
        b"gzip" => Ok(Some(Codec::Gzip)),
        b"xz" => Ok(Some(Codec::Xz)),
        b"zstd" => Ok(Some(Codec::Zstd)),
        b"bzip2" => Ok(Some(Codec::Bzip2)),
        b"identity" | b"none" => Ok(None),
        other => Err(format!(
            "payload compressor `{}`, which intake does not read (gzip, xz, zstd, bzip2 or none)",
            crate::engine::shared::text::escape_path(other)
        )),
    }
}

/// Decompresses and walks the payload (`size`: its compressed size, when
/// known, for the whole-payload ratio).
pub fn walk(
    bytes: &mut dyn BufRead,
    codec: Option<Codec>,
    size: Option<u64>,
    limits: &Limits,
    md5: bool,
) -> Walked {
    let cap = limits.max_window;
    let cpio = |decoded: pipeline::Decoded| {
        let compressed = decoded.counter();
        let metered = Metered::new(decoded, compressed, size, limits.clone());
        cpio::walk(metered, super::NAME, limits, md5)
    };
    let walked = match codec {
        None => {
            let counted = Counted::new(bytes);
            let compressed = counted.counter();
            let metered = Metered::new(counted, compressed, size, limits.clone());
            Some(cpio::walk(metered, super::NAME, limits, md5))
        }
        Some(Codec::Gzip) => pipeline::decode_alongside(bytes, gzip::Members::new, cpio),
        Some(Codec::Xz) => pipeline::decode_alongside(bytes, |c| xz::Streams::new(c, cap), cpio),
        Some(Codec::Zstd) => pipeline::decode_alongside(bytes, |c| zstd::Frames::new(c, cap), cpio),
        Some(Codec::Bzip2) => pipeline::decode_alongside(bytes, bzip2::Streams::new, cpio),
    };
    walked.unwrap_or_else(|| {
        let mut report = crate::engine::inspect::report::ArchiveReport::new(super::NAME);
        report.stop("(payload)", "the payload walk stopped unexpectedly");
        Walked {
            report,
            md5: Vec::new(),
        }
    })
}

/// Reads what is left, for a payload walk that stopped early: the bytes
/// still count for the digests and the size check.
pub fn drain(bytes: &mut dyn Read) -> io::Result<u64> {
    io::copy(bytes, &mut io::sink())
}
