//! zstd, frame after frame to the end of the artifact, with ruzstd (pure
//! Rust). `zstd -d` and `tar --zstd -xf` read every frame and join their
//! output, so intake does too. Bytes after the last frame that are not
//! another frame are content no zstd reader would list, and are refused.
//!
//! Skippable frames are refused too: they carry whatever their writer put
//! there, `zstd -d` passes over them without a word and no tar tool lists
//! them, so they are hidden content exactly like bytes after the tar's end
//! (pzstd and the seekable format write them; recompressing with `zstd`
//! drops them).
//!
//! Each frame header's window is checked by ruzstd against the cap before
//! the window buffer is allocated. ruzstd leaves the content checksum and
//! the declared content size to its caller: both are checked here at each
//! frame's end, as `zstd -d` does.

use std::io::{self, BufRead, Read};

use ruzstd::decoding::errors::FrameDecoderError;
use ruzstd::decoding::{BlockDecodingStrategy, FrameDecoder};

use super::read_up_to;
use crate::engine::inspect::meter::{Counted, Counter, Refused};

/// A zstd frame's magic number (0xFD2FB528, little-endian).
pub const MAGIC: &[u8] = &[0x28, 0xB5, 0x2F, 0xFD];

/// Whether four bytes open a skippable frame (0x184D2A50 to 0x184D2A5F).
fn skippable(magic: &[u8]) -> bool {
    matches!(magic, [0x50..=0x5F, 0x2A, 0x4D, 0x18, ..])
}

/// Whether the first bytes are a zstd frame's, or a skippable frame's
/// (so such a file is judged as the zstd it is, and refused as such).
pub fn recognises(head: &[u8]) -> bool {
    head.starts_with(MAGIC) || skippable(head)
}

/// Reads every frame of a zstd file as one.
pub struct Frames<R: BufRead> {
    input: R,
    decoder: FrameDecoder,
    /// Whether a frame is being decoded (else the next is due).
    in_frame: bool,
    /// Bytes the current frame has given so far.
    produced: u64,
    done: bool,
    consumed: Counter,
    cap: u64,
}

impl<R: BufRead> Frames<Counted<R>> {
    pub fn new(input: Counted<R>, cap: u64) -> Self {
        let consumed = input.counter();
        let mut decoder = FrameDecoder::new();
        decoder.set_max_window_size(cap);
        Frames {
            input,
            decoder,
            in_frame: false,
            produced: 0,
            done: false,
            consumed,
            cap,
        }
    }
}

impl<R: BufRead> Read for Frames<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if out.is_empty() {
            return Ok(0);
        }
        loop {
            if self.done {
                return Ok(0);
            }
            if !self.in_frame {
                self.in_frame = self.next_frame()?;
                self.done = !self.in_frame;
                continue;
            }
            if self.decoder.can_collect() > 0 {
                let n = self.decoder.read(out)?;
                self.produced += n as u64;
                if n > 0 {
                    return Ok(n);
                }
            }
            if self.decoder.is_finished() {
                if self.decoder.can_collect() == 0 {
                    self.end_frame()?;
                    self.in_frame = false;
                }
                continue;
            }
            self.decoder
                .decode_blocks(&mut self.input, BlockDecodingStrategy::UptoBlocks(1))
                .map_err(|e| explain(e, self.cap))?;
        }
    }
}

impl<R: BufRead> Frames<R> {
    /// Starts the frame whose magic number comes next; `false` at a clean
    /// end of the artifact.
    fn next_frame(&mut self) -> io::Result<bool> {
        let at = self.consumed.get();
        let mut magic = [0u8; 4];
        let got = read_up_to(&mut self.input, &mut magic)?;
        if got == 0 {
            return Ok(false);
        }
        if got == magic.len() && skippable(&magic) {
            return Err(Refused::Skippable { at }.into_io());
        }
        if got < magic.len() || magic != MAGIC {
            return Err(Refused::Hidden {
                at,
                unit: "zstd frame",
                next: "another zstd frame",
                tool: "zstd",
            }
            .into_io());
        }
        // The magic number was taken off the input to be judged: the frame
        // header is read from it, then from the input.
        let header = io::Cursor::new(magic).chain(&mut self.input);
        self.decoder
            .init(header)
            .map_err(|e| explain(e, self.cap))?;
        self.produced = 0;
        Ok(true)
    }

    /// A finished frame's content checksum and declared size against what
    /// it gave.
    fn end_frame(&self) -> io::Result<()> {
        let corrupt = |why: String| io::Error::new(io::ErrorKind::InvalidData, why);
        if let (Some(stored), Some(computed)) = (
            self.decoder.get_checksum_from_data(),
            self.decoder.get_calculated_checksum(),
        ) && stored != computed
        {
            return Err(corrupt(format!(
                "zstd: the frame's content checksum is {stored:08x}, its content's is {computed:08x}"
            )));
        }
        // ruzstd gives 0 for a size the header leaves out.
        let declared = self.decoder.content_size();
        if declared != 0 && declared != self.produced {
            return Err(corrupt(format!(
                "zstd: the frame declares {declared} bytes of content and holds {}",
                self.produced
            )));
        }
        Ok(())
    }
}

/// A decoder error in words: a window over the cap is a refusal naming
/// the size the header asked for; a read past the end is truncation.
fn explain(e: FrameDecoderError, cap: u64) -> io::Error {
    if let FrameDecoderError::WindowSizeTooBig { requested, .. } = e {
        return Refused::Window {
            what: "a zstd window",
            asked: requested,
            cap,
        }
        .into_io();
    }
    let first: &(dyn std::error::Error + 'static) = &e;
    let truncated = std::iter::successors(Some(first), |e| e.source()).any(|e| {
        e.downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::UnexpectedEof)
    });
    let kind = if truncated {
        io::ErrorKind::UnexpectedEof
    } else {
        io::ErrorKind::InvalidData
    };
    io::Error::new(kind, format!("zstd: {e}"))
}
