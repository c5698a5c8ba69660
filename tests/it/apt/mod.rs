//! APT repositories as a signed checksum source (issue 15, point 5): the
//! chain Release signature → index SHA-256 and size → the package's
//! stanza, one test per verdict row, over repositories built here (real
//! Ed25519 signatures: clearsigned `InRelease`, or `Release` with a
//! detached `Release.gpg`; `Packages` plain, `.gz` and `.xz`), and over
//! Debian's own bookworm repository where this machine has it
//! ([`debian`]).

mod debian;
mod rows;
mod stored;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use intake::engine::review::Review;
use intake::testkit::archives;
use intake::testkit::deb::DebSpec;
use intake::testkit::keys::{self, SignSpec};
use sequoia_openpgp::Cert;
use sha2::{Digest, Sha256};

use crate::support::*;

/// Where the package sits in the pool (and what its stanza's `Filename` says).
pub const POOL_PATH: &str = "pool/main/m/meridian/meridian_4.2.1-1_amd64.deb";

/// How the Release file is signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// A clearsigned `InRelease`.
    InRelease,
    /// `Release` with a detached `Release.gpg`.
    Detached,
}

/// A repository to lay out: every part can be spoiled before writing.
pub struct Repo {
    pub form: Form,
    /// The index's file name: `Packages`, `Packages.gz` or `Packages.xz`.
    pub index_name: String,
    pub deb: Vec<u8>,
    /// The index's text (before compression).
    pub packages: String,
    /// Extra Release fields (e.g. `Valid-Until: ...`), one per line.
    pub release_fields: String,
    /// Release `SHA256:` entries; `None`: the true one for the index.
    pub sha256_entries: Option<String>,
    /// Who signs the Release.
    pub signer: &'static Cert,
    /// Applied to the signed `InRelease` (or `Release`) bytes.
    pub spoil_release: fn(Vec<u8>) -> Vec<u8>,
    /// Applied to the (compressed) index bytes after the Release lists them.
    pub spoil_index: fn(Vec<u8>) -> Vec<u8>,
}

/// The test package.
pub fn deb() -> Vec<u8> {
    DebSpec::new("meridian", "4.2.1-1", "amd64")
        .build()
        .unwrap()
}

/// A stanza as a Debian archive writes it.
pub fn stanza(package: &str, filename: &str, size: u64, sha256: &str) -> String {
    format!(
        "Package: {package}\nVersion: 4.2.1-1\nArchitecture: amd64\nMaintainer: Northwind <release@northwind.example>\nDescription: an interface engine\n a second line of description\nFilename: {filename}\nSize: {size}\nSHA256: {sha256}\n"
    )
}

pub fn sha_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

impl Repo {
    /// A repository done right: the package listed among two others.
    pub fn good(form: Form, index_name: &str) -> Repo {
        let deb = deb();
        let other = sha_hex(b"other");
        let packages = [
            stanza(
                "libmeridian",
                "pool/main/m/meridian/libmeridian_4.2.1-1_amd64.deb",
                5,
                &other,
            ),
            stanza("meridian", POOL_PATH, deb.len() as u64, &sha_hex(&deb)),
            stanza(
                "meridian-doc",
                "pool/main/m/meridian/meridian-doc_4.2.1-1_all.deb",
                5,
                &other,
            ),
        ]
        .join("\n");
        Repo {
            form,
            index_name: index_name.to_string(),
            deb,
            packages,
            release_fields: String::new(),
            sha256_entries: None,
            signer: vendor(),
            spoil_release: |b| b,
            spoil_index: |b| b,
        }
    }

    fn index_bytes(&self) -> Vec<u8> {
        let text = self.packages.as_bytes();
        match self.index_name.rsplit_once('.') {
            Some((_, "gz")) => archives::gzip(text).unwrap(),
            Some((_, "xz")) => archives::xz(text).unwrap(),
            _ => text.to_vec(),
        }
    }

    /// The Release text listing `index` (compressed bytes) as written.
    fn release_text(&self, index: &[u8]) -> String {
        let mut t = String::from(
            "Origin: Northwind\nLabel: Northwind\nSuite: stable\nCodename: stable\nDate: Mon, 02 Mar 2026 10:14:07 UTC\nArchitectures: amd64\nComponents: main\n",
        );
        t.push_str(&self.release_fields);
        let md5 = hex::encode(md5::Md5::digest(index));
        let _ = writeln!(
            t,
            "MD5Sum:\n {md5} {} main/binary-amd64/{}",
            index.len(),
            self.index_name
        );
        t.push_str("SHA256:\n");
        match &self.sha256_entries {
            Some(entries) => t.push_str(entries),
            None => {
                let _ = writeln!(
                    t,
                    " {} {} main/binary-amd64/{}",
                    sha_hex(index),
                    index.len(),
                    self.index_name
                );
            }
        }
        t
    }

    /// Writes the repository and a feed pinning the vendor; returns the
    /// feed's path.
    pub fn write(&self, dir: &Path) -> PathBuf {
        let repo = dir.join("repo");
        let dists = repo.join("dists/stable");
        std::fs::create_dir_all(dists.join("main/binary-amd64")).unwrap();
        std::fs::create_dir_all(repo.join("pool/main/m/meridian")).unwrap();
        std::fs::create_dir_all(dir.join("keys")).unwrap();
        let index = self.index_bytes();
        let release = self.release_text(&index);
        let spec = SignSpec::at(signed());
        let (checksums, signature) = match self.form {
            Form::InRelease => {
                let signed = keys::clearsign(self.signer, release.as_bytes(), spec).unwrap();
                std::fs::write(dists.join("InRelease"), (self.spoil_release)(signed)).unwrap();
                ("dists/stable/InRelease", None)
            }
            Form::Detached => {
                let sig = keys::sign_detached(self.signer, release.as_bytes(), spec).unwrap();
                let bytes = (self.spoil_release)(release.into_bytes());
                std::fs::write(dists.join("Release"), bytes).unwrap();
                std::fs::write(dists.join("Release.gpg"), sig).unwrap();
                ("dists/stable/Release", Some("dists/stable/Release.gpg"))
            }
        };
        let index_path = format!("dists/stable/main/binary-amd64/{}", self.index_name);
        std::fs::write(repo.join(&index_path), (self.spoil_index)(index)).unwrap();
        std::fs::write(repo.join(POOL_PATH), &self.deb).unwrap();
        std::fs::write(
            dir.join("keys/vendor.asc"),
            keys::public_armored(vendor()).unwrap(),
        )
        .unwrap();
        let feed = dir.join("feed.toml");
        let toml = feed_toml(
            &[("vendor.asc", keys::fingerprint(vendor()))],
            checksums,
            signature,
            &index_path,
        );
        std::fs::write(&feed, toml).unwrap();
        feed
    }

    /// Writes the repository into a fresh folder and reviews it.
    pub fn review(&self) -> Review {
        let dir = tempfile::tempdir().unwrap();
        let feed = self.write(dir.path());
        try_review_at(&feed, "4.2.1", "linux-x86_64", now()).unwrap()
    }
}

/// A feed for an APT repository under `repo/` (certificates under `keys/`).
pub fn feed_toml(
    pins: &[(&str, String)],
    checksums: &str,
    signature: Option<&str>,
    index: &str,
) -> String {
    let certs: Vec<String> = pins.iter().map(|(f, _)| format!("\"keys/{f}\"")).collect();
    let fprs: Vec<String> = pins.iter().map(|(_, p)| format!("\"{p}\"")).collect();
    let mut t = format!(
        "[product]\nname = \"Meridian\"\nvendor = \"Northwind\"\nid = \"meridian\"\n\n[trust]\ncertificates = [{}]\nfingerprints = [{}]\n\n[[source]]\nname = \"mirror\"\nurl = \"repo/\"\n\n[[release]]\nversion = \"4.2.1\"\ndate = 2026-03-02\nchannel = \"stable\"\nchecksums = \"{checksums}\"\nindex = \"{index}\"\n",
        certs.join(", "),
        fprs.join(", ")
    );
    if let Some(s) = signature {
        let _ = writeln!(t, "checksums_signature = \"{s}\"");
    }
    let _ = write!(
        t,
        "\n  [[release.artifact]]\n  platform = \"linux-x86_64\"\n  file = \"{POOL_PATH}\"\n"
    );
    t
}
