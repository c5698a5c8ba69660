//! The compound file's words: its magic, the special sector numbers, and
//! little-endian reads that give 0 past the end of what is there (every
//! caller bounds what it reads first).

pub const MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
pub const END_OF_CHAIN: u32 = 0xFFFF_FFFE;
pub const FREE: u32 = 0xFFFF_FFFF;
pub const FAT_SECTOR: u32 = 0xFFFF_FFFD;
pub const DIFAT_SECTOR: u32 = 0xFFFF_FFFC;
pub const MAX_REGULAR: u32 = 0xFFFF_FFFA;
/// Why the structure cannot be read (names the offset).
pub type Problem = String;

pub fn u16_at(b: &[u8], at: usize) -> u16 {
    b.get(at..at + 2)
        .map_or(0, |s| u16::from_le_bytes([s[0], s[1]]))
}

pub fn u32_at(b: &[u8], at: usize) -> u32 {
    b.get(at..at + 4).map_or(0, le32)
}

pub fn le32(s: &[u8]) -> u32 {
    match s {
        [a, b, c, d, ..] => u32::from_le_bytes([*a, *b, *c, *d]),
        _ => 0,
    }
}
