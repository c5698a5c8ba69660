//! Fetching from HTTP sources, against servers the tests start on
//! 127.0.0.1: mirror fallback, wrong bytes, resume (within a run and
//! across runs), ranges ignored, files changed between attempts, errors,
//! stalls, endless data, redirects, proxies, tokens never recorded,
//! `--offline` making no connection at all.

use std::path::{Path, PathBuf};

use intake::testkit::layout::ReleaseSpec;
use intake::testkit::server::{Behavior, Body, Route, Server};

use crate::support::*;

/// Serves every file of `release` at `<version>/<name>`, with `tweak` to
/// change one route.
fn serve(server: &Server, release: &ReleaseSpec, tweak: impl Fn(&str, Route) -> Route) {
    let mut files = vec![&release.checksums];
    files.extend(release.checksums_signature.iter());
    for a in &release.artifacts {
        files.push(&a.file);
        files.extend(a.signature.iter());
    }
    for f in files {
        let path = format!("{}/{}", release.version, f.name);
        server.route(
            &path,
            tweak(&f.name, Route::new(Body::bytes(f.bytes.clone()))),
        );
    }
}

const ARTIFACT: &str = "meridian-4.2.1-linux-x86_64.bin";

/// A feed whose sources are these URLs, in order.
fn feed_with(sources: &[(&str, String)]) -> (Written, ReleaseSpec) {
    let mut feed = good_feed();
    feed.sources = sources
        .iter()
        .map(|(n, u)| (n.to_string(), u.clone()))
        .collect();
    let release = feed.releases[0].clone();
    (write(&feed), release)
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
    checklist: Option<String>,
    store: PathBuf,
    _out: tempfile::TempDir,
}

/// `intake verify` of 4.2.1 for linux-x86_64 writing its checklists and
/// store under `out`, with `cache` for downloads.
fn verify_command(feed: &Path, out: &Path, cache: &Path) -> assert_cmd::Command {
    let mut cmd = crate::support::intake_bin();
    cmd.args([
        "verify",
        feed.to_str().unwrap(),
        "--release",
        "4.2.1",
        "--platform",
        "linux-x86_64",
    ])
    .args(["--operator", "a.operator", "--approver", "b.approver"])
    .arg("--checklist-dir")
    .arg(out.join("checklists"))
    .arg("--store")
    .arg(out.join("store"))
    .arg("--cache-dir")
    .arg(cache);
    cmd
}

/// `intake verify` into fresh checklist, store and cache folders (or the
/// cache given, to resume across runs).
fn verify(feed: &Path, cache: Option<&Path>, extra: &[&str]) -> Run {
    let out = tempfile::tempdir().unwrap();
    let cache = cache
        .map(Path::to_path_buf)
        .unwrap_or_else(|| out.path().join("cache"));
    let output = verify_command(feed, out.path(), &cache)
        .env("NO_COLOR", "1")
        .env_remove("HTTP_PROXY")
        .env_remove("HTTPS_PROXY")
        .env_remove("ALL_PROXY")
        .env_remove("http_proxy")
        .env_remove("https_proxy")
        .args(["--timeout", "3"])
        .args(extra)
        .output()
        .unwrap();
    let checklist = std::fs::read_dir(out.path().join("checklists"))
        .ok()
        .and_then(|d| {
            d.filter_map(|e| e.ok())
                .find(|e| e.path().extension().is_some_and(|x| x == "toml"))
        })
        .and_then(|e| std::fs::read_to_string(e.path()).ok());
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        checklist,
        store: out.path().join("store"),
        _out: out,
    }
}

fn line<'a>(run: &'a Run, check: &str) -> &'a str {
    run.stdout
        .lines()
        .find(|l| l.contains(check))
        .unwrap_or_else(|| panic!("no {check} in\n{}", run.stdout))
}

#[test]
fn an_http_source_serves_and_the_review_passes() {
    let server = Server::start().unwrap();
    let (w, release) = feed_with(&[("vendor", server.url())]);
    serve(&server, &release, |_, r| r);
    let run = verify(&w.feed, None, &[]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(line(&run, "fetch.source").contains(&format!(
        "served by vendor ({}4.2.1/{ARTIFACT})",
        server.url()
    )));
}

#[test]
fn progress_reports_bytes_rate_and_time_left_and_the_cache_is_cleared_once_stored() {
    use intake::engine::shared::event::{Cancel, Event, SourceState};
    let server = Server::start().unwrap();
    let mut feed = good_feed();
    let big = intake::testkit::layout::FileSpec::new(
        ARTIFACT,
        intake::testkit::archives::noise(12 << 20, 3),
    );
    feed.releases = vec![
        ReleaseSpec::signed(
            "4.2.1",
            "2026-03-02",
            vendor(),
            signed(),
            vec![("linux-x86_64", big)],
        )
        .unwrap(),
    ];
    feed.sources = vec![("vendor".into(), server.url())];
    let release = feed.releases[0].clone();
    let w = write(&feed);
    serve(&server, &release, |_, r| r);
    let parsed = intake::engine::select::feed::Feed::load(&w.feed).unwrap();
    let trust = intake::engine::verify::signature::TrustStore::load(&parsed).unwrap();
    let cache = tempfile::tempdir().unwrap();
    let request = intake::engine::review::Request {
        version: "4.2.1".into(),
        platform: "linux-x86_64".into(),
        now: now(),
        fetch: intake::engine::fetch::open::FetchSettings {
            cache_dir: cache.path().to_path_buf(),
            ..Default::default()
        },
        limits: Default::default(),
        stage_dir: None,
        previous: intake::engine::select::rollback::Previous::None,
        approvals: Vec::new(),
        sbom_baseline: intake::engine::verify::sbom::Baseline::None("none".into()),
    };
    let mut events = Vec::new();
    let review = intake::engine::review::run(
        &parsed,
        &trust,
        &request,
        &mut |e: Event| events.push(e),
        &Cancel::new(),
    )
    .unwrap();
    let progress: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            Event::Progress {
                done,
                total,
                rate,
                eta,
                ..
            } => Some((*done, *total, *rate, *eta)),
            _ => None,
        })
        .collect();
    assert!(progress.len() >= 2, "{progress:?}");
    let last = progress.last().unwrap();
    assert_eq!((last.0, last.1), (12 << 20, Some(12 << 20)));
    assert!(progress.iter().all(|p| p.1 == Some(12 << 20)));
    let states: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            Event::Source { state, .. } => Some(state.clone()),
            _ => None,
        })
        .collect();
    assert!(
        matches!(states.first(), Some(SourceState::Trying { .. })),
        "{states:?}"
    );
    assert_eq!(states.last(), Some(&SourceState::Served));
    // The verified download sits in the cache until the store takes it.
    let copy = review.local_copy.clone().unwrap();
    let path = copy.path().to_path_buf();
    assert!(matches!(
        copy,
        intake::engine::fetch::local_copy::LocalCopy::Download(_)
    ));
    assert!(path.starts_with(cache.path()) && path.is_file());
    copy.remove_own();
    assert!(!path.exists());
}

#[test]
fn access_tokens_are_used_but_never_recorded() {
    let server = Server::start().unwrap();
    let base = format!(
        "http://user:pw-s3cret@127.0.0.1:{}/?token=s3cret-token",
        server.port()
    );
    let (w, release) = feed_with(&[("vendor", base)]);
    serve(&server, &release, |_, r| r);
    let run = verify(&w.feed, None, &[]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        server
            .seen()
            .iter()
            .any(|s| s.target.contains("token=s3cret-token")),
        "the token was used"
    );
    let record = run.checklist.unwrap();
    assert!(!record.contains("s3cret"), "{record}");
    assert!(!run.stdout.contains("s3cret") && !run.stderr.contains("s3cret"));
    assert!(record.contains("url_redacted = true"));
}

#[test]
fn an_unreachable_or_failing_source_is_skipped_without_a_warning() {
    for behavior in [Behavior::Status(404), Behavior::Status(500)] {
        let bad = Server::start().unwrap();
        let good = Server::start().unwrap();
        let (w, release) = feed_with(&[("vendor", bad.url()), ("mirror", good.url())]);
        serve(&bad, &release, |_, r| r.behave(behavior.clone()));
        serve(&good, &release, |_, r| r);
        let run = verify(&w.feed, None, &[]);
        assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
        assert!(
            line(&run, "fetch.source").contains("PASS"),
            "{}",
            run.stdout
        );
        let record = run.checklist.unwrap();
        assert!(
            record.contains("could not serve: HTTP"),
            "the skip is recorded: {record}"
        );
    }
    // Nobody listening at all.
    let gone = { Server::start().unwrap().url() };
    let good = Server::start().unwrap();
    let (w, release) = feed_with(&[("vendor", gone), ("mirror", good.url())]);
    serve(&good, &release, |_, r| r);
    assert_eq!(verify(&w.feed, None, &[]).code, 0);
}

#[test]
fn wrong_bytes_are_named_and_the_next_source_tried() {
    let bad = Server::start().unwrap();
    let good = Server::start().unwrap();
    let (w, release) = feed_with(&[("vendor", bad.url()), ("mirror", good.url())]);
    serve(&bad, &release, |name, r| {
        if name == ARTIFACT {
            Route::new(Body::bytes(vec![0u8; 100_000]))
        } else {
            r
        }
    });
    serve(&good, &release, |_, r| r);
    let run = verify(&w.feed, None, &[]);
    assert_eq!(run.code, 1, "a warning without a waiver: {}", run.stdout);
    let source = line(&run, "fetch.source");
    assert!(
        source.contains("WARN") && source.contains("vendor served bytes that do not match"),
        "{source}"
    );
    assert!(line(&run, "checksum.sha256").contains("PASS"));
    let run = verify(
        &w.feed,
        None,
        &[
            "--waive",
            "fetch.source=the vendor CDN node is known to be stale",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stdout);
}

#[test]
fn evidence_from_another_source_is_accepted_only_when_signed() {
    let primary = Server::start().unwrap();
    let mirror = Server::start().unwrap();
    let (w, release) = feed_with(&[("vendor", primary.url()), ("mirror", mirror.url())]);
    // The vendor serves only the artifact; the mirror has the evidence.
    serve(&primary, &release, |name, r| {
        if name == ARTIFACT {
            r
        } else {
            r.behave(Behavior::Status(404))
        }
    });
    serve(&mirror, &release, |_, r| r);
    let run = verify(&w.feed, None, &[]);
    assert_eq!(
        run.code, 0,
        "signed evidence may come from the mirror: {}",
        run.stdout
    );
    assert!(
        run.checklist.unwrap().contains("SHA256SUMS from mirror"),
        "the record says where each came from"
    );

    // Unsigned evidence from another source than the artifact: a warning.
    let mut feed = good_feed();
    feed.signatures = Some("optional".into());
    feed.releases[0].checksums_signature = None;
    feed.releases[0].artifacts[0].signature = None;
    feed.sources = vec![
        ("vendor".into(), primary.url()),
        ("mirror".into(), mirror.url()),
    ];
    let release = feed.releases[0].clone();
    let w = write(&feed);
    serve(&primary, &release, |name, r| {
        if name == ARTIFACT {
            r
        } else {
            r.behave(Behavior::Status(404))
        }
    });
    serve(&mirror, &release, |_, r| r);
    let run = verify(&w.feed, None, &[]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        line(&run, "fetch.source").contains("no signature authenticates the evidence"),
        "{}",
        run.stdout
    );
}

#[test]
fn when_every_source_serves_wrong_bytes_the_checksum_fails() {
    let bad = Server::start().unwrap();
    let (w, release) = feed_with(&[("vendor", bad.url())]);
    serve(&bad, &release, |name, r| {
        if name == ARTIFACT {
            Route::new(Body::bytes(vec![1u8; 100_000]))
        } else {
            r
        }
    });
    let run = verify(&w.feed, None, &[]);
    assert_eq!(run.code, 1);
    assert!(line(&run, "checksum.sha256").contains("FAIL"));
    assert!(
        !run.store.exists() || std::fs::read_dir(&run.store).unwrap().count() == 0,
        "nothing unverified is stored"
    );
}

#[test]
fn nothing_fetchable_exits_3() {
    let server = Server::start().unwrap();
    let (w, release) = feed_with(&[("vendor", server.url())]);
    serve(&server, &release, |name, r| {
        if name == ARTIFACT {
            r.behave(Behavior::Status(404))
        } else {
            r
        }
    });
    let run = verify(&w.feed, None, &[]);
    assert_eq!(run.code, 3, "{}{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("could not fetch 4.2.1/meridian-4.2.1-linux-x86_64.bin from any source: vendor: HTTP 404"), "{}", run.stderr);
}

#[test]
fn a_transfer_cut_half_way_resumes_and_sends_little_twice() {
    let server = Server::start().unwrap();
    let (w, release) = feed_with(&[("vendor", server.url())]);
    serve(&server, &release, |name, r| {
        if name == ARTIFACT {
            r.behave(Behavior::DropAfter {
                bytes: 50_000,
                times: 1,
            })
        } else {
            r
        }
    });
    let run = verify(&w.feed, None, &[]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let asks: Vec<_> = server
        .seen()
        .into_iter()
        .filter(|s| s.target.ends_with(ARTIFACT))
        .collect();
    assert_eq!(asks.len(), 2, "{asks:?}");
    assert_eq!(asks[1].range.as_deref(), Some("bytes=50000-"));
    assert_eq!(asks[1].if_range.as_deref(), Some("\"v1\""));
    let artifact_bytes = server.bytes_sent() - evidence_bytes(&release);
    assert!(
        artifact_bytes <= 105_000,
        "{artifact_bytes} bytes sent for a 100,000-byte file"
    );
    assert!(
        run.checklist.unwrap().contains("resuming"),
        "the log says so"
    );
}

fn evidence_bytes(release: &ReleaseSpec) -> u64 {
    let mut n = release.checksums.bytes.len()
        + release
            .checksums_signature
            .as_ref()
            .map_or(0, |s| s.bytes.len());
    n += release.artifacts[0]
        .signature
        .as_ref()
        .map_or(0, |s| s.bytes.len());
    n as u64
}

#[test]
fn a_download_cut_short_resumes_in_the_next_run() {
    let server = Server::start().unwrap();
    let (w, release) = feed_with(&[("vendor", server.url())]);
    serve(&server, &release, |name, r| {
        if name == ARTIFACT {
            r.behave(Behavior::DropAfter {
                bytes: 60_000,
                times: 99,
            })
        } else {
            r
        }
    });
    let cache = tempfile::tempdir().unwrap();
    let first = verify(&w.feed, Some(cache.path()), &[]);
    assert_eq!(first.code, 3, "{}", first.stderr);
    serve(&server, &release, |_, r| r);
    let second = verify(&w.feed, Some(cache.path()), &[]);
    assert_eq!(second.code, 0, "{}{}", second.stdout, second.stderr);
    let last = server
        .seen()
        .into_iter()
        .rfind(|s| s.target.ends_with(ARTIFACT))
        .unwrap();
    assert_eq!(last.range.as_deref(), Some("bytes=60000-"));
}

#[test]
fn a_server_that_ignores_ranges_is_read_from_the_start() {
    let server = Server::start().unwrap();
    let (w, release) = feed_with(&[("vendor", server.url())]);
    serve(&server, &release, |name, r| {
        if name == ARTIFACT {
            r.behave(Behavior::DropAfter {
                bytes: 30_000,
                times: 1,
            })
        } else {
            r
        }
    });
    // The first request is cut; later ones ignore Range and send everything.
    let cache = tempfile::tempdir().unwrap();
    let art = release.artifacts[0].file.bytes.clone();
    std::thread::scope(|_| {
        let run = verify(&w.feed, Some(cache.path()), &[]);
        assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    });
    server.route(
        &format!("4.2.1/{ARTIFACT}"),
        Route::new(Body::bytes(art)).behave(Behavior::IgnoreRange),
    );
    let run = verify(&w.feed, Some(cache.path()), &[]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
}

#[test]
fn a_file_changed_between_attempts_is_never_spliced() {
    let server = Server::start().unwrap();
    let (w, release) = feed_with(&[("vendor", server.url())]);
    let path = format!("4.2.1/{ARTIFACT}");
    // The first attempt gets half of an older file (ETag v0)...
    let older = Route {
        body: Body::bytes(vec![7u8; 100_000]),
        etag: Some("\"v0\"".into()),
        behavior: Behavior::DropAfter {
            bytes: 50_000,
            times: 99,
        },
    };
    serve(&server, &release, |_, r| r);
    server.route(&path, older);
    let cache = tempfile::tempdir().unwrap();
    assert_eq!(verify(&w.feed, Some(cache.path()), &[]).code, 3);
    // ...then the vendor publishes the real file (ETag v1): the resume's
    // If-Range no longer matches, the whole file comes, and it verifies.
    serve(&server, &release, |_, r| r);
    let run = verify(&w.feed, Some(cache.path()), &[]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let last = server
        .seen()
        .into_iter()
        .rfind(|s| s.target.ends_with(ARTIFACT))
        .unwrap();
    assert_eq!(last.if_range.as_deref(), Some("\"v0\""));
    assert!(run.checklist.unwrap().contains("starting over"));
}

#[test]
fn a_stalled_source_times_out_and_the_mirror_serves() {
    let slow = Server::start().unwrap();
    let good = Server::start().unwrap();
    let (w, release) = feed_with(&[("vendor", slow.url()), ("mirror", good.url())]);
    serve(&slow, &release, |_, r| {
        r.behave(Behavior::Stall(std::time::Duration::from_secs(20)))
    });
    serve(&good, &release, |_, r| r);
    let started = std::time::Instant::now();
    let run = verify(&w.feed, None, &["--timeout", "1"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        started.elapsed().as_secs() < 15,
        "took {:?}",
        started.elapsed()
    );
    let record = run.checklist.unwrap();
    assert!(record.contains("timed out"), "{record}");
}

#[test]
fn endless_or_oversized_data_is_refused_at_the_expected_size() {
    for behavior in [Behavior::Endless, Behavior::AnnounceLength(10_000_000)] {
        let server = Server::start().unwrap();
        let (w, release) = feed_with(&[("vendor", server.url())]);
        serve(&server, &release, |name, r| {
            if name == ARTIFACT {
                r.behave(behavior.clone())
            } else {
                r
            }
        });
        let run = verify(&w.feed, None, &[]);
        assert_eq!(run.code, 3, "{}{}", run.stdout, run.stderr);
        assert!(
            run.stderr.contains("100000"),
            "names the expected size: {}",
            run.stderr
        );
    }
    // Bytes beyond what the server itself announced are not read.
    let server = Server::start().unwrap();
    let (w, release) = feed_with(&[("vendor", server.url())]);
    serve(&server, &release, |name, r| {
        if name == ARTIFACT {
            let mut more = release.artifacts[0].file.bytes.clone();
            more.extend_from_slice(b"trailing junk the server should not have sent");
            Route::new(Body::bytes(more)).behave(Behavior::AnnounceLength(100_000))
        } else {
            r
        }
    });
    assert_eq!(verify(&w.feed, None, &[]).code, 0);
}

#[test]
fn redirects_are_followed_and_logged_up_to_a_limit() {
    let server = Server::start().unwrap();
    let (w, release) = feed_with(&[("vendor", server.url())]);
    serve(&server, &release, |_, r| r);
    let path = format!("4.2.1/{ARTIFACT}");
    server.route(
        &format!("moved/{ARTIFACT}"),
        Route::new(Body::bytes(release.artifacts[0].file.bytes.clone())),
    );
    server.route(
        &path,
        Route::new(Body::bytes(Vec::new()))
            .behave(Behavior::Redirect(format!("/moved/{ARTIFACT}"))),
    );
    let run = verify(&w.feed, None, &[]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.checklist.unwrap().contains("HTTP 302: redirected to"));
    // A loop is cut off.
    server.route(
        &path,
        Route::new(Body::bytes(Vec::new())).behave(Behavior::Redirect(format!("/{path}"))),
    );
    let run = verify(&w.feed, None, &[]);
    assert_eq!(run.code, 3);
    assert!(
        run.stderr.contains("more than 5 redirects"),
        "{}",
        run.stderr
    );
}

#[test]
fn offline_makes_no_connection_at_all() {
    let server = Server::start().unwrap();
    let (w, release) = feed_with(&[("vendor", server.url())]);
    serve(&server, &release, |_, r| r);
    let run = verify(&w.feed, None, &["--offline"]);
    assert_eq!(run.code, 3);
    assert!(run.stderr.contains("refused: --offline"), "{}", run.stderr);
    assert_eq!(server.connections(), 0);
}

#[test]
fn the_http_proxy_from_the_environment_is_used_and_no_proxy_honoured() {
    let proxy = Server::start().unwrap();
    let origin = "http://downloads.northwind.invalid/meridian/";
    let (w, release) = feed_with(&[("vendor", origin.to_string())]);
    // The proxy answers absolute-form requests for the origin.
    let mut files = vec![&release.checksums, &release.artifacts[0].file];
    files.extend(release.checksums_signature.iter());
    files.extend(release.artifacts[0].signature.iter());
    for f in files {
        proxy.route(
            &format!("meridian/4.2.1/{}", f.name),
            Route::new(Body::bytes(f.bytes.clone())),
        );
    }
    let out = tempfile::tempdir().unwrap();
    let mut cmd = verify_command(&w.feed, &out.path().join("c"), &out.path().join("k"));
    cmd.env("HTTP_PROXY", format!("http://127.0.0.1:{}", proxy.port()))
        .env_remove("NO_PROXY")
        .env_remove("no_proxy");
    cmd.assert().code(0);
    assert!(
        proxy
            .seen()
            .iter()
            .any(|s| s.target == "CONNECT downloads.northwind.invalid:80"),
        "{:?}",
        proxy.seen()
    );

    // NO_PROXY sends 127.0.0.1 directly.
    let direct = Server::start().unwrap();
    let (w, release) = feed_with(&[("vendor", direct.url())]);
    serve(&direct, &release, |_, r| r);
    let before = proxy.connections();
    let mut cmd = verify_command(&w.feed, &out.path().join("c2"), &out.path().join("k2"));
    cmd.env("HTTP_PROXY", format!("http://127.0.0.1:{}", proxy.port()))
        .env("NO_PROXY", "127.0.0.1");
    cmd.assert().code(0);
    assert_eq!(proxy.connections(), before);
}

#[test]
fn https_certificates_are_checked_and_a_ca_bundle_is_trusted() {
    let (server, ca_pem) = crate::support::tls::https_server();
    let (w, release) = feed_with(&[("vendor", server.url())]);
    serve(&server, &release, |_, r| r);
    // Not trusted by the system: refused.
    let run = verify(&w.feed, None, &[]);
    assert_eq!(run.code, 3, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.to_lowercase().contains("certificate"),
        "{}",
        run.stderr
    );
    // The hospital's CA bundle makes it trusted.
    let bundle = w.dir.path().join("hospital-ca.pem");
    std::fs::write(&bundle, ca_pem).unwrap();
    let run = verify(&w.feed, None, &["--ca-bundle", bundle.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
}

#[test]
fn a_redirect_from_https_to_http_is_refused() {
    let (secure, ca_pem) = crate::support::tls::https_server();
    let plain = Server::start().unwrap();
    let (w, release) = feed_with(&[("vendor", secure.url())]);
    serve(&secure, &release, |_, r| r);
    serve(&plain, &release, |_, r| r);
    secure.route(
        &format!("4.2.1/{ARTIFACT}"),
        Route::new(Body::bytes(Vec::new())).behave(Behavior::Redirect(format!(
            "{}4.2.1/{ARTIFACT}",
            plain.url()
        ))),
    );
    let bundle = w.dir.path().join("ca.pem");
    std::fs::write(&bundle, ca_pem).unwrap();
    let run = verify(&w.feed, None, &["--ca-bundle", bundle.to_str().unwrap()]);
    assert_eq!(run.code, 3, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr
            .contains("refused a redirect from https to http://127.0.0.1"),
        "{}",
        run.stderr
    );
    assert_eq!(plain.connections(), 0);
}

#[test]
fn a_zip_that_arrives_over_the_network_is_inspected_from_the_download() {
    let server = Server::start().unwrap();
    let zip = intake::testkit::archives::zip(&[
        intake::testkit::archives::Entry::dir("m/"),
        intake::testkit::archives::Entry::file("m/a", b"alpha".to_vec()),
    ])
    .unwrap();
    let release = ReleaseSpec::signed(
        "4.2.1",
        "2026-03-02",
        vendor(),
        signed(),
        vec![(
            "linux-x86_64",
            intake::testkit::layout::FileSpec::new("meridian-4.2.1.zip", zip),
        )],
    )
    .unwrap();
    let mut feed = intake::testkit::layout::FeedSpec::pinning(vendor()).unwrap();
    feed.sources = vec![("vendor".into(), server.url())];
    feed.releases.push(release.clone());
    let w = write(&feed);
    serve(&server, &release, |_, r| r);
    let run = verify(&w.feed, None, &[]);
    assert!(
        line(&run, "archive.safety")
            .contains("PASS ✓ archive.safety       no findings in 2 entries (a zip archive"),
        "{}",
        run.stdout
    );
}

#[test]
fn wrong_bytes_caught_by_sha512_alone_are_not_kept_in_the_cache() {
    use sha2::Digest;
    let bad = Server::start().unwrap();
    let mut feed = good_feed();
    feed.sources = vec![("vendor".to_string(), bad.url())];
    let release = &mut feed.releases[0];
    let genuine = release.artifacts[0].file.bytes.clone();
    release.checksums = intake::testkit::layout::FileSpec::new(
        "SHA512SUMS",
        format!(
            "SHA512 ({ARTIFACT}) = {}\n",
            hex::encode(sha2::Sha512::digest(&genuine))
        ),
    );
    release
        .resign_checksums(vendor(), intake::testkit::keys::SignSpec::at(signed()))
        .unwrap();
    let release = release.clone();
    let w = write(&feed);
    let wrong = vec![1u8; 100_000];
    serve(&bad, &release, |name, r| {
        if name == ARTIFACT {
            Route::new(Body::bytes(wrong.clone()))
        } else {
            r
        }
    });
    let cache = tempfile::tempdir().unwrap();
    let run = verify(&w.feed, Some(cache.path()), &[]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(line(&run, "checksum.sha256").contains("FAIL"));
    let mut kept = Vec::new();
    let mut folders = vec![cache.path().to_path_buf()];
    while let Some(folder) = folders.pop() {
        for e in std::fs::read_dir(&folder).unwrap().filter_map(|e| e.ok()) {
            if e.path().is_dir() {
                folders.push(e.path());
            } else if std::fs::read(e.path()).unwrap() == wrong {
                kept.push(e.path());
            }
        }
    }
    assert!(kept.is_empty(), "wrong bytes kept in the cache: {kept:?}");
}
