//! What of a worker's block is still to be read from the input and handed
//! to it. A worker decodes its block as the bytes arrive, in pieces, so
//! no block is copied whole before its decoding starts.
//!
//! The input is read in stream order, so the next block's bytes can only
//! be reached once every byte of the block before it is read. The reading
//! thread therefore hands the block being given out all its remaining
//! bytes at once (they wait in its channel, at most one block's worth,
//! and fewer the further its worker has got) when the next block starts,
//! and keeps the last block begun only [`Tuning::waiting`] bytes ahead of
//! its worker. Only that worker can be left short, and the reading thread
//! waits on its output only so long ([`Tuning::hungry`]) before handing it
//! everything: it never waits on a worker that waits on it.

use std::io::{self, BufRead};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::Sender;
use std::time::Duration;

use super::pool::Pool;
use crate::engine::inspect::meter::Counted;

/// How the blocks of a stream are fed to their workers.
#[derive(Debug, Clone, Copy)]
pub struct Tuning {
    /// Compressed bytes in one piece.
    pub piece: usize,
    /// Compressed bytes kept waiting for the last block's worker: enough
    /// for tens of milliseconds of decoding, longer than the reading
    /// thread takes to come back (it comes back with every chunk of output
    /// it gives).
    pub waiting: u64,
    /// Compressed bytes the blocks begun may still have to decode when the
    /// next block starts: their rest is read ahead of them and waits. The
    /// first two blocks start this far apart; later blocks start when the
    /// one before is about half decoded, as the output a worker decodes
    /// ahead keeps them apart (more made no difference to the time).
    pub spill: u64,
    /// How long the reading thread waits for output of the last block
    /// begun before handing it every byte left: its worker may need more
    /// than [`Tuning::waiting`] bytes before it has a chunk to give (an
    /// honest block gives one every few milliseconds).
    pub hungry: Duration,
}

impl Default for Tuning {
    fn default() -> Tuning {
        Tuning {
            piece: 256 * 1024,
            waiting: 2 << 20,
            spill: 6 << 20,
            hungry: Duration::from_millis(50),
        }
    }
}

pub struct Feed {
    /// `None` once every byte is handed over (dropping it tells the worker).
    tx: Option<Sender<Vec<u8>>>,
    /// The stream header and block header, handed over first.
    head: Vec<u8>,
    /// Block bytes still to be read from the input.
    left: u64,
    /// The index and footer of the block's own stream, handed over last.
    tail: Vec<u8>,
    /// Compressed bytes in one piece.
    piece: usize,
    /// Bytes of the whole block (head, body, tail).
    total: u64,
    /// Bytes handed over, and bytes the worker is done with.
    sent: u64,
    taken: Arc<AtomicU64>,
    pieces: Pool,
}

impl Feed {
    /// The feed of a worker whose block is `head`, then `left` bytes of
    /// the input, then `tail`; the worker adds to `taken` as it finishes
    /// with each piece.
    pub fn new(
        tx: Sender<Vec<u8>>,
        (head, left, tail): (Vec<u8>, u64, Vec<u8>),
        taken: Arc<AtomicU64>,
        (pieces, piece): (Pool, usize),
    ) -> Feed {
        Feed {
            piece: piece.max(1),
            total: (head.len() as u64)
                .saturating_add(left)
                .saturating_add(tail.len() as u64),
            tx: Some(tx),
            head,
            left,
            tail,
            sent: 0,
            taken,
            pieces,
        }
    }

    /// Every byte of the block is handed over (or its worker stopped).
    pub fn done(&self) -> bool {
        self.tx.is_none()
    }

    /// Hands pieces over until at least `want` bytes wait for the worker,
    /// or every byte is handed over. The sender is dropped with the last
    /// piece, so the worker never waits for more than there is.
    pub fn top_up<R: BufRead>(&mut self, input: &mut Counted<R>, want: u64) -> io::Result<()> {
        while self.tx.is_some() && self.waiting() < want {
            let piece = self.next_piece(input)?;
            let Some(tx) = &self.tx else { break };
            let handed = match piece {
                Some(piece) => {
                    self.sent += piece.len() as u64;
                    // A worker that stopped has its error on its output.
                    tx.send(piece).is_ok()
                }
                None => false,
            };
            if !handed || self.read_whole() {
                self.tx = None;
            }
        }
        Ok(())
    }

    /// Hands over every byte left, so the input can be read past the block.
    pub fn hand_over_all<R: BufRead>(&mut self, input: &mut Counted<R>) -> io::Result<()> {
        self.top_up(input, u64::MAX)
    }

    /// Bytes the worker has still to decode.
    pub fn undecoded(&self) -> u64 {
        self.total
            .saturating_sub(self.taken.load(Ordering::Relaxed))
    }

    /// Nothing of the block is left to read.
    fn read_whole(&self) -> bool {
        self.head.is_empty() && self.left == 0 && self.tail.is_empty()
    }

    fn waiting(&self) -> u64 {
        self.sent.saturating_sub(self.taken.load(Ordering::Relaxed))
    }

    fn next_piece<R: BufRead>(&mut self, input: &mut Counted<R>) -> io::Result<Option<Vec<u8>>> {
        if !self.head.is_empty() {
            return Ok(Some(std::mem::take(&mut self.head)));
        }
        if self.left > 0 {
            // Filled to a whole piece (or the block's end), however little
            // the input gives at a time.
            let size = usize::try_from(self.left)
                .unwrap_or(usize::MAX)
                .min(self.piece);
            let mut piece = self.pieces.empty(size);
            while piece.len() < size {
                let buf = input.fill_buf()?;
                let take = buf.len().min(size - piece.len());
                if take == 0 {
                    return Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "xz: the stream stops short inside a block",
                    ));
                }
                piece.extend_from_slice(&buf[..take]);
                input.consume(take);
            }
            self.left -= size as u64;
            return Ok(Some(piece));
        }
        if !self.tail.is_empty() {
            return Ok(Some(std::mem::take(&mut self.tail)));
        }
        Ok(None)
    }
}
