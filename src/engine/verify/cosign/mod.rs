//! `image.signature`: cosign signatures over a container image, judged
//! offline against the public keys the feed pins ([`keys`]). A legacy
//! cosign signature is a manifest tagged `sha256-<hex>.sig` in the layout;
//! each of its layers is a simple-signing payload whose
//! `critical.image.docker-manifest-digest` must be the pinned digest, with
//! the base64 signature over the payload's bytes in the layer's
//! `dev.cosignproject.cosign/signature` annotation. The words are the
//! OpenPGP rows': pinned key, unpinned key, wrong digest, corrupt, none
//! published. Sigstore bundles, keyless certificates and transparency-log
//! proofs are not verified (README says so): a feed naming a bundle fails.

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

/// `image.signature` for an image (`keys`: the feed's pinned keys, or why
/// they cannot be used; `bundle`: the bundle file the feed names).
pub fn judge(
    signatures: &[CosignSignature],
    pinned: Option<&str>,
    keys: &Result<Vec<CosignKey>, String>,
    bundle: Option<&str>,
) -> Check {
    let id = CheckId::ImageSignature;
    if let Some(bundle) = bundle {
        return Check::fail(
            id,
            format!("the feed names a Sigstore bundle ({bundle}); this version of intake does not verify bundles, so it cannot vouch for it"),
        )
        .with_evidence("bundle", bundle);
    }
    if signatures.is_empty() {
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
    let judged: Vec<(&CosignSignature, Verdict)> = signatures
        .iter()
        .map(|s| (s, verdict(s, &pinned, keys)))
        .collect();
    let findings: Vec<Finding> = judged
        .iter()
        .map(|(s, v)| {
            let (status, summary) = match v {
                Verdict::Good(key) => (Status::Pass, format!("good signature by the pinned key {key}")),
                Verdict::Unpinned if keys.is_empty() => (Status::Fail, "signed by a key that is not pinned (the feed pins no cosign key)".to_string()),
                Verdict::Unpinned => (Status::Fail, "signed by a key that is not pinned (no pinned cosign key verifies it), or corrupt".to_string()),
                Verdict::WrongDigest(d) => (Status::Fail, format!("a signature over another image's digest ({d}), not the pinned {pinned}")),
                Verdict::Corrupt(why) => (Status::Fail, format!("corrupt: {why}")),
            };
            Finding::new(status, s.source.clone(), summary)
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
    check
        .with_evidence("digest", pinned)
        .with_findings(findings)
}
