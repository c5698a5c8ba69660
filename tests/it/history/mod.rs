//! The approval history, on both backends: the same tests run against the
//! store's SQLite database and a real PostgreSQL server (the one `.ci/run`
//! starts on 127.0.0.1, named by INTAKE_TEST_POSTGRES; see
//! scripts/test-postgres.sh). Outside CI, without that server, the
//! PostgreSQL half is skipped with a loud message; in CI it fails.

mod backends;
mod postgres;
mod sqlite;

use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::atomic::{AtomicUsize, Ordering};

use intake::engine::record::history::Location;

/// The demo feed (4.2.1 for linux-x86_64 and windows-x86_64).
pub fn demo_feed() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-releases/meridian/feed.toml")
}

/// A history for one test: a fresh SQLite file, or a fresh database on
/// the test server.
pub struct TestHistory {
    pub location: Location,
    /// The URL or file as `--history` takes it.
    pub arg: String,
    _dir: tempfile::TempDir,
}

pub fn sqlite_history() -> TestHistory {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("history.sqlite");
    TestHistory {
        location: Location::Sqlite(file.clone()),
        arg: file.display().to_string(),
        _dir: dir,
    }
}

/// The test server's URL, or `None` (said loudly) outside CI without one.
pub fn server() -> Option<String> {
    match std::env::var("INTAKE_TEST_POSTGRES") {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var_os("CI").is_some() => {
            panic!("CI is set but INTAKE_TEST_POSTGRES is not: .ci/run starts the test server")
        }
        _ => {
            eprintln!(
                "\n*** SKIPPED: the PostgreSQL history tests need a server: \
                 eval \"$(scripts/test-postgres.sh start)\" first ***\n"
            );
            None
        }
    }
}

/// The test server's certificate authority (its certificate is made by
/// scripts/test-postgres.sh).
pub fn server_ca() -> String {
    std::env::var("INTAKE_TEST_POSTGRES_CA").unwrap_or_default()
}

/// A fresh database on the test server, reached over verified TLS.
pub fn postgres_history() -> Option<TestHistory> {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let server = server()?;
    let name = format!(
        "intake_test_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    let mut admin = ::postgres::Client::connect(&server, ::postgres::NoTls).unwrap();
    admin
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .unwrap();
    let mut url = url::Url::parse(&server).unwrap();
    url.set_path(&name);
    url.query_pairs_mut()
        .append_pair("sslmode", "verify-full")
        .append_pair("sslrootcert", &server_ca());
    let dir = tempfile::tempdir().unwrap();
    Some(TestHistory {
        location: Location::parse(url.as_str(), None),
        arg: url.to_string(),
        _dir: dir,
    })
}

/// Every backend available here.
pub fn histories() -> Vec<TestHistory> {
    std::iter::once(sqlite_history())
        .chain(postgres_history())
        .collect()
}

/// `intake verify` of the demo feed's 4.2.1 on `platform`, recording into
/// `history` (no store; the change request makes it an approval).
pub fn verify_into(history: &str, platform: &str, checklists: &Path, extra: &[&str]) -> Output {
    crate::support::intake_bin()
        .arg("verify")
        .arg(demo_feed())
        .args(["--release", "4.2.1", "--platform", platform])
        .args(["--operator", "a.operator", "--approver", "b.approver"])
        .args(["--change-request", "CR-1", "--offline", "--no-store"])
        .args(["--history", history])
        .arg("--checklist-dir")
        .arg(checklists)
        .args(extra)
        .output()
        .unwrap()
}

pub fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}
