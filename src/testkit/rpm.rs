//! Real RPM packages for tests and samples, laid out as `rpmbuild` and
//! `rpmsign` lay them out: the lead, the signature header (region tag,
//! SHA256HEADER, SIZE, PAYLOADSIZE and, when signed, an OpenPGP signature
//! over the main header: RSAHEADER for RSA keys, DSAHEADER for the others,
//! as rpmsign files them; v6's OPENPGP list when asked), the main header
//! (identity, scriptlets, the file list with SHA-256 digests, the payload
//! digest) and a cpio `newc` payload under gzip, xz, zstd or none.
//! Written by hand (headers are simple to write) so the engine's reader
//! is checked against bytes it did not write, and against rpm itself in
//! the tests. Deterministic: fixed times, owners and compression.

use anyhow::Result;
use sequoia_openpgp::Cert;
use sha2::Digest;

use super::archives;
use super::keys::{SignSpec, sign_detached};
use super::rpm_bytes::base64;
pub use super::rpm_bytes::{
    assemble, assemble_raw, cpio_entry, lead, rpm_importable_key, signature_tag, write_header,
};
use crate::engine::inspect::compress::Codec;
use crate::engine::inspect::rpm::header::kind;
use crate::engine::inspect::rpm::tags::{self, sig};

/// A built time, fixed.
const BUILT: u32 = 1_767_225_600;

/// One file the package installs, by installed path (`/usr/bin/x`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RpmFile {
    Dir(String),
    File(String, u32, Vec<u8>),
    Symlink(String, String),
    /// Listed as `%ghost`: in the header, not in the payload.
    Ghost(String),
}

impl RpmFile {
    fn path(&self) -> &str {
        match self {
            RpmFile::Dir(p) | RpmFile::File(p, ..) | RpmFile::Symlink(p, _) | RpmFile::Ghost(p) => {
                p
            }
        }
    }

    fn mode(&self) -> u32 {
        match self {
            RpmFile::Dir(_) => 0o040755,
            RpmFile::File(_, mode, _) => 0o100000 | mode,
            RpmFile::Symlink(..) => 0o120777,
            RpmFile::Ghost(_) => 0o100644,
        }
    }

    /// What the payload holds for it (a symlink's target).
    fn data(&self) -> &[u8] {
        match self {
            RpmFile::File(_, _, data) => data,
            RpmFile::Symlink(_, target) => target.as_bytes(),
            _ => &[],
        }
    }
}

/// A package to build.
#[derive(Debug, Clone)]
pub struct RpmSpec {
    pub name: String,
    pub epoch: Option<u32>,
    pub version: String,
    pub release: String,
    pub arch: String,
    pub files: Vec<RpmFile>,
    /// Scriptlets: tag (`tags::POSTIN`) and body.
    pub scripts: Vec<(u32, String)>,
    pub codec: Option<Codec>,
    /// List the payload's SHA-256 in the header.
    pub payload_digest: bool,
    /// A v6 package: the signatures in OPENPGP too, LONGFILESIZES, the
    /// uncompressed payload digest and a stripped payload.
    pub v6: bool,
}

/// The parts of a built package, each as written.
#[derive(Debug, Clone)]
pub struct Parts {
    pub lead: Vec<u8>,
    pub main: Vec<u8>,
    /// The compressed payload.
    pub payload: Vec<u8>,
}

impl RpmSpec {
    /// `name` `version`-`release` for `arch`, holding a small program.
    pub fn new(name: &str, version: &str, release: &str, arch: &str) -> Self {
        RpmSpec {
            name: name.into(),
            epoch: None,
            version: version.into(),
            release: release.into(),
            arch: arch.into(),
            files: vec![
                RpmFile::File(
                    format!("/usr/bin/{name}"),
                    0o755,
                    archives::noise(40_000, 11),
                ),
                RpmFile::Dir(format!("/usr/share/{name}")),
                RpmFile::File(
                    format!("/usr/share/{name}/README"),
                    0o644,
                    format!("{name} {version}\n").into_bytes(),
                ),
                RpmFile::Symlink(format!("/usr/bin/{name}-server"), name.into()),
            ],
            scripts: Vec::new(),
            codec: Some(Codec::Xz),
            payload_digest: true,
            v6: false,
        }
    }

    /// With a scriptlet (`tags::POSTIN`...).
    pub fn script(mut self, tag: u32, body: &str) -> Self {
        self.scripts.push((tag, body.into()));
        self
    }

    /// The file name rpm gives it (`meridian-4.2.1-1.el9.x86_64.rpm`).
    pub fn file_name(&self) -> String {
        format!(
            "{}-{}-{}.{}.rpm",
            self.name, self.version, self.release, self.arch
        )
    }

    /// The cpio payload, uncompressed: each non-ghost file as `./path`.
    pub fn cpio(&self) -> Vec<u8> {
        if self.v6 {
            return self.stripped_cpio();
        }
        let mut out = Vec::new();
        let payload = self
            .files
            .iter()
            .filter(|f| !matches!(f, RpmFile::Ghost(_)));
        for (i, f) in payload.enumerate() {
            let nlink = if matches!(f, RpmFile::Dir(_)) { 2 } else { 1 };
            cpio_entry(
                &mut out,
                &format!(".{}", f.path()),
                i as u32 + 1,
                f.mode(),
                nlink,
                f.data(),
            );
        }
        cpio_entry(&mut out, "TRAILER!!!", 0, 0, 1, &[]);
        out
    }

    /// The payload, compressed.
    /// The payload a v6 package carries (its header lists LONGFILESIZES):
    /// rpm's stripped entries (`07070X`, the file's index in the header,
    /// padded to 4, then the content), ended by a `newc` trailer.
    fn stripped_cpio(&self) -> Vec<u8> {
        let mut out = Vec::new();
        for (fx, f) in self.files.iter().enumerate() {
            if matches!(f, RpmFile::Ghost(_)) {
                continue;
            }
            out.extend_from_slice(format!("07070X{fx:08x}\0\0").as_bytes());
            out.extend_from_slice(f.data());
            while !out.len().is_multiple_of(4) {
                out.push(0);
            }
        }
        cpio_entry(&mut out, "TRAILER!!!", 0, 0, 1, &[]);
        out
    }

    pub fn payload(&self) -> Result<Vec<u8>> {
        self.compress(&self.cpio())
    }

    /// Lead, a header listing this spec's files and the payload digest of
    /// `cpio` compressed as the spec says: for payloads that lie.
    pub fn parts_from_cpio(&self, cpio: &[u8]) -> Result<Parts> {
        let payload = self.compress(cpio)?;
        Ok(Parts {
            lead: lead(&format!("{}-{}-{}", self.name, self.version, self.release)),
            main: self.main_header(&payload, cpio),
            payload,
        })
    }

    fn compress(&self, cpio: &[u8]) -> Result<Vec<u8>> {
        Ok(match self.codec {
            None => cpio.to_vec(),
            Some(Codec::Gzip) => archives::gzip(cpio)?,
            Some(Codec::Xz) => archives::xz(cpio)?,
            Some(Codec::Zstd) => archives::zstd(cpio),
            Some(Codec::Bzip2) => archives::bzip2(cpio)?,
        })
    }

    /// Lead, main header and compressed payload.
    pub fn parts(&self) -> Result<Parts> {
        self.parts_from_cpio(&self.cpio())
    }

    /// The package with a legacy signature by `cert` over the header and
    /// the compressed payload (PGP, tag 1002), and no other.
    pub fn signed_legacy(&self, cert: &Cert, spec: SignSpec) -> Result<Vec<u8>> {
        let parts = self.parts()?;
        let mut covered = parts.main.clone();
        covered.extend_from_slice(&parts.payload);
        let signature = sign_detached(cert, &covered, spec.binary())?;
        let len = signature.len() as u32;
        Ok(assemble(&parts, &[(sig::PGP, kind::BIN, signature, len)]))
    }

    /// The package, unsigned.
    pub fn build(&self) -> Result<Vec<u8>> {
        Ok(assemble(&self.parts()?, &[]))
    }

    /// The package with a header signature by `cert`, filed as rpmsign
    /// files it (and in OPENPGP when [`RpmSpec::v6`]).
    pub fn signed(&self, cert: &Cert, spec: SignSpec) -> Result<Vec<u8>> {
        let parts = self.parts()?;
        let signature = sign_detached(cert, &parts.main, spec.binary())?;
        let mut extra = vec![(
            signature_tag(cert),
            kind::BIN,
            signature.clone(),
            signature.len() as u32,
        )];
        if self.v6 {
            let text = format!("{}\0", base64(&signature));
            extra.push((sig::OPENPGP, kind::STRING_ARRAY, text.into_bytes(), 1));
            let mut sha3 = sequoia_openpgp::types::HashAlgorithm::SHA3_256
                .context()?
                .for_digest();
            sha3.update(&parts.main);
            let text = format!("{}\0", hex::encode(sha3.into_digest()?));
            extra.push((sig::SHA3_256, kind::STRING, text.into_bytes(), 1));
        }
        Ok(assemble(&parts, &extra))
    }

    fn main_header(&self, payload: &[u8], cpio: &[u8]) -> Vec<u8> {
        let mut e = Entries::default();
        e.strings(tags::HEADERI18NTABLE, &["C"]);
        e.string(tags::NAME, &self.name);
        e.string(tags::VERSION, &self.version);
        e.string(tags::RELEASE, &self.release);
        if let Some(epoch) = self.epoch {
            e.int32(tags::EPOCH, &[epoch]);
        }
        e.i18n(tags::SUMMARY, &format!("{} for tests", self.name));
        e.i18n(tags::DESCRIPTION, "Built by intake's test kit.");
        e.int32(tags::BUILDTIME, &[BUILT]);
        let total: usize = self.files.iter().map(|f| f.data().len()).sum();
        e.int32(tags::SIZE, &[total as u32]);
        e.string(tags::LICENSE, "MIT");
        e.i18n(tags::GROUP, "Unspecified");
        e.string(tags::OS, "linux");
        e.string(tags::ARCH, &self.arch);
        let mut scripts = self.scripts.clone();
        scripts.sort();
        for (tag, body) in scripts.iter().filter(|(t, _)| *t < 1100) {
            e.string(*tag, body);
        }
        self.file_list(&mut e);
        e.string(
            tags::SOURCERPM,
            &format!("{}-{}-{}.src.rpm", self.name, self.version, self.release),
        );
        e.string(tags::RPMVERSION, "4.18.0");
        for (tag, _) in scripts.iter().filter(|(t, _)| *t < 1100) {
            e.string(tag + 62, "/bin/sh");
        }
        self.dir_list(&mut e);
        e.string(tags::PAYLOADFORMAT, "cpio");
        let compressor = match self.codec {
            None => "identity",
            Some(Codec::Gzip) => "gzip",
            Some(Codec::Xz) => "xz",
            Some(Codec::Zstd) => "zstd",
            Some(Codec::Bzip2) => "bzip2",
        };
        e.string(tags::PAYLOADCOMPRESSOR, compressor);
        e.string(tags::PAYLOADFLAGS, "2");
        for (tag, body) in scripts.iter().filter(|(t, _)| *t > 1100) {
            e.string(*tag, body);
        }
        for (tag, _) in scripts.iter().filter(|(t, _)| *t > 1100) {
            e.string(tag + 2, "/bin/sh");
        }
        e.int32(tags::FILEDIGESTALGO, &[8]);
        if self.payload_digest {
            e.strings(
                tags::PAYLOADDIGEST,
                &[&hex::encode(sha2::Sha256::digest(payload))],
            );
            e.int32(tags::PAYLOADDIGESTALGO, &[8]);
            if self.v6 {
                e.strings(
                    tags::PAYLOADDIGESTALT,
                    &[&hex::encode(sha2::Sha256::digest(cpio))],
                );
            }
        }
        if self.v6 {
            e.int32(tags::RPMFORMAT, &[6]);
        }
        e.sorted();
        write_header(tags::HEADERIMMUTABLE, &e.0)
    }

    /// The per-file arrays, in file order (sorted by path, as rpm sorts).
    fn file_list(&self, e: &mut Entries) {
        let files = &self.files;
        let n = files.len();
        let sizes = files.iter().map(|f| f.data().len() as u64);
        if self.v6 {
            e.int64(tags::LONGFILESIZES, &sizes.collect::<Vec<_>>());
        } else {
            e.int32(
                tags::FILESIZES,
                &sizes.map(|n| n as u32).collect::<Vec<_>>(),
            );
        }
        e.int16(
            tags::FILEMODES,
            &files.iter().map(|f| f.mode() as u16).collect::<Vec<_>>(),
        );
        e.int16(tags::FILERDEVS, &vec![0; n]);
        e.int32(tags::FILEMTIMES, &vec![BUILT; n]);
        let digests: Vec<String> = files
            .iter()
            .map(|f| match f {
                RpmFile::File(_, _, data) => hex::encode(sha2::Sha256::digest(data)),
                _ => String::new(),
            })
            .collect();
        e.strings(
            tags::FILEDIGESTS,
            &digests.iter().map(String::as_str).collect::<Vec<_>>(),
        );
        let links: Vec<&str> = files
            .iter()
            .map(|f| match f {
                RpmFile::Symlink(_, t) => t.as_str(),
                _ => "",
            })
            .collect();
        e.strings(tags::FILELINKTOS, &links);
        let flags: Vec<u32> = files
            .iter()
            .map(|f| {
                if matches!(f, RpmFile::Ghost(_)) {
                    tags::FILE_GHOST as u32
                } else {
                    0
                }
            })
            .collect();
        e.int32(tags::FILEFLAGS, &flags);
        e.strings(tags::FILEUSERNAME, &vec!["root"; n]);
        e.strings(tags::FILEGROUPNAME, &vec!["root"; n]);
    }

    /// Devices, inodes, languages and the split paths.
    fn dir_list(&self, e: &mut Entries) {
        let n = self.files.len();
        e.int32(tags::FILEDEVICES, &vec![1; n]);
        e.int32(tags::FILEINODES, &(1..=n as u32).collect::<Vec<_>>());
        e.strings(tags::FILELANGS, &vec![""; n]);
        let mut dirs: Vec<String> = Vec::new();
        let mut index = Vec::new();
        let mut bases = Vec::new();
        for f in &self.files {
            let path = f.path();
            let cut = path.rfind('/').map_or(0, |i| i + 1);
            let (dir, base) = path.split_at(cut);
            let at = dirs.iter().position(|d| d == dir).unwrap_or_else(|| {
                dirs.push(dir.to_string());
                dirs.len() - 1
            });
            index.push(at as u32);
            bases.push(base.to_string());
        }
        e.int32(tags::DIRINDEXES, &index);
        e.strings(
            tags::BASENAMES,
            &bases.iter().map(String::as_str).collect::<Vec<_>>(),
        );
        e.strings(
            tags::DIRNAMES,
            &dirs.iter().map(String::as_str).collect::<Vec<_>>(),
        );
    }
}

/// Header entries being gathered: tag, type, data, count.
#[derive(Default)]
struct Entries(Vec<(u32, u32, Vec<u8>, u32)>);

impl Entries {
    fn string(&mut self, tag: u32, text: &str) {
        self.0
            .push((tag, kind::STRING, format!("{text}\0").into_bytes(), 1));
    }

    fn i18n(&mut self, tag: u32, text: &str) {
        self.0
            .push((tag, kind::I18NSTRING, format!("{text}\0").into_bytes(), 1));
    }

    fn strings(&mut self, tag: u32, texts: &[&str]) {
        let data: Vec<u8> = texts.iter().flat_map(|t| t.bytes().chain([0])).collect();
        self.0
            .push((tag, kind::STRING_ARRAY, data, texts.len() as u32));
    }

    fn int32(&mut self, tag: u32, values: &[u32]) {
        let data = values.iter().flat_map(|v| v.to_be_bytes()).collect();
        self.0.push((tag, kind::INT32, data, values.len() as u32));
    }

    fn int64(&mut self, tag: u32, values: &[u64]) {
        let data = values.iter().flat_map(|v| v.to_be_bytes()).collect();
        self.0.push((tag, kind::INT64, data, values.len() as u32));
    }

    fn int16(&mut self, tag: u32, values: &[u16]) {
        let data = values.iter().flat_map(|v| v.to_be_bytes()).collect();
        self.0.push((tag, kind::INT16, data, values.len() as u32));
    }

    fn sorted(&mut self) {
        self.0.sort_by_key(|e| e.0);
    }
}
