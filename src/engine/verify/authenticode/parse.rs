//! A PKCS#7 `ContentInfo` holding `SignedData`. The fields are taken one
//! by one rather than through `cms::SignedData` as a whole: real signers
//! (OpenSSL's timestamp authority among them) carry a certificate twice,
//! which DER's `SET OF` forbids and `cms` refuses, and certificates are
//! kept as the exact bytes they came in, which is what chains are checked
//! on. Each part is still read with RustCrypto's types. The DER reader
//! refuses indefinite lengths and any length past the bytes; nesting
//! inside `ANY` fields is not descended into, so a deeply nested blob
//! costs one bounded read, never recursion.

use cms::content_info::ContentInfo;
use cms::signed_data::{EncapsulatedContentInfo, SignerInfo};
use der::asn1::Any;
use der::{Decode, Encode, Reader, SliceReader, Tag, TagNumber, Tagged};

use super::certs::Cert;
use super::oids;

/// The parts of a `SignedData` a verifier uses.
pub struct Signed {
    pub encap: EncapsulatedContentInfo,
    pub certs: Vec<Cert>,
    pub signers: Vec<SignerInfo>,
}

impl Signed {
    /// The one signer Authenticode allows.
    pub fn only_signer(&self) -> Result<&SignerInfo, String> {
        match self.signers.as_slice() {
            [one] => Ok(one),
            [] => Err("the signature has no signer".into()),
            _ => Err("the signature has more than one signer".into()),
        }
    }
}

/// The `SignedData` inside a `ContentInfo`.
pub fn signed_data(der: &[u8]) -> Result<Signed, String> {
    let info = ContentInfo::from_der(der).map_err(|e| format!("not a PKCS#7 ContentInfo: {e}"))?;
    signed_data_of(&info.content_type, &info.content)
}

/// The `SignedData` of an already read `ContentInfo`.
pub fn signed_data_of(
    content_type: &const_oid::ObjectIdentifier,
    content: &Any,
) -> Result<Signed, String> {
    if *content_type != oids::SIGNED_DATA {
        return Err(format!("a PKCS#7 {content_type}, not SignedData"));
    }
    let bad = |e: der::Error| format!("the SignedData cannot be read: {e}");
    if content.tag() != Tag::Sequence {
        return Err("the SignedData is not a SEQUENCE".into());
    }
    let fields = children(content.value()).map_err(bad)?;
    let mut fields = fields.into_iter();
    let (Some(_version), Some(_digest_algorithms), Some(encap)) =
        (fields.next(), fields.next(), fields.next())
    else {
        return Err("the SignedData is truncated".into());
    };
    let encap = encap.decode_as::<EncapsulatedContentInfo>().map_err(bad)?;
    let mut certs = Vec::new();
    let mut signers = Vec::new();
    for field in fields {
        match field.tag() {
            Tag::ContextSpecific { number, .. } if number == TagNumber::N0 => {
                for c in children(field.value()).map_err(bad)? {
                    if c.tag() == Tag::Sequence {
                        let der = c.to_der().map_err(bad)?;
                        certs.push(Cert::from_der(&der)?);
                    }
                }
            }
            Tag::ContextSpecific { .. } => {} // CRLs
            Tag::Set => {
                for s in children(field.value()).map_err(bad)? {
                    signers.push(s.decode_as::<SignerInfo>().map_err(bad)?);
                }
            }
            other => return Err(format!("the SignedData holds an unexpected {other}")),
        }
    }
    Ok(Signed {
        encap,
        certs,
        signers,
    })
}

/// The TLVs one after another in `bytes`.
fn children(bytes: &[u8]) -> der::Result<Vec<Any>> {
    let mut reader = SliceReader::new(bytes)?;
    let mut out = Vec::new();
    while !reader.is_finished() {
        out.push(Any::decode(&mut reader)?);
    }
    Ok(out)
}
