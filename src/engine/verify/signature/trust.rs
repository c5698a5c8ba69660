//! The team's trust: certificates from the feed's files, the pinned
//! primary-key fingerprints, the threshold, and the policy the signatures
//! are judged under. Certificates that ship with a release are never
//! added here: only what the feed names counts.

use std::path::{Path, PathBuf};

use openpgp::Cert;
use openpgp::cert::CertParser;
use openpgp::parse::Parse;
use sequoia_openpgp as openpgp;

use crate::engine::select::feed::{Feed, SignaturePolicy};
use crate::engine::shared::error::Result;
use crate::engine::shared::limits;

/// Certificates a review trusts, and the rules for counting signatures.
#[derive(Debug, Clone)]
pub struct TrustStore {
    /// Certificates whose primary key is pinned.
    pub pinned: Vec<Cert>,
    /// Certificates in the feed's files whose primary key is not pinned
    /// (kept to name a signer, never to count one).
    pub unpinned: Vec<Cert>,
    pub threshold: usize,
    pub required: bool,
    /// Each certificate file with the SHA-256 of its bytes (for the record).
    pub files: Vec<(PathBuf, String)>,
}

/// Reads a certificate file (one or more public certificates, armored or
/// binary) and the SHA-256 of its bytes; says what is wrong otherwise.
pub fn read_certificates(path: &Path) -> std::result::Result<(Vec<Cert>, String), String> {
    let shown = path.display();
    let bytes = limits::read_local(path, limits::CERTIFICATE_MAX, "certificate file")
        .map_err(|e| e.to_string())?;
    let sha = crate::engine::fetch::hashers::sha256_hex(&bytes);
    let parser = CertParser::from_bytes(&bytes)
        .map_err(|e| format!("{shown}: not an OpenPGP certificate: {e}"))?;
    let mut certs = Vec::new();
    for cert in parser {
        let cert = cert.map_err(|e| {
            format!("{shown}: not an OpenPGP certificate (truncated or corrupt?): {e}")
        })?;
        if cert.is_tsk() {
            return Err(format!(
                "{shown} holds secret key material: give the public certificate only (and keep the secret key out of the feed folder)"
            ));
        }
        certs.push(cert);
    }
    if certs.is_empty() {
        return Err(format!("{shown}: holds no OpenPGP certificate"));
    }
    Ok((certs, sha))
}

impl TrustStore {
    /// Trusts every certificate in these files (one good signature by any
    /// of them suffices): how checklists' signers are checked.
    pub fn from_files(paths: &[PathBuf]) -> Result<TrustStore> {
        let mut pinned = Vec::new();
        let mut files = Vec::new();
        for path in paths {
            let (certs, sha) = read_certificates(path)
                .map_err(|why| crate::engine::shared::error::Error::file(path, why))?;
            pinned.extend(certs);
            files.push((path.clone(), sha));
        }
        Ok(TrustStore {
            pinned,
            unpinned: Vec::new(),
            threshold: 1,
            required: true,
            files,
        })
    }

    /// Loads every certificate file the feed names. A file that is not a
    /// certificate, holds secret key material, or a pin with no
    /// certificate, is refused naming the feed line.
    pub fn load(feed: &Feed) -> Result<TrustStore> {
        let mut all: Vec<Cert> = Vec::new();
        let mut files = Vec::new();
        for at in &feed.trust.certificates {
            let (certs, sha) =
                read_certificates(&at.value).map_err(|why| feed.error_at(at, why))?;
            files.push((at.value.clone(), sha));
            all.extend(certs);
        }

        let mut pinned = Vec::new();
        for pin in &feed.trust.fingerprints {
            let primary = all.iter().find(|c| c.fingerprint().to_hex() == pin.value);
            match primary {
                Some(cert) => pinned.push(cert.clone()),
                None => {
                    let sub = all.iter().find(|c| {
                        c.keys()
                            .subkeys()
                            .any(|k| k.key().fingerprint().to_hex() == pin.value)
                    });
                    let message = match sub {
                        Some(cert) => format!(
                            "{} is a subkey; pin the primary key {} instead",
                            pin.value,
                            cert.fingerprint().to_hex()
                        ),
                        None => format!("{} has no certificate in trust.certificates", pin.value),
                    };
                    return Err(feed.error_at(pin, message));
                }
            }
        }
        let unpinned = all
            .into_iter()
            .filter(|c| {
                !pinned
                    .iter()
                    .any(|p: &Cert| p.fingerprint() == c.fingerprint())
            })
            .collect();
        Ok(TrustStore {
            pinned,
            unpinned,
            threshold: feed.trust.threshold,
            required: feed.trust.signatures == SignaturePolicy::Required,
            files,
        })
    }
}
