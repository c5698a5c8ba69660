//! The files' bytes, from the cabinets embedded in the package (a `Media`
//! row's `#name`), read and hashed: an uncompressed cabinet by
//! [`plain_cab`] in one sequential pass, MSZIP and LZX folders by the
//! `cab` crate; a Quantum folder, or a cabinet outside
//! the package, leaves its files listed with their size and no digest.

use std::collections::HashMap;
use std::fs::File;
use std::panic::{AssertUnwindSafe, catch_unwind};

use cab::{Cabinet, CompressionType};
use msi::Package;

use super::plain_cab;
use super::tables::{InstalledFile, Medium};
use crate::engine::inspect::report::hash_content;

/// What reading the cabinets came to.
#[derive(Debug, Default)]
pub struct Hashed {
    /// The file's index in the tables' list: its digest and size read.
    pub digests: HashMap<usize, ([u8; 32], u64)>,
    /// Why some files have no digest (each names the cabinet).
    pub notes: Vec<String>,
    /// Files whose bytes disagree with the tables.
    pub problems: Vec<String>,
}

/// Hashes every file of every embedded cabinet.
pub fn hash_files(
    package: &mut Package<File>,
    files: &[InstalledFile],
    media: &[Medium],
) -> Hashed {
    let mut out = Hashed::default();
    let by_key: HashMap<&str, usize> = files
        .iter()
        .enumerate()
        .map(|(i, f)| (f.key.as_str(), i))
        .collect();
    for medium in media {
        let Some(cabinet) = medium.cabinet.as_deref().filter(|c| !c.is_empty()) else {
            continue;
        };
        let Some(stream) = cabinet.strip_prefix('#') else {
            out.notes.push(format!(
                "the cabinet `{cabinet}` is outside the package: its files are listed with their sizes, not hashed"
            ));
            continue;
        };
        // The cab crate indexes past its tables on some malformed
        // cabinets rather than returning an error: such a cabinet is a
        // finding, not the end of the review.
        let read = catch_unwind(AssertUnwindSafe(|| {
            one_cabinet(package, stream, &by_key, files, &mut out)
        }));
        let why = match read {
            Ok(Ok(())) => continue,
            Ok(Err(why)) => why,
            Err(_) => "malformed: the cabinet reader gave up on it".to_string(),
        };
        out.problems
            .push(format!("the embedded cabinet `{stream}`: {why}"));
    }
    out
}

fn one_cabinet(
    package: &mut Package<File>,
    stream: &str,
    by_key: &HashMap<&str, usize>,
    files: &[InstalledFile],
    out: &mut Hashed,
) -> Result<(), String> {
    let plain = package.read_stream(stream).map_err(|e| e.to_string())?;
    if let Some(read) =
        plain_cab::read(plain).map_err(|e| format!("not a readable cabinet: {e}"))?
    {
        for (name, digest, size) in read {
            record(out, by_key, files, stream, &name, size, (digest, size));
        }
        return Ok(());
    }
    let extents = package.read_stream(stream).map_err(|e| e.to_string())?;
    plain_cab::check_extents(extents)
        .map_err(|e| format!("not a readable cabinet: {e}"))?
        .map_err(|why| format!("malformed: {why}"))?;
    let reader = package.read_stream(stream).map_err(|e| e.to_string())?;
    let mut cabinet = Cabinet::new(reader).map_err(|e| format!("not a readable cabinet: {e}"))?;
    let mut names: Vec<(String, u64)> = Vec::new();
    for folder in cabinet.folder_entries() {
        let readable = !matches!(folder.compression_type(), CompressionType::Quantum(..));
        for f in folder.file_entries() {
            if readable {
                names.push((f.name().to_string(), u64::from(f.uncompressed_size())));
            } else {
                out.notes.push(format!(
                    "`{}` is Quantum-compressed in cabinet `{stream}`, which intake does not decompress: listed, not hashed",
                    f.name()
                ));
            }
        }
    }
    for (name, size) in names {
        if !by_key.contains_key(name.as_str()) {
            record(out, by_key, files, stream, &name, size, ([0; 32], 0));
            continue;
        }
        let mut reader = cabinet
            .read_file(&name)
            .map_err(|e| format!("`{name}`: {e}"))?;
        let hashed =
            hash_content(&mut reader).map_err(|e| format!("`{name}` cannot be read: {e}"))?;
        record(out, by_key, files, stream, &name, size, hashed);
    }
    Ok(())
}

/// One cabinet file's digest against the File table: `size` as the
/// cabinet lists it, `hashed` what was read.
fn record(
    out: &mut Hashed,
    by_key: &HashMap<&str, usize>,
    files: &[InstalledFile],
    stream: &str,
    name: &str,
    size: u64,
    (digest, read): ([u8; 32], u64),
) {
    let Some(&index) = by_key.get(name) else {
        out.problems.push(format!(
            "the cabinet `{stream}` holds `{name}`, which the File table does not list: bytes the package does not install"
        ));
        return;
    };
    if read != size {
        out.problems.push(format!(
            "`{name}`: the cabinet says {size} bytes, {read} were read"
        ));
    }
    if let Some(f) = files.get(index)
        && f.size != read
    {
        out.problems.push(format!(
            "`{}`: the File table says {} bytes, the cabinet holds {read}",
            f.path, f.size
        ));
    }
    out.digests.insert(index, (digest, read));
}
