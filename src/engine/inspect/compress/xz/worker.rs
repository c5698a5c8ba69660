//! A worker of the parallel reader: one block, given as a stream of its
//! own, decoded on a thread of its own, its output handed over in chunks
//! (at most [`AHEAD`] of them ahead of the reader).

use std::io;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use super::decoder::Decoder;
use super::explain;
use super::pool::Pool;

/// The size of each chunk of output.
const CHUNK: usize = 256 * 1024;
/// Chunks a worker decodes ahead of the reader (24 MiB: a whole block of
/// `xz -6` multi-threaded output, so the next block decodes while this one
/// is read; with less, the second thread waits most of the time).
pub(super) const AHEAD: usize = 96;

/// Decodes one block (given as a stream of its own) on a thread of its
/// own, handing its output over in chunks.
pub(super) fn spawn_worker(
    bytes: Vec<u8>,
    dictionary: Option<u64>,
    cap: u64,
    (chunks, blocks): (Pool, Pool),
) -> io::Result<Receiver<io::Result<Vec<u8>>>> {
    let decoder = Decoder::new(cap)?;
    let (tx, rx) = sync_channel(AHEAD);
    std::thread::spawn(move || {
        decode_block(decoder, &bytes, (dictionary, cap), &chunks, &tx);
        blocks.give(bytes);
    });
    Ok(rx)
}

fn decode_block(
    mut stream: Decoder,
    bytes: &[u8],
    (dictionary, cap): (Option<u64>, u64),
    chunks: &Pool,
    tx: &SyncSender<io::Result<Vec<u8>>>,
) {
    let mut at = 0;
    loop {
        let mut chunk = chunks.zeroed(CHUNK);
        let mut filled = 0;
        let mut ended = false;
        while filled < CHUNK && !ended {
            let rest = bytes.get(at..).unwrap_or_default();
            let (step, failed) = stream.process(rest, &mut chunk[filled..], rest.is_empty());
            if let Some(failed) = failed {
                let _ = tx.send(Err(explain(failed, dictionary, cap)));
                return;
            }
            at += step.consumed;
            filled += step.produced;
            ended = step.ended;
            if !ended && step.consumed == 0 && step.produced == 0 {
                let _ = tx.send(Err(invalid("xz: a block could not be decoded".into())));
                return;
            }
        }
        chunk.truncate(filled);
        if filled > 0 && tx.send(Ok(chunk)).is_err() {
            return; // the reader has gone
        }
        if ended {
            return;
        }
    }
}

pub(super) fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message)
}
