//! The bundled samples say what they teach, today (real clock): both the
//! committed ones and freshly generated ones (so the generator works).

use std::path::Path;

use intake::engine::record::checklist::{Checklist, SignOff};
use intake::engine::shared::check::Status;
use intake::engine::shared::verdict::Verdict;
use intake::testkit::samples::{LESSONS, generate};
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
fn intake_with_no_arguments_reviews_the_demo_feed() {
    let dir = tempfile::tempdir().unwrap();
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-releases/meridian/feed.toml");
    let out = crate::support::intake_bin()
        .current_dir(dir.path())
        .env("INTAKE_DEMO_FEED", &demo)
        .assert()
        .code(0)
        .get_output()
        .clone();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("verdict: APPROVED"), "{text}");
    assert_eq!(
        std::fs::read_dir(dir.path().join("checklists"))
            .unwrap()
            .count(),
        3
    );
}
