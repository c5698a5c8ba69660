//! `checklist verify`: is a checklist the one intake wrote, unaltered, and
//! signed by someone trusted? Checks that the manifest's SHA-256 is the one
//! the record holds, that the Markdown is the record's own rendering, and
//! that the signature over the TOML is good and by a trusted signer. A
//! record from a newer intake is refused rather than half-understood.

use std::path::{Path, PathBuf};

use jiff::Timestamp;

use crate::engine::fetch::hashers::sha256_hex;
use crate::engine::record::checklist::{Record, render_markdown};
use crate::engine::select::version;
use crate::engine::shared::check::{Check, CheckId, Status};
use crate::engine::shared::error::{Error, Result};
use crate::engine::shared::limits;
use crate::engine::verify::signature::{self, SigOutcome, TrustStore};

/// Largest checklist record read (a diff of 100,000 entries fits).
const RECORD_MAX: u64 = 256 << 20;

/// One thing checked about a checklist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Point {
    /// `manifest`, `markdown` or `signature`.
    pub what: &'static str,
    pub status: Status,
    pub summary: String,
}

/// The result of checking one checklist.
#[derive(Debug, Clone)]
pub struct Audit {
    pub toml: PathBuf,
    pub record: Record,
    pub points: Vec<Point>,
    /// The detached signature beside the TOML, when there is one.
    pub signature: Option<PathBuf>,
}

impl Audit {
    fn passed(&self, what: &str) -> bool {
        self.points
            .iter()
            .filter(|p| p.what == what)
            .all(|p| p.status == Status::Pass)
    }

    /// Unaltered: the manifest and the Markdown are the record's own
    /// (whether or not anyone signed it).
    pub fn intact(&self) -> bool {
        self.passed("manifest") && self.passed("markdown")
    }

    /// Signed, with a good signature by a trusted signer.
    pub fn signed(&self) -> bool {
        self.passed("signature")
    }

    /// Intact and signed by a trusted signer: what exit 0 means.
    pub fn verified(&self) -> bool {
        self.intact() && self.signed()
    }
}

/// The detached signature's name beside a checklist's TOML.
pub fn signature_of(toml: &Path) -> PathBuf {
    toml.with_file_name(format!(
        "{}.asc",
        toml.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    ))
}

/// The checklist's other files, named after its TOML.
pub fn sibling(toml: &Path, extension: &str) -> PathBuf {
    let stem = toml
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    toml.with_file_name(format!("{stem}.{extension}"))
}

/// Reads a checklist record, refusing one from a newer intake.
pub fn read_record(toml: &Path) -> Result<(Record, Vec<u8>)> {
    let bytes = limits::read_local(toml, RECORD_MAX, "checklist")?;
    let text = limits::utf8_text(toml, bytes.clone())?;
    let table: toml::Table = toml::from_str(&text)
        .map_err(|e| Error::file(toml, format!("not a checklist record: {}", e.message())))?;
    let written_by = table
        .get("intake_version")
        .and_then(toml::Value::as_str)
        .unwrap_or("");
    if version::compare(written_by, env!("CARGO_PKG_VERSION")) == std::cmp::Ordering::Greater {
        return Err(Error::file(
            toml,
            format!(
                "written by intake {written_by}, newer than this one ({}): it cannot vouch for it",
                env!("CARGO_PKG_VERSION")
            ),
        ));
    }
    let record: Record = toml::from_str(&text).map_err(|e| {
        Error::file(
            toml,
            format!("not a checklist record intake wrote: {}", e.message()),
        )
    })?;
    Ok((record, bytes))
}

/// Checks a checklist against its own files and the trusted signers.
pub fn audit(toml: &Path, signers: &[PathBuf], now: Timestamp) -> Result<Audit> {
    let (record, toml_bytes) = read_record(toml)?;
    let points = vec![
        manifest_point(toml, &record),
        markdown_point(toml, &record),
        signature_point(toml, &toml_bytes, signers, now)?,
    ];
    let signature = Some(signature_of(toml)).filter(|asc| asc.is_file());
    Ok(Audit {
        toml: toml.to_path_buf(),
        record,
        points,
        signature,
    })
}

/// `manifest`: the manifest beside the TOML has the SHA-256 the record holds.
fn manifest_point(toml: &Path, record: &Record) -> Point {
    let manifest = sibling(toml, "manifest");
    match std::fs::read(&manifest) {
        Ok(bytes) if sha256_hex(&bytes) == record.inputs.manifest => Point {
            what: "manifest",
            status: Status::Pass,
            summary: format!("{} matches the SHA-256 in the record", manifest.display()),
        },
        Ok(bytes) => Point {
            what: "manifest",
            status: Status::Fail,
            summary: format!(
                "{} was altered: its SHA-256 is {}, the record says {}",
                manifest.display(),
                sha256_hex(&bytes),
                record.inputs.manifest
            ),
        },
        Err(e) => unreadable("manifest", &manifest, &e),
    }
}

/// `markdown`: the Markdown beside the TOML is the record's own rendering.
fn markdown_point(toml: &Path, record: &Record) -> Point {
    let markdown = sibling(toml, "md");
    match std::fs::read(&markdown) {
        Ok(bytes) if bytes == render_markdown(record).as_bytes() => Point {
            what: "markdown",
            status: Status::Pass,
            summary: format!("{} is the record's own rendering", markdown.display()),
        },
        Ok(_) => Point {
            what: "markdown",
            status: Status::Fail,
            summary: format!(
                "{} does not match the record: one of them was edited",
                markdown.display()
            ),
        },
        Err(e) => unreadable("markdown", &markdown, &e),
    }
}

fn unreadable(what: &'static str, path: &Path, e: &std::io::Error) -> Point {
    Point {
        what,
        status: Status::Fail,
        summary: format!(
            "{}: {}",
            path.display(),
            crate::engine::shared::error::describe_io(e)
        ),
    }
}

/// `signature`: the detached signature over the TOML (`<name>.toml.asc`)
/// is good and by a trusted signer. A signed checklist with no trusted
/// signer to check it against cannot be judged: that is the caller's error.
fn signature_point(
    toml: &Path,
    toml_bytes: &[u8],
    signers: &[PathBuf],
    now: Timestamp,
) -> Result<Point> {
    let asc = signature_of(toml);
    let sig_bytes = match std::fs::read(&asc) {
        Err(_) => {
            return Ok(Point {
                what: "signature",
                status: Status::Fail,
                summary: format!("unsigned: no {}", asc.display()),
            });
        }
        Ok(_) if signers.is_empty() => {
            return Err(Error::Usage(format!(
                "{} is signed, but no trusted signer is given: name their certificates with --signer (or trusted_signers in the settings)",
                toml.display()
            )));
        }
        Ok(sig_bytes) => sig_bytes,
    };
    let trust = TrustStore::from_files(signers)?;
    let outcome = match signature::parse::detached(&sig_bytes) {
        Ok(found) => SigOutcome::Judged(signature::verify_bytes(&found, toml_bytes, &trust, now)),
        Err(why) => SigOutcome::Unusable(why),
    };
    let name = asc
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let judged: Check = signature::judge(CheckId::Signoff, &name, &outcome, 1);
    let status = if judged.status == Status::Pass {
        Status::Pass
    } else {
        Status::Fail
    };
    Ok(Point {
        what: "signature",
        status,
        summary: judged.summary,
    })
}
