//! A signing key and a signature's algorithms in the words people use,
//! and the shape of the check of a signature's mathematics (the part of
//! a verification that the tests can replace to reach rare cases).

use openpgp::crypto::mpi::PublicKey;
use openpgp::packet::Signature;
use openpgp::packet::key::{PublicParts, UnspecifiedRole};
use openpgp::types::{HashAlgorithm, PublicKeyAlgorithm};
use sequoia_openpgp as openpgp;

/// A public key of a certificate, primary or subkey.
pub type Key = openpgp::packet::Key<PublicParts, UnspecifiedRole>;

/// Checks the signature's maths against a key (the caller knows how the
/// signed data was hashed).
pub type VerifyMath<'a> = dyn Fn(&Signature, &Key) -> openpgp::Result<()> + 'a;

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
