//! A worker of the parallel reader: one block, given as a stream of its
//! own in pieces as the reader reads it ([`super::feed`]), decoded on a
//! thread of its own, its output handed over in chunks (at most [`AHEAD`]
//! of them ahead of the reader).

use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, Sender, SyncSender, channel, sync_channel};

use super::crew::Crew;
use super::decoder::Decoder;
use super::explain;
use super::pool::Pool;

/// The size of each chunk of output.
const CHUNK: usize = 256 * 1024;
/// Chunks a worker decodes ahead of the reader (18 MiB: three quarters
/// of a block of `xz -6` multi-threaded output). The worker of the next
/// block waits once it is this far ahead; the two then run about half a
/// block apart, so each block starts as the one before it is half given
/// out. Blocks decode at different speeds (the text, the incompressible),
/// and with only half a block ahead the next often waited: the review of
/// a 417 MiB package took 8% longer with 12 MiB; 24 MiB held some 10 MiB
/// more at the peak.
pub(super) const AHEAD: usize = 72;

/// The ends of a worker: where its pieces go, how many bytes of them it
/// is done with, and its output.
pub(super) struct Ends {
    pub pieces: Sender<Vec<u8>>,
    pub taken: Arc<AtomicU64>,
    pub output: Receiver<io::Result<Vec<u8>>>,
}

/// Decodes one block (given as a stream of its own, in pieces sent to
/// [`Ends::pieces`]) on a thread of the crew, handing its output over in
/// chunks on [`Ends::output`].
pub(super) fn spawn_worker(
    crew: &mut Crew,
    dictionary: Option<u64>,
    cap: u64,
    (chunks, pieces): (Pool, Pool),
) -> io::Result<Ends> {
    let decoder = Decoder::new(cap)?;
    let (tx, output) = sync_channel(AHEAD);
    let (pieces_tx, pieces_rx) = channel();
    let taken = Arc::new(AtomicU64::new(0));
    let counted = Arc::clone(&taken);
    crew.run(move || {
        let input = Input {
            pieces: pieces_rx,
            taken: counted,
            spent: pieces,
        };
        decode_block(decoder, input, (dictionary, cap), &chunks, &tx);
    });
    Ok(Ends {
        pieces: pieces_tx,
        taken,
        output,
    })
}

/// The worker's side of its feed.
struct Input {
    pieces: Receiver<Vec<u8>>,
    taken: Arc<AtomicU64>,
    spent: Pool,
}

impl Input {
    /// The next piece in place of the spent one; `false` once every piece
    /// is here.
    fn next(&self, piece: &mut Vec<u8>) -> bool {
        self.taken.fetch_add(piece.len() as u64, Ordering::Relaxed);
        match self.pieces.recv() {
            Ok(next) => {
                self.spent.give(std::mem::replace(piece, next));
                true
            }
            Err(_) => {
                self.spent.give(std::mem::take(piece));
                false
            }
        }
    }
}

fn decode_block(
    mut stream: Decoder,
    input: Input,
    (dictionary, cap): (Option<u64>, u64),
    chunks: &Pool,
    tx: &SyncSender<io::Result<Vec<u8>>>,
) {
    let (mut piece, mut at, mut last) = (Vec::new(), 0, false);
    let mut chunk = chunks.zeroed(CHUNK);
    let mut filled = 0;
    loop {
        if at >= piece.len() && !last {
            last = !input.next(&mut piece);
            at = 0;
            continue;
        }
        let rest = piece.get(at..).unwrap_or_default();
        let (step, failed) = stream.process(rest, &mut chunk[filled..], last);
        if let Some(failed) = failed {
            let _ = tx.send(Err(explain(failed, dictionary, cap)));
            return;
        }
        at += step.consumed;
        filled += step.produced;
        if filled == CHUNK || (step.ended && filled > 0) {
            chunk.truncate(filled);
            if tx.send(Ok(chunk)).is_err() {
                return; // the reader has gone
            }
            (chunk, filled) = (chunks.zeroed(CHUNK), 0);
        }
        if step.ended {
            return;
        }
        let stuck = step.consumed == 0 && step.produced == 0 && (last || at < piece.len());
        if stuck {
            let _ = tx.send(Err(invalid("xz: a block could not be decoded".into())));
            return;
        }
    }
}

pub(super) fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message)
}
