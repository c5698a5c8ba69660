//! The walk's keys as an operator counts on them, driven by key strings
//! through `update`: the form's fields in the same order whatever the
//! review found, the focused field always drawn with the cursor in it,
//! the evidence scrolled to every line, Ctrl-C twice, `q` on a screen too
//! small to show the form, Esc clearing a kept search, a sign-off message
//! that is never stale, and a help that lists every key that works.

use intake::tui::keys;
use intake::tui::model::{FieldKind, KeyStatus, Overlay, Screen};
use intake::tui::msg::{Cmd, Msg};
use intake::tui::update::update;

use crate::support::tui::*;

/// A review of 4.2.0 with `warnings` (0, 2 or 5) on the sign-off form.
fn on_the_form(warnings: usize, key: KeyStatus) -> intake::tui::model::Model {
    let mut m = demo_model();
    m.ctx.key = key;
    press(&mut m, "j");
    let review = match warnings {
        0 => sample_review(DEMO, "4.2.1", "linux-x86_64"),
        2 => two_warnings(),
        _ => five_warnings(),
    };
    reviewed(&mut m, review);
    press(&mut m, "<Enter><Enter>");
    assert_eq!(m.screen, Screen::SignOff);
    m
}

fn value(m: &intake::tui::model::Model, kind: FieldKind) -> String {
    let s = m.sign_off.as_ref().unwrap();
    let field = s.fields.iter().find(|f| f.kind == kind).unwrap();
    field.input.value().to_string()
}

#[test]
fn the_same_keys_fill_the_same_fields_whatever_the_review_found() {
    for warnings in [0, 2, 5] {
        let mut m = on_the_form(warnings, KeyStatus::NeedsPassphrase("k.asc".into()));
        let s = m.sign_off.as_ref().unwrap();
        assert_eq!(s.focus, 0, "{warnings} warnings");
        assert_eq!(s.fields[0].kind, FieldKind::Operator);
        let reasons = s
            .fields
            .iter()
            .filter(|f| matches!(f.kind, FieldKind::Waiver(_, _)))
            .count();
        assert_eq!(reasons, warnings);
        press(
            &mut m,
            "a.operator<Tab>b.approver<Tab>CR-1<Tab>correct horse",
        );
        assert_eq!(value(&m, FieldKind::Operator), "a.operator");
        assert_eq!(value(&m, FieldKind::Approver), "b.approver");
        assert_eq!(value(&m, FieldKind::ChangeRequest), "CR-1");
        assert_eq!(
            value(&m, FieldKind::Passphrase),
            "correct horse",
            "{warnings} warnings: the passphrase went into its masked field"
        );
        let text = render(&mut m, 80, 24);
        assert!(!text.contains("correct horse"), "{text}");
    }
}

#[test]
fn every_focused_field_is_drawn_with_the_cursor_in_it() {
    let mut m = on_the_form(5, KeyStatus::NeedsPassphrase("k.asc".into()));
    let fields = m.sign_off.as_ref().unwrap().fields.len();
    assert_eq!(fields, 9, "3 names, the passphrase, 5 reasons");
    // Round the form forwards, then backwards, at 80x24.
    for keys in ["<Tab>", "<BackTab>"] {
        for _ in 0..=fields {
            let (text, cursor) = render_cursor(&mut m, 80, 24);
            let s = m.sign_off.as_ref().unwrap();
            let label = match s.fields[s.focus].kind {
                FieldKind::Waiver(id, _) => format!("> Reason: {id}"),
                FieldKind::Operator => "> Operator".to_string(),
                FieldKind::Approver => "> Approver".to_string(),
                FieldKind::ChangeRequest => "> Change request".to_string(),
                FieldKind::Passphrase => "> Key passphrase".to_string(),
            };
            let row = text.lines().position(|l| l.contains(&label));
            let row = row.unwrap_or_else(|| panic!("{label} not drawn:\n{text}"));
            assert_eq!(cursor.map(|c| c.1 as usize), Some(row), "{text}");
            let title = format!("field {} of {fields}", s.focus + 1);
            assert!(text.contains(&title), "{title}:\n{text}");
            press(&mut m, keys);
        }
    }
}

#[test]
fn the_verdict_sentence_wraps_instead_of_being_cut() {
    let mut m = on_the_form(5, KeyStatus::None);
    let text = render(&mut m, 80, 24);
    let sentence: String = text
        .lines()
        .skip_while(|l| !l.contains("Verdict if written now"))
        .take_while(|l| !l.starts_with('┌'))
        .collect::<Vec<_>>()
        .join(" ");
    for id in ["release.newest", "fetch.source", "archive.safety"] {
        assert!(sentence.contains(id), "{id} in: {sentence}");
    }
    assert!(
        sentence.contains("operator's name is missing"),
        "{sentence}"
    );
    assert!(!sentence.contains('…'), "{sentence}");
}

#[test]
fn the_evidence_scrolls_to_every_line_of_a_signature_check() {
    let mut m = demo_model();
    let review = sample_review(DEMO, "4.2.1", "linux-x86_64");
    reviewed(&mut m, review.clone());
    press(&mut m, "jjjjjj");
    let check = &review.checks[m.check_cursor];
    assert_eq!(check.id.as_str(), "signature.checksums");
    let mut seen = String::new();
    seen.push_str(&render(&mut m, 80, 24));
    let page = m.evidence.rows;
    assert!(m.evidence.lines > page, "more evidence than rows at 80x24");
    for keys in ["<PgDn>", "<PgDn>", "<C-u>", "<C-d>", "<End>"] {
        press(&mut m, keys);
        seen.push_str(&render(&mut m, 80, 24));
    }
    assert_eq!(
        m.evidence.scroll,
        m.evidence.last(),
        "End shows the last line"
    );
    for value in check.evidence.values() {
        assert!(
            seen.contains(value.as_str()),
            "{value} never shown:\n{seen}"
        );
    }
    let signer = &check.evidence["signer"];
    assert!(signer.contains("(pinned)"), "{signer}");
    assert!(seen.contains("user id"), "{seen}");
    for f in &check.findings {
        assert!(
            seen.contains(&f.summary[..20.min(f.summary.len())]),
            "{seen}"
        );
    }
    let end = render(&mut m, 80, 24);
    assert!(end.contains("above: PgUp"), "{end}");
    assert!(!end.contains("every finding is"), "{end}");
    press(&mut m, "g");
    assert_eq!(m.evidence.scroll, 0);
    press(&mut m, "G<Home>");
    assert_eq!(m.evidence.scroll, 0);
    press(&mut m, "G<Up><Down>");
    assert_eq!(m.evidence.scroll, 0, "another check starts at its top");
}

#[test]
fn ctrl_c_twice_quits_and_any_key_between_carries_on() {
    let mut m = on_the_form(2, KeyStatus::None);
    assert!(press(&mut m, "<C-c>").is_empty());
    assert!(m.interrupted && !m.quit);
    let text = render(&mut m, 80, 24);
    assert!(text.contains("Press Ctrl-C again to quit"), "{text}");
    press(&mut m, "x");
    assert!(!m.interrupted, "another key carries on");
    assert_eq!(value(&m, FieldKind::Operator), "x", "and does what it does");
    assert!(!render(&mut m, 80, 24).contains("Ctrl-C again"));
    let cmds = press(&mut m, "<C-c><C-c>");
    assert!(m.quit, "two presses quit, with no question");
    assert!(matches!(&cmds[..], [Cmd::Quit]), "{cmds:?}");
    assert_eq!(m.overlay, Overlay::None);

    // On Select, and from an overlay, the same.
    let mut m = demo_model();
    press(&mut m, "?<C-c>");
    assert!(!m.quit);
    press(&mut m, "<C-c>");
    assert!(m.quit);
}

#[test]
fn q_on_a_screen_too_small_for_the_form_quits_instead_of_typing() {
    let mut m = on_the_form(2, KeyStatus::None);
    update(&mut m, Msg::Resize(70, 20));
    let text = render(&mut m, 70, 20);
    assert!(text.contains("Terminal too small"), "{text}");
    assert!(press(&mut m, "abc").is_empty());
    assert_eq!(value(&m, FieldKind::Operator), "", "nothing typed blind");
    update(&mut m, Msg::Paste("pasted".into()));
    assert_eq!(value(&m, FieldKind::Operator), "");
    press(&mut m, "q");
    assert_eq!(
        m.overlay,
        Overlay::ConfirmQuit,
        "a review is open: asked first"
    );
    let text = render(&mut m, 70, 20);
    assert!(text.contains("Abandon this review?"), "{text}");
    let cmds = press(&mut m, "y");
    assert!(m.quit && matches!(&cmds[..], [Cmd::Quit]), "{cmds:?}");

    // Enlarged again, the form takes letters as before.
    let mut m = on_the_form(0, KeyStatus::None);
    update(&mut m, Msg::Resize(60, 20));
    update(&mut m, Msg::Resize(80, 24));
    press(&mut m, "q");
    assert_eq!(value(&m, FieldKind::Operator), "q");
}

#[test]
fn esc_in_inspect_clears_a_kept_search_before_leaving_the_step() {
    let mut m = model_at(TRAINING, "setuid-helper");
    reviewed(
        &mut m,
        sample_review(TRAINING, "setuid-helper", "linux-x86_64"),
    );
    press(&mut m, "<Enter>");
    let all = m.inspect.as_ref().unwrap().visible.len();
    press(&mut m, "/conf<Enter>");
    let i = m.inspect.as_ref().unwrap();
    assert!(!i.searching && i.visible.len() < all, "the search is kept");
    press(&mut m, "<Esc>");
    assert_eq!(m.screen, Screen::Inspect, "the first Esc clears the search");
    let i = m.inspect.as_ref().unwrap();
    assert_eq!(i.search.value(), "");
    assert_eq!(i.visible.len(), all);
    press(&mut m, "<Esc>");
    assert_eq!(m.screen, Screen::Verify, "the next one leaves");
}

#[test]
fn the_two_people_message_clears_once_the_names_are_fixed() {
    let mut m = on_the_form(0, KeyStatus::None);
    press(&mut m, "same<Tab>same<C-s>");
    let problem = |m: &intake::tui::model::Model| {
        m.sign_off
            .as_ref()
            .unwrap()
            .problem
            .as_ref()
            .map(|p| p.text.clone())
    };
    assert!(problem(&m).unwrap().contains("two different people"));
    assert!(render(&mut m, 80, 24).contains("two different people"));
    press(&mut m, "<BS>");
    assert_eq!(problem(&m), None, "two different names now: nothing stale");
    assert!(!render(&mut m, 80, 24).contains("different people"));
    press(&mut m, "<BS><BS><BS><C-s>");
    assert!(problem(&m).unwrap().contains("approver's name is missing"));
    press(&mut m, "b");
    assert_eq!(problem(&m), None);
    assert!(!render(&mut m, 80, 24).contains("different people"));
}

#[test]
fn help_lists_every_key_that_works_on_every_step() {
    let mut m = on_the_form(2, KeyStatus::None);
    let screens = [
        Screen::Select,
        Screen::Fetch,
        Screen::Verify,
        Screen::Inspect,
        Screen::SignOff,
        Screen::Done,
    ];
    for screen in screens {
        m.screen = screen;
        m.overlay = Overlay::Help;
        m.log_scroll = 0;
        let text = render(&mut m, 100, 60);
        for b in keys::bindings(screen) {
            for name in b.key_names(false) {
                assert!(
                    text.contains(&format!(" {name} ")),
                    "{screen:?}: {name} missing from:\n{text}"
                );
            }
        }
    }
    m.screen = Screen::Inspect;
    let text = render(&mut m, 100, 60);
    for name in ["g", "G", "Home", "End", "Ctrl-U", "Ctrl-D", "PgUp", "PgDn"] {
        assert!(text.contains(&format!(" {name} ")), "{name}:\n{text}");
    }
}

#[test]
fn a_field_left_shows_the_start_of_what_was_typed() {
    let mut m = on_the_form(2, KeyStatus::None);
    let long = "mirror-eu reported to the vendor on 2026-11-22; the local copy matches";
    press(&mut m, &format!("<Tab><Tab><Tab>{long}"));
    let focused = render(&mut m, 80, 24);
    assert!(
        focused.contains("local copy matches"),
        "the cursor's end:\n{focused}"
    );
    press(&mut m, "<Tab>");
    let left = render(&mut m, 80, 24);
    assert!(
        left.contains("Reason: release.newest   mirror-eu reported"),
        "{left}"
    );
}

/// A warning check with a few findings asks a reason for each finding; the
/// reasons become waivers that name their finding, and the review is
/// approved only once every finding has one.
#[test]
fn sign_off_asks_a_reason_per_finding() {
    use intake::engine::record::checklist;
    use intake::engine::shared::check::CheckId;
    use intake::engine::shared::verdict::Verdict;
    use intake::testkit::hostile::{RawTar, gz};
    use intake::tui::form::{new_sign_off, sign_off_of};
    let tar = RawTar::new()
        .file_mode("m/conf/a.toml", 0o666, b"x")
        .file_mode("m/conf/b.toml", 0o666, b"y");
    let review =
        crate::support::review_artifact("linux-x86_64", "m.tar.gz", gz(&tar.finish()), None);
    let mut form = new_sign_off(&review, &Some("a".into()), &KeyStatus::None);
    let asked: Vec<Option<String>> = form
        .fields
        .iter()
        .filter_map(|f| match &f.kind {
            FieldKind::Waiver(CheckId::ArchiveSafety, subject) => Some(subject.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(
        asked,
        vec![Some("m/conf/a.toml".into()), Some("m/conf/b.toml".into())]
    );
    for f in &mut form.fields {
        match &f.kind {
            FieldKind::Approver => f.input = intake::tui::input::TextInput::new("b"),
            // Other warnings of this small feed (no release notes) accepted whole.
            FieldKind::Waiver(_, None) => f.input = intake::tui::input::TextInput::new("known"),
            FieldKind::Waiver(_, Some(s)) if s.ends_with("a.toml") => {
                f.input = intake::tui::input::TextInput::new("reset by the installer")
            }
            _ => {}
        }
    }
    let (verdict, reasons) = checklist::verdict(&review, &sign_off_of(&form));
    assert_eq!(verdict, Verdict::Rejected);
    assert!(
        reasons.iter().any(|r| r.contains("m/conf/b.toml")),
        "{reasons:?}"
    );
    for f in &mut form.fields {
        if matches!(&f.kind, FieldKind::Waiver(_, Some(s)) if s.ends_with("b.toml")) {
            f.input = intake::tui::input::TextInput::new("also reset");
        }
    }
    let sign_off = sign_off_of(&form);
    assert_eq!(checklist::verdict(&review, &sign_off).0, Verdict::Approved);
    assert!(
        sign_off
            .waivers
            .iter()
            .filter(|w| w.check == CheckId::ArchiveSafety)
            .all(|w| w.subject.is_some())
    );
}
