//! Inflating a gzip stream as a stage of its own. Inflating is the slowest
//! part of reading a tar.gz; on its own thread it never waits for the tar
//! walker or for hashing, which share the other core. Each chunk carries
//! the compressed offset it was inflated up to, so the bomb meter on the
//! walker's side sees exact ratios; buffers go back to be reused.

use std::cell::Cell;
use std::io::{self, BufRead, Read};
use std::rc::Rc;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use super::meter::{Counted, Counter};

/// Chunks in flight between the stages.
const DEPTH: usize = 4;
const CHUNK: usize = 1024 * 1024;

enum Chunk {
    Data {
        bytes: Vec<u8>,
        len: usize,
        compressed: u64,
    },
    Failed {
        kind: io::ErrorKind,
        message: String,
        compressed: u64,
    },
}

/// The inflated stream, on the consuming side.
pub struct Inflated {
    rx: Receiver<Chunk>,
    give_back: SyncSender<Vec<u8>>,
    current: Vec<u8>,
    len: usize,
    pos: usize,
    compressed: Counter,
}

impl Inflated {
    /// Compressed bytes consumed up to the chunk being read.
    pub fn counter(&self) -> Counter {
        Rc::clone(&self.compressed)
    }
}

impl Read for Inflated {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        while self.pos >= self.len {
            match self.rx.recv() {
                Ok(Chunk::Data {
                    bytes,
                    len,
                    compressed,
                }) => {
                    let old = std::mem::replace(&mut self.current, bytes);
                    if old.len() == CHUNK {
                        let _ = self.give_back.try_send(old);
                    }
                    self.len = len;
                    self.pos = 0;
                    self.compressed.set(compressed);
                }
                Ok(Chunk::Failed {
                    kind,
                    message,
                    compressed,
                }) => {
                    self.compressed.set(compressed);
                    return Err(io::Error::new(kind, message));
                }
                Err(_) => return Ok(0),
            }
        }
        let n = (self.len - self.pos).min(out.len());
        out[..n].copy_from_slice(&self.current[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// Inflates `compressed` (gzip, possibly several members) on this thread
/// while `consume` reads the result on another; returns what it returns.
pub fn gunzip_alongside<R: BufRead, T: Send>(
    compressed: R,
    consume: impl FnOnce(Inflated) -> T + Send,
) -> Option<T> {
    let counted = Counted::new(compressed);
    let consumed = counted.counter();
    let mut gz = flate2::bufread::MultiGzDecoder::new(counted);
    let (tx, rx) = sync_channel(DEPTH);
    let (give_back, returned) = sync_channel::<Vec<u8>>(DEPTH + 2);
    std::thread::scope(|scope| {
        let consumer = scope.spawn(move || {
            consume(Inflated {
                rx,
                give_back,
                current: Vec::new(),
                len: 0,
                pos: 0,
                compressed: Rc::new(Cell::new(0)),
            })
        });
        pump(&mut gz, &tx, &returned, &consumed);
        drop(tx);
        consumer.join().ok()
    })
}

fn pump(
    gz: &mut impl Read,
    tx: &SyncSender<Chunk>,
    returned: &Receiver<Vec<u8>>,
    consumed: &Counter,
) {
    loop {
        let mut bytes = returned
            .try_recv()
            .ok()
            .filter(|b| b.len() == CHUNK)
            .unwrap_or_else(|| vec![0u8; CHUNK]);
        let mut len = 0;
        // Fill the chunk (the decoder returns less than asked at member ends).
        let failure = loop {
            if len == bytes.len() {
                break None;
            }
            match gz.read(&mut bytes[len..]) {
                Ok(0) => break None,
                Ok(n) => len += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => break Some(e),
            }
        };
        if len > 0
            && tx
                .send(Chunk::Data {
                    bytes,
                    len,
                    compressed: consumed.get(),
                })
                .is_err()
        {
            return; // The consumer stopped (a bomb, a corrupt archive): inflate no further.
        }
        if let Some(e) = failure {
            let _ = tx.send(Chunk::Failed {
                kind: e.kind(),
                message: e.to_string(),
                compressed: consumed.get(),
            });
            return;
        }
        if len < CHUNK {
            return; // The end of the stream.
        }
    }
}
