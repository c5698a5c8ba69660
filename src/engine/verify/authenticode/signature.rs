//! One Authenticode signature judged over a file's digest: the signed
//! `SpcIndirectDataContent` names the digest, which must be one the pass
//! computed and must match it; the signer must verify over it; its
//! timestamp, if any, is checked; and the signer's certificate must be
//! trusted at the timestamp's time (else at the review's). Nested
//! signatures are read from the signer's unsigned attributes, to a small
//! depth.

use jiff::Timestamp;

use super::Trust;
use super::certs::Cert;
use super::chain::{self, Trusted, Untrusted};
use super::digest::{DigestAlgorithm, ImageDigest};
use super::oids;
use super::parse;
use super::signer::{self, Signs};
use super::spc::SpcIndirectDataContent;
use super::timestamp::{self, Stamp};

/// How deep nested signatures are followed (Windows writes one level).
const NESTING_MAX: usize = 2;

/// What one signature came to.
#[derive(Debug, Clone)]
pub struct Judged {
    /// `signature 1`, `signature 1, nested 1`.
    pub label: String,
    pub algorithm: Option<DigestAlgorithm>,
    pub signed_digest: Option<Vec<u8>>,
    pub signer: Option<Cert>,
    /// `None` when the signature holds no timestamp.
    pub timestamp: Option<Result<Stamp, String>>,
    pub verdict: Result<Trusted, Refusal>,
}

/// Why a signature does not count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The digest differs: the bytes changed after signing.
    Mismatch(String),
    /// Signed, and verifies, by a certificate the feed does not pin.
    Unpinned(String),
    /// The certificate expired (or was not yet valid) and no timestamp
    /// vouches for the time of signing.
    Expired(String),
    /// Anything else: unreadable, a refused algorithm, a bad signature.
    Other(String),
}

impl Refusal {
    pub fn why(&self) -> &str {
        match self {
            Refusal::Mismatch(w)
            | Refusal::Unpinned(w)
            | Refusal::Expired(w)
            | Refusal::Other(w) => w,
        }
    }
}

/// Judges the signature `der` and the signatures nested in it.
pub fn judge(
    der: &[u8],
    label: &str,
    digests: &[ImageDigest],
    trust: &Trust,
    now: Timestamp,
) -> Vec<Judged> {
    let mut out = Vec::new();
    judge_into(der, label, digests, trust, now, 0, &mut out);
    out
}

fn judge_into(
    der: &[u8],
    label: &str,
    digests: &[ImageDigest],
    trust: &Trust,
    now: Timestamp,
    depth: usize,
    out: &mut Vec<Judged>,
) {
    let mut judged = Judged {
        label: label.to_string(),
        algorithm: None,
        signed_digest: None,
        signer: None,
        timestamp: None,
        verdict: Err(Refusal::Other(String::new())),
    };
    let nested = match one(der, digests, trust, now, &mut judged) {
        Ok((trusted, nested)) => {
            judged.verdict = Ok(trusted);
            nested
        }
        Err((refusal, nested)) => {
            judged.verdict = Err(refusal);
            nested
        }
    };
    out.push(judged);
    for (i, inner) in nested.iter().enumerate() {
        let inner_label = format!("{label}, nested {}", i + 1);
        if depth + 1 > NESTING_MAX {
            out.push(Judged {
                label: inner_label,
                algorithm: None,
                signed_digest: None,
                signer: None,
                timestamp: None,
                verdict: Err(Refusal::Other(format!(
                    "nested deeper than {NESTING_MAX} levels"
                ))),
            });
            continue;
        }
        judge_into(inner, &inner_label, digests, trust, now, depth + 1, out);
    }
}

type Outcome = Result<(Trusted, Vec<Vec<u8>>), (Refusal, Vec<Vec<u8>>)>;

fn one(
    der: &[u8],
    digests: &[ImageDigest],
    trust: &Trust,
    now: Timestamp,
    judged: &mut Judged,
) -> Outcome {
    let other = |w: String| (Refusal::Other(w), Vec::new());
    let signed = parse::signed_data(der).map_err(other)?;
    let certs = &signed.certs;
    let si = signed.only_signer().map_err(other)?;
    let nested = nested_signatures(si);
    let with_nested = |r: Refusal| (r, nested.clone());
    if signed.encap.econtent_type != oids::SPC_INDIRECT_DATA {
        return Err(with_nested(Refusal::Other(
            "not an Authenticode signature (no SpcIndirectDataContent)".into(),
        )));
    }
    let content = signed
        .encap
        .econtent
        .as_ref()
        .ok_or_else(|| with_nested(Refusal::Other("the signature signs no content".into())))?;
    let spc = content.decode_as::<SpcIndirectDataContent>().map_err(|e| {
        with_nested(Refusal::Other(format!(
            "the SpcIndirectDataContent cannot be read: {e}"
        )))
    })?;
    let algorithm = DigestAlgorithm::from_oid(&spc.message_digest.digest_algorithm.oid);
    judged.algorithm = algorithm;
    judged.signed_digest = Some(spc.message_digest.digest.as_bytes().to_vec());
    compare_digest(algorithm, spc.message_digest.digest.as_bytes(), digests)
        .map_err(with_nested)?;
    // The signer signs the content's value: the SpcIndirectDataContent
    // without its own tag and length, as Authenticode defines.
    let signs = Signs {
        content_type: Some(oids::SPC_INDIRECT_DATA),
        content: content.value(),
    };
    let (index, _) =
        signer::verify(si, certs, &signs).map_err(|w| with_nested(Refusal::Other(w)))?;
    let cert = certs
        .get(index)
        .cloned()
        .ok_or_else(|| with_nested(Refusal::Other("no certificate".into())))?;
    judged.signer = Some(cert.clone());
    judged.timestamp = timestamp::find(si, certs, &trust.timestamp_authorities);
    let at = match &judged.timestamp {
        Some(Ok(stamp)) => stamp.time,
        _ => now,
    };
    let stamped = matches!(judged.timestamp, Some(Ok(_)));
    match chain::trust(&cert, certs, &trust.publishers, oids::EKU_CODE_SIGNING, at) {
        Ok(t) => Ok((t, nested)),
        Err(Untrusted::Unpinned) => Err(with_nested(Refusal::Unpinned(format!(
            "signed by {} (certificate SHA-256 {}), which is not pinned and does not chain to a pinned certificate",
            cert.publisher(),
            cert.sha256()
        )))),
        Err(Untrusted::OutsideValidity(w)) if !stamped => {
            Err(with_nested(Refusal::Expired(format!(
                "the publisher's certificate is expired or not yet valid and no verified timestamp shows when it signed: {w}"
            ))))
        }
        Err(Untrusted::OutsideValidity(w)) => Err(with_nested(Refusal::Expired(format!(
            "the publisher's certificate was not valid at the timestamp's time: {w}"
        )))),
        Err(Untrusted::Refused(w)) => Err(with_nested(Refusal::Other(w))),
    }
}

/// The signed digest against the one the pass computed.
fn compare_digest(
    algorithm: Option<DigestAlgorithm>,
    signed: &[u8],
    digests: &[ImageDigest],
) -> Result<(), Refusal> {
    let Some(algorithm) = algorithm else {
        return Err(Refusal::Other(
            "the signed digest uses an unknown algorithm".into(),
        ));
    };
    if !algorithm.accepted() {
        return Err(Refusal::Other(format!(
            "the file digest is signed with {}, which is refused",
            algorithm.name()
        )));
    }
    let Some(computed) = digests.iter().find(|d| d.algorithm == algorithm) else {
        return Err(Refusal::Other(format!(
            "the file digest is signed with {}, which the read pass did not compute (review the file from local media)",
            algorithm.name()
        )));
    };
    if computed.value != signed {
        return Err(Refusal::Mismatch(format!(
            "digest mismatch: the file's {} is {}, the signature signs {}: the bytes changed after signing",
            algorithm.name(),
            hex::encode(&computed.value),
            hex::encode(signed)
        )));
    }
    Ok(())
}

/// The digest algorithms the signature `der` and the signatures nested in
/// it (one level) sign the file with: what a pass must compute.
pub fn digest_algorithms(der: &[u8]) -> Vec<DigestAlgorithm> {
    let Ok(signed) = parse::signed_data(der) else {
        return Vec::new();
    };
    let nested = signed
        .only_signer()
        .map(nested_signatures)
        .unwrap_or_default();
    let inner = nested.iter().filter_map(|d| parse::signed_data(d).ok());
    std::iter::once(signed)
        .chain(inner)
        .filter_map(|s| signed_algorithm(&s))
        .collect()
}

/// The algorithm a signature's `SpcIndirectDataContent` names.
fn signed_algorithm(signed: &parse::Signed) -> Option<DigestAlgorithm> {
    let spc = signed
        .encap
        .econtent
        .as_ref()?
        .decode_as::<SpcIndirectDataContent>()
        .ok()?;
    DigestAlgorithm::from_oid(&spc.message_digest.digest_algorithm.oid)
}

/// The signatures nested in a signer's unsigned attributes.
fn nested_signatures(si: &cms::signed_data::SignerInfo) -> Vec<Vec<u8>> {
    let Some(unsigned) = &si.unsigned_attrs else {
        return Vec::new();
    };
    unsigned
        .iter()
        .filter(|a| a.oid == oids::SPC_NESTED_SIGNATURE)
        .flat_map(|a| a.values.iter())
        .map(|v| der::Encode::to_der(v).unwrap_or_default())
        .collect()
}
