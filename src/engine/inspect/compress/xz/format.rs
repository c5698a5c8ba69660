//! The parts of the xz container the parallel decoder reads itself
//! (the xz file format, 1.2.1): the stream header's flags, a block
//! header's sizes and dictionary, the index and the stream footer. What
//! a block holds is left to liblzma's decoder, which is handed each
//! block as a stream of its own ([`stream_end`]) and so checks
//! the block's header, its data, its sizes and its check as it would in
//! place; what is checked here is everything around the blocks.

/// The stream header: magic, flags, CRC32 of the flags.
pub const STREAM_HEADER: usize = 12;
/// The stream footer: CRC32, backward size, flags, `YZ`.
pub const STREAM_FOOTER: usize = 12;
const FOOTER_MAGIC: &[u8; 2] = b"YZ";
/// LZMA2's filter id.
const LZMA2: u64 = 0x21;

/// The stream flags (the second byte is the check type) after checking
/// them and their CRC32.
pub fn stream_flags(header: &[u8; STREAM_HEADER]) -> Result<[u8; 2], String> {
    let flags = [header[6], header[7]];
    if crc32(&flags).to_le_bytes() != header[8..12] {
        return Err("the stream header's CRC32 does not match".into());
    }
    if flags[0] != 0 || flags[1] & 0xF0 != 0 {
        return Err("the stream header's flags use reserved bits".into());
    }
    Ok(flags)
}

/// The check's size for a check type.
pub fn check_size(check: u8) -> u64 {
    match check {
        0 => 0,
        id => 4 << ((u64::from(id) - 1) / 3),
    }
}

/// What a block header says, as far as the parallel decoder needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockHeader {
    /// The header's bytes, its size byte first.
    pub bytes: Vec<u8>,
    pub compressed: Option<u64>,
    pub uncompressed: Option<u64>,
    /// LZMA2's dictionary size, when the filter chain ends in LZMA2.
    pub dictionary: Option<u64>,
}

impl BlockHeader {
    /// Reads a block header's fields (`bytes`: the whole header); its
    /// CRC32 must match.
    pub fn parse(bytes: Vec<u8>) -> Result<BlockHeader, String> {
        let len = bytes.len();
        if len < 8 || !len.is_multiple_of(4) || len != (usize::from(bytes[0]) + 1) * 4 {
            return Err(format!("a block header of {len} bytes"));
        }
        let (body, crc) = bytes.split_at(len - 4);
        if crc32(body).to_le_bytes() != crc {
            return Err("a block header's CRC32 does not match".into());
        }
        let flags = body[1];
        if flags & 0x3C != 0 {
            return Err("a block header's flags use reserved bits".into());
        }
        let mut at = 2;
        let next = |what: &str, at: &mut usize| {
            varint(body, at).ok_or_else(|| format!("a block header's {what} cannot be read"))
        };
        let compressed = (flags & 0x40 != 0)
            .then(|| next("compressed size", &mut at))
            .transpose()?;
        let uncompressed = (flags & 0x80 != 0)
            .then(|| next("uncompressed size", &mut at))
            .transpose()?;
        let mut dictionary = None;
        for _ in 0..=(flags & 0x03) {
            let id = next("filter id", &mut at)?;
            let size = next("filter properties' size", &mut at)?;
            let props = usize::try_from(size)
                .ok()
                .and_then(|size| body.get(at..at.checked_add(size)?))
                .ok_or("a block header's filter properties run past it")?;
            at += props.len();
            dictionary = match (id, props) {
                (LZMA2, [bits]) => lzma2_dictionary(*bits),
                _ => None,
            };
        }
        Ok(BlockHeader {
            bytes,
            compressed,
            uncompressed,
            dictionary,
        })
    }

    /// The block's bytes after its header: data, padding to four, check.
    pub fn body_len(&self, check: u64) -> Option<u64> {
        let data = self.compressed?;
        Some(data + (4 - data % 4) % 4 + check)
    }

    /// The index's "unpadded size" of the block.
    pub fn unpadded(&self, check: u64) -> Option<u64> {
        Some(self.bytes.len() as u64 + self.compressed? + check)
    }
}

/// LZMA2's dictionary size from its property byte.
fn lzma2_dictionary(bits: u8) -> Option<u64> {
    match bits {
        0..=39 => Some((2 | u64::from(bits & 1)) << (bits / 2 + 11)),
        40 => Some(u64::from(u32::MAX)),
        _ => None,
    }
}

/// A multibyte integer (7 bits a byte, at most 9 bytes, no redundant
/// trailing zero byte).
fn varint(bytes: &[u8], at: &mut usize) -> Option<u64> {
    let mut value = 0u64;
    for i in 0..9 {
        let byte = *bytes.get(*at)?;
        *at += 1;
        value |= u64::from(byte & 0x7F) << (7 * i);
        if byte & 0x80 == 0 {
            return (i == 0 || byte != 0).then_some(value);
        }
    }
    None
}

fn put_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8 & 0x7F) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

pub fn crc32(bytes: &[u8]) -> u32 {
    crc32fast::hash(bytes)
}

/// An index of these `(unpadded, uncompressed)` records, as an encoder
/// writes it: indicator, count, records, padding, CRC32.
pub fn index(records: &[(u64, u64)]) -> Vec<u8> {
    let mut out = vec![0u8];
    put_varint(&mut out, records.len() as u64);
    for (unpadded, uncompressed) in records {
        put_varint(&mut out, *unpadded);
        put_varint(&mut out, *uncompressed);
    }
    while !out.len().is_multiple_of(4) {
        out.push(0);
    }
    let crc = crc32(&out);
    out.extend_from_slice(&crc.to_le_bytes());
    out
}

/// The stream footer after an index of `index_len` bytes.
pub fn footer(flags: [u8; 2], index_len: usize) -> [u8; STREAM_FOOTER] {
    let backward = (index_len / 4).saturating_sub(1) as u32;
    let mut out = [0u8; STREAM_FOOTER];
    out[4..8].copy_from_slice(&backward.to_le_bytes());
    out[8..10].copy_from_slice(&flags);
    let crc = crc32(&out[4..10]);
    out[..4].copy_from_slice(&crc.to_le_bytes());
    out[10..].copy_from_slice(FOOTER_MAGIC);
    out
}

/// The index and footer that end a stream of these blocks, exactly as an
/// encoder writes them: given for one block after its bytes, it makes the
/// block a stream of its own for the decoder; for the whole stream, the
/// bytes read must be these.
pub fn stream_end(flags: [u8; 2], records: &[(u64, u64)]) -> Vec<u8> {
    let mut out = index(records);
    let foot = footer(flags, out.len());
    out.extend_from_slice(&foot);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_round_trip_and_refuse_redundant_bytes() {
        for v in [0u64, 1, 127, 128, 300, 1 << 40, u64::MAX >> 1] {
            let mut b = Vec::new();
            put_varint(&mut b, v);
            let mut at = 0;
            assert_eq!(varint(&b, &mut at), Some(v));
            assert_eq!(at, b.len());
        }
        assert_eq!(varint(&[0x80, 0x00], &mut 0), None);
        assert_eq!(varint(&[0xFF; 10], &mut 0), None);
    }

    #[test]
    fn dictionary_sizes_follow_the_property_byte() {
        assert_eq!(lzma2_dictionary(0), Some(4096));
        assert_eq!(lzma2_dictionary(1), Some(6144));
        assert_eq!(lzma2_dictionary(18), Some(2 << 20));
        assert_eq!(lzma2_dictionary(22), Some(8 << 20));
        assert_eq!(lzma2_dictionary(40), Some(u64::from(u32::MAX)));
        assert_eq!(lzma2_dictionary(41), None);
    }

    #[test]
    fn check_sizes_follow_the_check_type() {
        assert_eq!(check_size(0), 0);
        assert_eq!(check_size(1), 4);
        assert_eq!(check_size(4), 8);
        assert_eq!(check_size(10), 32);
        assert_eq!(check_size(15), 64);
    }
}
