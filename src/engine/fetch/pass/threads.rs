//! The pass's other threads, each fed the chunks over a bounded channel of
//! its own: the second hashing lane, the stream consumer (reading them
//! through a [`ChunkReader`]) and the copy to a file.

use std::io::{self, BufRead, Read, Write};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::{Scope, ScopedJoinHandle};

use super::{DEPTH, Hashers, StreamConsumer};

/// A thread fed the pass's chunks over a bounded channel of its own.
pub(super) struct Worker<'scope, R> {
    pub(super) tx: SyncSender<Arc<[u8]>>,
    handle: ScopedJoinHandle<'scope, R>,
}

impl<'scope, R: Send + 'scope> Worker<'scope, R> {
    pub(super) fn spawn<'env>(
        scope: &'scope Scope<'scope, 'env>,
        work: impl FnOnce(Receiver<Arc<[u8]>>) -> R + Send + 'scope,
    ) -> Self {
        let (tx, rx) = sync_channel::<Arc<[u8]>>(DEPTH);
        let handle = scope.spawn(move || work(rx));
        Worker { tx, handle }
    }

    /// Closes the channel, so the thread sees the end of the bytes, and
    /// waits for what it returns.
    pub(super) fn finish(self) -> std::thread::Result<R> {
        drop(self.tx);
        self.handle.join()
    }
}

/// The second lane: hashes every chunk into the contexts it was given.
pub(super) fn hash_lane(rx: Receiver<Arc<[u8]>>, mut hashers: Hashers) -> Hashers {
    for chunk in rx {
        for (_, h) in &mut hashers {
            h.update(&chunk);
        }
    }
    hashers
}

/// Runs a stream consumer over the chunks.
pub(super) fn consume_stream<T>(rx: Receiver<Arc<[u8]>>, consume: StreamConsumer<'_, T>) -> T {
    let mut reader = ChunkReader::new(rx);
    let result = consume(&mut reader);
    // Dropping the reader closes the channel: the pump stops sending.
    drop(reader);
    result
}

/// Writes the chunks to `file`, leaving out the first `copy_skip` bytes
/// (already there); returns how many bytes the file then holds.
pub(super) fn copy_chunks(
    rx: Receiver<Arc<[u8]>>,
    file: &mut std::fs::File,
    copy_skip: u64,
) -> io::Result<u64> {
    let (mut seen, mut written) = (0u64, 0u64);
    for chunk in rx {
        let skip = copy_skip.saturating_sub(seen).min(chunk.len() as u64) as usize;
        seen += chunk.len() as u64;
        file.write_all(&chunk[skip..])?;
        written += (chunk.len() - skip) as u64;
    }
    Ok(written + copy_skip.min(seen))
}

/// `Read` over the chunks of the pass, for a stream consumer.
pub struct ChunkReader {
    rx: Receiver<Arc<[u8]>>,
    current: Arc<[u8]>,
    pos: usize,
    /// Bytes handed out so far (the offset for error messages).
    pub offset: u64,
}

impl ChunkReader {
    fn new(rx: Receiver<Arc<[u8]>>) -> Self {
        ChunkReader {
            rx,
            current: Arc::from(&[][..]),
            pos: 0,
            offset: 0,
        }
    }
}

impl Read for ChunkReader {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(out.len());
        out[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

/// Decoders read the shared chunks in place: no copy into another buffer.
impl BufRead for ChunkReader {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        while self.pos >= self.current.len() {
            match self.rx.recv() {
                Ok(chunk) => {
                    self.current = chunk;
                    self.pos = 0;
                }
                Err(_) => return Ok(&[]),
            }
        }
        Ok(&self.current[self.pos..])
    }

    fn consume(&mut self, amt: usize) {
        let amt = amt.min(self.current.len() - self.pos);
        self.pos += amt;
        self.offset += amt as u64;
    }
}
