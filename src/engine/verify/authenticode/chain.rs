//! Whether a signer's certificate is trusted: pinned itself (a pinned leaf
//! needs no chain; it must still be valid at the time), or chaining to a
//! pinned certificate with the required extended key usage (code signing
//! for publishers, time stamping for timestamp authorities), valid at the
//! given time. Chains are built and checked by rustls-webpki, which takes
//! any key usage and any validation time, and checks every signature on
//! the path (no SHA-1, RSA under 2048 bits refused). Revocation is not
//! checked: nothing is fetched.

use std::time::Duration;

use jiff::Timestamp;
use rustls_pki_types::{CertificateDer, TrustAnchor, UnixTime};
use webpki::{EndEntityCert, KeyUsage};

use super::certs::{Cert, Pinned};

/// How a certificate came to be trusted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trusted {
    /// The certificate itself is pinned.
    PinnedLeaf,
    /// It chains to this pinned certificate (its subject).
    Chain { anchor: String },
}

/// Why it is not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Untrusted {
    /// Neither pinned nor chaining to a pinned certificate.
    Unpinned,
    /// Expired (or not yet valid) at the time it was judged at.
    OutsideValidity(String),
    /// Chains, but fails another rule (key usage, a bad signature on the path).
    Refused(String),
}

/// Judges `cert` (with `others`, the certificates the signature carries)
/// against `pinned`, at `at`, requiring the key usage `eku`.
pub fn trust(
    cert: &Cert,
    others: &[Cert],
    pinned: &Pinned,
    eku: &'static [u8],
    at: Timestamp,
) -> Result<Trusted, Untrusted> {
    if pinned.contains(cert) {
        let (from, until) = cert.validity();
        if at < from || at > until {
            return Err(Untrusted::OutsideValidity(format!(
                "valid from {from} until {until}, judged at {at}"
            )));
        }
        return Ok(Trusted::PinnedLeaf);
    }
    if !has_usage(cert, eku) {
        return Err(Untrusted::Refused(
            "the certificate lacks the required extended key usage (code signing or time stamping)"
                .to_string(),
        ));
    }
    let leaf_der = CertificateDer::from(cert.der.as_slice());
    let leaf = EndEntityCert::try_from(&leaf_der)
        .map_err(|e| Untrusted::Refused(format!("the certificate cannot be used: {e:?}")))?;
    let intermediates: Vec<CertificateDer<'_>> = others
        .iter()
        .filter(|c| c.der != cert.der)
        .map(|c| CertificateDer::from(c.der.as_slice()))
        .collect();
    let time = UnixTime::since_unix_epoch(Duration::from_secs(at.as_second().max(0) as u64));
    // Each pinned certificate is tried as the only anchor, so the one the
    // chain ends at can be named; the most telling refusal is kept.
    let mut refusal = Untrusted::Unpinned;
    for pin in &pinned.certs {
        let pin_der = CertificateDer::from(pin.der.as_slice());
        let Ok(anchor) = webpki::anchor_from_trusted_cert(&pin_der) else {
            continue;
        };
        let anchors: [TrustAnchor<'_>; 1] = [anchor];
        let verified = leaf.verify_for_usage(
            webpki::ALL_VERIFICATION_ALGS,
            &anchors,
            &intermediates,
            time,
            // The signer's own usage is checked above; certificates between
            // it and the pin may leave the usage out, but may not exclude it.
            KeyUsage::required_if_present(eku),
            None,
            None,
        );
        match verified {
            Ok(_) => {
                return Ok(Trusted::Chain {
                    anchor: pin.publisher(),
                });
            }
            Err(e) => {
                let why = untrusted(e, cert, at);
                if why != Untrusted::Unpinned {
                    refusal = why;
                }
            }
        }
    }
    Err(refusal)
}

/// Whether the certificate names the extended key usage `eku` (the DER
/// body of its object identifier).
fn has_usage(cert: &Cert, eku: &[u8]) -> bool {
    let Ok(wanted) = const_oid::ObjectIdentifier::from_bytes(eku) else {
        return false;
    };
    cert.parsed
        .tbs_certificate
        .extensions
        .iter()
        .flatten()
        .filter(|e| e.extn_id == super::oids::EXT_KEY_USAGE)
        .filter_map(|e| {
            <x509_cert::ext::pkix::ExtendedKeyUsage as der::Decode>::from_der(
                e.extn_value.as_bytes(),
            )
            .ok()
        })
        .any(|usage| usage.0.contains(&wanted))
}

fn untrusted(e: webpki::Error, cert: &Cert, at: Timestamp) -> Untrusted {
    use webpki::Error as E;
    let (from, until) = cert.validity();
    match e {
        E::UnknownIssuer => Untrusted::Unpinned,
        E::CertExpired { .. } | E::CertNotValidYet { .. } => Untrusted::OutsideValidity(format!(
            "a certificate on the path is outside its validity at {at} (the signer's: {from} until {until})"
        )),
        E::RequiredEkuNotFoundContext(_) => Untrusted::Refused(
            "a certificate on the path lacks the required extended key usage".to_string(),
        ),
        other => Untrusted::Refused(format!("the chain does not verify: {other:?}")),
    }
}
