//! The two ways an artifact is walked: from the read pass's stream, and,
//! for a kind that needs its index from the end first (zip) when it came
//! as a download, from the file once the pass has put it on this machine.
//! Both tell the kind from the first bytes and judge the name against it.

use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

use super::kind::{Input, Kind};
use super::kinds;
use super::meter::Limits;
use super::report::ArchiveReport;

/// How many first bytes tell the kind (one tar header block).
const HEAD: usize = 512;

/// What the walk of the stream came to.
#[derive(Debug)]
pub enum Walked {
    Done(ArchiveReport),
    /// The kind needs the whole file first: walk it with [`walk_file`].
    NeedsTheFile,
}

/// Walks the artifact as the pass delivers it. `file`: the artifact on
/// this machine while the pass runs, if it is (a local source).
pub fn walk_stream(
    reader: &mut dyn BufRead,
    file: Option<&Path>,
    size: Option<u64>,
    file_name: &str,
    limits: &Limits,
) -> Walked {
    let head = match read_head(reader) {
        Ok(head) => head,
        Err(e) => {
            let mut report = ArchiveReport::new(kinds::name_of(kinds::by_name(file_name)));
            report.stop("(archive)", format!("could not be read: {e}"));
            return Walked::Done(report);
        }
    };
    let kind = super::oci::refine(kinds::by_bytes(&head), kinds::by_name(file_name));
    let mut bytes = io::Cursor::new(head).chain(reader);
    match walk_kind(kind, &mut bytes, file, size, limits) {
        Some(mut report) => {
            kinds::name_mismatch(&mut report, kinds::by_name(file_name));
            Walked::Done(report)
        }
        None => Walked::NeedsTheFile,
    }
}

/// Walks the artifact from a file on this machine.
pub fn walk_file(path: &Path, file_name: &str, limits: &Limits) -> ArchiveReport {
    let opened = std::fs::File::open(path).and_then(|f| Ok((f.metadata()?.len(), f)));
    let walked = match opened {
        Ok((len, file)) => {
            let mut reader = BufReader::with_capacity(256 * 1024, file);
            walk_stream(&mut reader, Some(path), Some(len), file_name, limits)
        }
        Err(e) => {
            let mut report = ArchiveReport::new(kinds::name_of(kinds::by_name(file_name)));
            report.stop("(archive)", format!("could not be read: {e}"));
            Walked::Done(report)
        }
    };
    match walked {
        Walked::Done(report) => report,
        Walked::NeedsTheFile => {
            let mut report = ArchiveReport::new(kinds::name_of(kinds::by_name(file_name)));
            report.stop("(archive)", "the archive walk stopped unexpectedly");
            report
        }
    }
}

fn walk_kind(
    kind: Option<&dyn Kind>,
    bytes: &mut dyn BufRead,
    file: Option<&Path>,
    size: Option<u64>,
    limits: &Limits,
) -> Option<ArchiveReport> {
    let Some(kind) = kind else {
        return Some(ArchiveReport::new(kinds::name_of(None)));
    };
    kind.walk(Input {
        bytes,
        file,
        size,
        limits,
    })
}

/// The first [`HEAD`] bytes (fewer when the artifact is shorter), taken
/// from the reader; the caller puts them back in front.
fn read_head(reader: &mut dyn BufRead) -> io::Result<Vec<u8>> {
    let mut head = Vec::with_capacity(HEAD);
    while head.len() < HEAD {
        let available = match reader.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            break;
        }
        let n = available.len().min(HEAD - head.len());
        head.extend_from_slice(available.get(..n).unwrap_or_default());
        reader.consume(n);
    }
    Ok(head)
}
