//! `intake approve`: the second person's countersignature. The approver,
//! on their own host with their own key, countersigns the very TOML bytes
//! the operator wrote (and signed): `<name>.toml.approval.asc`, a detached
//! signature, written once and never replaced, then recorded in the
//! approval history.
//!
//! What is refused, and why: a rejected review (nothing to approve), a
//! record that is not intact or whose operator signature does not hold
//! (the approver would vouch for bytes nobody stands behind), a key that
//! is the operator's (one person would count twice), and a key that is
//! not the named approver's (`[signers]` maps names to certificates). The
//! front end shows the record, asks who the key belongs to when nothing
//! maps it, and asks the approver to type the change request.

use std::path::{Path, PathBuf};

use jiff::Timestamp;

use crate::engine::fetch::hashers::sha256_hex;
use crate::engine::record::audit::{self, Audit, approval_of, read_record};
use crate::engine::record::checklist::{WriteError, toml_datetime, write_new};
use crate::engine::record::finish::Destinations;
use crate::engine::record::history::{Countersignature, Location};
use crate::engine::record::signers::{self, Named, Trusted};
use crate::engine::record::signing::Signer;
use crate::engine::shared::check::Status;
use crate::engine::shared::error::{Error, Result};
use crate::engine::shared::verdict::Verdict;
use crate::engine::verify::signature::spaced;

/// Why a checklist (or this key for it) is refused: exit 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// The review was rejected: there is nothing to approve.
    Rejected,
    /// The manifest or the Markdown is not the record's own.
    Altered,
    /// The operator's signature is bad, untrusted, or missing although
    /// the record says it was signed.
    OperatorSignature,
    /// The approver's key is the operator's.
    SameKey,
    /// `[signers]` gives the approver another key.
    NotTheApprover,
}

impl Refused {
    /// The stable word for JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Refused::Rejected => "rejected",
            Refused::Altered => "altered",
            Refused::OperatorSignature => "operator-signature",
            Refused::SameKey => "same-key",
            Refused::NotTheApprover => "not-the-approver",
        }
    }
}

/// One reason to refuse, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub why: Refused,
    pub summary: String,
}

fn refusal(why: Refused, summary: impl Into<String>) -> Refusal {
    Refusal {
        why,
        summary: summary.into(),
    }
}

/// A checklist read and checked, ready to be shown to the approver.
#[derive(Debug, Clone)]
pub struct Examined {
    pub audit: Audit,
    /// The TOML exactly as checked: the bytes that get countersigned.
    toml_bytes: Vec<u8>,
    /// Where the countersignature goes.
    pub approval: PathBuf,
}

/// Reads and checks the checklist `toml` (as `checklist verify` does).
/// One already countersigned is refused (exit 2): a countersignature is
/// never replaced.
pub fn examine(toml: &Path, trusted: &Trusted, now: Timestamp) -> Result<Examined> {
    let approval = approval_of(toml);
    if approval.exists() {
        return Err(already_there(&approval));
    }
    let (record, toml_bytes) = read_record(toml)?;
    let audit = audit::audit_record(toml, record, &toml_bytes, trusted, now)?;
    Ok(Examined {
        audit,
        toml_bytes,
        approval,
    })
}

fn already_there(approval: &Path) -> Error {
    Error::file(
        approval,
        "already exists: this checklist is countersigned, and a countersignature is never replaced",
    )
}

impl Examined {
    /// What the approver types to confirm: the change request reference,
    /// else the version.
    pub fn confirmation(&self) -> &str {
        let r = &self.audit.record;
        r.change_request
            .as_deref()
            .filter(|c| !c.trim().is_empty())
            .unwrap_or(&r.version)
    }

    /// What in the checklist itself forbids approving it.
    pub fn refusals(&self) -> Vec<Refusal> {
        let a = &self.audit;
        let mut out = Vec::new();
        if a.record.verdict == Verdict::Rejected {
            let mut why =
                "the review was REJECTED: a rejected checklist cannot be approved".to_string();
            if !a.record.rejected_because.is_empty() {
                why = format!("{why} ({})", a.record.rejected_because.join("; "));
            }
            out.push(refusal(Refused::Rejected, why));
        }
        for p in &a.points {
            if p.status != Status::Fail {
                continue;
            }
            match p.what {
                "manifest" | "markdown" => out.push(refusal(Refused::Altered, &p.summary)),
                "signature" if a.signature.is_some() => out.push(refusal(
                    Refused::OperatorSignature,
                    format!("the operator's signature does not hold: {}", p.summary),
                )),
                "signature" => {
                    if let Some(key) = &a.record.signed_with {
                        out.push(refusal(
                            Refused::OperatorSignature,
                            format!(
                                "the record says the operator signed it with the key {}, but {} is missing",
                                spaced(&key.fingerprint),
                                audit::signature_of(&a.toml).display()
                            ),
                        ));
                    }
                }
                _ => {}
            }
        }
        out
    }
}

/// Whose key it is, as far as intake can tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Identity {
    /// `[signers]` gives this key's certificate for the approver's name.
    Named(Named),
    /// Nothing maps the approver's name: a person must confirm the key's
    /// user ID is theirs.
    Unconfirmed,
}

/// Checks the approver's key against the checklist: not the operator's
/// (the record's `signed_with`, the key of the signature beside it, or the
/// operator's certificate in `[signers]`), and the approver's own when
/// `[signers]` names one. A `[signers]` file that cannot be read is an
/// error (exit 2).
pub fn check_key(
    examined: &Examined,
    signer: &Signer,
    trusted: &Trusted,
) -> Result<(Identity, Vec<Refusal>)> {
    let a = &examined.audit;
    let mut operator = a.operator_keys();
    if let Some(named) = trusted.certificate_of(&a.record.operator)? {
        operator.push(named.fingerprint);
    }
    let mut refusals = Vec::new();
    if signers::any_names(&operator, &signer.keys) {
        refusals.push(refusal(
            Refused::SameKey,
            format!(
                "the key {} is the operator's ({}): the approval must come from another person's key",
                signer.describe(),
                a.record.operator
            ),
        ));
    }
    let approver = &a.record.approver;
    let identity = match trusted.certificate_of(approver)? {
        Some(named) if named.fingerprint != signer.fingerprint => {
            refusals.push(refusal(
                Refused::NotTheApprover,
                format!(
                    "the key {} is not {approver}'s: [signers] gives {} ({})",
                    signer.describe(),
                    spaced(&named.fingerprint),
                    named.file.display()
                ),
            ));
            Identity::Named(named)
        }
        Some(named) => Identity::Named(named),
        None => Identity::Unconfirmed,
    };
    Ok((identity, refusals))
}

/// A countersignature written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Countersigned {
    /// The `.toml.approval.asc` written.
    pub signature: PathBuf,
    /// What the history records.
    pub countersignature: Countersignature,
}

/// Signs the checked TOML bytes with the approver's key and writes the
/// countersignature beside them, atomically and never over a file.
pub fn countersign(
    examined: &Examined,
    signer: &mut Signer,
    now: Timestamp,
) -> Result<Countersigned> {
    let signature = signer.sign(&examined.toml_bytes, now)?;
    let path = &examined.approval;
    match write_new(path, &signature) {
        Ok(()) => {}
        Err(WriteError::Exists) => return Err(already_there(path)),
        Err(WriteError::Io(e)) => return Err(Error::io(path, &e)),
    }
    let r = &examined.audit.record;
    let shown = std::fs::canonicalize(path).unwrap_or_else(|_| path.clone());
    Ok(Countersigned {
        signature: path.clone(),
        countersignature: Countersignature {
            product: r.product.clone(),
            version: r.version.clone(),
            platform: r.platform.clone(),
            checklist_sha256: sha256_hex(&examined.toml_bytes),
            approver: r.approver.clone(),
            fingerprint: signer.fingerprint.clone(),
            time: toml_datetime(now),
            signature: shown.display().to_string(),
        },
    })
}

/// Records the countersignature in the approval history; returns where.
/// When the history cannot take it, the countersignature written stays
/// and the error says the history was not updated (exit 2).
pub fn record(to: &Destinations, done: &Countersigned) -> Result<Location> {
    to.open_history()
        .and_then(|mut history| {
            history.countersign(&done.countersignature)?;
            Ok(history.location().clone())
        })
        .map_err(|e| {
            Error::Usage(format!(
                "countersigned ({} is written), but the approval history was not updated: {e}",
                done.signature.display()
            ))
        })
}
