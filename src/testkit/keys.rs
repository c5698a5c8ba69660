//! Real OpenPGP keys and signatures for tests and demo samples: Ed25519
//! keys made at a chosen time with a chosen lifetime, RSA keys (including
//! one too weak for the policy), detached and cleartext signatures with a
//! chosen creation time and hash, and revocations.

use std::time::{Duration, SystemTime};

use anyhow::{Context as _, Result};
use jiff::Timestamp;
use openpgp::Cert;
use openpgp::Packet;
use openpgp::cert::prelude::*;
use openpgp::crypto::KeyPair;
use openpgp::packet::UserID;
use openpgp::packet::key::{Key4, PrimaryRole, SecretParts};
use openpgp::packet::signature::SignatureBuilder;
use openpgp::parse::Parse;
use openpgp::policy::StandardPolicy;
use openpgp::serialize::stream::{Message, Signer};
use openpgp::serialize::{Marshal, SerializeInto};
use openpgp::types::{HashAlgorithm, KeyFlags, ReasonForRevocation, SignatureType};
use sequoia_openpgp as openpgp;

/// How to make a key.
#[derive(Debug, Clone)]
pub struct KeySpec {
    pub user_id: String,
    pub created: Timestamp,
    /// Lifetime of the certificate; `None` never expires.
    pub validity: Option<Duration>,
    /// Sign with a subkey rather than the primary key.
    pub signing_subkey: bool,
    pub cipher: Cipher,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cipher {
    Ed25519,
    Rsa2048,
}

impl KeySpec {
    pub fn new(user_id: &str, created: Timestamp) -> Self {
        KeySpec {
            user_id: user_id.to_string(),
            created,
            validity: None,
            signing_subkey: false,
            cipher: Cipher::Ed25519,
        }
    }

    pub fn expires_after(mut self, validity: Duration) -> Self {
        self.validity = Some(validity);
        self
    }

    pub fn with_signing_subkey(mut self) -> Self {
        self.signing_subkey = true;
        self
    }

    pub fn rsa(mut self) -> Self {
        self.cipher = Cipher::Rsa2048;
        self
    }

    /// Generates the key (with secrets).
    pub fn generate(&self) -> Result<Cert> {
        let suite = match self.cipher {
            Cipher::Ed25519 => CipherSuite::Cv25519,
            Cipher::Rsa2048 => CipherSuite::RSA2k,
        };
        let primary_flags = if self.signing_subkey {
            KeyFlags::empty().set_certification()
        } else {
            KeyFlags::empty().set_certification().set_signing()
        };
        let mut builder = CertBuilder::new()
            .set_cipher_suite(suite)
            .set_creation_time(SystemTime::from(self.created))
            .set_validity_period(self.validity)
            .set_primary_key_flags(primary_flags)
            .add_userid(self.user_id.as_str());
        if self.signing_subkey {
            builder = builder.add_signing_subkey();
        }
        let (cert, _revocation) = builder.generate()?;
        Ok(cert)
    }
}

/// An RSA-1024 certificate: too weak for the standard policy.
pub fn weak_rsa_1024(user_id: &str, created: Timestamp) -> Result<Cert> {
    let mut key: Key4<SecretParts, PrimaryRole> = Key4::generate_rsa(1024)?;
    key.set_creation_time(SystemTime::from(created))?;
    let mut signer = key.clone().into_keypair()?;
    let key: openpgp::packet::Key<SecretParts, PrimaryRole> = key.into();
    let uid = UserID::from(user_id);
    let binding = SignatureBuilder::new(SignatureType::PositiveCertification)
        .set_signature_creation_time(SystemTime::from(created))?
        .set_key_flags(KeyFlags::empty().set_certification().set_signing())?
        .set_hash_algo(HashAlgorithm::SHA256)
        .sign_userid_binding(&mut signer, Some(key.parts_as_public()), &uid)?;
    let packets: Vec<Packet> = vec![key.into(), uid.into(), binding.into()];
    Cert::from_packets(packets.into_iter())
}

/// The key that signs at `at`: the signing subkey when there is one.
fn signer_at(cert: &Cert, at: Timestamp) -> Result<KeyPair> {
    let policy = StandardPolicy::at(SystemTime::from(at));
    // Prefer a subkey; fall back to the primary key.
    let mut keys: Vec<_> = cert
        .keys()
        .unencrypted_secret()
        .with_policy(&policy, SystemTime::from(at))
        .for_signing()
        .collect();
    keys.sort_by_key(|k| k.primary());
    match keys.into_iter().next() {
        Some(key) => Ok(key.key().clone().into_keypair()?),
        // A key the policy rejects (too weak) still signs: tests need that.
        None => primary_signer(cert).context("no signing-capable key at that time"),
    }
}

/// The primary key as a signer (for revocations), ignoring policy.
fn primary_signer(cert: &Cert) -> Result<KeyPair> {
    let key = cert.primary_key().key().clone().parts_into_secret()?;
    key.into_keypair()
}

/// How to sign.
#[derive(Debug, Clone, Copy)]
pub struct SignSpec {
    pub created: Timestamp,
    pub hash: HashAlgorithm,
    pub armor: bool,
    pub text: bool,
}

impl SignSpec {
    pub fn at(created: Timestamp) -> Self {
        SignSpec {
            created,
            hash: HashAlgorithm::SHA256,
            armor: true,
            text: false,
        }
    }

    pub fn hash(mut self, hash: HashAlgorithm) -> Self {
        self.hash = hash;
        self
    }

    pub fn binary(mut self) -> Self {
        self.armor = false;
        self
    }

    pub fn text_mode(mut self) -> Self {
        self.text = true;
        self
    }
}

/// A detached signature over `data`, as the bytes of a `.asc`/`.sig` file.
pub fn sign_detached(cert: &Cert, data: &[u8], spec: SignSpec) -> Result<Vec<u8>> {
    let mut signer = signer_at(cert, spec.created)?;
    let typ = if spec.text {
        SignatureType::Text
    } else {
        SignatureType::Binary
    };
    let normalised;
    let data = if spec.text {
        normalised = crlf(data);
        &normalised[..]
    } else {
        data
    };
    let sig = SignatureBuilder::new(typ)
        .set_signature_creation_time(SystemTime::from(spec.created))?
        .set_hash_algo(spec.hash)
        .sign_message(&mut signer, data)?;
    let packet = Packet::from(sig);
    if spec.armor {
        let mut out = Vec::new();
        let mut w = openpgp::armor::Writer::new(&mut out, openpgp::armor::Kind::Signature)?;
        packet.serialize(&mut w)?;
        w.finalize()?;
        Ok(out)
    } else {
        Ok(packet.to_vec()?)
    }
}

/// Several detached signatures in one file (one armored block).
pub fn join_signatures(files: &[Vec<u8>]) -> Result<Vec<u8>> {
    let mut packets = Vec::new();
    for f in files {
        packets.extend(openpgp::PacketPile::from_bytes(f)?.into_children());
    }
    let mut out = Vec::new();
    let mut w = openpgp::armor::Writer::new(&mut out, openpgp::armor::Kind::Signature)?;
    for p in packets {
        p.serialize(&mut w)?;
    }
    w.finalize()?;
    Ok(out)
}

fn crlf(data: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(data)
        .replace("\r\n", "\n")
        .replace('\r', "\n");
    text.replace('\n', "\r\n").into_bytes()
}

/// A cleartext-signed copy of `text` (`-----BEGIN PGP SIGNED MESSAGE-----`).
pub fn clearsign(cert: &Cert, text: &[u8], spec: SignSpec) -> Result<Vec<u8>> {
    let signer = signer_at(cert, spec.created)?;
    let mut out = Vec::new();
    {
        let message = Message::new(&mut out);
        let mut signing = Signer::new(message, signer)?
            .cleartext()
            .creation_time(SystemTime::from(spec.created))
            .hash_algo(spec.hash)?
            .build()?;
        std::io::Write::write_all(&mut signing, text)?;
        signing.finalize()?;
    }
    Ok(out)
}

/// The certificate revoked at `at` for `reason`.
pub fn revoke(cert: &Cert, reason: Option<ReasonForRevocation>, at: Timestamp) -> Result<Cert> {
    let mut signer = primary_signer(cert)?;
    let mut builder =
        CertRevocationBuilder::new().set_signature_creation_time(SystemTime::from(at))?;
    if let Some(reason) = reason {
        builder = builder.set_reason_for_revocation(reason, b"")?;
    }
    let rev = builder.build(&mut signer, cert, None)?;
    Ok(cert.clone().insert_packets(Some(rev))?.0)
}

/// The certificate with its (first) signing subkey revoked at `at`.
pub fn revoke_signing_subkey(
    cert: &Cert,
    reason: ReasonForRevocation,
    at: Timestamp,
) -> Result<Cert> {
    let mut signer = primary_signer(cert)?;
    let subkey = cert.keys().subkeys().next().context("no subkey")?;
    let rev = SubkeyRevocationBuilder::new()
        .set_signature_creation_time(SystemTime::from(at))?
        .set_reason_for_revocation(reason, b"")?
        .build(&mut signer, cert, subkey.key(), None)?;
    Ok(cert.clone().insert_packets(Some(rev))?.0)
}

/// The public certificate, armored.
pub fn public_armored(cert: &Cert) -> Result<Vec<u8>> {
    cert.armored().to_vec()
}

/// The secret key, armored, with a warning header that it is a demo key.
pub fn secret_armored_demo(cert: &Cert) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    let headers = vec![
        (
            "Comment",
            "DEMO KEY - published on purpose so the samples can be regenerated",
        ),
        ("Comment", "NEVER trust anything signed by it"),
    ];
    let mut w =
        openpgp::armor::Writer::with_headers(&mut out, openpgp::armor::Kind::SecretKey, headers)?;
    cert.as_tsk().serialize(&mut w)?;
    w.finalize()?;
    Ok(out)
}

/// Reads a key (public or secret) from armored or binary bytes.
pub fn read_cert(bytes: &[u8]) -> Result<Cert> {
    Cert::from_bytes(bytes)
}

/// The primary fingerprint as the feed writes it.
pub fn fingerprint(cert: &Cert) -> String {
    cert.fingerprint().to_hex()
}
