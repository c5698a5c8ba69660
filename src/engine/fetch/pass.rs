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

use std::collections::BTreeMap;
use std::io::{self, BufRead, Read, Write};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::time::{Duration, Instant};

use openpgp::crypto::hash::Context;
use openpgp::packet::Signature;
use openpgp::types::{HashAlgorithm, SignatureType};
use sequoia_openpgp as openpgp;

use crate::engine::shared::event::Cancel;

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

/// What one hash context covers: the algorithm, the salt prepended by v6
/// signatures, and whether line endings are normalised (text signatures).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct HashKey {
    pub algo: HashAlgorithm,
    pub salt: Vec<u8>,
    pub text: bool,
}

impl HashKey {
    pub fn plain(algo: HashAlgorithm) -> Self {
        HashKey {
            algo,
            salt: Vec::new(),
            text: false,
        }
    }

    /// The context a document signature needs.
    pub fn for_signature(sig: &Signature) -> Self {
        HashKey {
            algo: sig.hash_algo(),
            salt: sig.salt().map(<[u8]>::to_vec).unwrap_or_default(),
            text: sig.typ() == SignatureType::Text,
        }
    }
}

/// A hash context with optional text-mode line-ending normalisation.
struct Hasher {
    ctx: Context,
    /// `Some(carriage returns held back)` in text mode.
    text: Option<u64>,
}

impl Hasher {
    fn new(key: &HashKey) -> Option<Hasher> {
        let mut ctx = key.algo.context().ok()?.for_signature(4);
        if !key.salt.is_empty() {
            ctx.update(&key.salt);
        }
        Some(Hasher {
            ctx,
            text: key.text.then_some(0),
        })
    }

    fn update(&mut self, data: &[u8]) {
        match &mut self.text {
            None => self.ctx.update(data),
            Some(held) => canonicalise_text(&mut self.ctx, data, held),
        }
    }

    /// The finished context: carriage returns still held at the end of the
    /// data belong to a last line and are dropped, as GnuPG drops them.
    fn finish(self) -> Context {
        self.ctx
    }
}

/// OpenPGP text mode, as GnuPG hashes it when it verifies a text
/// signature (and so as operators check one): lines end at LF; the carriage
/// returns just before a line's end are dropped and the end is hashed as
/// CRLF. So `a\n` and `a\r\n` hash alike, while a lone CR inside a line is
/// not a line end and is hashed as it is. Carriage returns are held back
/// (`held` counts them) until the next byte says whether they end a line.
fn canonicalise_text(ctx: &mut Context, data: &[u8], held: &mut u64) {
    let mut start = 0;
    for (i, &b) in data.iter().enumerate() {
        match b {
            b'\r' => {
                ctx.update(data.get(start..i).unwrap_or_default());
                *held += 1;
                start = i + 1;
            }
            b'\n' => {
                ctx.update(data.get(start..i).unwrap_or_default());
                *held = 0;
                ctx.update(b"\r\n");
                start = i + 1;
            }
            _ if *held > 0 => {
                release_held(ctx, held);
                start = i;
            }
            _ => {}
        }
    }
    ctx.update(data.get(start..).unwrap_or_default());
}

/// Hashes carriage returns that turned out to be inside a line.
fn release_held(ctx: &mut Context, held: &mut u64) {
    const CRS: [u8; 64] = [b'\r'; 64];
    while *held > 0 {
        let n = (*held).min(CRS.len() as u64) as usize;
        ctx.update(CRS.get(..n).unwrap_or_default());
        *held -= n as u64;
    }
}

/// Finished hash contexts, by key.
#[derive(Clone, Default)]
pub struct Digests {
    contexts: BTreeMap<HashKey, Context>,
}

impl Digests {
    /// The digest for a key, if it was computed.
    pub fn digest(&self, key: &HashKey) -> Option<Vec<u8>> {
        self.contexts
            .get(key)
            .cloned()
            .and_then(|c| c.into_digest().ok())
    }

    /// A copy of the finished context (to append a signature trailer to).
    pub fn context(&self, key: &HashKey) -> Option<Context> {
        self.contexts.get(key).cloned()
    }
}

impl std::fmt::Debug for Digests {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.contexts.keys()).finish()
    }
}

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
    let limit = options.limit;
    let copy_to = options.copy_to;
    let copy_skip = options.copy_skip;
    let mut keys: Vec<HashKey> = keys.to_vec();
    keys.sort();
    keys.dedup();
    let mut hashers: Vec<(HashKey, Hasher)> = keys
        .into_iter()
        .filter_map(|k| Hasher::new(&k).map(|h| (k, h)))
        .collect();
    // Lane 0 (this thread) keeps the first context and lane 1 gets the
    // rest, unless the reading thread has enough to do already.
    let keep = if options.hash_off_reader { 0 } else { 1 };
    let second: Vec<(HashKey, Hasher)> = if hashers.len() > keep {
        hashers.split_off(keep)
    } else {
        Vec::new()
    };

    std::thread::scope(|scope| {
        let (lane_tx, lane_handle) = if second.is_empty() {
            (None, None)
        } else {
            let (tx, rx) = sync_channel::<Arc<[u8]>>(DEPTH);
            let handle = scope.spawn(move || {
                let mut mine = second;
                for chunk in rx {
                    for (_, h) in &mut mine {
                        h.update(&chunk);
                    }
                }
                mine
            });
            (Some(tx), Some(handle))
        };
        let (stream_tx, stream_handle) = match consumer {
            None => (None, None),
            Some(consume) => {
                let (tx, rx) = sync_channel::<Arc<[u8]>>(DEPTH);
                let handle = scope.spawn(move || {
                    let mut reader = ChunkReader::new(rx);
                    let result = consume(&mut reader);
                    // Dropping the reader closes the channel: the pump stops sending.
                    drop(reader);
                    result
                });
                (Some(tx), Some(handle))
            }
        };

        let (copy_tx, copy_handle) = match copy_to {
            None => (None, None),
            Some(file) => {
                let (tx, rx) = sync_channel::<Arc<[u8]>>(DEPTH);
                let handle = scope.spawn(move || -> io::Result<u64> {
                    let (mut seen, mut written) = (0u64, 0u64);
                    for chunk in rx {
                        let skip = copy_skip.saturating_sub(seen).min(chunk.len() as u64) as usize;
                        seen += chunk.len() as u64;
                        file.write_all(&chunk[skip..])?;
                        written += (chunk.len() - skip) as u64;
                    }
                    Ok(written + copy_skip.min(seen))
                });
                (Some(tx), Some(handle))
            }
        };

        let mut taps: Vec<Tap<'_>> = [stream_tx.as_ref(), copy_tx.as_ref()]
            .into_iter()
            .flatten()
            .map(|tx| Tap { tx, open: true })
            .collect();
        let result = pump(
            reader,
            &mut hashers,
            lane_tx.as_ref(),
            &mut taps,
            limit,
            progress,
            cancel,
        );
        drop(taps);
        drop(lane_tx);
        drop(stream_tx);
        drop(copy_tx);
        let second = match lane_handle.map(|h| h.join()) {
            Some(Ok(v)) => v,
            Some(Err(_)) => return Err(PassError::Worker),
            None => Vec::new(),
        };
        let consumed = match stream_handle.map(|h| h.join()) {
            Some(Ok(v)) => Some(v),
            Some(Err(_)) => return Err(PassError::Worker),
            None => None,
        };
        let written = copy_handle.and_then(|h| h.join().ok()).and_then(Result::ok);
        let bytes = result?;
        let contexts = hashers
            .into_iter()
            .chain(second)
            .map(|(k, h)| (k, h.finish()))
            .collect();
        Ok(PassOutput {
            bytes,
            digests: Digests { contexts },
            consumed,
            copied: written == Some(bytes),
        })
    })
}

/// A thread that takes the chunks but may stop early (an archive walker
/// that found a bomb, a copy whose disk is full): the pass goes on.
struct Tap<'a> {
    tx: &'a SyncSender<Arc<[u8]>>,
    open: bool,
}

fn pump(
    reader: &mut dyn Read,
    hashers: &mut [(HashKey, Hasher)],
    lane: Option<&SyncSender<Arc<[u8]>>>,
    taps: &mut [Tap<'_>],
    limit: Option<u64>,
    progress: &mut dyn FnMut(u64),
    cancel: &Cancel,
) -> Result<u64, PassError> {
    let mut total: u64 = 0;
    let mut next_progress = PROGRESS_EVERY;
    let mut last_progress = Instant::now();
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
        // Network reads come in small pieces: gather a full chunk (each one
        // costs the other threads a wake-up), but never hold one longer
        // than FILL_WAIT, so a slow link still shows progress.
        let started = Instant::now();
        let mut n = 0;
        while n < buf.len() {
            match reader.read(&mut buf[n..]) {
                Ok(0) => break,
                Ok(k) => n += k,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    // What arrived before the failure is still hashed and kept.
                    failed = Some(e);
                    break;
                }
            }
            if started.elapsed() > FILL_WAIT {
                break;
            }
        }
        if n == 0 {
            match failed.take() {
                Some(source) => {
                    return Err(PassError::Read {
                        offset: total,
                        source,
                    });
                }
                None => break,
            }
        }
        total += n as u64;
        if let Some(limit) = limit
            && total > limit
        {
            return Err(PassError::TooLong { limit });
        }
        let data = &buf[..n];
        // Chunks are shared with other threads only when there are any.
        if lane.is_some() || taps.iter().any(|t| t.open) {
            let chunk: Arc<[u8]> = Arc::from(data);
            if let Some(lane) = lane {
                lane.send(Arc::clone(&chunk))
                    .map_err(|_| PassError::Worker)?;
            }
            for tap in taps.iter_mut().filter(|t| t.open) {
                tap.open = tap.tx.send(Arc::clone(&chunk)).is_ok();
            }
        }
        for (_, h) in hashers.iter_mut() {
            h.update(data);
        }
        if total >= next_progress || last_progress.elapsed() >= PROGRESS_INTERVAL {
            progress(total);
            next_progress = total + PROGRESS_EVERY;
            last_progress = Instant::now();
        }
    }
    progress(total);
    Ok(total)
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

/// SHA-256 of a small in-memory input, as lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex_digest(algo: HashAlgorithm, data: &[u8]) -> String {
        let mut c = algo.context().unwrap().for_digest();
        c.update(data);
        hex::encode(c.into_digest().unwrap())
    }

    #[test]
    fn one_pass_feeds_every_context_and_the_stream() {
        let data: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
        let keys = [
            HashKey::plain(HashAlgorithm::SHA256),
            HashKey::plain(HashAlgorithm::SHA512),
        ];
        let consumer: StreamConsumer<'_, u64> =
            Box::new(|r: &mut ChunkReader| io::copy(r, &mut io::sink()).unwrap());
        let out = read_once(
            &mut &data[..],
            &keys,
            Some(consumer),
            PassOptions::default(),
            &mut |_| {},
            &Cancel::new(),
        )
        .unwrap();
        assert_eq!(out.bytes, data.len() as u64);
        assert_eq!(out.consumed, Some(data.len() as u64));
        for algo in [HashAlgorithm::SHA256, HashAlgorithm::SHA512] {
            let got = hex::encode(out.digests.digest(&HashKey::plain(algo)).unwrap());
            assert_eq!(got, hex_digest(algo, &data));
        }
    }

    #[test]
    fn a_consumer_that_stops_early_does_not_stop_hashing() {
        let data = vec![7u8; 5_000_000];
        let consumer: StreamConsumer<'_, usize> = Box::new(|r: &mut ChunkReader| {
            let mut small = [0u8; 10];
            r.read(&mut small).unwrap()
        });
        let keys = [HashKey::plain(HashAlgorithm::SHA256)];
        let out = read_once(
            &mut &data[..],
            &keys,
            Some(consumer),
            PassOptions::default(),
            &mut |_| {},
            &Cancel::new(),
        )
        .unwrap();
        assert_eq!(out.bytes, 5_000_000);
        assert_eq!(out.consumed, Some(10));
    }

    #[test]
    fn the_copy_holds_exactly_the_bytes_hashed() {
        let data: Vec<u8> = (0..2_500_000u32).map(|i| (i % 253) as u8).collect();
        let mut file = tempfile::tempfile().unwrap();
        let keys = [HashKey::plain(HashAlgorithm::SHA256)];
        let options = PassOptions {
            copy_to: Some(&mut file),
            ..Default::default()
        };
        let out = read_once::<()>(
            &mut &data[..],
            &keys,
            None,
            options,
            &mut |_| {},
            &Cancel::new(),
        )
        .unwrap();
        assert!(out.copied);
        let mut back = Vec::new();
        use std::io::Seek;
        file.seek(io::SeekFrom::Start(0)).unwrap();
        file.read_to_end(&mut back).unwrap();
        assert_eq!(back, data);
    }

    #[test]
    fn a_limit_stops_endless_data() {
        let mut endless = io::repeat(1);
        let keys = [HashKey::plain(HashAlgorithm::SHA256)];
        let err = read_once::<()>(
            &mut endless,
            &keys,
            None,
            PassOptions {
                limit: Some(3 << 20),
                hash_off_reader: true,
                copy_to: None,
                copy_skip: 0,
            },
            &mut |_| {},
            &Cancel::new(),
        )
        .unwrap_err();
        assert!(matches!(err, PassError::TooLong { .. }));
    }

    #[test]
    fn text_mode_canonicalises_line_ends_as_gnupg_does_across_chunks() {
        let cases: [(&str, &str); 6] = [
            ("one\r\ntwo\r\nthree", "one\r\ntwo\r\nthree"),
            ("one\ntwo\nthree\n", "one\r\ntwo\r\nthree\r\n"),
            // A lone CR is not a line end.
            ("one\rtwo\rthree", "one\rtwo\rthree"),
            ("a\r\rb\n", "a\r\rb\r\n"),
            // Carriage returns before a line's end, or at the very end, go.
            ("a\r\r\nb\r", "a\r\nb"),
            ("", ""),
        ];
        for (text, canonical) in cases {
            let want = hex_digest(HashAlgorithm::SHA256, canonical.as_bytes());
            for size in [1, 2, 3, text.len().max(1)] {
                let mut ctx = HashAlgorithm::SHA256.context().unwrap().for_digest();
                let mut held = 0;
                for piece in text.as_bytes().chunks(size) {
                    canonicalise_text(&mut ctx, piece, &mut held);
                }
                assert_eq!(
                    hex::encode(ctx.into_digest().unwrap()),
                    want,
                    "{text:?} by {size}"
                );
            }
        }
    }
}
