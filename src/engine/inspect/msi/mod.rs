//! Windows Installer packages (`.msi`): an OLE compound file (`D0 CF 11
//! E0 A1 B1 1A E1`) holding the installer database's tables. Its
//! directory may be anywhere in the file, so like zip it is walked from
//! the file on this machine once the pass has put it there.
//!
//! The walk: the compound file's structure first, with bounded work and
//! every sector accounted for ([`layout`], [`directory`]); the
//! Authenticode content digest over the streams and the
//! `DigitalSignature` stream ([`content`]), judged with the PE images'
//! judge; then, after checks that keep hostile claims from becoming
//! allocations ([`guard`]), the tables with the `msi` crate ([`tables`]):
//! the files it installs as entries with their target paths, hashed from
//! the embedded cabinets ([`cabinet`]), its custom actions that run code
//! as `package.scripts` ([`actions`]), and ProductName/ProductVersion as
//! `package.identity`.

pub mod actions;
pub mod cabinet;
pub mod content;
pub mod directory;
pub mod guard;
pub mod layout;
pub mod mini;
pub mod plain_cab;
pub mod sector;
pub mod tables;

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use crate::engine::inspect::package::{Format, Package};
use crate::engine::inspect::report::{ArchiveReport, Entry, EntryKind};
use crate::engine::inspect::safety::Safety;
use crate::engine::shared::check::{Finding, Status};
use crate::engine::verify::authenticode::SignedFile;

use super::kind::{Input, Kind};
use super::meter::Limits;

/// The name reports give the kind.
pub const NAME: &str = "msi";

/// A Windows Installer package.
pub struct Msi;

pub static MSI: Msi = Msi;

impl Kind for Msi {
    fn name(&self) -> &'static str {
        NAME
    }

    fn describe(&self) -> &'static str {
        "a Windows Installer package (MSI)"
    }

    fn suffixes(&self) -> &'static [&'static str] {
        &[".msi"]
    }

    fn recognises(&self, head: &[u8]) -> bool {
        head.starts_with(&sector::MAGIC)
    }

    fn walk(&self, input: Input<'_>) -> Option<ArchiveReport> {
        let path = input.file?;
        let limits = input.limits;
        // The walk reads the file on its own threads; the pass's stream is
        // drained meanwhile, so the pass (the artifact's SHA-256) is not
        // held up waiting for the walk and both run side by side.
        Some(std::thread::scope(|scope| {
            let walk = scope.spawn(|| inspect(path, limits));
            drain(input.bytes);
            walk.join().unwrap_or_else(|_| {
                let mut report = ArchiveReport::new(NAME);
                report.stop("(compound file)", "the walk stopped unexpectedly");
                report
            })
        }))
    }
}

/// Takes what the stream still holds, to its end or its first error.
fn drain(bytes: &mut dyn std::io::BufRead) {
    while let Ok(buf) = bytes.fill_buf() {
        let n = buf.len();
        if n == 0 {
            break;
        }
        bytes.consume(n);
    }
}

/// Walks the package at `path`.
pub fn inspect(path: &Path, limits: &Limits) -> ArchiveReport {
    let mut report = ArchiveReport::new(NAME);
    let opened = File::open(path).and_then(|f| Ok((f.metadata()?.len(), f)));
    let layout = match opened {
        Ok((len, file)) => layout::read(&mut BufReader::with_capacity(64 * 1024, file), len),
        Err(e) => Err(format!("could not be read: {e}")),
    };
    let layout = match layout {
        Ok(l) => l,
        Err(why) => {
            report.stop("(compound file)", why.clone());
            report.authenticode = Some(Box::new(SignedFile::unreadable(why)));
            return report;
        }
    };
    // The content digest and the cabinets' files are two reads of most of
    // the bytes: they run side by side.
    let signed = std::thread::scope(|scope| {
        let signed = scope.spawn(|| content::signed_file(path, &layout));
        tables_into(&mut report, path, &layout, limits);
        signed
            .join()
            .unwrap_or_else(|_| SignedFile::unreadable("the content digest could not be computed"))
    });
    report.authenticode = Some(Box::new(signed));
    report
}

/// The tables, behind their guards, into the report.
fn tables_into(report: &mut ArchiveReport, path: &Path, layout: &layout::Layout, limits: &Limits) {
    if let Err(why) = guarded(path, layout) {
        report.stop("(installer database)", why);
        return;
    }
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) => {
            report.stop("(installer database)", format!("could not be read: {e}"));
            return;
        }
    };
    match tables::read(file) {
        Ok((mut package, t)) => installs(report, &mut package, &t, limits),
        Err(why) => report.stop("(installer database)", why),
    }
}

/// The guards of [`guard`], on the streams the `msi` crate reads first.
fn guarded(path: &Path, layout: &layout::Layout) -> Result<(), String> {
    guard::table_sizes(&layout.entries)?;
    let mut comp = cfb::CompoundFile::open(File::open(path).map_err(|e| e.to_string())?)
        .map_err(|e| format!("the compound file cannot be opened: {e}"))?;
    let summary = layout
        .entries
        .iter()
        .find(|e| e.parent == Some(0) && e.name() == "\u{5}SummaryInformation")
        .ok_or("no summary information stream: not an installer database")?;
    guard::summary(&content::small_stream(
        &mut comp,
        summary,
        guard::SUMMARY_MAX,
    )?)?;
    let pool = guard::root_stream(&layout.entries, "!_StringPool")
        .ok_or("no string pool: not an installer database")?;
    let data_len = guard::root_stream(&layout.entries, "!_StringData").map_or(0, |e| e.size);
    let pool = content::small_stream(&mut comp, pool, guard::TABLE_STREAM_MAX)?;
    guard::string_pool(&pool, data_len)?;
    let system = guard::SystemTables { pool: &pool };
    for name in ["!_Tables", "!_Columns", "!_Validation"] {
        if let Some(entry) = guard::root_stream(&layout.entries, name) {
            let stream = content::small_stream(&mut comp, entry, guard::TABLE_STREAM_MAX)?;
            match name {
                "!_Tables" => system.tables(&stream)?,
                "!_Columns" => system.columns(&stream)?,
                _ => system.validation(&stream)?,
            }
        }
    }
    Ok(())
}

/// The files, the scripts and the identity, into the report.
fn installs(
    report: &mut ArchiveReport,
    package: &mut msi::Package<File>,
    t: &tables::Tables,
    limits: &Limits,
) {
    for why in &t.problems {
        report.findings.push(Finding::new(
            Status::Fail,
            "(installer database)",
            why.clone(),
        ));
    }
    let hashed = cabinet::hash_files(package, &t.files, &t.media);
    for why in &hashed.problems {
        report
            .findings
            .push(Finding::new(Status::Fail, "(cabinet)", why.clone()));
    }
    for why in &hashed.notes {
        report
            .findings
            .push(Finding::new(Status::Warn, "(cabinet)", why.clone()));
    }
    let mut safety = Safety::for_limits(limits);
    for (i, f) in t.files.iter().enumerate() {
        let digest = hashed.digests.get(&i);
        let entry = Entry {
            path: f.path.clone().into_bytes(),
            kind: EntryKind::File,
            mode: 0o644,
            size: digest.map_or(f.size, |d| d.1),
            sha256: digest.map(|d| d.0),
        };
        report.findings.extend(safety.judge(&entry));
        // Only bytes really decompressed count as expanded: a file whose
        // cabinet could not be read is listed at the size the File table
        // claims, which is no measure of anything decoded.
        report.expanded += digest.map_or(0, |d| d.1);
        report.entries.push(entry);
    }
    let whole = safety.finish(&report.entries);
    report.findings.extend(whole);
    let mut p = Package::new("Property table");
    p.format = Format::Msi;
    p.name = t.properties.get("ProductName").cloned();
    p.version = t.properties.get("ProductVersion").cloned();
    p.architecture = package.summary_info().arch().map(str::to_string);
    p.scripts = actions::scripts(&t.actions, package, &t.properties);
    report.package = Some(Box::new(p));
}
