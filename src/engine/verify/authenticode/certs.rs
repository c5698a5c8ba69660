//! Certificates as Authenticode uses them: the ones a signature carries
//! (kept with their DER, as chains are checked on the bytes), the
//! publisher and timestamping certificates a feed pins (PEM or DER files),
//! and how one is named in words.

use std::path::{Path, PathBuf};

use der::{Decode, Encode};
use x509_cert::Certificate;
use x509_cert::name::Name;

use crate::engine::fetch::hashers::sha256_hex;
use crate::engine::shared::limits;

/// One certificate with its DER.
#[derive(Debug, Clone)]
pub struct Cert {
    pub der: Vec<u8>,
    pub parsed: Certificate,
}

impl Cert {
    pub fn from_der(der: &[u8]) -> Result<Cert, String> {
        let parsed =
            Certificate::from_der(der).map_err(|e| format!("not an X.509 certificate: {e}"))?;
        Ok(Cert {
            der: der.to_vec(),
            parsed,
        })
    }

    pub fn from_parsed(parsed: Certificate) -> Result<Cert, String> {
        let der = parsed.to_der().map_err(|e| e.to_string())?;
        Ok(Cert { der, parsed })
    }

    pub fn sha256(&self) -> String {
        sha256_hex(&self.der)
    }

    pub fn subject(&self) -> &Name {
        &self.parsed.tbs_certificate.subject
    }

    /// The publisher as Windows shows it: the subject's O and CN.
    pub fn publisher(&self) -> String {
        publisher(self.subject())
    }

    /// The issuer, each attribute as `TYPE=value`, most significant first.
    pub fn issuer(&self) -> String {
        attributes(&self.parsed.tbs_certificate.issuer).join(", ")
    }

    pub fn serial(&self) -> String {
        hex::encode(self.parsed.tbs_certificate.serial_number.as_bytes())
    }

    /// `not before`, `not after`.
    pub fn validity(&self) -> (jiff::Timestamp, jiff::Timestamp) {
        let v = &self.parsed.tbs_certificate.validity;
        let at = |t: &x509_cert::time::Time| {
            jiff::Timestamp::from_second(t.to_unix_duration().as_secs() as i64)
                .unwrap_or(jiff::Timestamp::MAX)
        };
        (at(&v.not_before), at(&v.not_after))
    }
}

/// A name's O and CN (`Northwind Health Systems / Meridian Code Signing`),
/// or the whole name when it has neither.
pub fn publisher(name: &Name) -> String {
    let parts = attributes(name);
    let pick = |prefix: &str| {
        parts
            .iter()
            .filter_map(|p| p.strip_prefix(prefix))
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    let picked: Vec<String> = pick("O=").into_iter().chain(pick("CN=")).collect();
    if picked.is_empty() {
        name.to_string()
    } else {
        picked.join(" / ")
    }
}

/// Each attribute of a name as `TYPE=value`, in the order written.
fn attributes(name: &Name) -> Vec<String> {
    name.0
        .iter()
        .flat_map(|rdn| rdn.0.iter())
        .map(|atv| atv.to_string())
        .collect()
}

/// Certificates a feed pins, with the files they came from.
#[derive(Debug, Clone, Default)]
pub struct Pinned {
    pub certs: Vec<Cert>,
    /// Each file with the SHA-256 of its bytes (for the record).
    pub files: Vec<(PathBuf, String)>,
}

impl Pinned {
    /// Reads every file: PEM (one or more `CERTIFICATE` blocks) or DER.
    pub fn load(paths: &[PathBuf]) -> Result<Pinned, String> {
        let mut pinned = Pinned::default();
        for path in paths {
            let bytes = limits::read_local(path, limits::CERTIFICATE_MAX, "certificate file")
                .map_err(|e| e.to_string())?;
            pinned.certs.extend(parse_file(path, &bytes)?);
            pinned.files.push((path.clone(), sha256_hex(&bytes)));
        }
        Ok(pinned)
    }

    pub fn contains(&self, cert: &Cert) -> bool {
        self.certs.iter().any(|c| c.der == cert.der)
    }
}

fn parse_file(path: &Path, bytes: &[u8]) -> Result<Vec<Cert>, String> {
    let shown = path.display();
    let text = bytes.trim_ascii_start();
    if text.starts_with(b"-----BEGIN") {
        let chain = Certificate::load_pem_chain(text)
            .map_err(|e| format!("{shown}: not a PEM certificate file: {e}"))?;
        if chain.is_empty() {
            return Err(format!("{shown}: holds no certificate"));
        }
        chain
            .into_iter()
            .map(|c| Cert::from_parsed(c).map_err(|e| format!("{shown}: {e}")))
            .collect()
    } else {
        Cert::from_der(bytes)
            .map(|c| vec![c])
            .map_err(|e| format!("{shown}: {e} (neither PEM nor DER)"))
    }
}
