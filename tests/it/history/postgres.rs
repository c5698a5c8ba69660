//! The PostgreSQL history: a newer schema, a server that cannot be
//! reached or goes away mid-review, and TLS verified when asked for.

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use intake::engine::record::history::{History, Location};

use super::{postgres_history, server, server_ca, text, verify_into};

#[test]
fn a_database_from_a_newer_intake_is_refused_and_left_as_it_is() {
    let Some(h) = postgres_history() else { return };
    drop(History::open(&h.location, None).unwrap());
    let Location::Postgres { url, .. } = &h.location else {
        unreachable!()
    };
    let mut plain = url::Url::parse(url).unwrap();
    plain.set_query(None);
    let mut admin = ::postgres::Client::connect(plain.as_str(), ::postgres::NoTls).unwrap();
    admin
        .batch_execute("UPDATE intake_schema SET version = 99")
        .unwrap();
    let e = History::open(&h.location, None).unwrap_err().to_string();
    assert!(e.contains("newer intake (history schema 99"), "{e}");
    assert!(
        e.contains("PostgreSQL history postgresql://intake@127.0.0.1"),
        "{e}"
    );
    let version: i64 = admin
        .query_one("SELECT version FROM intake_schema", &[])
        .unwrap()
        .get(0);
    assert_eq!(version, 99, "left as it was");
}

/// Nothing listening: the review warns that the history is unavailable
/// (never "no earlier approval"), and approving anyway ends with exit 2
/// naming the server, the checklist kept.
#[test]
fn an_unreachable_server_is_history_unavailable_never_no_approval() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("postgresql://intake:secret@127.0.0.1:{port}/intake?sslmode=disable");
    let desk = tempfile::tempdir().unwrap();
    let o = verify_into(&url, "linux-x86_64", desk.path(), &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let out = text(&o);
    assert!(
        out.contains("release.rollback") && out.contains("history is unavailable"),
        "{out}"
    );
    let o = verify_into(
        &url,
        "linux-x86_64",
        desk.path(),
        &[
            "--waive",
            "release.rollback=the history server is being moved",
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let out = text(&o);
    assert!(
        out.contains(&format!(
            "PostgreSQL history postgresql://intake:***@127.0.0.1:{port}/intake"
        )) && out.contains("history was not updated")
            && !out.contains("secret"),
        "{out}"
    );
    // Two reviews, two checklists (TOML, Markdown, manifest, SBOM each): kept.
    assert_eq!(
        std::fs::read_dir(desk.path()).unwrap().count(),
        8,
        "the checklists stay"
    );
}

/// A relay to the test server that serves the first connection (the
/// review reading the history) and drops every later one: the server
/// went away before the approval was recorded.
fn relay_serving_one_connection(server: &str) -> u16 {
    let upstream = url::Url::parse(server).unwrap();
    let target = format!(
        "{}:{}",
        upstream.host_str().unwrap(),
        upstream.port().unwrap_or(5432)
    );
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let served = Arc::new(AtomicUsize::new(0));
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            if served.fetch_add(1, Ordering::SeqCst) > 0 {
                let _ = (&client).write_all(b"");
                drop(client);
                continue;
            }
            let Ok(server) = TcpStream::connect(&target) else {
                continue;
            };
            let (mut c_read, mut s_write) =
                (client.try_clone().unwrap(), server.try_clone().unwrap());
            std::thread::spawn(move || std::io::copy(&mut c_read, &mut s_write));
            let (mut s_read, mut c_write) = (server, client);
            std::thread::spawn(move || std::io::copy(&mut s_read, &mut c_write));
        }
    });
    port
}

#[test]
fn a_server_that_goes_away_mid_review_ends_it_with_exit_2_and_nothing_recorded() {
    let Some(h) = postgres_history() else { return };
    let Some(server) = server() else { return };
    drop(History::open(&h.location, None).unwrap());
    let mut relayed = url::Url::parse(&h.arg).unwrap();
    relayed
        .set_port(Some(relay_serving_one_connection(&server)))
        .unwrap();
    relayed.set_query(Some("sslmode=disable"));
    let desk = tempfile::tempdir().unwrap();
    let o = verify_into(relayed.as_str(), "linux-x86_64", desk.path(), &[]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let out = text(&o);
    assert!(
        out.contains("PostgreSQL history postgresql://intake@127.0.0.1")
            && out.contains("the checklist is written")
            && out.contains("history was not updated"),
        "{out}"
    );
    // TOML, Markdown, manifest and the SBOM of what was inspected.
    assert_eq!(
        std::fs::read_dir(desk.path()).unwrap().count(),
        4,
        "the checklist stays"
    );
    let mut history = History::open(&h.location, None).unwrap();
    assert!(
        history.approvals(None, None).unwrap().is_empty(),
        "nothing half-recorded"
    );
}

/// TLS when the URL asks for it, with the server's certificate verified:
/// against `sslrootcert` it connects; without it (the test server's CA is
/// no system root) it is refused, saying why.
#[test]
fn tls_is_used_and_verified_when_the_url_asks_for_it() {
    let Some(h) = postgres_history() else { return };
    let mut history = History::open(&h.location, None).unwrap();
    assert!(history.approvals(None, None).unwrap().is_empty());

    let mut unverifiable = url::Url::parse(&h.arg).unwrap();
    unverifiable.set_query(Some("sslmode=require"));
    let e = History::open(&Location::parse(unverifiable.as_str(), None), None)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("cannot connect") && e.contains("certificate"),
        "{e}"
    );

    // The CA from the settings' ca_bundle does as well as sslrootcert.
    let with_bundle = Location::parse(unverifiable.as_str(), Some(server_ca().into()));
    assert!(History::open(&with_bundle, None).is_ok());
}

/// A URL intake cannot use, or one naming a database the server does not
/// have: exit 2 with the reason, no password shown.
#[test]
fn a_wrong_url_is_refused_with_its_reason() {
    let desk = tempfile::tempdir().unwrap();
    let bad_option = "postgresql://intake:hunter2@127.0.0.1:1/intake?colour=blue";
    let o = crate::support::intake_bin()
        .args(["history", "--history", bad_option])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let out = text(&o);
    assert!(
        out.contains("is not a PostgreSQL URL intake can use"),
        "{out}"
    );
    assert!(!out.contains("hunter2"), "{out}");

    let Some(server) = server() else { return };
    let mut missing = url::Url::parse(&server).unwrap();
    missing.set_path("no_such_database");
    missing.set_query(Some("sslmode=disable"));
    let o = verify_into(missing.as_str(), "linux-x86_64", desk.path(), &[]);
    let out = text(&o);
    assert!(
        out.contains("history is unavailable") && out.contains("no_such_database"),
        "{out}"
    );
}
