//! Counts the blocks of one xz stream by following its structure over the
//! bytes the decoder consumed: block headers, LZMA2 chunk headers (whose
//! sizes say how much to pass over), padding and checks, up to the index.
//! Nothing is decoded here. The count lets the reader refuse a stream of
//! millions of tiny blocks (work out of all proportion to the bytes, and
//! what the parallel reader keeps a record of each); each block header is
//! parsed, so the reader can name the dictionary a refused block asked.

use super::format::BlockHeader;

/// Where in the stream the next byte falls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum At {
    /// The stream header (12 bytes; the check type in its eighth).
    StreamHeader { seen: u8 },
    /// A block header's size byte, or the index's 0x00.
    BlockStart,
    /// The rest of a block header.
    BlockHeader { left: u64 },
    /// An LZMA2 chunk's control byte.
    Control,
    /// Byte `seen` of a chunk header of `len` bytes after its control byte;
    /// `size` is the chunk's data size so far (stored minus one).
    ChunkHeader {
        seen: u8,
        len: u8,
        size: u64,
        uncompressed: bool,
    },
    /// Chunk data, passed over.
    Data { left: u64 },
    /// Block padding and the check.
    Trailer { left: u64 },
    /// The index (or something the decoder will refuse): nothing more to
    /// count in this stream.
    Done,
}

/// The blocks of one stream so far.
#[derive(Debug, Clone)]
pub struct Blocks {
    at: At,
    count: u64,
    /// Size of the check after each block (from the stream header).
    check: u64,
    /// LZMA2 bytes of the current block (for its padding).
    data: u64,
    /// The current block header's bytes, while they pass.
    header: Vec<u8>,
    /// The dictionary the last whole block header asked for.
    dictionary: Option<u64>,
}

impl Default for Blocks {
    fn default() -> Self {
        Blocks {
            at: At::StreamHeader { seen: 0 },
            count: 0,
            check: 0,
            data: 0,
            header: Vec::new(),
            dictionary: None,
        }
    }
}

impl Blocks {
    /// Blocks begun so far.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// The dictionary the last whole block header asked for.
    pub fn dictionary(&self) -> Option<u64> {
        self.dictionary
    }

    /// Follows `bytes`, the next ones the decoder consumed.
    pub fn feed(&mut self, mut bytes: &[u8]) {
        while let Some((&byte, rest)) = bytes.split_first() {
            // Data is passed over whole, not byte by byte.
            if let At::Data { left } = self.at {
                let n = left.min(bytes.len() as u64);
                self.data += n;
                bytes = &bytes[n as usize..];
                self.at = if n == left {
                    At::Control
                } else {
                    At::Data { left: left - n }
                };
                continue;
            }
            if self.at == At::Done {
                return;
            }
            self.step(byte);
            bytes = rest;
        }
    }

    fn step(&mut self, byte: u8) {
        self.at = match self.at {
            At::StreamHeader { seen: 7 } => {
                self.check = check_size(byte & 0x0F);
                At::StreamHeader { seen: 8 }
            }
            At::StreamHeader { seen: 11 } => At::BlockStart,
            At::StreamHeader { seen } => At::StreamHeader { seen: seen + 1 },
            At::BlockStart if byte == 0 => At::Done,
            At::BlockStart => {
                self.count += 1;
                self.data = 0;
                self.header.clear();
                self.header.push(byte);
                At::BlockHeader {
                    left: (u64::from(byte) + 1) * 4 - 1,
                }
            }
            At::BlockHeader { left: 1 } => {
                self.header.push(byte);
                let bytes = std::mem::take(&mut self.header);
                self.dictionary = BlockHeader::parse(bytes).ok().and_then(|h| h.dictionary);
                At::Control
            }
            At::BlockHeader { left } => {
                self.header.push(byte);
                At::BlockHeader { left: left - 1 }
            }
            At::Control => self.control(byte),
            At::ChunkHeader {
                seen,
                len,
                size,
                uncompressed,
            } => {
                self.data += 1;
                // An uncompressed chunk's two header bytes are its size; an
                // LZMA chunk's packed size is its third and fourth.
                let size = if uncompressed || matches!(seen, 2 | 3) {
                    (size << 8) | u64::from(byte)
                } else {
                    size
                };
                if seen + 1 < len {
                    At::ChunkHeader {
                        seen: seen + 1,
                        len,
                        size,
                        uncompressed,
                    }
                } else {
                    At::Data { left: size + 1 }
                }
            }
            At::Trailer { left: 1 } => At::BlockStart,
            At::Trailer { left } => At::Trailer { left: left - 1 },
            At::Data { .. } | At::Done => self.at,
        };
    }

    /// An LZMA2 control byte: the end of the block's data, an uncompressed
    /// chunk (2 size bytes follow) or an LZMA chunk (2 bytes of unpacked
    /// size, 2 of packed size, and a properties byte when the state is
    /// reset).
    fn control(&mut self, byte: u8) -> At {
        self.data += 1;
        let chunk = |len, uncompressed| At::ChunkHeader {
            seen: 0,
            len,
            size: 0,
            uncompressed,
        };
        match byte {
            0x00 => self.trailer(),
            0x01 | 0x02 => chunk(2, true),
            0x80..=0xFF if (byte >> 5) & 3 >= 2 => chunk(5, false),
            0x80..=0xFF => chunk(4, false),
            _ => At::Done,
        }
    }

    /// Padding to a multiple of four LZMA2 bytes, then the check.
    fn trailer(&mut self) -> At {
        let left = (4 - self.data % 4) % 4 + self.check;
        if left == 0 {
            At::BlockStart
        } else {
            At::Trailer { left }
        }
    }
}

/// The check's size for a check type (the xz format: 0, then 4, 8, 16,
/// 32 and 64 bytes for each group of three ids).
fn check_size(id: u8) -> u64 {
    match id {
        0 => 0,
        _ => 4 << ((id - 1) / 3),
    }
}
