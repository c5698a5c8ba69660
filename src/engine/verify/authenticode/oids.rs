//! The object identifiers Authenticode and its timestamps use.

use const_oid::ObjectIdentifier as Oid;

pub const SHA1: Oid = Oid::new_unwrap("1.3.14.3.2.26");
pub const MD5: Oid = Oid::new_unwrap("1.2.840.113549.2.5");
pub const SHA256: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.1");
pub const SHA384: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.2");
pub const SHA512: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.3");

pub const RSA_ENCRYPTION: Oid = Oid::new_unwrap("1.2.840.113549.1.1.1");
pub const SHA256_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.11");
pub const SHA384_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.12");
pub const SHA512_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.13");
pub const RSA_PSS: Oid = Oid::new_unwrap("1.2.840.113549.1.1.10");
pub const EC_PUBLIC_KEY: Oid = Oid::new_unwrap("1.2.840.10045.2.1");
pub const ECDSA_WITH_SHA256: Oid = Oid::new_unwrap("1.2.840.10045.4.3.2");
pub const ECDSA_WITH_SHA384: Oid = Oid::new_unwrap("1.2.840.10045.4.3.3");
pub const ECDSA_WITH_SHA512: Oid = Oid::new_unwrap("1.2.840.10045.4.3.4");

pub const SIGNED_DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.2");
pub const CONTENT_TYPE: Oid = Oid::new_unwrap("1.2.840.113549.1.9.3");
pub const MESSAGE_DIGEST: Oid = Oid::new_unwrap("1.2.840.113549.1.9.4");
pub const SIGNING_TIME: Oid = Oid::new_unwrap("1.2.840.113549.1.9.5");
/// PKCS#9 countersignature (the legacy Authenticode timestamp).
pub const COUNTER_SIGNATURE: Oid = Oid::new_unwrap("1.2.840.113549.1.9.6");
/// `id-ct-TSTInfo`: an RFC 3161 token's content.
pub const TST_INFO: Oid = Oid::new_unwrap("1.2.840.113549.1.9.16.1.4");

/// `SPC_INDIRECT_DATA_OBJID`: the content an Authenticode signature signs.
pub const SPC_INDIRECT_DATA: Oid = Oid::new_unwrap("1.3.6.1.4.1.311.2.1.4");
/// `SPC_PE_IMAGE_DATAOBJ`.
pub const SPC_PE_IMAGE_DATA: Oid = Oid::new_unwrap("1.3.6.1.4.1.311.2.1.15");
/// `SPC_SIPINFO_OBJID`: what an MSI's signature names as its data.
pub const SPC_SIPINFO: Oid = Oid::new_unwrap("1.3.6.1.4.1.311.2.1.30");
/// `SPC_NESTED_SIGNATURE_OBJID`: a second signature inside the first.
pub const SPC_NESTED_SIGNATURE: Oid = Oid::new_unwrap("1.3.6.1.4.1.311.2.4.1");
/// `SPC_RFC3161_OBJID`: an RFC 3161 timestamp token as an unsigned attribute.
pub const SPC_RFC3161: Oid = Oid::new_unwrap("1.3.6.1.4.1.311.3.3.1");

/// The extended-key-usage certificate extension.
pub const EXT_KEY_USAGE: Oid = Oid::new_unwrap("2.5.29.37");

/// The DER body (no tag, no length) of the code-signing key usage
/// `1.3.6.1.5.5.7.3.3`, as rustls-webpki's `KeyUsage::required` takes it.
pub const EKU_CODE_SIGNING: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x03];
/// The DER body of the time-stamping key usage `1.3.6.1.5.5.7.3.8`.
pub const EKU_TIME_STAMPING: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x08];
