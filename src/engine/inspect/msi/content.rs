//! The package's Authenticode content digest, computed from the streams
//! as `cfb` reads them in the order [`authenticode::msi`] gives, with
//! every digest algorithm a signature in the package names; and the
//! `\x05DigitalSignature` stream itself.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use cfb::CompoundFile;

use crate::engine::inspect::pe::TABLE_MAX;
use crate::engine::verify::authenticode::SignedFile;
use crate::engine::verify::authenticode::digest::{DigestAlgorithm, ImageDigest, ImageHasher};
use crate::engine::verify::authenticode::msi::{
    self as order, DIGITAL_SIGNATURE, DIGITAL_SIGNATURE_EX, Step,
};
use crate::engine::verify::authenticode::signature::digest_algorithms;

use super::directory::RawEntry;
use super::layout::Layout;

/// What the Authenticode judge needs of the package at `path`.
pub fn signed_file(path: &Path, layout: &Layout) -> SignedFile {
    match read(path, layout) {
        Ok(signed) => signed,
        Err(why) => SignedFile::unreadable(why),
    }
}

fn read(path: &Path, layout: &Layout) -> Result<SignedFile, String> {
    let file = File::open(path).map_err(|e| e.to_string())?;
    let mut comp =
        CompoundFile::open(file).map_err(|e| format!("the compound file cannot be opened: {e}"))?;
    let root_stream = |name: &str| {
        layout
            .entries
            .iter()
            .find(|e| e.parent == Some(0) && e.is_stream() && e.name() == name)
    };
    let mut signatures = Vec::new();
    if let Some(sig) = root_stream(DIGITAL_SIGNATURE) {
        signatures.push(small_stream(&mut comp, sig, TABLE_MAX)?);
    }
    let stored_ex = match root_stream(DIGITAL_SIGNATURE_EX) {
        Some(e) => Some(small_stream(&mut comp, e, 64)?),
        None => None,
    };
    let mut algorithms = vec![DigestAlgorithm::Sha256];
    algorithms.extend(
        signatures
            .iter()
            .flat_map(|d| digest_algorithms(d))
            .filter(|a| a.accepted()),
    );
    algorithms.sort();
    algorithms.dedup();
    let mut hashers: Vec<ImageHasher> = algorithms
        .iter()
        .filter_map(|a| ImageHasher::new(*a))
        .collect();
    let mut hidden = layout.hidden.clone();
    if let Some(stored) = &stored_ex {
        let metadata = order::prehash_bytes(&layout.entries);
        for h in hashers.iter_mut() {
            let prehash = h.algorithm().digest(&metadata).unwrap_or_default();
            if prehash.len() == stored.len() && prehash != *stored {
                hidden.push(format!(
                    "the {DIGITAL_SIGNATURE_EX} stream does not match the entries' names, sizes and times: the package's structure changed after signing"
                ));
            }
            h.update(&prehash);
        }
    }
    let mut buf = vec![0u8; 256 * 1024];
    for step in order::content_steps(&layout.entries) {
        match step {
            Step::Clsid(i) => {
                let clsid = layout.entries.get(i).map(|e| e.clsid).unwrap_or_default();
                hashers.iter_mut().for_each(|h| h.update(&clsid));
            }
            Step::Stream(i) => {
                let Some(e) = layout.entries.get(i) else {
                    continue;
                };
                hash_stream(&mut comp, e, &mut hashers, &mut buf)?;
            }
        }
    }
    Ok(SignedFile {
        what: order::WHAT.to_string(),
        digests: hashers
            .into_iter()
            .map(|h| ImageDigest {
                algorithm: h.algorithm(),
                value: h.finish(),
            })
            .collect(),
        signatures,
        hidden,
        unreadable: None,
    })
}

fn hash_stream(
    comp: &mut CompoundFile<File>,
    e: &RawEntry,
    hashers: &mut [ImageHasher],
    buf: &mut [u8],
) -> Result<(), String> {
    let mut stream = comp
        .open_stream(&e.path)
        .map_err(|err| stream_error(e, &err))?;
    let mut left = e.size;
    while left > 0 {
        let want = usize::try_from(left).unwrap_or(usize::MAX).min(buf.len());
        let chunk = buf.get_mut(..want).unwrap_or_default();
        match stream.read(chunk) {
            Ok(0) => {
                return Err(format!(
                    "the stream `{}` ends before its {} bytes",
                    e.name(),
                    e.size
                ));
            }
            Ok(n) => {
                let data = chunk.get(..n).unwrap_or_default();
                hashers.iter_mut().for_each(|h| h.update(data));
                left -= n as u64;
            }
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) => return Err(stream_error(e, &err)),
        }
    }
    Ok(())
}

/// A stream of at most `max` bytes, whole.
pub fn small_stream(
    comp: &mut CompoundFile<File>,
    e: &RawEntry,
    max: u64,
) -> Result<Vec<u8>, String> {
    if e.size > max {
        return Err(format!(
            "the stream `{}` claims {} bytes: more than the {max} intake reads",
            e.name(),
            e.size
        ));
    }
    let stream = comp
        .open_stream(&e.path)
        .map_err(|err| stream_error(e, &err))?;
    let mut out = Vec::new();
    stream
        .take(max)
        .read_to_end(&mut out)
        .map_err(|err| stream_error(e, &err))?;
    Ok(out)
}

fn stream_error(e: &RawEntry, err: &io::Error) -> String {
    format!("the stream `{}` cannot be read: {err}", e.name())
}
