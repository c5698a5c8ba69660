//! `checklist verify`: is a checklist the one intake wrote, unaltered, and
//! signed by someone trusted? Checks that the manifest's SHA-256 is the one
//! the record holds, that the Markdown is the record's own rendering, that
//! the operator's signature over the TOML is good and by a trusted signer,
//! and, when the approver countersigned (`<name>.toml.approval.asc`), that
//! the countersignature is good, by a trusted key other than the
//! operator's, and by the approver's own key when `[signers]` names it. A
//! record from a newer intake is refused rather than half-understood.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use jiff::Timestamp;

use crate::engine::fetch::hashers::sha256_hex;
use crate::engine::record::checklist::{Record, render_markdown};
use crate::engine::record::signers::{self, Judged, SignedBy, Trusted};
use crate::engine::select::version;
use crate::engine::shared::check::Status;
use crate::engine::shared::error::{Error, Result};
use crate::engine::shared::limits;
use crate::engine::verify::signature::spaced;

/// Largest checklist record read (a diff of 100,000 entries fits).
const RECORD_MAX: u64 = 256 << 20;

/// One thing checked about a checklist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Point {
    /// `manifest`, `sbom`, `markdown`, `signature` or `countersignature`.
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
    /// Who made the operator's signature, when it is good.
    pub signed_by: Option<SignedBy>,
    /// Every key the operator's signature names.
    pub operator_signature_keys: Vec<String>,
    /// The approver's countersignature beside the TOML, when there is one.
    pub countersignature: Option<PathBuf>,
    /// Who countersigned, when the countersignature holds.
    pub countersigned_by: Option<SignedBy>,
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
        self.passed("manifest") && self.passed("sbom") && self.passed("markdown")
    }

    /// Signed, with a good signature by a trusted signer.
    pub fn signed(&self) -> bool {
        self.passed("signature")
    }

    /// Countersigned: a good countersignature by a trusted key other than
    /// the operator's (and the approver's own, when `[signers]` names it).
    pub fn countersigned(&self) -> bool {
        self.points
            .iter()
            .any(|p| p.what == "countersignature" && p.status == Status::Pass)
    }

    /// A countersignature is there but does not hold: always a failure,
    /// required or not.
    pub fn countersignature_failed(&self) -> bool {
        self.points
            .iter()
            .any(|p| p.what == "countersignature" && p.status == Status::Fail)
    }

    /// Intact, signed by a trusted signer, and no countersignature that
    /// fails; with `approval_required`, countersigned too: what exit 0
    /// means.
    pub fn verified_with(&self, approval_required: bool) -> bool {
        self.intact()
            && self.signed()
            && !self.countersignature_failed()
            && (self.countersigned() || !approval_required)
    }

    /// Every key that stands for the operator (fingerprints or key IDs):
    /// the one the record says signed it, and those of the signature
    /// beside it, so an approval by the same key can be refused.
    pub fn operator_keys(&self) -> Vec<String> {
        let mut keys = self.operator_signature_keys.clone();
        keys.extend(
            self.record
                .signed_with
                .iter()
                .map(|k| k.fingerprint.clone()),
        );
        keys.extend(self.signed_by.iter().map(|s| s.fingerprint.clone()));
        keys
    }

    /// [`Audit::verified_with`] when no countersignature is required.
    pub fn verified(&self) -> bool {
        self.verified_with(false)
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

/// The approver's countersignature's name beside a checklist's TOML.
pub fn approval_of(toml: &Path) -> PathBuf {
    toml.with_file_name(format!(
        "{}.approval.asc",
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
    audit_trusting(toml, &Trusted::new(signers.to_vec(), BTreeMap::new()), now)
}

/// Checks a checklist against its own files, the trusted signers and the
/// approvers `[signers]` names.
pub fn audit_trusting(toml: &Path, trusted: &Trusted, now: Timestamp) -> Result<Audit> {
    let (record, toml_bytes) = read_record(toml)?;
    audit_record(toml, record, &toml_bytes, trusted, now)
}

/// Checks a record already read (from `toml_bytes`, the bytes signed).
pub fn audit_record(
    toml: &Path,
    record: Record,
    toml_bytes: &[u8],
    trusted: &Trusted,
    now: Timestamp,
) -> Result<Audit> {
    let operator = operator_signature(toml, toml_bytes, trusted, now)?;
    let mut audit = Audit {
        toml: toml.to_path_buf(),
        points: [
            Some(output_point(
                "manifest",
                toml,
                "manifest",
                &record.inputs.manifest,
            )),
            record
                .inputs
                .sbom
                .as_ref()
                .map(|sha| output_point("sbom", toml, "cdx.json", sha)),
            Some(markdown_point(toml, &record)),
            Some(operator.point),
        ]
        .into_iter()
        .flatten()
        .collect(),
        record,
        signature: Some(signature_of(toml)).filter(|asc| asc.is_file()),
        signed_by: operator.by,
        operator_signature_keys: operator.keys,
        countersignature: Some(approval_of(toml)).filter(|asc| asc.is_file()),
        countersigned_by: None,
    };
    let (point, by) = countersignature_point(&audit, toml_bytes, trusted, now)?;
    audit.points.push(point);
    audit.countersigned_by = by;
    Ok(audit)
}

/// `manifest` (or `sbom`): the file beside the TOML (`<name>.<extension>`)
/// has the SHA-256 the record holds.
fn output_point(what: &'static str, toml: &Path, extension: &str, recorded: &str) -> Point {
    let file = sibling(toml, extension);
    match std::fs::read(&file) {
        Ok(bytes) if sha256_hex(&bytes) == recorded => Point {
            what,
            status: Status::Pass,
            summary: format!("{} matches the SHA-256 in the record", file.display()),
        },
        Ok(bytes) => Point {
            what,
            status: Status::Fail,
            summary: format!(
                "{} was altered: its SHA-256 is {}, the record says {recorded}",
                file.display(),
                sha256_hex(&bytes),
            ),
        },
        Err(e) => unreadable(what, &file, &e),
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

/// The operator's signature, judged.
struct Operator {
    point: Point,
    by: Option<SignedBy>,
    keys: Vec<String>,
}

/// `signature`: the detached signature over the TOML (`<name>.toml.asc`)
/// is good and by a trusted signer. A signed checklist with no trusted
/// signer to check it against cannot be judged: that is the caller's error.
fn operator_signature(
    toml: &Path,
    toml_bytes: &[u8],
    trusted: &Trusted,
    now: Timestamp,
) -> Result<Operator> {
    let asc = signature_of(toml);
    let Ok(sig_bytes) = std::fs::read(&asc) else {
        return Ok(Operator {
            point: Point {
                what: "signature",
                status: Status::Fail,
                summary: format!("unsigned: no {}", asc.display()),
            },
            by: None,
            keys: Vec::new(),
        });
    };
    let trust = trusted.store(toml, "signed")?;
    let Judged {
        status,
        summary,
        by,
        keys,
    } = signers::judge(&asc, &sig_bytes, toml_bytes, &trust, now);
    Ok(Operator {
        point: Point {
            what: "signature",
            status,
            summary,
        },
        by,
        keys,
    })
}

/// `countersignature`: the approver's detached signature over the same
/// TOML (`<name>.toml.approval.asc`). None is no failure here (the caller
/// decides whether one is required); one that is there must be good, by a
/// trusted key other than the operator's, and by the key `[signers]` gives
/// for the record's approver when it names one.
fn countersignature_point(
    audit: &Audit,
    toml_bytes: &[u8],
    trusted: &Trusted,
    now: Timestamp,
) -> Result<(Point, Option<SignedBy>)> {
    let point = |status, summary| Point {
        what: "countersignature",
        status,
        summary,
    };
    let asc = approval_of(&audit.toml);
    let Ok(sig_bytes) = std::fs::read(&asc) else {
        let summary = format!("not countersigned: no {}", asc.display());
        return Ok((point(Status::Skip, summary), None));
    };
    let trust = trusted.store(&audit.toml, "countersigned")?;
    let judged = signers::judge(&asc, &sig_bytes, toml_bytes, &trust, now);
    let Some(by) = judged.by.clone() else {
        return Ok((point(Status::Fail, judged.summary), None));
    };
    if operator_made(audit, &by, &judged.keys) {
        let summary = format!(
            "countersigned with the operator's own key ({}): the approval must come from another person's key",
            spaced(&by.fingerprint)
        );
        return Ok((point(Status::Fail, summary), None));
    }
    let approver = &audit.record.approver;
    if let Some(named) = trusted.certificate_of(approver)?
        && named.fingerprint != by.fingerprint
    {
        let summary = format!(
            "countersigned by the key {}, but [signers] gives {} ({}) as {approver}'s",
            spaced(&by.fingerprint),
            spaced(&named.fingerprint),
            named.file.display()
        );
        return Ok((point(Status::Fail, summary), None));
    }
    let who = by
        .user_id
        .clone()
        .unwrap_or_else(|| spaced(&by.fingerprint));
    let summary = format!("good countersignature by {who} (approver {approver})");
    Ok((point(Status::Pass, summary), Some(by)))
}

/// Whether a signature by `by` (naming `keys`) was made with the
/// operator's key.
fn operator_made(audit: &Audit, by: &SignedBy, keys: &[String]) -> bool {
    let operator = audit.operator_keys();
    signers::any_names(&operator, std::slice::from_ref(&by.fingerprint))
        || signers::any_names(keys, &operator)
}
