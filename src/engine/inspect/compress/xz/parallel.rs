//! One xz stream decoded a block at a time on two threads, as `xz -T0`
//! and `dpkg-deb` decode what multi-threaded encoders write: when every
//! block header records its compressed and uncompressed sizes, each block
//! can be read whole and decoded on its own while the one before it is
//! still being given out. Each block goes to liblzma's decoder as a
//! stream of its own (the real stream header, the block as read, an index
//! and footer for it alone: [`format::stream_end`]), so the decoder checks
//! the block exactly as it would in place; the stream's own index and
//! footer are then checked here, byte for byte, against the blocks as they
//! were. The output comes out in block order.
//!
//! Memory stays bounded by constants: at most [`WORKERS`] blocks in
//! flight, each held whole only up to [`BLOCK_MAX`] compressed bytes and a
//! dictionary up to [`DICTIONARY_MAX`] (a larger block is decoded on this
//! thread as it streams), and each worker 24 MiB of output ahead. The
//! bomb meter is told each output byte's compressed offset by
//! interpolating within its block, since the bytes read run a block ahead
//! of the bytes given out.

use std::collections::VecDeque;
use std::io::{self, BufRead, Read};
use std::sync::mpsc::Receiver;

use super::decoder::Decoder;
use super::format::{self, BlockHeader, STREAM_HEADER};
use super::pool::Pool;
use super::worker::{AHEAD, invalid, spawn_worker};
use super::{MAX_BLOCKS, explain, over_cap};
use crate::engine::inspect::compress::read_up_to;
use crate::engine::inspect::meter::{Counted, Counter, Refused};

/// Compressed bytes of one block held whole to decode it on another
/// thread.
pub const BLOCK_MAX: u64 = 32 << 20;
/// The dictionary a block may ask to be decoded on another thread (two
/// decoders hold one each; `xz -7` and below ask at most this).
pub const DICTIONARY_MAX: u64 = 16 << 20;
/// Blocks in flight at once.
pub const WORKERS: usize = 2;
/// Output a block must have to be worth a thread: smaller ones (and a
/// flood of empty ones) are decoded here.
pub const WORKER_MIN: u64 = 1 << 20;

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
    /// Output chunks and whole blocks, reused.
    chunks: Pool,
    blocks: Pool,
}

/// One block: its compressed span and how much of its output is given.
struct Job {
    start: u64,
    end: u64,
    uncompressed: u64,
    given: u64,
    source: Source,
}

enum Source {
    /// Decoded on a worker thread, chunk by chunk.
    Worker {
        rx: Receiver<io::Result<Vec<u8>>>,
        chunk: Vec<u8>,
        pos: usize,
        /// Where spent chunks go back.
        chunks: Pool,
    },
    /// Decoded on this thread as its bytes stream (a block too large to
    /// hold): `head`, then `left` bytes of the input, then `tail`.
    Here {
        stream: Box<Decoder>,
        /// The dictionary its header asks for, when it says, and the cap.
        dictionary: Option<u64>,
        cap: u64,
        head: Vec<u8>,
        left: u64,
        tail: Vec<u8>,
    },
}

impl Parallel {
    /// Starts the stream whose header (with its checked `flags`) is
    /// `header` and whose first block header, already read, is `first`.
    pub fn new(
        header: [u8; STREAM_HEADER],
        flags: [u8; 2],
        first: BlockHeader,
        cap: u64,
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
            blocks: Pool::new(WORKERS),
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
            self.start_blocks(input)?;
            let Some(job) = self.jobs.front_mut() else {
                self.check_end(input)?;
                return Ok(0);
            };
            let n = job.give(input, out)?;
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

    /// Reads block headers (and the blocks a worker decodes) while fewer
    /// than [`WORKERS`] are in flight and none is decoded here.
    fn start_blocks<R: BufRead>(&mut self, input: &mut Counted<R>) -> io::Result<()> {
        while !self.ended
            && self.jobs.len() < WORKERS
            && !matches!(
                self.jobs.back(),
                Some(Job {
                    source: Source::Here { .. },
                    ..
                })
            )
        {
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
            let job = self.start(input, header, start)?;
            self.jobs.push_back(job);
        }
        Ok(())
    }

    /// Starts one block whose header (read from offset `start`) is given.
    fn start<R: BufRead>(
        &mut self,
        input: &mut Counted<R>,
        header: BlockHeader,
        start: u64,
    ) -> io::Result<Job> {
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
            // Sized exactly, so the block is held once, not in a buffer
            // grown by doubling.
            let mut whole = self.blocks.empty(head.len() + body as usize + tail.len());
            whole.extend_from_slice(&head);
            let got = Read::take(&mut *input, body).read_to_end(&mut whole)?;
            if (got as u64) < body {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "xz: the stream stops short inside a block",
                ));
            }
            whole.extend_from_slice(&tail);
            let pools = (self.chunks.clone(), self.blocks.clone());
            Source::Worker {
                rx: spawn_worker(whole, header.dictionary, self.cap, pools)?,
                chunk: Vec::new(),
                pos: 0,
                chunks: self.chunks.clone(),
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

impl Job {
    /// The compressed offset of the output given so far, within the block.
    fn offset(&self) -> u64 {
        let span = u128::from(self.end - self.start);
        let part = span * u128::from(self.given) / u128::from(self.uncompressed.max(1));
        self.start + part as u64
    }

    /// Copies the block's next output into `out`; `Ok(0)` at its end.
    fn give<R: BufRead>(&mut self, input: &mut Counted<R>, out: &mut [u8]) -> io::Result<usize> {
        match &mut self.source {
            Source::Worker {
                rx,
                chunk,
                pos,
                chunks,
            } => loop {
                if *pos < chunk.len() {
                    let n = (chunk.len() - *pos).min(out.len());
                    out[..n].copy_from_slice(&chunk[*pos..*pos + n]);
                    *pos += n;
                    return Ok(n);
                }
                match rx.recv() {
                    Ok(Ok(next)) => {
                        chunks.give(std::mem::replace(chunk, next));
                        *pos = 0;
                    }
                    Ok(Err(e)) => return Err(e),
                    // The worker is done and has said all.
                    Err(_) => return Ok(0),
                }
            },
            Source::Here {
                stream,
                dictionary,
                cap,
                head,
                left,
                tail,
            } => {
                let limits = (*dictionary, *cap);
                decode_here(stream, limits, head, left, tail, input, out)
            }
        }
    }
}

/// One step of a block decoded on this thread.
fn decode_here<R: BufRead>(
    stream: &mut Decoder,
    (dictionary, cap): (Option<u64>, u64),
    head: &mut Vec<u8>,
    left: &mut u64,
    tail: &mut Vec<u8>,
    input: &mut Counted<R>,
    out: &mut [u8],
) -> io::Result<usize> {
    loop {
        let ((step, failed), from) = if !head.is_empty() {
            (stream.process(head, out, false), 0)
        } else if *left > 0 {
            let buf = input.fill_buf()?;
            let take = buf.len().min(usize::try_from(*left).unwrap_or(usize::MAX));
            if take == 0 {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "xz: the stream stops short inside a block",
                ));
            }
            (stream.process(&buf[..take], out, false), 1)
        } else {
            (stream.process(tail, out, true), 2)
        };
        if let Some(failed) = failed {
            return Err(explain(failed, dictionary, cap));
        }
        match from {
            0 => {
                head.drain(..step.consumed);
            }
            1 => {
                input.consume(step.consumed);
                *left -= step.consumed as u64;
            }
            _ => {
                tail.drain(..step.consumed);
            }
        }
        if step.produced > 0 {
            return Ok(step.produced);
        }
        if step.ended {
            return Ok(0);
        }
        if step.consumed == 0 {
            return Err(invalid("xz: a block could not be decoded".into()));
        }
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
