//! `authenticode.signature` and `authenticode.timestamp` from what a
//! kind read of a file ([`SignedFile`]) and the feed's pins ([`Trust`]).
//! Every signature in the file counts: the first, any second one in the
//! certificate table and any nested one must each verify, or the check
//! fails naming it. Evidence is in words: who signed, who vouches for
//! them, when, with what.

use jiff::Timestamp;

use crate::engine::shared::check::{Check, CheckId, Finding, Status};

use super::chain::Trusted;
use super::signature::{self, Judged, Refusal};
use super::{SignedFile, Trust};

/// What the evidence says of revocation.
const REVOCATION: &str =
    "not checked: intake fetches nothing, so no CRL or OCSP responder was asked";

/// `authenticode.signature` and `authenticode.timestamp`. `trust` is the
/// loaded pins, or why they could not be read.
pub fn judge(file: &SignedFile, trust: Result<&Trust, &str>, now: Timestamp) -> [Check; 2] {
    let sig = CheckId::AuthenticodeSignature;
    let ts = CheckId::AuthenticodeTimestamp;
    if let Some(why) = &file.unreadable {
        return [
            Check::fail(
                sig,
                format!("the file could not be read to its signature: {why}"),
            ),
            Check::skip(ts, "the signature could not be read"),
        ];
    }
    let trust = match trust {
        Ok(t) => t,
        Err(why) => {
            return [
                Check::fail(
                    sig,
                    format!("the pinned Authenticode certificates cannot be used: {why}"),
                ),
                Check::skip(ts, "the signature was not judged"),
            ];
        }
    };
    if file.signatures.is_empty() {
        return [
            unsigned(file, trust),
            Check::skip(ts, "not signed: nothing to timestamp"),
        ];
    }
    let judged: Vec<Judged> = file
        .signatures
        .iter()
        .enumerate()
        .flat_map(|(i, der)| {
            signature::judge(
                der,
                &format!("signature {}", i + 1),
                &file.digests,
                trust,
                now,
            )
        })
        .collect();
    let Some(primary) = judged.first() else {
        return [
            unsigned(file, trust),
            Check::skip(ts, "not signed: nothing to timestamp"),
        ];
    };
    [
        signature_check(file, &judged, primary),
        timestamp_check(primary),
    ]
}

fn unsigned(file: &SignedFile, trust: &Trust) -> Check {
    let id = CheckId::AuthenticodeSignature;
    let hidden = hidden_findings(file);
    if let Some(first) = file.hidden.first() {
        return Check::fail(id, format!("not signed, and {first}")).with_findings(hidden);
    }
    let pinned = trust.publishers.certs.len();
    if pinned > 0 {
        Check::fail(
            id,
            format!(
                "not signed, while the feed pins {pinned} Authenticode publisher certificate(s)"
            ),
        )
    } else {
        Check::skip(id, "not signed (the feed pins no Authenticode publisher)")
    }
}

fn hidden_findings(file: &SignedFile) -> Vec<Finding> {
    // An MSI hides bytes in its compound file; a PE image in or after
    // its certificate table.
    let subject = if file.what == super::msi::WHAT {
        "(compound file)"
    } else {
        "(certificate table)"
    };
    file.hidden
        .iter()
        .map(|h| Finding::new(Status::Fail, subject, h.clone()))
        .collect()
}

fn signature_check(file: &SignedFile, judged: &[Judged], primary: &Judged) -> Check {
    let id = CheckId::AuthenticodeSignature;
    let mut findings = hidden_findings(file);
    findings.extend(judged.iter().map(|j| match &j.verdict {
        Ok(how) => Finding::new(Status::Pass, j.label.clone(), good_words(j, how)),
        Err(refusal) => Finding::new(Status::Fail, j.label.clone(), refusal.why().to_string()),
    }));
    let first_bad = judged
        .iter()
        .find_map(|j| j.verdict.as_ref().err().map(|r| (j, r)));
    let (status, summary) = match (first_bad, file.hidden.first()) {
        (Some((j, refusal)), _) => (
            Status::Fail,
            format!("{}: {}", j.label, refusal_words(refusal)),
        ),
        (None, Some(hidden)) => (Status::Fail, hidden.clone()),
        (None, None) => match &primary.verdict {
            Ok(how) => (Status::Pass, good_words(primary, how)),
            Err(r) => (Status::Fail, r.why().to_string()),
        },
    };
    let mut check = Check::new(id, status, summary);
    check = with_signer_evidence(check, file, primary);
    check.with_findings(findings)
}

fn refusal_words(refusal: &Refusal) -> String {
    refusal.why().to_string()
}

fn good_words(j: &Judged, how: &Trusted) -> String {
    let who = j
        .signer
        .as_ref()
        .map_or_else(|| "an unknown signer".to_string(), |c| c.publisher());
    match how {
        Trusted::PinnedLeaf => format!("signed by {who}, whose certificate is pinned"),
        Trusted::Chain { anchor } => {
            format!(
                "signed by {who}, whose certificate chains (code signing) to the pinned {anchor}"
            )
        }
    }
}

fn with_signer_evidence(mut check: Check, file: &SignedFile, j: &Judged) -> Check {
    check = check.with_evidence("file", file.what.clone());
    if let Some(alg) = j.algorithm {
        check = check.with_evidence("digest_algorithm", alg.name());
    }
    if let Some(d) = &j.signed_digest {
        check = check.with_evidence("signed_digest", hex::encode(d));
    }
    if let Some(cert) = &j.signer {
        let (from, until) = cert.validity();
        check = check
            .with_evidence("publisher", cert.publisher())
            .with_evidence("issuer", cert.issuer())
            .with_evidence("serial", cert.serial())
            .with_evidence("valid", format!("{from} until {until}"))
            .with_evidence("certificate_sha256", cert.sha256());
    }
    check
        .with_evidence("signatures_found", file.signatures.len().to_string())
        .with_evidence("revocation", REVOCATION)
}

fn timestamp_check(primary: &Judged) -> Check {
    let id = CheckId::AuthenticodeTimestamp;
    match (&primary.timestamp, &primary.signer) {
        (_, None) => Check::skip(id, "the signature could not be checked, nor its timestamp"),
        (None, Some(cert)) => Check::warn(
            id,
            format!(
                "none: the signature is valid only while the certificate is (until {})",
                cert.validity().1
            ),
        ),
        (Some(Err(why)), _) => Check::fail(id, format!("the timestamp does not verify: {why}")),
        (Some(Ok(stamp)), _) => {
            let how = match &stamp.trusted {
                Trusted::PinnedLeaf => "pinned".to_string(),
                Trusted::Chain { anchor } => {
                    format!("chains (time stamping) to the pinned {anchor}")
                }
            };
            Check::pass(
                id,
                format!(
                    "signed at {} ({} timestamp by {})",
                    stamp.time,
                    stamp.form,
                    stamp.authority.publisher()
                ),
            )
            .with_evidence("time", stamp.time.to_string())
            .with_evidence("form", stamp.form)
            .with_evidence("authority", stamp.authority.publisher())
            .with_evidence("authority_sha256", stamp.authority.sha256())
            .with_evidence("authority_trusted", how)
        }
    }
}
