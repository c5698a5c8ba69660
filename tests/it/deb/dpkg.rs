//! `dpkg-deb` as the oracle: on the same package files, `dpkg-deb
//! --contents` lists the same entries (path, type, size, mode, link
//! target) as intake, and `dpkg-deb --field` the same Package, Version
//! and Architecture; packages whose structure intake refuses because dpkg
//! refuses it, dpkg-deb refuses too. With `CI` set a missing dpkg-deb
//! fails the test; otherwise it is skipped loudly.

use std::path::Path;
use std::process::Command;

use intake::engine::inspect::compress::Codec;
use intake::engine::inspect::deb::rooted::installed;
use intake::engine::inspect::report::{ArchiveReport, EntryKind};
use intake::testkit::deb::{DataEntry, DebSpec, ar};
use intake::tui::rows::mode_string;

use super::{NAME, spec};
use crate::support::*;

/// Whether dpkg-deb runs here; without it, fails under CI, else says so.
fn dpkg_deb() -> bool {
    if Command::new("dpkg-deb").arg("--version").output().is_ok() {
        return true;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "dpkg-deb is not installed (Debian package dpkg), and CI is set"
    );
    eprintln!(
        "\n!!!!! deb: dpkg-deb is NOT INSTALLED (Debian package dpkg): intake's reading of \
         packages is NOT compared with dpkg's. Set CI to make this a failure. !!!!!\n"
    );
    false
}

/// One line of a listing: installed path, mode string, size, link target.
type Line = (Vec<u8>, String, u64, Option<Vec<u8>>);

/// What `dpkg-deb --contents` lists (GNU tar's verbose listing).
fn dpkg_listing(file: &Path) -> Vec<Line> {
    let out = Command::new("dpkg-deb")
        .arg("--contents")
        .arg(file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|line| {
            // mode owner size date time path[ -> target | link to target]
            let mut rest = line;
            let mut cols = Vec::new();
            for _ in 0..5 {
                rest = rest.trim_start();
                let end = rest.find(' ').unwrap();
                cols.push(&rest[..end]);
                rest = &rest[end..];
            }
            let rest = &rest[1..];
            let (path, target) = match (rest.split_once(" -> "), rest.split_once(" link to ")) {
                (Some((p, t)), _) => (p, Some(t.as_bytes().to_vec())),
                (_, Some((p, t))) => (p, Some(installed(t.as_bytes()))),
                _ => (rest, None),
            };
            let size = if cols[0].starts_with('-') {
                cols[2].parse().unwrap()
            } else {
                0
            };
            (
                installed(path.as_bytes()),
                cols[0].to_string(),
                size,
                target,
            )
        })
        .collect()
}

fn intake_listing(r: &ArchiveReport) -> Vec<Line> {
    r.entries
        .iter()
        .map(|e| {
            let target = match &e.kind {
                EntryKind::Symlink(t) | EntryKind::Hardlink(t) => Some(t.clone()),
                _ => None,
            };
            (
                e.path.clone(),
                mode_string(e.kind.word(), e.mode),
                e.size,
                target,
            )
        })
        .collect()
}

/// `Package`, `Version` and `Architecture` as dpkg-deb reads them.
fn dpkg_fields(file: &Path) -> Vec<String> {
    ["Package", "Version", "Architecture"]
        .iter()
        .map(|f| {
            let out = Command::new("dpkg-deb")
                .arg("--field")
                .arg(file)
                .arg(f)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            String::from_utf8(out.stdout).unwrap().trim().to_string()
        })
        .collect()
}

/// Packages intake accepts: each compression, scripts, modes and links.
fn accepted() -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for (control, data) in [
        (Some(Codec::Xz), Some(Codec::Xz)),
        (Some(Codec::Gzip), Some(Codec::Gzip)),
        (Some(Codec::Zstd), Some(Codec::Zstd)),
        (None, Some(Codec::Bzip2)),
        (Some(Codec::Gzip), None),
    ] {
        let mut s = spec();
        (s.control_codec, s.data_codec) = (control, data);
        out.push((format!("{control:?}-{data:?}"), s.build().unwrap()));
    }
    let mut s = DebSpec::new("meridian-agent", "1:4.2.1~rc1-0+deb12u1", "all")
        .script("postinst", "#!/bin/sh\nexit 0\n");
    s.data.extend([
        DataEntry::Dir("./etc/".into()),
        DataEntry::File(
            "./etc/meridian.conf".into(),
            0o640,
            b"port = 8443\n".to_vec(),
        ),
        DataEntry::File(
            "./usr/bin/meridian-ping".into(),
            0o4755,
            b"\x7fELF".to_vec(),
        ),
        DataEntry::Symlink("./usr/bin/m".into(), "/usr/bin/meridian-agent".into()),
    ]);
    out.push((
        "agent".into(),
        s.signed(vendor(), intake::testkit::keys::SignSpec::at(signed()))
            .unwrap(),
    ));
    out
}

#[test]
fn dpkg_deb_lists_what_intake_lists() {
    if !dpkg_deb() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for (what, bytes) in accepted() {
        let file = dir.path().join(NAME);
        std::fs::write(&file, &bytes).unwrap();
        let r = inspect_bytes(NAME, &bytes);
        assert!(r.stopped.is_none(), "{what}: {:#?}", r.findings);
        assert_eq!(intake_listing(&r), dpkg_listing(&file), "{what}");
        let p = r.package.as_deref().unwrap();
        let ours = [&p.name, &p.version, &p.architecture].map(|v| v.clone().unwrap());
        assert_eq!(ours.to_vec(), dpkg_fields(&file), "{what}");
    }
}

/// A package dpkg-deb itself builds (each compression it makes) reads as
/// dpkg-deb lists it: intake is not only consistent with its own builder.
#[test]
fn a_package_dpkg_deb_built_is_read_as_dpkg_deb_lists_it() {
    if !dpkg_deb() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("root");
    std::fs::create_dir_all(root.join("DEBIAN")).unwrap();
    std::fs::create_dir_all(root.join("usr/bin")).unwrap();
    std::fs::create_dir_all(root.join("etc/meridian")).unwrap();
    let s = spec();
    std::fs::write(root.join("DEBIAN/control"), s.control_text()).unwrap();
    std::fs::write(root.join("DEBIAN/postinst"), "#!/bin/sh\nexit 0\n").unwrap();
    let bin = root.join("usr/bin/meridian");
    std::fs::write(&bin, intake::testkit::archives::noise(70_000, 5)).unwrap();
    std::fs::write(root.join("etc/meridian/meridian.toml"), "port = 8443\n").unwrap();
    std::fs::hard_link(&bin, root.join("usr/bin/meridian-cli")).unwrap();
    std::os::unix::fs::symlink("meridian", root.join("usr/bin/meridian-server")).unwrap();
    for (path, mode) in [("DEBIAN/postinst", 0o755), ("usr/bin/meridian", 0o755)] {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(root.join(path), std::fs::Permissions::from_mode(mode)).unwrap();
    }
    for z in ["xz", "gzip", "zstd", "none"] {
        let file = dir.path().join(format!("{z}.deb"));
        let built = Command::new("dpkg-deb")
            .args(["--root-owner-group", &format!("-Z{z}"), "--build"])
            .arg(&root)
            .arg(&file)
            .output()
            .unwrap();
        if !built.status.success() {
            // An older dpkg-deb without zstd: the others still count.
            eprintln!("dpkg-deb -Z{z}: {}", String::from_utf8_lossy(&built.stderr));
            continue;
        }
        let bytes = std::fs::read(&file).unwrap();
        let r = inspect_bytes(NAME, &bytes);
        assert!(r.findings.is_empty(), "-Z{z}: {:#?}", r.findings);
        assert_eq!(intake_listing(&r), dpkg_listing(&file), "-Z{z}");
        let p = r.package.as_deref().unwrap();
        assert_eq!(p.scripts.len(), 1, "-Z{z}");
        assert_eq!(p.scripts[0].text, b"#!/bin/sh\nexit 0\n");
        let ours = [&p.name, &p.version, &p.architecture].map(|v| v.clone().unwrap());
        assert_eq!(ours.to_vec(), dpkg_fields(&file), "-Z{z}");
        signed_with_gnu_ar(&file, dir.path());
    }
}

/// Signs a dpkg-deb package as debsigs does, with GNU `ar` appending the
/// `_gpgorigin` member (a GNU-style name, `_gpgorigin/`): intake hashes
/// exactly the covered members' bytes, which `ar x` gives back.
fn signed_with_gnu_ar(file: &Path, dir: &Path) {
    let work = tempfile::tempdir_in(dir).unwrap();
    let ar = |op: &str, members: &[&str]| {
        let out = Command::new("ar")
            .arg(op)
            .arg(file)
            .args(members)
            .current_dir(work.path())
            .output();
        out.is_ok_and(|o| o.status.success())
    };
    if !ar("x", &[]) {
        eprintln!("SKIPPED: GNU ar is not installed; the _gpgorigin member is not checked");
        return;
    }
    let mut names: Vec<String> = std::fs::read_dir(work.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort_by_key(|n| {
        ["debian-binary", "control", "data"]
            .iter()
            .position(|p| n.starts_with(p))
    });
    let covered: Vec<u8> = names
        .iter()
        .flat_map(|n| std::fs::read(work.path().join(n)).unwrap())
        .collect();
    let sig = intake::testkit::keys::sign_detached(
        vendor(),
        &covered,
        intake::testkit::keys::SignSpec::at(signed()).binary(),
    )
    .unwrap();
    std::fs::write(work.path().join("_gpgorigin"), sig).unwrap();
    assert!(ar("q", &["_gpgorigin"]));
    let r = inspect_bytes(NAME, &std::fs::read(file).unwrap());
    assert!(r.findings.is_empty(), "{:#?}", r.findings);
    let embedded = r.package.unwrap().signatures.remove(0);
    let key = intake::engine::fetch::hashers::HashKey::plain(
        sequoia_openpgp::types::HashAlgorithm::SHA256,
    );
    let digest = embedded.signed.digest(&key).unwrap();
    assert_eq!(
        hex::encode(digest),
        hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&covered))
    );
    assert_eq!(embedded.member, "_gpgorigin");
}

#[test]
fn dpkg_deb_refuses_the_structures_intake_refuses_as_dpkg_s() {
    if !dpkg_deb() {
        return;
    }
    let members = spec().members().unwrap();
    let good = ar(&members);
    let mut swapped = members.clone();
    swapped.swap(1, 2);
    let mut bz2_control = members.clone();
    bz2_control[1] = (
        "control.tar.bz2".into(),
        intake::testkit::archives::bzip2(&spec().control_tar()).unwrap(),
    );
    let mut two_controls = members.clone();
    two_controls.insert(2, members[1].clone());
    let mut version3 = members.clone();
    version3[0].1 = b"3.0\n".to_vec();
    let dir = tempfile::tempdir().unwrap();
    for (what, bytes) in [
        ("data before control", ar(&swapped)),
        ("a bzip2 control member", ar(&bz2_control)),
        ("two control members", ar(&two_controls)),
        ("format 3.0", ar(&version3)),
        ("cut inside data", good[..good.len() - 200].to_vec()),
    ] {
        let r = inspect_bytes(NAME, &bytes);
        assert!(
            r.findings
                .iter()
                .any(|f| f.status == intake::engine::shared::check::Status::Fail),
            "{what}: intake accepts it"
        );
        let file = dir.path().join(NAME);
        std::fs::write(&file, &bytes).unwrap();
        let out = Command::new("dpkg-deb")
            .arg("--contents")
            .arg(&file)
            .output()
            .unwrap();
        assert!(!out.status.success(), "{what}: dpkg-deb accepts it");
    }
}
