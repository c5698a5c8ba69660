//! The timestamp on an Authenticode signature: an RFC 3161 token (the
//! `1.3.6.1.4.1.311.3.3.1` unsigned attribute) or a legacy PKCS#9
//! countersignature. Either must stamp this signature (the imprint, or
//! the countersigner's message digest, is the digest of the signature
//! value), its signer's signature must verify, and its certificate must
//! chain, with the time-stamping usage, to a pinned timestamp authority,
//! valid at the time it states.

use cms::content_info::ContentInfo;
use cms::signed_data::SignerInfo;
use der::asn1::Any;
use jiff::Timestamp;

use super::certs::{Cert, Pinned};
use super::chain::{self, Trusted, Untrusted};
use super::oids;
use super::parse;
use super::signer::{self, Signs};
use super::spc::{TstInfo, generalized_time};

/// A verified timestamp.
#[derive(Debug, Clone)]
pub struct Stamp {
    pub time: Timestamp,
    /// `RFC 3161` or `countersignature`.
    pub form: &'static str,
    pub authority: Cert,
    pub trusted: Trusted,
}

/// The signer's timestamp: `None` when it has none.
pub fn find(
    signer: &SignerInfo,
    outer: &[Cert],
    authorities: &Pinned,
) -> Option<Result<Stamp, String>> {
    let unsigned = signer.unsigned_attrs.as_ref()?;
    let value = |oid| {
        unsigned
            .iter()
            .find(|a| a.oid == oid)
            .and_then(|a| a.values.iter().next())
    };
    if let Some(token) = value(oids::SPC_RFC3161) {
        return Some(rfc3161(token, signer.signature.as_bytes(), authorities));
    }
    value(oids::COUNTER_SIGNATURE)
        .map(|cs| countersignature(cs, signer.signature.as_bytes(), outer, authorities))
}

fn rfc3161(token: &Any, stamped: &[u8], authorities: &Pinned) -> Result<Stamp, String> {
    let info = token
        .decode_as::<ContentInfo>()
        .map_err(|e| format!("the RFC 3161 token cannot be read: {e}"))?;
    let signed = parse::signed_data_of(&info.content_type, &info.content)?;
    if signed.encap.econtent_type != oids::TST_INFO {
        return Err("the RFC 3161 token holds no TSTInfo".into());
    }
    let content = signed
        .encap
        .econtent
        .as_ref()
        .ok_or("the RFC 3161 token holds no TSTInfo")?;
    let tst_bytes = content.value();
    let tst: TstInfo =
        der::Decode::from_der(tst_bytes).map_err(|e| format!("the TSTInfo cannot be read: {e}"))?;
    let imprint_algorithm = signer::accepted_digest(&tst.message_imprint.digest_algorithm.oid)
        .map_err(|e| format!("the timestamp's imprint is {e}"))?;
    if imprint_algorithm.digest(stamped).as_deref() != Some(tst.message_imprint.digest.as_bytes()) {
        return Err("the timestamp stamps another signature (its imprint does not match)".into());
    }
    let time = generalized_time(&tst.gen_time)
        .ok_or_else(|| format!("the timestamp's time `{}` cannot be read", tst.gen_time))?;
    let certs = &signed.certs;
    let tsa = signed.only_signer()?;
    let signs = Signs {
        content_type: Some(oids::TST_INFO),
        content: tst_bytes,
    };
    let (index, _) = signer::verify(tsa, certs, &signs)
        .map_err(|e| format!("the timestamp's signature: {e}"))?;
    stamp(index, certs, time, "RFC 3161", authorities)
}

fn countersignature(
    value: &Any,
    stamped: &[u8],
    outer: &[Cert],
    authorities: &Pinned,
) -> Result<Stamp, String> {
    let counter = value
        .decode_as::<SignerInfo>()
        .map_err(|e| format!("the countersignature cannot be read: {e}"))?;
    let signs = Signs {
        content_type: None,
        content: stamped,
    };
    let (index, _) = signer::verify(&counter, outer, &signs)
        .map_err(|e| format!("the countersignature: {e}"))?;
    let time = counter
        .signed_attrs
        .as_ref()
        .and_then(|attrs| attrs.iter().find(|a| a.oid == oids::SIGNING_TIME))
        .and_then(|a| a.values.iter().next())
        .and_then(|v| der::Encode::to_der(v).ok())
        .and_then(|d| <x509_cert::time::Time as der::Decode>::from_der(&d).ok())
        .and_then(|t| Timestamp::from_second(t.to_unix_duration().as_secs() as i64).ok())
        .ok_or("the countersignature states no signing time")?;
    stamp(index, outer, time, "countersignature", authorities)
}

fn stamp(
    index: usize,
    certs: &[Cert],
    time: Timestamp,
    form: &'static str,
    authorities: &Pinned,
) -> Result<Stamp, String> {
    let authority = certs.get(index).ok_or("no certificate")?.clone();
    let trusted = chain::trust(&authority, certs, authorities, oids::EKU_TIME_STAMPING, time).map_err(
        |why| match why {
            Untrusted::Unpinned => format!(
                "the timestamp authority {} (certificate SHA-256 {}) is not pinned in `timestamp_authorities`",
                authority.publisher(),
                authority.sha256()
            ),
            Untrusted::OutsideValidity(w) => format!("the timestamp authority's certificate: {w}"),
            Untrusted::Refused(w) => format!("the timestamp authority's certificate: {w}"),
        },
    )?;
    Ok(Stamp {
        time,
        form,
        authority,
        trusted,
    })
}
