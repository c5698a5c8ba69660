//! The archive corpus the differential test reads with intake and with the
//! extractors operators use: every builder the project has ([`archives`],
//! every hostile construction the archive tests use, [`hostile`]), the
//! bundled sample releases, and archives made at test time by GNU tar,
//! bsdtar, Info-ZIP zip and Python, so the comparison sees real tools'
//! output and not only refusals.
//!
//! Adding a case is one line in [`builders`] (or in a function it calls):
//! `c.add("family/what-it-is.tar.gz", bytes)`. The name's ending must
//! match the bytes (`.tar`, `.tar.gz`, `.tar.xz`, `.tar.bz2`, `.zip`), as an
//! artifact's would: intake refuses a name that promises another kind.
//! (No `.tar.zst`: Python's tarfile reads zstd only from 3.14.)

mod made;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

pub use made::made_by_tools;

use super::archives::{self, Entry, noise};
use super::hostile::{RawTar, RawZip, ZipEntry, gz, kind, tar_header};

/// One named archive.
#[derive(Debug, Clone)]
pub struct Item {
    /// `family/case.ext`: what the case is, ending like the artifact would.
    pub name: String,
    pub bytes: Vec<u8>,
}

/// A growing list of named archives.
#[derive(Debug, Default)]
pub struct Corpus {
    pub items: Vec<Item>,
}

impl Corpus {
    /// Adds one archive (the one line a new case needs).
    pub fn add(&mut self, name: &str, bytes: Vec<u8>) {
        self.items.push(Item {
            name: name.to_string(),
            bytes,
        });
    }
}

fn tgz(t: RawTar) -> Vec<u8> {
    gz(&t.finish())
}

/// Every in-memory archive: the plain builders and every hostile case.
pub fn builders() -> Corpus {
    let mut c = Corpus::default();
    plain(&mut c);
    names_and_links(&mut c);
    types_and_modes(&mut c);
    zip_structure(&mut c);
    corrupt(&mut c);
    pax_and_gnu(&mut c);
    c
}

/// The [`archives`] builders: legitimate trees in all three kinds.
fn plain(c: &mut Corpus) {
    let tree = [
        Entry::dir("m/"),
        Entry::file("m/a", noise(3000, 7)),
        Entry::file("m/b", b"hello world ".repeat(400)),
        Entry::file("m/empty", Vec::new()),
        Entry::file("m/bin/run", b"#!/bin/sh\n".to_vec()).mode(0o755),
        Entry::symlink("m/c", "a"),
        Entry::symlink("m/bin/up", "../b"),
    ];
    c.add("plain/tree.tar", archives::tar(&tree).unwrap_or_default());
    c.add(
        "plain/tree.tar.gz",
        archives::tar_gz(&tree).unwrap_or_default(),
    );
    c.add("plain/tree.zip", archives::zip(&tree).unwrap_or_default());
    let tar = archives::tar(&tree).unwrap_or_default();
    c.add("plain/tree.tar.xz", archives::xz(&tar).unwrap_or_default());
    c.add(
        "plain/tree.tar.bz2",
        archives::bzip2(&tar).unwrap_or_default(),
    );
    // Two streams, split inside an entry: every reader joins them.
    let (head, rest) = tar.split_at(tar.len().min(700));
    for (name, compress) in [
        (
            "plain/two-streams.tar.xz",
            archives::xz as fn(&[u8]) -> Result<Vec<u8>>,
        ),
        ("plain/two-streams.tar.bz2", archives::bzip2),
    ] {
        let both = compress(head).and_then(|h| Ok([h, compress(rest)?].concat()));
        c.add(name, both.unwrap_or_default());
    }
    let with_link = [
        Entry::dir("m/"),
        Entry::file("m/a", b"alpha".to_vec()),
        Entry::symlink("m/link", "a"),
    ];
    c.add(
        "plain/dir-file-symlink.zip",
        archives::zip(&with_link).unwrap_or_default(),
    );
    c.add(
        "plain/dir-and-files.tar.gz",
        tgz(RawTar::new()
            .entry(b"m/", kind::DIR, 0o755, b"", b"")
            .file("m/a", b"alpha")
            .file("m/b", b"beta")),
    );
    c.add(
        "plain/3mib-noise.tar",
        RawTar::new().file("m/big", &noise(3 << 20, 4)).finish(),
    );
    c.add(
        "plain/pax-and-long-name.tar",
        RawTar::new()
            .pax(&[("path", b"x")])
            .gnu_long_name(b"y")
            .file("m/z", b"z")
            .finish(),
    );
}

fn names_and_links(c: &mut Corpus) {
    for (case, name) in [
        ("absolute", "/etc/cron.d/evil"),
        ("dotdot", "m/../../etc/passwd"),
        ("drive-letter", "C:/Windows/evil.dll"),
        ("backslash", "m\\..\\evil.dll"),
        ("control-chars", "m/a\x1b[2Jb"),
        ("bidi", "m/invoice\u{202e}fdp.exe"),
    ] {
        let t = RawTar::new().file("m/ok", b"ok").file(name, b"x");
        c.add(&format!("names/{case}.tar.gz"), tgz(t));
    }
    c.add(
        "names/same-path-twice.tar.gz",
        tgz(RawTar::new().file("./m/conf", b"a").file("m//conf", b"b")),
    );
    c.add(
        "names/same-path-twice.zip",
        RawZip::new()
            .entry(ZipEntry::new("m/conf", b"a"))
            .entry(ZipEntry::new("m/conf", b"b"))
            .finish(),
    );
    for (case, target) in [
        ("symlink-dotdot-out", "../../../etc/shadow"),
        ("symlink-absolute", "/etc/shadow"),
    ] {
        c.add(
            &format!("links/{case}.tar.gz"),
            tgz(RawTar::new().symlink("m/conf/key", target)),
        );
    }
    c.add(
        "links/symlinks-inside.tar.gz",
        tgz(RawTar::new()
            .file("m/bin/real", b"x")
            .symlink("m/bin/alias", "real")
            .symlink("m/up", "..")),
    );
    c.add(
        "links/chain-through-symlink.tar.gz",
        tgz(RawTar::new()
            .symlink("m/lib", "..")
            .symlink("m/data", "lib/../..")),
    );
    c.add(
        "links/file-through-symlink.tar.gz",
        tgz(RawTar::new()
            .symlink("m/etc", "/etc")
            .file("m/etc/cron.d/evil", b"* * * * * root sh")),
    );
    c.add(
        "links/hardlink-out.tar.gz",
        tgz(RawTar::new().hardlink("m/passwd", "../etc/passwd")),
    );
    c.add(
        "links/hardlink-inside.tar.gz",
        tgz(RawTar::new().file("m/a", b"x").hardlink("m/b", "m/a")),
    );
}

fn types_and_modes(c: &mut Corpus) {
    c.add(
        "types/devices-and-fifo.tar.gz",
        tgz(RawTar::new()
            .entry(b"m/dev/sda", kind::BLOCK, 0o660, b"", b"")
            .entry(b"m/dev/tty", kind::CHAR, 0o660, b"", b"")
            .entry(b"m/run/pipe", kind::FIFO, 0o600, b"", b"")),
    );
    let mut socket = ZipEntry::new("m/run/sock", b"");
    socket.unix_mode = 0o140755;
    c.add("types/socket.zip", RawZip::new().entry(socket).finish());
    c.add(
        "types/unknown-type.tar.gz",
        tgz(RawTar::new().entry(b"m/odd", b'Z', 0o644, b"", b"")),
    );
    c.add(
        "modes/setuid.tar.gz",
        tgz(RawTar::new().file_mode("m/bin/helper", 0o4755, b"#!/bin/sh\n")),
    );
    c.add(
        "modes/world-writable.tar.gz",
        tgz(RawTar::new().file_mode("m/conf/logging.toml", 0o666, b"x")),
    );
}

fn zip_structure(c: &mut Corpus) {
    let mut renamed = ZipEntry::new("m/readme.txt", b"hello");
    renamed.local_name = Some(b"m/evil.exe!!".to_vec());
    c.add(
        "zip/local-name-differs.zip",
        RawZip::new().entry(renamed).finish(),
    );
    let mut resized = ZipEntry::new("m/readme.txt", b"hello");
    resized.local_size = Some(999);
    c.add(
        "zip/local-size-differs.zip",
        RawZip::new().entry(resized).finish(),
    );
    let mut secret = ZipEntry::new("m/secret.bin", b"ciphertext");
    secret.encrypted = true;
    c.add(
        "zip/encrypted.zip",
        RawZip::new()
            .entry(ZipEntry::new("m/a", b"a"))
            .entry(secret)
            .finish(),
    );
    c.add(
        "zip/overlapping.zip",
        RawZip::new()
            .entry(ZipEntry::new("m/big", &vec![0u8; 10_000]))
            .alias("m/big-again", 0)
            .alias("m/big-thrice", 0)
            .finish(),
    );
    c.add(
        "zip/entry-bomb.zip",
        RawZip::new()
            .entry(ZipEntry::new("m/a", b"a"))
            .entry(ZipEntry::new("m/zeros", &vec![0u8; 4 << 20]))
            .finish(),
    );
    let mut stored = ZipEntry::new("m/stored.txt", b"stored, not deflated");
    stored.deflate = false;
    c.add(
        "zip/stored-and-deflated.zip",
        RawZip::new()
            .entry(stored)
            .entry(ZipEntry::new("m/deflated.txt", &b"deflated ".repeat(50)))
            .finish(),
    );
}

fn corrupt(c: &mut Corpus) {
    c.add(
        "bombs/archive-bomb.tar.gz",
        tgz(RawTar::new().file("m/zeros", &vec![0u8; 24 << 20])),
    );
    let good = RawTar::new()
        .file("m/a", &noise(5000, 1))
        .file("m/b", &noise(5000, 2))
        .finish();
    c.add(
        "corrupt/truncated-in-entry.tar",
        good.get(..7000).unwrap_or_default().to_vec(),
    );
    c.add(
        "corrupt/no-end-marker.tar",
        RawTar::new().file("m/a", b"x").unfinished(),
    );
    let mut bad = good.clone();
    if let Some(b) = bad.get_mut(5632 + 10) {
        *b ^= 0xFF;
    }
    c.add("corrupt/bad-header-checksum.tar", bad);
    let mut gzip = gz(&good);
    let mid = gzip.len() / 2;
    for b in gzip.iter_mut().skip(mid).take(2) {
        *b ^= 0xFF;
    }
    c.add("corrupt/bad-gzip.tar.gz", gzip);
    let zip = archives::zip(&[Entry::file("m/a", noise(5000, 3))]).unwrap_or_default();
    c.add(
        "corrupt/zip-cut-short.zip",
        zip.get(..zip.len().saturating_sub(30))
            .unwrap_or_default()
            .to_vec(),
    );
    let mut hidden = RawTar::new().file("m/a", b"x").finish();
    hidden.extend_from_slice(b"#!/bin/sh\nrm -rf /\n");
    c.add("corrupt/data-after-end.tar", hidden);
    c.add(
        "kinds/plain-tar-named-gz.tar.gz",
        RawTar::new().file("m/a", b"x").finish(),
    );
}

fn pax_and_gnu(c: &mut Corpus) {
    c.add(
        "pax/path-dotdot.tar.gz",
        tgz(RawTar::new()
            .pax(&[("path", b"../../etc/cron.d/evil")])
            .file("m/harmless.txt", b"x")),
    );
    c.add(
        "pax/linkpath-absolute.tar.gz",
        tgz(RawTar::new()
            .pax(&[("linkpath", b"/etc/shadow")])
            .symlink("m/key", "ok")),
    );
    c.add(
        "gnu/long-name-dotdot.tar.gz",
        tgz(RawTar::new()
            .gnu_long_name(format!("m/{}/../../../../x", "d".repeat(120)).as_bytes())
            .file("m/short", b"x")),
    );
    c.add(
        "pax/size-honoured.tar.gz",
        tgz(RawTar::new()
            .pax(&[("size", b"5")])
            .raw(&tar_header(b"m/a", kind::FILE, 0o644, 0, b""))
            .raw(b"hello")
            .raw(&[0u8; 507])
            .file("m/b", b"b")),
    );
    c.add(
        "gnu/huge-long-name.tar",
        RawTar::new()
            .raw(&tar_header(
                b"././@LongLink",
                kind::GNU_LONGNAME,
                0,
                1 << 40,
                b"",
            ))
            .finish(),
    );
}

/// Every `.tar`, `.tar.gz` and `.zip` under `root` (the sample releases),
/// named by their path below it.
pub fn sample_releases(root: &Path) -> Result<Corpus> {
    let mut c = Corpus::default();
    let mut stack = vec![root.to_path_buf()];
    let mut found: Vec<PathBuf> = Vec::new();
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).with_context(|| format!("{}", dir.display()))? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Some(name) = path.to_str()
                && [".tar", ".tar.gz", ".zip"]
                    .iter()
                    .any(|x| name.ends_with(x))
            {
                found.push(path);
            }
        }
    }
    found.sort();
    for path in found {
        let name = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .display()
            .to_string();
        c.add(&format!("samples/{name}"), std::fs::read(&path)?);
    }
    Ok(c)
}
