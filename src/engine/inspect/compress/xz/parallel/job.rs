//! One block of the parallel reader: where its output comes from (a
//! worker, or this thread for a block too large to hand over) and how
//! much of it is given.

use std::io::{self, BufRead};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::Duration;

use super::super::decoder::Decoder;
use super::super::explain;
use super::super::feed::Feed;
use super::super::pool::Pool;
use super::super::worker::invalid;
use crate::engine::inspect::meter::Counted;

/// One block: its compressed span and how much of its output is given.
pub struct Job {
    pub start: u64,
    pub end: u64,
    pub uncompressed: u64,
    pub given: u64,
    pub source: Source,
}

pub enum Source {
    /// Decoded on a worker thread, chunk by chunk.
    Worker {
        rx: Receiver<io::Result<Vec<u8>>>,
        chunk: Vec<u8>,
        pos: usize,
        /// Where spent chunks go back.
        chunks: Pool,
        /// The block's bytes still to hand over.
        feed: Feed,
    },
    /// Decoded on this thread as its bytes stream (a block over
    /// `BLOCK_MAX`, one asking a dictionary over `DICTIONARY_MAX`, or one
    /// too small to be worth a thread): `head`, then `left` bytes of the
    /// input, then `tail`.
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

impl Job {
    /// The compressed offset of the output given so far, within the block.
    pub fn offset(&self) -> u64 {
        let span = u128::from(self.end - self.start);
        let part = span * u128::from(self.given) / u128::from(self.uncompressed.max(1));
        self.start + part as u64
    }

    /// Copies the block's next output into `out`.
    pub fn give<R: BufRead>(
        &mut self,
        input: &mut Counted<R>,
        out: &mut [u8],
        hungry: Duration,
    ) -> io::Result<Given> {
        match &mut self.source {
            Source::Worker {
                rx,
                chunk,
                pos,
                chunks,
                feed,
            } => {
                if *pos < chunk.len() {
                    let n = (chunk.len() - *pos).min(out.len());
                    out[..n].copy_from_slice(&chunk[*pos..*pos + n]);
                    *pos += n;
                    return Ok(Given::Bytes(n));
                }
                let next = if feed.done() {
                    rx.recv().map_err(|_| RecvTimeoutError::Disconnected)
                } else {
                    rx.recv_timeout(hungry)
                };
                match next {
                    Err(RecvTimeoutError::Timeout) => {
                        feed.hand_over_all(input)?;
                        Ok(Given::Later)
                    }
                    Ok(Ok(next)) => {
                        chunks.give(std::mem::replace(chunk, next));
                        *pos = 0;
                        // Back to the reading loop, which feeds the next
                        // block's worker before giving this chunk out.
                        Ok(Given::Later)
                    }
                    Ok(Err(e)) => Err(e),
                    // The worker is done and has said all, which it can
                    // only after the block's last byte (its stream's
                    // footer).
                    Err(RecvTimeoutError::Disconnected) if feed.done() => Ok(Given::End),
                    Err(RecvTimeoutError::Disconnected) => Err(invalid(
                        "xz: a block ended before all of its bytes were read".into(),
                    )),
                }
            }
            Source::Here {
                stream,
                dictionary,
                cap,
                head,
                left,
                tail,
            } => {
                let limits = (*dictionary, *cap);
                match decode_here(stream, limits, head, left, tail, input, out)? {
                    0 => Ok(Given::End),
                    n => Ok(Given::Bytes(n)),
                }
            }
        }
    }
}

/// What a block gave.
pub enum Given {
    Bytes(usize),
    /// Nothing yet: ask again.
    Later,
    End,
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
