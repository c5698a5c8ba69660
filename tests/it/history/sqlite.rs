//! The SQLite history: a crash mid-write and a lock held for long.

use std::time::Duration;

use intake::engine::record::history::{History, Location};

use super::{sqlite_history, text, verify_into};

/// The crash: another process opens the history, starts a write, inserts
/// an approval and dies before committing (this test binary, re-run as
/// that process). What a review then reads is the last committed state,
/// and the history takes new records.
#[test]
fn a_crash_mid_write_leaves_the_last_committed_state() {
    if let Some(file) = std::env::var_os("INTAKE_TEST_CRASH_IN") {
        let db = rusqlite::Connection::open(file).unwrap();
        db.execute_batch(
            "BEGIN IMMEDIATE;
             INSERT INTO approvals (product, version, platform, sha256, time, checklist,
                 operator, approver) VALUES ('meridian', '9.9.9', 'linux-x86_64', 'x',
                 '2026-01-01T00:00:00Z', 'c', 'o', 'a');",
        )
        .unwrap();
        std::process::abort();
    }
    let h = sqlite_history();
    let desk = tempfile::tempdir().unwrap();
    let o = verify_into(&h.arg, "linux-x86_64", desk.path(), &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));

    let crashed = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "history::sqlite::a_crash_mid_write_leaves_the_last_committed_state",
            "--nocapture",
        ])
        .env("INTAKE_TEST_CRASH_IN", &h.arg)
        .output()
        .unwrap();
    assert!(!crashed.status.success(), "the writer died");

    let mut history = History::open(&h.location, None).unwrap();
    let versions: Vec<String> = history
        .approvals(None, None)
        .unwrap()
        .into_iter()
        .map(|s| s.approval.version)
        .collect();
    assert_eq!(versions, ["4.2.1"], "the uncommitted approval is gone");
    let o = verify_into(&h.arg, "windows-x86_64", desk.path(), &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(history.approvals(None, None).unwrap().len(), 2);
}

/// Another process holding the database's write lock for long: the review
/// waits, then ends with exit 2 naming the database and keeps its
/// checklist; nothing is half-recorded.
#[test]
fn a_history_locked_for_long_is_an_error_naming_it() {
    let h = sqlite_history();
    let desk = tempfile::tempdir().unwrap();
    let o = verify_into(&h.arg, "linux-x86_64", desk.path(), &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));

    let holder = rusqlite::Connection::open(&h.arg).unwrap();
    // A write lock: reviews can still read, but none can write.
    holder.execute_batch("BEGIN IMMEDIATE;").unwrap();
    let started = std::time::Instant::now();
    let o = verify_into(&h.arg, "linux-x86_64", desk.path(), &[]);
    assert!(
        started.elapsed() >= Duration::from_secs(9),
        "it waited first"
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let out = text(&o);
    assert!(
        out.contains(&format!("history database {}", h.arg)) && out.contains("locked"),
        "{out}"
    );
    assert!(out.contains("history was not updated"), "{out}");
    holder.execute_batch("ROLLBACK;").unwrap();
    assert_eq!(
        History::open(&Location::Sqlite(h.arg.clone().into()), None)
            .unwrap()
            .approvals(None, None)
            .unwrap()
            .len(),
        1
    );
}
