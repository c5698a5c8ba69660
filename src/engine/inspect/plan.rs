//! How the archive walk joins the read pass: for a local file, a look at
//! its first bytes (and a zip's central directory) before reading; for a
//! download, a walk of the stream, and a zip walked from the downloaded
//! file afterwards.

use std::io::{BufReader, Read};
use std::path::Path;

use crate::engine::fetch::open::Opened;
use crate::engine::fetch::pass::{ChunkReader, StreamConsumer};

use super::zip::CentralDirectory;
use super::{ArchiveKind, ArchiveReport, Limits, inspect_stream, name_mismatch};

/// How the archive walk joins the read pass: a stream consumer, or a report
/// decided before reading (a zip whose directory cannot be read, a name
/// that promises an archive over bytes that are not one).
pub fn inspection(
    opened: &Opened,
    name_kind: ArchiveKind,
    limits: &Limits,
) -> (
    Option<StreamConsumer<'static, ArchiveReport>>,
    Option<ArchiveReport>,
) {
    let size = opened.size;
    let limits = limits.clone();
    let Some(path) = &opened.local else {
        let consumer: StreamConsumer<'static, ArchiveReport> =
            Box::new(move |r: &mut ChunkReader| inspect_stream(r, name_kind, size, &limits));
        return (Some(consumer), None);
    };
    // A local file: look at its first bytes (and a zip's directory) first.
    let mut head = Vec::with_capacity(512);
    let opened_file = std::fs::File::open(path);
    if let Ok(file) = &opened_file {
        let _ = file.take(512).read_to_end(&mut head);
    }
    match ArchiveKind::sniff(&head) {
        ArchiveKind::Zip => {
            let len = size.unwrap_or(0);
            let directory = opened_file
                .map_err(|e| e.to_string())
                .and_then(|mut file| CentralDirectory::read(&mut file, len, &limits));
            match directory {
                Ok(cd) => {
                    let consumer: StreamConsumer<'static, ArchiveReport> =
                        Box::new(move |r: &mut ChunkReader| {
                            let mut report = super::zip::inspect(r, &cd, len, &limits);
                            name_mismatch(&mut report, name_kind, ArchiveKind::Zip);
                            report
                        });
                    (Some(consumer), None)
                }
                Err(why) => {
                    let mut report = ArchiveReport::new(ArchiveKind::Zip);
                    report.stop("(central directory)", why);
                    name_mismatch(&mut report, name_kind, ArchiveKind::Zip);
                    (None, Some(report))
                }
            }
        }
        ArchiveKind::Single => {
            let mut report = ArchiveReport::new(ArchiveKind::Single);
            name_mismatch(&mut report, name_kind, ArchiveKind::Single);
            (None, Some(report))
        }
        ArchiveKind::Tar | ArchiveKind::TarGz => {
            let consumer: StreamConsumer<'static, ArchiveReport> =
                Box::new(move |r: &mut ChunkReader| inspect_stream(r, name_kind, size, &limits));
            (Some(consumer), None)
        }
    }
}

/// Walks a zip that arrived as a download, from the downloaded file.
pub fn walk_downloaded_zip(path: &Path, name_kind: ArchiveKind, limits: &Limits) -> ArchiveReport {
    let walked = std::fs::File::open(path)
        .map_err(|e| e.to_string())
        .and_then(|mut file| {
            let len = file.metadata().map_err(|e| e.to_string())?.len();
            let cd = CentralDirectory::read(&mut file, len, limits)?;
            Ok(super::zip::inspect(
                BufReader::new(std::fs::File::open(path).map_err(|e| e.to_string())?),
                &cd,
                len,
                limits,
            ))
        });
    let mut report = walked.unwrap_or_else(|why| {
        let mut report = ArchiveReport::new(ArchiveKind::Zip);
        report.stop("(central directory)", why);
        report
    });
    name_mismatch(&mut report, name_kind, ArchiveKind::Zip);
    report
}
