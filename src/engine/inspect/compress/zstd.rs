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
//!
//! ruzstd gives out a frame's output only once it holds more than a window
//! of it, so the compressed bytes consumed run up to a window ahead of the
//! output. The bomb meter needs each output byte's compressed offset, so
//! this reader keeps the counter it shares with the meter at the offset
//! where the bytes given out were decoded ([`Marks`]) rather than at the
//! read position.

use std::collections::VecDeque;
use std::io::{self, BufRead, Cursor, Read};

use ruzstd::decoding::errors::FrameDecoderError;
use ruzstd::decoding::{BlockDecodingStrategy, FrameDecoder};

use super::read_up_to;
use crate::engine::inspect::meter::{Counted, Counter, Refused};

/// A zstd frame's magic number (0xFD2FB528, little-endian).
pub const MAGIC: &[u8] = &[0x28, 0xB5, 0x2F, 0xFD];

/// The longest frame header after the magic number: descriptor, window
/// descriptor, 4-byte dictionary id, 8-byte content size.
const HEADER_MAX: usize = 14;

/// Output between two remembered decoding points, at least: bounds the
/// points kept for a frame to about two per this much of its window.
const MARK_EVERY: u64 = 64 * 1024;

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
    /// The artifact, counting what the decoder really consumed.
    input: Counted<R>,
    /// The meter's counter: the compressed offset of the output given out.
    shared: Counter,
    decoder: FrameDecoder,
    /// The current frame's window (`None` between frames).
    window: Option<u64>,
    /// Bytes the current frame has given out so far.
    produced: u64,
    marks: Marks,
    done: bool,
    cap: u64,
}

impl<R: BufRead> Frames<R> {
    pub fn new(input: Counted<R>, cap: u64) -> Self {
        let (inner, shared) = input.into_parts();
        let mut decoder = FrameDecoder::new();
        decoder.set_max_window_size(cap);
        Frames {
            input: Counted::new(inner),
            shared,
            decoder,
            window: None,
            produced: 0,
            marks: Marks::default(),
            done: false,
            cap,
        }
    }
}

impl<R: BufRead> Read for Frames<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if out.is_empty() {
            return Ok(0);
        }
        let read = self.step(out);
        if !matches!(read, Ok(n) if n > 0) {
            // An end or an error: the meter and the message see it all.
            self.shared.set(self.consumed());
        }
        read
    }
}

impl<R: BufRead> Frames<R> {
    /// Compressed bytes consumed so far.
    fn consumed(&self) -> u64 {
        self.input.counter().get()
    }

    /// Gives out what the decoder holds past its window, decoding a block
    /// at a time, frame after frame.
    fn step(&mut self, out: &mut [u8]) -> io::Result<usize> {
        loop {
            if self.done {
                return Ok(0);
            }
            let Some(window) = self.window else {
                self.window = self.next_frame()?;
                self.done = self.window.is_none();
                continue;
            };
            if self.decoder.can_collect() > 0 {
                let n = self.decoder.read(out)?;
                self.produced += n as u64;
                let at = self.marks.offset_of(self.produced, self.consumed());
                self.shared.set(self.shared.get().max(at));
                if n > 0 {
                    return Ok(n);
                }
            }
            if self.decoder.is_finished() {
                if self.decoder.can_collect() == 0 {
                    self.end_frame()?;
                    self.window = None;
                }
                continue;
            }
            self.decoder
                .decode_blocks(&mut self.input, BlockDecodingStrategy::UptoBlocks(1))
                .map_err(|e| explain(e, self.cap))?;
            // Where the decoded output ends is known once it is more than a
            // window (or the frame is over): what can be given out, plus the
            // window kept back. Everything before was given out.
            let ready = self.decoder.can_collect() as u64;
            let decoded = match (self.decoder.is_finished(), ready) {
                (true, _) => Some(self.produced + ready),
                (false, 0) => None,
                (false, _) => Some(self.produced + ready + window),
            };
            if let Some(decoded) = decoded {
                self.marks.push(decoded, self.consumed());
            }
        }
    }

    /// Starts the frame whose magic number comes next (its window), or
    /// `None` at a clean end of the artifact.
    fn next_frame(&mut self) -> io::Result<Option<u64>> {
        let at = self.consumed();
        let mut magic = [0u8; 4];
        let got = read_up_to(&mut self.input, &mut magic)?;
        if got == 0 {
            return Ok(None);
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
        let header = read_header(&mut self.input)?;
        // What was taken off the input to be judged is read again by the
        // decoder, then the input.
        let taken = Cursor::new(magic).chain(&header.bytes[..header.len]);
        self.decoder
            .init(taken.chain(&mut self.input))
            .map_err(|e| explain(e, self.cap))?;
        self.produced = 0;
        self.marks = Marks::starting(at);
        Ok(Some(header.window))
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

/// A frame header after the magic number, and the window it sets.
struct Header {
    bytes: [u8; HEADER_MAX],
    len: usize,
    window: u64,
}

/// Reads a frame header (its length follows from the descriptor byte) for
/// the window the decoder will keep, computed as the format defines it.
fn read_header(input: &mut impl Read) -> io::Result<Header> {
    let cut_short = || {
        io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "zstd: a frame header cut short",
        )
    };
    let mut bytes = [0u8; HEADER_MAX];
    if read_up_to(input, &mut bytes[..1])? == 0 {
        return Err(cut_short());
    }
    let descriptor = bytes[0];
    let single_segment = descriptor & 0x20 != 0;
    let dictionary = [0, 1, 2, 4][usize::from(descriptor & 3)];
    let content_size = match descriptor >> 6 {
        0 => usize::from(single_segment),
        1 => 2,
        2 => 4,
        _ => 8,
    };
    let len = 1 + usize::from(!single_segment) + dictionary + content_size;
    if read_up_to(input, &mut bytes[1..len])? < len - 1 {
        return Err(cut_short());
    }
    let window = if single_segment {
        // The whole content is the window; a 2-byte size counts from 256.
        let mut le = [0u8; 8];
        le[..content_size].copy_from_slice(&bytes[len - content_size..len]);
        u64::from_le_bytes(le) + if content_size == 2 { 256 } else { 0 }
    } else {
        let exponent = u64::from(bytes[1] >> 3);
        let base = 1u64 << (10 + exponent);
        base + (base / 8) * u64::from(bytes[1] & 7)
    };
    Ok(Header { bytes, len, window })
}

/// Points where both a frame's decoded output and the compressed offset
/// are known: the frame's start, and block ends once the output ran past
/// the window. The offset of an output position between two points is
/// taken in proportion. Past the first window points are at most a block
/// (128 KiB) or [`MARK_EVERY`] apart; over a frame's first window, where
/// ruzstd shows nothing, the compressed bytes are spread evenly.
#[derive(Default)]
struct Marks {
    /// The last point at or before the output given out.
    from: (u64, u64),
    /// Points after it, in order.
    ahead: VecDeque<(u64, u64)>,
}

impl Marks {
    fn starting(at: u64) -> Self {
        Marks {
            from: (0, at),
            ahead: VecDeque::new(),
        }
    }

    fn push(&mut self, decoded: u64, consumed: u64) {
        // The last point moves on while it is less than MARK_EVERY past the
        // one before it, so a frame of tiny blocks keeps few points.
        let n = self.ahead.len();
        let anchor = match n {
            0 | 1 => self.from,
            _ => self.ahead[n - 2],
        };
        if decoded < anchor.0 + MARK_EVERY
            && let Some(last) = self.ahead.back_mut()
        {
            *last = (decoded, consumed);
            return;
        }
        self.ahead.push_back((decoded, consumed));
    }

    /// The compressed offset of output position `at`; `now` (the read
    /// position) where nothing is known past it.
    fn offset_of(&mut self, at: u64, now: u64) -> u64 {
        while let Some(&next) = self.ahead.front() {
            if next.0 > at {
                let (d0, c0) = self.from;
                let span = u128::from(next.0 - d0);
                let share = u128::from(at - d0) * u128::from(next.1.saturating_sub(c0)) / span;
                return (c0 + share as u64).min(now);
            }
            self.from = next;
            self.ahead.pop_front();
        }
        if self.from.0 == at { self.from.1 } else { now }
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
