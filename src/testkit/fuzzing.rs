//! One input of each fuzz target, run through the same engine function a
//! review calls. The coverage-guided targets in `tests/fuzz/` and the
//! replay of saved inputs in `cargo test` (`tests/it/fuzz_replay.rs`) both
//! call these, so an input that once failed fails the same way in both.
//!
//! Each run asserts the result stays within the bounds the input and the
//! limits allow: a breach is a finding, as a panic is.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::engine::inspect::Limits;
use crate::engine::inspect::deb::CONTROL_MAX;
use crate::engine::inspect::notes::{Contents, declared_contents};
use crate::engine::inspect::report::ArchiveReport;
use crate::engine::inspect::walk::{Walked, walk_file, walk_stream};
use crate::engine::record::audit;
use crate::engine::record::checklist::Record;
use crate::engine::record::history::{History, Location};
use crate::engine::select::feed::Feed;
use crate::engine::shared::limits::SIGNATURE_MAX;
use crate::engine::shared::manifest::parse_manifest;
use crate::engine::verify::checksums;
use crate::engine::verify::signature::{self, parse as sig};
use crate::settings::Settings;

/// A fuzz target: its name (the folder of its corpus and regressions) and
/// how one input is run.
pub type Target = (&'static str, fn(&[u8]));

/// Every target, in the order `scripts/fuzz.sh` runs them.
pub const TARGETS: [Target; 21] = [
    ("feed", feed),
    ("checksums", checksums),
    ("signature", signature),
    ("notes", notes),
    ("tar", tar),
    ("tar_gz", tar_gz),
    ("tar_xz", tar_xz),
    ("tar_zst", tar_zst),
    ("tar_bz2", tar_bz2),
    ("zip", zip),
    ("deb", deb),
    ("pe", pe),
    ("msi", msi),
    ("rpm", rpm),
    ("oci", oci),
    ("manifest", manifest),
    ("checklist", checklist),
    ("history", history),
    ("settings", settings),
    ("sbom", sbom),
    ("apt", apt),
];

/// Small limits, so no input can make a run allocate or loop without bound.
pub fn limits() -> Limits {
    Limits {
        max_expanded: 4 << 20,
        max_ratio: 100,
        ratio_floor: 256 << 10,
        max_entries: 2_000,
        max_name: 1024,
        max_pax: 64 << 10,
        max_name_bytes: 256 << 10,
        max_link_steps: 100_000,
        max_window: 8 << 20,
        platform: "windows-x86_64".to_string(),
    }
}

/// A feed file (`select::feed`), as if read from a folder with nothing in it.
pub fn feed(data: &[u8]) {
    let path = Path::new("/nonexistent/intake-fuzz/feed.toml");
    if let Ok(feed) = Feed::parse(path, data.to_vec()) {
        assert!(
            feed.releases.len() <= data.len(),
            "more releases than bytes"
        );
        for release in &feed.releases {
            let _ = feed.release(&release.version);
        }
    }
}

/// A vendor SBOM (`verify::sbom::read`): whatever it holds, it compared
/// with itself shows no change.
pub fn sbom(data: &[u8]) {
    if let Ok(read) = crate::engine::verify::sbom::read::read(data) {
        let _ = read.problems();
        let same = crate::engine::verify::sbom::compare::compare(&read, &read);
        assert!(same.changes.is_empty(), "{:?}", same.changes);
        assert_eq!(same.unchanged, read.components.len());
    }
}

/// An APT repository's Release file (or InRelease) and Packages index
/// (`verify::apt`): the same bytes through the signed-part check, the
/// Release fields and the stanza reader (plain, and through gzip or xz
/// when they start as one). The reader keeps at most `MAX_MATCHES`
/// stanzas and never more stanzas than lines.
pub fn apt(data: &[u8]) {
    use crate::engine::verify::apt::{self, IndexCodec, packages};
    if let Ok(skipped) = apt::outside_signed_part(data) {
        assert!(skipped <= data.len());
    }
    if let Ok(release) = apt::release::parse(data) {
        assert!(release.sha256.len() <= data.len());
        let _ = release.listed("main/binary-amd64/Packages");
    }
    let wanted = "pool/a.deb";
    let lines = data.split(|b| *b == b'\n').count() as u64;
    let scan = packages::scan(&mut &data[..], wanted);
    assert!(scan.matches.len() <= packages::MAX_MATCHES);
    assert!(scan.stanzas <= lines);
    for (codec, magic) in [
        (IndexCodec::Gzip, &[0x1f, 0x8b][..]),
        (IndexCodec::Xz, b"\xFD7zXZ"),
    ] {
        if data.starts_with(magic) {
            let scan = crate::engine::review::apt::scan_index(&mut &data[..], codec, wanted);
            assert!(scan.matches.len() <= packages::MAX_MATCHES);
        }
    }
}

/// A checksum file (`verify::checksums::parse`).
pub fn checksums(data: &[u8]) {
    let file = checksums::parse(data);
    let lines = data.split(|b| *b == b'\n').count();
    assert!(file.entries.len() + file.unreadable_lines <= lines);
    let _ = file.entries_for("dir/artifact.tar.gz", "artifact.tar.gz");
}

/// A signature file: detached (armored or binary) and cleartext-signed
/// (`verify::signature::parse`), as the verify step tells them apart.
pub fn signature(data: &[u8]) {
    if sig::is_clearsigned(data) {
        if let Ok(c) = sig::clearsigned(data) {
            assert!(c.signatures.len() <= sig::MAX_SIGNATURES);
            assert!(c.text.len() <= data.len());
            let _ = signature::hash_keys(&c.signatures);
            let _ = checksums::parse(&c.text);
        }
    } else if let Ok(found) = sig::detached(data) {
        assert!(found.len() <= sig::MAX_SIGNATURES);
        let _ = signature::hash_keys(&found);
    }
}

/// Release notes' contents table (`inspect::notes::declared_contents`).
pub fn notes(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    for name in ["artifact.tar.gz", "meridian-4.2.1-linux-x86_64.tar.gz"] {
        if let Contents::Declared { entries, problems } = declared_contents(&text, name) {
            assert!(entries.len() + problems.len() <= data.len() + 1);
        }
    }
}

/// A plain tar stream.
pub fn tar(data: &[u8]) {
    archive(data, "artifact.tar");
}

/// A gzip-compressed tar stream.
pub fn tar_gz(data: &[u8]) {
    archive(data, "artifact.tar.gz");
}

/// An xz-compressed tar stream.
pub fn tar_xz(data: &[u8]) {
    archive(data, "artifact.tar.xz");
}

/// A zstd-compressed tar stream.
pub fn tar_zst(data: &[u8]) {
    archive(data, "artifact.tar.zst");
}

/// A bzip2-compressed tar stream.
pub fn tar_bz2(data: &[u8]) {
    archive(data, "artifact.tar.bz2");
}

/// A zip file: read from the file, as a downloaded zip is.
pub fn zip(data: &[u8]) {
    let dir = scratch();
    let path = dir.path().join("artifact.zip");
    if write(&path, data) {
        bounded(&walk_file(&path, "artifact.zip", &limits()));
    }
}

/// A Windows PE image (`inspect::pe`), walked from the stream, and its
/// Authenticode signatures judged (`verify::authenticode`): the table read
/// stays within its limit, whatever the headers claim.
pub fn pe(data: &[u8]) {
    let limits = limits();
    let mut reader = data;
    let walked = walk_stream(
        &mut reader,
        None,
        Some(data.len() as u64),
        "artifact.exe",
        &limits,
    );
    assert!(
        matches!(walked, Walked::Done(_)),
        "a PE image is never deferred"
    );
    let Walked::Done(report) = walked else {
        return;
    };
    bounded(&report);
    if let Some(file) = &report.authenticode {
        judged_within_limits(file);
    }
}

/// A Windows Installer package (`inspect::msi`): see [`super::msi_hostile::fuzz_one`].
pub use super::msi_hostile::fuzz_one as msi;

/// A file's Authenticode signatures, held within the table limit, judged.
pub(crate) fn judged_within_limits(file: &crate::engine::verify::authenticode::SignedFile) {
    let held: usize = file.signatures.iter().map(Vec::len).sum();
    assert!(
        held as u64 <= crate::engine::inspect::pe::TABLE_MAX,
        "signatures past the table limit"
    );
    let trust = crate::engine::verify::authenticode::Trust::default();
    let now = jiff::Timestamp::from_second(1_790_000_000).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    let _ = crate::engine::verify::authenticode::judge(file, Ok(&trust), now);
}

/// A Debian package (`inspect::deb`), walked from the stream; what it says
/// of itself stays within the control member's and a signature's limits.
pub fn deb(data: &[u8]) {
    let limits = limits();
    let mut reader = data;
    let walked = walk_stream(
        &mut reader,
        None,
        Some(data.len() as u64),
        "artifact.deb",
        &limits,
    );
    assert!(
        matches!(walked, Walked::Done(_)),
        "a package is never deferred"
    );
    let Walked::Done(report) = walked else {
        return;
    };
    bounded(&report);
    package_bounded(&report, CONTROL_MAX);
}

/// An RPM package (`inspect::rpm`), walked from the stream; what its
/// headers say stays within their limits.
pub fn rpm(data: &[u8]) {
    let limits = limits();
    let mut reader = data;
    let walked = walk_stream(
        &mut reader,
        None,
        Some(data.len() as u64),
        "artifact.rpm",
        &limits,
    );
    // Bytes of another kind under the name (a zip) may wait for the file.
    let Walked::Done(report) = walked else {
        return;
    };
    bounded(&report);
    // The scripts live in the header, whose store is read up to 64 MiB.
    package_bounded(&report, 64 << 20);
}

/// What a package says of itself stays within its limits: its scripts
/// within `scripts_max` bytes, each signature within the signature limit.
fn package_bounded(report: &crate::engine::inspect::report::ArchiveReport, scripts_max: u64) {
    let Some(package) = &report.package else {
        return;
    };
    let scripts: u64 = package.scripts.iter().map(|s| s.text.len() as u64).sum();
    assert!(scripts <= scripts_max, "scripts past their limit");
    for sig in package
        .signatures
        .iter()
        .filter_map(|s| s.bytes.as_ref().ok())
    {
        assert!(
            sig.len() as u64 <= SIGNATURE_MAX,
            "signature past its limit"
        );
    }
}

/// A container image's tar: walked from the stream, then resolved as the
/// review resolves it (no pin: the first manifest of the index is taken),
/// its entries within the limits of one archive whatever its layers.
pub fn oci(data: &[u8]) {
    use crate::engine::inspect::oci::{Pin, chain};
    let limits = limits();
    let mut reader = data;
    let walked = walk_stream(
        &mut reader,
        None,
        Some(data.len() as u64),
        "artifact.oci.tar",
        &limits,
    );
    let Walked::Done(mut report) = walked else {
        return;
    };
    let pin = Pin {
        digest: None,
        platform: "linux-x86_64".into(),
    };
    chain::settle(&mut report, &pin);
    bounded(&report);
    if let Some(image) = &report.image {
        assert!(
            image.chain.len() <= 2 * chain::MAX_LAYERS + 8,
            "chain past the layer limit"
        );
    }
}

/// The artifact walked from the stream as the read pass delivers it
/// (`inspect::walk::walk_stream`); a kind that needs the file (zip) is
/// walked from a file, as the review does.
fn archive(data: &[u8], name: &str) {
    let limits = limits();
    let mut reader = data;
    let size = Some(data.len() as u64);
    match walk_stream(&mut reader, None, size, name, &limits) {
        Walked::Done(report) => bounded(&report),
        Walked::NeedsTheFile => {
            let dir = scratch();
            let path = dir.path().join(name);
            if write(&path, data) {
                bounded(&walk_file(&path, name, &limits));
            }
        }
    }
}

/// What the limits promise of any report.
pub(crate) fn bounded(report: &ArchiveReport) {
    let l = limits();
    assert!(
        report.entries.len() <= l.max_entries + 1,
        "entries over the limit"
    );
    assert!(
        report.expanded <= 2 * l.max_expanded,
        "expanded past the limit"
    );
    let names: usize = report.entries.iter().map(|e| e.path.len()).sum();
    assert!(names as u64 <= 2 * l.max_name_bytes, "names past the limit");
}

/// A manifest (`shared::manifest::parse_manifest`).
pub fn manifest(data: &[u8]) {
    if let Ok(entries) = parse_manifest(data) {
        assert!(entries.len() <= data.len());
    }
}

/// A checklist record: the TOML as `checklist verify` reads it
/// (`record::audit::read_record`, then the audit of its files).
pub fn checklist(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = toml::from_str::<Record>(text);
    }
    let dir = scratch();
    let path = dir.path().join("checklist.toml");
    if write(&path, data) {
        let _ = audit::read_record(&path);
        let _ = audit::audit(&path, &[], crate::testkit::ts("2026-01-01T00:00:00Z"));
    }
}

/// An approval history (`record::history`): the first byte chooses a TOML
/// history of an earlier version, imported by opening the store's history,
/// or the bytes of the SQLite database itself (what a damaged or hostile
/// file in the store would be). Either way it is then read as a review
/// reads it.
pub fn history(data: &[u8]) {
    let Some((&mode, data)) = data.split_first() else {
        return;
    };
    let dir = scratch();
    let location = Location::in_store(dir.path());
    let placed = if mode % 2 == 0 {
        let folder = dir.path().join("product");
        std::fs::create_dir_all(&folder).is_ok() && write(&folder.join("approvals.toml"), data)
    } else {
        write(&dir.path().join("history.sqlite"), data)
    };
    if !placed {
        return;
    }
    if let Ok(mut history) = History::open(&location, Some(dir.path())) {
        let _ = history.approvals(None, None);
        let _ = history.previous("product", "linux-x86_64");
        let _ = history.countersignatures(None);
    }
}

/// A settings file (`settings::Settings::load_file`).
pub fn settings(data: &[u8]) {
    let dir = scratch();
    let path = dir.path().join("config.toml");
    if write(&path, data) {
        let _ = Settings::load_file(&path);
    }
}

/// A fresh empty folder, removed when dropped.
fn scratch() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

fn write(path: &PathBuf, data: &[u8]) -> bool {
    std::fs::File::create(path)
        .and_then(|mut f| f.write_all(data))
        .is_ok()
}
