//! Writing a checklist's files: each atomically (a temporary file in the
//! same folder, synced, then linked into place) and never over an existing
//! file. Two reviews finishing in the same second get `-2`, `-3`... names.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::engine::shared::error::{Error, Result};

use super::{Checklist, SbomDocument};

/// The paths a checklist was written to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub toml: PathBuf,
    pub markdown: PathBuf,
    pub manifest: PathBuf,
    /// `<name>.cdx.json`, the SBOM of what was inspected, when written.
    pub sbom: Option<PathBuf>,
    /// `<name>.toml.asc`, when the checklist was signed.
    pub signature: Option<PathBuf>,
}

impl Written {
    fn names(dir: &Path, name: &str, signed: bool, sbom: bool) -> Written {
        Written {
            toml: dir.join(format!("{name}.toml")),
            markdown: dir.join(format!("{name}.md")),
            manifest: dir.join(format!("{name}.manifest")),
            sbom: sbom.then(|| dir.join(format!("{name}.cdx.json"))),
            signature: signed.then(|| dir.join(format!("{name}.toml.asc"))),
        }
    }

    pub fn all(&self) -> Vec<&Path> {
        let mut all: Vec<&Path> = vec![&self.toml, &self.markdown, &self.manifest];
        all.extend(self.sbom.as_deref());
        all.extend(self.signature.as_deref());
        all
    }
}

/// Writes the checklist's files into `dir` (created if missing): three,
/// and `<name>.toml.asc` when a detached signature over the TOML is given.
pub fn write(checklist: &Checklist, dir: &Path, signature: Option<&[u8]>) -> Result<Written> {
    if checklist.toml.is_empty() {
        return Err(Error::file(
            dir,
            "the checklist record could not be written as TOML",
        ));
    }
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, &e))?;
    let stem = checklist.stem();
    for n in 1..1000 {
        let name = if n == 1 {
            stem.clone()
        } else {
            format!("{stem}-{n}")
        };
        let written = Written::names(dir, &name, signature.is_some(), checklist.sbom.is_some());
        if written.all().iter().any(|p| p.exists()) {
            continue;
        }
        // The record goes last: a checklist exists once its TOML does.
        let mut files: Vec<(&Path, Content<'_>)> = vec![
            (&written.manifest, Content::Bytes(&checklist.manifest)),
            (
                &written.markdown,
                Content::Bytes(checklist.markdown.as_bytes()),
            ),
        ];
        if let (Some(path), Some(sbom)) = (&written.sbom, &checklist.sbom) {
            files.push((path, Content::Sbom(sbom, &checklist.manifest)));
        }
        if let (Some(path), Some(sig)) = (&written.signature, signature) {
            files.push((path, Content::Bytes(sig)));
        }
        files.push((&written.toml, Content::Bytes(checklist.toml.as_bytes())));
        let mut done: Vec<&Path> = Vec::new();
        let mut clash = false;
        for (path, content) in files {
            match write_new_with(path, |w| content.write_to(w)) {
                Ok(()) => done.push(path),
                Err(WriteError::Exists) => {
                    clash = true;
                    break;
                }
                Err(WriteError::Io(e)) => {
                    remove_all(&done);
                    return Err(Error::io(path, &e));
                }
            }
        }
        if clash {
            // Another review took this name between our look and our write.
            remove_all(&done);
            continue;
        }
        return Ok(written);
    }
    Err(Error::file(
        dir,
        format!("too many checklists named {stem}"),
    ))
}

/// What one of a checklist's files holds.
enum Content<'a> {
    Bytes(&'a [u8]),
    /// The SBOM, streamed from the manifest as it is written.
    Sbom(&'a SbomDocument, &'a [u8]),
}

impl Content<'_> {
    fn write_to(&self, out: &mut dyn Write) -> std::io::Result<()> {
        match self {
            Content::Bytes(bytes) => out.write_all(bytes),
            Content::Sbom(sbom, manifest) => sbom.write(manifest, out),
        }
    }
}

fn remove_all(paths: &[&Path]) {
    for p in paths {
        let _ = std::fs::remove_file(p);
    }
}

/// Why [`write_new`] failed.
#[derive(Debug)]
pub enum WriteError {
    /// The file already exists (it is never replaced).
    Exists,
    Io(std::io::Error),
}

/// Writes `bytes` to a new file at `path` atomically; never replaces one.
pub fn write_new(path: &Path, bytes: &[u8]) -> std::result::Result<(), WriteError> {
    write_new_with(path, |w| w.write_all(bytes))
}

/// Writes what `fill` writes to a new file at `path` atomically (through a
/// buffer); never replaces one.
pub fn write_new_with(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::result::Result<(), WriteError> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut builder = tempfile::Builder::new();
    builder.prefix(".intake-").suffix(".tmp");
    // A change-request folder is shared: the files are created as any new
    // file is (0666 less the umask: 0644 by default), not private.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let mut tmp = builder.tempfile_in(dir).map_err(WriteError::Io)?;
    {
        let mut buffered = std::io::BufWriter::new(tmp.as_file_mut());
        fill(&mut buffered).map_err(WriteError::Io)?;
        buffered.flush().map_err(WriteError::Io)?;
    }
    tmp.as_file().sync_all().map_err(WriteError::Io)?;
    match tmp.persist_noclobber(path) {
        Ok(_) => Ok(()),
        Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => Err(WriteError::Exists),
        Err(e) => Err(WriteError::Io(e.error)),
    }
}
