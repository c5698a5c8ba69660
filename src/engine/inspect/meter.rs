//! Defences against decompression bombs, applied while streaming: the
//! expanded bytes are counted against the compressed bytes consumed, and the
//! walk stops as soon as a ratio or the expanded-size limit is passed (the
//! decompressor is never asked for more).

use std::cell::Cell;
use std::io::{self, BufRead, Read};
use std::rc::Rc;

/// Inspection limits (the expanded-size limit is configurable).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Total bytes after decompression (default 8 GiB).
    pub max_expanded: u64,
    /// Expanded/compressed ratio, per entry and for the whole archive.
    pub max_ratio: u64,
    /// Ratios are judged only once this much has expanded: a 4 KiB file of
    /// zeros compresses past 100:1 without being a bomb.
    pub ratio_floor: u64,
    /// Entries in one archive.
    pub max_entries: usize,
    /// Longest entry name or link target (GNU long names, PAX paths).
    pub max_name: usize,
    /// Largest PAX extended header.
    pub max_pax: u64,
    /// All entry names and link targets of one archive together (default
    /// 32 MiB): names are kept for the manifest and written out once more as
    /// its text, so this bounds both (a million entries of 33-byte names).
    pub max_name_bytes: u64,
    /// Steps resolving links may take beyond one per component of every
    /// name and target (following symlinks; default 4,000,000).
    pub max_link_steps: u64,
    /// Largest xz dictionary or zstd window a decoder may allocate (default
    /// 128 MiB: `xz -9e` asks 64 MiB, `zstd --long=27` 128 MiB, which is
    /// also the most `zstd -d` accepts unasked). A header asking more is
    /// refused before anything is allocated: the size is the header's claim.
    pub max_window: u64,
    /// The review's target platform (the feed artifact's `platform`, e.g.
    /// `windows-x86_64`): names that would collide there are judged.
    pub platform: String,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_expanded: 8 << 30,
            max_ratio: 100,
            ratio_floor: 1 << 20,
            max_entries: 1_000_000,
            max_name: 64 * 1024,
            max_pax: 1 << 20,
            max_name_bytes: 32 << 20,
            max_link_steps: 4_000_000,
            max_window: 128 << 20,
            platform: String::new(),
        }
    }
}

impl Limits {
    /// These limits, judging names for the review's target platform.
    pub fn for_platform(&self, platform: &str) -> Limits {
        Limits {
            platform: platform.to_string(),
            ..self.clone()
        }
    }
}

/// A byte counter shared between a reader and whoever measures it.
pub type Counter = Rc<Cell<u64>>;

/// Counts the bytes a decoder actually consumes from a buffered reader (the
/// compressed side). Counting in `consume` rather than `read` keeps
/// read-ahead out of the ratio.
pub struct Counted<R> {
    inner: R,
    count: Counter,
}

impl<R> Counted<R> {
    pub fn new(inner: R) -> Self {
        Counted {
            inner,
            count: Rc::new(Cell::new(0)),
        }
    }

    pub fn counter(&self) -> Counter {
        Rc::clone(&self.count)
    }

    /// The reader and the counter, apart: for a decoder that gives out its
    /// output late and sets the counter to where that output was decoded
    /// (zstd) rather than letting every read move it.
    pub fn into_parts(self) -> (R, Counter) {
        (self.inner, self.count)
    }
}

impl<R: BufRead> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.set(self.count.get() + n as u64);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Counted<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amt: usize) {
        self.count.set(self.count.get() + amt as u64);
        self.inner.consume(amt);
    }
}

/// Why the meter stopped the stream. Ratios keep both byte counts, so they
/// are compared exactly and shown with two decimals (100.57:1 is over 100:1).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Bomb {
    #[error("expands past the limit of {limit} bytes: stopped there (possible decompression bomb)")]
    TooLarge { limit: u64 },
    #[error(
        "the archive expands {}:1 (over {max}:1): stopped there (possible decompression bomb)",
        ratio_text(*.expanded, *.compressed)
    )]
    Archive {
        expanded: u64,
        compressed: u64,
        max: u64,
    },
    #[error(
        "this entry expands {}:1 (over {max}:1): stopped there (possible decompression bomb)",
        ratio_text(*.expanded, *.compressed)
    )]
    Entry {
        expanded: u64,
        compressed: u64,
        max: u64,
    },
}

impl Bomb {
    /// The whole-archive rule: `expanded` bytes so far from an artifact of
    /// `compressed` bytes, judged once the ratio floor is passed.
    pub fn archive(expanded: u64, compressed: u64, limits: &Limits) -> Option<Bomb> {
        (expanded >= limits.ratio_floor && over_ratio(expanded, compressed, limits.max_ratio))
            .then_some(Bomb::Archive {
                expanded,
                compressed,
                max: limits.max_ratio,
            })
    }
}

/// Bytes a decoder could go on reading but refuses to, on purpose: said as
/// they are in the finding (not as corruption), under their own subject.
/// They cross the decompressing thread as themselves
/// ([`crate::engine::inspect::compress::pipeline`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    /// A header asks for more decoder memory than [`Limits::max_window`].
    #[error(
        "{what} of {asked} bytes ({}) is over the decoder memory cap of {cap} bytes ({}): refused before allocating it",
        size_text(*.asked),
        size_text(*.cap)
    )]
    Window {
        /// `an xz dictionary`, `a zstd window`.
        what: &'static str,
        asked: u64,
        cap: u64,
    },
    /// Bytes after the last member, frame or stream that are not another.
    #[error(
        "the bytes from byte {at} of the artifact, after the last {unit}, are not {next}: hidden content no {tool} reader would list"
    )]
    Hidden {
        at: u64,
        /// `gzip member`, `zstd frame`.
        unit: &'static str,
        /// `a gzip member`, `another xz stream or stream padding`.
        next: &'static str,
        tool: &'static str,
    },
    /// An xz stream of more blocks than its decoder should keep records of.
    #[error(
        "an xz stream of more than {max} blocks: refused, its decoder would keep a record of every one (xz writes one block, or blocks of megabytes)"
    )]
    Blocks { max: u64 },
    /// A zstd skippable frame: data `zstd -d` passes over without a word.
    #[error(
        "a zstd skippable frame at byte {at} of the artifact: data that zstd skips and no tar tool lists: hidden content, refused"
    )]
    Skippable { at: u64 },
}

impl Refused {
    /// What the finding names.
    pub fn subject(&self) -> &'static str {
        match self {
            Refused::Window { .. } | Refused::Blocks { .. } => "(decompression)",
            Refused::Hidden { .. } => "(after the archive)",
            Refused::Skippable { .. } => "(compressed stream)",
        }
    }

    /// As an I/O error, for a decoder's `read`.
    pub fn into_io(self) -> io::Error {
        io::Error::new(io::ErrorKind::InvalidData, self)
    }
}

/// A byte count in the largest binary unit it fills (`128 MiB`, `1.5 GiB`).
pub fn size_text(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["bytes", "KiB", "MiB", "GiB", "TiB"];
    let mut unit = 0;
    let mut scaled = bytes as f64;
    while scaled >= 1024.0 && unit + 1 < UNITS.len() {
        scaled /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} bytes")
    } else if scaled.fract() == 0.0 {
        format!("{scaled:.0} {}", UNITS[unit])
    } else {
        format!("{scaled:.1} {}", UNITS[unit])
    }
}

/// Whether `expanded` is more than `max` times `compressed`, in exact
/// integer arithmetic (no truncated division: 100.57:1 is over 100:1).
pub fn over_ratio(expanded: u64, compressed: u64, max: u64) -> bool {
    u128::from(expanded) > u128::from(max) * u128::from(compressed)
}

/// `expanded / compressed` with two decimals, rounded down (`100.57`).
pub fn ratio_text(expanded: u64, compressed: u64) -> String {
    let hundredths = u128::from(expanded) * 100 / u128::from(compressed.max(1));
    format!("{}.{:02}", hundredths / 100, hundredths % 100)
}

/// The decompressed stream, measured as it is read.
pub struct Metered<R> {
    inner: R,
    compressed: Counter,
    /// The whole artifact's size, when known (else bytes consumed so far).
    archive_size: Option<u64>,
    limits: Limits,
    expanded: u64,
    entry_start: (u64, u64),
    tripped: Option<Bomb>,
}

impl<R: Read> Metered<R> {
    pub fn new(inner: R, compressed: Counter, archive_size: Option<u64>, limits: Limits) -> Self {
        Metered {
            inner,
            compressed,
            archive_size,
            limits,
            expanded: 0,
            entry_start: (0, 0),
            tripped: None,
        }
    }

    /// Bytes produced so far (the offset in the decompressed stream).
    pub fn expanded(&self) -> u64 {
        self.expanded
    }

    /// Compressed bytes consumed so far (the offset in the artifact).
    pub fn consumed(&self) -> u64 {
        self.compressed.get()
    }

    /// Starts a new entry for the per-entry ratio.
    pub fn entry_starts(&mut self) {
        self.entry_start = (self.compressed.get(), self.expanded);
    }

    /// What stopped the stream, if anything.
    pub fn tripped(&self) -> Option<&Bomb> {
        self.tripped.as_ref()
    }

    fn judge(&self) -> Option<Bomb> {
        let l = &self.limits;
        if self.expanded > l.max_expanded {
            return Some(Bomb::TooLarge {
                limit: l.max_expanded,
            });
        }
        if self.expanded < l.ratio_floor {
            return None;
        }
        // The archive as a whole: expanded bytes over the artifact's size (or
        // what has been consumed, when the size is not known yet).
        let base = self
            .archive_size
            .unwrap_or(0)
            .max(self.compressed.get())
            .max(1);
        if let Some(bomb) = Bomb::archive(self.expanded, base, l) {
            return Some(bomb);
        }
        let entry_expanded = self.expanded - self.entry_start.1;
        let entry_compressed = self
            .compressed
            .get()
            .saturating_sub(self.entry_start.0)
            .max(1);
        if entry_expanded >= l.ratio_floor
            && over_ratio(entry_expanded, entry_compressed, l.max_ratio)
        {
            return Some(Bomb::Entry {
                expanded: entry_expanded,
                compressed: entry_compressed,
                max: l.max_ratio,
            });
        }
        None
    }
}

impl<R: Read> Read for Metered<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Some(bomb) = &self.tripped {
            return Err(io::Error::other(bomb.clone()));
        }
        let n = self.inner.read(buf)?;
        self.expanded += n as u64;
        if let Some(bomb) = self.judge() {
            self.tripped = Some(bomb.clone());
            return Err(io::Error::other(bomb));
        }
        Ok(n)
    }
}

/// Reads `r` to its end, counting the bytes that are not zero: what hides
/// after an archive's end marker, where only zero padding belongs.
pub fn nonzero_to_end(r: &mut impl std::io::Read) -> std::io::Result<u64> {
    let mut buf = [0u8; 64 * 1024];
    let mut hidden = 0u64;
    loop {
        match r.read(&mut buf) {
            Ok(0) => return Ok(hidden),
            Ok(n) => hidden += buf[..n].iter().filter(|b| **b != 0).count() as u64,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}
