//! bzip2, stream after stream to the end of the artifact, with the bzip2
//! crate on its pure-Rust backend (libbz2-rs-sys). `bzip2 -d` and
//! `tar -xjf` read every stream and join their output (pbzip2 writes one
//! per block), so intake does too; bytes after the last stream that are not
//! another stream are content no bzip2 reader would list, and are refused.
//!
//! No memory cap is needed: a bzip2 block is at most 900,000 bytes, named
//! by one digit of the stream header, so the decoder's memory is bounded
//! by the format (about 3.6 MiB).

use std::io::{self, BufRead, Chain, Cursor, Read};

use bzip2::bufread::BzDecoder;

use super::read_up_to;
use crate::engine::inspect::meter::{Counted, Counter, Refused};

/// A bzip2 stream header is `BZh` and the block size digit.
const HEADER: usize = 4;
/// The first block's magic number (the digits of pi) and the end-of-stream
/// magic number (of the square root of pi), after the header.
const BLOCK_MAGIC: [u8; 6] = [0x31, 0x41, 0x59, 0x26, 0x53, 0x59];
const END_MAGIC: [u8; 6] = [0x17, 0x72, 0x45, 0x38, 0x50, 0x90];

/// Whether four bytes are a stream header (`BZh1` to `BZh9`).
fn header(bytes: &[u8]) -> bool {
    matches!(bytes, [b'B', b'Z', b'h', b'1'..=b'9', ..])
}

/// Whether the first bytes are a bzip2 stream's: the header and a block or
/// end magic number, ten bytes in all, so a tar whose first name starts
/// with `BZh` is not taken for one.
pub fn recognises(head: &[u8]) -> bool {
    header(head)
        && head
            .get(HEADER..HEADER + 6)
            .is_some_and(|magic| magic == BLOCK_MAGIC || magic == END_MAGIC)
}

/// The stream's header, taken off the input to be judged, then the input.
type Stream<R> = BzDecoder<Chain<Cursor<[u8; HEADER]>, R>>;

/// Reads every stream of a bzip2 file as one.
pub struct Streams<R: BufRead> {
    state: State<R>,
    consumed: Counter,
}

/// The decoder is boxed: its state is large, and `Between` is just a reader.
enum State<R: BufRead> {
    Stream(Box<Stream<R>>),
    Between(R),
    Done,
}

impl<R: BufRead> Streams<Counted<R>> {
    pub fn new(input: Counted<R>) -> Self {
        let consumed = input.counter();
        Streams {
            state: State::Between(input),
            consumed,
        }
    }
}

impl<R: BufRead> Read for Streams<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if out.is_empty() {
            return Ok(0);
        }
        loop {
            match std::mem::replace(&mut self.state, State::Done) {
                State::Done => return Ok(0),
                State::Between(mut input) => {
                    let at = self.consumed.get();
                    let mut head = [0u8; HEADER];
                    match read_up_to(&mut input, &mut head)? {
                        0 => return Ok(0),
                        HEADER if header(&head) => {
                            let stream = Cursor::new(head).chain(input);
                            self.state = State::Stream(Box::new(BzDecoder::new(stream)));
                        }
                        _ => return Err(hidden(at)),
                    }
                }
                // The decoder gives 0 only at its stream's end (a stream
                // cut short is an error).
                State::Stream(mut decoder) => match decoder.read(out) {
                    Ok(0) => self.state = State::Between(decoder.into_inner().into_inner().1),
                    Ok(n) => {
                        self.state = State::Stream(decoder);
                        return Ok(n);
                    }
                    Err(e) => {
                        self.state = State::Stream(decoder);
                        return Err(named(e));
                    }
                },
            }
        }
    }
}

/// A decoder error that says it is bzip2's (the crate's own errors do).
fn named(e: io::Error) -> io::Error {
    if e.to_string().starts_with("bzip2") {
        return e;
    }
    io::Error::new(e.kind(), format!("bzip2: {e}"))
}

fn hidden(at: u64) -> io::Error {
    Refused::Hidden {
        at,
        unit: "bzip2 stream",
        next: "another bzip2 stream",
        tool: "bzip2",
    }
    .into_io()
}
