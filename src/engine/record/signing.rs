//! Signing checklists with the operator's OpenPGP key: a detached,
//! armored signature over the TOML record (`<name>.toml.asc`). The key is
//! checked when it is loaded, before a review runs, so a key that cannot
//! sign (expired, revoked, no signing-capable key, a wrong passphrase) is
//! refused before anything is written.

use std::path::Path;
use std::time::SystemTime;

use jiff::Timestamp;
use openpgp::Cert;
use openpgp::Packet;
use openpgp::crypto::{KeyPair, Password};
use openpgp::packet::signature::SignatureBuilder;
use openpgp::parse::Parse;
use openpgp::serialize::Marshal;
use openpgp::types::{HashAlgorithm, RevocationStatus, SignatureType};
use sequoia_openpgp as openpgp;

use crate::engine::shared::error::{Error, Result};
use crate::engine::shared::limits;
use crate::engine::verify::signature::spaced;

/// A key ready to sign.
pub struct Signer {
    keypair: KeyPair,
    /// The certificate's primary fingerprint.
    pub fingerprint: String,
    pub user_id: Option<String>,
    /// Every key of the certificate (primary first), to tell a signature
    /// by any of them as this signer's.
    pub keys: Vec<String>,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer")
            .field("fingerprint", &self.fingerprint)
            .finish_non_exhaustive()
    }
}

/// Loads the secret key at `path` and checks it can sign at `now`;
/// `passphrase` is asked only when the key is protected.
pub fn load(
    path: &Path,
    now: Timestamp,
    passphrase: &mut dyn FnMut() -> std::result::Result<String, String>,
) -> Result<Signer> {
    let bytes = limits::read_local(path, limits::CERTIFICATE_MAX, "signing key")?;
    let cert = Cert::from_bytes(&bytes)
        .map_err(|e| Error::file(path, format!("not an OpenPGP key: {e}")))?;
    if !cert.is_tsk() {
        return Err(Error::file(
            path,
            "holds no secret key: the signing key must be the secret key file",
        ));
    }
    let policy = crate::engine::verify::signature::policy(now);
    let at = SystemTime::from(now);
    let fail = |why: String| Error::file(path, format!("this key cannot sign checklists: {why}"));
    let valid = cert
        .with_policy(&policy, at)
        .map_err(|e| fail(format!("not valid under the policy ({e})")))?;
    if let Err(e) = valid.alive() {
        return Err(fail(format!("it has expired or is not yet valid ({e})")));
    }
    if let RevocationStatus::Revoked(_) = valid.revocation_status() {
        return Err(fail("it has been revoked".to_string()));
    }
    let ka = valid
        .keys()
        .secret()
        .alive()
        .revoked(false)
        .for_signing()
        .next()
        .ok_or_else(|| {
            fail("it has no signing-capable key alive now (no signing subkey?)".to_string())
        })?;
    let mut key = ka.key().clone();
    if !key.has_unencrypted_secret() {
        let pass = passphrase().map_err(|why| Error::file(path, why))?;
        key = key
            .decrypt_secret(&Password::from(pass))
            .map_err(|_| Error::file(path, "the passphrase does not unlock the signing key"))?;
    }
    let keypair = key.into_keypair().map_err(|e| fail(e.to_string()))?;
    Ok(Signer {
        keypair,
        fingerprint: cert.fingerprint().to_hex(),
        keys: cert
            .keys()
            .map(|k| k.key().fingerprint().to_hex())
            .collect(),
        user_id: valid
            .primary_userid()
            .ok()
            .map(|u| String::from_utf8_lossy(u.userid().value()).into_owned()),
    })
}

impl Signer {
    /// A detached, armored signature over `data`, made at `now`.
    pub fn sign(&mut self, data: &[u8], now: Timestamp) -> Result<Vec<u8>> {
        let fail = |e: anyhow::Error| Error::Usage(format!("signing the checklist failed: {e}"));
        let sig = SignatureBuilder::new(SignatureType::Binary)
            .set_signature_creation_time(SystemTime::from(now))
            .map_err(fail)?
            .set_hash_algo(HashAlgorithm::SHA512)
            .sign_message(&mut self.keypair, data)
            .map_err(fail)?;
        let mut out = Vec::new();
        let mut w = openpgp::armor::Writer::new(&mut out, openpgp::armor::Kind::Signature)
            .map_err(|e| fail(e.into()))?;
        Packet::from(sig).serialize(&mut w).map_err(fail)?;
        w.finalize().map_err(|e| fail(e.into()))?;
        Ok(out)
    }

    /// `0E3B 1C7F ...` (user ID), for people.
    pub fn describe(&self) -> String {
        let uid = self
            .user_id
            .as_deref()
            .map(|u| format!(" ({u})"))
            .unwrap_or_default();
        format!("{}{uid}", spaced(&self.fingerprint))
    }
}
