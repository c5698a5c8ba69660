//! A Sigstore bundle beside an image (`bundle = "…"` in the feed), judged
//! with the pinned keys alone, offline: its DSSE envelope's signature over
//! the envelope's pre-authentication encoding (`DSSEv1 <len> <type> <len>
//! <payload>`) must verify with a pinned key, and the in-toto statement it
//! carries must name the pinned digest among its subjects (as `cosign
//! sign` writes a bundle for an image). Transparency-log entries,
//! timestamps and keyless certificates in the bundle are not verified (no
//! log or trusted root is ever fetched): the evidence says so. A bundle
//! holding a bare message signature (`cosign sign-blob`) signs a digest of
//! something else than an image and is refused as such.

use base64::Engine;
use serde::Deserialize;

use super::{CosignKey, Verdict};

/// The bundle, as far as intake reads it.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Bundle {
    #[serde(default)]
    media_type: String,
    dsse_envelope: Option<Envelope>,
    message_signature: Option<serde_json::Value>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Envelope {
    payload: String,
    payload_type: String,
    signatures: Vec<EnvelopeSignature>,
}

#[derive(Debug, Deserialize)]
struct EnvelopeSignature {
    sig: String,
}

/// The in-toto statement's subjects.
#[derive(Debug, Deserialize)]
struct Statement {
    #[serde(default)]
    subject: Vec<Subject>,
}

#[derive(Debug, Deserialize)]
struct Subject {
    #[serde(default)]
    digest: std::collections::BTreeMap<String, String>,
}

/// The DSSE pre-authentication encoding the signature is over.
pub fn pae(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "DSSEv1 {} {payload_type} {} ",
        payload_type.len(),
        payload.len()
    )
    .into_bytes();
    out.extend_from_slice(payload);
    out
}

/// Judges the bundle's bytes against the pinned digest and keys.
pub fn verdict(bytes: &[u8], pinned: &str, keys: &[CosignKey]) -> Verdict {
    let bundle: Bundle = match serde_json::from_slice(bytes) {
        Ok(b) => b,
        Err(e) => return Verdict::Corrupt(format!("not a Sigstore bundle: {e}")),
    };
    let Some(envelope) = bundle.dsse_envelope else {
        return Verdict::Corrupt(if bundle.message_signature.is_some() {
            "a bundle with a bare message signature (as `cosign sign-blob` writes): it signs a digest, not this image; intake verifies bundles with a DSSE envelope".into()
        } else {
            format!(
                "a bundle ({}) with neither a DSSE envelope nor a message signature",
                if bundle.media_type.is_empty() {
                    "no media type"
                } else {
                    &bundle.media_type
                }
            )
        });
    };
    let b64 = base64::engine::general_purpose::STANDARD;
    let Ok(payload) = b64.decode(envelope.payload.trim()) else {
        return Verdict::Corrupt("the envelope's payload is not base64".into());
    };
    let signed = pae(&envelope.payload_type, &payload);
    let by = envelope.signatures.iter().find_map(|s| {
        let sig = b64.decode(s.sig.trim()).ok()?;
        keys.iter().find(|k| k.verifies(&signed, &sig))
    });
    let Some(key) = by else {
        return Verdict::Unpinned;
    };
    let statement: Statement = match serde_json::from_slice(&payload) {
        Ok(s) => s,
        Err(e) => {
            return Verdict::Corrupt(format!(
                "the envelope's payload is not an in-toto statement: {e}"
            ));
        }
    };
    let want = pinned.strip_prefix("sha256:").unwrap_or(pinned);
    let subjects: Vec<&str> = statement
        .subject
        .iter()
        .filter_map(|s| s.digest.get("sha256").map(String::as_str))
        .collect();
    if !subjects.iter().any(|d| d.eq_ignore_ascii_case(want)) {
        return Verdict::WrongDigest(match subjects.first() {
            Some(d) => format!("sha256:{d}"),
            None => "no sha256 subject".into(),
        });
    }
    Verdict::Good(format!(
        "{} ({}, sha256 {}), in a Sigstore bundle",
        key.file,
        key.scheme.word(),
        key.sha256.get(..16).unwrap_or_default()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pre_authentication_encoding_is_dsse_v1() {
        assert_eq!(
            pae("application/vnd.in-toto+json", b"{}"),
            b"DSSEv1 28 application/vnd.in-toto+json 2 {}".to_vec()
        );
    }

    #[test]
    fn what_is_not_a_dsse_bundle_is_corrupt_in_words() {
        let blob = br#"{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","messageSignature":{}}"#;
        assert!(
            matches!(verdict(blob, "sha256:00", &[]), Verdict::Corrupt(w) if w.contains("sign-blob"))
        );
        assert!(
            matches!(verdict(b"{}", "sha256:00", &[]), Verdict::Corrupt(w) if w.contains("neither"))
        );
        assert!(matches!(
            verdict(b"not json", "sha256:00", &[]),
            Verdict::Corrupt(_)
        ));
    }
}
