//! The real loop (tokio, blocking engine tasks, effects) on a test
//! terminal, walked by scripted keys from Select to a written checklist;
//! and proof that the walk and `intake verify` write the same record.

use std::path::{Path, PathBuf};
use std::time::Duration;

use intake::engine::fetch::open::FetchSettings;
use intake::engine::inspect::Limits;
use intake::engine::record::finish::Destinations;
use intake::tui::model::Screen;
use intake::tui::msg::Msg;
use intake::tui::{App, Options};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tokio::sync::mpsc::unbounded_channel;
use tokio::sync::watch;

use crate::support::tui::{DEMO, buffer_text, parse_keys};
use crate::support::{intake_bin, only_file};

fn options(dir: &Path) -> Options {
    Options {
        feed: PathBuf::from(DEMO),
        theme: None,
        ascii: false,
        no_color: true,
        operator: Some("a.operator".into()),
        to: Destinations {
            checklist_dir: dir.join("checklists"),
            store_root: dir.join("store"),
            keep_artifacts: true,
            history: None,
        },
        fetch: FetchSettings {
            offline: true,
            cache_dir: dir.join("cache"),
            ..FetchSettings::default()
        },
        limits: Limits::default(),
        signing_key: None,
    }
}

/// The loop's runtime as `intake` builds it: one worker, blocking tasks beside.
fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_time()
        .build()
        .unwrap()
}

/// The walk on an 80x24 test terminal, with its key channel and the screen
/// it is on (for scripts to wait on).
struct Harness {
    app: App,
    screens: watch::Receiver<Screen>,
    keys: tokio::sync::mpsc::UnboundedSender<Msg>,
    keys_rx: tokio::sync::mpsc::UnboundedReceiver<Msg>,
    terminal: Terminal<TestBackend>,
}

fn harness(opts: Options) -> Harness {
    let mut app = App::new(opts).unwrap();
    let (screens_tx, screens) = watch::channel(Screen::Select);
    app.screens = Some(screens_tx);
    let (keys, keys_rx) = unbounded_channel();
    Harness {
        app,
        screens,
        keys,
        keys_rx,
        terminal: Terminal::new(TestBackend::new(80, 24)).unwrap(),
    }
}

/// Walks the demo feed's 4.2.0 (older than 4.2.1: one warning to waive)
/// through the real loop; returns the last frame.
fn walk(dir: &Path) -> String {
    runtime().block_on(async {
        let Harness {
            mut app,
            mut screens,
            keys,
            mut keys_rx,
            mut terminal,
        } = harness(options(dir));
        let script = async move {
            let type_keys = |text: &str| {
                for k in parse_keys(text) {
                    keys.send(Msg::Key(k)).unwrap();
                }
            };
            let mut reach = async |screen: Screen| {
                tokio::time::timeout(Duration::from_secs(60), screens.wait_for(|s| *s == screen))
                    .await
                    .unwrap_or_else(|_| panic!("the walk never reached {screen:?}"))
                    .unwrap();
            };
            type_keys("j<Enter>");
            reach(Screen::Verify).await;
            type_keys("<Enter>");
            reach(Screen::Inspect).await;
            type_keys("<Enter>");
            reach(Screen::SignOff).await;
            // Focus starts on the operator (prefilled from the settings).
            type_keys("<Tab>b.approver<Tab>CR-1<Tab>kept on 4.2.0 for CR-1 testing<C-s>");
            reach(Screen::Done).await;
            type_keys("q");
        };
        let (result, ()) = tokio::join!(app.run(&mut terminal, &mut keys_rx), script);
        result.unwrap();
        assert_eq!(app.model.screen, Screen::Done);
        // The frame after the last message (the loop ended on the `q`).
        terminal
            .draw(|f| intake::tui::view::draw(f, &mut app.model, &app.theme))
            .unwrap();
        buffer_text(terminal.backend().buffer())
    })
}

/// A record without the lines that hold times (when it was started and
/// written), which two runs never share.
fn without_times(toml: &str) -> String {
    // The step log's lines carry their time (`HH:MM:SSZ `), as does each
    // waiver: both runs happen seconds apart.
    toml.lines()
        .filter(|l| {
            !(l.starts_with("started")
                || l.starts_with("finished")
                || l.starts_with("written")
                || l.starts_with("time = ")
                || l.starts_with("sbom = "))
        })
        .map(mask_clock_times)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Replaces every `HH:MM:SSZ` in a line with `--:--:--Z`.
fn mask_clock_times(line: &str) -> String {
    let bytes = line.as_bytes();
    let mut out = String::with_capacity(line.len());
    let mut i = 0;
    while i < bytes.len() {
        let is_clock = bytes.len() >= i + 9
            && [0, 1, 3, 4, 6, 7]
                .iter()
                .all(|k| bytes[i + k].is_ascii_digit())
            && bytes[i + 2] == b':'
            && bytes[i + 5] == b':'
            && bytes[i + 8] == b'Z';
        if is_clock {
            out.push_str("--:--:--Z");
            i += 9;
        } else {
            let c = line[i..].chars().next().unwrap();
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

#[test]
fn the_real_loop_walks_the_demo_feed_to_a_written_checklist_and_matches_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let last = walk(dir.path());
    assert!(last.contains("Verdict: APPROVED"), "{last}");
    let tui_toml =
        std::fs::read_to_string(only_file(&dir.path().join("checklists"), "toml")).unwrap();
    assert!(
        tui_toml.contains("kept on 4.2.0 for CR-1 testing"),
        "{tui_toml}"
    );
    assert!(
        dir.path()
            .join("store/meridian/4.2.0/meridian-4.2.0-linux-x86_64.tar.gz")
            .is_file(),
        "the approved artifact is stored"
    );

    // The same review and waivers through `intake verify`.
    let cli = tempfile::tempdir().unwrap();
    intake_bin()
        .args([
            "verify",
            DEMO,
            "--release",
            "4.2.0",
            "--platform",
            "linux-x86_64",
            "--offline",
        ])
        .args([
            "--operator",
            "a.operator",
            "--approver",
            "b.approver",
            "--change-request",
            "CR-1",
        ])
        .args(["--waive", "release.newest=kept on 4.2.0 for CR-1 testing"])
        .arg("--checklist-dir")
        .arg(cli.path().join("checklists"))
        .arg("--store")
        .arg(cli.path().join("store"))
        .assert()
        .code(0);
    let cli_toml =
        std::fs::read_to_string(only_file(&cli.path().join("checklists"), "toml")).unwrap();
    assert_eq!(without_times(&tui_toml), without_times(&cli_toml));
    // The SBOMs both wrote are the same but for their time and serial number.
    let sbom = |dir: &std::path::Path| {
        let path = only_file(&dir.join("checklists"), "json");
        let mut doc: serde_json::Value =
            serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
        assert!(
            doc["serialNumber"]
                .as_str()
                .unwrap()
                .starts_with("urn:uuid:")
        );
        doc["serialNumber"] = serde_json::Value::Null;
        doc["metadata"]["timestamp"] = serde_json::Value::Null;
        doc
    };
    assert_eq!(sbom(dir.path()), sbom(cli.path()));
}

#[test]
fn going_back_during_a_transfer_cancels_it_and_the_keys_stay_live() {
    use intake::testkit::archives::noise;
    use intake::testkit::layout::{FeedSpec, FileSpec, ReleaseSpec};
    use intake::testkit::server::{Body, Route, Server};

    let dir = tempfile::tempdir().unwrap();
    let server = Server::start().unwrap();
    // 16 MiB at 1 MiB/s: a transfer that would take 16 s.
    server.set_rate(1 << 20);
    let mut spec = FeedSpec::pinning(crate::support::vendor()).unwrap();
    spec.sources = vec![("vendor".into(), server.url())];
    let artifact = FileSpec::new("meridian-4.2.1.bin", noise(16 << 20, 5));
    spec.releases.push(
        ReleaseSpec::signed(
            "4.2.1",
            "2026-03-02",
            crate::support::vendor(),
            crate::support::signed(),
            vec![("linux-x86_64", artifact)],
        )
        .unwrap(),
    );
    let feed = spec.write(&dir.path().join("feed")).unwrap();
    for entry in std::fs::read_dir(dir.path().join("feed/releases/4.2.1")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        server.route(&format!("4.2.1/{name}"), Route::new(Body::File(path)));
    }
    let mut opts = options(dir.path());
    opts.feed = feed;
    opts.fetch.offline = false;

    runtime().block_on(async {
        let Harness {
            mut app,
            mut screens,
            keys,
            mut keys_rx,
            mut terminal,
        } = harness(opts);
        let cache = dir.path().join("cache");
        let script = async move {
            let send = |text: &str| {
                parse_keys(text)
                    .into_iter()
                    .for_each(|k| keys.send(Msg::Key(k)).unwrap())
            };
            send("<Enter>");
            screens.wait_for(|s| *s == Screen::Fetch).await.unwrap();
            // The download grows in the cache as it arrives.
            let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
            while cached_bytes(&cache) < 1 << 20 {
                assert!(
                    tokio::time::Instant::now() < deadline,
                    "the transfer never started"
                );
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            // Keys are answered while the transfer runs: the help opens and closes.
            send("?<Esc><Esc>");
            tokio::time::timeout(
                Duration::from_secs(2),
                screens.wait_for(|s| *s == Screen::Select),
            )
            .await
            .expect("Esc went back at once, mid-transfer")
            .unwrap();
            // The cancelled transfer stops: the download grows no more.
            tokio::time::sleep(Duration::from_millis(500)).await;
            let after_cancel = cached_bytes(&cache);
            tokio::time::sleep(Duration::from_secs(1)).await;
            assert_eq!(
                cached_bytes(&cache),
                after_cancel,
                "the transfer went on after Esc"
            );
            assert!(after_cancel < 8 << 20);
            send("q");
        };
        let (result, ()) = tokio::join!(app.run(&mut terminal, &mut keys_rx), script);
        result.unwrap();
        assert!(
            app.model
                .log
                .iter()
                .any(|l| l.contains("Fetch: cancelled by the operator")),
            "{:?}",
            app.model.log
        );
    });
}

/// Bytes under `dir`, every file (the partial downloads).
fn cached_bytes(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| {
            let path = e.path();
            if path.is_dir() {
                cached_bytes(&path)
            } else {
                e.metadata().map(|m| m.len()).unwrap_or(0)
            }
        })
        .sum()
}

#[test]
fn a_protected_signing_key_is_found_at_start_and_unlocked_by_the_typed_passphrase() {
    use intake::engine::record::checklist::SignOff;
    use intake::tui::effects::{self, Setup};
    use intake::tui::model::KeyStatus;
    use sequoia_openpgp::cert::CertBuilder;
    use std::sync::Arc;

    let dir = tempfile::tempdir().unwrap();
    let (protected, _) = CertBuilder::new()
        .set_creation_time(std::time::SystemTime::from(crate::support::key_created()))
        .add_userid("A. Operator <a.operator@hospital.example>")
        .add_signing_subkey()
        .set_password(Some("correct horse".into()))
        .generate()
        .unwrap();
    let secret = dir.path().join("operator.secret.asc");
    std::fs::write(
        &secret,
        intake::testkit::keys::secret_armored_demo(&protected).unwrap(),
    )
    .unwrap();
    let public = dir.path().join("operator.asc");
    std::fs::write(
        &public,
        intake::testkit::keys::public_armored(&protected).unwrap(),
    )
    .unwrap();

    let now = crate::support::now();
    assert_eq!(effects::probe_key(None, now), KeyStatus::None);
    assert!(matches!(
        effects::probe_key(Some(&secret), now),
        KeyStatus::NeedsPassphrase(_)
    ));
    assert!(
        matches!(effects::probe_key(Some(&public), now), KeyStatus::Unusable(why) if why.contains("no secret key"))
    );

    let feed = intake::engine::select::feed::Feed::load(Path::new(DEMO)).unwrap();
    let trust = intake::engine::verify::signature::TrustStore::load(&feed).unwrap();
    let opts = options(dir.path());
    let setup = Setup {
        feed: Arc::new(feed),
        trust: Arc::new(trust),
        fetch: opts.fetch,
        limits: opts.limits,
        to: opts.to,
        signing_key: Some(secret),
        ascii: false,
    };
    let review = crate::support::tui::sample_review(DEMO, "4.2.1", "linux-x86_64");
    let sign_off = SignOff {
        operator: "a.operator".into(),
        approver: "b.approver".into(),
        ..SignOff::default()
    };
    let wrong = effects::write(&setup, &review, &sign_off, Some("wrong".into())).unwrap_err();
    assert!(wrong.contains("passphrase does not unlock"), "{wrong}");
    assert!(
        !dir.path().join("checklists").exists(),
        "nothing is written with a wrong passphrase"
    );

    let written = effects::write(&setup, &review, &sign_off, Some("correct horse".into())).unwrap();
    assert!(
        written
            .signed_by
            .as_deref()
            .unwrap()
            .contains("A. Operator"),
        "{:?}",
        written.signed_by
    );
    let signature = written
        .files
        .iter()
        .find(|f| f.ends_with(".toml.asc"))
        .expect("a signature file");
    intake_bin()
        .args(["checklist", "verify"])
        .arg(signature.trim_end_matches(".asc"))
        .arg("--signer")
        .arg(&public)
        .assert()
        .code(0);
}
