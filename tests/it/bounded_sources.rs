//! Bounded work on bytes from any source: folder sources open regular files
//! only (never a FIFO, a device or a socket), local reads stop at the
//! feed's size, the store's staging copy goes when a review ends without
//! approval, a trickling mirror is left for the next source, the approval
//! history's manifest path stays inside the store, a large feed loads in
//! linear time, and a re-review of a version whose bytes changed fails.

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant};

use intake::engine::fetch::open::FetchSettings;
use intake::engine::record::history::{History, Location};
use intake::engine::review::{self, Request, Review};
use intake::engine::select::feed::Feed;
use intake::engine::select::rollback::Previous;
use intake::engine::shared::check::{CheckId, Status};
use intake::engine::shared::event::{Cancel, Quiet};
use intake::engine::verify::signature::TrustStore;
use intake::testkit::layout::{FeedSpec, FileSpec, ReleaseSpec};
use intake::testkit::server::{Body, Route, Server, Trickle};

use crate::support::*;

const ARTIFACT: &str = "meridian-4.2.1-linux-x86_64.bin";

/// A review of 4.2.1 linux-x86_64 through the engine, with these settings.
fn review_with(
    feed_path: &Path,
    fetch: FetchSettings,
    stage_dir: Option<PathBuf>,
) -> intake::engine::shared::error::Result<Review> {
    let feed = Feed::load(feed_path)?;
    let trust = TrustStore::load(&feed)?;
    let request = Request {
        version: "4.2.1".into(),
        platform: "linux-x86_64".into(),
        now: now(),
        fetch,
        limits: Default::default(),
        stage_dir,
        previous: Previous::None,
        approvals: Vec::new(),
        sbom_baseline: intake::engine::verify::sbom::Baseline::None("none".into()),
    };
    review::run(&feed, &trust, &request, &mut Quiet, &Cancel::new())
}

fn offline() -> FetchSettings {
    FetchSettings {
        offline: true,
        ..Default::default()
    }
}

/// A good feed with two folder sources: `first/` (to be spoiled by the
/// test) and the good `releases/`, both holding the release.
fn two_folders() -> (Written, PathBuf) {
    let mut spec = good_feed();
    spec.sources = vec![
        ("first".into(), "first/".into()),
        ("good".into(), "releases/".into()),
    ];
    let w = write(&spec);
    let first = w.dir.path().join("first/4.2.1");
    std::fs::create_dir_all(&first).unwrap();
    for entry in std::fs::read_dir(w.dir.path().join("releases/4.2.1")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), first.join(entry.file_name())).unwrap();
    }
    (w, first)
}

fn mkfifo(path: &Path) {
    let _ = std::fs::remove_file(path);
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(status.success());
}

fn fetch_source_text(review: &Review) -> String {
    format!("{:?}", check(review, CheckId::FetchSource))
}

// ---- regular files only ----------------------------------------------------

#[test]
fn a_fifo_artifact_in_a_folder_source_is_refused_without_waiting_for_a_writer() {
    let (w, first) = two_folders();
    mkfifo(&first.join(ARTIFACT));
    let started = Instant::now();
    let review = review_with(&w.feed, offline(), None).unwrap();
    assert!(started.elapsed() < Duration::from_secs(20));
    assert_eq!(review.artifact.source, "good");
    assert_status(&review, CheckId::ChecksumSha256, Status::Pass);
    let text = fetch_source_text(&review);
    assert!(
        text.contains("FIFO") && text.contains("not a regular file"),
        "{text}"
    );
}

#[test]
fn a_symlink_to_dev_zero_is_refused_as_artifact_and_as_evidence() {
    let (w, first) = two_folders();
    for name in [ARTIFACT, "SHA256SUMS"] {
        std::fs::remove_file(first.join(name)).unwrap();
        std::os::unix::fs::symlink("/dev/zero", first.join(name)).unwrap();
    }
    let review = review_with(&w.feed, offline(), None).unwrap();
    assert_eq!(review.artifact.source, "good");
    assert_status(&review, CheckId::ChecksumSha256, Status::Pass);
    let text = fetch_source_text(&review);
    assert!(text.contains("character device"), "{text}");
    let sums = review
        .evidence
        .iter()
        .find(|e| e.file.ends_with("SHA256SUMS"))
        .unwrap();
    assert_eq!(sums.source, "good", "{:?}", review.evidence);
}

#[test]
fn a_feed_or_certificate_that_is_not_a_regular_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("feed.toml");
    mkfifo(&fifo);
    let err = Feed::load(&fifo).unwrap_err().to_string();
    assert!(err.contains("FIFO"), "{err}");
    let zero = dir.path().join("zero.toml");
    std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
    let err = Feed::load(&zero).unwrap_err().to_string();
    assert!(err.contains("character device"), "{err}");

    let w = write(&good_feed());
    let cert = w.dir.path().join("keys/vendor.asc");
    std::fs::remove_file(&cert).unwrap();
    std::os::unix::fs::symlink("/dev/zero", &cert).unwrap();
    let err = match Feed::load(&w.feed).and_then(|f| TrustStore::load(&f)) {
        Ok(_) => String::new(),
        Err(e) => e.to_string(),
    };
    assert!(!err.is_empty(), "a device as certificate was accepted");
}

#[test]
fn a_local_file_over_the_ceiling_is_refused_unread() {
    let mut spec = good_feed();
    spec.releases[0].artifacts[0].size = None;
    let w = write(&spec);
    let fetch = FetchSettings {
        max_unknown_size: 50_000,
        ..offline()
    };
    let err = review_with(&w.feed, fetch, None).unwrap_err().to_string();
    assert!(
        err.contains("holds 100000 bytes, more than the 50000 any artifact may"),
        "{err}"
    );
}

// ---- the staging copy ------------------------------------------------------

fn staged_files(store: &Path) -> Vec<PathBuf> {
    match std::fs::read_dir(store.join(".staging")) {
        Ok(d) => d.map(|e| e.unwrap().path()).collect(),
        Err(_) => Vec::new(),
    }
}

#[test]
fn an_abandoned_review_leaves_no_staging_copy() {
    let w = write(&good_feed());
    let store = tempfile::tempdir().unwrap();
    let stage = store.path().join(".staging");
    let review = review_with(&w.feed, offline(), Some(stage.clone())).unwrap();
    let copy = review.local_copy.clone().unwrap();
    assert!(copy.path().starts_with(&stage) && copy.path().is_file());
    assert_eq!(staged_files(store.path()).len(), 1);
    let clone = review.clone();
    drop(review);
    assert!(
        copy.path().is_file(),
        "removed while a clone still holds it"
    );
    drop(clone);
    drop(copy);
    assert_eq!(staged_files(store.path()), Vec::<PathBuf>::new());
}

/// `intake verify` of `version` with a store and checklists under `out`.
fn verify_into(feed: &Path, version: &str, out: &Path, extra: &[&str]) -> Output {
    intake_bin()
        .args(["verify", feed.to_str().unwrap(), "--release", version])
        .args(["--platform", "linux-x86_64", "--offline"])
        .args(["--operator", "a.operator", "--approver", "b.approver"])
        .arg("--checklist-dir")
        .arg(out.join("checklists"))
        .arg("--store")
        .arg(out.join("store"))
        .arg("--cache-dir")
        .arg(out.join("cache"))
        .args(extra)
        .output()
        .unwrap()
}

fn said(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn rejected_and_failed_reviews_leave_nothing_in_the_staging_folder() {
    let mut spec = good_feed();
    let mut older = ReleaseSpec::signed(
        "4.2.0",
        "2026-01-10",
        vendor(),
        signed(),
        vec![(
            "linux-x86_64",
            FileSpec::new("meridian-4.2.0-linux-x86_64.bin", vec![7u8; 5000]),
        )],
    )
    .unwrap();
    older.channel = "stable".into();
    spec.releases.push(older);
    let w = write(&spec);

    // Rejected: an older release warns (`release.newest`), unwaived.
    let out = tempfile::tempdir().unwrap();
    let o = verify_into(&w.feed, "4.2.0", out.path(), &[]);
    assert_eq!(o.status.code(), Some(1), "{}", said(&o));
    assert_eq!(
        staged_files(&out.path().join("store")),
        Vec::<PathBuf>::new()
    );

    // Failed: the checklist cannot be written (a file where its folder goes).
    let out = tempfile::tempdir().unwrap();
    std::fs::write(out.path().join("checklists"), "not a folder").unwrap();
    let o = verify_into(&w.feed, "4.2.1", out.path(), &[]);
    assert_eq!(o.status.code(), Some(2), "{}", said(&o));
    assert_eq!(
        staged_files(&out.path().join("store")),
        Vec::<PathBuf>::new()
    );
}

// ---- a trickling mirror ------------------------------------------------------

#[test]
fn a_mirror_trickling_bytes_is_left_for_the_next_source() {
    let release = good_release();
    let artifact = release.artifacts[0].file.bytes.clone();
    let trickle = Trickle::start(
        &format!("4.2.1/{ARTIFACT}"),
        artifact,
        16,
        Duration::from_millis(50),
    )
    .unwrap();
    let good = Server::start().unwrap();
    let mut files = vec![&release.checksums];
    files.extend(release.checksums_signature.iter());
    files.push(&release.artifacts[0].file);
    files.extend(release.artifacts[0].signature.iter());
    for f in files {
        good.route(
            &format!("4.2.1/{}", f.name),
            Route::new(Body::bytes(f.bytes.clone())),
        );
    }
    let mut spec = good_feed();
    spec.sources = vec![
        ("slow".into(), trickle.url()),
        ("vendor".into(), good.url()),
    ];
    let w = write(&spec);
    let cache = tempfile::tempdir().unwrap();
    let mut fetch = FetchSettings {
        cache_dir: cache.path().to_path_buf(),
        ..Default::default()
    };
    fetch.http.min_rate = 2000;
    fetch.http.rate_grace = Duration::from_secs(1);
    let started = Instant::now();
    let review = review_with(&w.feed, fetch, None).unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(review.artifact.source, "vendor");
    assert_status(&review, CheckId::ChecksumSha256, Status::Pass);
    let source = check(&review, CheckId::FetchSource);
    let slow = source
        .findings
        .iter()
        .find(|f| format!("{f:?}").contains("slow"))
        .map(|f| format!("{f:?}"))
        .unwrap_or_default();
    assert!(
        slow.contains("too slow") && slow.contains("2000 bytes/s"),
        "{source:?}"
    );
}

// ---- the manifest path of a TOML history of an earlier version -------------

/// A store holding a TOML history (as earlier versions wrote) with one
/// approval of 4.2.1 linux-x86_64 whose manifest copy is at `manifest`.
fn legacy_store(manifest: &str) -> tempfile::TempDir {
    let store = tempfile::tempdir().unwrap();
    let product = store.path().join("meridian");
    std::fs::create_dir_all(product.join("manifests")).unwrap();
    std::fs::write(
        product.join("manifests/4.2.1-linux-x86_64.manifest"),
        format!("{}\t5\t0644\tfile\tbin/tool\n", "cd".repeat(32)),
    )
    .unwrap();
    let text = format!(
        "format = 1\n\n[[approval]]\nversion = \"4.2.1\"\nplatform = \"linux-x86_64\"\nsha256 = \"{}\"\ntime = 2026-02-01T09:00:00Z\nchecklist = \"checklists/earlier.toml\"\noperator = \"a.operator\"\napprover = \"b.approver\"\nmanifest = {}\n",
        "ab".repeat(32),
        toml::Value::from(manifest)
    );
    std::fs::write(product.join("approvals.toml"), text).unwrap();
    store
}

fn previous_in(store: &tempfile::TempDir) -> Previous {
    let location = Location::in_store(store.path());
    match History::open(&location, Some(store.path())) {
        Ok(mut history) => history.previous("meridian", "linux-x86_64"),
        Err(e) => Previous::Unreadable(e.to_string()),
    }
}

#[test]
fn a_toml_history_is_imported_once_with_its_manifests() {
    let store = legacy_store("manifests/4.2.1-linux-x86_64.manifest");
    assert!(matches!(previous_in(&store), Previous::Found { manifest: Ok(m), .. } if m.len() == 1));
    let product = store.path().join("meridian");
    assert!(!product.join("approvals.toml").exists());
    assert!(product.join("approvals.toml.imported").is_file());
    // Opened again: still one approval (nothing imported twice).
    let mut history = History::open(&Location::in_store(store.path()), Some(store.path())).unwrap();
    assert_eq!(history.approvals(None, None).unwrap().len(), 1);
}

#[test]
fn a_history_manifest_path_leading_out_of_the_store_is_not_trusted() {
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("elsewhere.manifest");
    std::fs::write(&secret, format!("{}\t1\t0644\tfile\tx\n", "ef".repeat(32))).unwrap();
    for to in [
        "../../elsewhere.manifest".to_string(),
        secret.display().to_string(),
        "/dev/zero".to_string(),
        "manifests/link.manifest".to_string(),
    ] {
        let store = legacy_store(&to);
        // A symlink inside the store that leads out is refused the same way.
        std::os::unix::fs::symlink(
            &secret,
            store.path().join("meridian/manifests/link.manifest"),
        )
        .unwrap();
        let previous = previous_in(&store);
        match &previous {
            Previous::Unreadable(why) => assert!(
                why.contains("not trusted") && why.contains("not imported"),
                "{why}"
            ),
            other => panic!("{to}: {other:?}"),
        }
        let check = intake::engine::select::rollback::rollback_check(
            &previous,
            "4.2.1",
            "linux-x86_64",
            intake::engine::select::version::Scheme::Generic,
        );
        assert_eq!(check.status, Status::Warn);
        assert!(check.summary.contains("no previous approval is known"));
        // Nothing lost: the TOML history stays where it was.
        assert!(store.path().join("meridian/approvals.toml").is_file());
    }
}

// ---- a large feed loads in linear time ---------------------------------------

#[test]
fn a_feed_of_fifteen_thousand_releases_loads_in_well_under_a_second() {
    let w = write(&good_feed());
    let mut spec = good_feed();
    spec.releases.clear();
    spec.sources = vec![("cdn".into(), "https://downloads.example/meridian/".into())];
    let mut text = spec.toml();
    for i in 0..15_000 {
        let v = format!("1.{}.{}", i / 100, i % 100);
        text.push_str(&format!(
            "\n[[release]]\nversion = \"{v}\"\ndate = 2026-01-01\nchannel = \"stable\"\nchecksums = \"{v}/SHA256SUMS\"\n\n  [[release.artifact]]\n  platform = \"linux-x86_64\"\n  file = \"{v}/meridian-{v}-linux-x86_64.tar.gz\"\n  size = 123456789\n"
        ));
    }
    assert!(text.len() > 3_000_000, "{}", text.len());
    std::fs::write(&w.feed, &text).unwrap();
    let started = Instant::now();
    let feed = Feed::load(&w.feed).unwrap();
    let took = started.elapsed();
    assert_eq!(feed.releases.len(), 15_000);
    let last = feed.releases.last().unwrap();
    let lines = text.lines().count();
    assert!(last.artifacts[0].file.spot.line > lines - 10);
    // The bound tolerates a debug build on a busy machine: loading may cost
    // a few times what the TOML parser alone takes (itself well under a
    // second in a release build); a rescan per field took minutes.
    let parser = Instant::now();
    let _: toml::Table = toml::from_str(&text).unwrap();
    let bound = Duration::from_secs(1).max(parser.elapsed() * 4);
    assert!(took < bound, "took {took:?}, bound {bound:?}");
}

// ---- a re-review of a version whose bytes changed ------------------------------

#[test]
fn a_re_review_of_changed_bytes_is_rejected_before_anything_is_approved() {
    let out = tempfile::tempdir().unwrap();
    let w = write(&good_feed());
    let o = verify_into(&w.feed, "4.2.1", out.path(), &[]);
    assert_eq!(o.status.code(), Some(0), "{}", said(&o));
    let stored = out.path().join("store/meridian/4.2.1").join(ARTIFACT);
    let approved = std::fs::read(&stored).unwrap();

    // The vendor republishes 4.2.1 with other bytes, correctly signed.
    let mut spec: FeedSpec = good_feed();
    spec.releases = vec![
        ReleaseSpec::signed(
            "4.2.1",
            "2026-03-02",
            vendor(),
            signed(),
            vec![(
                "linux-x86_64",
                FileSpec::new(ARTIFACT, intake::testkit::archives::noise(100_000, 9)),
            )],
        )
        .unwrap(),
    ];
    let changed = write(&spec);
    let o = verify_into(&changed.feed, "4.2.1", out.path(), &[]);
    assert_eq!(o.status.code(), Some(1), "{}", said(&o));
    let text = said(&o);
    let rollback = text
        .lines()
        .find(|l| l.contains("release.rollback"))
        .unwrap_or_default();
    assert!(
        rollback.contains("FAIL")
            && rollback.contains("the store holds different bytes for 4.2.1 linux-x86_64"),
        "{text}"
    );
    let checklists: Vec<String> = std::fs::read_dir(out.path().join("checklists"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    assert_eq!(checklists.len(), 2);
    assert!(
        checklists
            .iter()
            .any(|c| c.contains("REJECTED") || c.contains("rejected")),
        "{checklists:?}"
    );
    assert_eq!(
        std::fs::read(&stored).unwrap(),
        approved,
        "the store kept its bytes"
    );
}

#[test]
fn a_re_review_compares_the_digest_with_the_last_approval() {
    let review = crate::support::review(&good_feed());
    let store = legacy_store("manifests/4.2.1-linux-x86_64.manifest");
    let previous = previous_in(&store);
    let same_version_other_bytes = intake::engine::select::rollback::rollback_check_read(
        &previous,
        &[],
        "4.2.1",
        "linux-x86_64",
        &review.artifact.sha256,
        intake::engine::select::version::Scheme::Generic,
    );
    assert_eq!(same_version_other_bytes.status, Status::Fail);
    assert!(
        same_version_other_bytes
            .summary
            .contains("the vendor's bytes changed")
    );
    let same_bytes = intake::engine::select::rollback::rollback_check_read(
        &previous,
        &[],
        "4.2.1",
        "linux-x86_64",
        &"ab".repeat(32),
        intake::engine::select::version::Scheme::Generic,
    );
    assert_eq!(same_bytes.status, Status::Pass);
    assert!(same_bytes.summary.contains("a re-review"));
}
