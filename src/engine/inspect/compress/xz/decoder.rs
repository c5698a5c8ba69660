//! liblzma's decoder for one xz stream, behind the few calls the readers
//! make. liblzma is the decoder `xz`, `dpkg-deb`, `rpm2cpio` and `tar -J`
//! use, so intake reads every block exactly as they will; it is built from
//! the C sources the `liblzma` crate bundles (no system library), and is
//! half again as fast per core as the pure-Rust ports.
//!
//! Its memory limit is set to the dictionary cap plus what its LZMA2
//! decoder needs beside the dictionary, so a block header asking for a
//! larger dictionary is refused before anything is allocated. liblzma
//! does not say what the header asked: the readers know it from the
//! header they parsed themselves, and name it.

use std::io;

use liblzma::stream::{Action, Error, Status, Stream};

/// What liblzma's stream decoder needs beside an LZMA2 dictionary
/// (measured on the bundled version: the smallest limit that decodes a
/// stream is its dictionary plus this, for every dictionary size).
const LZMA2_OVERHEAD: u64 = 66_168;
/// Room for the filters a block may chain before LZMA2 (`--x86`, `--delta`:
/// up to three, each about 1 KiB).
const FILTERS_OVERHEAD: u64 = 3 * 1024;

/// One step of decoding.
#[derive(Debug, Clone, Copy)]
pub struct Step {
    pub consumed: usize,
    pub produced: usize,
    /// The stream's footer was read and checked.
    pub ended: bool,
}

/// Why a step failed.
#[derive(Debug)]
pub enum Failed {
    /// A block header asked for more memory than the cap allows.
    Memory,
    Other(io::Error),
}

/// A decoder of one xz stream (its header to its footer, checks verified).
pub struct Decoder {
    stream: Stream,
}

impl Decoder {
    /// A decoder that refuses dictionaries over `cap` bytes.
    pub fn new(cap: u64) -> io::Result<Decoder> {
        let limit = cap
            .saturating_add(LZMA2_OVERHEAD)
            .saturating_add(FILTERS_OVERHEAD);
        // Flags 0: one stream, its check verified, no concatenation (the
        // readers find each stream's start themselves).
        let stream = Stream::new_stream_decoder(limit, 0).map_err(|e| words(&e))?;
        Ok(Decoder { stream })
    }

    /// Decodes from `input` into `output`; `finish`: `input` is the last
    /// of the stream's bytes there are. A failure comes with what was
    /// consumed before it (the header that asked too much is in it).
    pub fn process(
        &mut self,
        input: &[u8],
        output: &mut [u8],
        finish: bool,
    ) -> (Step, Option<Failed>) {
        let (before_in, before_out) = (self.stream.total_in(), self.stream.total_out());
        let action = if finish { Action::Finish } else { Action::Run };
        let status = self.stream.process(input, output, action);
        let step = Step {
            consumed: usize::try_from(self.stream.total_in() - before_in).unwrap_or(0),
            produced: usize::try_from(self.stream.total_out() - before_out).unwrap_or(0),
            ended: matches!(status, Ok(Status::StreamEnd)),
        };
        let failed = match status {
            Ok(_) => None,
            Err(Error::MemLimit) => Some(Failed::Memory),
            Err(e) => Some(Failed::Other(words(&e))),
        };
        (step, failed)
    }
}

/// liblzma's error in the words of `xz -d`.
fn words(e: &Error) -> io::Error {
    let (kind, what) = match e {
        Error::Data => (io::ErrorKind::InvalidData, "compressed data is corrupt"),
        Error::Format => (io::ErrorKind::InvalidData, "file format not recognized"),
        Error::Options => (
            io::ErrorKind::InvalidData,
            "unsupported options (a filter or check this decoder does not know)",
        ),
        Error::UnsupportedCheck => (
            io::ErrorKind::InvalidData,
            "unsupported type of integrity check",
        ),
        Error::NoCheck => (io::ErrorKind::InvalidData, "no integrity check"),
        Error::Mem | Error::MemLimit => (io::ErrorKind::OutOfMemory, "memory allocation failed"),
        Error::Program => (io::ErrorKind::Other, "internal error"),
    };
    io::Error::new(kind, format!("xz: {what}"))
}
