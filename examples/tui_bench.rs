//! The walk's benchmark (scripts/bench-tui.sh runs it):
//!
//! - `first-frame BIN RUNS`: time from starting `BIN` (no arguments: the demo
//!   feed) in an 80x24 pseudo-terminal to the first complete frame.
//! - `inspect`: draw time of the Inspect step with 100,000 entries, moving
//!   the cursor every frame, through the real terminal backend into a sink.
//! - `fetch BIN RATE`: bytes written to the terminal per second while a
//!   transfer runs, `BIN` fetching a 48 MiB artifact from a local server
//!   paced at RATE bytes a second; and `curl`'s progress meter on the same
//!   file at the same pace, in the same kind of terminal.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

type Fail = Box<dyn std::error::Error>;

/// A program running in an 80x24 pseudo-terminal, its screen kept by vt100.
struct Pty {
    parser: Arc<Mutex<vt100::Parser>>,
    bytes: Arc<AtomicU64>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
}

impl Pty {
    fn spawn(cmd: CommandBuilder) -> Result<Pty, Fail> {
        let pair = native_pty_system().openpty(PtySize {
            rows: 24,
            cols: 80,
            pixel_width: 0,
            pixel_height: 0,
        })?;
        let child = pair.slave.spawn_command(cmd)?;
        drop(pair.slave);
        let parser = Arc::new(Mutex::new(vt100::Parser::new(
            24.try_into()?,
            80.try_into()?,
            0,
        )));
        let bytes = Arc::new(AtomicU64::new(0));
        let mut reader = pair.master.try_clone_reader()?;
        let (p, b) = (parser.clone(), bytes.clone());
        std::thread::spawn(move || {
            let mut buf = [0u8; 16384];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                b.fetch_add(n as u64, Ordering::SeqCst);
                if let Ok(mut p) = p.lock() {
                    p.process(&buf[..n]);
                }
            }
        });
        Ok(Pty {
            parser,
            bytes,
            writer: pair.master.take_writer()?,
            child,
        })
    }

    fn shows(&self, text: &str) -> bool {
        self.parser
            .lock()
            .map(|p| p.screen().contents().contains(text))
            .unwrap_or(false)
    }

    fn wait_for(&self, text: &str, limit: Duration) -> Result<Instant, Fail> {
        let deadline = Instant::now() + limit;
        while Instant::now() < deadline {
            if self.shows(text) {
                return Ok(Instant::now());
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        let screen = self
            .parser
            .lock()
            .map(|p| p.screen().contents())
            .unwrap_or_default();
        Err(format!("the screen never showed {text:?}:\n{screen}").into())
    }

    fn send(&mut self, bytes: &[u8]) -> Result<(), Fail> {
        self.writer.write_all(bytes)?;
        Ok(self.writer.flush()?)
    }

    /// Waits for the program to exit; kills it after `limit`.
    fn finish(&mut self, limit: Duration) -> Result<(), Fail> {
        let deadline = Instant::now() + limit;
        while self.child.try_wait()?.is_none() {
            if Instant::now() > deadline {
                self.child.kill()?;
                return Err("the program did not exit".into());
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        // Let the reader drain the last output.
        std::thread::sleep(Duration::from_millis(100));
        Ok(())
    }
}

fn intake_cmd(bin: &str, home: &Path) -> CommandBuilder {
    let mut cmd = CommandBuilder::new(bin);
    cmd.cwd(home);
    cmd.env("NO_COLOR", "1");
    cmd.env("TERM", "xterm-256color");
    for (var, dir) in [
        ("XDG_DATA_HOME", "data"),
        ("XDG_CACHE_HOME", "cache"),
        ("XDG_CONFIG_HOME", "config"),
    ] {
        cmd.env(var, home.join(dir));
    }
    cmd
}

fn first_frame(bin: &str, runs: usize) -> Result<(), Fail> {
    let home = tempfile::tempdir()?;
    let mut times = Vec::new();
    for _ in 0..runs {
        let started = Instant::now();
        let mut pty = Pty::spawn(intake_cmd(bin, home.path()))?;
        // The frame is complete when its last line (the keys) is drawn.
        let shown = pty.wait_for("q quit", Duration::from_secs(10))?;
        times.push(shown.duration_since(started).as_secs_f64() * 1000.0);
        pty.send(b"q")?;
        pty.finish(Duration::from_secs(20))?;
    }
    times.sort_by(f64::total_cmp);
    println!(
        "first frame: best {:.1} ms, median {:.1} ms over {runs} starts (target <= 100 ms)",
        times[0],
        times[runs / 2]
    );
    Ok(())
}

/// Counts what the backend writes, as a terminal would receive it.
struct Count(Arc<AtomicU64>);

impl Write for Count {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.fetch_add(buf.len() as u64, Ordering::Relaxed);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn inspect() -> Result<(), Fail> {
    use intake::engine::shared::check::{CheckId, Finding, Status};
    use intake::engine::shared::manifest::ManifestEntry;
    use intake::tui::model::{Context, KeyStatus, Model};
    use intake::tui::msg::{Cmd, Msg};
    use intake::tui::update::update;
    use ratatui::crossterm::event::{KeyCode, KeyEvent};
    use ratatui::layout::Rect;
    use ratatui::{Terminal, TerminalOptions, Viewport};

    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-releases/meridian/feed.toml");
    let feed = intake::engine::select::feed::Feed::load(&demo)?;
    let trust = intake::engine::verify::signature::TrustStore::load(&feed)?;
    let cache = tempfile::tempdir()?;
    let request = intake::engine::review::Request {
        version: "4.2.1".into(),
        platform: "linux-x86_64".into(),
        now: jiff::Timestamp::now(),
        fetch: intake::engine::fetch::open::FetchSettings {
            offline: true,
            cache_dir: cache.path().into(),
            ..Default::default()
        },
        limits: Default::default(),
        stage_dir: None,
        previous: intake::engine::select::rollback::Previous::None,
        approvals: Vec::new(),
        sbom_baseline: intake::engine::verify::sbom::Baseline::None("none".into()),
    };
    let cancel = intake::engine::shared::event::Cancel::new();
    let mut review = intake::engine::review::run(
        &feed,
        &trust,
        &request,
        &mut intake::engine::shared::event::Quiet,
        &cancel,
    )?;
    // 100,000 entries in 100 folders; every 1,000th world-writable (a finding).
    review.manifest = (0..100_000u32)
        .map(|i| ManifestEntry {
            sha256: format!("{i:064x}"),
            size: u64::from(i) * 17,
            mode: if i % 1000 == 0 { 0o666 } else { 0o644 },
            kind: "file".into(),
            path: format!("meridian-4.2.1/lib/part{:03}/module-{i:06}.dat", i / 1000).into_bytes(),
        })
        .collect();
    if let Some(safety) = review
        .checks
        .iter_mut()
        .find(|c| c.id == CheckId::ArchiveSafety)
    {
        safety.findings = (0..100_000u32)
            .step_by(1000)
            .map(|i| {
                Finding::new(
                    Status::Warn,
                    format!("meridian-4.2.1/lib/part{:03}/module-{i:06}.dat", i / 1000),
                    "world-writable",
                )
            })
            .collect();
    }
    let mut m = Model::new(Context {
        feed: Arc::new(feed),
        now: jiff::Timestamp::now(),
        host: "linux-x86_64".into(),
        operator: None,
        to: intake::engine::record::finish::Destinations {
            checklist_dir: "checklists".into(),
            store_root: "store".into(),
            keep_artifacts: false,
            history: None,
        },
        key: KeyStatus::None,
        previous: Default::default(),
        media: Default::default(),
        clock: || String::new(),
    });
    let key = |code| Msg::Key(KeyEvent::from(code));
    let job = update(&mut m, key(KeyCode::Enter))
        .into_iter()
        .find_map(|c| {
            if let Cmd::StartReview { job, .. } = c {
                Some(job)
            } else {
                None
            }
        })
        .ok_or("no review started")?;
    let started = Instant::now();
    update(
        &mut m,
        Msg::Reviewed {
            job,
            result: Ok(Arc::new(review)),
            rows: None,
        },
    );
    let build = started.elapsed();
    update(&mut m, key(KeyCode::Enter));

    let written = Arc::new(AtomicU64::new(0));
    let backend = ratatui::backend::CrosstermBackend::new(Count(written.clone()));
    let mut terminal = Terminal::with_options(
        backend,
        TerminalOptions {
            viewport: Viewport::Fixed(Rect::new(0, 0, 80, 24)),
        },
    )?;
    let theme = intake::tui::theme::Theme::mono(false);
    let frames = 2000;
    let mut times = Vec::with_capacity(frames);
    for n in 0..frames {
        let code = match n % 50 {
            0 => KeyCode::PageDown,
            49 => KeyCode::Char('G'),
            _ => KeyCode::Char('j'),
        };
        update(&mut m, key(code));
        let t = Instant::now();
        terminal.draw(|f| intake::tui::view::draw(f, &mut m, &theme))?;
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    // A whole-screen redraw once warm (as after a resize).
    terminal.resize(Rect::new(0, 0, 80, 24))?;
    let t = Instant::now();
    terminal.draw(|f| intake::tui::view::draw(f, &mut m, &theme))?;
    let redraw = t.elapsed().as_secs_f64() * 1000.0;
    let filter = Instant::now();
    update(&mut m, key(KeyCode::Char('f')));
    let findings = filter.elapsed();
    update(&mut m, key(KeyCode::Char('a')));
    let first = times[0];
    times.sort_by(f64::total_cmp);
    let mean = times.iter().sum::<f64>() / frames as f64;
    println!(
        "inspect, 100,000 entries: mean {:.3} ms, p99 {:.3} ms, worst {:.3} ms a frame over {frames} frames, the first {first:.3} ms, a whole-screen redraw {redraw:.3} ms (target <= 5 ms); {} bytes a frame to the terminal",
        mean,
        times[frames * 99 / 100],
        times[frames - 1],
        written.load(Ordering::Relaxed) / frames as u64
    );
    println!(
        "inspect, 100,000 entries: table built in {:.1} ms; findings filter in {:.1} ms",
        build.as_secs_f64() * 1000.0,
        findings.as_secs_f64() * 1000.0
    );
    Ok(())
}

/// A feed whose one release (a 48 MiB artifact) is served from `url`.
fn bench_feed(dir: &Path, url: &str) -> Result<(PathBuf, PathBuf), Fail> {
    use intake::testkit::keys::KeySpec;
    use intake::testkit::layout::{FeedSpec, FileSpec, ReleaseSpec};
    let vendor = KeySpec::new(
        "Bench Vendor <bench@example.org>",
        intake::testkit::ts("2025-01-01T00:00:00Z"),
    )
    .generate()?;
    let artifact = FileSpec::new(
        "meridian-9.9.9.bin",
        intake::testkit::archives::noise(48 << 20, 7),
    );
    let platform = intake::engine::select::choose::host_platform();
    let mut spec = FeedSpec::pinning(&vendor)?;
    spec.sources = vec![("vendor".into(), url.into())];
    spec.releases.push(ReleaseSpec::signed(
        "9.9.9",
        "2026-03-02",
        &vendor,
        intake::testkit::ts("2026-03-02T10:00:00Z"),
        vec![(platform.as_str(), artifact)],
    )?);
    let feed = spec.write(dir)?;
    Ok((feed, dir.join("releases/9.9.9/meridian-9.9.9.bin")))
}

fn fetch(bin: &str, rate: u64) -> Result<(), Fail> {
    use intake::testkit::server::{Body, Route, Server};
    let work = tempfile::tempdir()?;
    let server = Server::start()?;
    server.set_rate(rate);
    let (feed, artifact) = bench_feed(work.path(), &server.url())?;
    for entry in std::fs::read_dir(work.path().join("releases/9.9.9"))? {
        let path = entry?.path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        server.route(&format!("9.9.9/{name}"), Route::new(Body::File(path)));
    }

    let home = tempfile::tempdir()?;
    let mut cmd = intake_cmd(bin, home.path());
    cmd.arg(&feed);
    let mut pty = Pty::spawn(cmd)?;
    pty.wait_for("q quit", Duration::from_secs(10))?;
    pty.send(b"\r")?;
    pty.wait_for("[2 Fetch]", Duration::from_secs(10))?;
    // From the first byte of the artifact to the checks.
    pty.wait_for(" % ", Duration::from_secs(30))?;
    let (from, bytes_from) = (Instant::now(), pty.bytes.load(Ordering::SeqCst));
    pty.wait_for("[3 Verify]", Duration::from_secs(600))?;
    let seconds = from.elapsed().as_secs_f64();
    let sent = pty.bytes.load(Ordering::SeqCst) - bytes_from;
    println!(
        "fetch at {:.1} MiB/s: intake wrote {:.0} bytes/s ({:.2} KiB/s) to the terminal over {seconds:.1} s (target < 20 KiB/s)",
        rate as f64 / 1048576.0,
        sent as f64 / seconds,
        sent as f64 / seconds / 1024.0
    );
    pty.send(b"q")?;
    pty.send(b"y")?;
    pty.finish(Duration::from_secs(20))?;

    // curl's progress meter on the same file at the same pace.
    let mut curl = CommandBuilder::new("curl");
    curl.args([
        "-o",
        "/dev/null",
        &format!("{}9.9.9/meridian-9.9.9.bin", server.url()),
    ]);
    let started = Instant::now();
    let mut pty = Pty::spawn(curl)?;
    pty.finish(Duration::from_secs(600))?;
    let seconds = started.elapsed().as_secs_f64();
    let sent = pty.bytes.load(Ordering::SeqCst);
    println!(
        "fetch at the same pace: curl's progress meter wrote {:.0} bytes/s to the terminal over {seconds:.1} s",
        sent as f64 / seconds
    );
    drop(artifact);
    Ok(())
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize| args.get(i).cloned().unwrap_or_default();
    let result = match arg(0).as_str() {
        "first-frame" => first_frame(&arg(1), arg(2).parse().unwrap_or(10)),
        "inspect" => inspect(),
        "fetch" => fetch(&arg(1), arg(2).parse().unwrap_or(8 << 20)),
        _ => Err(
            "usage: tui_bench first-frame BIN [RUNS] | inspect | fetch BIN [BYTES_PER_SECOND]"
                .into(),
        ),
    };
    if let Err(e) = result {
        eprintln!("tui_bench: {e}");
        std::process::exit(1);
    }
}
