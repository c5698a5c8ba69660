//! Feeds of container images laid out on disk: a signed release whose
//! artifact is an image (a layout's tar, a `docker save` tarball, or a
//! layout folder), pinned by `digest`, with cosign keys under `keys/`.
//! The feed is written by [`super::layout::FeedSpec`] and the image's own
//! settings are added to its text, so the shared layout writer stays as
//! it is.

use std::path::{Path, PathBuf};

use anyhow::Result;
use jiff::Timestamp;
use sequoia_openpgp::Cert;

use super::keys::{self, SignSpec};
use super::layout::{ArtifactSpec, FeedSpec, FileSpec, ReleaseSpec, sha256sums};
use super::oci::Layout;

/// Every file under `dir`, by path relative to it (a layout another tool wrote).
pub fn files_under(dir: &Path) -> Result<Vec<(String, Vec<u8>)>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d)? {
            let path = e?.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(dir)?.to_string_lossy().into_owned();
                out.push((rel, std::fs::read(&path)?));
            }
        }
    }
    Ok(out)
}

/// How the image is shipped.
#[derive(Debug, Clone)]
pub enum Shipped {
    /// A tar (an OCI layout's, or a docker save tarball) named so.
    Tar(String, Vec<u8>),
    /// An OCI layout folder named so: its files by path.
    Folder(String, Vec<(String, Vec<u8>)>),
}

/// An image release's feed.
#[derive(Debug, Clone)]
pub struct ImageFeed {
    pub shipped: Shipped,
    pub platform: String,
    /// `digest = …` (`None`: none written).
    pub digest: Option<String>,
    /// `tag = …`.
    pub tag: Option<String>,
    /// Cosign public keys: file name under `keys/` and PEM.
    pub cosign_keys: Vec<(String, String)>,
    /// `signatures = …` (`None`: the default, required).
    pub signatures: Option<String>,
    /// `bundle = …` and its bytes.
    pub bundle: Option<FileSpec>,
    /// Release notes.
    pub notes: Option<String>,
}

impl ImageFeed {
    /// An image shipped as a tar, pinned by `digest`, for linux-x86_64.
    pub fn tar(name: &str, bytes: Vec<u8>, digest: &str) -> Self {
        ImageFeed {
            shipped: Shipped::Tar(name.into(), bytes),
            platform: "linux-x86_64".into(),
            digest: Some(digest.into()),
            tag: None,
            cosign_keys: Vec::new(),
            signatures: None,
            bundle: None,
            notes: None,
        }
    }

    /// An image shipped as a layout folder, pinned by its index digest.
    pub fn folder(name: &str, layout: Layout) -> Self {
        let digest = layout.pinned.clone();
        ImageFeed {
            shipped: Shipped::Folder(name.into(), layout.files()),
            ..ImageFeed::tar(name, Vec::new(), &digest)
        }
    }

    /// Pins a cosign key (`keys/<name>`).
    pub fn pin_key(mut self, name: &str, pem: &str) -> Self {
        self.cosign_keys.push((name.into(), pem.into()));
        self
    }

    /// Writes the feed into `dir` (the release `4.2.1`, the checksum file
    /// signed by `vendor`); returns `feed.toml`'s path.
    pub fn write(&self, dir: &Path, vendor: &Cert, signed: Timestamp) -> Result<PathBuf> {
        let release = ImageRelease {
            version: "4.2.1".into(),
            channel: "stable".into(),
            platform: self.platform.clone(),
            shipped: self.shipped.clone(),
            digest: self.digest.clone(),
            tag: self.tag.clone(),
            bundle: self.bundle.clone(),
            notes: self.notes.clone(),
        };
        let mut feed = FeedSpec::pinning(vendor)?;
        feed.signatures = self.signatures.clone();
        feed.releases.push(release.spec(vendor, signed)?);
        let path = feed.write(dir)?;
        finish(dir, &path, &[release], &self.cosign_keys)?;
        Ok(path)
    }
}

/// One image release of a feed.
#[derive(Debug, Clone)]
pub struct ImageRelease {
    pub version: String,
    pub channel: String,
    pub platform: String,
    pub shipped: Shipped,
    pub digest: Option<String>,
    pub tag: Option<String>,
    pub bundle: Option<FileSpec>,
    pub notes: Option<String>,
}

impl ImageRelease {
    fn name(&self) -> &str {
        match &self.shipped {
            Shipped::Tar(name, _) | Shipped::Folder(name, _) => name,
        }
    }

    /// The release as the layout writer takes it (a folder as an empty
    /// placeholder file, replaced by [`finish`]); its checksum file lists a
    /// tar, not a folder (the pin covers a folder), signed by `vendor`.
    pub fn spec(&self, vendor: &Cert, signed: Timestamp) -> Result<ReleaseSpec> {
        let artifact = match &self.shipped {
            Shipped::Tar(name, bytes) => FileSpec::new(name, bytes.clone()),
            Shipped::Folder(name, _) => FileSpec::new(name, Vec::new()),
        };
        let sums = match &self.shipped {
            Shipped::Tar(..) => sha256sums(&[&artifact]),
            Shipped::Folder(..) => String::new(),
        };
        let sums_sig = keys::sign_detached(vendor, sums.as_bytes(), SignSpec::at(signed))?;
        Ok(ReleaseSpec {
            version: self.version.clone(),
            date: "2026-03-02".into(),
            channel: self.channel.clone(),
            notes: self
                .notes
                .as_ref()
                .map(|n| FileSpec::new("RELEASE-NOTES.md", n.clone())),
            checksums: FileSpec::new("SHA256SUMS", sums),
            checksums_signature: Some(FileSpec::new("SHA256SUMS.asc", sums_sig)),
            artifacts: vec![ArtifactSpec {
                platform: self.platform.clone(),
                file: artifact,
                signature: None,
                size: None,
            }],
            extra_files: self.bundle.iter().cloned().collect(),
            sbom: None,
            sbom_signature: None,
        })
    }
}

/// After the layout writer wrote `feed` in `dir`: the folders of folder
/// images, the cosign keys under `keys/`, and the image settings added to
/// the feed's text.
pub fn finish(
    dir: &Path,
    feed: &Path,
    releases: &[ImageRelease],
    cosign_keys: &[(String, String)],
) -> Result<()> {
    for r in releases {
        if let Shipped::Folder(name, files) = &r.shipped {
            let folder = dir.join("releases").join(&r.version).join(name);
            std::fs::remove_file(&folder)?;
            for (path, bytes) in files {
                let path = folder.join(path);
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent)?;
                }
                std::fs::write(path, bytes)?;
            }
        }
    }
    for (file, pem) in cosign_keys {
        std::fs::write(dir.join("keys").join(file), pem)?;
    }
    let text = patch(&std::fs::read_to_string(feed)?, releases, cosign_keys);
    std::fs::write(feed, text)?;
    Ok(())
}

/// The feed text with the images' settings added.
fn patch(text: &str, releases: &[ImageRelease], cosign_keys: &[(String, String)]) -> String {
    let q = |s: &str| toml::Value::String(s.to_string()).to_string();
    let mut out = String::new();
    for line in text.lines() {
        out.push_str(line);
        out.push('\n');
        if line.starts_with("fingerprints = ") && !cosign_keys.is_empty() {
            let keys: Vec<String> = cosign_keys
                .iter()
                .map(|(f, _)| q(&format!("keys/{f}")))
                .collect();
            out.push_str(&format!("cosign_keys = [{}]\n", keys.join(", ")));
        }
        let release = releases
            .iter()
            .find(|r| line == format!("  file = {}", q(&format!("{}/{}", r.version, r.name()))));
        if let Some(r) = release {
            if let Some(d) = &r.digest {
                out.push_str(&format!("  digest = {}\n", q(d)));
            }
            if let Some(t) = &r.tag {
                out.push_str(&format!("  tag = {}\n", q(t)));
            }
            if let Some(b) = &r.bundle {
                let path = format!("{}/{}", r.version, b.name);
                out.push_str(&format!("  bundle = {}\n", q(&path)));
            }
        }
    }
    out
}
