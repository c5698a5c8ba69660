//! Feeds laid out on disk: a `feed.toml`, its certificates under `keys/`,
//! and each release's files under `releases/<version>/`. Tests build the
//! exact situation they need by changing a [`FeedSpec`] before writing it.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Result;
use jiff::Timestamp;
use sequoia_openpgp::Cert;
use sha2::Digest;

use super::keys::{self, SignSpec};

/// A file to place under `releases/<version>/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileSpec {
    /// Path relative to the release folder.
    pub name: String,
    pub bytes: Vec<u8>,
}

impl FileSpec {
    pub fn new(name: &str, bytes: impl Into<Vec<u8>>) -> Self {
        FileSpec {
            name: name.to_string(),
            bytes: bytes.into(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct ArtifactSpec {
    pub platform: String,
    pub file: FileSpec,
    pub signature: Option<FileSpec>,
    pub size: Option<u64>,
}

#[derive(Debug, Clone)]
pub struct ReleaseSpec {
    pub version: String,
    pub date: String,
    pub channel: String,
    pub notes: Option<FileSpec>,
    pub checksums: FileSpec,
    pub checksums_signature: Option<FileSpec>,
    pub artifacts: Vec<ArtifactSpec>,
    /// Files placed in the release folder that the feed does not name
    /// (e.g. a certificate shipped with the release).
    pub extra_files: Vec<FileSpec>,
    /// The release's SBOM (`sbom = ...`) and its detached signature.
    pub sbom: Option<FileSpec>,
    pub sbom_signature: Option<FileSpec>,
}

/// A TOML string.
fn q(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// `<sha256>  <name>` lines, as `sha256sum` writes them.
pub fn sha256sums(files: &[&FileSpec]) -> String {
    let mut out = String::new();
    for f in files {
        let _ = writeln!(
            out,
            "{}  {}",
            hex::encode(sha2::Sha256::digest(&f.bytes)),
            f.name
        );
    }
    out
}

impl ReleaseSpec {
    /// A release done right: `SHA256SUMS` with a detached signature, each
    /// artifact with its own detached signature and its size, all signed by
    /// `vendor` at `signed`.
    pub fn signed(
        version: &str,
        date: &str,
        vendor: &Cert,
        signed: Timestamp,
        artifacts: Vec<(&str, FileSpec)>,
    ) -> Result<Self> {
        let spec = SignSpec::at(signed);
        let mut arts = Vec::new();
        for (platform, file) in artifacts {
            let sig = keys::sign_detached(vendor, &file.bytes, spec)?;
            arts.push(ArtifactSpec {
                platform: platform.to_string(),
                signature: Some(FileSpec::new(&format!("{}.asc", file.name), sig)),
                size: Some(file.bytes.len() as u64),
                file,
            });
        }
        let sums = sha256sums(&arts.iter().map(|a| &a.file).collect::<Vec<_>>());
        let sums_sig = keys::sign_detached(vendor, sums.as_bytes(), spec)?;
        Ok(ReleaseSpec {
            version: version.to_string(),
            date: date.to_string(),
            channel: "stable".to_string(),
            notes: None,
            checksums: FileSpec::new("SHA256SUMS", sums),
            checksums_signature: Some(FileSpec::new("SHA256SUMS.asc", sums_sig)),
            artifacts: arts,
            extra_files: Vec::new(),
            sbom: None,
            sbom_signature: None,
        })
    }

    /// Re-signs the checksum file (detached) after it was changed.
    pub fn resign_checksums(&mut self, by: &Cert, spec: SignSpec) -> Result<()> {
        let sig = keys::sign_detached(by, &self.checksums.bytes, spec)?;
        self.checksums_signature = Some(FileSpec::new("SHA256SUMS.asc", sig));
        Ok(())
    }

    /// The release's `[[release]]` table and its artifacts, as TOML.
    fn write_toml(&self, t: &mut String) {
        let r = self;
        let path = |f: &FileSpec| q(&format!("{}/{}", r.version, f.name));
        let _ = writeln!(
            t,
            "\n[[release]]\nversion = {}\ndate = {}\nchannel = {}",
            q(&r.version),
            r.date,
            q(&r.channel)
        );
        if let Some(n) = &r.notes {
            let _ = writeln!(t, "notes = {}", path(n));
        }
        let _ = writeln!(t, "checksums = {}", path(&r.checksums));
        let optional = [
            ("checksums_signature", &r.checksums_signature),
            ("sbom", &r.sbom),
            ("sbom_signature", &r.sbom_signature),
        ];
        for (key, file) in optional {
            if let Some(f) = file {
                let _ = writeln!(t, "{key} = {}", path(f));
            }
        }
        for a in &r.artifacts {
            let _ = writeln!(
                t,
                "\n  [[release.artifact]]\n  platform = {}\n  file = {}",
                q(&a.platform),
                path(&a.file)
            );
            if let Some(s) = &a.signature {
                let _ = writeln!(t, "  signature = {}", path(s));
            }
            if let Some(size) = a.size {
                let _ = writeln!(t, "  size = {size}");
            }
        }
    }

    fn files(&self) -> Vec<&FileSpec> {
        let mut files = vec![&self.checksums];
        files.extend(self.checksums_signature.iter());
        files.extend(self.notes.iter());
        for a in &self.artifacts {
            files.push(&a.file);
            files.extend(a.signature.iter());
        }
        files.extend(self.extra_files.iter());
        files.extend(self.sbom.iter());
        files.extend(self.sbom_signature.iter());
        files
    }

    /// Ships `sbom` with the release, listed in the checksum file (signed
    /// again by `vendor`), as a vendor who signs its SBOM that way does.
    pub fn with_signed_sbom(
        mut self,
        sbom: FileSpec,
        vendor: &Cert,
        signed: Timestamp,
    ) -> Result<Self> {
        let mut sums = String::from_utf8_lossy(&self.checksums.bytes).into_owned();
        sums.push_str(&sha256sums(&[&sbom]));
        self.checksums.bytes = sums.into_bytes();
        self.resign_checksums(vendor, SignSpec::at(signed))?;
        self.sbom = Some(sbom);
        Ok(self)
    }
}

#[derive(Debug, Clone)]
pub struct FeedSpec {
    pub id: String,
    pub name: String,
    pub vendor: String,
    /// Certificate files under `keys/`.
    pub certificates: Vec<FileSpec>,
    pub fingerprints: Vec<String>,
    pub signatures: Option<String>,
    pub threshold: Option<usize>,
    pub expires: Option<String>,
    /// Authenticode publisher certificates under `keys/` (`authenticode`).
    pub authenticode: Vec<FileSpec>,
    /// Timestamp authority certificates under `keys/`.
    pub timestamp_authorities: Vec<FileSpec>,
    /// `(name, url)`; empty means one folder source `releases/`.
    pub sources: Vec<(String, String)>,
    pub releases: Vec<ReleaseSpec>,
}

impl FeedSpec {
    /// A feed that pins `vendor` (its certificate in `keys/vendor.asc`).
    pub fn pinning(vendor: &Cert) -> Result<Self> {
        Ok(FeedSpec {
            id: "meridian".into(),
            name: "Meridian Interface Engine".into(),
            vendor: "Northwind Health Systems".into(),
            certificates: vec![FileSpec::new("vendor.asc", keys::public_armored(vendor)?)],
            fingerprints: vec![keys::fingerprint(vendor)],
            signatures: None,
            threshold: None,
            expires: None,
            authenticode: Vec::new(),
            timestamp_authorities: Vec::new(),
            sources: Vec::new(),
            releases: Vec::new(),
        })
    }

    /// Also trusts (and pins) another certificate.
    pub fn also_pin(&mut self, file: &str, cert: &Cert) -> Result<()> {
        self.certificates
            .push(FileSpec::new(file, keys::public_armored(cert)?));
        self.fingerprints.push(keys::fingerprint(cert));
        Ok(())
    }

    /// The feed's TOML text.
    pub fn toml(&self) -> String {
        let list = |items: Vec<String>| {
            format!(
                "[{}]",
                items.iter().map(|s| q(s)).collect::<Vec<_>>().join(", ")
            )
        };
        let mut t = String::new();
        let _ = writeln!(
            t,
            "[product]\nname = {}\nvendor = {}\nid = {}\n",
            q(&self.name),
            q(&self.vendor),
            q(&self.id)
        );
        let _ = writeln!(t, "[trust]");
        let _ = writeln!(
            t,
            "certificates = {}",
            list(
                self.certificates
                    .iter()
                    .map(|c| format!("keys/{}", c.name))
                    .collect()
            )
        );
        let _ = writeln!(t, "fingerprints = {}", list(self.fingerprints.clone()));
        if let Some(s) = &self.signatures {
            let _ = writeln!(t, "signatures = {}", q(s));
        }
        if let Some(n) = self.threshold {
            let _ = writeln!(t, "threshold = {n}");
        }
        if let Some(e) = &self.expires {
            let _ = writeln!(t, "expires = {e}");
        }
        let files = |fs: &[FileSpec]| list(fs.iter().map(|c| format!("keys/{}", c.name)).collect());
        if !self.authenticode.is_empty() {
            let _ = writeln!(t, "authenticode = {}", files(&self.authenticode));
        }
        if !self.timestamp_authorities.is_empty() {
            let _ = writeln!(
                t,
                "timestamp_authorities = {}",
                files(&self.timestamp_authorities)
            );
        }
        let sources = if self.sources.is_empty() {
            vec![("local".to_string(), "releases/".to_string())]
        } else {
            self.sources.clone()
        };
        for (name, url) in &sources {
            let _ = writeln!(t, "\n[[source]]\nname = {}\nurl = {}", q(name), q(url));
        }
        for r in &self.releases {
            r.write_toml(&mut t);
        }
        t
    }

    /// Writes the feed into `dir`; returns the path of `feed.toml`.
    pub fn write(&self, dir: &Path) -> Result<PathBuf> {
        std::fs::create_dir_all(dir.join("keys"))?;
        for c in self
            .certificates
            .iter()
            .chain(&self.authenticode)
            .chain(&self.timestamp_authorities)
        {
            std::fs::write(dir.join("keys").join(&c.name), &c.bytes)?;
        }
        for r in &self.releases {
            for f in r.files() {
                let path = dir.join("releases").join(&r.version).join(&f.name);
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent)?;
                }
                std::fs::write(path, &f.bytes)?;
            }
        }
        let feed = dir.join("feed.toml");
        std::fs::write(&feed, self.toml())?;
        Ok(feed)
    }
}
