//! `image.signature`: cosign signatures over a container image, judged
//! offline against the public keys the feed pins ([`keys`]). A legacy
//! cosign signature is a manifest tagged `sha256-<hex>.sig` in the layout;
//! each of its layers is a simple-signing payload whose
//! `critical.image.docker-manifest-digest` must be the pinned digest, with
//! the base64 signature over the payload's bytes in the layer's
//! `dev.cosignproject.cosign/signature` annotation. The words are the
//! OpenPGP rows': pinned key, unpinned key, wrong digest, corrupt, none
//! published. A Sigstore bundle the feed names beside the image is judged
//! the same way ([`bundle`]: its DSSE envelope by a pinned key, over a
//! statement naming the pinned digest); keyless certificates and
//! transparency-log proofs are not verified (README says so).

pub mod bundle;
pub mod keys;

use base64::Engine;

use serde::Deserialize;

use crate::engine::shared::check::{Check, CheckId, Finding, Status};

pub use keys::CosignKey;

/// A cosign signature found beside an image (the inspector finds it, this
/// module judges it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CosignSignature {
    /// Where it was found (the `.sig` tag and layer).
    pub source: String,
    /// The simple-signing payload the signature is over (or why not read).
    pub payload: Result<Vec<u8>, String>,
    /// The base64 signature of the layer's annotation.
    pub signature: String,
}

/// The cosign simple-signing payload, as far as intake reads it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Payload {
    pub critical: PayloadCritical,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct PayloadCritical {
    pub image: PayloadImage,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct PayloadImage {
    #[serde(rename = "docker-manifest-digest")]
    pub docker_manifest_digest: String,
}

/// What one signature came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// By this pinned key, over the pinned digest.
    Good(String),
    /// Verifies with no pinned key (or the feed pins none).
    Unpinned,
    /// Over another image's digest.
    WrongDigest(String),
    /// Not readable as a signature or payload.
    Corrupt(String),
}

/// Judges one signature against the pinned digest and keys.
pub fn verdict(sig: &CosignSignature, pinned: &str, keys: &[CosignKey]) -> Verdict {
    let payload = match &sig.payload {
        Ok(p) => p,
        Err(why) => return Verdict::Corrupt(why.clone()),
    };
    let Ok(signature) = base64::engine::general_purpose::STANDARD.decode(sig.signature.trim())
    else {
        return Verdict::Corrupt("the signature annotation is missing or not base64".into());
    };
    let claimed = match serde_json::from_slice::<Payload>(payload) {
        Ok(p) => p.critical.image.docker_manifest_digest,
        Err(e) => {
            return Verdict::Corrupt(format!("the payload is not a simple-signing document: {e}"));
        }
    };
    let by = keys.iter().find(|k| k.verifies(payload, &signature));
    match by {
        None => Verdict::Unpinned,
        Some(_) if claimed != pinned => Verdict::WrongDigest(claimed),
        Some(key) => Verdict::Good(format!(
            "{} ({}, sha256 {})",
            key.file,
            key.scheme.word(),
            &key.sha256[..16]
        )),
    }
}

/// A Sigstore bundle the feed names: its file name, and its bytes or why
/// they could not be had.
pub struct BundleFile<'a> {
    pub name: &'a str,
    pub bytes: Result<&'a [u8], String>,
}

/// `image.signature` for an image (`keys`: the feed's pinned keys, or why
/// they cannot be used; `bundle`: the bundle file the feed names).
pub fn judge(
    signatures: &[CosignSignature],
    pinned: Option<&str>,
    keys: &Result<Vec<CosignKey>, String>,
    bundle: Option<BundleFile<'_>>,
) -> Check {
    let id = CheckId::ImageSignature;
    if signatures.is_empty() && bundle.is_none() {
        return Check::skip(
            id,
            "none published (no cosign signature manifest for the pinned digest in the layout)",
        );
    }
    let keys = match keys {
        Ok(keys) => keys,
        Err(why) => {
            return Check::fail(id, format!("the pinned cosign keys cannot be used: {why}"));
        }
    };
    let pinned = pinned.unwrap_or_default().to_string();
    let mut judged: Vec<(String, Verdict)> = signatures
        .iter()
        .map(|s| (s.source.clone(), verdict(s, &pinned, keys)))
        .collect();
    if let Some(b) = &bundle {
        let v = match &b.bytes {
            Ok(bytes) => bundle::verdict(bytes, &pinned, keys),
            Err(why) => Verdict::Corrupt(why.clone()),
        };
        judged.push((format!("{} (Sigstore bundle)", b.name), v));
    }
    let findings: Vec<Finding> = judged
        .iter()
        .map(|(source, v)| {
            let (status, summary) = match v {
                Verdict::Good(key) => (Status::Pass, format!("good signature by the pinned key {key}")),
                Verdict::Unpinned if keys.is_empty() => (Status::Fail, "signed by a key that is not pinned (the feed pins no cosign key)".to_string()),
                Verdict::Unpinned => (Status::Fail, "signed by a key that is not pinned (no pinned cosign key verifies it), or corrupt".to_string()),
                Verdict::WrongDigest(d) => (Status::Fail, format!("a signature over another image's digest ({d}), not the pinned {pinned}")),
                Verdict::Corrupt(why) => (Status::Fail, format!("corrupt: {why}")),
            };
            Finding::new(status, source.clone(), summary)
        })
        .collect();
    let good = judged.iter().find_map(|(_, v)| match v {
        Verdict::Good(key) => Some(key.clone()),
        _ => None,
    });
    let check = match good {
        Some(key) => Check::pass(
            id,
            format!("cosign signature over {pinned} by the pinned key {key}"),
        ),
        None => {
            let first = findings
                .first()
                .map(|f| f.summary.clone())
                .unwrap_or_default();
            Check::fail(id, first)
        }
    };
    // Other signatures beside a good one are listed, not failed.
    let findings = findings
        .into_iter()
        .map(|mut f| {
            if check.status == Status::Pass && f.status == Status::Fail {
                f.status = Status::Warn;
            }
            f
        })
        .collect();
    let check = match &bundle {
        Some(b) => check.with_evidence(
            "bundle",
            format!(
                "{}: its signature judged with the pinned keys; its transparency-log entries and timestamps are not verified (offline, no trusted root)",
                b.name
            ),
        ),
        None => check,
    };
    check
        .with_evidence("digest", pinned)
        .with_findings(findings)
}
