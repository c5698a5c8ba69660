//! One signature, judged: who made it, whether that key is pinned and was
//! alive and unrevoked when it signed, whether the policy accepts the
//! algorithms, whether the maths holds, and what is worth a warning now
//! (a key that expired or was retired after signing).
//!
//! This follows the order of sequoia's own verifier, but keeps every
//! reason as data and allows the 5 minutes of clock skew SPEC.md asks for.

use std::time::{Duration, SystemTime};

use jiff::Timestamp;
use openpgp::Cert;
use openpgp::cert::amalgamation::key::ValidKeyAmalgamation;
use openpgp::cert::amalgamation::{ValidAmalgamation, ValidateAmalgamation};
use openpgp::crypto::mpi::PublicKey;
use openpgp::packet::Signature;
use openpgp::packet::key::{PublicParts, UnspecifiedRole};
use openpgp::policy::{HashAlgoSecurity, Policy};
use openpgp::types::{
    HashAlgorithm, PublicKeyAlgorithm, ReasonForRevocation, RevocationStatus, SignatureType,
};
use sequoia_openpgp as openpgp;

use super::parse::Found;
use super::trust::TrustStore;

pub type Key = openpgp::packet::Key<PublicParts, UnspecifiedRole>;

/// How far in the future a signature's creation time may be (clock skew).
pub const CLOCK_SKEW: Duration = Duration::from_secs(5 * 60);

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

    /// The fingerprint or key ID to name this signature by.
    pub fn subject(&self) -> String {
        self.signer
            .clone()
            .or_else(|| self.issuer.clone())
            .unwrap_or_else(|| "(no issuer)".to_string())
    }
}

/// Checks the signature's maths against a key (the caller knows how the
/// signed data was hashed).
pub type VerifyMath<'a> = dyn Fn(&Signature, &Key) -> openpgp::Result<()> + 'a;

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
        Found::Sig(sig) => classify_sig(sig, trust, policy, now, verify),
    }
}

fn classify_sig(
    sig: &Signature,
    trust: &TrustStore,
    policy: &dyn Policy,
    now: Timestamp,
    verify: &VerifyMath<'_>,
) -> SigReport {
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
    let bad = |mut report: SigReport, reason: String| {
        report.verdict = SigVerdict::Bad(reason);
        report
    };

    if !matches!(sig.typ(), SignatureType::Binary | SignatureType::Text) {
        return bad(
            report,
            format!(
                "not a signature over a file (it is a {} signature)",
                sig.typ()
            ),
        );
    }
    let Some(sig_time) = sig.signature_creation_time() else {
        return bad(
            report,
            "malformed: the signature has no creation time".to_string(),
        );
    };
    if issuers.is_empty() {
        return bad(
            report,
            "the signature names no issuer key, so no pinned key can be matched".to_string(),
        );
    }

    // Find the key among the pinned certificates; failing that, name it.
    let candidates: Vec<(&Cert, Key)> = trust
        .pinned
        .iter()
        .flat_map(|cert| {
            cert.keys()
                .key_handles(issuers.clone())
                .map(move |ka| (cert, ka.key().clone().role_into_unspecified()))
        })
        .collect();
    if candidates.is_empty() {
        let known = trust
            .unpinned
            .iter()
            .find(|cert| cert.keys().key_handles(issuers.clone()).next().is_some());
        return match known {
            Some(cert) => {
                report.signer = Some(cert.fingerprint().to_hex());
                report.user_id = first_user_id(cert);
                let fpr = super::spaced(&cert.fingerprint().to_hex());
                let who = report
                    .user_id
                    .as_deref()
                    .map(|u| format!(" ({u})"))
                    .unwrap_or_default();
                bad(
                    report,
                    format!("signed by a key that is not pinned: {fpr}{who}"),
                )
            }
            None => {
                let issuer = issuers
                    .first()
                    .map(|h| super::spaced(&h.to_hex()))
                    .unwrap_or_default();
                bad(
                    report,
                    format!(
                        "signed by a key that is not pinned: {issuer} (no certificate for it in the feed)"
                    ),
                )
            }
        };
    }

    let mut last_reason = String::new();
    for (cert, key) in candidates {
        report.pinned = true;
        report.signer = Some(cert.fingerprint().to_hex());
        report.key = Some(key.fingerprint().to_hex());
        report.user_id = first_user_id(cert);
        report.key_algo = Some(key_algo(&key));
        match judge_with_key(sig, cert, &key, sig_time, policy, now, verify) {
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
    bad(report, last_reason)
}

/// `Ok(None)`: good. `Ok(Some(w))`: good with a warning. `Err(reason)`: bad.
fn judge_with_key(
    sig: &Signature,
    cert: &Cert,
    key: &Key,
    sig_time: SystemTime,
    policy: &dyn Policy,
    now: Timestamp,
    verify: &VerifyMath<'_>,
) -> Result<Option<String>, String> {
    let fpr = key.fingerprint();
    let when = fmt_time(sig_time);
    let ka = cert
        .keys()
        .key_handle(fpr.clone())
        .next()
        .ok_or_else(|| "the key is not in its certificate".to_string())?;
    let vka = ka.with_policy(policy, sig_time).map_err(|e| {
        format!(
            "{} was not valid under the policy when the signature was made ({when}): {}",
            key_algo(key),
            chain(&e)
        )
    })?;
    let vcert = vka.valid_cert();
    if let Err(e) = vcert.alive() {
        return Err(format!(
            "the certificate was not alive when the signature was made ({when}): {}",
            chain(&e)
        ));
    }
    if let Err(e) = vka.alive() {
        return Err(format!(
            "the signing key was not alive when the signature was made ({when}): {}",
            chain(&e)
        ));
    }
    if let RevocationStatus::Revoked(revs) = vcert.revocation_status() {
        return Err(format!(
            "the certificate is revoked: {}",
            revocation_words(&revs)
        ));
    }
    if let RevocationStatus::Revoked(revs) = vka.revocation_status() {
        return Err(format!(
            "the signing key is revoked: {}",
            revocation_words(&revs)
        ));
    }
    if !vka.for_signing() {
        return Err(
            "the key that made it is not allowed to sign (no signing capability)".to_string(),
        );
    }
    let now_sys = SystemTime::from(now);
    if sig_time > now_sys + CLOCK_SKEW {
        return Err(format!(
            "made in the future ({when}, now is {}): more than 5 minutes of clock skew",
            fmt_time(now_sys)
        ));
    }
    if let Err(e) = sig.signature_alive(now_sys, CLOCK_SKEW) {
        return Err(format!("the signature is not valid now: {}", chain(&e)));
    }
    if let Err(e) = policy.signature(sig, HashAlgoSecurity::CollisionResistance) {
        return Err(format!(
            "made with {} over {}, which the policy rejects: {}",
            hash_name(sig.hash_algo()),
            key_algo(key),
            chain(&e)
        ));
    }
    if let Err(e) = verify(sig, key) {
        return Err(format!(
            "does not match the file (it was made over other data, or the file or signature is corrupt): {}",
            chain(&e)
        ));
    }
    Ok(warning_now(vka, policy, now_sys, sig_time))
}

/// A good signature can still deserve a word: the key has expired or been
/// retired since it signed.
fn warning_now(
    vka: ValidKeyAmalgamation<'_, PublicParts, UnspecifiedRole, bool>,
    policy: &dyn Policy,
    now: SystemTime,
    sig_time: SystemTime,
) -> Option<String> {
    let signed = fmt_date(sig_time);
    let cert = vka.cert();
    let fpr = vka.key().fingerprint();
    let now_cert = match cert.with_policy(policy, now) {
        Ok(c) => c,
        Err(e) => {
            return Some(format!(
                "the key is no longer valid under the policy: {}",
                chain(&e)
            ));
        }
    };
    if let RevocationStatus::Revoked(revs) = now_cert.revocation_status() {
        return Some(format!(
            "the certificate was retired after signing ({signed}): {}",
            revocation_words(&revs)
        ));
    }
    if now_cert.alive().is_err() {
        let expiry = now_cert.primary_key().key_expiration_time();
        return Some(match expiry {
            Some(t) => format!(
                "the key expired on {}, after signing ({signed})",
                fmt_date(t)
            ),
            None => format!("the certificate is no longer alive, after signing ({signed})"),
        });
    }
    let now_key = now_cert.keys().key_handle(fpr).next()?;
    if let RevocationStatus::Revoked(revs) = now_key.revocation_status() {
        return Some(format!(
            "the signing key was retired after signing ({signed}): {}",
            revocation_words(&revs)
        ));
    }
    if now_key.alive().is_err() {
        return Some(match now_key.key_expiration_time() {
            Some(t) => format!(
                "the signing key expired on {}, after signing ({signed})",
                fmt_date(t)
            ),
            None => format!("the signing key is no longer alive, after signing ({signed})"),
        });
    }
    None
}

fn revocation_words(revs: &[&Signature]) -> String {
    let Some(rev) = revs.first() else {
        return "revoked".to_string();
    };
    let when = rev
        .signature_creation_time()
        .map(fmt_date)
        .unwrap_or_else(|| "an unknown date".to_string());
    match rev.reason_for_revocation() {
        Some((ReasonForRevocation::KeyCompromised, _)) => {
            format!("revoked as compromised on {when}")
        }
        Some((ReasonForRevocation::KeySuperseded, _)) => format!("superseded on {when}"),
        Some((ReasonForRevocation::KeyRetired, _)) => format!("retired on {when}"),
        Some((ReasonForRevocation::UIDRetired, _)) => format!("user ID retired on {when}"),
        Some((reason, _)) => format!("revoked on {when} ({reason})"),
        None => format!("revoked on {when} with no reason given, which counts as compromised"),
    }
}

fn first_user_id(cert: &Cert) -> Option<String> {
    cert.userids()
        .next()
        .map(|u| String::from_utf8_lossy(u.userid().value()).into_owned())
}

/// `SHA-256`, `SHA-1`...: the names people use.
pub fn hash_name(algo: HashAlgorithm) -> String {
    match algo {
        HashAlgorithm::MD5 => "MD5".into(),
        HashAlgorithm::SHA1 => "SHA-1".into(),
        HashAlgorithm::SHA224 => "SHA-224".into(),
        HashAlgorithm::SHA256 => "SHA-256".into(),
        HashAlgorithm::SHA384 => "SHA-384".into(),
        HashAlgorithm::SHA512 => "SHA-512".into(),
        HashAlgorithm::SHA3_256 => "SHA3-256".into(),
        HashAlgorithm::SHA3_512 => "SHA3-512".into(),
        other => other.to_string(),
    }
}

/// `Ed25519`, `RSA 4096`, `ECDSA NIST P-256`...
pub fn key_algo(key: &Key) -> String {
    let bits = key.mpis().bits();
    match (key.pk_algo(), key.mpis()) {
        (PublicKeyAlgorithm::EdDSA, PublicKey::EdDSA { curve, .. }) => curve.to_string(),
        (PublicKeyAlgorithm::ECDSA, PublicKey::ECDSA { curve, .. }) => format!("ECDSA {curve}"),
        (PublicKeyAlgorithm::RSAEncryptSign, _) => {
            format!("RSA {}", bits.unwrap_or(0))
        }
        (algo, _) => match bits {
            Some(bits)
                if !matches!(
                    algo,
                    PublicKeyAlgorithm::Ed25519 | PublicKeyAlgorithm::Ed448
                ) =>
            {
                format!("{algo} {bits}")
            }
            _ => algo.to_string(),
        },
    }
}

fn chain(e: &anyhow::Error) -> String {
    e.chain()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(": ")
}

pub fn fmt_date(t: SystemTime) -> String {
    Timestamp::try_from(t)
        .map(|t| t.strftime("%Y-%m-%d").to_string())
        .unwrap_or_else(|_| "?".into())
}

pub fn fmt_time(t: SystemTime) -> String {
    Timestamp::try_from(t)
        .map(|t| t.strftime("%Y-%m-%d %H:%M:%S UTC").to_string())
        .unwrap_or_else(|_| "?".into())
}
