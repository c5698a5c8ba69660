//! Minimal Windows PE images, 32- and 64-bit, for the Authenticode tests,
//! the samples and the benchmark: a DOS header, the PE and optional
//! headers with all 16 data directories, a section table, and each
//! section's raw data padded to the 512-byte file alignment. Nothing
//! runs them; `osslsigncode` and intake read them as Windows would.

/// Where the PE header starts (`e_lfanew`).
pub const PE_AT: usize = 0x80;
/// The COFF header.
pub const COFF_AT: usize = PE_AT + 4;
/// The optional header.
pub const OPTIONAL_AT: usize = COFF_AT + 20;
/// File alignment, and the size of all headers.
pub const ALIGN: usize = 0x200;

/// Offset of the `CheckSum` field.
pub fn checksum_at() -> usize {
    OPTIONAL_AT + 64
}

/// Offset of the certificate-table directory entry for an image of `bits`.
pub fn certificate_directory_at(bits: u8) -> usize {
    OPTIONAL_AT + if bits == 64 { 112 } else { 96 } + 4 * 8
}

/// Offset of section `index`'s 40-byte header for an image of `bits`.
pub fn section_header_at(bits: u8, index: usize) -> usize {
    OPTIONAL_AT + optional_size(bits) + 40 * index
}

fn optional_size(bits: u8) -> usize {
    if bits == 64 { 240 } else { 224 }
}

/// A PE image of `bits` (32 or 64) with these sections (name, raw data).
pub fn image(bits: u8, sections: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = vec![0u8; ALIGN];
    out[..2].copy_from_slice(b"MZ");
    put32(&mut out, 0x3c, PE_AT as u32);
    out[PE_AT..PE_AT + 4].copy_from_slice(b"PE\0\0");
    let machine: u16 = if bits == 64 { 0x8664 } else { 0x14c };
    put16(&mut out, COFF_AT, machine);
    put16(&mut out, COFF_AT + 2, sections.len() as u16);
    put32(&mut out, COFF_AT + 4, 0x6500_0000);
    put16(&mut out, COFF_AT + 16, optional_size(bits) as u16);
    put16(
        &mut out,
        COFF_AT + 18,
        if bits == 64 { 0x22 } else { 0x102 },
    );
    let o = OPTIONAL_AT;
    put16(&mut out, o, if bits == 64 { 0x20b } else { 0x10b });
    out[o + 2] = 14;
    put32(&mut out, o + 16, 0x1000); // entry point
    put32(&mut out, o + 20, 0x1000); // base of code
    if bits == 64 {
        out[o + 24..o + 32].copy_from_slice(&0x1_4000_0000u64.to_le_bytes());
    } else {
        put32(&mut out, o + 28, 0x40_0000);
    }
    put32(&mut out, o + 32, 0x1000); // section alignment
    put32(&mut out, o + 36, ALIGN as u32);
    put16(&mut out, o + 40, 6);
    put16(&mut out, o + 48, 6);
    put32(&mut out, o + 56, 0x1000 * (1 + sections.len() as u32)); // size of image
    put32(&mut out, o + 60, ALIGN as u32); // size of headers
    put16(&mut out, o + 68, 3); // console
    put16(&mut out, o + 70, 0x8160);
    let (stack, count_at) = if bits == 64 {
        (o + 72, o + 108)
    } else {
        (o + 72, o + 92)
    };
    let word = if bits == 64 { 8 } else { 4 };
    for (i, v) in [0x10_0000u32, 0x1000, 0x10_0000, 0x1000]
        .into_iter()
        .enumerate()
    {
        put32(&mut out, stack + i * word, v);
    }
    put32(&mut out, count_at, 16);
    let mut raw_at = ALIGN;
    let mut data = Vec::new();
    for (i, (name, bytes)) in sections.iter().enumerate() {
        let h = section_header_at(bits, i);
        let name = name.as_bytes();
        out[h..h + name.len().min(8)].copy_from_slice(&name[..name.len().min(8)]);
        let padded = bytes.len().div_ceil(ALIGN) * ALIGN;
        put32(&mut out, h + 8, bytes.len() as u32);
        put32(&mut out, h + 12, 0x1000 * (1 + i as u32));
        put32(&mut out, h + 16, padded as u32);
        put32(&mut out, h + 20, raw_at as u32);
        put32(
            &mut out,
            h + 36,
            if i == 0 { 0x6000_0020 } else { 0x4000_0040 },
        );
        data.extend_from_slice(bytes);
        data.resize(data.len() + (padded - bytes.len()), 0);
        raw_at += padded;
    }
    out.extend(data);
    out
}

/// A small 64-bit console program's worth of sections.
pub fn small(bits: u8) -> Vec<u8> {
    let code: Vec<u8> = std::iter::repeat_n([0x48u8, 0x31, 0xc0, 0xc3], 64)
        .flatten()
        .collect();
    image(
        bits,
        &[
            (".text", &code),
            (".rdata", b"Meridian Interface Engine connector\0"),
        ],
    )
}

/// A 64-bit image of about `size` bytes (for the benchmark): one big section.
pub fn large(size: usize) -> Vec<u8> {
    let mut code = vec![0u8; size.saturating_sub(ALIGN)];
    for (i, b) in code.iter_mut().enumerate() {
        *b = (i as u32).wrapping_mul(2_654_435_761).to_le_bytes()[3];
    }
    image(64, &[(".text", &code)])
}

pub fn put16(bytes: &mut [u8], at: usize, v: u16) {
    bytes[at..at + 2].copy_from_slice(&v.to_le_bytes());
}

pub fn put32(bytes: &mut [u8], at: usize, v: u32) {
    bytes[at..at + 4].copy_from_slice(&v.to_le_bytes());
}
