//! The `Packages` index, read as a stream (a distribution's is ~50 MB):
//! line after line, never more than [`MAX_LINE`] bytes of one line held,
//! keeping only the stanzas whose `Filename` is the artifact's. `.gz` and
//! `.xz` indexes are decoded before they come here, by the same decoders
//! archives use (`review::apt::scan_index`).

use std::io::{self, Read};

/// The longest line read (Debian's longest is ~75 KB: a `Provides` list).
pub const MAX_LINE: usize = 1 << 20;
/// The most stanzas naming the artifact that are kept; an index listing
/// one file more often than that is refused.
pub const MAX_MATCHES: usize = 16;

/// How an index is compressed, by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndexCodec {
    Plain,
    Gzip,
    Xz,
}

impl IndexCodec {
    /// The codec of `Packages`, `Packages.gz` or `Packages.xz`; `None`
    /// for a compression intake does not read (`.bz2`, `.lz4`, `.zst`).
    pub fn of(path: &str) -> Option<IndexCodec> {
        let name = path.rsplit('/').next().unwrap_or(path);
        match name.rsplit_once('.') {
            None => Some(IndexCodec::Plain),
            Some((_, "gz")) => Some(IndexCodec::Gzip),
            Some((_, "xz")) => Some(IndexCodec::Xz),
            Some(_) => None,
        }
    }
}

/// One stanza whose `Filename` is the artifact's.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stanza {
    /// 1-based line where the stanza starts (in the decoded index).
    pub line: u64,
    pub package: Option<String>,
    pub version: Option<String>,
    pub sha256: Option<Vec<u8>>,
    pub size: Option<u64>,
    /// Why the stanza cannot be relied on (a field given twice, a value
    /// that does not read), with the line.
    pub problem: Option<String>,
}

/// What a read of the index found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scan {
    /// The stanzas naming the artifact, in order (at most [`MAX_MATCHES`]).
    pub matches: Vec<Stanza>,
    pub stanzas: u64,
    /// Why the read stopped before the end (a line too long, a line that
    /// is no field, bytes that do not decode), with the line.
    pub problem: Option<String>,
}

/// Reads decoded index text, keeping the stanzas whose `Filename` is `wanted`.
pub fn scan(input: &mut dyn Read, wanted: &str) -> Scan {
    let mut reader = Reader::new(wanted.as_bytes());
    if let Err(problem) = reader.read_all(input) {
        reader.scan.problem = Some(problem);
    }
    reader.scan
}

/// The field a continuation line belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Last {
    /// A field the chain reads: it may not continue onto another line.
    Kept(&'static str),
    Other,
}

struct Reader<'w> {
    wanted: &'w [u8],
    /// Lines read so far.
    line: u64,
    /// The stanza being read, `None` between stanzas.
    current: Option<Current>,
    scan: Scan,
}

/// The fields of the stanza being read. Its `Package` and `Version` are
/// kept only once its `Filename` is the artifact's.
#[derive(Default)]
struct Current {
    stanza: Stanza,
    filename: Option<bool>,
    package: Option<String>,
    version: Option<String>,
    last: Option<Last>,
}

impl Reader<'_> {
    fn new(wanted: &[u8]) -> Reader<'_> {
        Reader {
            wanted,
            line: 0,
            current: None,
            scan: Scan::default(),
        }
    }

    /// Every line of `input`, then the end of the last stanza.
    fn read_all(&mut self, input: &mut dyn Read) -> Result<(), String> {
        let mut buf = vec![0u8; 1 << 18];
        // A line cut by the end of a read: at most MAX_LINE bytes of it.
        let mut pending: Vec<u8> = Vec::new();
        loop {
            let n = match input.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    return Err(format!(
                        "after line {}: the index cannot be read or decoded: {e}",
                        self.line
                    ));
                }
            };
            let mut chunk = buf.get(..n).unwrap_or_default();
            while let Some(end) = memchr::memchr(b'\n', chunk) {
                let (piece, rest) = chunk.split_at(end);
                if pending.is_empty() {
                    self.one_line(piece)?;
                } else {
                    self.grow(&mut pending, piece)?;
                    self.one_line(&pending)?;
                    pending.clear();
                }
                chunk = rest.get(1..).unwrap_or_default();
            }
            self.grow(&mut pending, chunk)?;
        }
        if !pending.is_empty() {
            self.one_line(&pending)?;
        }
        self.end_stanza()
    }

    /// Adds part of a line to `pending`, refusing a line past [`MAX_LINE`].
    fn grow(&self, pending: &mut Vec<u8>, piece: &[u8]) -> Result<(), String> {
        if pending.len() + piece.len() > MAX_LINE {
            return Err(format!(
                "line {}: longer than {} KiB, which no index line needs; refused",
                self.line + 1,
                MAX_LINE >> 10
            ));
        }
        pending.extend_from_slice(piece);
        Ok(())
    }

    fn one_line(&mut self, line: &[u8]) -> Result<(), String> {
        self.line += 1;
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.trim_ascii().is_empty() {
            return self.end_stanza();
        }
        let at = self.line;
        let current = self.current.get_or_insert_with(|| Current {
            stanza: Stanza {
                line: at,
                ..Stanza::default()
            },
            ..Current::default()
        });
        if line.starts_with(b" ") || line.starts_with(b"\t") {
            return match current.last {
                Some(Last::Kept(name)) => {
                    current.doubt(format!("line {at}: {name} continues onto a second line"));
                    Ok(())
                }
                Some(Last::Other) => Ok(()),
                None => Err(format!("line {at}: a continuation line before any field")),
            };
        }
        let Some(colon) = memchr::memchr(b':', line) else {
            return Err(format!("line {at} is not a `Field: value` line"));
        };
        let (name, value) = line.split_at(colon);
        let value = value.get(1..).unwrap_or_default().trim_ascii();
        current.field(name, value, self.wanted, at);
        Ok(())
    }

    fn end_stanza(&mut self) -> Result<(), String> {
        let Some(current) = self.current.take() else {
            return Ok(());
        };
        self.scan.stanzas += 1;
        if current.filename != Some(true) {
            return Ok(());
        }
        if self.scan.matches.len() >= MAX_MATCHES {
            return Err(format!(
                "line {}: the artifact is listed more than {MAX_MATCHES} times; refused",
                current.stanza.line
            ));
        }
        let mut stanza = current.stanza;
        stanza.package = current.package;
        stanza.version = current.version;
        self.scan.matches.push(stanza);
        Ok(())
    }
}

impl Current {
    /// One `Name: value` line of the stanza.
    fn field(&mut self, name: &[u8], value: &[u8], wanted: &[u8], at: u64) {
        let kept = |n: &str| name.eq_ignore_ascii_case(n.as_bytes());
        let text = || String::from_utf8_lossy(value).into_owned();
        self.last = Some(Last::Other);
        if kept("Filename") {
            self.last = Some(Last::Kept("Filename"));
            let here = value == wanted || value.strip_prefix(b"./") == Some(wanted);
            if self.filename.is_some() {
                self.doubt(format!("line {at}: a second Filename field"));
            }
            self.filename = Some(self.filename == Some(true) || here);
        } else if kept("SHA256") {
            self.last = Some(Last::Kept("SHA256"));
            let digest = hex::decode(value).ok().filter(|d| d.len() == 32);
            if digest.is_none() {
                self.doubt(format!("line {at}: a SHA256 that is not 64 hex digits"));
            }
            if self.stanza.sha256.is_some() {
                self.doubt(format!("line {at}: a second SHA256 field"));
            }
            self.stanza.sha256 = self.stanza.sha256.take().or(digest);
        } else if kept("Size") {
            self.last = Some(Last::Kept("Size"));
            let size = std::str::from_utf8(value).ok().and_then(|s| s.parse().ok());
            if size.is_none() {
                self.doubt(format!("line {at}: a Size that is not a number"));
            }
            if self.stanza.size.is_some() {
                self.doubt(format!("line {at}: a second Size field"));
            }
            self.stanza.size = self.stanza.size.or(size);
        } else if kept("Package") {
            self.package = Some(text());
        } else if kept("Version") {
            self.version = Some(text());
        }
    }

    /// The first reason the stanza cannot be relied on is kept.
    fn doubt(&mut self, why: String) {
        self.stanza.problem.get_or_insert(why);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: &str = "2e6e2f1a0007dc43bc91c273fd36e91e40a4f1c2765a03eca68b70a42103878a";

    fn index(wanted_sha: &str) -> String {
        format!(
            "Package: a\nVersion: 1\nFilename: pool/a.deb\nSize: 1\nSHA256: {H}\n\nPackage: hello\nVersion: 2.10-3\nDescription: x\n more\nFilename: pool/main/h/hello/hello_2.10-3_amd64.deb\nSize: 53080\nSHA256: {wanted_sha}\n"
        )
    }

    #[test]
    fn finds_the_artifact_stanza_whatever_the_read_sizes() {
        let text = index(H);
        let scan = scan(
            &mut text.as_bytes(),
            "pool/main/h/hello/hello_2.10-3_amd64.deb",
        );
        assert_eq!(scan.problem, None);
        assert_eq!(scan.stanzas, 2);
        let s = &scan.matches[0];
        assert_eq!((s.line, s.size), (7, Some(53080)));
        assert_eq!(s.sha256.as_deref(), hex::decode(H).ok().as_deref());
        assert_eq!(
            (s.package.as_deref(), s.version.as_deref()),
            (Some("hello"), Some("2.10-3"))
        );
        // A byte at a time: lines cut at every place read the same.
        let mut slow = std::io::BufReader::with_capacity(1, text.as_bytes());
        let mut one = OneByte(&mut slow);
        assert_eq!(
            super::scan(&mut one, "pool/main/h/hello/hello_2.10-3_amd64.deb"),
            scan
        );
    }

    struct OneByte<'a>(&'a mut dyn Read);
    impl Read for OneByte<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let end = buf.len().min(1);
            self.0.read(&mut buf[..end])
        }
    }

    #[test]
    fn duplicate_fields_and_long_lines_are_named() {
        let text = "Filename: x\nSHA256: 00\nSize: 1\nSize: 2\n";
        let s = scan(&mut text.as_bytes(), "x");
        assert!(s.matches[0].problem.as_deref().unwrap().contains("line 2"));
        let long = format!("Package: {}\n", "a".repeat(MAX_LINE + 1));
        let s = scan(&mut long.as_bytes(), "x");
        assert!(s.problem.unwrap().contains("line 1: longer than"));
        let s = scan(&mut "junk\n".as_bytes(), "x");
        assert!(s.problem.unwrap().contains("line 1 is not"));
    }

    #[test]
    fn codecs_follow_the_name() {
        assert_eq!(IndexCodec::of("main/Packages"), Some(IndexCodec::Plain));
        assert_eq!(IndexCodec::of("main/Packages.gz"), Some(IndexCodec::Gzip));
        assert_eq!(IndexCodec::of("main/Packages.xz"), Some(IndexCodec::Xz));
        assert_eq!(IndexCodec::of("main/Packages.lz4"), None);
    }
}
