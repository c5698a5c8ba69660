//! Decompressing as a stage of its own. Decompressing is the slowest part
//! of reading a compressed tar; on its own thread it never waits for the
//! tar walker or for hashing, which share the other core. Each chunk carries
//! the compressed offsets it was inflated from, every [`GRANULE`] bytes of
//! output, so the bomb meter on the walker's side attributes compressed
//! bytes to the entry they belong to (not to whichever entry was being read
//! when the chunk arrived); buffers go back to be reused.

use std::cell::Cell;
use std::io::{self, BufRead, Read};
use std::rc::Rc;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use crate::engine::inspect::meter::{Counted, Counter, Refused};

/// Chunks in flight between the stages.
const DEPTH: usize = 4;
/// Bytes in one chunk: a quarter of what it was, the same speed, 5 MiB
/// less held between the stages.
const CHUNK: usize = 256 * 1024;
/// Output bytes per decoder call: the compressed offset is known at least
/// this finely, so an entry is misattributed at most the compressed bytes
/// of this much output, plus what the decoder reads ahead of its output:
/// inflate's 32 KiB, a bzip2 block; the zstd reader sets the counter to
/// where its late output was decoded.
const GRANULE: usize = 256 * 1024;

/// `(end of output in the chunk, compressed bytes consumed to produce it)`.
type Mark = (usize, u64);

enum Chunk {
    Data {
        bytes: Vec<u8>,
        len: usize,
        marks: Vec<Mark>,
    },
    Failed {
        kind: io::ErrorKind,
        message: String,
        /// A deliberate refusal goes across as itself, so the walker says
        /// it as it is rather than as corruption.
        refused: Option<Refused>,
        compressed: u64,
    },
}

/// The decompressed stream, on the consuming side.
pub struct Decoded {
    rx: Receiver<Chunk>,
    give_back: SyncSender<Vec<u8>>,
    current: Vec<u8>,
    len: usize,
    pos: usize,
    marks: Vec<Mark>,
    /// The first mark at or after `pos`.
    mark: usize,
    compressed: Counter,
}

impl Decoded {
    /// Compressed bytes consumed up to the chunk being read.
    pub fn counter(&self) -> Counter {
        Rc::clone(&self.compressed)
    }
}

impl Read for Decoded {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        while self.pos >= self.len {
            match self.rx.recv() {
                Ok(Chunk::Data { bytes, len, marks }) => {
                    let old = std::mem::replace(&mut self.current, bytes);
                    if old.len() == CHUNK {
                        let _ = self.give_back.try_send(old);
                    }
                    self.len = len;
                    self.pos = 0;
                    self.marks = marks;
                    self.mark = 0;
                }
                Ok(Chunk::Failed {
                    kind,
                    message,
                    refused,
                    compressed,
                }) => {
                    self.compressed.set(compressed);
                    return Err(match refused {
                        Some(refused) => io::Error::new(kind, refused),
                        None => io::Error::new(kind, message),
                    });
                }
                Err(_) => return Ok(0),
            }
        }
        let n = (self.len - self.pos).min(out.len());
        out[..n].copy_from_slice(&self.current[self.pos..self.pos + n]);
        self.pos += n;
        // The compressed bytes it took to produce everything read so far.
        while self.marks.get(self.mark).is_some_and(|m| m.0 < self.pos) {
            self.mark += 1;
        }
        if let Some((_, compressed)) = self.marks.get(self.mark) {
            self.compressed.set(*compressed);
        }
        Ok(n)
    }
}

/// Decompresses `compressed` on this thread with the decoder `open` makes
/// over it (which reads through the counter of compressed bytes), while
/// `consume` reads the result on another; returns what it returns.
pub fn decode_alongside<R: BufRead, D: Read, T: Send>(
    compressed: R,
    open: impl FnOnce(Counted<R>) -> D,
    consume: impl FnOnce(Decoded) -> T + Send,
) -> Option<T> {
    let counted = Counted::new(compressed);
    let consumed = counted.counter();
    let mut decoder = open(counted);
    let (tx, rx) = sync_channel(DEPTH);
    let (give_back, returned) = sync_channel::<Vec<u8>>(DEPTH + 2);
    std::thread::scope(|scope| {
        let consumer = scope.spawn(move || {
            consume(Decoded {
                rx,
                give_back,
                current: Vec::new(),
                len: 0,
                pos: 0,
                marks: Vec::new(),
                mark: 0,
                compressed: Rc::new(Cell::new(0)),
            })
        });
        pump(&mut decoder, &tx, &returned, &consumed);
        drop(tx);
        consumer.join().ok()
    })
}

fn pump(
    decoder: &mut impl Read,
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
        let mut marks = Vec::with_capacity(CHUNK / GRANULE + 1);
        // Fill the chunk a granule at a time (the decoder returns less than
        // asked at member ends), marking the compressed offset each time.
        let failure = loop {
            if len == bytes.len() {
                break None;
            }
            let end = (len + GRANULE).min(bytes.len());
            match decoder.read(&mut bytes[len..end]) {
                Ok(0) => break None,
                Ok(n) => {
                    len += n;
                    marks.push((len, consumed.get()));
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => break Some(e),
            }
        };
        if len > 0 && tx.send(Chunk::Data { bytes, len, marks }).is_err() {
            return; // The consumer stopped (a bomb, a corrupt archive): decode no further.
        }
        if let Some(e) = failure {
            let refused = e.get_ref().and_then(|i| i.downcast_ref::<Refused>());
            let _ = tx.send(Chunk::Failed {
                kind: e.kind(),
                message: e.to_string(),
                refused: refused.cloned(),
                compressed: consumed.get(),
            });
            return;
        }
        if len < CHUNK {
            return; // The end of the stream.
        }
    }
}
