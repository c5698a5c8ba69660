//! The installer database's tables, read with the `msi` crate: what the
//! package installs (`File` joined with `Component` and `Directory` into
//! target paths), where the files' bytes are (`Media`: cabinets, `#name`
//! for one embedded as a stream), what it says it is (`Property`:
//! ProductName, ProductVersion, Manufacturer) and the custom actions it
//! runs (`CustomAction`, see [`super::actions`]).
//!
//! The `msi` crate asserts on some malformed cells rather than returning
//! an error; it is called under `catch_unwind` so that such a package is a
//! finding, never the end of the review.

use std::collections::HashMap;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::panic::{AssertUnwindSafe, catch_unwind};

use msi::{Package, Row, Select, Value};

/// A directory chain longer than this is taken as a cycle.
const DIRECTORY_DEPTH_MAX: usize = 64;

/// A file the package installs.
#[derive(Debug, Clone)]
pub struct InstalledFile {
    /// The `File` table's key: the file's name in the cabinet.
    pub key: String,
    /// `[ProgramFiles64Folder]/Vendor/App/bin/app.exe`.
    pub path: String,
    pub size: u64,
    pub sequence: i64,
}

/// A `Media` row: the files up to `last_sequence` are in `cabinet`.
#[derive(Debug, Clone)]
pub struct Medium {
    pub last_sequence: i64,
    pub cabinet: Option<String>,
}

/// A `CustomAction` row.
#[derive(Debug, Clone)]
pub struct ActionRow {
    pub name: String,
    pub kind: i32,
    pub source: Option<String>,
    pub target: Option<String>,
}

/// What the tables say.
#[derive(Debug, Clone, Default)]
pub struct Tables {
    pub files: Vec<InstalledFile>,
    pub media: Vec<Medium>,
    pub actions: Vec<ActionRow>,
    pub properties: HashMap<String, String>,
    /// Each table that could not be read, and why.
    pub problems: Vec<String>,
}

/// Opens the package and reads its tables.
pub fn read(file: File) -> Result<(Package<File>, Tables), String> {
    let opened = catch_unwind(AssertUnwindSafe(|| Package::open(file)));
    let mut package = match opened {
        Ok(Ok(p)) => p,
        Ok(Err(e)) => return Err(format!("the installer database cannot be read: {e}")),
        Err(_) => return Err(
            "the installer database cannot be read (the msi reader gave up on a malformed table)"
                .into(),
        ),
    };
    let read = catch_unwind(AssertUnwindSafe(|| read_tables(&mut package)));
    match read {
        Ok(t) => Ok((package, t)),
        Err(_) => Err("the installer database's tables cannot be read (the msi reader gave up on a malformed table)".into()),
    }
}

fn read_tables(package: &mut Package<File>) -> Tables {
    let mut t = Tables::default();
    let rows = |package: &mut Package<File>, table: &str, t: &mut Tables| -> Vec<Row> {
        if !package.has_table(table) {
            return Vec::new();
        }
        match package.select_rows(Select::table(table)) {
            Ok(r) => r.collect(),
            Err(e) => {
                t.problems
                    .push(format!("the {table} table cannot be read: {e}"));
                Vec::new()
            }
        }
    };
    for row in rows(package, "Property", &mut t) {
        if let (Some(k), Some(v)) = (text(&row, "Property"), text(&row, "Value")) {
            t.properties.insert(k, v);
        }
    }
    let directories: HashMap<String, (Option<String>, String)> = rows(package, "Directory", &mut t)
        .iter()
        .filter_map(|r| {
            Some((
                text(r, "Directory")?,
                (
                    text(r, "Directory_Parent"),
                    text(r, "DefaultDir").unwrap_or_default(),
                ),
            ))
        })
        .collect();
    let components: HashMap<String, String> = rows(package, "Component", &mut t)
        .iter()
        .filter_map(|r| Some((text(r, "Component")?, text(r, "Directory_")?)))
        .collect();
    for r in rows(package, "File", &mut t) {
        let Some(key) = text(&r, "File") else {
            continue;
        };
        let dir = text(&r, "Component_").and_then(|c| components.get(&c).cloned());
        let folder = dir.map_or_else(|| "[?]".to_string(), |d| directory_path(&directories, &d));
        let name = long_name(&text(&r, "FileName").unwrap_or_else(|| key.clone()));
        t.files.push(InstalledFile {
            path: format!("{folder}/{name}"),
            size: u64::try_from(int(&r, "FileSize").unwrap_or(0)).unwrap_or(0),
            sequence: int(&r, "Sequence").unwrap_or(0),
            key,
        });
    }
    for r in rows(package, "Media", &mut t) {
        t.media.push(Medium {
            last_sequence: int(&r, "LastSequence").unwrap_or(0),
            cabinet: text(&r, "Cabinet"),
        });
    }
    t.media.sort_by_key(|m| m.last_sequence);
    for r in rows(package, "CustomAction", &mut t) {
        let (Some(name), Some(kind)) = (text(&r, "Action"), int(&r, "Type")) else {
            continue;
        };
        t.actions.push(ActionRow {
            name,
            kind: kind as i32,
            source: text(&r, "Source"),
            target: text(&r, "Target"),
        });
    }
    t
}

/// Reads at most `max` bytes of the stream `name` (a `Binary` table
/// stream, an embedded cabinet).
pub fn stream_bytes(package: &mut Package<File>, name: &str, max: u64) -> Result<Vec<u8>, String> {
    let reader = catch_unwind(AssertUnwindSafe(|| {
        package.read_stream(name).map_err(|e| e.to_string())
    }))
    .map_err(|_| format!("the stream `{name}` cannot be read"))??;
    // The stream's length, known without reading it: one larger than
    // `max` is refused unread.
    let mut reader = reader;
    let len = reader.seek(SeekFrom::End(0)).map_err(|e| e.to_string())?;
    if len > max {
        return Err(format!(
            "the stream `{name}` holds {len} bytes: more than the {max} bytes intake reads"
        ));
    }
    reader.rewind().map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    reader
        .take(max)
        .read_to_end(&mut out)
        .map_err(|e| e.to_string())?;
    Ok(out)
}

fn cell<'r>(row: &'r Row, column: &str) -> Option<&'r Value> {
    let i = row.columns().iter().position(|c| c.name() == column)?;
    (i < row.len()).then(|| &row[i])
}

fn text(row: &Row, column: &str) -> Option<String> {
    cell(row, column)?.as_str().map(str::to_string)
}

fn int(row: &Row, column: &str) -> Option<i64> {
    cell(row, column)?.as_int().map(i64::from)
}

/// `short|long` gives the long name; `target:source` the target.
fn long_name(field: &str) -> String {
    let target = field.split(':').next().unwrap_or(field);
    target.rsplit('|').next().unwrap_or(target).to_string()
}

/// A directory's target path: the standard folders (`ProgramFilesFolder`
/// and the like, children of `TARGETDIR`) in brackets, as Windows
/// Installer resolves them on the host; below them the long names.
fn directory_path(dirs: &HashMap<String, (Option<String>, String)>, key: &str) -> String {
    let mut parts = Vec::new();
    let mut at = key.to_string();
    let mut ended = false;
    for _ in 0..DIRECTORY_DEPTH_MAX {
        let Some((parent, default)) = dirs.get(&at) else {
            parts.push(format!("[{at}]"));
            ended = true;
            break;
        };
        let root = parent.as_deref().is_none_or(|p| p == at);
        if root || parent.as_deref() == Some("TARGETDIR") && at.ends_with("Folder") {
            parts.push(format!("[{at}]"));
            ended = true;
            break;
        }
        let name = long_name(default);
        if name != "." {
            parts.push(name);
        }
        at = parent.clone().unwrap_or_default();
    }
    if !ended {
        parts.push("[a directory chain that loops]".into());
    }
    parts.reverse();
    parts.join("/")
}
