//! Whether the key that made a signature may vouch for it (valid under the
//! policy, alive and unrevoked when it signed, allowed to sign), whether
//! the signature itself holds (not from further in the future than the
//! clock skew allows, not expired, algorithms the policy accepts, the
//! maths), and what is worth a warning now (a key that expired or was
//! retired after signing).

use std::time::{Duration, SystemTime};

use jiff::Timestamp;
use openpgp::Cert;
use openpgp::cert::amalgamation::key::ValidKeyAmalgamation;
use openpgp::cert::amalgamation::{ValidAmalgamation, ValidateAmalgamation};
use openpgp::packet::Signature;
use openpgp::packet::key::{PublicParts, UnspecifiedRole};
use openpgp::policy::{HashAlgoSecurity, Policy};
use openpgp::types::{ReasonForRevocation, RevocationStatus};
use sequoia_openpgp as openpgp;

use super::key::{Key, VerifyMath, hash_name, key_algo};

/// How far in the future a signature's creation time may be (clock skew).
pub const CLOCK_SKEW: Duration = Duration::from_secs(5 * 60);

/// What signatures are judged by: the policy, at the review's `now`, and
/// the maths over the signed data.
pub struct Rules<'a> {
    pub policy: &'a dyn Policy,
    pub now: Timestamp,
    pub verify: &'a VerifyMath<'a>,
}

/// `Ok(None)`: good. `Ok(Some(w))`: good with a warning. `Err(reason)`: bad.
pub(super) fn judge_with_key(
    sig: &Signature,
    cert: &Cert,
    key: &Key,
    sig_time: SystemTime,
    rules: &Rules<'_>,
) -> Result<Option<String>, String> {
    let vka = valid_when_signed(cert, key, sig_time, rules.policy)?;
    holds(sig, key, sig_time, rules)?;
    Ok(warning_now(
        vka,
        rules.policy,
        SystemTime::from(rules.now),
        sig_time,
    ))
}

/// The key as it was when it signed: valid under the policy, alive and
/// unrevoked (its certificate too), and able to sign.
fn valid_when_signed<'a>(
    cert: &'a Cert,
    key: &Key,
    sig_time: SystemTime,
    policy: &'a dyn Policy,
) -> Result<ValidKeyAmalgamation<'a, PublicParts, UnspecifiedRole, bool>, String> {
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
    Ok(vka)
}

/// The signature itself: made no further in the future than the clock
/// skew allows, still valid now, with algorithms the policy accepts, and
/// over the data it is checked against.
fn holds(
    sig: &Signature,
    key: &Key,
    sig_time: SystemTime,
    rules: &Rules<'_>,
) -> Result<(), String> {
    let now_sys = SystemTime::from(rules.now);
    if sig_time > now_sys + CLOCK_SKEW {
        return Err(format!(
            "made in the future ({}, now is {}): more than 5 minutes of clock skew",
            fmt_time(sig_time),
            fmt_time(now_sys)
        ));
    }
    if let Err(e) = sig.signature_alive(now_sys, CLOCK_SKEW) {
        return Err(format!("the signature is not valid now: {}", chain(&e)));
    }
    if let Err(e) = rules
        .policy
        .signature(sig, HashAlgoSecurity::CollisionResistance)
    {
        return Err(format!(
            "made with {} over {}, which the policy rejects: {}",
            hash_name(sig.hash_algo()),
            key_algo(key),
            chain(&e)
        ));
    }
    if let Err(e) = (rules.verify)(sig, key) {
        return Err(format!(
            "does not match the file (it was made over other data, or the file or signature is corrupt): {}",
            chain(&e)
        ));
    }
    Ok(())
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
