//! Authenticode test material: a publisher CA, code-signing and
//! timestamping certificates made with `rcgen` (ECDSA P-256), PE images
//! signed here with CMS built from RustCrypto's `cms` types, and RFC 3161
//! timestamp tokens made here too. The image digest is computed here on
//! its own (every byte before the certificate table, less the checksum
//! and the directory entry), not by the engine it tests; `osslsigncode`
//! is the independent check on both.

use cms::cert::IssuerAndSerialNumber;
use cms::content_info::{CmsVersion, ContentInfo};
use cms::signed_data::{
    CertificateSet, EncapsulatedContentInfo, SignedData, SignerIdentifier, SignerInfo, SignerInfos,
};
use der::asn1::{Any, ObjectIdentifier, OctetString, SetOfVec};
use der::{Decode, Encode};
use rcgen::SigningKey;
use sha2::{Digest, Sha256};
use x509_cert::attr::Attribute;
use x509_cert::spki::AlgorithmIdentifierOwned;

use crate::engine::verify::authenticode::oids;
use crate::engine::verify::authenticode::spc::{
    DigestInfo, SpcAttributeTypeAndOptionalValue, SpcIndirectDataContent,
};

use super::pe;

mod certs;
pub use certs::{Identity, Publisher, Role, identity, publisher, timestamp_authority};

/// A timestamp to add: who stamps, and when (Unix seconds).
pub struct Stamp<'a> {
    pub authority: &'a Publisher,
    pub time: i64,
}

/// The Authenticode digest of an unsigned image (its size a multiple of 8).
pub fn image_digest(image: &[u8]) -> Vec<u8> {
    let bits = if image[pe::OPTIONAL_AT] == 0x0b && image[pe::OPTIONAL_AT + 1] == 0x02 {
        64
    } else {
        32
    };
    let checksum = pe::checksum_at();
    let dir = pe::certificate_directory_at(bits);
    let mut h = Sha256::new();
    h.update(&image[..checksum]);
    h.update(&image[checksum + 4..dir]);
    h.update(&image[dir + 8..]);
    h.finalize().to_vec()
}

/// `image` signed by `publisher` (its signer and CA certificates carried),
/// timestamped when `stamp` is given.
pub fn sign(image: &[u8], publisher: &Publisher, stamp: Option<&Stamp<'_>>) -> Vec<u8> {
    let mut image = image.to_vec();
    image.resize(image.len().div_ceil(8) * 8, 0);
    let der = signature(&image_digest(&image), publisher, stamp);
    append_signature(&image, &der)
}

/// Appends `der` as the certificate table (a WIN_CERTIFICATE padded to 8
/// bytes) and points the directory entry at it.
pub fn append_signature(image: &[u8], der: &[u8]) -> Vec<u8> {
    let mut out = image.to_vec();
    let bits = if out[pe::OPTIONAL_AT + 1] == 0x02 {
        64
    } else {
        32
    };
    let at = out.len();
    let length = (8 + der.len()).div_ceil(8) * 8;
    out.extend((length as u32).to_le_bytes());
    out.extend(0x0200u16.to_le_bytes());
    out.extend(0x0002u16.to_le_bytes());
    out.extend(der);
    out.resize(at + length, 0);
    let dir = pe::certificate_directory_at(bits);
    pe::put32(&mut out, dir, at as u32);
    pe::put32(&mut out, dir + 4, length as u32);
    out
}

/// The PKCS#7 `ContentInfo` of an Authenticode signature over `digest`.
pub fn signature(digest: &[u8], publisher: &Publisher, stamp: Option<&Stamp<'_>>) -> Vec<u8> {
    signature_stamped(digest, publisher, stamp.map(|s| (s, false)))
}

/// The PKCS#7 `ContentInfo` of an MSI's Authenticode signature over its
/// content `digest` (an `SpcSipInfo` naming the MSI subject interface
/// package, as signers write it).
pub fn msi_signature(digest: &[u8], publisher: &Publisher, stamp: Option<&Stamp<'_>>) -> Vec<u8> {
    let data = SpcAttributeTypeAndOptionalValue {
        value_type: oids::SPC_SIPINFO,
        value: Some(Any::from_der(&msi_sip_info()).expect("any")),
    };
    signature_of(data, digest, publisher, stamp.map(|s| (s, false)))
}

/// `SpcSipInfo ::= SEQUENCE { version 1, the MSI SIP's GUID, five zeros }`.
fn msi_sip_info() -> Vec<u8> {
    const MSI_SIP: [u8; 16] = [
        0xf1, 0x10, 0x0c, 0x00, 0x00, 0x00, 0x00, 0x00, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x46,
    ];
    let mut body = der_tlv(0x02, &[1]);
    body.extend(der_tlv(0x04, &MSI_SIP));
    for _ in 0..5 {
        body.extend(der_tlv(0x02, &[0]));
    }
    der_tlv(0x30, &body)
}

/// `image` signed by `publisher` and countersigned the legacy way (a
/// PKCS#9 countersignature by the stamp's authority, whose certificates
/// the signature then carries).
pub fn sign_countersigned(image: &[u8], publisher: &Publisher, stamp: &Stamp<'_>) -> Vec<u8> {
    let mut image = image.to_vec();
    image.resize(image.len().div_ceil(8) * 8, 0);
    let der = signature_stamped(&image_digest(&image), publisher, Some((stamp, true)));
    append_signature(&image, &der)
}

/// The signature, stamped by an RFC 3161 token or (`legacy`) a PKCS#9
/// countersignature.
fn signature_stamped(
    digest: &[u8],
    publisher: &Publisher,
    stamp: Option<(&Stamp<'_>, bool)>,
) -> Vec<u8> {
    let data = SpcAttributeTypeAndOptionalValue {
        value_type: oids::SPC_PE_IMAGE_DATA,
        value: Some(Any::from_der(&pe_image_data()).expect("any")),
    };
    signature_of(data, digest, publisher, stamp)
}

/// The signature of `data` (what kind of file) and `digest`.
fn signature_of(
    data: SpcAttributeTypeAndOptionalValue,
    digest: &[u8],
    publisher: &Publisher,
    stamp: Option<(&Stamp<'_>, bool)>,
) -> Vec<u8> {
    let spc = SpcIndirectDataContent {
        data,
        message_digest: DigestInfo {
            digest_algorithm: sha256_alg(),
            digest: OctetString::new(digest).expect("octets"),
        },
    };
    let content = spc.to_der().expect("spc");
    let content_value = value_of(&content);
    let mut signer = signer_info(&publisher.signer, oids::SPC_INDIRECT_DATA, &content_value);
    let mut certs = vec![&publisher.signer, &publisher.ca];
    if let Some((stamp, legacy)) = stamp {
        let attr = if legacy {
            certs.extend([&stamp.authority.signer, &stamp.authority.ca]);
            let counter = countersignature(signer.signature.as_bytes(), stamp);
            attribute(
                oids::COUNTER_SIGNATURE,
                Any::encode_from(&counter).expect("counter"),
            )
        } else {
            let token = timestamp_token(signer.signature.as_bytes(), stamp);
            attribute(oids::SPC_RFC3161, Any::from_der(&token).expect("token"))
        };
        signer.unsigned_attrs = Some(SetOfVec::try_from(vec![attr]).expect("attrs"));
    }
    content_info(
        oids::SPC_INDIRECT_DATA,
        Any::from_der(&content).expect("content"),
        &certs,
        signer,
    )
}

/// A PKCS#9 countersignature over `signature`: a `SignerInfo` whose signed
/// attributes hold the signing time and the signature value's digest.
fn countersignature(signature: &[u8], stamp: &Stamp<'_>) -> SignerInfo {
    let time = x509_cert::time::Time::UtcTime(
        der::asn1::UtcTime::from_unix_duration(std::time::Duration::from_secs(stamp.time as u64))
            .expect("time"),
    );
    let digest = OctetString::new(Sha256::digest(signature).to_vec()).expect("octets");
    let attrs = vec![
        attribute(oids::SIGNING_TIME, Any::encode_from(&time).expect("time")),
        attribute(
            oids::MESSAGE_DIGEST,
            Any::encode_from(&digest).expect("digest"),
        ),
    ];
    signer_info_with(
        &stamp.authority.signer,
        SetOfVec::try_from(attrs).expect("attrs"),
    )
}

/// `SpcPeImageData` as signers write it: no flags, and the file named by
/// the obsolete-string link (`osslsigncode` reads it for page hashes).
fn pe_image_data() -> Vec<u8> {
    let obsolete: Vec<u8> = "<<<Obsolete>>>"
        .encode_utf16()
        .flat_map(u16::to_be_bytes)
        .collect();
    let link = der_tlv(0xa0, &der_tlv(0xa2, &der_tlv(0x80, &obsolete)));
    let mut body = vec![0x03, 0x01, 0x00];
    body.extend(link);
    der_tlv(0x30, &body)
}

/// An RFC 3161 token (a `ContentInfo`) stamping `signature` at `stamp.time`.
pub fn timestamp_token(signature: &[u8], stamp: &Stamp<'_>) -> Vec<u8> {
    let time = jiff::Timestamp::from_second(stamp.time).expect("time");
    let gen_time = time.strftime("%Y%m%d%H%M%SZ").to_string();
    let mut tst = Vec::new();
    tst.extend(der_tlv(0x02, &[1])); // version
    tst.extend(
        ObjectIdentifier::new_unwrap("1.3.6.1.4.1.99999.1")
            .to_der()
            .expect("oid"),
    );
    let imprint = DigestInfo {
        digest_algorithm: sha256_alg(),
        digest: OctetString::new(Sha256::digest(signature).to_vec()).expect("octets"),
    };
    tst.extend(imprint.to_der().expect("imprint"));
    tst.extend(der_tlv(0x02, &[0x01, 0x23, 0x45]));
    tst.extend(der_tlv(0x18, gen_time.as_bytes()));
    let tst = der_tlv(0x30, &tst);
    let signer = signer_info(&stamp.authority.signer, oids::TST_INFO, &tst);
    let econtent = der_tlv(0x04, &tst);
    content_info(
        oids::TST_INFO,
        Any::from_der(&econtent).expect("econtent"),
        &[&stamp.authority.signer, &stamp.authority.ca],
        signer,
    )
}

fn signer_info(identity: &Identity, content_type: ObjectIdentifier, content: &[u8]) -> SignerInfo {
    let signed_attrs = SetOfVec::try_from(vec![
        attribute(
            oids::CONTENT_TYPE,
            Any::encode_from(&content_type).expect("oid"),
        ),
        attribute(
            oids::MESSAGE_DIGEST,
            Any::encode_from(&OctetString::new(Sha256::digest(content).to_vec()).expect("octets"))
                .expect("digest"),
        ),
    ])
    .expect("attrs");
    signer_info_with(identity, signed_attrs)
}

fn signer_info_with(identity: &Identity, signed_attrs: SetOfVec<Attribute>) -> SignerInfo {
    let cert = x509_cert::Certificate::from_der(&identity.cert_der).expect("cert");
    let message = signed_attrs.to_der().expect("attrs der");
    let signature = identity.key.sign(&message).expect("sign");
    SignerInfo {
        version: CmsVersion::V1,
        sid: SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
            issuer: cert.tbs_certificate.issuer.clone(),
            serial_number: cert.tbs_certificate.serial_number.clone(),
        }),
        digest_alg: sha256_alg(),
        signed_attrs: Some(signed_attrs),
        signature_algorithm: AlgorithmIdentifierOwned {
            oid: oids::ECDSA_WITH_SHA256,
            parameters: None,
        },
        signature: OctetString::new(signature).expect("signature"),
        unsigned_attrs: None,
    }
}

fn content_info(
    content_type: ObjectIdentifier,
    econtent: Any,
    certs: &[&Identity],
    signer: SignerInfo,
) -> Vec<u8> {
    let certificates = certs
        .iter()
        .map(|i| {
            cms::cert::CertificateChoices::Certificate(
                x509_cert::Certificate::from_der(&i.cert_der).expect("cert"),
            )
        })
        .collect::<Vec<_>>();
    let signed = SignedData {
        version: CmsVersion::V1,
        digest_algorithms: SetOfVec::try_from(vec![sha256_alg()]).expect("algs"),
        encap_content_info: EncapsulatedContentInfo {
            econtent_type: content_type,
            econtent: Some(econtent),
        },
        certificates: Some(CertificateSet(
            SetOfVec::try_from(certificates).expect("certs"),
        )),
        crls: None,
        signer_infos: SignerInfos(SetOfVec::try_from(vec![signer]).expect("signers")),
    };
    ContentInfo {
        content_type: oids::SIGNED_DATA,
        content: Any::encode_from(&signed).expect("signed data"),
    }
    .to_der()
    .expect("content info")
}

fn attribute(oid: ObjectIdentifier, value: Any) -> Attribute {
    Attribute {
        oid,
        values: SetOfVec::try_from(vec![value]).expect("values"),
    }
}

fn sha256_alg() -> AlgorithmIdentifierOwned {
    AlgorithmIdentifierOwned {
        oid: oids::SHA256,
        parameters: Some(Any::null()),
    }
}

/// A DER TLV with a definite length.
pub fn der_tlv(tag: u8, value: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let n = value.len();
    if n < 0x80 {
        out.push(n as u8);
    } else {
        let bytes: Vec<u8> = n
            .to_be_bytes()
            .iter()
            .copied()
            .skip_while(|b| *b == 0)
            .collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
    out.extend(value);
    out
}

/// The value of a DER TLV (its content, without tag and length).
fn value_of(tlv: &[u8]) -> Vec<u8> {
    let first = tlv[1];
    let header = if first < 0x80 {
        2
    } else {
        2 + usize::from(first & 0x7f)
    };
    tlv[header..].to_vec()
}
