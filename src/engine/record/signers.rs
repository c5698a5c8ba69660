//! Who signed a checklist, and whose keys count: the certificates trusted
//! to sign checklists (`--signer`, `trusted_signers`, and each approver's
//! certificate in `[signers]`), the judging of one detached signature over
//! the TOML with who made it and when, and telling one person's key from
//! another's. `checklist verify` and `approve` both judge signatures here,
//! so they name signers the same way and agree on what counts.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use jiff::Timestamp;

use crate::engine::shared::check::{CheckId, Status};
use crate::engine::shared::error::{Error, Result};
use crate::engine::verify::signature::trust::read_certificates;
use crate::engine::verify::signature::{
    self, SigOutcome, SigReport, SigVerdict, TrustStore, spaced,
};

/// The certificates a checklist's signatures are checked against.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Trusted {
    /// Every certificate file trusted to sign checklists: the operators'
    /// (`--signer` or `trusted_signers`) and the approvers' (`[signers]`).
    pub certificates: Vec<PathBuf>,
    /// `[signers]`: each approver's name and their certificate file.
    pub named: BTreeMap<String, PathBuf>,
}

/// The certificate `[signers]` gives for a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    pub file: PathBuf,
    /// Its primary key's fingerprint (upper-case hex).
    pub fingerprint: String,
    pub user_id: Option<String>,
}

impl Trusted {
    /// `signers` and every certificate `named` maps a name to.
    pub fn new(signers: Vec<PathBuf>, named: BTreeMap<String, PathBuf>) -> Trusted {
        let mut certificates = signers;
        for file in named.values() {
            if !certificates.contains(file) {
                certificates.push(file.clone());
            }
        }
        Trusted {
            certificates,
            named,
        }
    }

    /// The trust store of every certificate; a signed checklist with no
    /// certificate to check it against cannot be judged (the caller's
    /// error: exit 2).
    pub fn store(&self, toml: &Path, what: &str) -> Result<TrustStore> {
        if self.certificates.is_empty() {
            return Err(Error::Usage(format!(
                "{} is {what}, but no trusted signer is given: name their certificates with --signer (or trusted_signers, or [signers] in the settings)",
                toml.display()
            )));
        }
        TrustStore::from_files(&self.certificates)
    }

    /// The certificate `[signers]` maps `name` to, if any (names are
    /// matched as the sign-off compares them: case aside). A file that is
    /// not exactly one certificate is refused: a name stands for one key.
    pub fn certificate_of(&self, name: &str) -> Result<Option<Named>> {
        let file = self.named.get(name).or_else(|| {
            let mut same = self
                .named
                .iter()
                .filter(|(n, _)| n.trim().eq_ignore_ascii_case(name.trim()));
            match (same.next(), same.next()) {
                (Some((_, file)), None) => Some(file),
                _ => None,
            }
        });
        let Some(file) = file else {
            return Ok(None);
        };
        let (certs, _) = read_certificates(file).map_err(|why| Error::file(file, why))?;
        match certs.as_slice() {
            [cert] => Ok(Some(Named {
                file: file.clone(),
                fingerprint: cert.fingerprint().to_hex(),
                user_id: cert
                    .userids()
                    .next()
                    .map(|u| String::from_utf8_lossy(u.userid().value()).into_owned()),
            })),
            more => Err(Error::file(
                file,
                format!(
                    "holds {} certificates: [signers] maps the name `{name}` to one person's certificate",
                    more.len()
                ),
            )),
        }
    }
}

/// Who made a good signature, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedBy {
    /// The signer's primary key fingerprint (upper-case hex).
    pub fingerprint: String,
    pub user_id: Option<String>,
    /// The signature's creation time.
    pub time: Option<Timestamp>,
}

impl SignedBy {
    fn of(report: &SigReport) -> Option<SignedBy> {
        Some(SignedBy {
            fingerprint: report.signer.clone()?,
            user_id: report.user_id.clone(),
            time: report.created,
        })
    }

    /// `A. Operator <a@example>, key 0E3B 1C7F ..., signed 2026-11-22
    /// 09:21:40 UTC`: who, which key, when.
    pub fn words(&self) -> String {
        let who = self
            .user_id
            .as_deref()
            .map(|u| format!("{u}, "))
            .unwrap_or_default();
        let when = self
            .time
            .map(|t| format!(", signed {}", t.strftime("%Y-%m-%d %H:%M:%S UTC")))
            .unwrap_or_default();
        format!("{who}key {}{when}", spaced(&self.fingerprint))
    }
}

/// One detached signature over a checklist's TOML, judged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Judged {
    /// Pass only for a good signature by a trusted key, with nothing to
    /// warn of; anything else fails.
    pub status: Status,
    pub summary: String,
    /// Who made it, when it passes.
    pub by: Option<SignedBy>,
    /// Every key the file's signatures name (issuer, signing key and
    /// certificate), so a second signature can be told from the same key.
    pub keys: Vec<String>,
}

/// Judges the detached signature `sig_bytes` (the file `asc`) over `data`.
pub fn judge(
    asc: &Path,
    sig_bytes: &[u8],
    data: &[u8],
    trust: &TrustStore,
    now: Timestamp,
) -> Judged {
    let outcome = match signature::parse::detached(sig_bytes) {
        Ok(found) => SigOutcome::Judged(signature::verify_bytes(&found, data, trust, now)),
        Err(why) => SigOutcome::Unusable(why),
    };
    let name = asc
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let check = signature::judge(CheckId::Signoff, &name, &outcome, 1);
    let reports: &[SigReport] = match &outcome {
        SigOutcome::Judged(reports) => reports,
        _ => &[],
    };
    let status = if check.status == Status::Pass {
        Status::Pass
    } else {
        Status::Fail
    };
    let by = reports
        .iter()
        .find(|r| r.pinned && r.verdict == SigVerdict::Good)
        .filter(|_| status == Status::Pass)
        .and_then(SignedBy::of);
    let mut keys: Vec<String> = reports
        .iter()
        .flat_map(|r| [&r.issuer, &r.key, &r.signer])
        .flatten()
        .cloned()
        .collect();
    keys.sort();
    keys.dedup();
    Judged {
        status,
        summary: check.summary,
        by,
        keys,
    }
}

/// Whether `a` and `b` (each a fingerprint or a 16-digit key ID, hex)
/// name the same key.
pub fn names_key(a: &str, b: &str) -> bool {
    let (a, b) = (a.to_ascii_uppercase(), b.to_ascii_uppercase());
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    !short.is_empty()
        && (short == long
            // A v4 key ID is the fingerprint's last 16 digits, a v6 one its first.
            || (short.len() == 16 && (long.ends_with(&short) || long.starts_with(&short))))
}

/// Whether any of `keys` names any of `fingerprints`.
pub fn any_names(keys: &[String], fingerprints: &[String]) -> bool {
    keys.iter()
        .any(|k| fingerprints.iter().any(|f| names_key(k, f)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_id_names_its_fingerprint_and_nothing_else() {
        let v4 = "0E3B1C7F5A2D9E4B8C6A1F0D3E5B7A9C2D4F6E8A";
        assert!(names_key(v4, v4));
        assert!(names_key("3e5b7a9c2d4f6e8a", v4));
        assert!(names_key(v4, "3E5B7A9C2D4F6E8A"));
        assert!(!names_key(
            "0E3B1C7F5A2D9E4B",
            "1111111111111111111111113E5B7A9C2D4F6E8A"
        ));
        assert!(!names_key("", v4));
        assert!(!names_key("7A9C2D4F6E8A", v4));
    }

    #[test]
    fn every_named_certificate_is_trusted_once() {
        let named = BTreeMap::from([
            ("b.approver".to_string(), PathBuf::from("b.asc")),
            ("c.approver".to_string(), PathBuf::from("team.asc")),
        ]);
        let t = Trusted::new(vec![PathBuf::from("team.asc")], named);
        assert_eq!(
            t.certificates,
            [PathBuf::from("team.asc"), PathBuf::from("b.asc")]
        );
        assert_eq!(t.certificate_of("nobody").unwrap(), None);
    }
}
