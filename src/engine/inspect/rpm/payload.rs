//! The payload: the compressed bytes hashed as they go by (the payload
//! digest and the legacy header+payload signatures cover them), then
//! decompressed on their own thread by the same bounded decoders as a
//! compressed tar, while the cpio walker reads the result.

use std::cell::RefCell;
use std::io::{self, BufRead, Read};
use std::rc::Rc;

use crate::engine::fetch::hashers::{Digests, HashKey, Hasher};
use crate::engine::inspect::compress::{Codec, bzip2, gzip, pipeline, xz, zstd};
use crate::engine::inspect::meter::{Counted, Counter, Limits, Metered};

use super::cpio::{self, Walked};
use super::stripped::Stripped;

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

/// What the payload walk is given beside the bytes.
pub struct Plan {
    pub codec: Option<Codec>,
    /// The compressed payload's size, when known (for the whole-payload
    /// ratio).
    pub size: Option<u64>,
    /// Compute each file's MD5 beside its SHA-256.
    pub md5: bool,
    /// The header's files, when rpm writes stripped entries.
    pub stripped: Option<Vec<Stripped>>,
    /// Contexts for the uncompressed payload (`PAYLOADDIGESTALT`).
    pub uncompressed: Contexts,
}

/// The walk, and the uncompressed payload's digests.
pub struct Walk {
    pub walked: Walked,
    pub uncompressed: Digests,
}

/// Decompresses and walks the payload.
pub fn walk(bytes: &mut dyn BufRead, plan: Plan, limits: &Limits) -> Walk {
    let cap = limits.max_window;
    let Some(codec) = plan.codec else {
        let counted = Counted::new(bytes);
        let compressed = counted.counter();
        return walk_cpio(counted, compressed, plan, limits);
    };
    let decoded = |d: pipeline::Decoded| {
        let compressed = d.counter();
        walk_cpio(d, compressed, plan, limits)
    };
    let walked = match codec {
        Codec::Gzip => pipeline::decode_alongside(bytes, gzip::Members::new, decoded),
        Codec::Xz => pipeline::decode_alongside(bytes, |c| xz::Streams::new(c, cap), decoded),
        Codec::Zstd => pipeline::decode_alongside(bytes, |c| zstd::Frames::new(c, cap), decoded),
        Codec::Bzip2 => pipeline::decode_alongside(bytes, bzip2::Streams::new, decoded),
    };
    walked.unwrap_or_else(|| {
        let mut report = crate::engine::inspect::report::ArchiveReport::new(super::NAME);
        report.stop("(payload)", "the payload walk stopped unexpectedly");
        Walk {
            walked: Walked {
                report,
                md5: Vec::new(),
            },
            uncompressed: Digests::finish(Vec::new()),
        }
    })
}

/// Walks the decompressed payload, hashing it for `PAYLOADDIGESTALT`.
fn walk_cpio<R: Read>(reader: R, compressed: Counter, plan: Plan, limits: &Limits) -> Walk {
    let (hashed, contexts) = Uncompressed::new(reader, plan.uncompressed);
    let metered = Metered::new(hashed, compressed, plan.size, limits.clone());
    let walked = cpio::walk(metered, super::NAME, limits, plan.md5, plan.stripped);
    Walk {
        walked,
        uncompressed: Digests::finish(contexts.take()),
    }
}

/// The decompressed payload as the cpio walker reads it, hashed on the
/// way (rpm's `PAYLOADDIGESTALT` covers the uncompressed cpio archive).
/// The walker reads to the end of the archive and past its trailer, so the
/// contexts see every byte when the walk completes.
struct Uncompressed<R> {
    inner: R,
    contexts: Rc<RefCell<Contexts>>,
}

impl<R: Read> Uncompressed<R> {
    fn new(inner: R, contexts: Contexts) -> (Self, Rc<RefCell<Contexts>>) {
        let contexts = Rc::new(RefCell::new(contexts));
        let hashed = Uncompressed {
            inner,
            contexts: Rc::clone(&contexts),
        };
        (hashed, contexts)
    }
}

impl<R: Read> Read for Uncompressed<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(out)?;
        for (_, h) in self.contexts.borrow_mut().iter_mut() {
            h.update(out.get(..n).unwrap_or_default());
        }
        Ok(n)
    }
}

/// Reads what is left, for a payload walk that stopped early: the bytes
/// still count for the digests and the size check.
pub fn drain(bytes: &mut dyn Read) -> io::Result<u64> {
    io::copy(bytes, &mut io::sink())
}
