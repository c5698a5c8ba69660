//! One CMS `SignerInfo` checked: its digest algorithm accepted, its
//! certificate found among those the signature carries, its signed
//! attributes naming the content type and the content's digest, and its
//! signature over those attributes verified with the certificate's key
//! (RSA PKCS#1 v1.5 or PSS, ECDSA P-256/P-384, through rustls-webpki's
//! ring algorithms). Authenticode signatures, RFC 3161 tokens and legacy
//! countersignatures are all checked here.

use cms::cert::IssuerAndSerialNumber;
use cms::signed_data::{SignerIdentifier, SignerInfo};
use const_oid::ObjectIdentifier;
use der::Encode;
use der::asn1::OctetString;
use rustls_pki_types::{CertificateDer, SignatureVerificationAlgorithm};
use webpki::EndEntityCert;
use webpki::ring as algs;

use super::certs::Cert;
use super::digest::DigestAlgorithm;
use super::oids;

/// What a signer signs: its content type (none for a countersignature) and
/// the bytes whose digest the `messageDigest` attribute must hold.
pub struct Signs<'a> {
    pub content_type: Option<ObjectIdentifier>,
    pub content: &'a [u8],
}

/// Checks `signer` over `signs`; returns its certificate (an index into
/// `certs`) and its digest algorithm.
pub fn verify(
    signer: &SignerInfo,
    certs: &[Cert],
    signs: &Signs<'_>,
) -> Result<(usize, DigestAlgorithm), String> {
    let algorithm = accepted_digest(&signer.digest_alg.oid)?;
    let index = find_certificate(&signer.sid, certs)?;
    let attrs = signer
        .signed_attrs
        .as_ref()
        .ok_or("the signer has no signed attributes")?;
    if let Some(expected) = signs.content_type {
        let found = attribute(signer, &oids::CONTENT_TYPE)
            .and_then(|a| a.decode_as::<ObjectIdentifier>().ok())
            .ok_or("the signed attributes name no content type")?;
        if found != expected {
            return Err(format!(
                "the signed attributes name the content type {found}, not {expected}"
            ));
        }
    }
    let digest = attribute(signer, &oids::MESSAGE_DIGEST)
        .and_then(|a| a.decode_as::<OctetString>().ok())
        .ok_or("the signed attributes hold no message digest")?;
    let actual = algorithm.digest(signs.content).unwrap_or_default();
    if digest.as_bytes() != actual.as_slice() {
        return Err(
            "the message digest in the signed attributes does not match what is signed".into(),
        );
    }
    let message = attrs
        .to_der()
        .map_err(|e| format!("the signed attributes cannot be encoded: {e}"))?;
    let cert = certs.get(index).ok_or("no certificate")?;
    check_signature(
        cert,
        algorithm,
        &signer.signature_algorithm.oid,
        &message,
        signer.signature.as_bytes(),
    )?;
    Ok((index, algorithm))
}

/// The first value of a signed attribute.
fn attribute<'s>(signer: &'s SignerInfo, oid: &ObjectIdentifier) -> Option<&'s der::asn1::Any> {
    signer
        .signed_attrs
        .as_ref()?
        .iter()
        .find(|a| a.oid == *oid)
        .and_then(|a| a.values.iter().next())
}

/// The digest algorithm, if it can count.
pub fn accepted_digest(oid: &ObjectIdentifier) -> Result<DigestAlgorithm, String> {
    match DigestAlgorithm::from_oid(oid) {
        Some(a) if a.accepted() => Ok(a),
        Some(a) => Err(format!("made with {}, which is refused", a.name())),
        None => Err(format!("made with an unknown digest algorithm ({oid})")),
    }
}

fn find_certificate(sid: &SignerIdentifier, certs: &[Cert]) -> Result<usize, String> {
    let SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
        issuer,
        serial_number,
    }) = sid
    else {
        return Err("the signer is named by a key identifier, which intake does not match".into());
    };
    certs
        .iter()
        .position(|c| {
            c.parsed.tbs_certificate.issuer == *issuer
                && c.parsed.tbs_certificate.serial_number == *serial_number
        })
        .ok_or_else(|| {
            format!(
                "the signer's certificate (issuer {issuer}, serial {}) is not in the signature",
                hex::encode(serial_number.as_bytes())
            )
        })
}

/// Verifies `signature` over `message` with the certificate's key, by
/// whichever algorithm of the digest fits the key.
fn check_signature(
    cert: &Cert,
    digest: DigestAlgorithm,
    signature_oid: &ObjectIdentifier,
    message: &[u8],
    signature: &[u8],
) -> Result<(), String> {
    let candidates = candidates(digest, signature_oid)?;
    let der = CertificateDer::from(cert.der.as_slice());
    let ee = EndEntityCert::try_from(&der)
        .map_err(|e| format!("the signer's certificate cannot be used: {e:?}"))?;
    if candidates
        .iter()
        .any(|alg| ee.verify_signature(*alg, message, signature).is_ok())
    {
        Ok(())
    } else {
        Err("the signature over the signed attributes does not verify".into())
    }
}

fn candidates(
    digest: DigestAlgorithm,
    signature_oid: &ObjectIdentifier,
) -> Result<Vec<&'static dyn SignatureVerificationAlgorithm>, String> {
    use DigestAlgorithm::*;
    let rsa = [
        oids::RSA_ENCRYPTION,
        oids::SHA256_WITH_RSA,
        oids::SHA384_WITH_RSA,
        oids::SHA512_WITH_RSA,
    ];
    let ecdsa = [
        oids::EC_PUBLIC_KEY,
        oids::ECDSA_WITH_SHA256,
        oids::ECDSA_WITH_SHA384,
        oids::ECDSA_WITH_SHA512,
    ];
    Ok(match digest {
        _ if *signature_oid == oids::RSA_PSS => match digest {
            Sha256 => vec![algs::RSA_PSS_2048_8192_SHA256_LEGACY_KEY],
            Sha384 => vec![algs::RSA_PSS_2048_8192_SHA384_LEGACY_KEY],
            _ => vec![algs::RSA_PSS_2048_8192_SHA512_LEGACY_KEY],
        },
        Sha256 if rsa.contains(signature_oid) => vec![algs::RSA_PKCS1_2048_8192_SHA256],
        Sha384 if rsa.contains(signature_oid) => vec![algs::RSA_PKCS1_2048_8192_SHA384],
        Sha512 if rsa.contains(signature_oid) => vec![algs::RSA_PKCS1_2048_8192_SHA512],
        Sha256 if ecdsa.contains(signature_oid) => {
            vec![algs::ECDSA_P256_SHA256, algs::ECDSA_P384_SHA256]
        }
        Sha384 if ecdsa.contains(signature_oid) => {
            vec![algs::ECDSA_P256_SHA384, algs::ECDSA_P384_SHA384]
        }
        _ => {
            return Err(format!(
                "signed with {signature_oid} over {}, which intake does not verify",
                digest.name()
            ));
        }
    })
}
