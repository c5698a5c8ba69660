//! Uncompressed cabinets read by intake itself, in one sequential pass:
//! the `cab` crate checks each data block's checksum a byte at a time,
//! which for a large uncompressed payload costs three times the SHA-256 of
//! the same bytes. The checksum guards against corruption, which the
//! package's signature already covers; here the layout is read (header,
//! folders, files, data-block headers) and each file's bytes hashed as
//! they go by. Anything else (a compressed folder, a cabinet spanning
//! several, files out of order or overlapping) returns `None`, and the
//! `cab` crate reads the cabinet instead.

use std::io::{self, BufReader, Read, Seek, SeekFrom};

use sha2::{Digest, Sha256};

/// A file of the cabinet: its name, and its digest and size once read.
pub type PlainFile = (String, [u8; 32], u64);

/// A folder's first data block and block count.
type Folder = (u64, u16);
/// A file: its folder, offset in the folder, size, name.
type Listed = (u16, u64, u64, String);
/// The folders, the files, and the size of each data block's reserve.
type Directory = (Vec<Folder>, Vec<Listed>, u64);

/// Every file of an uncompressed, single-volume cabinet, hashed; `None`
/// when the cabinet is not one this reader takes.
pub fn read<R: Read + Seek>(reader: R) -> io::Result<Option<Vec<PlainFile>>> {
    let mut r = BufReader::with_capacity(256 * 1024, reader);
    let Some((folders, listed, data_reserve)) = directory(&mut r, true)? else {
        return Ok(None);
    };
    let mut out = Vec::new();
    for (index, (start, blocks)) in folders.iter().enumerate() {
        let mut mine: Vec<&Listed> = listed
            .iter()
            .filter(|f| usize::from(f.0) == index)
            .collect();
        mine.sort_by_key(|f| f.1);
        if mine.windows(2).any(|w| w[0].1 + w[0].2 > w[1].1) {
            return Ok(None);
        }
        r.seek(SeekFrom::Start(*start))?;
        let mut data = Blocks {
            r: &mut r,
            left_blocks: *blocks,
            left_in_block: 0,
            reserve: data_reserve,
        };
        let mut at = 0u64;
        for (_, offset, size, name) in mine {
            io::copy(
                &mut (&mut data).take(offset.saturating_sub(at)),
                &mut io::sink(),
            )?;
            let mut h = Sha256::new();
            let read = io::copy(&mut (&mut data).take(*size), &mut HashSink(&mut h))?;
            out.push((name.clone(), h.finalize().into(), read));
            at = offset + read;
        }
    }
    Ok((out.len() == listed.len()).then_some(out))
}

/// Checks what the `cab` crate trusts before it reads a cabinet: every
/// file lies inside the data its folder's blocks hold (past them, the
/// crate indexes beyond its list of blocks and stops with a panic: the msi
/// fuzz target's fifth finding). `Ok(Err(why))` for a cabinet to refuse.
pub fn check_extents<R: Read + Seek>(reader: R) -> io::Result<Result<(), String>> {
    let mut r = BufReader::with_capacity(64 * 1024, reader);
    let Some((folders, listed, reserve)) = directory(&mut r, false)? else {
        return Ok(Err(
            "not a single cabinet (no `MSCF`, or one spanning several)".into(),
        ));
    };
    let mut held = Vec::with_capacity(folders.len());
    for (start, blocks) in &folders {
        r.seek(SeekFrom::Start(*start))?;
        let mut total = 0u64;
        for _ in 0..*blocks {
            let mut h = [0u8; 8];
            r.read_exact(&mut h)?;
            total += u64::from(u16::from_le_bytes([h[6], h[7]]));
            let data = u64::from(u16::from_le_bytes([h[4], h[5]]));
            r.seek_relative((reserve + data) as i64)?;
        }
        held.push(total);
    }
    for (folder, offset, size, name) in &listed {
        match held.get(usize::from(*folder)) {
            Some(total) if offset + size <= *total => {}
            Some(total) => {
                return Ok(Err(format!(
                    "`{name}` (bytes {offset} to {}) runs past the {total} bytes its folder holds",
                    offset + size
                )));
            }
            None => {
                return Ok(Err(format!(
                    "`{name}` names folder {folder}, which the cabinet does not have"
                )));
            }
        }
    }
    Ok(Ok(()))
}

/// The header, the folders and the files; `None` for a cabinet this
/// reader does not take (`plain_only`: one with a compressed folder too).
/// Also the size of each data block's reserve.
fn directory<R: Read + Seek>(
    r: &mut BufReader<R>,
    plain_only: bool,
) -> io::Result<Option<Directory>> {
    let mut head = [0u8; 36];
    r.read_exact(&mut head)?;
    if &head[..4] != b"MSCF" {
        return Ok(None);
    }
    let u16_at = |at: usize| u16::from_le_bytes([head[at], head[at + 1]]);
    let files_at = u64::from(u32::from_le_bytes([head[16], head[17], head[18], head[19]]));
    let (folders, files, flags) = (u16_at(26), u16_at(28), u16_at(30));
    if flags & 0x3 != 0 {
        return Ok(None); // spans cabinets
    }
    let (mut folder_reserve, mut data_reserve) = (0i64, 0u64);
    if flags & 0x4 != 0 {
        let mut sizes = [0u8; 4];
        r.read_exact(&mut sizes)?;
        folder_reserve = i64::from(sizes[2]);
        data_reserve = u64::from(sizes[3]);
        r.seek_relative(i64::from(u16::from_le_bytes([sizes[0], sizes[1]])))?;
    }
    let mut starts = Vec::new();
    for _ in 0..folders {
        let mut f = [0u8; 8];
        r.read_exact(&mut f)?;
        if plain_only && u16::from_le_bytes([f[6], f[7]]) & 0xF != 0 {
            return Ok(None); // compressed
        }
        let blocks = u16::from_le_bytes([f[4], f[5]]);
        starts.push((
            u64::from(u32::from_le_bytes([f[0], f[1], f[2], f[3]])),
            blocks,
        ));
        r.seek_relative(folder_reserve)?;
    }
    r.seek(SeekFrom::Start(files_at))?;
    let mut listed = Vec::new();
    for _ in 0..files {
        let mut f = [0u8; 16];
        r.read_exact(&mut f)?;
        let size = u64::from(u32::from_le_bytes([f[0], f[1], f[2], f[3]]));
        let offset = u64::from(u32::from_le_bytes([f[4], f[5], f[6], f[7]]));
        let folder = u16::from_le_bytes([f[8], f[9]]);
        let mut name = Vec::new();
        let mut bounded = (&mut *r).take(256);
        bounded.read_until_zero(&mut name)?;
        listed.push((
            folder,
            offset,
            size,
            String::from_utf8_lossy(&name).into_owned(),
        ));
    }
    Ok(Some((starts, listed, data_reserve)))
}

/// The data blocks of one uncompressed folder, as one stream.
struct Blocks<'a, R> {
    r: &'a mut BufReader<R>,
    left_blocks: u16,
    left_in_block: u64,
    reserve: u64,
}

impl<R: Read + Seek> Read for Blocks<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.left_in_block == 0 {
            if self.left_blocks == 0 {
                return Ok(0);
            }
            let mut h = [0u8; 8];
            self.r.read_exact(&mut h)?;
            self.r.seek_relative(self.reserve as i64)?;
            self.left_in_block = u64::from(u16::from_le_bytes([h[4], h[5]]));
            self.left_blocks -= 1;
        }
        let want = buf
            .len()
            .min(usize::try_from(self.left_in_block).unwrap_or(usize::MAX));
        let n = self.r.read(buf.get_mut(..want).unwrap_or_default())?;
        if n == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        self.left_in_block -= n as u64;
        Ok(n)
    }
}

trait ReadUntilZero {
    fn read_until_zero(&mut self, out: &mut Vec<u8>) -> io::Result<()>;
}

impl<T: Read> ReadUntilZero for T {
    fn read_until_zero(&mut self, out: &mut Vec<u8>) -> io::Result<()> {
        let mut b = [0u8; 1];
        loop {
            if self.read(&mut b)? == 0 || b[0] == 0 {
                return Ok(());
            }
            out.push(b[0]);
        }
    }
}

struct HashSink<'a>(&'a mut Sha256);

impl io::Write for HashSink<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
