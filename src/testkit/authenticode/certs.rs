//! The certificates of the Authenticode test material: a publisher CA and
//! the code-signing certificate it issues, a timestamp authority, made with
//! `rcgen` (ECDSA P-256).

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use sha2::{Digest, Sha256};

/// A certificate with its key.
pub struct Identity {
    pub cert_der: Vec<u8>,
    pub cert_pem: String,
    pub key: KeyPair,
    params: CertificateParams,
}

impl Identity {
    /// The key as PKCS#8 PEM (for `osslsigncode -key`).
    pub fn key_pem(&self) -> String {
        self.key.serialize_pem()
    }

    fn issuer(&self) -> Issuer<'_, &KeyPair> {
        Issuer::from_params(&self.params, &self.key)
    }
}

/// What a certificate is for.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Ca,
    CodeSigning,
    TimeStamping,
}

/// A certificate named `common_name` of organisation `org`, valid from
/// `from` until `until` (years), issued by `issuer` (self-signed if none).
pub fn identity(
    common_name: &str,
    org: &str,
    role: Role,
    (from, until): (i32, i32),
    issuer: Option<&Identity>,
) -> Identity {
    let key = KeyPair::generate().expect("key");
    let mut params = CertificateParams::new(Vec::<String>::new()).expect("params");
    params
        .distinguished_name
        .push(DnType::CommonName, common_name);
    params
        .distinguished_name
        .push(DnType::OrganizationName, org);
    params.not_before = rcgen::date_time_ymd(from, 1, 1);
    params.not_after = rcgen::date_time_ymd(until, 1, 1);
    params.serial_number = Some(rcgen::SerialNumber::from_slice(
        &Sha256::digest(common_name.as_bytes())[..12],
    ));
    match role {
        Role::Ca => {
            params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
            params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        }
        Role::CodeSigning => {
            params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
            params.extended_key_usages = vec![ExtendedKeyUsagePurpose::CodeSigning];
        }
        Role::TimeStamping => {
            params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
            // RFC 3161: the time-stamping usage alone, marked critical
            // (OpenSSL, and so osslsigncode, insist).
            let usage = [
                0x30, 0x0a, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x08,
            ];
            let mut eku = rcgen::CustomExtension::from_oid_content(&[2, 5, 29, 37], usage.to_vec());
            eku.set_criticality(true);
            params.custom_extensions = vec![eku];
        }
    }
    let cert = match issuer {
        Some(i) => params.signed_by(&key, &i.issuer()).expect("sign"),
        None => params.self_signed(&key).expect("self-sign"),
    };
    Identity {
        cert_der: cert.der().to_vec(),
        cert_pem: cert.pem(),
        key,
        params,
    }
}

/// A publisher: a CA and a code-signing certificate it issued.
pub struct Publisher {
    pub ca: Identity,
    pub signer: Identity,
}

/// A publisher named `org` whose signing certificate is valid `years`.
pub fn publisher(org: &str, years: (i32, i32)) -> Publisher {
    let ca = identity(&format!("{org} Root CA"), org, Role::Ca, (2020, 2045), None);
    let signer = identity(
        &format!("{org} Code Signing"),
        org,
        Role::CodeSigning,
        years,
        Some(&ca),
    );
    Publisher { ca, signer }
}

/// A timestamp authority: a CA and a time-stamping certificate.
pub fn timestamp_authority(name: &str) -> Publisher {
    let ca = identity(&format!("{name} Root"), name, Role::Ca, (2020, 2045), None);
    let signer = identity(
        &format!("{name} TSA"),
        name,
        Role::TimeStamping,
        (2020, 2045),
        Some(&ca),
    );
    Publisher { ca, signer }
}
