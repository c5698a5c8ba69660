//! Which hash contexts the covered bytes need, found before the pass when
//! the package is a file on this machine (a local source): its member
//! headers are stepped through with seeks (at most [`MAX_MEMBERS`], none
//! read but the signature's), and the `_gpgorigin` signature, when there
//! is one, says which contexts it needs. A package with no signature then
//! costs no signature hashing at all, and one signed with any algorithm,
//! salt or text mode can be checked. Only the stream decides anything: if
//! the file changed in between, the signature in the stream has no
//! context and fails.

use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::Path;

use crate::engine::fetch::hashers::HashKey;
use crate::engine::shared::limits::SIGNATURE_MAX;
use crate::engine::verify::signature::{self, parse};

use super::ar;

/// Members stepped over at most (a package has four).
pub const MAX_MEMBERS: usize = 16;

/// The contexts the package's signature needs (none when it has none);
/// `None` when the file cannot tell (unreadable, not laid out as a package):
/// the pass then hashes with every default algorithm.
pub fn signature_keys(path: &Path) -> Option<Vec<HashKey>> {
    let mut file = BufReader::new(File::open(path).ok()?);
    let mut magic = [0u8; 8];
    file.read_exact(&mut magic).ok()?;
    if &magic != ar::MAGIC {
        return None;
    }
    for _ in 0..MAX_MEMBERS {
        let mut block = [0u8; ar::HEADER];
        match file.read(&mut block[..1]) {
            Ok(0) => return Some(Vec::new()),
            Ok(_) => file.read_exact(&mut block[1..]).ok()?,
            Err(_) => return None,
        }
        let header = ar::parse(&block).ok()?;
        if header.name == ar::GPG_ORIGIN.as_bytes() && header.size <= SIGNATURE_MAX {
            let mut bytes = Vec::new();
            (&mut file).take(header.size).read_to_end(&mut bytes).ok()?;
            let found = parse::detached(&bytes).ok()?;
            return Some(signature::hash_keys(&found));
        }
        let skip = header.size.checked_add(header.size % 2)?;
        file.seek(SeekFrom::Current(i64::try_from(skip).ok()?))
            .ok()?;
    }
    None
}
