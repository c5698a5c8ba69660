//! Shared builders: keys made once per test binary, feeds written into
//! temporary folders, and a one-call review with a pinned clock.

#![allow(dead_code)]

pub mod tls;
pub mod tui;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use intake::engine::review::{self, Request, Review};
use intake::engine::select::feed::Feed;
use intake::engine::shared::check::{Check, CheckId, Status};
use intake::engine::shared::error::Error;
use intake::engine::shared::event::{Cancel, Quiet};
use intake::engine::verify::signature::TrustStore;
use intake::testkit::keys::KeySpec;
use intake::testkit::layout::{FeedSpec, FileSpec, ReleaseSpec};
use intake::testkit::ts;
use jiff::Timestamp;
use sequoia_openpgp::Cert;

/// When the test keys were made.
pub fn key_created() -> Timestamp {
    ts("2025-01-01T00:00:00Z")
}

/// When the test releases were signed.
pub fn signed() -> Timestamp {
    ts("2026-03-02T10:14:07Z")
}

/// The review's clock in tests.
pub fn now() -> Timestamp {
    ts("2026-11-22T12:00:00Z")
}

/// The vendor's release key (Ed25519, no expiry), made once per binary.
pub fn vendor() -> &'static Cert {
    static KEY: OnceLock<Cert> = OnceLock::new();
    KEY.get_or_init(|| {
        KeySpec::new(
            "Northwind Release Key <release@northwind.example>",
            key_created(),
        )
        .generate()
        .unwrap()
    })
}

/// A second vendor key, for thresholds.
pub fn second_vendor() -> &'static Cert {
    static KEY: OnceLock<Cert> = OnceLock::new();
    KEY.get_or_init(|| {
        KeySpec::new(
            "Northwind Security Officer <security@northwind.example>",
            key_created(),
        )
        .generate()
        .unwrap()
    })
}

/// A key nobody pinned.
pub fn stranger() -> &'static Cert {
    static KEY: OnceLock<Cert> = OnceLock::new();
    KEY.get_or_init(|| {
        KeySpec::new("Northwind Build Bot <ci@northwind.example>", key_created())
            .generate()
            .unwrap()
    })
}

/// A small single-file artifact.
pub fn binary_artifact() -> FileSpec {
    FileSpec::new(
        "meridian-4.2.1-linux-x86_64.bin",
        intake::testkit::archives::noise(100_000, 1),
    )
}

/// A good release of one single-file artifact, signed by the vendor.
pub fn good_release() -> ReleaseSpec {
    ReleaseSpec::signed(
        "4.2.1",
        "2026-03-02",
        vendor(),
        signed(),
        vec![("linux-x86_64", binary_artifact())],
    )
    .unwrap()
}

/// A feed pinning the vendor, holding one good release.
pub fn good_feed() -> FeedSpec {
    let mut feed = FeedSpec::pinning(vendor()).unwrap();
    feed.releases.push(good_release());
    feed
}

/// A feed written into a fresh temporary folder.
pub struct Written {
    pub dir: tempfile::TempDir,
    pub feed: PathBuf,
}

pub fn write(spec: &FeedSpec) -> Written {
    let dir = tempfile::tempdir().unwrap();
    let feed = spec.write(dir.path()).unwrap();
    Written { dir, feed }
}

/// Runs the review of `version`/`platform` with the pinned clock.
pub fn try_review_at(
    feed_path: &Path,
    version: &str,
    platform: &str,
    now: Timestamp,
) -> Result<Review, Error> {
    let feed = Feed::load(feed_path)?;
    let trust = TrustStore::load(&feed)?;
    let request = Request {
        version: version.into(),
        platform: platform.into(),
        now,
        fetch: intake::engine::fetch::open::FetchSettings {
            offline: true,
            ..Default::default()
        },
        limits: Default::default(),
        stage_dir: None,
        previous: intake::engine::select::rollback::Previous::None,
        approvals: Vec::new(),
        sbom_baseline: intake::engine::verify::sbom::Baseline::None("none".into()),
    };
    review::run(&feed, &trust, &request, &mut Quiet, &Cancel::new())
}

pub fn review(spec: &FeedSpec) -> Review {
    let w = write(spec);
    let r = spec.releases.first().unwrap();
    try_review_at(&w.feed, &r.version, &r.artifacts[0].platform, now()).unwrap()
}

pub fn check(review: &Review, id: CheckId) -> &Check {
    review.check(id).unwrap_or_else(|| panic!("no check {id}"))
}

/// Asserts a check's status, showing the whole check when it differs.
#[track_caller]
pub fn assert_status(review: &Review, id: CheckId, want: Status) -> &Check {
    let c = check(review, id);
    assert_eq!(c.status, want, "{id}: {c:#?}");
    c
}

/// A home for the data and cache folders of every `intake` the tests run,
/// so no test writes into the real store or cache.
pub fn xdg_home() -> &'static Path {
    static HOME: OnceLock<tempfile::TempDir> = OnceLock::new();
    HOME.get_or_init(|| tempfile::tempdir().unwrap()).path()
}

/// The `intake` binary, with its data and cache folders inside the tests' own.
pub fn intake_bin() -> assert_cmd::Command {
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("intake"));
    isolate(&mut cmd);
    assert_cmd::Command::from_std(cmd)
}

/// The running test's data folder (its default store and approval
/// history): one per test, so tests approving different bytes under the
/// same product id are not each other's earlier approvals.
pub fn data_home() -> PathBuf {
    let test = std::thread::current()
        .name()
        .unwrap_or("main")
        .replace(|c: char| !c.is_ascii_alphanumeric(), "_");
    xdg_home().join("data").join(test)
}

/// The temporary folder the tests' `intake` runs use (the demo review
/// writes its checklist there).
pub fn tmp_home() -> PathBuf {
    let tmp = xdg_home().join("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    tmp
}

/// Points a command's data, cache and temporary folders inside the tests' own.
pub fn isolate(cmd: &mut std::process::Command) {
    cmd.env("XDG_DATA_HOME", data_home())
        .env("XDG_CACHE_HOME", xdg_home().join("cache"))
        .env("TMPDIR", tmp_home())
        .env("NO_COLOR", "1");
}

/// What a review by the real binary did: its exit code, how long it took,
/// and its peak resident memory (KiB, from /proc; 0 where that is missing).
pub struct Watched {
    pub code: Option<i32>,
    pub took: std::time::Duration,
    pub peak_kib: u64,
}

/// Reviews the one linux-x86_64 artifact of `bytes` (named `name`, release
/// 4.2.1, signed by the test vendor) with `intake verify`, the checklist
/// written into `out`, watching the process's peak memory as it runs.
pub fn verify_watching_memory(name: &str, bytes: Vec<u8>, out: &Path) -> Watched {
    let w = write(&one_artifact_feed("linux-x86_64", name, bytes, None));
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("intake"));
    isolate(&mut child);
    let started = std::time::Instant::now();
    let mut child = child
        .args(["verify", w.feed.to_str().unwrap(), "--release", "4.2.1"])
        .args([
            "--platform",
            "linux-x86_64",
            "--operator",
            "a",
            "--approver",
            "b",
        ])
        .arg("--checklist-dir")
        .arg(out)
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut peak_kib = 0;
    let status = loop {
        if let Some(kib) = peak_kib_of(child.id()) {
            peak_kib = peak_kib.max(kib);
        }
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    };
    Watched {
        code: status.code(),
        took: started.elapsed(),
        peak_kib,
    }
}

/// A process's peak resident memory so far (Linux).
fn peak_kib_of(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The first file in `dir` with `extension`.
pub fn file_with_extension(dir: &Path, extension: &str) -> PathBuf {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == extension))
        .unwrap()
}

/// A feed pinning the test vendor with one release, 4.2.1, of one artifact
/// (`name` for `platform`), signed, with `notes` as its release notes.
pub fn one_artifact_feed(
    platform: &str,
    name: &str,
    bytes: Vec<u8>,
    notes: Option<String>,
) -> FeedSpec {
    let mut release = ReleaseSpec::signed(
        "4.2.1",
        "2026-03-02",
        vendor(),
        signed(),
        vec![(platform, FileSpec::new(name, bytes))],
    )
    .unwrap();
    release.notes = notes.map(|n| FileSpec::new("RELEASE-NOTES.md", n));
    let mut feed = FeedSpec::pinning(vendor()).unwrap();
    feed.releases.push(release);
    feed
}

/// Reviews one artifact (see [`one_artifact_feed`]).
pub fn review_artifact(
    platform: &str,
    name: &str,
    bytes: Vec<u8>,
    notes: Option<String>,
) -> Review {
    review(&one_artifact_feed(platform, name, bytes, notes))
}

/// The review's `archive.safety` check.
pub fn safety(r: &Review) -> &Check {
    check(r, CheckId::ArchiveSafety)
}

/// Walks `bytes` as the artifact `name` the way the review walks a local
/// file (a zip reads its directory from the file first), with the default
/// limits.
pub fn inspect_bytes(name: &str, bytes: &[u8]) -> intake::engine::inspect::report::ArchiveReport {
    inspect_bytes_within(name, bytes, &intake::engine::inspect::Limits::default())
}

/// As [`inspect_bytes`], within `limits`.
pub fn inspect_bytes_within(
    name: &str,
    bytes: &[u8],
    limits: &intake::engine::inspect::Limits,
) -> intake::engine::inspect::report::ArchiveReport {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    std::io::Write::write_all(&mut file, bytes).unwrap();
    intake::engine::inspect::walk::walk_file(file.path(), name, limits)
}

/// The one file with extension `ext` in `dir` (a checklist run writes one
/// of each).
pub fn only_file(dir: &Path, ext: &str) -> PathBuf {
    let found: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    assert_eq!(found.len(), 1, "{found:?}");
    found[0].clone()
}
