//! Buffers handed back for reuse. The parallel reader's workers fill
//! chunks the reading thread empties, and the reading thread fills the
//! pieces of input the workers empty: allocated afresh, they were freed on
//! other threads than the ones that made them, and the allocator kept tens
//! of MiB it could not give back. Reused, the memory stays what is in
//! flight.

use std::sync::{Arc, Mutex};

/// Spent buffers kept for their next use, at most `keep` of them.
#[derive(Clone)]
pub struct Pool {
    free: Arc<Mutex<Vec<Vec<u8>>>>,
    keep: usize,
}

impl Pool {
    pub fn new(keep: usize) -> Pool {
        Pool {
            free: Arc::new(Mutex::new(Vec::new())),
            keep,
        }
    }

    /// An empty buffer with room for `capacity` bytes.
    pub fn empty(&self, capacity: usize) -> Vec<u8> {
        let mut buffer = self
            .free
            .lock()
            .ok()
            .and_then(|mut f| f.pop())
            .unwrap_or_default();
        buffer.clear();
        buffer.reserve_exact(capacity);
        buffer
    }

    /// A buffer of `len` zero bytes.
    pub fn zeroed(&self, len: usize) -> Vec<u8> {
        let mut buffer = self.empty(len);
        buffer.resize(len, 0);
        buffer
    }

    /// Hands a spent buffer back.
    pub fn give(&self, buffer: Vec<u8>) {
        if let Ok(mut free) = self.free.lock()
            && free.len() < self.keep
        {
            free.push(buffer);
        }
    }
}
