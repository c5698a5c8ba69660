//! One signature, judged: who made it, whether that key is pinned, and
//! then whether the key may vouch for it and the signature holds
//! ([`super::validity`]: alive and unrevoked when it signed, algorithms
//! the policy accepts, the maths, and what is worth a warning now).
//!
//! This follows the order of sequoia's own verifier, but keeps every
//! reason as data and allows the 5 minutes of clock skew SPEC.md asks for.

use std::time::SystemTime;

use jiff::Timestamp;
use openpgp::packet::Signature;
use openpgp::policy::Policy;
use openpgp::types::SignatureType;
use openpgp::{Cert, KeyHandle};
use sequoia_openpgp as openpgp;

use super::key::{Key, VerifyMath, hash_name, key_algo};
use super::parse::Found;
use super::trust::TrustStore;
use super::validity::{Rules, judge_with_key};

/// The verdict on one signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SigVerdict {
    Good,
    /// Good, with something a person should read (e.g. expired since).
    GoodWithWarning(String),
    Bad(String),
}

/// Everything known about one signature, for the record and the screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigReport {
    /// The issuer the signature names (fingerprint or key ID), if any.
    pub issuer: Option<String>,
    /// Primary-key fingerprint of the certificate that made it, if known.
    pub signer: Option<String>,
    /// The (sub)key that made it, if known.
    pub key: Option<String>,
    pub user_id: Option<String>,
    pub pinned: bool,
    pub created: Option<Timestamp>,
    pub hash: Option<String>,
    pub key_algo: Option<String>,
    pub verdict: SigVerdict,
}

impl SigReport {
    fn unreadable(reason: String) -> Self {
        SigReport {
            issuer: None,
            signer: None,
            key: None,
            user_id: None,
            pinned: false,
            created: None,
            hash: None,
            key_algo: None,
            verdict: SigVerdict::Bad(format!("cannot be read: {reason}")),
        }
    }

    /// A signature judged without being checked (the review refused the
    /// work it would take): named by its issuer, never counted.
    pub fn refused(sig: &Signature, reason: &str) -> Self {
        SigReport {
            issuer: sig.get_issuers().first().map(|h| h.to_hex()),
            hash: Some(hash_name(sig.hash_algo())),
            verdict: SigVerdict::Bad(reason.to_string()),
            ..SigReport::unreadable(String::new())
        }
    }

    /// This report, judged bad for `reason`.
    fn bad(mut self, reason: String) -> SigReport {
        self.verdict = SigVerdict::Bad(reason);
        self
    }

    /// The fingerprint or key ID to name this signature by.
    pub fn subject(&self) -> String {
        self.signer
            .clone()
            .or_else(|| self.issuer.clone())
            .unwrap_or_else(|| "(no issuer)".to_string())
    }
}

/// Judges one found signature.
pub fn classify(
    found: &Found,
    trust: &TrustStore,
    policy: &dyn Policy,
    now: Timestamp,
    verify: &VerifyMath<'_>,
) -> SigReport {
    match found {
        Found::Unreadable(reason) => SigReport::unreadable(reason.clone()),
        Found::Sig(sig) => classify_sig(
            sig,
            trust,
            &Rules {
                policy,
                now,
                verify,
            },
        ),
    }
}

fn classify_sig(sig: &Signature, trust: &TrustStore, rules: &Rules<'_>) -> SigReport {
    let issuers = sig.get_issuers();
    let created = sig
        .signature_creation_time()
        .and_then(|t| Timestamp::try_from(t).ok());
    let mut report = SigReport {
        issuer: issuers.first().map(|h| h.to_hex()),
        signer: None,
        key: None,
        user_id: None,
        pinned: false,
        created,
        hash: Some(hash_name(sig.hash_algo())),
        key_algo: None,
        verdict: SigVerdict::Good,
    };
    let sig_time = match over_a_file(sig, &issuers) {
        Ok(sig_time) => sig_time,
        Err(reason) => return report.bad(reason),
    };
    let candidates = pinned_keys(trust, &issuers);
    if candidates.is_empty() {
        return not_pinned(report, trust, &issuers);
    }
    let mut last_reason = String::new();
    for (cert, key) in candidates {
        report.pinned = true;
        report.signer = Some(cert.fingerprint().to_hex());
        report.key = Some(key.fingerprint().to_hex());
        report.user_id = first_user_id(cert);
        report.key_algo = Some(key_algo(&key));
        match judge_with_key(sig, cert, &key, sig_time, rules) {
            Ok(None) => {
                report.verdict = SigVerdict::Good;
                return report;
            }
            Ok(Some(warning)) => {
                report.verdict = SigVerdict::GoodWithWarning(warning);
                return report;
            }
            Err(reason) => last_reason = reason,
        }
    }
    report.bad(last_reason)
}

/// A signature that can be judged at all: over a file, with a creation
/// time (returned) and an issuer to match a pinned key by.
fn over_a_file(sig: &Signature, issuers: &[KeyHandle]) -> Result<SystemTime, String> {
    if !matches!(sig.typ(), SignatureType::Binary | SignatureType::Text) {
        return Err(format!(
            "not a signature over a file (it is a {} signature)",
            sig.typ()
        ));
    }
    let Some(sig_time) = sig.signature_creation_time() else {
        return Err("malformed: the signature has no creation time".to_string());
    };
    if issuers.is_empty() {
        return Err(
            "the signature names no issuer key, so no pinned key can be matched".to_string(),
        );
    }
    Ok(sig_time)
}

/// The keys of pinned certificates the signature's issuers name.
fn pinned_keys<'t>(trust: &'t TrustStore, issuers: &[KeyHandle]) -> Vec<(&'t Cert, Key)> {
    trust
        .pinned
        .iter()
        .flat_map(|cert| {
            cert.keys()
                .key_handles(issuers.to_vec())
                .map(move |ka| (cert, ka.key().clone().role_into_unspecified()))
        })
        .collect()
}

/// No pinned key made the signature: named by the feed's certificate that
/// holds the key, if one does, or else by its issuer.
fn not_pinned(mut report: SigReport, trust: &TrustStore, issuers: &[KeyHandle]) -> SigReport {
    let known = trust
        .unpinned
        .iter()
        .find(|cert| cert.keys().key_handles(issuers.to_vec()).next().is_some());
    match known {
        Some(cert) => {
            report.signer = Some(cert.fingerprint().to_hex());
            report.user_id = first_user_id(cert);
            let fpr = super::spaced(&cert.fingerprint().to_hex());
            let who = report
                .user_id
                .as_deref()
                .map(|u| format!(" ({u})"))
                .unwrap_or_default();
            report.bad(format!("signed by a key that is not pinned: {fpr}{who}"))
        }
        None => {
            let issuer = issuers
                .first()
                .map(|h| super::spaced(&h.to_hex()))
                .unwrap_or_default();
            report.bad(format!(
                "signed by a key that is not pinned: {issuer} (no certificate for it in the feed)"
            ))
        }
    }
}

fn first_user_id(cert: &Cert) -> Option<String> {
    cert.userids()
        .next()
        .map(|u| String::from_utf8_lossy(u.userid().value()).into_owned())
}
