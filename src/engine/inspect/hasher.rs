//! Entry hashing on its own thread. A walker spends about as long inflating
//! as it would hashing what it inflated, so it hands each entry's content
//! to this worker and goes on inflating; the digests come back when the
//! walk ends.
//!
//! Content travels in batches (many entries, one message, one wake-up),
//! read straight into the batch's buffer, and the buffers go back to the
//! walker to be reused: no copy, no allocation per batch, bounded memory.

use std::io::{self, Read};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::{Scope, ScopedJoinHandle};

use sha2::Digest;

/// Batches in flight to the worker.
const DEPTH: usize = 4;
/// A batch is sent once it holds this much content...
const BATCH_BYTES: usize = 256 * 1024;
/// ...or this many entries (archives of many tiny files).
const BATCH_ENTRIES: usize = 1024;
/// Room for one more read past `BATCH_BYTES`.
const BUFFER: usize = BATCH_BYTES + READ;
/// The largest single read: as large as the buffer before it, so a big
/// entry is decoded straight into the batch, not copied through it.
const READ: usize = 256 * 1024;

enum Op {
    Begin(usize),
    /// A range of the batch's bytes.
    Data(usize, usize),
    End,
}

struct Batch {
    bytes: Vec<u8>,
    used: usize,
    ops: Vec<Op>,
    entries: usize,
}

impl Batch {
    fn with(bytes: Vec<u8>) -> Self {
        Batch {
            bytes,
            used: 0,
            ops: Vec::new(),
            entries: 0,
        }
    }
}

/// What the worker computed for one entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hashed {
    pub sha256: [u8; 32],
    /// CRC-32 (zip's checksum), when asked for.
    pub crc32: u32,
    /// MD5 (a Debian package's `md5sums`), when asked for.
    pub md5: Option<[u8; 16]>,
    pub size: u64,
}

/// The sums computed beside SHA-256.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Also {
    pub crc32: bool,
    pub md5: bool,
}

/// The walker's end of the worker.
pub struct EntryHasher {
    tx: Option<SyncSender<Batch>>,
    /// Buffers the worker is done with.
    returned: Receiver<Vec<u8>>,
    batch: Batch,
}

/// Starts the worker inside `scope` (computing CRC-32 too when `crc`);
/// join the handle for the digests, by entry index.
pub fn start<'scope>(
    scope: &'scope Scope<'scope, '_>,
    crc: bool,
) -> (EntryHasher, ScopedJoinHandle<'scope, Vec<(usize, Hashed)>>) {
    start_with(
        scope,
        Also {
            crc32: crc,
            md5: false,
        },
    )
}

/// Starts the worker, computing `also` beside SHA-256.
pub fn start_with<'scope>(
    scope: &'scope Scope<'scope, '_>,
    also: Also,
) -> (EntryHasher, ScopedJoinHandle<'scope, Vec<(usize, Hashed)>>) {
    let (tx, rx) = sync_channel(DEPTH);
    let (give_back, returned) = sync_channel(DEPTH + 2);
    let handle = scope.spawn(move || work(rx, give_back, also));
    let hasher = EntryHasher {
        tx: Some(tx),
        returned,
        batch: Batch::with(vec![0u8; BUFFER]),
    };
    (hasher, handle)
}

/// One entry's sums as its content goes by.
struct Sums {
    index: usize,
    sha: sha2::Sha256,
    crc: Option<crc32fast::Hasher>,
    md5: Option<md5::Md5>,
    size: u64,
}

impl Sums {
    fn new(index: usize, also: Also) -> Sums {
        Sums {
            index,
            sha: sha2::Sha256::new(),
            crc: also.crc32.then(crc32fast::Hasher::new),
            md5: also.md5.then(md5::Md5::new),
            size: 0,
        }
    }

    fn update(&mut self, chunk: &[u8]) {
        self.sha.update(chunk);
        if let Some(crc) = &mut self.crc {
            crc.update(chunk);
        }
        if let Some(md5) = &mut self.md5 {
            md5.update(chunk);
        }
        self.size += chunk.len() as u64;
    }

    fn finish(self) -> (usize, Hashed) {
        let hashed = Hashed {
            sha256: self.sha.finalize().into(),
            crc32: self.crc.map_or(0, crc32fast::Hasher::finalize),
            md5: self.md5.map(|m| m.finalize().into()),
            size: self.size,
        };
        (self.index, hashed)
    }
}

fn work(rx: Receiver<Batch>, give_back: SyncSender<Vec<u8>>, also: Also) -> Vec<(usize, Hashed)> {
    let mut done = Vec::new();
    let mut current: Option<Sums> = None;
    for batch in rx {
        for op in &batch.ops {
            match *op {
                Op::Begin(index) => current = Some(Sums::new(index, also)),
                Op::Data(from, to) => {
                    if let (Some(sums), Some(chunk)) = (&mut current, batch.bytes.get(from..to)) {
                        sums.update(chunk);
                    }
                }
                Op::End => done.extend(current.take().map(Sums::finish)),
            }
        }
        // The walker may have stopped taking buffers back; then they are dropped.
        let _ = give_back.try_send(batch.bytes);
    }
    done
}

impl EntryHasher {
    fn flush(&mut self) {
        if self.batch.ops.is_empty() {
            return;
        }
        let fresh = self
            .returned
            .try_recv()
            .unwrap_or_else(|_| vec![0u8; BUFFER]);
        let batch = std::mem::replace(&mut self.batch, Batch::with(fresh));
        // A worker that is gone only loses digests; the walk itself goes on.
        if let Some(tx) = &self.tx
            && tx.send(batch).is_err()
        {
            self.tx = None;
        }
    }

    pub fn begin(&mut self, index: usize) {
        self.batch.ops.push(Op::Begin(index));
    }

    /// Reads up to `max` bytes of content from `r` straight into the batch.
    pub fn read_from(&mut self, r: &mut impl Read, max: usize) -> io::Result<usize> {
        self.read_into_batch(r, max, None)
    }

    /// As [`EntryHasher::read_from`], also appending what was read to
    /// `kept` (a small file whose text a kind reads, such as a package's
    /// control file).
    pub fn read_keeping(
        &mut self,
        r: &mut impl Read,
        max: usize,
        kept: &mut Vec<u8>,
    ) -> io::Result<usize> {
        self.read_into_batch(r, max, Some(kept))
    }

    fn read_into_batch(
        &mut self,
        r: &mut impl Read,
        max: usize,
        kept: Option<&mut Vec<u8>>,
    ) -> io::Result<usize> {
        let want = max.min(READ);
        if self.batch.used + want > self.batch.bytes.len() {
            self.flush();
        }
        let from = self.batch.used;
        let n = r.read(&mut self.batch.bytes[from..from + want])?;
        if n > 0 {
            if let Some(kept) = kept {
                kept.extend_from_slice(&self.batch.bytes[from..from + n]);
            }
            self.batch.used += n;
            self.batch.ops.push(Op::Data(from, from + n));
            if self.batch.used >= BATCH_BYTES {
                self.flush();
            }
        }
        Ok(n)
    }

    /// Content already in memory (copied into the batch).
    pub fn data(&mut self, mut chunk: &[u8]) {
        while !chunk.is_empty() {
            // Reading from a slice cannot fail.
            let n = self.read_from(&mut chunk, usize::MAX).unwrap_or(0);
            if n == 0 {
                break;
            }
        }
    }

    pub fn end(&mut self) {
        self.batch.ops.push(Op::End);
        self.batch.entries += 1;
        if self.batch.entries >= BATCH_ENTRIES {
            self.flush();
        }
    }

    /// Sends what is left and ends the stream of work.
    pub fn finish(mut self) {
        self.flush();
        self.tx = None;
    }
}
