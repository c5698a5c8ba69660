//! Archives made at test time by the real tools (GNU tar in four formats,
//! bsdtar, Info-ZIP zip, Python's tarfile and zipfile) from one source tree
//! with what real releases carry, so the differential test compares intake
//! with the tools on their own output, not only on hand-made bytes.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

use super::Corpus;
use crate::testkit::archives::noise;

/// A source tree with what real releases carry: long names (over the
/// 100-byte ustar field), symlinks, a hard link, setuid and sticky bits,
/// an empty file, spaces and UTF-8 in names.
fn source_tree(root: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let long = format!("m/{}/{}", "deep-folder-name".repeat(5), "n".repeat(80));
    for (path, data, mode) in [
        (
            "m/bin/server",
            b"#!/bin/sh\necho server\n".as_slice(),
            0o755,
        ),
        ("m/bin/helper", b"#!/bin/sh\nid\n".as_slice(), 0o4755),
        ("m/conf/app.toml", b"port = 8443\n".as_slice(), 0o640),
        ("m/empty", b"".as_slice(), 0o644),
        ("m/with space.txt", b"spaces\n".as_slice(), 0o644),
        ("m/caf\u{e9}.txt", b"utf-8\n".as_slice(), 0o644),
        (long.as_str(), b"long name\n".as_slice(), 0o644),
    ] {
        let file = root.join(path);
        if let Some(parent) = file.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&file, data)?;
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(mode))?;
    }
    std::fs::write(root.join("m/data.bin"), noise(70_000, 9))?;
    std::fs::create_dir_all(root.join("m/spool"))?;
    std::fs::set_permissions(
        root.join("m/spool"),
        std::fs::Permissions::from_mode(0o1777),
    )?;
    std::os::unix::fs::symlink("../bin/server", root.join("m/conf/server-link"))?;
    std::os::unix::fs::symlink("n".repeat(120), root.join("m/long-target"))?;
    std::fs::hard_link(root.join("m/bin/server"), root.join("m/bin/server-again"))?;
    Ok(())
}

fn run(cmd: &mut Command) -> Result<()> {
    let out = cmd
        .output()
        .with_context(|| format!("could not run {cmd:?}"))?;
    if !out.status.success() {
        bail!(
            "{cmd:?} failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(())
}

/// Python that writes `m/` as a zip (zipfile) or a tar (tarfile, argv[3]
/// the format) from the current folder.
const PY_MAKE: &str = r#"
import os, sys, tarfile, zipfile
kind, out = sys.argv[1], sys.argv[2]
if kind == "zip":
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for top, dirs, files in os.walk("m"):
            dirs.sort()
            z.write(top)
            for f in sorted(files):
                p = os.path.join(top, f)
                if not os.path.islink(p):
                    z.write(p)
else:
    fmt = {"gnu": tarfile.GNU_FORMAT, "pax": tarfile.PAX_FORMAT}[sys.argv[3]]
    with tarfile.open(out, "w", format=fmt) as t:
        t.add("m")
"#;

/// Archives made by the real tools from [`source_tree`], in `work`. A tool
/// that is missing or fails is an error naming it; `wanted` says which
/// makers to run (`gnu-tar`, `bsdtar`, `zip`, `python3`).
pub fn made_by_tools(work: &Path, wanted: &[&str]) -> Result<Corpus> {
    let src = work.join("src");
    std::fs::create_dir_all(&src)?;
    source_tree(&src)?;
    let mut c = Corpus::default();
    // `program before… OUT after…`, run in the source folder.
    let mut made = |name: &str, program: &str, before: &[&str], after: &[&str]| -> Result<()> {
        let out = work.join(name.replace('/', "_"));
        run(Command::new(program)
            .args(before)
            .arg(&out)
            .args(after)
            .current_dir(&src))?;
        c.add(name, std::fs::read(&out)?);
        Ok(())
    };
    let owner = ["--owner=0", "--group=0", "--sort=name"];
    if wanted.contains(&"gnu-tar") {
        // ustar has no room for a link target over 100 bytes: that one
        // symlink is left out of the ustar archive (the long name fits its
        // prefix field).
        for format in ["gnu", "posix", "oldgnu"] {
            let fmt = format!("--format={format}");
            let before = [owner.as_slice(), &[fmt.as_str(), "-cf"]].concat();
            made(
                &format!("made/gnu-tar-{format}.tar"),
                "tar",
                &before,
                &["m"],
            )?;
        }
        let before = [owner.as_slice(), &["--format=ustar", "-cf"]].concat();
        made(
            "made/gnu-tar-ustar.tar",
            "tar",
            &before,
            &["--exclude=m/long-target", "m"],
        )?;
        let before = [owner.as_slice(), &["--format=posix", "-czf"]].concat();
        made("made/gnu-tar-posix.tar.gz", "tar", &before, &["m"])?;
    }
    if wanted.contains(&"bsdtar") {
        for format in ["pax", "gnutar"] {
            let fmt = format!("--format={format}");
            made(
                &format!("made/bsdtar-{format}.tar"),
                "bsdtar",
                &[fmt.as_str(), "-cf"],
                &["m"],
            )?;
        }
        made(
            "made/bsdtar-zip.zip",
            "bsdtar",
            &["--format=zip", "-cf"],
            &["m"],
        )?;
    }
    if wanted.contains(&"zip") {
        made("made/info-zip.zip", "zip", &["-qry", "-X"], &["m"])?;
    }
    if wanted.contains(&"python3") {
        made(
            "made/python-zipfile.zip",
            "python3",
            &["-c", PY_MAKE, "zip"],
            &[],
        )?;
        for format in ["gnu", "pax"] {
            made(
                &format!("made/python-tarfile-{format}.tar"),
                "python3",
                &["-c", PY_MAKE, "tar"],
                &[format],
            )?;
        }
    }
    Ok(c)
}
