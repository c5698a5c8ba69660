//! xz, stream after stream to the end of the artifact, with liblzma's
//! decoder ([`decoder`]: the one `xz`, `dpkg-deb` and `rpm2cpio` use,
//! built from the sources the crate bundles). `xz -d` and `tar -xJf` read every stream
//! and the zero padding between them (in fours), so intake does too; bytes
//! after the last stream that are neither padding nor another stream are
//! content no xz reader would list, and are refused.
//!
//! The decoder is handed the artifact's buffered bytes as they are and says
//! how many it took, so the bomb meter counts exactly what was consumed.
//! Each block header's dictionary size (one byte of the LZMA2 filter
//! properties, up to 4 GiB) is checked by the decoder against the memory
//! limit before it allocates the dictionary: the limit is the cap plus the
//! decoder's fixed overhead, and a header over it is refused naming the
//! size it asked ([`blocks`] follows the headers as they pass, so the size
//! is known). A stream of more than [`MAX_BLOCKS`] blocks is refused.

mod blocks;
mod crew;
mod feed;
pub use feed::Tuning;
pub mod decoder;
pub mod format;
pub mod parallel;
mod pool;
mod worker;

use std::io::{self, BufRead, Read};

use blocks::Blocks;
use decoder::{Decoder, Failed};
use format::{BlockHeader, STREAM_HEADER};
use parallel::Parallel;

use super::read_up_to;
use crate::engine::inspect::meter::{Counted, Counter, Refused};

/// The xz stream header's magic number.
pub const MAGIC: &[u8] = &[0xFD, b'7', b'z', b'X', b'Z', 0];

/// Blocks in one stream, at most (the parallel reader keeps 16 bytes of
/// record for each until the index). `xz` writes one block per stream, or
/// blocks of megabytes when threaded.
pub const MAX_BLOCKS: u64 = 1_000_000;

/// Whether the first bytes are an xz stream's.
pub fn recognises(head: &[u8]) -> bool {
    head.starts_with(MAGIC)
}

/// How the stream being read is decoded.
enum Mode {
    /// One decoder over the stream as it comes, fed `pending` (the
    /// headers read to choose the mode) first.
    Whole {
        stream: Box<Decoder>,
        pending: Vec<u8>,
        blocks: Blocks,
    },
    /// Block by block on two threads ([`parallel`]).
    Parallel(Parallel),
}

/// Reads every stream of an xz file as one.
pub struct Streams<R: BufRead> {
    input: Counted<R>,
    /// The stream being decoded; `None` between streams.
    mode: Option<Mode>,
    done: bool,
    /// The meter's counter: the compressed offset of the output given out
    /// (the input's own count runs ahead of it by the blocks in flight).
    shared: Counter,
    /// The largest dictionary allowed, in bytes.
    cap: u64,
    /// How blocks decoded in parallel are fed.
    tuning: Tuning,
}

impl<R: BufRead> Streams<R> {
    pub fn new(input: Counted<R>, cap: u64) -> Self {
        let (inner, shared) = input.into_parts();
        Streams {
            input: Counted::new(inner),
            mode: None,
            done: false,
            shared,
            cap,
            tuning: Tuning::default(),
        }
    }

    /// The same reader, its parallel blocks fed as `tuning` says.
    pub fn tuned(self, tuning: Tuning) -> Self {
        Streams { tuning, ..self }
    }

    /// Compressed bytes consumed so far.
    fn consumed(&self) -> u64 {
        self.input.counter().get()
    }
}

impl<R: BufRead> Read for Streams<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if out.is_empty() {
            return Ok(0);
        }
        let read = self.step(out);
        if !matches!(read, Ok(n) if n > 0) {
            // An end or an error: the meter and the message see it all.
            self.shared.set(self.consumed());
        }
        read
    }
}

impl<R: BufRead> Streams<R> {
    fn step(&mut self, out: &mut [u8]) -> io::Result<usize> {
        loop {
            if self.done {
                return Ok(0);
            }
            let n = match self.mode.as_mut() {
                None => {
                    self.mode = self.next_stream()?;
                    self.done = self.mode.is_none();
                    continue;
                }
                Some(Mode::Parallel(stream)) => stream.read(&mut self.input, out, &self.shared)?,
                Some(Mode::Whole {
                    stream,
                    pending,
                    blocks,
                }) => {
                    let n = whole_step(&mut self.input, stream, pending, blocks, out, self.cap)?;
                    self.shared.set(self.input.counter().get());
                    n
                }
            };
            if n > 0 {
                return Ok(n);
            }
            // The stream ended, whole and checked.
            self.mode = None;
        }
    }

    /// Passes stream padding, then starts the stream whose magic number
    /// follows; `None` at a clean end of the artifact.
    fn next_stream(&mut self) -> io::Result<Option<Mode>> {
        let after = self.consumed();
        let padding = self.skip_zeros()?;
        let mut header = [0u8; STREAM_HEADER];
        let got = read_up_to(&mut self.input, &mut header[..MAGIC.len()])?;
        if got == 0 && padding % 4 == 0 {
            return Ok(None);
        }
        if got < MAGIC.len() || header[..MAGIC.len()] != *MAGIC || padding % 4 != 0 {
            return Err(Refused::Hidden {
                at: after,
                unit: "xz stream",
                next: "another xz stream or stream padding",
                tool: "xz",
            }
            .into_io());
        }
        let got = read_up_to(&mut self.input, &mut header[MAGIC.len()..])?;
        let mut pending = header[..MAGIC.len() + got].to_vec();
        let whole = |pending: Vec<u8>, cap: u64| {
            Ok(Some(Mode::Whole {
                stream: Box::new(Decoder::new(cap)?),
                pending,
                blocks: Blocks::default(),
            }))
        };
        // Anything the decoder can say better (a bad header, a stream cut
        // short) it says, decoding the stream whole.
        let Ok(flags) = format::stream_flags(&header) else {
            return whole(pending, self.cap);
        };
        let first = match self.first_block_header()? {
            (_, Some(first)) if parallel::suits(&first, format::check_size(flags[1])) => first,
            (bytes, _) => {
                pending.extend_from_slice(&bytes);
                return whole(pending, self.cap);
            }
        };
        let settings = (self.cap, self.tuning);
        Ok(Some(Mode::Parallel(Parallel::new(
            header, flags, first, settings,
        ))))
    }

    /// The first block's header bytes (or the index indicator, or what
    /// there is), parsed when they are a block header.
    fn first_block_header(&mut self) -> io::Result<(Vec<u8>, Option<BlockHeader>)> {
        let mut size = [0u8; 1];
        if read_up_to(&mut self.input, &mut size)? == 0 || size[0] == 0 {
            return Ok((size[..usize::from(size[0] == 0)].to_vec(), None));
        }
        let mut bytes = vec![0u8; (usize::from(size[0]) + 1) * 4];
        bytes[0] = size[0];
        let got = read_up_to(&mut self.input, &mut bytes[1..])?;
        bytes.truncate(1 + got);
        let parsed = BlockHeader::parse(bytes.clone()).ok();
        Ok((bytes, parsed))
    }

    /// Consumes zero bytes (stream padding); returns how many.
    fn skip_zeros(&mut self) -> io::Result<u64> {
        let mut zeros = 0u64;
        loop {
            let buf = self.input.fill_buf()?;
            let n = buf.iter().take_while(|b| **b == 0).count();
            let more = n > 0 && n == buf.len();
            self.input.consume(n);
            zeros += n as u64;
            if !more {
                return Ok(zeros);
            }
        }
    }
}

/// One step of a stream decoded whole: its bytes given out, or `Ok(0)` at
/// its end. `pending` (headers read to choose the mode) goes first.
fn whole_step<R: BufRead>(
    input: &mut Counted<R>,
    stream: &mut Decoder,
    pending: &mut Vec<u8>,
    blocks: &mut Blocks,
    out: &mut [u8],
    cap: u64,
) -> io::Result<usize> {
    loop {
        let from_pending = !pending.is_empty();
        let data: &[u8] = if from_pending {
            pending
        } else {
            input.fill_buf()?
        };
        let at_end = data.is_empty();
        let (step, failed) = stream.process(data, out, at_end);
        blocks.feed(data.get(..step.consumed).unwrap_or(data));
        if let Some(failed) = failed {
            return Err(explain(failed, blocks.dictionary(), cap));
        }
        if from_pending {
            pending.drain(..step.consumed);
        } else {
            input.consume(step.consumed);
        }
        if blocks.count() > MAX_BLOCKS {
            return Err(Refused::Blocks { max: MAX_BLOCKS }.into_io());
        }
        if let Some(asked) = blocks.dictionary().filter(|d| *d > cap) {
            return Err(over_cap(asked, cap));
        }
        if step.ended {
            return Ok(step.produced);
        } else if step.consumed == 0 && step.produced == 0 {
            // Nothing taken and nothing given: more input is the only
            // way on, and there is none (or the decoder is stuck).
            let kind = if at_end {
                io::ErrorKind::UnexpectedEof
            } else {
                io::ErrorKind::InvalidData
            };
            return Err(io::Error::new(kind, "xz: the stream stops short"));
        }
        if step.produced > 0 {
            return Ok(step.produced);
        }
    }
}

/// A decoder's failure in words: a memory-limit failure names the
/// dictionary the block header asked for, when it is known.
pub(super) fn explain(failed: Failed, asked: Option<u64>, cap: u64) -> io::Error {
    match (failed, asked) {
        (Failed::Memory, Some(asked)) => over_cap(asked, cap),
        (Failed::Memory, None) => io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "xz: a block asks for more than the decoder memory cap of {cap} bytes: refused before allocating it"
            ),
        ),
        (Failed::Other(e), _) => e,
    }
}

/// A dictionary over the cap, refused.
pub(super) fn over_cap(asked: u64, cap: u64) -> io::Error {
    Refused::Window {
        what: "an xz dictionary",
        asked,
        cap,
    }
    .into_io()
}
