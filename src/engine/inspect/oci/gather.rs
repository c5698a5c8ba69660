//! One pass over an image's tar: every file hashed as it streams (a blob's
//! name is the digest it claims), the small JSON documents kept (index,
//! manifests, configs, cosign payloads: each within [`DOC_MAX`], all within
//! [`DOCS_MAX`]), and every file that opens like a layer (gzip, zstd or a
//! tar header) walked speculatively through the shared tar walker with the
//! root-filesystem rules, its compressed and uncompressed bytes hashed in
//! the same read. Blobs come in any order and `index.json` may come last,
//! so nothing is judged here: [`super::chain`] resolves what the pinned
//! digest refers to once everything is known. Nothing is extracted.

use std::collections::BTreeMap;
use std::io::{self, BufRead, BufReader, Cursor, Read};

use sha2::{Digest, Sha256};

use crate::engine::inspect::compress::{Codec, gzip, pipeline, walk_tar, zstd};
use crate::engine::inspect::meter::{Counted, Limits, Metered};
use crate::engine::inspect::report::ArchiveReport;
use crate::engine::inspect::tar::{self, Extras};
use crate::engine::shared::check::{Finding, Status};

use super::outer::{Header, Outer};

/// The largest JSON document kept (an index, manifest, config, payload).
pub const DOC_MAX: u64 = 4 << 20;
/// All documents kept together.
pub const DOCS_MAX: u64 = 64 << 20;

/// What a file of the image's tar holds, as far as the pass could tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    /// A small document, kept whole (JSON, or `oci-layout`).
    Doc(Vec<u8>),
    /// A layer, walked.
    Layer(Box<Layer>),
    /// Anything else: hashed only.
    Other,
}

/// A layer as walked: its compression, uncompressed digest and entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layer {
    pub codec: Option<Codec>,
    /// SHA-256 of the uncompressed tar (what a config's `diff_ids` name).
    pub diff_id: [u8; 32],
    pub walked: ArchiveReport,
}

/// One file of the image's tar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blob {
    pub size: u64,
    pub sha256: [u8; 32],
    pub content: Content,
}

/// Everything the pass found, by name (leading `./` removed).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Gathered {
    pub files: BTreeMap<String, Blob>,
    /// Problems of the container itself (names, duplicates, types).
    pub findings: Vec<Finding>,
    /// Why the pass stopped before the end, if it did.
    pub stopped: Option<String>,
    /// Links in the tar (`skopeo` writes `<id>/layer.tar` links for old
    /// readers): never followed, so a name `manifest.json` gives must be a
    /// file; listed.
    pub links: Vec<String>,
}

/// Reads the image's tar to its end.
pub fn gather(bytes: &mut dyn BufRead, limits: &Limits) -> Gathered {
    let mut outer = Outer::new(bytes);
    let mut found = Gathered::default();
    // The layers share one budget: entries, expanded bytes and names of
    // every layer walked count against the limits of one archive.
    let mut budget = limits.clone();
    let mut docs = 0u64;
    let mut count = 0usize;
    loop {
        let header = match outer.next_header() {
            Ok(Some(h)) => h,
            Ok(None) => break,
            Err(why) => {
                found.stopped = Some(why);
                return found;
            }
        };
        count += 1;
        if count > limits.max_entries {
            found.stopped = Some(format!(
                "more than {} files in the image's tar: refused",
                limits.max_entries
            ));
            return found;
        }
        if let Err(why) = file(&mut outer, &header, &mut found, &mut docs, &mut budget) {
            found.stopped = Some(why);
            return found;
        }
    }
    match outer.trailing_data() {
        Ok(0) => {}
        Ok(n) => found.findings.push(Finding::new(
            Status::Fail,
            "(after the image's tar)",
            format!(
                "{n} bytes of data after the end-of-archive marker: content no tool would list"
            ),
        )),
        Err(why) => found.stopped = Some(why),
    }
    found
}

/// One entry of the tar: judged by name and type, read, recorded.
fn file<R: Read>(
    outer: &mut Outer<R>,
    header: &Header,
    found: &mut Gathered,
    docs: &mut u64,
    budget: &mut Limits,
) -> Result<(), String> {
    if let Some(why) = name_problem(&header.name) {
        fail(found, &header.name, why);
    }
    if !header.is_file() {
        if matches!(header.typeflag, b'1' | b'2') {
            found.links.push(header.name.clone());
        } else if !header.is_dir() {
            fail(
                found,
                &header.name,
                "a device, FIFO or other special entry in the image's tar: an image is files and folders only; refused".into(),
            );
        }
        return outer.finish_entry(header.size, 0);
    }
    let room = (DOCS_MAX.saturating_sub(*docs)).min(DOC_MAX);
    let (blob, read) = read_blob(outer, header.size, room, budget)?;
    if let Content::Layer(layer) = &blob.content {
        spend(budget, &layer.walked);
    }
    if let Content::Doc(d) = &blob.content {
        *docs += d.len() as u64;
    }
    outer.finish_entry(header.size, read)?;
    if read < header.size {
        return Err(format!(
            "truncated inside {}: {} bytes announced, {read} present",
            header.name, header.size
        ));
    }
    match found.files.get(&header.name) {
        Some(first) if first.sha256 != blob.sha256 => fail(
            found,
            &header.name,
            "the same name twice with different content: tools would take either; refused".into(),
        ),
        Some(_) => {}
        None => {
            found.files.insert(header.name.clone(), blob);
        }
    }
    Ok(())
}

/// Takes what a layer's walk used from the budget the next layers share.
fn spend(budget: &mut Limits, walked: &ArchiveReport) {
    let names: u64 = walked.entries.iter().map(|e| e.path.len() as u64).sum();
    budget.max_entries = budget.max_entries.saturating_sub(walked.entries.len());
    budget.max_expanded = budget.max_expanded.saturating_sub(walked.expanded);
    budget.max_name_bytes = budget.max_name_bytes.saturating_sub(names);
}

fn fail(found: &mut Gathered, subject: &str, why: String) {
    found
        .findings
        .push(Finding::new(Status::Fail, subject, why));
}

/// What is wrong with a name in the image's tar: `..`, an absolute name,
/// or a blob name that is not `blobs/<algorithm>/<hex>`.
pub fn name_problem(name: &str) -> Option<String> {
    if name.starts_with('/') || name.split('/').any(|c| c == "..") {
        return Some("a name that leaves the image's folder (`..` or absolute); refused".into());
    }
    let rest = name.strip_prefix("blobs/")?;
    let parts: Vec<&str> = rest.trim_end_matches('/').split('/').collect();
    let hex_ok = |h: &str, len: usize| {
        h.len() == len
            && h.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    };
    match parts.as_slice() {
        [_] => None,
        ["sha256", hex] if hex_ok(hex, 64) => None,
        ["sha512", hex] if hex_ok(hex, 128) => None,
        _ => {
            Some("a blob name that is not `blobs/sha256/<64 lower-case hex>`: refused".to_string())
        }
    }
}

/// Reads one file: hashed, kept or walked. Returns it and the bytes read.
fn read_blob<R: Read>(
    outer: &mut Outer<R>,
    size: u64,
    room: u64,
    limits: &Limits,
) -> Result<(Blob, u64), String> {
    let mut raw = Hashing::new(outer.content(size));
    let mut head = Vec::with_capacity(512);
    (&mut raw)
        .take(512)
        .read_to_end(&mut head)
        .map_err(|e| format!("could not be read: {e}"))?;
    let layer = if head.starts_with(gzip::MAGIC) {
        Some(Some(Codec::Gzip))
    } else if zstd::recognises(&head) {
        Some(Some(Codec::Zstd))
    } else if tar::looks_like_header(&head) {
        Some(None)
    } else {
        None
    };
    let looks_like_doc = head
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_none_or(|b| *b == b'{' || *b == b'[');
    let content = match layer {
        Some(codec) => {
            let mut input = BufReader::with_capacity(256 * 1024, Cursor::new(head).chain(&mut raw));
            let walked = walk_layer(&mut input, codec, size, limits);
            drain(&mut input)?;
            Content::Layer(Box::new(walked))
        }
        None if looks_like_doc && size <= room => {
            let mut doc = head;
            raw.read_to_end(&mut doc)
                .map_err(|e| format!("could not be read: {e}"))?;
            Content::Doc(doc)
        }
        None => {
            drain(&mut raw)?;
            Content::Other
        }
    };
    let (sha256, read) = raw.finish();
    Ok((
        Blob {
            size: read,
            sha256,
            content,
        },
        read,
    ))
}

/// Walks a layer, hashing its uncompressed bytes on the way in. A
/// compressed layer is decoded (and its uncompressed bytes hashed) on this
/// thread while the tar walker reads the result on another, as a
/// compressed tar artifact is.
fn walk_layer(input: &mut dyn BufRead, codec: Option<Codec>, size: u64, limits: &Limits) -> Layer {
    let extras = Extras {
        root_filesystem: true,
        ..Extras::default()
    };
    let Some(codec) = codec else {
        let mut uncompressed = Hashing::new(input);
        let walked = {
            let mut tar_bytes = BufReader::with_capacity(256 * 1024, &mut uncompressed);
            let (walked, _) = walk_tar(&mut tar_bytes, None, "tar", Some(size), limits, extras);
            let _ = drain(&mut tar_bytes);
            walked
        };
        return Layer {
            codec: None,
            diff_id: uncompressed.finish().0,
            walked,
        };
    };
    let open = |c| decoder(c, codec, limits.max_window);
    // The uncompressed bytes are hashed on the walker's thread: the reading
    // thread already hashes the blob and decodes it.
    let walked = pipeline::decode_alongside(input, open, |decoded| {
        let compressed = decoded.counter();
        let mut uncompressed = Hashing::new(decoded);
        let metered = Metered::new(&mut uncompressed, compressed, Some(size), limits.clone());
        let report = tar::inspect_with(metered, "tar", limits, extras).0;
        // The walker reads to the end of the stream (only zeros may follow
        // the end marker); a walk that stopped leaves the rest unread, and
        // its diff_id unknown, rather than decompress what may be a bomb.
        (report, uncompressed.finish().0)
    });
    let (walked, diff_id) = walked.unwrap_or_else(|| {
        let mut report = ArchiveReport::new("tar");
        report.stop("(layer)", "the layer walk stopped unexpectedly");
        (report, [0u8; 32])
    });
    Layer {
        codec: Some(codec),
        diff_id,
        walked,
    }
}

/// The decoder of a compressed layer.
fn decoder<'a>(
    input: Counted<&'a mut dyn BufRead>,
    codec: Codec,
    window: u64,
) -> Box<dyn Read + 'a> {
    match codec {
        Codec::Zstd => Box::new(zstd::Frames::new(input, window)),
        _ => Box::new(gzip::Members::new(input)),
    }
}

fn drain(reader: &mut dyn Read) -> Result<u64, String> {
    io::copy(reader, &mut io::sink()).map_err(|e| format!("could not be read: {e}"))
}

/// Hashes and counts what is read through it.
pub struct Hashing<R> {
    inner: R,
    hasher: Sha256,
    count: u64,
}

impl<R: Read> Hashing<R> {
    pub fn new(inner: R) -> Self {
        Hashing {
            inner,
            hasher: Sha256::new(),
            count: 0,
        }
    }

    pub fn finish(self) -> ([u8; 32], u64) {
        (self.hasher.finalize().into(), self.count)
    }
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.count += n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blob_names_are_judged() {
        let hex = "a".repeat(64);
        assert!(name_problem(&format!("blobs/sha256/{hex}")).is_none());
        assert!(name_problem("blobs/sha256/").is_none());
        assert!(name_problem("blobs/sha256/xyz").is_some());
        assert!(name_problem(&format!("blobs/sha256/../{hex}")).is_some());
        assert!(name_problem("../etc/passwd").is_some());
        assert!(name_problem("index.json").is_none());
    }
}
