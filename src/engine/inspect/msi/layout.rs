//! The compound file's structure read on its own, with bounded work,
//! before `cfb` and `msi` are given the file: the header, the DIFAT, the
//! FAT, the directory sectors, and every sector chain walked once with a
//! mark per sector (so a chain that loops, or two chains that share a
//! sector, stop the walk naming the offset instead of looping). Nothing is
//! allocated by a count the file claims: every table is sized by the
//! sectors the file really has.
//!
//! What no chain uses is what a signature does not cover (CVE-2020-1464:
//! data appended after the last sector, or hidden in sectors the FAT does
//! not reach): such sectors holding anything but zeros, and bytes after the
//! last whole sector, are listed in [`Layout::hidden`] by offset.

use std::io::{self, Read, Seek, SeekFrom};

use super::directory::{self, RawEntry};
use super::mini::mini_chain;
use super::sector::{
    DIFAT_SECTOR, END_OF_CHAIN, FAT_SECTOR, FREE, MAGIC, MAX_REGULAR, le32, u16_at, u32_at,
};

pub use super::sector::Problem;

const HEADER_DIFAT: usize = 109;
/// The largest directory or mini FAT read (a real MSI's is a few KiB).
const DIRECTORY_MAX: u64 = 16 << 20;

/// What a sector is used for (0: nothing found uses it).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Use {
    Unused,
    Used,
}

/// The compound file as its structure accounts for it.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    pub sector_size: u64,
    pub mini_cutoff: u64,
    pub file_len: u64,
    /// Every directory entry reachable from the root, in tree order.
    pub entries: Vec<RawEntry>,
    /// Bytes no part of the structure uses, each naming its offset.
    pub hidden: Vec<String>,
}

/// Reads the structure of the compound file `file` of `file_len` bytes.
pub fn read<F: Read + Seek>(file: &mut F, file_len: u64) -> Result<Layout, Problem> {
    let mut head = [0u8; 512];
    file.seek(SeekFrom::Start(0)).map_err(|e| io_at(0, &e))?;
    file.read_exact(&mut head)
        .map_err(|_| "the file ends inside the compound-file header (512 bytes)".to_string())?;
    if head[..8] != MAGIC {
        return Err("at offset 0: not an OLE compound file".into());
    }
    let shift = u16_at(&head, 30);
    let sector_size: u64 = match shift {
        9 | 12 => 1 << shift,
        other => {
            return Err(format!(
                "at offset 30: a sector shift of {other} (9 or 12 allowed)"
            ));
        }
    };
    if u16_at(&head, 32) != 6 {
        return Err("at offset 32: a mini-sector shift other than 6".into());
    }
    if file_len < sector_size {
        return Err(format!(
            "{file_len} bytes: shorter than one {sector_size}-byte sector"
        ));
    }
    let whole = (file_len - sector_size) / sector_size;
    if whole > u64::from(MAX_REGULAR) {
        return Err(format!(
            "{file_len} bytes: more sectors than a compound file can number"
        ));
    }
    let mut walk = Walk {
        file,
        sector_size,
        sectors: whole as u32,
        uses: vec![Use::Unused; whole as usize],
        fat: Vec::new(),
        slack: Vec::new(),
    };
    let fat_sectors = walk.difat(&head)?;
    walk.load_fat(&fat_sectors)?;
    let entries = walk.directory(&head)?;
    let mut layout = Layout {
        sector_size,
        mini_cutoff: u64::from(u32_at(&head, 56)),
        file_len,
        entries,
        hidden: Vec::new(),
    };
    walk.streams(&head, &layout)?;
    walk.unused(&mut layout)?;
    Ok(layout)
}

impl<F: Read + Seek> Walk<'_, F> {
    /// The directory's chain, read and walked into its tree.
    fn directory(&mut self, head: &[u8]) -> Result<Vec<RawEntry>, Problem> {
        let dir = self.chain(u32_at(head, 48), "the directory", None)?;
        if dir.len() as u64 * self.sector_size > DIRECTORY_MAX {
            return Err(format!("a directory of more than {DIRECTORY_MAX} bytes"));
        }
        let raw = self.read_chain(&dir, dir.len() as u64 * self.sector_size)?;
        directory::tree(&raw, self.sector_size)
    }

    /// Every stream's chain, in the FAT or the mini FAT.
    fn streams(&mut self, head: &[u8], layout: &Layout) -> Result<(), Problem> {
        let sector_size = self.sector_size;
        let root = layout
            .entries
            .first()
            .ok_or("the directory has no root entry")?;
        let minifat_chain = self.chain(u32_at(head, 60), "the mini FAT", None)?;
        if minifat_chain.len() as u64 * sector_size > DIRECTORY_MAX {
            return Err(format!("a mini FAT of more than {DIRECTORY_MAX} bytes"));
        }
        let ministream = self.chain(root.start, "the mini stream", Some(root.size))?;
        let minifat_bytes =
            self.read_chain(&minifat_chain, minifat_chain.len() as u64 * sector_size)?;
        let minifat: Vec<u32> = minifat_bytes.chunks_exact(4).map(le32).collect();
        let mut mini_uses = vec![false; minifat.len()];
        for e in layout
            .entries
            .iter()
            .skip(1)
            .filter(|e| e.is_stream() && e.size > 0)
        {
            if e.size < layout.mini_cutoff {
                mini_chain(
                    &minifat,
                    &mut mini_uses,
                    e,
                    ministream.len() as u64 * sector_size,
                )?;
            } else {
                self.chain(e.start, &format!("stream `{}`", e.name()), Some(e.size))?;
            }
        }
        Ok(())
    }
}

struct Walk<'a, F> {
    file: &'a mut F,
    sector_size: u64,
    sectors: u32,
    uses: Vec<Use>,
    fat: Vec<u32>,
    /// Sectors in a chain past its stream's size, and whose chain.
    slack: Vec<(u32, String)>,
}

impl<F: Read + Seek> Walk<'_, F> {
    fn offset(&self, sector: u32) -> u64 {
        (u64::from(sector) + 1) * self.sector_size
    }

    fn read_sector(&mut self, sector: u32, buf: &mut [u8]) -> Result<(), Problem> {
        let at = self.offset(sector);
        self.file
            .seek(SeekFrom::Start(at))
            .and_then(|_| self.file.read_exact(buf))
            .map_err(|e| io_at(at, &e))
    }

    /// Marks `sector` as used by `what`; a second use is a loop or a
    /// shared sector.
    fn mark(&mut self, sector: u32, what: &str) -> Result<(), Problem> {
        let at = self.offset(sector);
        match self.uses.get_mut(sector as usize) {
            None => Err(format!(
                "{what}: sector {sector} (offset {at}) is past the end of the file"
            )),
            Some(Use::Used) => Err(format!(
                "{what}: sector {sector} (offset {at}) is used twice (a chain that loops or two that share a sector)"
            )),
            Some(u) => {
                *u = Use::Used;
                Ok(())
            }
        }
    }

    /// The FAT's sector numbers: the header's 109, then the DIFAT chain.
    fn difat(&mut self, head: &[u8]) -> Result<Vec<u32>, Problem> {
        let mut fat_sectors: Vec<u32> = (0..HEADER_DIFAT)
            .map(|i| u32_at(head, 76 + i * 4))
            .collect();
        let mut next = u32_at(head, 68);
        let per = (self.sector_size / 4) as usize;
        let mut buf = vec![0u8; self.sector_size as usize];
        while next != END_OF_CHAIN && next != FREE {
            self.mark(next, "the DIFAT")?;
            self.read_sector(next, &mut buf)?;
            let words: Vec<u32> = buf.chunks_exact(4).map(le32).collect();
            fat_sectors.extend(words.iter().take(per - 1));
            next = words.last().copied().unwrap_or(END_OF_CHAIN);
        }
        let fat_sectors: Vec<u32> = fat_sectors.into_iter().filter(|s| *s != FREE).collect();
        let claimed = u64::from(u32_at(head, 44));
        if claimed != fat_sectors.len() as u64 {
            return Err(format!(
                "at offset 44: the header claims {claimed} FAT sectors; the DIFAT lists {}",
                fat_sectors.len()
            ));
        }
        Ok(fat_sectors)
    }

    fn load_fat(&mut self, fat_sectors: &[u32]) -> Result<(), Problem> {
        let mut buf = vec![0u8; self.sector_size as usize];
        for &s in fat_sectors {
            if s > MAX_REGULAR {
                return Err(format!("the DIFAT names sector {s:#x} as a FAT sector"));
            }
            self.mark(s, "the FAT")?;
            self.read_sector(s, &mut buf)?;
            if self.fat.len() < self.sectors as usize {
                self.fat.extend(buf.chunks_exact(4).map(le32));
            }
        }
        if self.fat.len() < self.sectors as usize {
            return Err(format!(
                "the FAT covers {} sectors; the file has {}",
                self.fat.len(),
                self.sectors
            ));
        }
        Ok(())
    }

    /// Walks the chain from `start`, marking each sector; `size`: the
    /// bytes it must hold (a chain with whole sectors beyond them hides
    /// data).
    fn chain(&mut self, start: u32, what: &str, size: Option<u64>) -> Result<Vec<u32>, Problem> {
        let mut out = Vec::new();
        let mut at = start;
        while at != END_OF_CHAIN {
            if at > MAX_REGULAR {
                if out.is_empty() && at == FREE && size.is_none_or(|s| s == 0) {
                    break;
                }
                return Err(format!("{what}: the chain names sector {at:#x}"));
            }
            self.mark(at, what)?;
            out.push(at);
            at = self.fat.get(at as usize).copied().unwrap_or(FREE);
            if at == FAT_SECTOR || at == DIFAT_SECTOR || at == FREE {
                return Err(format!(
                    "{what}: the chain runs into a sector marked {at:#x}"
                ));
            }
        }
        if let Some(size) = size {
            let holds = out.len() as u64 * self.sector_size;
            if holds < size {
                return Err(format!(
                    "{what} claims {size} bytes; its chain holds {holds}"
                ));
            }
            // Whole sectors past the size: writers leave them when a stream
            // shrinks; they are checked for data like unused sectors.
            let needed = size.div_ceil(self.sector_size) as usize;
            for &s in out.get(needed..).unwrap_or_default() {
                self.slack.push((s, what.to_string()));
            }
        }
        Ok(out)
    }

    fn read_chain(&mut self, chain: &[u32], len: u64) -> Result<Vec<u8>, Problem> {
        let mut out = Vec::new();
        let mut buf = vec![0u8; self.sector_size as usize];
        for &s in chain {
            self.read_sector(s, &mut buf)?;
            out.extend_from_slice(&buf);
        }
        out.truncate(len as usize);
        Ok(out)
    }

    /// Sectors nothing uses and that hold data, and the bytes after the
    /// last whole sector.
    fn unused(&mut self, layout: &mut Layout) -> Result<(), Problem> {
        let mut buf = vec![0u8; self.sector_size as usize];
        let mut run: Option<(u32, u32)> = None;
        for s in 0..self.sectors {
            if self.uses.get(s as usize) == Some(&Use::Used) {
                continue;
            }
            self.read_sector(s, &mut buf)?;
            if buf.iter().all(|b| *b == 0) {
                continue;
            }
            run = match run {
                Some((first, last)) if last + 1 == s => Some((first, s)),
                Some((first, last)) => {
                    layout.hidden.push(self.unused_words(first, last));
                    Some((s, s))
                }
                None => Some((s, s)),
            };
        }
        if let Some((first, last)) = run {
            layout.hidden.push(self.unused_words(first, last));
        }
        for (s, what) in std::mem::take(&mut self.slack) {
            self.read_sector(s, &mut buf)?;
            if buf.iter().any(|b| *b != 0) {
                layout.hidden.push(format!(
                    "sector {s} (offset {}) in the chain of {what}, past its size, holds data no signature covers",
                    self.offset(s)
                ));
            }
        }
        let end = self.offset(self.sectors);
        if layout.file_len > end {
            layout.hidden.push(format!(
                "{} bytes after the last sector of the compound file (offset {end}): data no signature covers",
                layout.file_len - end
            ));
        }
        Ok(())
    }

    fn unused_words(&self, first: u32, last: u32) -> String {
        let bytes = (u64::from(last - first) + 1) * self.sector_size;
        format!(
            "{bytes} bytes in sector(s) {first}..={last} (offset {}) that no stream, table or directory uses, holding data no signature covers",
            self.offset(first)
        )
    }
}

fn io_at(at: u64, e: &io::Error) -> Problem {
    format!("read failed at offset {at}: {e}")
}
