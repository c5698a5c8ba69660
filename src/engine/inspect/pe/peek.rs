//! Which digests the pass must compute, looked up before it starts when
//! the image is on this machine (a local source): the headers, then the
//! certificate table at the end, with two bounded reads and a seek, so a
//! signature made with SHA-384 or SHA-512 is checked in the same one pass
//! as one made with SHA-256. A download has no file to look at yet: it is
//! hashed with SHA-256 only.

use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::Path;

use crate::engine::verify::authenticode::digest::DigestAlgorithm;
use crate::engine::verify::authenticode::signature::digest_algorithms;

use super::walk::{TABLE_MAX, read_head};
use super::{certtable, headers};

/// SHA-256, and every other accepted algorithm a signature in the file at
/// `path` names. Anything unreadable here is judged in the pass itself.
pub fn algorithms(path: &Path) -> Vec<DigestAlgorithm> {
    let mut found = vec![DigestAlgorithm::Sha256];
    if let Some(more) = signed_with(path) {
        found.extend(more.into_iter().filter(|a| a.accepted()));
    }
    found.sort();
    found.dedup();
    found
}

fn signed_with(path: &Path) -> Option<Vec<DigestAlgorithm>> {
    let mut file = BufReader::new(File::open(path).ok()?);
    let head = read_head(&mut file).ok()?;
    let (at, size) = headers::parse(&head).ok()?.certificate_table?;
    if size > TABLE_MAX {
        return None;
    }
    file.seek(SeekFrom::Start(at)).ok()?;
    let mut table = Vec::new();
    file.take(size).read_to_end(&mut table).ok()?;
    let read = certtable::read(&table, at);
    Some(
        read.signatures
            .iter()
            .flat_map(|der| digest_algorithms(der))
            .collect(),
    )
}
