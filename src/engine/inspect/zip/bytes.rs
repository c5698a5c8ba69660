//! Little-endian fields and signatures of the zip format, read so that a
//! short or hostile buffer can never make the reader panic: a field past
//! the end reads as zero, and callers check lengths before trusting one.

use std::io::{self, Read};

pub const EOCD_SIG: u32 = 0x0605_4b50;
pub const ZIP64_LOCATOR_SIG: u32 = 0x0706_4b50;
pub const ZIP64_EOCD_SIG: u32 = 0x0606_4b50;
pub const CENTRAL_SIG: u32 = 0x0201_4b50;
pub const LOCAL_SIG: u32 = 0x0403_4b50;
pub const DESCRIPTOR_SIG: u32 = 0x0807_4b50;

/// The end-of-central-directory record without its comment.
pub const EOCD_LEN: usize = 22;
/// The zip64 end-of-central-directory locator.
pub const LOCATOR_LEN: usize = 20;
/// The zip64 end-of-central-directory record without extensible data.
pub const ZIP64_EOCD_LEN: usize = 56;
/// A central-directory record without its name, extra field and comment.
pub const CENTRAL_LEN: usize = 46;

/// The 32-bit value that says "the real value is in a zip64 record".
pub const SENTINEL_32: u32 = 0xFFFF_FFFF;
/// The 16-bit value that says the same of a count or disk number.
pub const SENTINEL_16: u16 = 0xFFFF;

fn array<const N: usize>(b: &[u8], at: usize) -> [u8; N] {
    let mut a = [0u8; N];
    if let Some(s) = at.checked_add(N).and_then(|end| b.get(at..end)) {
        a.copy_from_slice(s);
    }
    a
}

pub fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes(array(b, at))
}

pub fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(array(b, at))
}

pub fn u64_at(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(array(b, at))
}

pub fn read_exact_or(r: &mut impl Read, buf: &mut [u8], what: &str) -> Result<(), String> {
    r.read_exact(buf).map_err(|e| {
        if e.kind() == io::ErrorKind::UnexpectedEof {
            format!("truncated: {what} is cut short")
        } else {
            format!("could not read {what}: {e}")
        }
    })
}
