//! Real Debian packages for tests and samples, laid out as `dpkg-deb
//! --build` lays them out: an `ar` archive of `debian-binary`,
//! `control.tar.*` (`./control`, `./md5sums`, maintainer scripts) and
//! `data.tar.*` (`./`, `./usr/`, `./usr/bin/x`...), optionally signed as
//! debsigs signs (`_gpgorigin`: a detached OpenPGP signature over the three
//! members' contents, concatenated). Everything is deterministic (fixed
//! times, owners and compression), and each layer can be built on its own
//! so a test can break exactly one thing.

use anyhow::Result;
use md5::Digest;
use sequoia_openpgp::Cert;

use super::archives;
use super::hostile::{RawTar, kind};
use super::keys::{SignSpec, sign_detached};
use crate::engine::inspect::compress::Codec;

/// One entry of `data.tar`, named as dpkg-deb names it (`./usr/bin/x`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DataEntry {
    Dir(String),
    File(String, u32, Vec<u8>),
    Symlink(String, String),
    Hardlink(String, String),
}

/// What `md5sums` holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Md5sums {
    /// One line per regular file, as dh_md5sums writes it.
    Computed,
    /// Exactly this text.
    Given(String),
    /// No `md5sums` member of `control.tar`.
    Absent,
}

/// A package to build.
#[derive(Debug, Clone)]
pub struct DebSpec {
    pub package: String,
    pub version: String,
    pub architecture: String,
    /// Lines added to the control file (`Depends: ...`).
    pub extra_control: String,
    /// Replaces the whole control file when set.
    pub control: Option<String>,
    pub md5sums: Md5sums,
    /// Maintainer scripts: name and text.
    pub scripts: Vec<(String, String)>,
    pub data: Vec<DataEntry>,
    pub control_codec: Option<Codec>,
    pub data_codec: Option<Codec>,
}

impl DebSpec {
    /// `package` `version` for `architecture`, holding a small program.
    pub fn new(package: &str, version: &str, architecture: &str) -> Self {
        let bin = format!("./usr/bin/{package}");
        DebSpec {
            package: package.to_string(),
            version: version.to_string(),
            architecture: architecture.to_string(),
            extra_control: String::new(),
            control: None,
            md5sums: Md5sums::Computed,
            scripts: Vec::new(),
            data: vec![
                DataEntry::Dir("./".into()),
                DataEntry::Dir("./usr/".into()),
                DataEntry::Dir("./usr/bin/".into()),
                DataEntry::File(bin.clone(), 0o755, archives::noise(40_000, 7)),
                DataEntry::Dir("./usr/share/".into()),
                DataEntry::Dir(format!("./usr/share/{package}/")),
                DataEntry::File(
                    format!("./usr/share/{package}/README"),
                    0o644,
                    format!("{package} {version}\n").into_bytes(),
                ),
                DataEntry::Symlink(format!("./usr/bin/{package}-server"), package.to_string()),
                DataEntry::Hardlink(format!("./usr/bin/{package}-cli"), bin),
            ],
            control_codec: Some(Codec::Xz),
            data_codec: Some(Codec::Xz),
        }
    }

    /// With a maintainer script.
    pub fn script(mut self, name: &str, text: &str) -> Self {
        self.scripts.push((name.to_string(), text.to_string()));
        self
    }

    /// The control file.
    pub fn control_text(&self) -> String {
        if let Some(text) = &self.control {
            return text.clone();
        }
        format!(
            "Package: {}\nVersion: {}\nArchitecture: {}\nMaintainer: Northwind Health Systems <packages@northwind.example>\nInstalled-Size: 48\n{}Section: misc\nPriority: optional\nDescription: {} (test package)\n built by the intake test kit\n",
            self.package, self.version, self.architecture, self.extra_control, self.package
        )
    }

    /// `md5sums` as dh_md5sums writes it (paths without `./`).
    pub fn md5sums_text(&self) -> Option<String> {
        match &self.md5sums {
            Md5sums::Absent => None,
            Md5sums::Given(text) => Some(text.clone()),
            Md5sums::Computed => Some(
                self.data
                    .iter()
                    .filter_map(|e| match e {
                        DataEntry::File(path, _, data) => Some(format!(
                            "{}  {}\n",
                            hex::encode(md5::Md5::digest(data)),
                            path.trim_start_matches("./")
                        )),
                        _ => None,
                    })
                    .collect(),
            ),
        }
    }

    /// `control.tar`, uncompressed.
    pub fn control_tar(&self) -> Vec<u8> {
        let mut tar = RawTar::new()
            .entry(b"./", kind::DIR, 0o755, b"", b"")
            .file("./control", self.control_text().as_bytes());
        if let Some(md5sums) = self.md5sums_text() {
            tar = tar.file("./md5sums", md5sums.as_bytes());
        }
        for (name, text) in &self.scripts {
            tar = tar.file_mode(&format!("./{name}"), 0o755, text.as_bytes());
        }
        tar.finish()
    }

    /// `data.tar`, uncompressed. A hard link carries its file's mode, as
    /// GNU tar records it (both names are one file).
    pub fn data_tar(&self) -> Vec<u8> {
        let mut tar = RawTar::new();
        for e in &self.data {
            tar = match e {
                DataEntry::Dir(path) => tar.entry(path.as_bytes(), kind::DIR, 0o755, b"", b""),
                DataEntry::File(path, mode, data) => tar.file_mode(path, *mode, data),
                DataEntry::Symlink(path, target) => tar.symlink(path, target),
                DataEntry::Hardlink(path, target) => {
                    let mode = self.mode_of(target).unwrap_or(0o644);
                    tar.entry(
                        path.as_bytes(),
                        kind::HARDLINK,
                        mode,
                        b"",
                        target.as_bytes(),
                    )
                }
            };
        }
        tar.finish()
    }

    /// The mode of the regular file at `path`.
    fn mode_of(&self, path: &str) -> Option<u32> {
        self.data.iter().find_map(|e| match e {
            DataEntry::File(p, mode, _) if p == path => Some(*mode),
            _ => None,
        })
    }

    /// The three members dpkg reads, named and compressed.
    pub fn members(&self) -> Result<Vec<(String, Vec<u8>)>> {
        Ok(vec![
            ("debian-binary".to_string(), b"2.0\n".to_vec()),
            member("control.tar", self.control_codec, &self.control_tar())?,
            member("data.tar", self.data_codec, &self.data_tar())?,
        ])
    }

    /// The package, unsigned.
    pub fn build(&self) -> Result<Vec<u8>> {
        Ok(ar(&self.members()?))
    }

    /// The package signed by `cert` as debsigs signs.
    pub fn signed(&self, cert: &Cert, spec: SignSpec) -> Result<Vec<u8>> {
        let mut members = self.members()?;
        members.push((
            "_gpgorigin".to_string(),
            debsigs_signature(cert, &members, spec)?,
        ));
        Ok(ar(&members))
    }

    /// The file name Debian gives it (`meridian_4.2.1-1_amd64.deb`).
    pub fn file_name(&self) -> String {
        let version = self
            .version
            .split_once(':')
            .map_or(&*self.version, |(_, v)| v);
        format!("{}_{}_{}.deb", self.package, version, self.architecture)
    }
}

/// A member's name and bytes under a compression (`None`: as it is).
pub fn member(base: &str, codec: Option<Codec>, tar: &[u8]) -> Result<(String, Vec<u8>)> {
    Ok(match codec {
        None => (base.to_string(), tar.to_vec()),
        Some(Codec::Gzip) => (format!("{base}.gz"), archives::gzip(tar)?),
        Some(Codec::Xz) => (format!("{base}.xz"), archives::xz(tar)?),
        Some(Codec::Zstd) => (format!("{base}.zst"), archives::zstd(tar)),
        Some(Codec::Bzip2) => (format!("{base}.bz2"), archives::bzip2(tar)?),
    })
}

/// A debsigs signature: detached, binary, over the members' contents
/// (`debian-binary`, `control.tar.*`, `data.tar.*`) concatenated.
pub fn debsigs_signature(
    cert: &Cert,
    members: &[(String, Vec<u8>)],
    spec: SignSpec,
) -> Result<Vec<u8>> {
    let covered: Vec<u8> = members
        .iter()
        .take(3)
        .flat_map(|(_, bytes)| bytes.iter().copied())
        .collect();
    sign_detached(cert, &covered, spec.binary())
}

/// One 60-byte `ar` member header, as dpkg-deb writes it.
pub fn ar_header(name: &[u8], size: u64) -> Vec<u8> {
    let mut h = vec![b' '; 60];
    let n = name.len().min(16);
    h[..n].copy_from_slice(&name[..n]);
    let fields: [(usize, String); 5] = [
        (16, "0".to_string()),
        (28, "0".to_string()),
        (34, "0".to_string()),
        (40, "100644".to_string()),
        (48, size.to_string()),
    ];
    for (at, text) in fields {
        h[at..at + text.len()].copy_from_slice(text.as_bytes());
    }
    h[58..60].copy_from_slice(b"`\n");
    h
}

/// An `ar` archive of these members, each padded to an even length.
pub fn ar(members: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut out = b"!<arch>\n".to_vec();
    for (name, bytes) in members {
        out.extend(ar_header(name.as_bytes(), bytes.len() as u64));
        out.extend_from_slice(bytes);
        if bytes.len() % 2 == 1 {
            out.push(b'\n');
        }
    }
    out
}
