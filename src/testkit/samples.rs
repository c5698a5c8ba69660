//! The bundled sample releases (`sample-releases/`), made by the same
//! builders the tests use. Three feeds of the demo product:
//!
//! - `meridian/`: the genuine releases (the demo walk uses this one);
//! - `training/`: one release per lesson, each failing or warning one check
//!   the way a reviewer should learn to recognise;
//! - `stale-feed/`: a feed whose own review date has passed.
//!
//! The demo keys (secret halves included, marked as demo keys) live in
//! `demo-keys/` and are reused when present, so regenerating keeps the
//! fingerprints the feeds pin.

use std::fmt::Write as _;
use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result};
use sequoia_openpgp::Cert;
use sequoia_openpgp::types::{HashAlgorithm, ReasonForRevocation};
use sha2::Digest;

use super::archives::{self, Entry};
use super::hostile::{self, RawTar};
use super::keys::{self, KeySpec, SignSpec};
use super::layout::{FeedSpec, FileSpec, ReleaseSpec};
use super::ts;

/// What a sample release teaches: which check it trips, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lesson {
    pub feed: &'static str,
    pub version: &'static str,
    pub platform: &'static str,
    /// The check that speaks, and its status word.
    pub check: &'static str,
    pub status: &'static str,
    /// The exit code of `intake verify` without waivers.
    pub exit: i32,
    pub what: &'static str,
}

/// Every sample release and what `intake verify` says of it.
pub const LESSONS: &[Lesson] = &[
    Lesson {
        feed: "meridian",
        version: "4.2.1",
        platform: "linux-x86_64",
        check: "checksum.sha256",
        status: "pass",
        exit: 0,
        what: "the newest release, done right: signed SHA256SUMS and signed artifacts",
    },
    Lesson {
        feed: "meridian",
        version: "4.2.1",
        platform: "windows-x86_64",
        check: "checksum.sha256",
        status: "pass",
        exit: 0,
        what: "the same release as a zip",
    },
    Lesson {
        feed: "meridian",
        version: "4.2.0",
        platform: "linux-x86_64",
        check: "release.newest",
        status: "warn",
        exit: 1,
        what: "an older release: approving it needs a written reason (--waive release.newest=...); its SHA256SUMS is clearsigned",
    },
    Lesson {
        feed: "meridian",
        version: "4.1.7",
        platform: "linux-x86_64",
        check: "signature.checksums",
        status: "warn",
        exit: 1,
        what: "signed by the 2025 release key, which expired after signing (key rotation)",
    },
    Lesson {
        feed: "training",
        version: "tampered",
        platform: "linux-x86_64",
        check: "checksum.sha256",
        status: "fail",
        exit: 1,
        what: "the archive was changed after the vendor signed SHA256SUMS",
    },
    Lesson {
        feed: "training",
        version: "unpinned-signer",
        platform: "linux-x86_64",
        check: "signature.checksums",
        status: "fail",
        exit: 1,
        what: "signed by a build bot's key that ships in the release folder but is not pinned",
    },
    Lesson {
        feed: "training",
        version: "md5-only",
        platform: "linux-x86_64",
        check: "checksum.sha256",
        status: "fail",
        exit: 1,
        what: "the only checksum is MD5, which is not evidence",
    },
    Lesson {
        feed: "training",
        version: "sha1-signature",
        platform: "linux-x86_64",
        check: "signature.checksums",
        status: "fail",
        exit: 1,
        what: "the checksum file's signature uses SHA-1",
    },
    Lesson {
        feed: "training",
        version: "revoked-key",
        platform: "linux-x86_64",
        check: "signature.checksums",
        status: "fail",
        exit: 1,
        what: "signed by the 2024 key, since revoked as compromised",
    },
    Lesson {
        feed: "training",
        version: "wrong-size",
        platform: "linux-x86_64",
        check: "fetch.size",
        status: "fail",
        exit: 1,
        what: "the feed's size does not match the bytes",
    },
    Lesson {
        feed: "training",
        version: "unsigned",
        platform: "linux-x86_64",
        check: "signature.checksums",
        status: "fail",
        exit: 1,
        what: "nothing is signed, and the feed requires signatures",
    },
    Lesson {
        feed: "training",
        version: "setuid-helper",
        platform: "linux-x86_64",
        check: "archive.safety",
        status: "fail",
        exit: 1,
        what: "a setuid-root helper whose mode the release notes do not declare",
    },
    Lesson {
        feed: "training",
        version: "path-traversal",
        platform: "linux-x86_64",
        check: "archive.safety",
        status: "fail",
        exit: 1,
        what: "an entry whose `..` path would write to /etc/cron.d when extracted",
    },
    Lesson {
        feed: "training",
        version: "symlink-escape",
        platform: "linux-x86_64",
        check: "archive.safety",
        status: "fail",
        exit: 1,
        what: "a symlink that points out of the install folder, to /etc/ssl/private",
    },
    Lesson {
        feed: "training",
        version: "world-writable",
        platform: "linux-x86_64",
        check: "archive.safety",
        status: "warn",
        exit: 1,
        what: "a configuration file anyone on the host could change (a warning: needs a written reason)",
    },
    Lesson {
        feed: "training",
        version: "two-names",
        platform: "linux-x86_64",
        check: "archive.safety",
        status: "fail",
        exit: 1,
        what: "one entry named two ways: GNU tar installs conf/logging.toml, bsdtar and Python's tarfile overwrite bin/meridian with it",
    },
    Lesson {
        feed: "stale-feed",
        version: "4.2.1",
        platform: "linux-x86_64",
        check: "feed.fresh",
        status: "warn",
        exit: 1,
        what: "the feed's own review date (trust.expires) has passed",
    },
];

struct DemoKeys {
    release: Cert,
    release_2025: Cert,
    release_2024: Cert,
    build_bot: Cert,
}

/// Loads a demo key from `dir/<name>.secret.asc`, or makes and saves it.
fn demo_key(dir: &Path, name: &str, make: impl FnOnce() -> Result<Cert>) -> Result<Cert> {
    let path = dir.join(format!("{name}.secret.asc"));
    if path.is_file() {
        return keys::read_cert(&std::fs::read(&path)?)
            .with_context(|| format!("reading {}", path.display()));
    }
    let cert = make()?;
    std::fs::write(&path, keys::secret_armored_demo(&cert)?)?;
    Ok(cert)
}

fn load_keys(root: &Path) -> Result<DemoKeys> {
    let dir = root.join("demo-keys");
    std::fs::create_dir_all(&dir)?;
    let year = Duration::from_secs(365 * 24 * 3600);
    let release = demo_key(&dir, "northwind-release-2026", || {
        KeySpec::new(
            "Northwind Release Key 2026 (DEMO) <release@northwind.example>",
            ts("2025-06-01T00:00:00Z"),
        )
        .generate()
    })?;
    let release_2025 = demo_key(&dir, "northwind-release-2025", || {
        KeySpec::new(
            "Northwind Release Key 2025 (DEMO) <release@northwind.example>",
            ts("2025-01-01T00:00:00Z"),
        )
        .expires_after(year)
        .generate()
    })?;
    let release_2024 = demo_key(&dir, "northwind-release-2024", || {
        let key = KeySpec::new(
            "Northwind Release Key 2024 (DEMO) <release@northwind.example>",
            ts("2024-01-01T00:00:00Z"),
        )
        .generate()?;
        keys::revoke(
            &key,
            Some(ReasonForRevocation::KeyCompromised),
            ts("2026-02-01T00:00:00Z"),
        )
    })?;
    let build_bot = demo_key(&dir, "northwind-build-bot", || {
        KeySpec::new(
            "Northwind Build Bot (DEMO) <ci@northwind.example>",
            ts("2025-01-01T00:00:00Z"),
        )
        .generate()
    })?;
    std::fs::write(
        dir.join("README.md"),
        "# Demo keys: never trust them\n\nThese secret keys are published on purpose so `cargo run --features testkit --bin make-samples` can\nregenerate the sample releases with the same fingerprints. Anyone can sign with\nthem. Never pin them in a real feed.\n",
    )?;
    Ok(DemoKeys {
        release,
        release_2025,
        release_2024,
        build_bot,
    })
}

/// The files of one version of the demo product.
fn tree(version: &str, windows: bool) -> Vec<Entry> {
    let top = format!("meridian-{version}");
    let seed: u64 = version.bytes().map(u64::from).sum();
    let (binary, helper) = if windows {
        ("meridian.exe", "meridian-healthcheck.cmd")
    } else {
        ("meridian", "meridian-healthcheck")
    };
    vec![
        Entry::dir(&format!("{top}/")),
        Entry::dir(&format!("{top}/bin/")),
        Entry::file(
            &format!("{top}/bin/{binary}"),
            archives::noise(12_000, seed),
        )
        .mode(0o755),
        Entry::file(
            &format!("{top}/bin/{helper}"),
            format!("#!/bin/sh\n# Meridian {version} health check\nexec meridian --check\n"),
        )
        .mode(0o755),
        Entry::dir(&format!("{top}/conf/")),
        Entry::file(
            &format!("{top}/conf/meridian.toml"),
            format!(
                "# Meridian {version}\n[listen]\nhl7 = \"0.0.0.0:2575\"\nfhir = \"127.0.0.1:8080\"\n"
            ),
        ),
        Entry::file(
            &format!("{top}/conf/routes.toml"),
            "[[route]]\nfrom = \"ADT^A01\"\nto = \"ehr\"\n",
        ),
        Entry::file(
            &format!("{top}/README.md"),
            format!("Meridian Interface Engine {version} (demo build: not a real product)\n"),
        ),
        Entry::file(
            &format!("{top}/LICENSE"),
            "Demo material for intake. No rights reserved.\n",
        ),
    ]
}

/// A `## Contents:` table for an archive's files and links.
fn contents_section(file_name: &str, entries: &[Entry]) -> String {
    let mut s = format!("## Contents: {file_name}\n\n| path | size | sha256 |\n|---|---|---|\n");
    for e in entries {
        match &e.kind {
            archives::Kind::File(data) => {
                let sha = hex::encode(sha2::Sha256::digest(data));
                let _ = writeln!(s, "| {} | {} | {sha} |", e.path, data.len());
            }
            archives::Kind::Symlink(target) => {
                let sha = hex::encode(sha2::Sha256::digest(target.as_bytes()));
                let _ = writeln!(s, "| {} | | {sha} |", e.path);
            }
            archives::Kind::Dir => {}
        }
    }
    s.push('\n');
    s
}

/// A tar.gz written header by header (for entries archive tools refuse).
fn raw_tar_gz(entries: &[Entry]) -> Vec<u8> {
    hostile::gz(&raw_tar(entries).finish())
}

/// The entries as a tar written header by header, not yet finished.
fn raw_tar(entries: &[Entry]) -> RawTar {
    let mut t = RawTar::new();
    for e in entries {
        t = match &e.kind {
            archives::Kind::File(data) => t.file_mode(&e.path, e.mode, data),
            archives::Kind::Dir => t.entry(e.path.as_bytes(), hostile::kind::DIR, e.mode, b"", b""),
            archives::Kind::Symlink(target) => t.symlink(&e.path, target),
        };
    }
    t
}

/// A safety lesson: the demo tree plus one hostile entry, which the notes
/// list (without a mode), so only the safety check speaks.
fn safety_lesson(k: &DemoKeys, version: &str, hostile_entry: Entry) -> Result<ReleaseSpec> {
    let mut entries = tree(version, false);
    entries.push(hostile_entry);
    lesson_with_notes(k, version, raw_tar_gz(&entries), &entries)
}

/// The parser-differential lesson: the demo tree, then one entry whose PAX
/// header names the declared `conf/logging.toml` while a GNU long name
/// before the PAX header names `bin/meridian`. GNU tar (and intake's
/// contents table) see the first; bsdtar and Python's tarfile take the
/// second and replace the engine's binary with a configuration file.
fn two_names_lesson(k: &DemoKeys) -> Result<ReleaseSpec> {
    let version = "two-names";
    let entries = tree(version, false);
    let logging = "[log]\nlevel = \"info\"\n";
    let mut declared = entries.clone();
    declared.push(Entry::file("meridian-two-names/conf/logging.toml", logging));
    let tar = raw_tar(&entries)
        .gnu_long_name(b"meridian-two-names/bin/meridian")
        .pax(&[("path", b"meridian-two-names/conf/logging.toml")])
        .file("meridian-two-names/conf/logging.toml", logging.as_bytes());
    lesson_with_notes(k, version, hostile::gz(&tar.finish()), &declared)
}

/// A lesson's release: its tar.gz signed like a good one, with release
/// notes declaring `declared`, so only the safety check speaks.
fn lesson_with_notes(
    k: &DemoKeys,
    version: &str,
    archive: Vec<u8>,
    declared: &[Entry],
) -> Result<ReleaseSpec> {
    let name = format!("meridian-{version}-linux-x86_64.tar.gz");
    let signed_at = ts("2026-03-02T10:14:07Z");
    let files = vec![("linux-x86_64", FileSpec::new(&name, archive))];
    let mut r = ReleaseSpec::signed(version, "2026-03-02", &k.release, signed_at, files)?;
    r.channel = version.to_string();
    let mut notes =
        format!("# Meridian Interface Engine {version}\n\nDemo release notes (safety lesson).\n\n");
    notes.push_str(&contents_section(&name, declared));
    r.notes = Some(FileSpec::new("RELEASE-NOTES.md", notes));
    Ok(r)
}

/// A release of the demo product with the given platforms.
fn release(
    version: &str,
    date: &str,
    signer: &Cert,
    signed_at: &str,
    platforms: &[&str],
) -> Result<ReleaseSpec> {
    let mut files = Vec::new();
    let mut notes = format!(
        "# Meridian Interface Engine {version}\n\nReleased {date}. Demo release notes.\n\n## Fixes\n\n- HL7 ACK timeout no longer drops the message when the peer resets\n- TLS 1.3 session resumption for FHIR endpoints\n\n"
    );
    for platform in platforms {
        let windows = platform.starts_with("windows");
        let entries = tree(version, windows);
        let (name, bytes) = if windows {
            (
                format!("meridian-{version}-{platform}.zip"),
                archives::zip(&entries)?,
            )
        } else {
            (
                format!("meridian-{version}-{platform}.tar.gz"),
                archives::tar_gz(&entries)?,
            )
        };
        notes.push_str(&contents_section(&name, &entries));
        files.push((*platform, FileSpec::new(&name, bytes)));
    }
    let mut r = ReleaseSpec::signed(version, date, signer, ts(signed_at), files)?;
    r.notes = Some(FileSpec::new("RELEASE-NOTES.md", notes));
    Ok(r)
}

fn meridian_feed(k: &DemoKeys) -> Result<FeedSpec> {
    let mut feed = FeedSpec::pinning(&k.release)?;
    feed.certificates[0].name = "northwind-release-2026.asc".into();
    feed.also_pin("northwind-release-2025.asc", &k.release_2025)?;
    feed.expires = Some("2036-12-31".into());
    feed.releases.push(release(
        "4.2.1",
        "2026-03-02",
        &k.release,
        "2026-03-02T10:14:07Z",
        &["linux-x86_64", "windows-x86_64"],
    )?);

    let mut older = release(
        "4.2.0",
        "2026-01-15",
        &k.release,
        "2026-01-15T09:00:00Z",
        &["linux-x86_64", "windows-x86_64"],
    )?;
    let text = older.checksums.bytes.clone();
    older.checksums = FileSpec::new(
        "SHA256SUMS",
        keys::clearsign(&k.release, &text, SignSpec::at(ts("2026-01-15T09:00:00Z")))?,
    );
    older.checksums_signature = None;
    feed.releases.push(older);

    feed.releases.push(release(
        "4.1.7",
        "2025-11-30",
        &k.release_2025,
        "2025-11-30T16:30:00Z",
        &["linux-x86_64"],
    )?);
    Ok(feed)
}

/// One lesson release: a good release on its own channel, then `spoil`.
fn lesson(
    k: &DemoKeys,
    version: &str,
    spoil: impl FnOnce(&mut ReleaseSpec, &DemoKeys) -> Result<()>,
) -> Result<ReleaseSpec> {
    let mut r = release(
        version,
        "2026-03-02",
        &k.release,
        "2026-03-02T10:14:07Z",
        &["linux-x86_64"],
    )?;
    r.channel = version.to_string();
    spoil(&mut r, k)?;
    Ok(r)
}

fn training_feed(k: &DemoKeys) -> Result<FeedSpec> {
    let at = || SignSpec::at(ts("2026-03-02T10:14:07Z"));
    let mut feed = FeedSpec::pinning(&k.release)?;
    feed.certificates[0].name = "northwind-release-2026.asc".into();
    feed.also_pin("northwind-release-2024.asc", &k.release_2024)?;
    feed.expires = Some("2036-12-31".into());
    feed.releases = vec![
        lesson(k, "tampered", |r, _| {
            // The archive rebuilt with another binary after the vendor signed SHA256SUMS.
            let mut entries = tree("tampered", false);
            entries[2] = Entry::file(
                "meridian-tampered/bin/meridian",
                archives::noise(12_000, 666),
            )
            .mode(0o755);
            r.artifacts[0].file.bytes = archives::tar_gz(&entries)?;
            r.artifacts[0].signature = None;
            r.artifacts[0].size = None;
            Ok(())
        })?,
        lesson(k, "unpinned-signer", |r, k| {
            r.resign_checksums(&k.build_bot, at())?;
            r.artifacts[0].signature = None;
            r.extra_files.push(FileSpec::new(
                "northwind-build-bot.asc",
                keys::public_armored(&k.build_bot)?,
            ));
            Ok(())
        })?,
        lesson(k, "md5-only", |r, _| {
            let a = &r.artifacts[0].file;
            let md5 = hex::encode(md5_digest(&a.bytes));
            r.checksums = FileSpec::new("MD5SUMS", format!("{md5}  {}\n", a.name));
            r.checksums_signature = None;
            Ok(())
        })?,
        lesson(k, "sha1-signature", |r, k| {
            r.resign_checksums(&k.release, at().hash(HashAlgorithm::SHA1))?;
            r.artifacts[0].signature = None;
            Ok(())
        })?,
        lesson(k, "revoked-key", |r, k| {
            r.resign_checksums(&k.release_2024, SignSpec::at(ts("2025-06-01T00:00:00Z")))?;
            r.artifacts[0].signature = None;
            Ok(())
        })?,
        lesson(k, "wrong-size", |r, _| {
            r.artifacts[0].size = r.artifacts[0].size.map(|s| s + 4096);
            Ok(())
        })?,
        lesson(k, "unsigned", |r, _| {
            r.checksums_signature = None;
            r.artifacts[0].signature = None;
            Ok(())
        })?,
        safety_lesson(
            k,
            "setuid-helper",
            Entry::file(
                "meridian-setuid-helper/bin/meridian-helper",
                "#!/bin/sh\nexec /bin/sh \"$@\"\n",
            )
            .mode(0o4755),
        )?,
        safety_lesson(
            k,
            "path-traversal",
            Entry::file(
                "meridian-path-traversal/../../etc/cron.d/meridian",
                "* * * * * root /opt/meridian/bin/meridian --phone-home\n",
            ),
        )?,
        safety_lesson(
            k,
            "symlink-escape",
            Entry::symlink(
                "meridian-symlink-escape/conf/tls",
                "../../../../etc/ssl/private",
            ),
        )?,
        safety_lesson(
            k,
            "world-writable",
            Entry::file(
                "meridian-world-writable/conf/logging.toml",
                "[log]\nlevel = \"info\"\n",
            )
            .mode(0o666),
        )?,
        two_names_lesson(k)?,
    ];
    Ok(feed)
}

/// MD5, only to write the lesson's MD5SUMS (never used to judge).
fn md5_digest(data: &[u8]) -> [u8; 16] {
    use sequoia_openpgp::types::HashAlgorithm;
    let mut ctx = match HashAlgorithm::MD5.context() {
        Ok(b) => b.for_digest(),
        Err(_) => return [0; 16],
    };
    ctx.update(data);
    let mut out = [0u8; 16];
    let _ = ctx.digest(&mut out);
    out
}

fn stale_feed(k: &DemoKeys) -> Result<FeedSpec> {
    let mut feed = FeedSpec::pinning(&k.release)?;
    feed.certificates[0].name = "northwind-release-2026.asc".into();
    feed.expires = Some("2026-01-01".into());
    feed.releases.push(release(
        "4.2.1",
        "2026-03-02",
        &k.release,
        "2026-03-02T10:14:07Z",
        &["linux-x86_64"],
    )?);
    Ok(feed)
}

/// Writes every sample into `root` (keys reused when present).
pub fn generate(root: &Path) -> Result<()> {
    let k = load_keys(root)?;
    for (name, feed) in [
        ("meridian", meridian_feed(&k)?),
        ("training", training_feed(&k)?),
        ("stale-feed", stale_feed(&k)?),
    ] {
        let dir = root.join(name);
        if dir.exists() {
            std::fs::remove_dir_all(&dir)?;
        }
        feed.write(&dir)?;
    }
    std::fs::write(root.join("README.md"), readme())?;
    Ok(())
}

fn readme() -> String {
    let mut s = String::from(
        "# Sample releases\n\nDemo material for intake, made by `cargo run --features testkit --bin make-samples` from the same\nbuilders the tests use (`src/testkit/`). The product, vendor and keys are fictional;\nthe keys in `demo-keys/` are published on purpose and must never be trusted.\n\n| feed | release | platform | what it shows | check | status | exit |\n|---|---|---|---|---|---|---|\n",
    );
    for l in LESSONS {
        let _ = writeln!(
            s,
            "| {}/feed.toml | {} | {} | {} | `{}` | {} | {} |",
            l.feed,
            l.version,
            l.platform,
            l.what,
            l.check,
            l.status.to_uppercase(),
            l.exit
        );
    }
    s.push_str(
        "\nTry one:\n\n```\ncargo run --release -- verify sample-releases/training/feed.toml --release tampered \\\n    --platform linux-x86_64 --operator you --approver a.colleague\n```\n",
    );
    s
}
