//! The bundled samples say what they teach, today (real clock): both the
//! committed ones and freshly generated ones (so the generator works).

use std::path::Path;

use intake::engine::record::checklist::{Checklist, SignOff};
use intake::engine::shared::check::Status;
use intake::engine::shared::verdict::Verdict;
use intake::testkit::samples::{
    AGENT_ID, COLLECTOR_ID, CONNECTOR_ID, GATEWAY_ID, LESSONS, STALE_ID, TRAINING_ID, generate,
};
use jiff::Timestamp;

use crate::support::try_review_at;

fn status_word(s: Status) -> &'static str {
    s.as_str()
}

fn check_lessons(root: &Path) {
    for lesson in LESSONS {
        let feed = root.join(lesson.feed).join("feed.toml");
        let review = try_review_at(&feed, lesson.version, lesson.platform, Timestamp::now())
            .unwrap_or_else(|e| panic!("{} {}: {e}", lesson.feed, lesson.version));
        let check = review
            .checks
            .iter()
            .find(|c| c.id.as_str() == lesson.check)
            .unwrap_or_else(|| panic!("no {}", lesson.check));
        assert_eq!(
            status_word(check.status),
            lesson.status,
            "{} {}: {check:#?}",
            lesson.feed,
            lesson.version
        );
        let sign_off = SignOff {
            operator: "a".into(),
            approver: "b".into(),
            ..Default::default()
        };
        let verdict = Checklist::build(&review, &sign_off, Timestamp::now())
            .record
            .verdict;
        let want = if lesson.exit == 0 {
            Verdict::Approved
        } else {
            Verdict::Rejected
        };
        assert_eq!(verdict, want, "{} {}", lesson.feed, lesson.version);
    }
}

#[test]
fn committed_samples_say_what_they_teach() {
    check_lessons(&Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-releases"));
}

#[test]
fn generated_samples_say_the_same() {
    let dir = tempfile::tempdir().unwrap();
    generate(dir.path()).unwrap();
    check_lessons(dir.path());
    // Regenerating reuses the demo keys: the pinned fingerprints stay.
    let before = std::fs::read_to_string(dir.path().join("meridian/feed.toml")).unwrap();
    generate(dir.path()).unwrap();
    let after = std::fs::read_to_string(dir.path().join("meridian/feed.toml")).unwrap();
    let fingerprints = |t: &str| {
        t.lines()
            .find(|l| l.starts_with("fingerprints"))
            .map(String::from)
    };
    assert_eq!(fingerprints(&before), fingerprints(&after));
}

#[test]
fn each_sample_feed_has_its_own_product_id() {
    let dir = tempfile::tempdir().unwrap();
    generate(dir.path()).unwrap();
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-releases");
    for root in [committed.as_path(), dir.path()] {
        let ids: Vec<String> = [
            "meridian",
            "training",
            "stale-feed",
            "agent",
            "collector",
            "connector",
            "gateway",
        ]
        .iter()
        .map(|f| {
            intake::engine::select::feed::Feed::load(&root.join(f).join("feed.toml"))
                .unwrap()
                .product
                .id
        })
        .collect();
        assert_eq!(
            ids,
            [
                "meridian",
                TRAINING_ID,
                STALE_ID,
                AGENT_ID,
                COLLECTOR_ID,
                CONNECTOR_ID,
                GATEWAY_ID
            ],
            "{}",
            root.display()
        );
    }
}

/// Bare `intake` without a terminal (cron, `ssh host intake`, a pipe):
/// the demo review, and nothing real touched.
#[test]
fn intake_with_no_arguments_and_no_terminal_runs_a_demo_that_records_nothing() {
    let cwd = tempfile::tempdir().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-releases/meridian/feed.toml");
    let out = crate::support::intake_bin()
        .current_dir(cwd.path())
        .env("INTAKE_DEMO_FEED", &demo)
        .env("TMPDIR", tmp.path())
        .assert()
        .code(0)
        .get_output()
        .clone();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("DEMO: "), "{text}");
    assert!(text.contains("verdict: APPROVED"), "{text}");
    assert!(text.contains("for DEMO"), "{text}");
    let last = text.trim_end().lines().last().unwrap();
    assert!(
        last.contains("For real use:") && last.contains("intake verify FEED --release"),
        "{last}"
    );
    // No ./checklists, no store, no approval history.
    assert_eq!(std::fs::read_dir(cwd.path()).unwrap().count(), 0);
    assert!(!crate::support::data_home().join("intake").exists());
    // Only the demo's own folder is left, holding its checklist.
    let left: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(left.len(), 1, "{left:?}");
    assert!(
        left[0]
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("intake-demo-")
    );
    assert_eq!(std::fs::read_dir(&left[0]).unwrap().count(), 4);
    let toml = std::fs::read_dir(&left[0])
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "toml"))
        .unwrap();
    let record = std::fs::read_to_string(&toml).unwrap();
    assert!(record.contains("change_request = \"DEMO\""), "{record}");
    assert!(record.contains("operator = \"demo-operator\""), "{record}");
    assert!(text.contains(&toml.display().to_string()), "{text}");
}

/// Every lesson that fails or warns says what to do next, in words, and
/// the advice fits the lesson (tampered bytes are never "write a waiver").
#[test]
fn every_lesson_says_what_to_do_next() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-releases");
    let expect = [
        ("tampered", "checksum.sha256", "do not install"),
        ("tampered", "fetch.source", "do not install"),
        (
            "unpinned-signer",
            "signature.checksums",
            "verify this fingerprint",
        ),
        ("md5-only", "checksum.sha256", "SHA-256"),
        (
            "sha1-signature",
            "signature.checksums",
            "SHA-256 or stronger",
        ),
        (
            "revoked-key",
            "signature.checksums",
            "even one dated before the revocation",
        ),
        ("wrong-size", "fetch.size", "fetch again"),
        ("unsigned", "signature.artifact", "signature file"),
        ("setuid-helper", "archive.safety", "declare"),
        ("path-traversal", "archive.safety", "outside its folder"),
        ("symlink-escape", "archive.safety", "outside its folder"),
        ("world-writable", "archive.safety", "anyone on the host"),
        ("two-names", "archive.safety", "every tool reads the same"),
    ];
    let feed = root.join("training/feed.toml");
    for (version, id, words) in expect {
        let review = try_review_at(&feed, version, "linux-x86_64", Timestamp::now()).unwrap();
        let check = review.checks.iter().find(|c| c.id.as_str() == id).unwrap();
        let step = check.next_step.as_deref().unwrap_or_default();
        assert!(step.contains(words), "{version} {id}: {step:?}");
        for c in &review.checks {
            let said = matches!(c.status, Status::Fail | Status::Warn);
            assert_eq!(c.next_step.is_some(), said, "{version} {}", c.id);
        }
    }
}

/// A rejected review names its failures before its unwaived warnings.
#[test]
fn failures_come_before_warnings_in_the_reasons() {
    let feed = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-releases/training/feed.toml");
    let review = try_review_at(&feed, "tampered", "linux-x86_64", Timestamp::now()).unwrap();
    let sign_off = SignOff {
        operator: "a".into(),
        approver: "b".into(),
        ..Default::default()
    };
    let record = Checklist::build(&review, &sign_off, Timestamp::now()).record;
    let first_warning = record
        .rejected_because
        .iter()
        .position(|r| r.contains("warns"))
        .unwrap();
    assert!(first_warning > 0, "{:#?}", record.rejected_because);
    assert!(
        record.rejected_because[..first_warning]
            .iter()
            .all(|r| r.contains("failed")),
        "{:#?}",
        record.rejected_because
    );
    let markdown = Checklist::build(&review, &sign_off, Timestamp::now()).markdown;
    assert!(markdown.contains("### Next steps"), "{markdown}");
}
