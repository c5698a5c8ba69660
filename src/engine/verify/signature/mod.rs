//! OpenPGP signatures: reading them ([`parse`]), the team's pinned trust
//! ([`trust`]), judging each one ([`classify`], [`validity`]), and turning
//! the judgements on one file's signatures into the `signature.checksums`
//! or `signature.artifact` check ([`judge`]), threshold included.

pub mod classify;
pub mod key;
pub mod parse;
pub mod shown;
pub mod trust;
pub mod validity;

use std::collections::BTreeSet;
use std::time::SystemTime;

use jiff::Timestamp;
use openpgp::policy::StandardPolicy;
use sequoia_openpgp as openpgp;

use crate::engine::fetch::hashers::{Digests, HashKey};
use crate::engine::fetch::pass;
use crate::engine::shared::check::{Check, CheckId, Finding, Status};
use crate::engine::shared::event::Cancel;

pub use classify::{SigReport, SigVerdict};
pub use parse::Found;
pub use shown::{Made, Signer};
pub use trust::TrustStore;

/// The policy signatures are judged under, pinned to the review's `now`.
pub fn policy(now: Timestamp) -> StandardPolicy<'static> {
    StandardPolicy::at(SystemTime::from(now))
}

/// The most distinct hash contexts (algorithm, v6 salt, text mode) one
/// file's signatures may ask for. Each is a pass of hashing over the whole
/// artifact; a vendor needs one or two. Signatures needing more are not
/// checked, and the check fails.
pub const MAX_HASH_CONTEXTS: usize = 8;

/// What a signature beyond [`MAX_HASH_CONTEXTS`] is reported as.
pub const REFUSED_CONTEXTS: &str = "not checked: more than 8 distinct hash contexts (hash algorithm, salt, text mode) in one file; refused";

/// The hash contexts needed to check these detached signatures: the
/// distinct ones, in the order the signatures come, at most
/// [`MAX_HASH_CONTEXTS`].
pub fn hash_keys(found: &[Found]) -> Vec<HashKey> {
    let mut keys: Vec<HashKey> = Vec::new();
    for f in found {
        if let Found::Sig(sig) = f {
            let key = HashKey::for_signature(sig);
            if !keys.contains(&key) && keys.len() < MAX_HASH_CONTEXTS {
                keys.push(key);
            }
        }
    }
    keys
}

/// Judges each found signature with `classify_one`, except those whose
/// hash context is beyond the cap: they are refused unread.
fn judge_each(found: &[Found], classify_one: impl Fn(&Found) -> SigReport) -> Vec<SigReport> {
    let allowed = hash_keys(found);
    found
        .iter()
        .map(|f| match f {
            Found::Sig(sig) if !allowed.contains(&HashKey::for_signature(sig)) => {
                SigReport::refused(sig, REFUSED_CONTEXTS)
            }
            _ => classify_one(f),
        })
        .collect()
}

/// Judges detached signatures whose data was hashed in the read pass.
pub fn verify_with_digests(
    found: &[Found],
    digests: &Digests,
    trust: &TrustStore,
    now: Timestamp,
) -> Vec<SigReport> {
    let policy = policy(now);
    let verify = |sig: &openpgp::packet::Signature, key: &key::Key| -> openpgp::Result<()> {
        let ctx = digests
            .context(&HashKey::for_signature(sig))
            .ok_or_else(|| {
                anyhow::anyhow!("the hash algorithm {} is not supported", sig.hash_algo())
            })?;
        sig.verify_hash(key, ctx)
    };
    judge_each(found, |f| {
        classify::classify(f, trust, &policy, now, &verify)
    })
}

/// Judges detached signatures over a small file held in memory.
pub fn verify_bytes(
    found: &[Found],
    data: &[u8],
    trust: &TrustStore,
    now: Timestamp,
) -> Vec<SigReport> {
    let keys = hash_keys(found);
    let digests = pass::read_once::<()>(
        &mut &data[..],
        &keys,
        None,
        pass::PassOptions::default(),
        &mut |_| {},
        &Cancel::new(),
    )
    .map(|out| out.digests)
    .unwrap_or_default();
    verify_with_digests(found, &digests, trust, now)
}

/// Judges the signatures of a cleartext-signed file (their digests were
/// computed while parsing).
pub fn verify_clearsigned(found: &[Found], trust: &TrustStore, now: Timestamp) -> Vec<SigReport> {
    let policy = policy(now);
    let verify = |sig: &openpgp::packet::Signature, key: &key::Key| sig.verify_document(key);
    judge_each(found, |f| {
        classify::classify(f, trust, &policy, now, &verify)
    })
}

/// What a review knows about one file's signatures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SigOutcome {
    /// The vendor published no signature for this file.
    NonePublished,
    /// The signature file could not be used at all (truncated, corrupt...).
    Unusable(String),
    /// Each signature found, judged.
    Judged(Vec<SigReport>),
}

/// Turns one file's signature outcome into its check.
pub fn judge(id: CheckId, sig_file: &str, outcome: &SigOutcome, threshold: usize) -> Check {
    let reports = match outcome {
        SigOutcome::NonePublished => return Check::skip(id, "none published"),
        SigOutcome::Unusable(reason) => {
            return Check::fail(id, format!("{sig_file} cannot be used: {reason}"))
                .with_evidence("file", sig_file);
        }
        SigOutcome::Judged(reports) => reports,
    };
    let tally = Tally::of(reports);
    let status = tally.status(threshold);
    let findings = findings(reports, status);
    let summary = summary(reports, &tally, status, threshold);
    let mut check = Check::new(id, status, summary).with_evidence("file", sig_file);
    let shown = reports
        .iter()
        .find(|r| {
            r.pinned && matches!(r.verdict, SigVerdict::Good | SigVerdict::GoodWithWarning(_))
        })
        .or_else(|| reports.first());
    if let Some(r) = shown {
        check = with_signature_evidence(check, r);
    }
    check
        .evidence
        .insert("signatures".into(), reports.len().to_string());
    check.with_findings(findings)
}

/// One file's signatures, counted by what the threshold needs.
struct Tally<'a> {
    /// Pinned keys that made a good signature with nothing to warn of.
    clean: BTreeSet<String>,
    /// Pinned keys that made a good signature, warnings or not.
    good: BTreeSet<String>,
    /// Bad signatures made by pinned keys.
    pinned_bad: Vec<&'a SigReport>,
    /// A signature was refused unchecked (too many hash contexts).
    refused: bool,
}

impl<'a> Tally<'a> {
    fn of(reports: &'a [SigReport]) -> Self {
        let signers = |want: fn(&SigVerdict) -> bool| -> BTreeSet<String> {
            reports
                .iter()
                .filter(|r| r.pinned && want(&r.verdict))
                .filter_map(|r| r.signer.clone())
                .collect()
        };
        let clean = signers(|v| matches!(v, SigVerdict::Good));
        let warned = signers(|v| matches!(v, SigVerdict::GoodWithWarning(_)));
        let good: BTreeSet<String> = clean.union(&warned).cloned().collect();
        let pinned_bad: Vec<&SigReport> = reports
            .iter()
            .filter(|r| r.pinned && matches!(r.verdict, SigVerdict::Bad(_)))
            .collect();
        let refused = reports
            .iter()
            .any(|r| r.verdict == SigVerdict::Bad(REFUSED_CONTEXTS.to_string()));
        Tally {
            clean,
            good,
            pinned_bad,
            refused,
        }
    }

    /// Enough clean signatures and no bad one by a pinned key pass; enough
    /// good ones warn; anything less fails, as does a refused signature.
    fn status(&self, threshold: usize) -> Status {
        if self.refused {
            Status::Fail
        } else if self.clean.len() >= threshold && self.pinned_bad.is_empty() {
            Status::Pass
        } else if self.good.len() >= threshold {
            Status::Warn
        } else {
            Status::Fail
        }
    }
}

/// One finding per signature. A bad signature by a key that is not pinned
/// is not counted, unless the check fails anyway.
fn findings(reports: &[SigReport], status: Status) -> Vec<Finding> {
    reports
        .iter()
        .map(|r| {
            let (st, summary) = match &r.verdict {
                SigVerdict::Good => (Status::Pass, describe_good(r)),
                SigVerdict::GoodWithWarning(w) => {
                    (Status::Warn, format!("good signature, but {w}"))
                }
                SigVerdict::Bad(reason) if !r.pinned && status != Status::Fail => {
                    (Status::Skip, format!("not counted: {reason}"))
                }
                SigVerdict::Bad(reason) => (Status::Fail, reason.clone()),
            };
            Finding::new(st, spaced(&r.subject()), summary)
        })
        .collect()
}

/// The check's one line: who signed, what to be warned of, or why it fails.
fn summary(reports: &[SigReport], tally: &Tally<'_>, status: Status, threshold: usize) -> String {
    let counted = if threshold > 1 {
        format!(
            "{} of {threshold} required pinned keys gave a good signature",
            tally.good.len()
        )
    } else {
        String::new()
    };
    match status {
        Status::Pass => {
            if threshold > 1 {
                counted
            } else {
                let first = reports
                    .iter()
                    .find(|r| r.pinned && r.verdict == SigVerdict::Good);
                first.map(describe_good).unwrap_or_default()
            }
        }
        Status::Warn => {
            let warning = reports.iter().find_map(|r| match &r.verdict {
                SigVerdict::GoodWithWarning(w) => Some(w.clone()),
                _ => None,
            });
            match (warning, tally.pinned_bad.first()) {
                (Some(w), _) => format!("good signature, but {w}"),
                (None, Some(bad)) => format!(
                    "enough good signatures, but a pinned key also made a bad one: {}",
                    reason(bad)
                ),
                (None, None) => counted,
            }
        }
        _ if tally.refused => REFUSED_CONTEXTS.to_string(),
        _ => {
            let first_bad = tally.pinned_bad.first().copied().or_else(|| {
                reports
                    .iter()
                    .find(|r| matches!(r.verdict, SigVerdict::Bad(_)))
            });
            let why = first_bad
                .map(reason)
                .unwrap_or_else(|| "no good signature".to_string());
            if threshold > 1 {
                format!("only {counted}; {why}")
            } else {
                why
            }
        }
    }
}

/// The evidence of the signature the check shows: who made it, when, with
/// what, and what the policy said.
fn with_signature_evidence(mut check: Check, r: &SigReport) -> Check {
    if let Some(signer) = &r.signer {
        let signer = Signer {
            fingerprint: signer.clone(),
            pinned: r.pinned,
        };
        check = check.with_evidence("signer", signer.words());
    } else if let Some(issuer) = &r.issuer {
        check = check.with_evidence("issuer", spaced(issuer));
    }
    if let Some(uid) = &r.user_id {
        check = check.with_evidence("user_id", uid.clone());
    }
    let made = Made {
        time: r.created,
        hash: r.hash.clone(),
        key_algorithm: r.key_algo.clone(),
    };
    if let Some(made) = made.words() {
        check = check.with_evidence("made", made);
    }
    let policy = match &r.verdict {
        SigVerdict::Good => {
            "standard policy: hash, key and signature time all acceptable".to_string()
        }
        SigVerdict::GoodWithWarning(w) => {
            format!("standard policy: acceptable at signing time; {w}")
        }
        SigVerdict::Bad(reason) => reason.clone(),
    };
    check.with_evidence("policy", policy)
}

fn reason(r: &SigReport) -> String {
    match &r.verdict {
        SigVerdict::Bad(reason) | SigVerdict::GoodWithWarning(reason) => reason.clone(),
        SigVerdict::Good => "good".to_string(),
    }
}

fn describe_good(r: &SigReport) -> String {
    let who = r.user_id.clone().unwrap_or_else(|| r.subject());
    format!("good signature by {who}")
}

/// `0E3B 1C7F ...`: a fingerprint in groups of four, as people read them.
pub fn spaced(hex: &str) -> String {
    if !hex.bytes().all(|b| b.is_ascii_hexdigit()) || hex.len() < 16 {
        return hex.to_string();
    }
    hex.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Enforces `signatures = "required"` across the two signature checks: it
/// is met when at least one passes or warns; when neither file has any
/// signature, both fail.
pub fn apply_required(required: bool, checksums: &mut Check, artifact: &mut Check) {
    if required && checksums.status == Status::Skip && artifact.status == Status::Skip {
        for check in [checksums, artifact] {
            check.status = Status::Fail;
            check.summary = "no signature published, and the feed requires one".to_string();
        }
    }
}
