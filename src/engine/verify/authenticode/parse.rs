//! A PKCS#7 `ContentInfo` holding `SignedData`, read with RustCrypto's
//! `cms` types, and the certificates it carries. The DER reader refuses
//! indefinite lengths and any length past the bytes; nesting inside
//! `ANY` fields is not descended into, so a deeply nested blob costs one
//! bounded read, never recursion.

use cms::content_info::ContentInfo;
use cms::signed_data::SignedData;
use der::Decode;
use der::asn1::Any;

use super::certs::Cert;
use super::oids;

/// The `SignedData` inside a `ContentInfo`.
pub fn signed_data(der: &[u8]) -> Result<SignedData, String> {
    let info = ContentInfo::from_der(der).map_err(|e| format!("not a PKCS#7 ContentInfo: {e}"))?;
    signed_data_of(&info.content_type, &info.content)
}

/// The `SignedData` of an already read `ContentInfo`.
pub fn signed_data_of(
    content_type: &const_oid::ObjectIdentifier,
    content: &Any,
) -> Result<SignedData, String> {
    if *content_type != oids::SIGNED_DATA {
        return Err(format!("a PKCS#7 {content_type}, not SignedData"));
    }
    content
        .decode_as::<SignedData>()
        .map_err(|e| format!("the SignedData cannot be read: {e}"))
}

/// Every X.509 certificate the signature carries (other kinds are skipped).
pub fn certificates(signed: &SignedData) -> Result<Vec<Cert>, String> {
    let Some(set) = &signed.certificates else {
        return Ok(Vec::new());
    };
    set.0
        .iter()
        .filter_map(|choice| match choice {
            cms::cert::CertificateChoices::Certificate(c) => Some(Cert::from_parsed(c.clone())),
            _ => None,
        })
        .collect()
}

/// The one signer Authenticode allows.
pub fn only_signer(signed: &SignedData) -> Result<&cms::signed_data::SignerInfo, String> {
    let mut signers = signed.signer_infos.0.iter();
    match (signers.next(), signers.next()) {
        (Some(one), None) => Ok(one),
        (None, _) => Err("the signature has no signer".into()),
        (Some(_), Some(_)) => Err("the signature has more than one signer".into()),
    }
}
