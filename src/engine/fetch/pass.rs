//! The one read of the artifact. [`read_once`] pulls the bytes a single
//! time and feeds every consumer: the hash contexts the checksum and the
//! signatures need (one context per distinct algorithm/salt/text-mode, so a
//! SHA-256 checksum and a v4 SHA-256 signature share one pass of SHA-256)
//! and, optionally, a streaming consumer such as the archive walker.
//!
//! Work is split over threads so both cores are used: the reading thread
//! hashes the first context, a second lane hashes the rest, and the stream
//! consumer reads from its own thread. Chunks are shared, not copied, and
//! the channels are bounded, so memory stays at a few MiB whatever the size.

use std::io::{self, Read};
use std::sync::Arc;
use std::sync::mpsc::SyncSender;
use std::time::{Duration, Instant};

use crate::engine::fetch::hashers::{Digests, HashKey, Hasher};
use crate::engine::shared::event::Cancel;

mod threads;

pub use threads::ChunkReader;
use threads::{Worker, consume_stream, copy_chunks, hash_lane};

/// Read size: large enough for full hashing speed, small enough for memory.
const CHUNK: usize = 1 << 20;
/// Chunks in flight per lane.
const DEPTH: usize = 4;
/// The longest a chunk is held while gathering small network reads.
const FILL_WAIT: Duration = Duration::from_millis(50);
/// Progress is reported every this many bytes, or after
/// [`PROGRESS_INTERVAL`] on a slow link, whichever comes first.
const PROGRESS_EVERY: u64 = 4 << 20;
const PROGRESS_INTERVAL: Duration = Duration::from_millis(200);

/// What came out of the pass.
#[derive(Debug)]
pub struct PassOutput<T> {
    pub bytes: u64,
    pub digests: Digests,
    /// The stream consumer's result, if there was one.
    pub consumed: Option<T>,
    /// Whether every byte reached `copy_to`.
    pub copied: bool,
}

/// Why the pass stopped.
#[derive(Debug, thiserror::Error)]
pub enum PassError {
    #[error(
        "read failed after {offset} bytes: {}",
        crate::engine::shared::error::describe_io(source)
    )]
    Read { offset: u64, source: io::Error },
    #[error("more than {limit} bytes: refused")]
    TooLong { limit: u64 },
    #[error("cancelled")]
    Cancelled,
    #[error("a worker stopped unexpectedly")]
    Worker,
}

/// How a pass runs.
#[derive(Debug, Default)]
pub struct PassOptions<'a> {
    /// Refuse more bytes than this (endless-data defence for downloads).
    pub limit: Option<u64>,
    /// Hash on another thread than the one reading: a download's reading
    /// thread is busy receiving and writing the cache file.
    pub hash_off_reader: bool,
    /// Also write the bytes here, on their own thread (the store's staging
    /// copy, or a download's cache file: the very bytes that were hashed).
    pub copy_to: Option<&'a mut std::fs::File>,
    /// Bytes at the start not to copy (a resumed download's cached part).
    pub copy_skip: u64,
}

/// A consumer that reads the artifact as a stream on its own thread.
pub type StreamConsumer<'a, T> = Box<dyn FnOnce(&mut ChunkReader) -> T + Send + 'a>;

/// Reads `reader` once, feeding every hash context in `keys` and the
/// optional stream consumer. Stops with [`PassError::TooLong`] past
/// `limit` bytes (endless-data defence for network sources).
pub fn read_once<T: Send>(
    reader: &mut dyn Read,
    keys: &[HashKey],
    consumer: Option<StreamConsumer<'_, T>>,
    options: PassOptions<'_>,
    progress: &mut dyn FnMut(u64),
    cancel: &Cancel,
) -> Result<PassOutput<T>, PassError> {
    let (mut first, second) = lanes(keys, options.hash_off_reader);
    let PassOptions {
        limit,
        copy_to,
        copy_skip,
        ..
    } = options;
    std::thread::scope(|scope| {
        let lane =
            (!second.is_empty()).then(|| Worker::spawn(scope, move |rx| hash_lane(rx, second)));
        let stream =
            consumer.map(|consume| Worker::spawn(scope, move |rx| consume_stream(rx, consume)));
        let copy =
            copy_to.map(|file| Worker::spawn(scope, move |rx| copy_chunks(rx, file, copy_skip)));
        let mut consumers = Consumers {
            hashers: &mut first,
            lane: lane.as_ref().map(|w| &w.tx),
            taps: [stream.as_ref().map(|w| &w.tx), copy.as_ref().map(|w| &w.tx)]
                .into_iter()
                .flatten()
                .map(|tx| Tap { tx, open: true })
                .collect(),
        };
        let result = pump(reader, &mut consumers, limit, progress, cancel);
        drop(consumers);
        let second = match lane.map(Worker::finish) {
            Some(Ok(v)) => v,
            Some(Err(_)) => return Err(PassError::Worker),
            None => Vec::new(),
        };
        let consumed = match stream.map(Worker::finish) {
            Some(Ok(v)) => Some(v),
            Some(Err(_)) => return Err(PassError::Worker),
            None => None,
        };
        let written = copy.and_then(|w| w.finish().ok()).and_then(Result::ok);
        let bytes = result?;
        Ok(PassOutput {
            bytes,
            digests: Digests::finish(first.into_iter().chain(second)),
            consumed,
            copied: written == Some(bytes),
        })
    })
}

/// Hash contexts with the keys they were made for.
type Hashers = Vec<(HashKey, Hasher)>;

/// One hasher per distinct key, in two lanes: the reading thread keeps the
/// first context and a second thread hashes the rest, unless the reading
/// thread has enough to do already (`hash_off_reader`: it gets none).
fn lanes(keys: &[HashKey], hash_off_reader: bool) -> (Hashers, Hashers) {
    let mut keys: Vec<HashKey> = keys.to_vec();
    keys.sort();
    keys.dedup();
    let mut hashers: Hashers = keys
        .into_iter()
        .filter_map(|k| Hasher::new(&k).map(|h| (k, h)))
        .collect();
    let keep = if hash_off_reader { 0 } else { 1 };
    let second = if hashers.len() > keep {
        hashers.split_off(keep)
    } else {
        Vec::new()
    };
    (hashers, second)
}

/// A thread that takes the chunks but may stop early (an archive walker
/// that found a bomb, a copy whose disk is full): the pass goes on.
struct Tap<'a> {
    tx: &'a SyncSender<Arc<[u8]>>,
    open: bool,
}

/// Everything the reading thread hands each chunk to.
struct Consumers<'a> {
    /// The contexts hashed on the reading thread itself.
    hashers: &'a mut [(HashKey, Hasher)],
    /// The second hashing lane, if there is one: it must take every chunk.
    lane: Option<&'a SyncSender<Arc<[u8]>>>,
    taps: Vec<Tap<'a>>,
}

impl Consumers<'_> {
    fn feed(&mut self, data: &[u8]) -> Result<(), PassError> {
        // Chunks are shared with other threads only when there are any.
        if self.lane.is_some() || self.taps.iter().any(|t| t.open) {
            let chunk: Arc<[u8]> = Arc::from(data);
            if let Some(lane) = self.lane {
                lane.send(Arc::clone(&chunk))
                    .map_err(|_| PassError::Worker)?;
            }
            for tap in self.taps.iter_mut().filter(|t| t.open) {
                tap.open = tap.tx.send(Arc::clone(&chunk)).is_ok();
            }
        }
        for (_, h) in self.hashers.iter_mut() {
            h.update(data);
        }
        Ok(())
    }
}

/// Reads chunk after chunk into `consumers` until the end of the bytes, a
/// read error, the limit or a cancel. Returns how many bytes were read.
fn pump(
    reader: &mut dyn Read,
    consumers: &mut Consumers<'_>,
    limit: Option<u64>,
    progress: &mut dyn FnMut(u64),
    cancel: &Cancel,
) -> Result<u64, PassError> {
    let mut total: u64 = 0;
    let mut ticker = Ticker::new();
    let mut buf = vec![0u8; CHUNK];
    let mut failed: Option<io::Error> = None;
    loop {
        if cancel.is_cancelled() {
            return Err(PassError::Cancelled);
        }
        if let Some(source) = failed.take() {
            return Err(PassError::Read {
                offset: total,
                source,
            });
        }
        let (n, error) = fill(reader, &mut buf);
        if n == 0 {
            match error {
                Some(source) => {
                    return Err(PassError::Read {
                        offset: total,
                        source,
                    });
                }
                None => break,
            }
        }
        // What arrived before a failure is still hashed and kept.
        failed = error;
        total += n as u64;
        if let Some(limit) = limit
            && total > limit
        {
            return Err(PassError::TooLong { limit });
        }
        consumers.feed(&buf[..n])?;
        if ticker.due(total) {
            progress(total);
        }
    }
    progress(total);
    Ok(total)
}

/// Reads into `buf` until it is full, the bytes end or a read fails.
/// Network reads come in small pieces: a full chunk costs the other
/// threads one wake-up, but no chunk is held longer than [`FILL_WAIT`], so
/// a slow link still shows progress.
fn fill(reader: &mut dyn Read, buf: &mut [u8]) -> (usize, Option<io::Error>) {
    let started = Instant::now();
    let mut n = 0;
    while n < buf.len() {
        match reader.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return (n, Some(e)),
        }
        if started.elapsed() > FILL_WAIT {
            break;
        }
    }
    (n, None)
}

/// When progress is next reported: every [`PROGRESS_EVERY`] bytes, or
/// after [`PROGRESS_INTERVAL`] on a slow link.
struct Ticker {
    next: u64,
    last: Instant,
}

impl Ticker {
    fn new() -> Self {
        Ticker {
            next: PROGRESS_EVERY,
            last: Instant::now(),
        }
    }

    /// Whether to report `total` now (and when next, if so).
    fn due(&mut self, total: u64) -> bool {
        let due = total >= self.next || self.last.elapsed() >= PROGRESS_INTERVAL;
        if due {
            self.next = total + PROGRESS_EVERY;
            self.last = Instant::now();
        }
        due
    }
}

#[cfg(test)]
mod tests;
