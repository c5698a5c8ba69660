//! Gzip, member after member to the end of the artifact (flate2 with the
//! pure-Rust zlib-rs inflater). `gzip -d` and `tar -xzf` read every member
//! and join their output, so intake does too; bytes after the last member
//! that are not another member are content no gzip reader would list, and
//! are refused rather than skipped.

use std::io::{self, BufRead, Read};

use flate2::bufread::GzDecoder;

use crate::engine::inspect::meter::{Counted, Counter, Refused};

/// The gzip magic number.
pub const MAGIC: &[u8] = &[0x1f, 0x8b];

/// Reads every member of a gzip stream as one.
pub struct Members<R: BufRead> {
    state: State<R>,
    consumed: Counter,
}

/// The decoder is boxed: its state is large, and `Between` is just a reader.
enum State<R: BufRead> {
    Member(Box<GzDecoder<R>>),
    Between(R),
    Done,
}

impl<R: BufRead> Members<Counted<R>> {
    pub fn new(input: Counted<R>) -> Self {
        let consumed = input.counter();
        Members {
            state: State::Between(input),
            consumed,
        }
    }
}

impl<R: BufRead> Read for Members<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        loop {
            match std::mem::replace(&mut self.state, State::Done) {
                State::Done => return Ok(0),
                State::Between(mut input) => {
                    let next = input.fill_buf()?;
                    if next.is_empty() {
                        return Ok(0);
                    }
                    // A member starts with the magic number; a buffer may
                    // end after its first byte, which gzip's header check
                    // then judges.
                    let prefix = next.get(..MAGIC.len()).unwrap_or(next);
                    if !MAGIC.starts_with(prefix) {
                        return Err(hidden(self.consumed.get()));
                    }
                    self.state = State::Member(Box::new(GzDecoder::new(input)));
                }
                State::Member(mut decoder) => match decoder.read(out) {
                    Ok(0) => self.state = State::Between(decoder.into_inner()),
                    Ok(n) => {
                        self.state = State::Member(decoder);
                        return Ok(n);
                    }
                    Err(e) => {
                        self.state = State::Member(decoder);
                        return Err(e);
                    }
                },
            }
        }
    }
}

fn hidden(at: u64) -> io::Error {
    Refused::Hidden {
        at,
        unit: "gzip member",
        next: "a gzip member",
        tool: "gzip",
    }
    .into_io()
}
