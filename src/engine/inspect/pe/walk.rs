//! The PE read in the one pass: the headers first (bounded by
//! [`HEADERS_MAX`]), then every byte up to the certificate table through
//! the image-digest contexts (the checksum field and the certificate-table
//! directory entry left out, as Authenticode defines), then the table
//! itself into memory (bounded by [`TABLE_MAX`], never by what the file
//! claims), then whatever follows it, counted and refused.
//!
//! Bytes are hashed in file order, every one of them: sections, gaps
//! between them and data after the last one (`osslsigncode` hashes so, and
//! so does Windows for images whose sections are contiguous, which every
//! linker writes). An image whose signature was made skipping a gap fails
//! as a digest mismatch rather than passing with unsigned bytes.

use std::io::{self, BufRead, Read};

use crate::engine::verify::authenticode::digest::{DigestAlgorithm, ImageDigest, ImageHasher};

use super::PeImage;
use super::certtable;
use super::headers::{self, HEADERS_MAX, HeaderProblem, Layout};

/// The largest certificate table read (a signature with its chain, a
/// nested signature and timestamps is tens of KiB).
pub const TABLE_MAX: u64 = 4 << 20;

/// Why the walk stopped: the message names the offset.
pub type Stop = String;

/// Reads the PE from `bytes`, hashing with each of `algorithms`.
pub fn read(bytes: &mut dyn BufRead, algorithms: &[DigestAlgorithm]) -> Result<PeImage, Stop> {
    let head = read_head(bytes).map_err(|p| p.to_string())?;
    let layout = headers::parse(&head).map_err(|p| format!("not a usable PE image: {p}"))?;
    let mut image = PeImage::new(&layout);
    for overlap in headers::overlaps(&layout.sections) {
        image.structure.push(overlap.to_string());
    }
    let mut hashers: Vec<ImageHasher> = algorithms
        .iter()
        .filter_map(|a| ImageHasher::new(*a))
        .collect();
    hash_head(&head, &layout, &mut hashers);
    let mut stream = Stream {
        bytes,
        at: head.len() as u64,
    };
    let table_at = layout.certificate_table.map(|(at, _)| at);
    if let Some(at) = table_at
        && at < stream.at
    {
        return Err(format!(
            "the certificate table at offset {at} lies inside the headers"
        ));
    }
    let end = table_at.unwrap_or(u64::MAX);
    stream
        .hash_until(end, &mut hashers)
        .map_err(|e| read_error(&stream, &e))?;
    let size_read = stream.at;
    if let Some((at, size)) = layout.certificate_table {
        if stream.at < at {
            return Err(format!(
                "the certificate table at offset {at} is past the end of the file ({} bytes)",
                stream.at
            ));
        }
        image.table = Some((at, size));
        read_table(&mut stream, at, size, &mut image)?;
    }
    let after = stream.count_rest().map_err(|e| read_error(&stream, &e))?;
    if after > 0 {
        image.hidden.push(format!(
            "{after} bytes after the certificate table (offset {}): data no signature covers",
            stream.at - after
        ));
    }
    sections_within(&layout, size_read, table_at, &mut image);
    image.size = stream.at;
    image.digests = hashers
        .into_iter()
        .map(|h| ImageDigest {
            algorithm: h.algorithm(),
            value: h.finish(),
        })
        .collect();
    Ok(image)
}

/// Reads the header bytes: DOS header, PE header, optional header and
/// section table.
pub(super) fn read_head(bytes: &mut dyn BufRead) -> Result<Vec<u8>, HeaderProblem> {
    let mut head = Vec::new();
    loop {
        let need = headers::needed(&head)?;
        if need > HEADERS_MAX {
            return Err(HeaderProblem {
                offset: 0,
                what: format!("headers of {need} bytes: more than {HEADERS_MAX} are refused"),
            });
        }
        if head.len() as u64 >= need {
            return Ok(head);
        }
        let want = (need - head.len() as u64) as usize;
        let got = Read::take(&mut *bytes, want as u64)
            .read_to_end(&mut head)
            .map_err(|e| HeaderProblem {
                offset: head.len() as u64,
                what: e.to_string(),
            })?;
        if got < want {
            return Err(HeaderProblem {
                offset: head.len() as u64,
                what: "the file ends inside the PE headers".to_string(),
            });
        }
    }
}

/// Hashes the header bytes, leaving out the checksum field and the
/// certificate-table directory entry.
fn hash_head(head: &[u8], layout: &Layout, hashers: &mut [ImageHasher]) {
    let mut skips = vec![(layout.checksum_at, 4)];
    skips.extend(layout.directory_at.map(|at| (at, 8)));
    let mut from = 0u64;
    for (at, len) in skips {
        feed(
            hashers,
            head.get(from as usize..at as usize).unwrap_or_default(),
        );
        from = at + len;
    }
    feed(hashers, head.get(from as usize..).unwrap_or_default());
}

fn feed(hashers: &mut [ImageHasher], data: &[u8]) {
    for h in hashers.iter_mut() {
        h.update(data);
    }
}

/// Reads the certificate table into memory, refusing one past the limit.
fn read_table(
    stream: &mut Stream<'_>,
    at: u64,
    size: u64,
    image: &mut PeImage,
) -> Result<(), Stop> {
    if size > TABLE_MAX {
        return Err(format!(
            "the certificate table at offset {at} claims {size} bytes: more than the {TABLE_MAX} intake reads"
        ));
    }
    let mut table = Vec::new();
    let got = Read::take(&mut *stream.bytes, size)
        .read_to_end(&mut table)
        .map_err(|e| read_error(stream, &e))?;
    stream.at += got as u64;
    if (got as u64) < size {
        return Err(format!(
            "the certificate table at offset {at} claims {size} bytes; the file ends after {got}"
        ));
    }
    let read = certtable::read(&table, at);
    image.signatures = read.signatures;
    image.hidden.extend(read.problems);
    Ok(())
}

/// Every section's raw data must lie in the file, before the table.
fn sections_within(layout: &Layout, image_bytes: u64, table_at: Option<u64>, image: &mut PeImage) {
    for s in layout.sections.iter().filter(|s| s.raw_size > 0) {
        let end = s.raw_at + s.raw_size;
        if end > image_bytes {
            image.structure.push(format!(
                "at offset {}: section `{}` claims {} bytes, past the end of the image data ({image_bytes} bytes)",
                s.raw_at, s.name, s.raw_size
            ));
        }
    }
    if let Some(at) = table_at
        && headers::image_end(layout) > at
    {
        image.hidden.push(format!(
            "the certificate table at offset {at} is not at the end: section data runs to {}",
            headers::image_end(layout)
        ));
    }
}

fn read_error(stream: &Stream<'_>, e: &io::Error) -> Stop {
    format!("read failed at offset {}: {e}", stream.at)
}

/// The bytes with the offset reached.
struct Stream<'a> {
    bytes: &'a mut dyn BufRead,
    at: u64,
}

impl Stream<'_> {
    /// Hashes bytes up to offset `end` or the end of the bytes.
    fn hash_until(&mut self, end: u64, hashers: &mut [ImageHasher]) -> io::Result<()> {
        while self.at < end {
            let buf = match self.bytes.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if buf.is_empty() {
                return Ok(());
            }
            let n = buf
                .len()
                .min(usize::try_from(end - self.at).unwrap_or(usize::MAX));
            feed(hashers, buf.get(..n).unwrap_or_default());
            self.bytes.consume(n);
            self.at += n as u64;
        }
        Ok(())
    }

    /// Reads to the end, counting the bytes.
    fn count_rest(&mut self) -> io::Result<u64> {
        let n = io::copy(&mut self.bytes, &mut io::sink())?;
        self.at += n;
        Ok(n)
    }
}
