//! The ASN.1 structures Authenticode adds to CMS: `SpcIndirectDataContent`
//! (what a signature signs: the kind of file and its digest) and RFC 3161's
//! `TSTInfo` (what a timestamp token signs: a time and the imprint of the
//! signature it stamps).

use const_oid::ObjectIdentifier;
use der::asn1::{Any, OctetString};
use der::{Decode, DecodeValue, Header, Reader, Sequence, Tag};
use x509_cert::spki::AlgorithmIdentifierOwned;

/// `SpcIndirectDataContent ::= SEQUENCE { data SpcAttributeTypeAndOptionalValue,
/// messageDigest DigestInfo }`.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct SpcIndirectDataContent {
    pub data: SpcAttributeTypeAndOptionalValue,
    pub message_digest: DigestInfo,
}

/// `SpcAttributeTypeAndOptionalValue ::= SEQUENCE { type OBJECT IDENTIFIER,
/// value ANY OPTIONAL }`.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct SpcAttributeTypeAndOptionalValue {
    pub value_type: ObjectIdentifier,
    #[asn1(optional = "true")]
    pub value: Option<Any>,
}

/// `DigestInfo ::= SEQUENCE { digestAlgorithm AlgorithmIdentifier, digest OCTET STRING }`.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct DigestInfo {
    pub digest_algorithm: AlgorithmIdentifierOwned,
    pub digest: OctetString,
}

/// `MessageImprint ::= SEQUENCE { hashAlgorithm AlgorithmIdentifier, hashedMessage OCTET STRING }`.
pub type MessageImprint = DigestInfo;

/// The parts of `TSTInfo` a verifier needs; the optional fields after
/// `genTime` (accuracy, ordering, nonce, tsa, extensions) are read past.
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct TstInfo {
    pub policy: ObjectIdentifier,
    pub message_imprint: MessageImprint,
    /// `genTime` as written (`YYYYMMDDHHMMSS[.f*]Z`): RFC 3161 allows
    /// fractions of a second, which DER's `GeneralizedTime` type refuses.
    pub gen_time: String,
}

impl<'a> DecodeValue<'a> for TstInfo {
    fn decode_value<R: Reader<'a>>(reader: &mut R, header: Header) -> der::Result<Self> {
        reader.read_nested(header.length, |reader| {
            let _version = der::asn1::Int::decode(reader)?;
            let policy = ObjectIdentifier::decode(reader)?;
            let message_imprint = MessageImprint::decode(reader)?;
            let _serial = der::asn1::Int::decode(reader)?;
            let time = Any::decode(reader)?;
            let tag = der::Tagged::tag(&time);
            if tag != Tag::GeneralizedTime {
                let kind = der::ErrorKind::TagUnexpected {
                    expected: Some(Tag::GeneralizedTime),
                    actual: tag,
                };
                return Err(der::Error::new(kind, reader.position()));
            }
            while !reader.is_finished() {
                Any::decode(reader)?;
            }
            Ok(TstInfo {
                policy,
                message_imprint,
                gen_time: String::from_utf8_lossy(time.value()).into_owned(),
            })
        })
    }
}

impl der::FixedTag for TstInfo {
    const TAG: Tag = Tag::Sequence;
}

/// `YYYYMMDDHHMMSS[.fraction]Z` as a timestamp (the fraction dropped).
pub fn generalized_time(text: &str) -> Option<jiff::Timestamp> {
    let digits = text.strip_suffix('Z')?;
    let whole = digits.split('.').next()?;
    if whole.len() != 14 || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n = |r: std::ops::Range<usize>| whole.get(r)?.parse::<i16>().ok();
    let date = jiff::civil::Date::new(n(0..4)?, n(4..6)? as i8, n(6..8)? as i8).ok()?;
    let time =
        jiff::civil::Time::new(n(8..10)? as i8, n(10..12)? as i8, n(12..14)? as i8, 0).ok()?;
    date.to_datetime(time)
        .to_zoned(jiff::tz::TimeZone::UTC)
        .ok()
        .map(|z| z.timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generalized_times_with_and_without_fractions_are_read() {
        let t = generalized_time("20240102030405Z").map(|t| t.to_string());
        assert_eq!(t.as_deref(), Some("2024-01-02T03:04:05Z"));
        let t = generalized_time("20240102030405.123Z").map(|t| t.to_string());
        assert_eq!(t.as_deref(), Some("2024-01-02T03:04:05Z"));
        assert_eq!(generalized_time("2024010203040Z"), None);
        assert_eq!(generalized_time("20241302030405Z"), None);
    }
}
