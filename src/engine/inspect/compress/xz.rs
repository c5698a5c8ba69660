//! xz, stream after stream to the end of the artifact, with lzma-rust2's
//! sans-I/O decoder (pure Rust). `xz -d` and `tar -xJf` read every stream
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
//! size it asked. The decoder also keeps a record of every block of a
//! stream until the stream's index: a stream of more than [`MAX_BLOCKS`]
//! is refused ([`blocks`] counts them), so memory stays bounded however
//! long the stream.

mod blocks;

use std::io::{self, BufRead, Read};

use lzma_rust2::{Action, Status, XzStream};

use blocks::Blocks;

use super::read_up_to;
use crate::engine::inspect::meter::{Counted, Counter, Refused};

/// The xz stream header's magic number.
pub const MAGIC: &[u8] = &[0xFD, b'7', b'z', b'X', b'Z', 0];

/// What lzma-rust2 counts beside the dictionary, in KiB (its
/// `get_stream_memory_usage`: 40 KiB plus the dictionary).
const OVERHEAD_KIB: u64 = 40;

/// Blocks in one stream, at most (16 bytes of record each in the decoder).
/// `xz` writes one block per stream, or blocks of megabytes when threaded.
pub const MAX_BLOCKS: u64 = 1_000_000;

/// Whether the first bytes are an xz stream's.
pub fn recognises(head: &[u8]) -> bool {
    head.starts_with(MAGIC)
}

/// Reads every stream of an xz file as one.
pub struct Streams<R: BufRead> {
    input: R,
    /// The stream being decoded; `None` between streams.
    stream: Option<XzStream>,
    /// The blocks of the stream being decoded.
    blocks: Blocks,
    done: bool,
    consumed: Counter,
    /// The largest dictionary allowed, in bytes.
    cap: u64,
}

impl<R: BufRead> Streams<Counted<R>> {
    pub fn new(input: Counted<R>, cap: u64) -> Self {
        let consumed = input.counter();
        Streams {
            input,
            stream: None,
            blocks: Blocks::default(),
            done: false,
            consumed,
            cap,
        }
    }
}

impl<R: BufRead> Read for Streams<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if out.is_empty() {
            return Ok(0);
        }
        loop {
            if self.done {
                return Ok(0);
            }
            let Some(stream) = self.stream.as_mut() else {
                self.stream = self.next_stream()?;
                self.done = self.stream.is_none();
                continue;
            };
            let input = self.input.fill_buf()?;
            let at_end = input.is_empty();
            let action = if at_end { Action::Finish } else { Action::Run };
            let result = match stream.process(input, out, action) {
                Ok(result) => result,
                Err(e) => return Err(explain(e, stream, self.cap)),
            };
            self.blocks
                .feed(input.get(..result.bytes_consumed).unwrap_or(input));
            self.input.consume(result.bytes_consumed);
            if self.blocks.count() > MAX_BLOCKS {
                return Err(Refused::Blocks { max: MAX_BLOCKS }.into_io());
            }
            if result.status == Status::StreamEnd {
                self.stream = None;
            } else if result.bytes_consumed == 0 && result.bytes_produced == 0 {
                // Nothing taken and nothing given: more input is the only
                // way on, and there is none (or the decoder is stuck).
                let kind = if at_end {
                    io::ErrorKind::UnexpectedEof
                } else {
                    io::ErrorKind::InvalidData
                };
                return Err(io::Error::new(kind, "xz: the stream stops short"));
            }
            if result.bytes_produced > 0 {
                return Ok(result.bytes_produced);
            }
        }
    }
}

impl<R: BufRead> Streams<R> {
    /// Passes stream padding, then starts the stream whose magic number
    /// follows; `None` at a clean end of the artifact.
    fn next_stream(&mut self) -> io::Result<Option<XzStream>> {
        let after = self.consumed.get();
        let padding = self.skip_zeros()?;
        let mut magic = [0u8; 6];
        let got = read_up_to(&mut self.input, &mut magic)?;
        if got == 0 && padding % 4 == 0 {
            return Ok(None);
        }
        if got < magic.len() || magic != MAGIC || padding % 4 != 0 {
            return Err(Refused::Hidden {
                at: after,
                unit: "xz stream",
                next: "another xz stream or stream padding",
                tool: "xz",
            }
            .into_io());
        }
        let mut stream = XzStream::new_mem_limit(false, limit_kib(self.cap));
        // The magic number was taken off the input to be judged: the
        // decoder reads it from here (its header buffer takes it whole).
        let taken = stream
            .process(&magic, &mut [], Action::Run)
            .map_err(|e| explain(e, &stream, self.cap))?;
        if taken.bytes_consumed != magic.len() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "xz: the stream header could not be read",
            ));
        }
        self.blocks = Blocks::default();
        self.blocks.feed(&magic);
        Ok(Some(stream))
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

/// The decoder's memory limit for a dictionary of at most `cap` bytes.
/// LZMA2 dictionary sizes are whole KiB (2^n or 3 * 2^n, at least 4 KiB),
/// so the limit admits exactly the dictionaries up to the cap.
fn limit_kib(cap: u64) -> u32 {
    let kib = cap / 1024 + OVERHEAD_KIB;
    u32::try_from(kib).unwrap_or(u32::MAX - 1).min(u32::MAX - 1)
}

/// A decoder error in words; a memory-limit error names the dictionary
/// the block header asked for.
fn explain(e: io::Error, stream: &XzStream, cap: u64) -> io::Error {
    if e.kind() == io::ErrorKind::OutOfMemory
        && let Some(need) = stream.memory_usage()
    {
        let mut asked = u64::from(need).saturating_sub(OVERHEAD_KIB) * 1024;
        // Every dictionary size a header can name is whole KiB but the
        // largest, 4 GiB - 1, which lzma-rust2 counts as u32::MAX bytes.
        if asked == u64::from(u32::MAX) / 1024 * 1024 {
            asked = u64::from(u32::MAX);
        }
        return Refused::Window {
            what: "an xz dictionary",
            asked,
            cap,
        }
        .into_io();
    }
    io::Error::new(e.kind(), format!("xz: {e}"))
}
