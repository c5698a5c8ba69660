//! One xz stream decoded a block at a time on two threads, as `xz -T0`
//! and `dpkg-deb` decode what multi-threaded encoders write: when every
//! block header records its compressed and uncompressed sizes, each block
//! can be decoded on its own while the one before it is still being given
//! out. Each block goes to liblzma's decoder as a
//! stream of its own (the real stream header, the block as read, an index
//! and footer for it alone: [`format::stream_end`]), so the decoder checks
//! the block exactly as it would in place; the stream's own index and
//! footer are then checked here, byte for byte, against the blocks as they
//! were. The output comes out in block order.
//!
//! Memory stays bounded by constants: at most [`WORKERS`] blocks in
//! flight, each handed to its worker in pieces ([`super::feed`]: at most
//! the rest of one block of [`BLOCK_MAX`] compressed bytes waits) with a
//! dictionary up to [`DICTIONARY_MAX`] (a larger block is decoded on this
//! thread as it streams), and each worker 18 MiB of output ahead. The
//! bomb meter is told each output byte's compressed offset by
//! interpolating within its block, since the bytes read run a block ahead
//! of the bytes given out.

mod job;

use std::collections::VecDeque;
use std::io::{self, BufRead};

use job::{Given, Job, Source};

use super::crew::Crew;
use super::decoder::Decoder;
use super::feed::{Feed, Tuning};
use super::format::{self, BlockHeader, STREAM_HEADER};
use super::pool::Pool;
use super::worker::{AHEAD, invalid, spawn_worker};
use super::{MAX_BLOCKS, over_cap};
use crate::engine::inspect::compress::read_up_to;
use crate::engine::inspect::meter::{Counted, Counter, Refused};

/// Compressed bytes of one block decoded on another thread (the rest of
/// it may wait for its worker while the next block is read).
pub const BLOCK_MAX: u64 = 32 << 20;
/// The dictionary a block may ask to be decoded on another thread (two
/// decoders hold one each; `xz -7` and below ask at most this).
pub const DICTIONARY_MAX: u64 = 16 << 20;
/// Blocks in flight at once.
pub const WORKERS: usize = 2;
/// Output a block must have to be worth a thread: smaller ones (and a
/// flood of empty ones) are decoded here.
pub const WORKER_MIN: u64 = 1 << 20;
/// Spent input pieces kept for reuse (what waits for the last block's
/// worker, and a little more).
const PIECES_KEPT: usize = 16;

/// Whether a stream whose first block has this header is decoded here.
pub fn suits(first: &BlockHeader, check: u64) -> bool {
    first.uncompressed.is_some()
        && first.body_len(check).is_some_and(|n| n <= BLOCK_MAX)
        && first.dictionary.is_some_and(|d| d <= DICTIONARY_MAX)
}

/// A stream being decoded in parallel.
pub struct Parallel {
    header: [u8; STREAM_HEADER],
    flags: [u8; 2],
    check: u64,
    cap: u64,
    /// `(unpadded, uncompressed)` of every block begun.
    records: Vec<(u64, u64)>,
    jobs: VecDeque<Job>,
    /// The first block's header, read to choose this decoder, until its
    /// block is started.
    first: Option<BlockHeader>,
    /// The index indicator was read: no more blocks.
    ended: bool,
    /// Output chunks and input pieces, reused.
    chunks: Pool,
    pieces: Pool,
    crew: Crew,
    tuning: Tuning,
}

impl Parallel {
    /// Starts the stream whose header (with its checked `flags`) is
    /// `header` and whose first block header, already read, is `first`.
    pub fn new(
        header: [u8; STREAM_HEADER],
        flags: [u8; 2],
        first: BlockHeader,
        (cap, tuning): (u64, Tuning),
    ) -> Parallel {
        Parallel {
            header,
            flags,
            check: format::check_size(flags[1]),
            cap,
            records: Vec::new(),
            jobs: VecDeque::new(),
            first: Some(first),
            ended: false,
            chunks: Pool::new(WORKERS * (AHEAD + 2)),
            pieces: Pool::new(PIECES_KEPT),
            crew: Crew::new(WORKERS),
            tuning,
        }
    }

    /// Gives out the stream's next bytes; `Ok(0)` once its index and
    /// footer are read and agree with its blocks.
    pub fn read<R: BufRead>(
        &mut self,
        input: &mut Counted<R>,
        out: &mut [u8],
        shared: &Counter,
    ) -> io::Result<usize> {
        loop {
            self.keep_fed(input)?;
            let Some(job) = self.jobs.front_mut() else {
                self.check_end(input)?;
                return Ok(0);
            };
            let n = match job.give(input, out, self.tuning.hungry)? {
                Given::Bytes(n) => n,
                Given::Later => continue,
                Given::End => 0,
            };
            if n > 0 {
                job.given += n as u64;
                shared.set(shared.get().max(job.offset()));
                return Ok(n);
            }
            if job.given != job.uncompressed {
                return Err(invalid(format!(
                    "xz: a block gave {} bytes where its header records {}",
                    job.given, job.uncompressed
                )));
            }
            self.jobs.pop_front();
        }
    }

    /// Starts blocks while fewer than [`WORKERS`] are in flight (each
    /// one's header follows the whole of the block before it, which is
    /// therefore handed over first), then keeps the last block begun
    /// [`Tuning::waiting`] bytes ahead of its worker.
    fn keep_fed<R: BufRead>(&mut self, input: &mut Counted<R>) -> io::Result<()> {
        self.start_blocks(input)?;
        if let Some(Job {
            source: Source::Worker { feed, .. },
            ..
        }) = self.jobs.back_mut()
        {
            feed.top_up(input, self.tuning.waiting)?;
        }
        Ok(())
    }

    /// Reads block headers and starts their workers while fewer than
    /// [`WORKERS`] are in flight and none is decoded here.
    fn start_blocks<R: BufRead>(&mut self, input: &mut Counted<R>) -> io::Result<()> {
        while self.may_start_next() {
            for job in &mut self.jobs {
                if let Source::Worker { feed, .. } = &mut job.source {
                    feed.hand_over_all(input)?;
                }
            }
            let start = input.counter().get();
            let header = match self.first.take() {
                Some(header) => header,
                None => match read_block_header(input)? {
                    Some(header) => header,
                    None => {
                        self.ended = true;
                        break;
                    }
                },
            };
            let job = self.start(header, start)?;
            self.jobs.push_back(job);
        }
        Ok(())
    }

    /// Whether the next block may start: fewer than [`WORKERS`] are in
    /// flight, none is decoded here, and what the blocks begun still have
    /// to decode is at most [`Tuning::spill`] (it all waits once the next
    /// block is read).
    fn may_start_next(&self) -> bool {
        !self.ended
            && self.jobs.len() < WORKERS
            && self.jobs.iter().all(|job| match &job.source {
                Source::Worker { feed, .. } => feed.undecoded() <= self.tuning.spill,
                Source::Here { .. } => false,
            })
    }

    /// Starts one block whose header (read from offset `start`) is given.
    fn start(&mut self, header: BlockHeader, start: u64) -> io::Result<Job> {
        let (Some(body), Some(unpadded), Some(uncompressed)) = (
            header.body_len(self.check),
            header.unpadded(self.check),
            header.uncompressed,
        ) else {
            return Err(invalid(
                "xz: a block header without the sizes the blocks before it record: intake reads such a stream only when every block records them or none does; refused".into(),
            ));
        };
        self.records.push((unpadded, uncompressed));
        if self.records.len() as u64 > MAX_BLOCKS {
            return Err(Refused::Blocks { max: MAX_BLOCKS }.into_io());
        }
        let end = start + header.bytes.len() as u64 + body;
        let mut head = self.header.to_vec();
        head.extend_from_slice(&header.bytes);
        let tail = format::stream_end(self.flags, &[(unpadded, uncompressed)]);
        if let Some(asked) = header.dictionary.filter(|d| *d > self.cap) {
            return Err(over_cap(asked, self.cap));
        }
        let here = body > BLOCK_MAX
            || uncompressed < WORKER_MIN
            || header.dictionary.is_none_or(|d| d > DICTIONARY_MAX);
        let source = if here {
            Source::Here {
                stream: Box::new(Decoder::new(self.cap)?),
                dictionary: header.dictionary,
                cap: self.cap,
                head,
                left: body,
                tail,
            }
        } else {
            let pools = (self.chunks.clone(), self.pieces.clone());
            let ends = spawn_worker(&mut self.crew, header.dictionary, self.cap, pools)?;
            let block = (head, body, tail);
            Source::Worker {
                rx: ends.output,
                chunk: Vec::new(),
                pos: 0,
                chunks: self.chunks.clone(),
                feed: Feed::new(
                    ends.pieces,
                    block,
                    ends.taken,
                    (self.pieces.clone(), self.tuning.piece),
                ),
            }
        };
        Ok(Job {
            start,
            end,
            uncompressed,
            given: 0,
            source,
        })
    }

    /// The stream's index and footer must be exactly those of its blocks.
    fn check_end<R: BufRead>(&mut self, input: &mut Counted<R>) -> io::Result<()> {
        let expected = format::stream_end(self.flags, &self.records);
        // The index indicator (a zero where a block header would start)
        // is read already.
        let rest = expected.get(1..).unwrap_or_default();
        let mut got = vec![0u8; rest.len()];
        let n = read_up_to(input, &mut got)?;
        if n < got.len() || got != rest {
            return Err(invalid(format!(
                "xz: the stream's index and footer are not those of its {} blocks",
                self.records.len()
            )));
        }
        Ok(())
    }
}

/// Reads the next block header, or `None` at the index indicator.
fn read_block_header<R: BufRead>(input: &mut Counted<R>) -> io::Result<Option<BlockHeader>> {
    let mut size = [0u8; 1];
    if read_up_to(input, &mut size)? == 0 {
        return Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "xz: the stream stops short",
        ));
    }
    if size[0] == 0 {
        return Ok(None);
    }
    let mut bytes = vec![0u8; (usize::from(size[0]) + 1) * 4];
    bytes[0] = size[0];
    if read_up_to(input, &mut bytes[1..])? < bytes.len() - 1 {
        return Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "xz: the stream stops short inside a block header",
        ));
    }
    BlockHeader::parse(bytes)
        .map(Some)
        .map_err(|why| invalid(format!("xz: {why}")))
}
