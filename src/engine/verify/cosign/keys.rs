//! The cosign public keys a feed pins (`[trust] cosign_keys`): PEM
//! `PUBLIC KEY` blocks holding a SubjectPublicKeyInfo, as `cosign
//! generate-key-pair` writes them (ECDSA P-256), or Ed25519. Each key is
//! known by its file and the SHA-256 of its DER, and verifies with `ring`.

use std::path::Path;

use ring::signature::{ECDSA_P256_SHA256_ASN1, ED25519, UnparsedPublicKey};
use spki::der::Decode;
use spki::der::pem::PemLabel;
use spki::{ObjectIdentifier, SubjectPublicKeyInfoRef};

/// The largest key file read.
const KEY_MAX: u64 = 64 * 1024;

const EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const ED25519_OID: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");

/// Which signature scheme a key verifies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    EcdsaP256,
    Ed25519,
}

impl Scheme {
    pub fn word(self) -> &'static str {
        match self {
            Scheme::EcdsaP256 => "ECDSA P-256",
            Scheme::Ed25519 => "Ed25519",
        }
    }
}

/// One pinned key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CosignKey {
    /// The file as the feed names it.
    pub file: String,
    pub scheme: Scheme,
    /// The public key's bits (an uncompressed point, or 32 bytes).
    pub public: Vec<u8>,
    /// SHA-256 of the key's DER SubjectPublicKeyInfo, hex.
    pub sha256: String,
}

impl CosignKey {
    /// Whether `signature` (ASN.1 DER for ECDSA) is this key's over `message`.
    pub fn verifies(&self, message: &[u8], signature: &[u8]) -> bool {
        let algorithm: &dyn ring::signature::VerificationAlgorithm = match self.scheme {
            Scheme::EcdsaP256 => &ECDSA_P256_SHA256_ASN1,
            Scheme::Ed25519 => &ED25519,
        };
        UnparsedPublicKey::new(algorithm, &self.public)
            .verify(message, signature)
            .is_ok()
    }
}

/// Reads every key file; `Err` names the first that cannot be used.
pub fn load(files: &[&Path]) -> Result<Vec<CosignKey>, String> {
    files.iter().map(|f| load_one(f)).collect()
}

fn load_one(path: &Path) -> Result<CosignKey, String> {
    let shown = path.display().to_string();
    let bytes = crate::engine::shared::limits::read_local(path, KEY_MAX, "cosign key")
        .map_err(|e| format!("{shown}: {e}"))?;
    parse(&bytes)
        .map_err(|why| format!("{shown}: {why}"))
        .map(|(scheme, public, sha256)| CosignKey {
            file: shown,
            scheme,
            public,
            sha256,
        })
}

/// A PEM `PUBLIC KEY`: its scheme, public bits and DER digest.
pub fn parse(pem: &[u8]) -> Result<(Scheme, Vec<u8>, String), String> {
    let text = std::str::from_utf8(pem).map_err(|_| "not a PEM text file".to_string())?;
    let (label, der) = spki::der::pem::decode_vec(text.trim().as_bytes())
        .map_err(|e| format!("not a PEM public key: {e}"))?;
    if label != spki::SubjectPublicKeyInfoOwned::PEM_LABEL {
        return Err(format!("a PEM `{label}` block, not a `PUBLIC KEY`"));
    }
    let info = SubjectPublicKeyInfoRef::from_der(&der)
        .map_err(|e| format!("not a SubjectPublicKeyInfo: {e}"))?;
    let oid = info.algorithm.oid;
    let scheme = if oid == ED25519_OID {
        Scheme::Ed25519
    } else if oid == EC_PUBLIC_KEY {
        let curve = info
            .algorithm
            .parameters
            .and_then(|p| p.decode_as::<ObjectIdentifier>().ok());
        if curve != Some(P256) {
            return Err(
                "an ECDSA key on a curve other than P-256 (cosign's keys are P-256)".into(),
            );
        }
        Scheme::EcdsaP256
    } else {
        return Err(format!(
            "a {oid} key: only ECDSA P-256 and Ed25519 keys are read"
        ));
    };
    let public = info
        .subject_public_key
        .as_bytes()
        .ok_or("the public key is not a whole number of bytes")?
        .to_vec();
    use sha2::Digest;
    Ok((scheme, public, hex::encode(sha2::Sha256::digest(&der))))
}
