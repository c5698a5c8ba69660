//! The real binary in a pseudo-terminal at 80x24 with NO_COLOR: from the
//! first frame to a written checklist, and the terminal put back as it
//! was (main screen, cursor shown, paste mode off) when it ends.

use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

use crate::support::xdg_home;

struct Screen {
    parser: Arc<Mutex<vt100::Parser>>,
}

impl Screen {
    fn text(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    /// Waits until the screen shows `text` (or fails, showing the screen).
    fn wait_for(&self, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if self.text().contains(text) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("the screen never showed {text:?}:\n{}", self.text());
    }
}

/// `intake` on the demo feed in a pseudo-terminal, 80x24, NO_COLOR, its
/// folders in `dir`.
struct Walk {
    child: Box<dyn portable_pty::Child + Send + Sync>,
    screen: Screen,
    writer: Arc<Mutex<Box<dyn Write + Send>>>,
}

impl Walk {
    fn start(dir: &Path) -> Walk {
        let pty = native_pty_system();
        let pair = pty
            .openpty(PtySize {
                rows: 24,
                cols: 80,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut cmd = CommandBuilder::new(assert_cmd::cargo::cargo_bin("intake"));
        cmd.cwd(dir);
        cmd.env("NO_COLOR", "1");
        cmd.env("TERM", "xterm-256color");
        cmd.env("XDG_DATA_HOME", xdg_home().join("pty-data"));
        cmd.env("XDG_CACHE_HOME", xdg_home().join("pty-cache"));
        cmd.env("XDG_CONFIG_HOME", dir.join("config"));
        cmd.env(
            "INTAKE_DEMO_FEED",
            Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-releases/meridian/feed.toml"),
        );
        let child = pair.slave.spawn_command(cmd).unwrap();
        drop(pair.slave);
        let parser = Arc::new(Mutex::new(vt100::Parser::new(
            24.try_into().unwrap(),
            80.try_into().unwrap(),
            0,
        )));
        let mut reader = pair.master.try_clone_reader().unwrap();
        let writer = Arc::new(Mutex::new(pair.master.take_writer().unwrap()));
        let feed = parser.clone();
        let answer = writer.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                // A cursor position query is answered as a terminal would.
                if buf[..n].windows(4).any(|w| w == b"\x1b[6n") {
                    let _ = answer.lock().unwrap().write_all(b"\x1b[1;1R");
                }
                feed.lock().unwrap().process(&buf[..n]);
            }
        });
        Walk {
            child,
            screen: Screen { parser },
            writer,
        }
    }

    fn send(&self, bytes: &[u8]) {
        let mut w = self.writer.lock().unwrap();
        w.write_all(bytes).unwrap();
        w.flush().unwrap();
    }

    /// Waits for `intake` to exit; its status.
    fn exit(&mut self) -> portable_pty::ExitStatus {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "intake did not exit:\n{}",
                self.screen.text()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

#[test]
fn the_binary_walks_to_a_written_checklist_in_a_pseudo_terminal_and_restores_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut walk = Walk::start(dir.path());
    let screen = &walk.screen;
    let parser = walk.screen.parser.clone();
    let send = |bytes: &[u8]| walk.send(bytes);

    screen.wait_for("[1 Select]");
    {
        let p = parser.lock().unwrap();
        assert!(
            p.screen().alternate_screen(),
            "the walk draws on the alternate screen"
        );
        assert!(p.screen().bracketed_paste(), "pastes arrive as one piece");
    }
    screen.wait_for("Meridian Interface Engine 4.2.1");
    send(b"\r");
    screen.wait_for("[3 Verify]");
    assert!(
        screen.text().contains("PASS ✓ checksum.sha256"),
        "{}",
        screen.text()
    );
    send(b"\r");
    screen.wait_for("[4 Inspect]");
    send(b"\r");
    screen.wait_for("[5 Sign off]");
    send(b"a.operator\tb.approver\tCR-9");
    // A paste, as a terminal sends it with bracketed paste on.
    send(b"\x1b[200~ (maintenance window)\x1b[201~");
    send(b"\x13");
    screen.wait_for("Verdict: APPROVED");
    send(b"q");

    let status = walk.exit();
    assert!(status.success(), "{status:?}");
    std::thread::sleep(Duration::from_millis(200));
    let p = parser.lock().unwrap();
    let after = p.screen();
    assert!(!after.alternate_screen(), "back on the main screen");
    assert!(!after.hide_cursor(), "the cursor is shown again");
    assert!(!after.bracketed_paste(), "paste mode is off again");
    assert!(
        after
            .contents()
            .contains("intake: checklist written, APPROVED"),
        "{}",
        after.contents()
    );

    let toml = std::fs::read_dir(dir.path().join("checklists"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "toml"))
        .expect("a checklist was written");
    let record = std::fs::read_to_string(toml).unwrap();
    assert!(record.contains("CR-9 (maintenance window)"), "{record}");
}

#[test]
fn ctrl_c_twice_leaves_the_walk_with_its_own_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    let mut walk = Walk::start(dir.path());
    walk.screen.wait_for("Meridian Interface Engine 4.2.1");
    walk.send(b"\r");
    walk.screen.wait_for("[3 Verify]");
    walk.send(b"\x03");
    walk.screen.wait_for("Press Ctrl-C again to quit");
    walk.send(b"\x03");
    let status = walk.exit();
    assert_eq!(status.exit_code(), 4, "{status:?}");
    std::thread::sleep(Duration::from_millis(200));
    let after = walk.screen.text();
    assert!(
        after.contains("left before a checklist was written"),
        "{after}"
    );
    assert!(!dir.path().join("checklists").exists(), "nothing written");
}
