//! Real container images for tests and samples: OCI image layouts (an
//! index per image over one manifest per platform, gzip layers, configs
//! with `diff_ids` and labels) as a folder's files or a tar, `docker save`
//! tarballs of one platform, and cosign-style signatures (the legacy
//! `sha256-<hex>.sig` manifest with a simple-signing payload) made with a
//! P-256 or Ed25519 key generated in the test ([`CosignTestKey`]).

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Result;
use base64::Engine;
use ring::rand::SystemRandom;
use ring::signature::{ECDSA_P256_SHA256_ASN1_SIGNING, EcdsaKeyPair, Ed25519KeyPair, KeyPair};
use serde_json::{Value, json};
use sha2::Digest;

use super::archives::{self, Entry};

pub const INDEX: &str = "application/vnd.oci.image.index.v1+json";
pub const MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
pub const CONFIG: &str = "application/vnd.oci.image.config.v1+json";
pub const LAYER_GZIP: &str = "application/vnd.oci.image.layer.v1.tar+gzip";
pub const SIMPLE_SIGNING: &str = "application/vnd.dev.cosign.simplesigning.v1+json";

/// `sha256:<hex>` of bytes.
pub fn digest_of(bytes: &[u8]) -> String {
    format!("sha256:{}", hex::encode(sha2::Sha256::digest(bytes)))
}

/// One platform's image: its layers' entries.
#[derive(Debug, Clone)]
pub struct PlatformSpec {
    pub os: String,
    pub architecture: String,
    pub variant: Option<String>,
    pub layers: Vec<Vec<Entry>>,
}

/// An image over one or more platforms.
#[derive(Debug, Clone)]
pub struct ImageSpec {
    pub platforms: Vec<PlatformSpec>,
    pub labels: Vec<(String, String)>,
}

impl ImageSpec {
    /// Meridian 4.2.1 for linux/amd64 and linux/arm64, two gzip layers each
    /// (a base, then the application, which deletes a base file).
    pub fn meridian() -> Self {
        let platform = |architecture: &str| PlatformSpec {
            os: "linux".into(),
            architecture: architecture.into(),
            variant: None,
            layers: vec![
                vec![
                    Entry::dir("etc/"),
                    Entry::file("etc/os-release", format!("ID=tiny\nARCH={architecture}\n")),
                    Entry::file("etc/motd", "welcome\n"),
                ],
                vec![
                    Entry::dir("opt/meridian/"),
                    Entry::file(
                        "opt/meridian/meridian",
                        format!("#!/bin/sh\necho meridian {architecture}\n"),
                    )
                    .mode(0o755),
                    Entry::file("etc/.wh.motd", ""),
                ],
            ],
        };
        ImageSpec {
            platforms: vec![platform("amd64"), platform("arm64")],
            labels: vec![
                ("org.opencontainers.image.version".into(), "4.2.1".into()),
                ("org.opencontainers.image.title".into(), "meridian".into()),
            ],
        }
    }

    /// The image as an OCI layout.
    pub fn build(&self) -> Result<Layout> {
        let mut layout = Layout::default();
        let mut manifests = Vec::new();
        for p in &self.platforms {
            let (manifest, _) = layout.platform_manifest(p, &self.labels)?;
            manifests.push(json!({
                "mediaType": MANIFEST,
                "digest": manifest.0,
                "size": manifest.1,
                "platform": {"os": p.os, "architecture": p.architecture},
            }));
        }
        let index = json!({"schemaVersion": 2, "mediaType": INDEX, "manifests": manifests});
        let (digest, size) = layout.add_json(&index);
        layout.pinned = digest.clone();
        layout.index_entries = vec![json!({
            "mediaType": INDEX, "digest": digest, "size": size,
            "annotations": {"org.opencontainers.image.ref.name": "4.2.1"},
        })];
        Ok(layout)
    }
}

/// An OCI image layout: its blobs and `index.json` entries.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    /// Blobs by digest.
    pub blobs: BTreeMap<String, Vec<u8>>,
    /// The entries of `index.json`.
    pub index_entries: Vec<Value>,
    /// The digest a feed pins (the image index's).
    pub pinned: String,
    /// Per platform: manifest digest, config digest, layer digests (gzip)
    /// and uncompressed layer tars.
    pub platforms: Vec<BuiltPlatform>,
}

/// What one platform's manifest refers to.
#[derive(Debug, Clone)]
pub struct BuiltPlatform {
    pub manifest: String,
    pub config: String,
    pub layers: Vec<String>,
    pub tars: Vec<Vec<u8>>,
}

impl Layout {
    /// Adds a blob; its digest and size.
    pub fn add(&mut self, bytes: Vec<u8>) -> (String, u64) {
        let digest = digest_of(&bytes);
        let size = bytes.len() as u64;
        self.blobs.insert(digest.clone(), bytes);
        (digest, size)
    }

    pub fn add_json(&mut self, value: &Value) -> (String, u64) {
        self.add(serde_json::to_vec(value).unwrap_or_default())
    }

    fn platform_manifest(
        &mut self,
        p: &PlatformSpec,
        labels: &[(String, String)],
    ) -> Result<((String, u64), ())> {
        let mut layers = Vec::new();
        let mut diff_ids = Vec::new();
        let mut built = BuiltPlatform {
            manifest: String::new(),
            config: String::new(),
            layers: Vec::new(),
            tars: Vec::new(),
        };
        for entries in &p.layers {
            let tar = archives::tar(entries)?;
            diff_ids.push(digest_of(&tar));
            let (digest, size) = self.add(archives::gzip(&tar)?);
            layers.push(json!({"mediaType": LAYER_GZIP, "digest": digest, "size": size}));
            built.layers.push(digest);
            built.tars.push(tar);
        }
        let labels: BTreeMap<&str, &str> = labels
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let mut config = json!({
            "architecture": p.architecture, "os": p.os,
            "config": {"Labels": labels},
            "rootfs": {"type": "layers", "diff_ids": diff_ids},
        });
        if let Some(v) = &p.variant {
            config["variant"] = json!(v);
        }
        let (config_digest, config_size) = self.add_json(&config);
        let manifest = json!({
            "schemaVersion": 2, "mediaType": MANIFEST,
            "config": {"mediaType": CONFIG, "digest": config_digest, "size": config_size},
            "layers": layers,
        });
        let m = self.add_json(&manifest);
        built.manifest = m.0.clone();
        built.config = config_digest;
        self.platforms.push(built);
        Ok((m, ()))
    }

    /// Signs `digest` cosign's legacy way with `key`: a payload blob, its
    /// signature in the layer annotation, a manifest tagged
    /// `sha256-<hex>.sig` listed in `index.json`.
    pub fn sign(&mut self, key: &CosignTestKey, digest: &str) {
        let payload = payload_for(digest);
        let signature = base64::engine::general_purpose::STANDARD.encode(key.sign(&payload));
        self.add_signature(digest, payload, &signature);
    }

    /// Adds a signature manifest for `tag_digest` with `payload` and
    /// `signature` as given (for tests that forge them).
    pub fn add_signature(&mut self, tag_digest: &str, payload: Vec<u8>, signature: &str) {
        let (payload_digest, payload_size) = self.add(payload);
        let (config_digest, config_size) = self.add(b"{}".to_vec());
        let manifest = json!({
            "schemaVersion": 2, "mediaType": MANIFEST,
            "config": {"mediaType": CONFIG, "digest": config_digest, "size": config_size},
            "layers": [{
                "mediaType": SIMPLE_SIGNING, "digest": payload_digest, "size": payload_size,
                "annotations": {"dev.cosignproject.cosign/signature": signature},
            }],
        });
        let (digest, size) = self.add_json(&manifest);
        let tag = format!("{}.sig", tag_digest.replacen(':', "-", 1));
        self.index_entries.push(json!({
            "mediaType": MANIFEST, "digest": digest, "size": size,
            "annotations": {"org.opencontainers.image.ref.name": tag},
        }));
    }

    /// The layout's files by path: `oci-layout`, `index.json`, `blobs/...`.
    pub fn files(&self) -> Vec<(String, Vec<u8>)> {
        let index = json!({"schemaVersion": 2, "manifests": self.index_entries});
        let mut files = vec![
            (
                "oci-layout".to_string(),
                br#"{"imageLayoutVersion":"1.0.0"}"#.to_vec(),
            ),
            (
                "index.json".to_string(),
                serde_json::to_vec(&index).unwrap_or_default(),
            ),
        ];
        for (digest, bytes) in &self.blobs {
            files.push((
                format!("blobs/{}", digest.replacen(':', "/", 1)),
                bytes.clone(),
            ));
        }
        files
    }

    /// The layout as a tar (`oci-layout` and `index.json` first).
    pub fn tar(&self) -> Result<Vec<u8>> {
        tar_of(&self.files())
    }

    /// Writes the layout's files under `dir`.
    pub fn write_folder(&self, dir: &Path) -> Result<()> {
        for (name, bytes) in self.files() {
            let path = dir.join(name);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(path, bytes)?;
        }
        Ok(())
    }

    /// A `docker save` tarball of platform `i` (uncompressed layers named
    /// `<hex>/layer.tar`, the config `<hex>.json`, then `manifest.json`);
    /// the config digest that pins it.
    pub fn docker_save(&self, i: usize) -> Result<(Vec<u8>, String)> {
        let p = self
            .platforms
            .get(i)
            .ok_or_else(|| anyhow::anyhow!("no platform {i}"))?;
        let mut files = Vec::new();
        let mut layers = Vec::new();
        for tar in &p.tars {
            let name = format!("{}/layer.tar", &digest_of(tar)[7..]);
            layers.push(name.clone());
            files.push((name, tar.clone()));
        }
        let config = self.blobs.get(&p.config).cloned().unwrap_or_default();
        let config_name = format!("{}.json", &p.config[7..]);
        files.push((config_name.clone(), config));
        let manifest =
            json!([{"Config": config_name, "RepoTags": ["meridian:4.2.1"], "Layers": layers}]);
        files.push(("manifest.json".into(), serde_json::to_vec(&manifest)?));
        Ok((tar_of(&files)?, p.config.clone()))
    }
}

/// A simple-signing payload over `digest`, as cosign writes it.
pub fn payload_for(digest: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "critical": {
            "identity": {"docker-reference": "registry.example/northwind/meridian"},
            "image": {"docker-manifest-digest": digest},
            "type": "cosign container image signature",
        },
        "optional": null,
    }))
    .unwrap_or_default()
}

/// A Sigstore bundle (v0.3) as `cosign sign --new-bundle-format` writes
/// one for an image: a DSSE envelope whose in-toto statement names
/// `digest`, signed by `key` over the envelope's pre-authentication
/// encoding; a transparency-log entry intake does not verify.
pub fn dsse_bundle(key: &CosignTestKey, digest: &str) -> String {
    let hex = digest.strip_prefix("sha256:").unwrap_or(digest);
    let statement = serde_json::to_vec(&json!({
        "_type": "https://in-toto.io/Statement/v1",
        "subject": [{"name": "registry.example/northwind/meridian", "digest": {"sha256": hex}}],
        "predicateType": "https://sigstore.dev/cosign/sign/v1",
        "predicate": {},
    }))
    .unwrap_or_default();
    let payload_type = "application/vnd.in-toto+json";
    let signed = crate::engine::verify::cosign::bundle::pae(payload_type, &statement);
    let b64 = base64::engine::general_purpose::STANDARD;
    json!({
        "mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json",
        "verificationMaterial": {
            "publicKey": {"hint": "northwind-cosign"},
            "tlogEntries": [{"logIndex": "1", "kindVersion": {"kind": "dsse", "version": "0.0.1"}}],
        },
        "dsseEnvelope": {
            "payload": b64.encode(&statement),
            "payloadType": payload_type,
            "signatures": [{"sig": b64.encode(key.sign(&signed)), "keyid": ""}],
        },
    })
    .to_string()
}

/// A tar of files in the order given.
pub fn tar_of(files: &[(String, Vec<u8>)]) -> Result<Vec<u8>> {
    let entries: Vec<Entry> = files
        .iter()
        .map(|(n, b)| Entry::file(n, b.clone()))
        .collect();
    archives::tar(&entries)
}

/// A cosign key made in the test.
pub struct CosignTestKey {
    pkcs8: Vec<u8>,
    ed25519: bool,
}

impl CosignTestKey {
    /// An ECDSA P-256 key, as `cosign generate-key-pair` makes.
    pub fn p256() -> Result<Self> {
        let rng = SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &rng)
            .map_err(|_| anyhow::anyhow!("P-256 key generation failed"))?;
        Ok(CosignTestKey {
            pkcs8: pkcs8.as_ref().to_vec(),
            ed25519: false,
        })
    }

    pub fn ed25519() -> Result<Self> {
        let pkcs8 = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new())
            .map_err(|_| anyhow::anyhow!("Ed25519 key generation failed"))?;
        Ok(CosignTestKey {
            pkcs8: pkcs8.as_ref().to_vec(),
            ed25519: true,
        })
    }

    /// A P-256 key from its PKCS#8 bytes (a demo key kept on disk).
    pub fn p256_from_pkcs8(pkcs8: Vec<u8>) -> Self {
        CosignTestKey {
            pkcs8,
            ed25519: false,
        }
    }

    /// The secret key's PKCS#8 bytes.
    pub fn pkcs8(&self) -> &[u8] {
        &self.pkcs8
    }

    /// The signature over `message` (ASN.1 DER for ECDSA).
    pub fn sign(&self, message: &[u8]) -> Vec<u8> {
        if self.ed25519 {
            return Ed25519KeyPair::from_pkcs8(&self.pkcs8)
                .map(|k| k.sign(message).as_ref().to_vec())
                .unwrap_or_default();
        }
        let rng = SystemRandom::new();
        EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &self.pkcs8, &rng)
            .ok()
            .and_then(|k| k.sign(&rng, message).ok())
            .map(|s| s.as_ref().to_vec())
            .unwrap_or_default()
    }

    /// The public key as PEM SubjectPublicKeyInfo (`cosign.pub`).
    pub fn public_pem(&self) -> String {
        let (prefix, point): (Vec<u8>, Vec<u8>) = if self.ed25519 {
            let public = Ed25519KeyPair::from_pkcs8(&self.pkcs8)
                .map(|k| k.public_key().as_ref().to_vec())
                .unwrap_or_default();
            (hex_bytes("302a300506032b6570032100"), public)
        } else {
            let rng = SystemRandom::new();
            let public =
                EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &self.pkcs8, &rng)
                    .map(|k| k.public_key().as_ref().to_vec())
                    .unwrap_or_default();
            (
                hex_bytes("3059301306072a8648ce3d020106082a8648ce3d030107034200"),
                public,
            )
        };
        let mut der = prefix;
        der.extend_from_slice(&point);
        let b64 = base64::engine::general_purpose::STANDARD.encode(der);
        let lines: Vec<&str> = b64
            .as_bytes()
            .chunks(64)
            .filter_map(|c| std::str::from_utf8(c).ok())
            .collect();
        format!(
            "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
            lines.join("\n")
        )
    }
}

fn hex_bytes(text: &str) -> Vec<u8> {
    hex::decode(text).unwrap_or_default()
}
