//! What each step looks like at 80x24 in the monochrome theme (committed
//! snapshots), one 16-colour buffer, ASCII borders, and sizes too small
//! to lay out, which must say so and never panic.

use intake::engine::shared::event::{Event, SourceState};
use intake::engine::shared::verdict::Verdict;
use intake::tui::model::{Overlay, Screen};
use intake::tui::msg::{Cmd, Msg, Written};
use intake::tui::theme::{Depth, Theme};
use intake::tui::update::update;
use ratatui::style::Color;

use crate::support::tui::*;

/// Snapshots are of the screen only: paths of this machine never show.
fn snapshot(name: &str, text: &str) {
    insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!(name, text);
    });
}

fn with_notes(m: &mut intake::tui::model::Model) {
    let version = m.release().unwrap().version.clone();
    let text = std::fs::read_to_string(format!(
        "sample-releases/meridian/releases/{version}/RELEASE-NOTES.md"
    ))
    .unwrap();
    update(
        m,
        Msg::Notes {
            version,
            lines: intake::tui::markdown::render(&text, false),
        },
    );
}

#[test]
fn step_1_select() {
    let mut m = demo_model();
    with_notes(&mut m);
    snapshot("1-select", &render(&mut m, 80, 24));
}

#[test]
fn step_2_fetch_in_progress() {
    let mut m = demo_model();
    let job = match &press(&mut m, "<Enter>")[..] {
        [Cmd::StartReview { job, .. }] => *job,
        other => panic!("{other:?}"),
    };
    let events = [
        Event::Source {
            file: "SHA256SUMS".into(),
            source: "vendor".into(),
            state: SourceState::Failed("timed out after 30 s (connect)".into()),
        },
        Event::Source {
            file: "SHA256SUMS".into(),
            source: "mirror-eu".into(),
            state: SourceState::Served,
        },
        Event::Source {
            file: "RELEASE-NOTES.md".into(),
            source: "mirror-eu".into(),
            state: SourceState::Served,
        },
        Event::Source {
            file: "meridian-4.2.1-linux-x86_64.tar.gz".into(),
            source: "mirror-eu".into(),
            state: SourceState::Resuming { from: 12 << 20 },
        },
        Event::Progress {
            what: "meridian-4.2.1-linux-x86_64.tar.gz".into(),
            done: 31 << 20,
            total: Some(46 << 20),
            rate: Some(11 << 20),
            eta: Some(2),
        },
    ];
    for event in events {
        update(
            &mut m,
            Msg::Engine {
                job,
                event,
                time: "12:00:00".into(),
            },
        );
    }
    snapshot("2-fetch", &render(&mut m, 80, 24));
}

#[test]
fn step_3_verify_with_evidence() {
    let mut m = demo_model();
    reviewed(&mut m, sample_review(DEMO, "4.2.1", "linux-x86_64"));
    press(&mut m, "jjjjjj");
    snapshot("3-verify", &render(&mut m, 80, 24));
}

#[test]
fn step_3_verify_of_a_tampered_release() {
    let mut m = model_at(TRAINING, "tampered");
    reviewed(&mut m, sample_review(TRAINING, "tampered", "linux-x86_64"));
    press(&mut m, "jjjjj");
    snapshot("3-verify-tampered", &render(&mut m, 80, 24));
}

#[test]
fn step_4_inspect_with_findings() {
    let mut m = model_at(TRAINING, "setuid-helper");
    reviewed(
        &mut m,
        sample_review(TRAINING, "setuid-helper", "linux-x86_64"),
    );
    press(&mut m, "<Enter>f");
    snapshot("4-inspect", &render(&mut m, 80, 24));
}

#[test]
fn step_5_sign_off_with_a_waiver() {
    let mut m = demo_model();
    press(&mut m, "j");
    reviewed(&mut m, sample_review(DEMO, "4.2.0", "linux-x86_64"));
    press(
        &mut m,
        "<Enter><Enter>a.operator<Tab>b.approver<Tab>CR-20461<Tab>4.2.1 fails our HL7 tests; vendor KB-1123",
    );
    snapshot("5-sign-off", &render(&mut m, 80, 24));
}

#[test]
fn done_lists_the_files_to_attach() {
    let mut m = demo_model();
    reviewed(&mut m, sample_review(DEMO, "4.2.1", "linux-x86_64"));
    m.screen = Screen::SignOff;
    update(
        &mut m,
        Msg::Finished(Ok(Written {
            verdict: Verdict::Approved,
            reasons: vec![],
            files: ["toml", "md", "manifest", "toml.asc"]
                .iter()
                .map(|e| format!("checklists/meridian-4.2.1-linux-x86_64-20261122T120000Z.{e}"))
                .collect(),
            signed_by: Some(
                "7A9C 2D4F 6E8A 0E3B 1C7F  5A2D 9E4B 8C6A 1F0D 3E5B (A. Operator)".into(),
            ),
            stored: Some("store/meridian/4.2.1/meridian-4.2.1-linux-x86_64.tar.gz".into()),
            approve_command: Some(
                "intake approve /srv/cr/meridian-4.2.1-linux-x86_64-20261122T120000Z.toml".into(),
            ),
        })),
    );
    let screen = render(&mut m, 80, 24);
    assert!(
        screen.contains("Countersignature still needed: the approver runs, on their host:")
            && screen.contains("intake approve /srv/cr/meridian-4.2.1-linux-x86_64-"),
        "{screen}"
    );
    snapshot("6-done", &screen);
}

#[test]
fn overlays_help_log_and_quit() {
    let mut m = demo_model();
    reviewed(&mut m, sample_review(DEMO, "4.2.1", "linux-x86_64"));
    press(&mut m, "?");
    snapshot("help-verify", &render(&mut m, 80, 24));
    press(&mut m, "<Esc>L");
    snapshot("log", &render(&mut m, 80, 24));
    press(&mut m, "<Esc>q");
    assert_eq!(m.overlay, Overlay::ConfirmQuit);
    snapshot("confirm-quit", &render(&mut m, 80, 24));
}

#[test]
fn sixteen_colours_mark_status_words_with_their_role_colours() {
    let theme = Theme::choose(
        None,
        std::path::Path::new("themes"),
        false,
        Depth::Sixteen,
        false,
    )
    .unwrap();
    let mut m = model_at(TRAINING, "tampered");
    reviewed(&mut m, sample_review(TRAINING, "tampered", "linux-x86_64"));
    let buffer = render_buffer(&mut m, &theme, 80, 24);
    let text = buffer_text(&buffer);
    let colour_of = |word: &str| {
        let (y, line) = text
            .lines()
            .enumerate()
            .find(|(_, l)| l.contains(word))
            .unwrap();
        let x = line[..line.find(word).unwrap()].chars().count();
        buffer[(x as u16, y as u16)].fg
    };
    assert_eq!(colour_of("FAIL ✗ checksum.sha256"), Color::Red);
    assert_eq!(colour_of("PASS ✓ feed.fresh"), Color::Green);
    // Every colour is one of the 16 (no RGB at this depth).
    for cell in buffer.content() {
        assert!(
            !matches!(cell.fg, Color::Rgb(..) | Color::Indexed(_)),
            "{:?}",
            cell.fg
        );
        assert!(
            !matches!(cell.bg, Color::Rgb(..) | Color::Indexed(_)),
            "{:?}",
            cell.bg
        );
    }
}

#[test]
fn ascii_borders_and_symbols() {
    let mut m = demo_model();
    reviewed(&mut m, sample_review(DEMO, "4.2.1", "linux-x86_64"));
    let text = buffer_text(&render_buffer(&mut m, &Theme::mono(true), 80, 24));
    assert!(text.contains("+ Checks -"), "{text}");
    assert!(text.contains("PASS + feed.fresh"), "{text}");
    assert!(text.contains("1 Select + > 2 Fetch +"), "{text}");
    // Engine summaries may hold `·`; the frame and the symbols are ASCII.
    let drawn = ['─', '│', '┌', '┐', '└', '┘', '✓', '✗', '›', '•'];
    assert!(!text.chars().any(|c| drawn.contains(&c)), "{text}");
}

#[test]
fn small_terminals_say_so_and_nothing_panics_at_any_size() {
    let mut m = model_at(TRAINING, "setuid-helper");
    reviewed(
        &mut m,
        sample_review(TRAINING, "setuid-helper", "linux-x86_64"),
    );
    let text = render(&mut m, 20, 5);
    assert!(text.contains("Terminal too small"), "{text}");
    for keys in ["", "<Enter>", "<Enter><Enter>", "<Enter><Enter>?", "<Esc>L"] {
        press(&mut m, keys);
        for (w, h) in [
            (1, 1),
            (20, 5),
            (79, 24),
            (80, 23),
            (80, 24),
            (81, 25),
            (200, 60),
        ] {
            render(&mut m, w, h);
        }
    }
}

/// The row of `text` that holds `needle` (0-based), for cursor checks.
fn row_of(text: &str, needle: &str) -> u16 {
    text.lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no {needle:?} in:\n{text}")) as u16
}

#[test]
fn step_5_sign_off_with_two_warnings_starts_on_the_operator_with_the_cursor_there() {
    let mut m = demo_model();
    press(&mut m, "j");
    reviewed(&mut m, two_warnings());
    press(&mut m, "<Enter><Enter>");
    let (text, cursor) = render_cursor(&mut m, 80, 24);
    snapshot("5-sign-off-two-warnings", &text);
    assert!(text.contains("> Operator"), "{text}");
    assert!(text.contains("Reason: release.rollback"), "{text}");
    assert_eq!(cursor, Some((28, row_of(&text, "> Operator"))), "{text}");
}

#[test]
fn step_5_sign_off_with_five_warnings_scrolls_to_the_focused_reason() {
    let mut m = demo_model();
    press(&mut m, "j");
    reviewed(&mut m, five_warnings());
    press(
        &mut m,
        "<Enter><Enter>a.operator<Tab>b.approver<Tab>CR-20461<Tab>\
         kept on 4.2.0: 4.2.1 fails our HL7 suite<Tab>same as above<Tab><Tab><Tab>\
         logging.toml is rewritten by the installer<C-s>",
    );
    // The first Ctrl-S says why the checklist would be rejected: the form
    // gives that message room and scrolls, the focused reason still drawn.
    let (text, cursor) = render_cursor(&mut m, 80, 24);
    snapshot("5-sign-off-five-warnings", &text);
    assert!(text.contains("more above"), "{text}");
    let focused = row_of(&text, "> Reason: archive.safety");
    assert_eq!(cursor.map(|c| c.1), Some(focused), "{text}");
}

#[test]
fn step_5_sign_off_with_a_protected_key_masks_the_passphrase() {
    let mut m = demo_model();
    m.ctx.key = intake::tui::model::KeyStatus::NeedsPassphrase("keys/a.operator.asc".into());
    press(&mut m, "j");
    reviewed(&mut m, five_warnings());
    press(
        &mut m,
        "<Enter><Enter>a.operator<Tab>b.approver<Tab>CR-20461<Tab>correct horse",
    );
    let (text, cursor) = render_cursor(&mut m, 80, 24);
    snapshot("5-sign-off-passphrase", &text);
    assert!(!text.contains("correct horse"), "{text}");
    assert!(text.contains("> Key passphrase"), "{text}");
    let focused = row_of(&text, "> Key passphrase");
    assert_eq!(cursor.map(|c| c.1), Some(focused), "{text}");
}

#[test]
fn step_3_verify_evidence_scrolled_to_its_end() {
    let mut m = demo_model();
    reviewed(&mut m, sample_review(DEMO, "4.2.1", "linux-x86_64"));
    press(&mut m, "jjjjjjj");
    render(&mut m, 80, 24);
    press(&mut m, "G");
    snapshot("3-verify-evidence-end", &render(&mut m, 80, 24));
}

#[test]
fn step_1_select_keeps_long_versions_apart_and_the_dates_whole() {
    let mut feed = intake::engine::select::feed::Feed::load(std::path::Path::new(DEMO)).unwrap();
    for (r, v) in feed.releases.iter_mut().zip([
        "4.3.0-preview.20260307.1",
        "4.3.0-preview.20260307.2",
        "4.3.0-preview.20260307.10",
    ]) {
        r.version = v.into();
        r.channel = "preview-nightly".into();
    }
    let mut m = model_of(feed, Default::default());
    let text = render(&mut m, 80, 24);
    snapshot("1-select-long-versions", &text);
    for tail in ["307.1 ", "307.2 ", "07.10 "] {
        assert!(text.contains(tail), "{tail} in:\n{text}");
    }
    for date in ["2026-03-02", "2026-01-15", "2025-11-30"] {
        assert!(text.contains(date), "{date} in:\n{text}");
    }
    // A wider terminal gives the list the room: the versions show whole.
    let wide = render(&mut m, 120, 24);
    for version in ["4.3.0-preview.20260307.2", "4.3.0-preview.20260307.10"] {
        assert!(wide.contains(version), "{version} in:\n{wide}");
    }
    let wider = render(&mut m, 160, 30);
    assert!(
        wider.contains("4.3.0-preview.20260307.10 2025-11-30  preview-nightly"),
        "{wider}"
    );
}

#[test]
fn ascii_leaves_no_middle_dot_or_ellipsis_on_any_screen() {
    let theme = Theme::mono(true);
    let mut m = demo_model();
    let mut screens = vec![buffer_text(&render_buffer(&mut m, &theme, 80, 24))];
    let job = match &press(&mut m, "<Enter>")[..] {
        [Cmd::StartReview { job, .. }] => *job,
        other => panic!("{other:?}"),
    };
    let progress = Event::Progress {
        what: "meridian-4.2.1-linux-x86_64.tar.gz".into(),
        done: 5 << 20,
        total: Some(12 << 20),
        rate: Some(1 << 20),
        eta: Some(7),
    };
    let time = "12:00:00".to_string();
    update(
        &mut m,
        Msg::Engine {
            job,
            event: progress,
            time,
        },
    );
    screens.push(buffer_text(&render_buffer(&mut m, &theme, 80, 24)));
    let mut m = model_at(TRAINING, "tampered");
    reviewed(&mut m, sample_review(TRAINING, "tampered", "linux-x86_64"));
    for keys in [
        "",
        "jjjjj",
        "<Enter>",
        "f",
        "<Enter>",
        "a<Tab>b<C-s>",
        "<F1>",
    ] {
        press(&mut m, keys);
        screens.push(buffer_text(&render_buffer(&mut m, &theme, 80, 24)));
    }
    for text in screens {
        for c in ['·', '…', '•', '█', '✓', '✗', '›', '─', '│'] {
            assert!(!text.contains(c), "{c} in:\n{text}");
        }
    }
}
