//! Hand-made compressed bytes for the cases compressors do not write on
//! their own: an xz block header asking for a huge dictionary, an xz stream
//! laid out block by block, a zstd frame with any window descriptor, a zstd
//! skippable frame carrying data. Each is built from the format's fields,
//! so a test states exactly which bytes are hostile.

use anyhow::{Result, bail};

/// The xz stream header's length; the first block header follows it.
const XZ_STREAM_HEADER: usize = 12;
/// The LZMA2 filter's id and the length of its properties (one byte: the
/// dictionary size).
const LZMA2_FILTER: [u8; 2] = [0x21, 0x01];

/// `xz` (one stream, as [`super::archives::xz`] makes it) with its first
/// block header's LZMA2 dictionary byte set to `dict` and the header's
/// CRC32 made right again: a real stream asking for another dictionary.
/// `dict` 30 is 128 MiB, 31 192 MiB, 39 3 GiB, 40 the 4 GiB - 1 maximum.
pub fn xz_dictionary(xz: &[u8], dict: u8) -> Result<Vec<u8>> {
    let mut xz = xz.to_vec();
    let Some(&size) = xz.get(XZ_STREAM_HEADER) else {
        bail!("no block header");
    };
    let end = XZ_STREAM_HEADER + (usize::from(size) + 1) * 4;
    let flags = xz.get(XZ_STREAM_HEADER + 1).copied().unwrap_or(0);
    let mut at = XZ_STREAM_HEADER + 2;
    // The optional compressed and uncompressed sizes come first.
    for present in [flags & 0x40 != 0, flags & 0x80 != 0] {
        while present && xz.get(at).is_some_and(|b| b & 0x80 != 0) {
            at += 1;
        }
        at += usize::from(present);
    }
    if xz.get(at..at + 2) != Some(&LZMA2_FILTER[..]) || end > xz.len() {
        bail!("the first filter is not LZMA2 with one property byte");
    }
    xz[at + 2] = dict;
    let crc = crc32fast::hash(&xz[XZ_STREAM_HEADER..end - 4]);
    xz[end - 4..end].copy_from_slice(&crc.to_le_bytes());
    Ok(xz)
}

/// An xz stream (no check) with one block per item of `blocks`, each
/// holding its bytes as stored LZMA2 chunks (an empty one holds none), and
/// the index and footer: valid xz laid out block by block.
pub fn xz_stored(blocks: &[&[u8]]) -> Vec<u8> {
    xz_stored_blocks(blocks, false)
}

/// As [`xz_stored`], each block header recording the block's compressed
/// and uncompressed sizes, as multi-threaded encoders write them.
pub fn xz_stored_sized(blocks: &[&[u8]]) -> Vec<u8> {
    xz_stored_blocks(blocks, true)
}

/// A block header: one filter, LZMA2 with a 4 KiB dictionary, and the
/// sizes when `sized`.
fn block_header(sized: Option<(u64, u64)>) -> Vec<u8> {
    let mut header = vec![0x00, 0x00];
    if let Some((compressed, uncompressed)) = sized {
        header[1] = 0xC0;
        vli(&mut header, compressed);
        vli(&mut header, uncompressed);
    }
    header.extend([0x21, 0x01, 0x00]);
    header.resize((header.len() + 4).div_ceil(4) * 4 - 4, 0);
    header[0] = (header.len() / 4) as u8; // (size + 4) / 4 - 1
    header.extend(crc32fast::hash(&header).to_le_bytes());
    header
}

fn xz_stored_blocks(blocks: &[&[u8]], sized: bool) -> Vec<u8> {
    let mut xz = vec![0xFD, b'7', b'z', b'X', b'Z', 0, 0, 0];
    xz.extend(crc32fast::hash(&[0, 0]).to_le_bytes());
    let mut index = vec![0x00];
    vli(&mut index, blocks.len() as u64);
    for data in blocks {
        let mut body = Vec::new();
        for (i, chunk) in data.chunks(64 * 1024).enumerate() {
            body.push(if i == 0 { 0x01 } else { 0x02 }); // the first resets the dictionary
            body.extend(((chunk.len() - 1) as u16).to_be_bytes());
            body.extend_from_slice(chunk);
        }
        body.push(0x00);
        let sizes = sized.then_some((body.len() as u64, data.len() as u64));
        let header = block_header(sizes);
        vli(&mut index, (header.len() + body.len()) as u64);
        vli(&mut index, data.len() as u64);
        xz.extend_from_slice(&header);
        xz.extend_from_slice(&body);
        xz.resize(xz.len() + (4 - body.len() % 4) % 4, 0);
    }
    index.resize(index.len().div_ceil(4) * 4, 0);
    index.extend(crc32fast::hash(&index).to_le_bytes());
    let mut footer = ((index.len() / 4 - 1) as u32).to_le_bytes().to_vec();
    footer.extend([0, 0]);
    xz.extend(index);
    xz.extend(crc32fast::hash(&footer).to_le_bytes());
    xz.extend(footer);
    xz.extend(b"YZ");
    xz
}

/// An xz variable-length integer.
fn vli(out: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

/// A zstd frame with the frame header `descriptor` (descriptor byte, then
/// window descriptor or content size) holding `data` in blocks of 4 KiB
/// (fewer when `data` is shorter): a run of one byte as an RLE block (4
/// bytes for 4 KiB), anything else as a raw block. So a test lays out
/// exactly how compressible each part is, under any window.
pub fn zstd_frame(descriptor: &[u8], data: &[u8]) -> Vec<u8> {
    const BLOCK: usize = 4096;
    let mut f = vec![0x28, 0xB5, 0x2F, 0xFD];
    f.extend_from_slice(descriptor);
    let mut chunks = data.chunks(BLOCK).peekable();
    if chunks.peek().is_none() {
        f.extend_from_slice(&[1, 0, 0]); // one empty raw last block
    }
    while let Some(chunk) = chunks.next() {
        let last = u32::from(chunks.peek().is_none());
        let run = chunk.iter().all(|b| Some(b) == chunk.first());
        let kind = if run { 1 } else { 0 }; // RLE or raw
        let header = ((chunk.len() as u32) << 3) | (kind << 1) | last;
        f.extend_from_slice(&header.to_le_bytes()[..3]);
        f.extend_from_slice(if run { &chunk[..1] } else { chunk });
    }
    f
}

/// A zstd skippable frame carrying `payload` (`zstd -d` passes over it).
pub fn zstd_skippable(payload: &[u8]) -> Vec<u8> {
    let mut f = vec![0x5A, 0x2A, 0x4D, 0x18];
    f.extend((payload.len() as u32).to_le_bytes());
    f.extend_from_slice(payload);
    f
}
