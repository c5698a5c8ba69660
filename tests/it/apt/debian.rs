//! Debian's own repository: the `InRelease` apt keeps in
//! `/var/lib/apt/lists/` (verified with the Debian archive keys from
//! `debian-archive-keyring`), its `Packages` index (apt keeps it
//! lz4-compressed: the Release lists the uncompressed bytes, so the
//! decompressed copy must match) and a `.deb` that `.ci/run` downloads
//! with `apt-get download hello` into `$INTAKE_TEST_APT_DIR` before the
//! tests (no test touches the network). Laid out as local media and
//! reviewed by `intake verify`: Debian's signature passes, the chain
//! passes, and a changed byte in the index or the package fails the link
//! it breaks. With `CI` set a missing file or tool fails the test;
//! otherwise the test says so loudly and skips.

use std::path::{Path, PathBuf};
use std::process::Command;

use sequoia_openpgp::cert::CertParser;
use sequoia_openpgp::parse::Parse;
use serde_json::Value;

use crate::support::*;

const LISTS: &str = "/var/lib/apt/lists";
const KEYRING: &str = "/usr/share/keyrings/debian-archive-keyring.gpg";

/// Debian's files for one `.deb`, found on this machine.
struct Material {
    deb: PathBuf,
    in_release: PathBuf,
    /// The index as apt keeps it (`.lz4` or plain).
    packages: PathBuf,
    /// The distribution (`bookworm`) and architecture (`amd64`).
    codename: String,
    arch: String,
    /// The `.deb`'s `Filename` in the index (`pool/main/h/hello/...`).
    filename: String,
    /// The decompressed index.
    index: Vec<u8>,
}

/// Without `what`: a failure under CI, else a loud skip (`None`).
fn missing<T>(what: &str) -> Option<T> {
    assert!(
        std::env::var_os("CI").is_none(),
        "apt: {what}, and CI is set (.ci/run prepares it)"
    );
    eprintln!(
        "\n!!!!! apt: {what}: the APT chain is NOT checked against Debian's real repository. \
         Run .ci/run (or set INTAKE_TEST_APT_DIR to a folder holding a .deb from \
         `apt-get download hello`); set CI to make this a failure. !!!!!\n"
    );
    None
}

/// How apt may keep an index: its suffix and the tool that unpacks it.
const KEPT: [(&str, &str); 5] = [
    (".lz4", "lz4"),
    ("", ""),
    (".gz", "gzip"),
    (".xz", "xz"),
    (".zst", "zstd"),
];

/// The uncompressed index apt keeps at `path`, unpacked by `tool`.
fn decompress(path: &Path, tool: &str) -> Option<Vec<u8>> {
    if tool.is_empty() {
        return std::fs::read(path).ok();
    }
    let out = Command::new(tool).arg("-dc").arg(path).output();
    match out {
        Ok(out) if out.status.success() => Some(out.stdout),
        _ => missing(&format!("{tool} -dc does not run (Debian package {tool})")),
    }
}

fn material() -> Option<Material> {
    let Some(dir) = std::env::var_os("INTAKE_TEST_APT_DIR") else {
        return missing("INTAKE_TEST_APT_DIR is not set");
    };
    let deb = std::fs::read_dir(&dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|e| e == "deb"));
    let Some(deb) = deb else {
        return missing("INTAKE_TEST_APT_DIR holds no .deb");
    };
    if !Path::new(KEYRING).is_file() {
        return missing("no Debian archive keyring (Debian package debian-archive-keyring)");
    }
    let name = deb.file_name()?.to_str()?.to_string();
    let arch = name.strip_suffix(".deb")?.rsplit('_').next()?.to_string();
    let lists = std::fs::read_dir(LISTS).ok().into_iter().flatten();
    for in_release in lists.filter_map(|e| e.ok().map(|e| e.path())) {
        let Some(prefix) = in_release
            .to_str()
            .and_then(|p| p.strip_suffix("_InRelease"))
        else {
            continue;
        };
        let Some(codename) = prefix.rsplit("_dists_").next().map(str::to_string) else {
            continue;
        };
        for (ext, tool) in KEPT {
            let packages = PathBuf::from(format!("{prefix}_main_binary-{arch}_Packages{ext}"));
            if !packages.is_file() {
                continue;
            }
            let index = decompress(&packages, tool)?;
            let wanted = format!("/{name}");
            let filename = String::from_utf8_lossy(&index)
                .lines()
                .filter_map(|l| l.strip_prefix("Filename: "))
                .find(|f| f.ends_with(&wanted))
                .map(str::to_string);
            if let Some(filename) = filename {
                return Some(Material {
                    deb,
                    in_release,
                    packages,
                    codename,
                    arch,
                    filename,
                    index,
                });
            }
        }
    }
    missing(&format!(
        "no InRelease with a main/binary-{arch} Packages listing {name} in {LISTS} (apt-get update)"
    ))
}

/// Every primary key in Debian's keyring: their fingerprints to pin.
fn debian_pins() -> Vec<String> {
    let bytes = std::fs::read(KEYRING).unwrap();
    CertParser::from_bytes(&bytes)
        .unwrap()
        .map(|c| c.unwrap().fingerprint().to_hex())
        .collect()
}

/// Lays the material out as local media under `dir` with a feed pinning
/// Debian's keys; returns the feed's path and the package's version.
fn lay_out(m: &Material, dir: &Path) -> (PathBuf, String) {
    let repo = dir.join("repo");
    let dists = format!("dists/{}", m.codename);
    let index = format!("{dists}/main/binary-{}/Packages", m.arch);
    for (path, bytes) in [
        (
            format!("{dists}/InRelease"),
            std::fs::read(&m.in_release).unwrap(),
        ),
        (index.clone(), m.index.clone()),
        (m.filename.clone(), std::fs::read(&m.deb).unwrap()),
    ] {
        let path = repo.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    std::fs::create_dir_all(dir.join("keys")).unwrap();
    std::fs::copy(KEYRING, dir.join("keys/debian-archive-keyring.gpg")).unwrap();
    let name = m.filename.rsplit('/').next().unwrap();
    let mut parts = name.strip_suffix(".deb").unwrap().split('_');
    let (package, version) = (
        parts.next().unwrap(),
        parts.next().unwrap().replace("%3a", ":"),
    );
    let pins: Vec<String> = debian_pins().iter().map(|p| format!("\"{p}\"")).collect();
    let feed = format!(
        "[product]\nname = \"{package}\"\nvendor = \"Debian\"\nid = \"{package}\"\n\n[trust]\ncertificates = [\"keys/debian-archive-keyring.gpg\"]\nfingerprints = [{}]\n\n[[source]]\nname = \"mirror\"\nurl = \"repo/\"\n\n[[release]]\nversion = \"{version}\"\ndate = 2026-01-01\nchannel = \"{}\"\nchecksums = \"{dists}/InRelease\"\nindex = \"{index}\"\n\n  [[release.artifact]]\n  platform = \"linux-x86_64\"\n  arch = \"{}\"\n  file = \"{}\"\n",
        pins.join(", "),
        m.codename,
        m.arch,
        m.filename
    );
    let path = dir.join("feed.toml");
    std::fs::write(&path, feed).unwrap();
    (path, version)
}

/// `intake verify --format json` on the feed, valid against its schema.
pub(super) fn verify(feed: &Path, version: &str) -> Value {
    let out_dir = tempfile::tempdir().unwrap();
    let out = intake_bin()
        .args(["verify", feed.to_str().unwrap(), "--release", version])
        .args([
            "--platform",
            "linux-x86_64",
            "--operator",
            "a",
            "--approver",
            "b",
        ])
        .args(["--no-store", "--format", "json", "--checklist-dir"])
        .arg(out_dir.path())
        .output()
        .unwrap();
    crate::json_contract::valid("verify", &out)
}

pub(super) fn check<'v>(review: &'v Value, id: &str) -> &'v Value {
    let checks = review["checks"].as_array().unwrap();
    checks.iter().find(|c| c["id"] == id).unwrap()
}

#[track_caller]
fn assert_check(review: &Value, id: &str, status: &str, words: &str) {
    let c = check(review, id);
    assert_eq!(c["status"], status, "{id}: {c:#}");
    let summary = c["summary"].as_str().unwrap();
    assert!(
        summary.contains(words),
        "{id}: {words:?} not in {summary:?}"
    );
}

#[test]
fn debians_own_repository_vouches_for_a_downloaded_package() {
    let Some(m) = material() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (feed, version) = lay_out(&m, dir.path());
    let repo = dir.path().join("repo");
    let r = verify(&feed, &version);
    assert_check(
        &r,
        "signature.checksums",
        "pass",
        "good signature by Debian",
    );
    assert_check(&r, "checksum.sha256", "pass", "which InRelease vouches for");
    let evidence = &check(&r, "checksum.sha256")["evidence"];
    let listed = format!("main/binary-{}/Packages: ", m.arch);
    assert!(
        evidence["index"].as_str().unwrap().starts_with(&listed),
        "{evidence:#}"
    );
    assert!(
        evidence["stanza"].as_str().unwrap().contains(&m.filename),
        "{evidence:#}"
    );
    eprintln!(
        "apt: {} checked through {}",
        m.filename,
        m.packages.display()
    );

    // A changed byte in the index: the first link breaks.
    let index_path = repo.join(format!(
        "dists/{}/main/binary-{}/Packages",
        m.codename, m.arch
    ));
    let mut index = m.index.clone();
    let at = index.len() / 2;
    index[at] ^= 0x01;
    std::fs::write(&index_path, &index).unwrap();
    let r = verify(&feed, &version);
    assert_check(
        &r,
        "checksum.sha256",
        "fail",
        "SHA-256 of Packages from mirror does not match InRelease line",
    );
    assert_check(
        &r,
        "signature.checksums",
        "pass",
        "good signature by Debian",
    );
    std::fs::write(&index_path, &m.index).unwrap();

    // A changed byte in the package: the second link breaks.
    let deb_path = repo.join(&m.filename);
    let mut deb = std::fs::read(&m.deb).unwrap();
    let at = deb.len() - 10;
    deb[at] ^= 0x01;
    std::fs::write(&deb_path, &deb).unwrap();
    let r = verify(&feed, &version);
    assert_check(
        &r,
        "checksum.sha256",
        "fail",
        "does not match Packages line",
    );
}
