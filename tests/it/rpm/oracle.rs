//! rpm itself as the oracle, on the same files: `rpm -qp` for the identity
//! and the header's file list, `rpm2cpio | cpio -t` for the payload's
//! names, `rpmkeys --checksig` (against a throwaway key database) for the
//! digests and signatures. With `CI` set a missing tool fails; otherwise
//! the tests say loudly that they compared nothing.

use std::path::Path;
use std::process::{Command, Stdio};

use intake::engine::inspect::compress::Codec;
use intake::engine::inspect::report::EntryKind;
use intake::engine::shared::check::{CheckId, Status};
use intake::testkit::keys::SignSpec;
use intake::testkit::rpm::{RpmFile, RpmSpec, rpm_importable_key};

use super::checks::review_of;
use super::{NAME, spec};
use crate::support::*;

/// Whether rpm's tools run here; without them, fails under CI, else says so.
pub fn rpm_tools() -> bool {
    let runs = |tool: &str| {
        Command::new(tool)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok()
    };
    if ["rpm", "rpmkeys", "rpm2cpio", "rpm2archive", "cpio"]
        .iter()
        .all(|t| runs(t))
    {
        return true;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "rpm, rpmkeys, rpm2cpio, rpm2archive or cpio is not installed (Debian packages rpm, rpm2cpio, cpio), and CI is set"
    );
    eprintln!(
        "\n!!!!! rpm: rpm/rpmkeys/rpm2cpio/cpio are NOT INSTALLED (Debian packages rpm, cpio): \
         intake's reading of RPM packages is NOT compared with rpm's. Set CI to make this a failure. !!!!!\n"
    );
    false
}

fn query(file: &Path, format: &str) -> String {
    let out = Command::new("rpm")
        .args([
            "--define",
            "_dbpath /nonexistent-intake-test",
            "-qp",
            "--nosignature",
            "--nodigest",
        ])
        .args(["--queryformat", format])
        .arg(file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "rpm -qp: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// `rpm2cpio FILE | cpio -t`: the payload's names, or `None` if refused.
fn cpio_names(file: &Path) -> Option<Vec<String>> {
    let mut rpm2cpio = Command::new("rpm2cpio")
        .arg(file)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let out = Command::new("cpio")
        .args(["-t", "--quiet"])
        .stdin(rpm2cpio.stdout.take().unwrap())
        .stderr(Stdio::null())
        .output()
        .unwrap();
    // rpm2cpio may lose its pipe once cpio has read the trailer: cpio decides.
    let _ = rpm2cpio.wait();
    out.status.success().then(|| {
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::to_string)
            .collect()
    })
}

/// An entry as compared: path, type, mode, size, SHA-256.
type Unpacked = (Vec<u8>, &'static str, u32, u64, Option<[u8; 32]>);

/// What rpm's own payload reader unpacks (`rpm2archive -n`: the payload
/// as a tar, stripped entries included), entry by entry: installed path,
/// type, mode, size, SHA-256 (of the content, or of a link's target).
fn as_rpm_unpacks_it(file: &Path) -> Vec<Unpacked> {
    let out = Command::new("rpm2archive")
        .arg("-n")
        .arg(file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "rpm2archive: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut tar = file.as_os_str().to_owned();
    tar.push(".tar");
    let walked = intake::engine::inspect::walk::walk_file(
        Path::new(&tar),
        "payload.tar",
        &intake::engine::inspect::Limits::default(),
    );
    walked
        .entries
        .iter()
        .map(|e| {
            let path = e.path.strip_prefix(b".").unwrap_or(&e.path);
            let path = path.strip_suffix(b"/").unwrap_or(path).to_vec();
            (path, e.kind.word(), e.mode, e.size, e.sha256)
        })
        .collect()
}

/// `rpmkeys --checksig` with only `keys` imported: its output and whether it passed.
pub fn checksig(file: &Path, keys: &[&sequoia_openpgp::Cert]) -> (bool, String) {
    let db = tempfile::tempdir().unwrap();
    let dbpath = format!("_dbpath {}", db.path().display());
    for (i, cert) in keys.iter().enumerate() {
        let key = db.path().join(format!("key{i}.asc"));
        std::fs::write(&key, rpm_importable_key(cert).unwrap()).unwrap();
        let out = Command::new("rpmkeys")
            .args(["--define", &dbpath, "--import"])
            .arg(&key)
            .output()
            .unwrap();
        if !out.status.success() {
            let _ = std::fs::copy(&key, "/tmp/intake-rpm-key.asc");
        }
        assert!(
            out.status.success(),
            "import: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let out = Command::new("rpmkeys")
        .args(["--define", &dbpath, "--checksig", "-v"])
        .arg(file)
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), text)
}

fn written(bytes: &[u8]) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(NAME);
    std::fs::write(&path, bytes).unwrap();
    (dir, path)
}

fn packages() -> Vec<(String, RpmSpec)> {
    let mut out = Vec::new();
    for codec in [None, Some(Codec::Gzip), Some(Codec::Xz), Some(Codec::Zstd)] {
        let mut s = spec();
        s.codec = codec;
        out.push((format!("{codec:?}"), s));
    }
    let mut s = spec().script(
        intake::engine::inspect::rpm::tags::PREIN,
        "getent passwd meridian || useradd meridian\n",
    );
    s.epoch = Some(1);
    s.files.push(RpmFile::Ghost("/var/log/meridian.log".into()));
    s.files.push(RpmFile::File(
        "/usr/sbin/meridian-helper".into(),
        0o4755,
        b"\x7fELF".to_vec(),
    ));
    out.push(("epoch, ghost, setuid".into(), s));
    let mut s = spec();
    s.v6 = true;
    out.push(("v6 (stripped payload)".into(), s));
    out
}

#[test]
fn rpm_lists_what_intake_lists() {
    if !rpm_tools() {
        return;
    }
    for (what, s) in packages() {
        let bytes = s.build().unwrap();
        let (_dir, file) = written(&bytes);
        let r = inspect_bytes(NAME, &bytes);
        assert!(r.findings.is_empty(), "{what}: {:#?}", r.findings);
        let p = r.package.as_deref().unwrap();
        let identity = query(&file, "%{NAME} %{EPOCH} %{VERSION}-%{RELEASE} %{ARCH}");
        let version = p.version.as_deref().unwrap();
        let (epoch, plain) = version.split_once(':').unwrap_or(("(none)", version));
        let ours = format!(
            "{} {epoch} {plain} {}",
            p.name.as_deref().unwrap(),
            p.architecture.as_deref().unwrap()
        );
        assert_eq!(identity, ours, "{what}");
        // The header's list, less %ghost files, is the payload intake walked.
        let listed = query(
            &file,
            "[%{FILEFLAGS:fflags}|%{FILEMODES:octal}|%{LONGFILESIZES}|%{FILENAMES}|%{FILELINKTOS}\n]",
        );
        let rpm_lines: Vec<String> = listed
            .lines()
            .filter(|l| {
                !l.starts_with(|c: char| {
                    c.is_ascii_alphabetic() && l.split('|').next().unwrap().contains('g')
                })
            })
            .map(|l| l.split_once('|').unwrap().1.to_string())
            .collect();
        let intake_lines: Vec<String> = r
            .entries
            .iter()
            .map(|e| {
                let (bits, size, link) = match &e.kind {
                    EntryKind::File => (0o100000, e.size, String::new()),
                    EntryKind::Dir => (0o040000, 4096, String::new()),
                    EntryKind::Symlink(t) => (
                        0o120000,
                        t.len() as u64,
                        String::from_utf8_lossy(t).into_owned(),
                    ),
                    other => panic!("{other:?}"),
                };
                format!(
                    "{:o}|{size}|{}|{link}",
                    bits | e.mode,
                    String::from_utf8_lossy(&e.path)
                )
            })
            .collect();
        let rpm_sizes_fixed: Vec<String> = rpm_lines
            .iter()
            .map(|l| {
                // rpm lists a folder's size as 4096 (it lists no content).
                let parts: Vec<&str> = l.split('|').collect();
                if parts[0].starts_with("40") {
                    format!("{}|4096|{}|{}", parts[0], parts[2], parts[3])
                } else {
                    l.clone()
                }
            })
            .collect();
        assert_eq!(rpm_sizes_fixed, intake_lines, "{what}");
        assert_eq!(
            as_rpm_unpacks_it(&file),
            r.entries
                .iter()
                .map(|e| (e.path.clone(), e.kind.word(), e.mode, e.size, e.sha256))
                .collect::<Vec<_>>(),
            "{what}: rpm2archive unpacks other entries than intake lists"
        );
        if s.v6 {
            // GNU cpio does not read rpm's stripped entries; rpm's own
            // listing above and checksig below are the oracle for them.
            continue;
        }
        let names = cpio_names(&file).expect("rpm2cpio | cpio -t reads it");
        let ours: Vec<String> = r
            .entries
            .iter()
            .map(|e| format!(".{}", String::from_utf8_lossy(&e.path)))
            .collect();
        assert_eq!(names, ours, "{what}");
    }
}

#[test]
fn rpmkeys_and_intake_agree_on_digests_and_signatures() {
    if !rpm_tools() {
        return;
    }
    let s = spec();
    let mut v6 = spec();
    v6.v6 = true;
    let v = [vendor()];
    let cases: Vec<(&str, Vec<u8>, &[&sequoia_openpgp::Cert], bool)> = vec![
        ("unsigned", s.build().unwrap(), &[], true),
        (
            "v6, signed, key imported",
            v6.signed(vendor(), SignSpec::at(signed())).unwrap(),
            &v,
            true,
        ),
        (
            "signed, key imported",
            s.signed(vendor(), SignSpec::at(signed())).unwrap(),
            &v,
            true,
        ),
        (
            "signed, key not imported",
            s.signed(stranger(), SignSpec::at(signed())).unwrap(),
            &v,
            false,
        ),
        (
            "payload altered after signing",
            super::hostile::tampered_payload(&s),
            &v,
            false,
        ),
    ];
    for (what, bytes, keys, rpm_ok) in cases {
        let (_dir, file) = written(&bytes);
        let (ok, text) = checksig(&file, keys);
        assert_eq!(ok, rpm_ok, "{what}: rpmkeys says {text}");
        let r = review_of(&s, bytes);
        let signature = check(&r, CheckId::PackageSignature).status;
        let digests = check(&r, CheckId::PackageDigests).status;
        let intake_ok = signature != Status::Fail && digests != Status::Fail;
        assert_eq!(
            intake_ok, rpm_ok,
            "{what}: intake {signature:?}/{digests:?}, rpmkeys {text}"
        );
    }
}

/// Where `tool` is on PATH (rpmsign execs its `%__gpg` by full path).
fn on_path(tool: &str) -> std::path::PathBuf {
    std::env::var_os("PATH")
        .and_then(|p| {
            std::env::split_paths(&p)
                .map(|d| d.join(tool))
                .find(|p| p.is_file())
        })
        .unwrap_or_else(|| tool.into())
}

/// Runs `cmd`, asserting it succeeds.
fn run(cmd: &mut Command) {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{cmd:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A package rpmbuild builds (xz payload, a setuid file, a %post, a
/// symlink, a %ghost) and rpmsign signs with a fresh GnuPG Ed25519 key.
fn rpmbuild_package(dir: &Path) -> (std::path::PathBuf, Vec<u8>) {
    let gnupg = dir.join("gnupg");
    std::fs::create_dir_all(&gnupg).unwrap();
    let gpg = |args: &[&str]| {
        let mut c = Command::new("gpg");
        c.env("GNUPGHOME", &gnupg)
            .args(["--batch", "--quiet"])
            .args(args);
        c
    };
    run(&mut gpg(&[
        "--passphrase",
        "",
        "--quick-gen-key",
        "Oracle <oracle@example.org>",
        "ed25519",
        "sign",
        "never",
    ]));
    let key = gpg(&["--armor", "--export", "oracle@example.org"])
        .output()
        .unwrap()
        .stdout;
    let top = dir.join("top");
    let spec = dir.join("meridian.spec");
    std::fs::write(
        &spec,
        "Name: meridian\nVersion: 4.2.1\nRelease: 1.el9\nSummary: oracle\nLicense: MIT\nBuildArch: x86_64\nAutoReqProv: no\n\
         %description\noracle\n%install\nmkdir -p %{buildroot}/usr/bin %{buildroot}/var/log\n\
         printf '#!/bin/sh\\necho meridian\\n' > %{buildroot}/usr/bin/meridian\nchmod 4755 %{buildroot}/usr/bin/meridian\n\
         ln -s meridian %{buildroot}/usr/bin/meridian-server\n\
         %post\nsystemctl daemon-reload\n%files\n/usr/bin/meridian\n/usr/bin/meridian-server\n%ghost /var/log/meridian.log\n",
    )
    .unwrap();
    run(Command::new("rpmbuild")
        .args(["-bb", "--quiet", "--define"])
        .arg(format!("_topdir {}", top.display()))
        .args([
            "--define",
            "_binary_payload w2.xzdio",
            "--define",
            "debug_package %{nil}",
        ])
        .args([
            "--define",
            "__os_install_post %{nil}",
            "--define",
            "_build_id_links none",
        ])
        .arg(&spec));
    let file = top.join("RPMS/x86_64/meridian-4.2.1-1.el9.x86_64.rpm");
    run(Command::new("rpmsign")
        .env("GNUPGHOME", &gnupg)
        .args(["--addsign", "--define", "_gpg_name oracle@example.org"])
        .arg("--define")
        .arg(format!("__gpg {}", on_path("gpg").display()))
        .arg(&file));
    (file, key)
}

#[test]
fn a_package_rpmbuild_built_and_rpmsign_signed_is_read_as_rpm_reads_it() {
    if !rpm_tools() || Command::new("rpmbuild").arg("--version").output().is_err() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (file, key) = rpmbuild_package(dir.path());
    let bytes = std::fs::read(&file).unwrap();
    let r = inspect_bytes(NAME, &bytes);
    let p = r.package.as_deref().unwrap();
    assert_eq!(p.version.as_deref(), Some("4.2.1-1.el9"));
    assert!(
        p.integrity.iter().all(|i| i.outcome.is_ok()),
        "{:#?}",
        p.integrity
    );
    assert_eq!(p.scripts.len(), 1, "{:#?}", p.scripts);
    let names = cpio_names(&file).expect("rpm2cpio | cpio -t reads it");
    let ours: Vec<String> = r
        .entries
        .iter()
        .map(|e| format!(".{}", String::from_utf8_lossy(&e.path)))
        .collect();
    assert_eq!(names, ours);
    // The review, with rpmsign's key pinned too: signature and digests
    // hold, and the setuid file rpm's signed header declares warns.
    let cert = intake::testkit::keys::read_cert(&key).unwrap();
    let mut feed = one_artifact_feed("linux-x86_64", NAME, bytes, None);
    feed.certificates
        .push(intake::testkit::layout::FileSpec::new(
            "oracle.asc",
            key.clone(),
        ));
    feed.fingerprints
        .push(intake::testkit::keys::fingerprint(&cert));
    // Signed just now: reviewed on the real clock.
    let w = write(&feed);
    let r = try_review_at(&w.feed, "4.2.1", "linux-x86_64", jiff::Timestamp::now()).unwrap();
    assert_status(&r, CheckId::PackageSignature, Status::Pass);
    assert_status(&r, CheckId::PackageDigests, Status::Pass);
    assert_status(&r, CheckId::PackageScripts, Status::Warn);
    let c = check(&r, CheckId::ArchiveSafety);
    assert!(
        c.findings
            .iter()
            .any(|f| f.subject == "/usr/bin/meridian" && f.status == Status::Warn),
        "{c:#?}"
    );
    let (ok, text) = checksig_with_armored(&file, &key);
    assert!(ok, "rpmkeys: {text}");
}

/// `rpmkeys --checksig` with one armored key imported.
fn checksig_with_armored(file: &Path, key: &[u8]) -> (bool, String) {
    let db = tempfile::tempdir().unwrap();
    let dbpath = format!("_dbpath {}", db.path().display());
    let at = db.path().join("key.asc");
    std::fs::write(&at, key).unwrap();
    run(Command::new("rpmkeys")
        .args(["--define", &dbpath, "--import"])
        .arg(&at));
    let out = Command::new("rpmkeys")
        .args(["--define", &dbpath, "--checksig"])
        .arg(file)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}
