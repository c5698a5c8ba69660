//! The walk's `update`, driven by key strings with no threads: every
//! step's keys, going back, cancelling, quitting, the sign-off rules.

use intake::engine::shared::check::{CheckId, Status};
use intake::engine::shared::event::{Event, SourceState};
use intake::engine::shared::verdict::Verdict;
use intake::tui::model::{FieldKind, Overlay, Pane, Screen};
use intake::tui::msg::{Cmd, Msg, Written};
use intake::tui::rows::Filter;
use intake::tui::update::update;

use crate::support::tui::*;

#[test]
fn select_moves_between_releases_and_platforms_and_enter_starts_the_review() {
    let mut m = demo_model();
    assert_eq!(m.screen, Screen::Select);
    assert_eq!(m.release().unwrap().version, "4.2.1", "newest first");
    assert_eq!(
        m.platform(),
        Some("linux-x86_64"),
        "the host's platform is preselected"
    );

    let cmds = press(&mut m, "j");
    assert!(matches!(&cmds[..], [Cmd::LoadNotes { version }] if version == "4.2.0"));
    press(&mut m, "<Tab>j");
    assert_eq!(m.select.pane, Pane::Platforms);
    assert_eq!(m.platform(), Some("windows-x86_64"));
    // Moving past the end stays on the last one.
    press(&mut m, "jjj");
    assert_eq!(m.platform(), Some("windows-x86_64"));

    let cmds = press(&mut m, "<Enter>");
    assert!(
        matches!(&cmds[..], [Cmd::StartReview { version, platform, .. }] if version == "4.2.0" && platform == "windows-x86_64"),
        "{cmds:?}"
    );
    assert_eq!(m.screen, Screen::Fetch);
    assert!(
        m.log
            .iter()
            .any(|l| l.contains("review of 4.2.0 for windows-x86_64 started"))
    );
}

#[test]
fn select_warns_of_an_older_release_and_a_rollback() {
    let newest = sample_review(DEMO, "4.2.1", "linux-x86_64");
    let previous = [("linux-x86_64".to_string(), approved(&newest))].into();
    let mut m = model_for(DEMO, previous);
    assert!(
        m.last_approved()
            .unwrap()
            .contains("4.2.1 linux-x86_64 on 2026-02-01")
    );
    press(&mut m, "j");
    let warned: Vec<CheckId> = m.select_warnings().iter().map(|c| c.id).collect();
    assert!(warned.contains(&CheckId::ReleaseNewest), "{warned:?}");
    assert!(warned.contains(&CheckId::ReleaseRollback), "{warned:?}");
    let text = render(&mut m, 80, 24);
    assert!(text.contains("WARN ! release.newest"), "{text}");
    assert!(text.contains("WARN ! release.rollback"), "{text}");
}

#[test]
fn fetch_shows_sources_and_progress_and_esc_cancels_the_job() {
    let mut m = demo_model();
    let job = match &press(&mut m, "<Enter>")[..] {
        [Cmd::StartReview { job, .. }] => *job,
        other => panic!("{other:?}"),
    };
    let source = |state| Msg::Engine {
        job,
        time: "12:00:01".into(),
        event: Event::Source {
            file: "a.tar.gz".into(),
            source: "vendor".into(),
            state,
        },
    };
    update(
        &mut m,
        source(SourceState::Trying {
            url: "https://x/a.tar.gz".into(),
        }),
    );
    update(
        &mut m,
        source(SourceState::Failed("timed out after 30 s".into())),
    );
    update(
        &mut m,
        Msg::Engine {
            job,
            time: "12:00:02".into(),
            event: Event::Progress {
                what: "a.tar.gz".into(),
                done: 50,
                total: Some(100),
                rate: Some(10),
                eta: Some(5),
            },
        },
    );
    let fetch = m.fetch.as_ref().unwrap();
    assert_eq!(
        fetch.sources.len(),
        1,
        "one line per source and file, updated in place"
    );
    assert_eq!(
        fetch.sources[0].state,
        SourceState::Failed("timed out after 30 s".into())
    );
    assert_eq!(fetch.progress.as_ref().unwrap().done, 50);
    let text = render(&mut m, 80, 24);
    assert!(text.contains("FAILED: timed out after 30 s"), "{text}");
    assert!(text.contains("50 %"), "{text}");

    // Messages from another job are not this review's.
    update(
        &mut m,
        Msg::Engine {
            job: job + 7,
            time: "x".into(),
            event: Event::Progress {
                what: "other".into(),
                done: 1,
                total: None,
                rate: None,
                eta: None,
            },
        },
    );
    assert_eq!(
        m.fetch.as_ref().unwrap().progress.as_ref().unwrap().what,
        "a.tar.gz"
    );

    let cmds = press(&mut m, "<Esc>");
    assert!(
        matches!(&cmds[..], [Cmd::Cancel { job: j }] if *j == job),
        "{cmds:?}"
    );
    assert_eq!(m.screen, Screen::Select);
    // The cancelled job's result arrives late and is ignored.
    update(
        &mut m,
        Msg::Reviewed {
            job,
            result: Err("cancelled".into()),
            rows: None,
        },
    );
    assert_eq!(m.screen, Screen::Select);
    assert!(m.review.is_none());
}

#[test]
fn a_review_that_cannot_run_stays_on_fetch_and_says_why() {
    let mut m = demo_model();
    let job = match &press(&mut m, "<Enter>")[..] {
        [Cmd::StartReview { job, .. }] => *job,
        other => panic!("{other:?}"),
    };
    update(
        &mut m,
        Msg::Reviewed {
            job,
            result: Err("no source has SHA256SUMS".into()),
            rows: None,
        },
    );
    assert_eq!(m.screen, Screen::Fetch);
    assert!(render(&mut m, 80, 24).contains("The review could not run: no source has SHA256SUMS"));
    assert!(
        press(&mut m, "<Enter>").is_empty(),
        "nothing to continue to"
    );
    assert_eq!(m.screen, Screen::Fetch);
}

#[test]
fn every_step_goes_back_with_esc_and_forward_with_enter() {
    let mut m = demo_model();
    reviewed(&mut m, sample_review(DEMO, "4.2.1", "linux-x86_64"));
    assert_eq!(
        m.screen,
        Screen::Verify,
        "a finished review shows the checks"
    );
    press(&mut m, "jj");
    assert_eq!(m.check_cursor, 2);
    press(&mut m, "<Enter>");
    assert_eq!(m.screen, Screen::Inspect);
    press(&mut m, "<Enter>");
    assert_eq!(m.screen, Screen::SignOff);
    press(&mut m, "<Esc>");
    assert_eq!(m.screen, Screen::Inspect);
    press(&mut m, "<BS>");
    assert_eq!(m.screen, Screen::Verify);
    press(&mut m, "<Esc>");
    assert_eq!(m.screen, Screen::Fetch);
    press(&mut m, "<Enter>");
    assert_eq!(
        m.screen,
        Screen::Verify,
        "the finished fetch continues to Verify"
    );
    press(&mut m, "<Esc><Esc>");
    assert_eq!(m.screen, Screen::Select);
    assert!(m.review.is_none(), "going back to Select leaves the review");
}

#[test]
fn inspect_filters_findings_and_searches_paths() {
    let mut m = model_at(TRAINING, "setuid-helper");
    reviewed(
        &mut m,
        sample_review(TRAINING, "setuid-helper", "linux-x86_64"),
    );
    press(&mut m, "<Enter>");
    let i = m.inspect.as_ref().unwrap();
    let all = i.visible.len();
    assert!(i.findings >= 1, "the setuid helper is a finding");

    press(&mut m, "f");
    let i = m.inspect.as_ref().unwrap();
    assert_eq!(i.filter, Filter::Findings);
    assert_eq!(i.visible.len(), i.findings);
    let row = i.selected().unwrap();
    assert_eq!(row.status, Some(Status::Fail));
    assert!(
        row.mode.contains('s'),
        "setuid shows in the mode: {}",
        row.mode
    );
    assert!(
        row.findings.iter().any(|(_, why)| why.contains("setuid")),
        "{:?}",
        row.findings
    );

    press(&mut m, "a/conf");
    let i = m.inspect.as_ref().unwrap();
    assert!(i.searching);
    assert!(!i.visible.is_empty() && i.visible.len() < all);
    assert!(i.visible.iter().all(|&r| i.rows[r].path.contains("conf")));
    // Letters go to the search, not to the filters, while searching.
    assert_eq!(i.filter, Filter::All);
    press(&mut m, "<Enter>");
    assert!(!m.inspect.as_ref().unwrap().searching);
    press(&mut m, "/<Esc>");
    assert_eq!(
        m.inspect.as_ref().unwrap().visible.len(),
        all,
        "Esc clears the search"
    );
    press(&mut m, "G");
    assert_eq!(m.inspect.as_ref().unwrap().cursor, all - 1);
    press(&mut m, "g");
    assert_eq!(m.inspect.as_ref().unwrap().cursor, 0);
}

#[test]
fn changed_since_the_last_approval_lists_the_differences() {
    let before = sample_review(DEMO, "4.2.0", "linux-x86_64");
    let mut review = (*sample_review(DEMO, "4.2.1", "linux-x86_64")).clone();
    review.since = intake::engine::review::Since::Changes {
        version: "4.2.0".into(),
        approved: "2026-02-01T09:00:00Z".parse().unwrap(),
        diff: intake::engine::inspect::diff::diff(&before.manifest, &review.manifest),
    };
    let mut m = demo_model();
    reviewed(&mut m, review.into());
    press(&mut m, "<Enter>c");
    let i = m.inspect.as_ref().unwrap();
    assert_eq!(i.filter, Filter::Changed);
    assert!(!i.visible.is_empty());
    assert!(i.visible.iter().all(|&r| i.rows[r].change.is_some()));
    assert!(render(&mut m, 80, 24).contains("Since 4.2.0:"));
}

#[test]
fn sign_off_asks_a_reason_for_each_warning_and_two_different_people() {
    let mut m = demo_model();
    press(&mut m, "j");
    reviewed(&mut m, sample_review(DEMO, "4.2.0", "linux-x86_64"));
    press(&mut m, "<Enter><Enter>");
    assert_eq!(m.screen, Screen::SignOff);
    let s = m.sign_off.as_ref().unwrap();
    assert_eq!(s.fields[0].kind, FieldKind::Operator, "the operator first");
    assert_eq!(s.focus, 0);
    assert_eq!(
        s.fields[3].kind,
        FieldKind::Waiver(CheckId::ReleaseNewest, None),
        "then one reason field per warning"
    );

    // Letters type into the form (q does not quit here).
    press(&mut m, "same<Tab>Same<Tab>CR-7<Tab>hotfix q<C-s>");
    assert!(!m.quit);
    let s = m.sign_off.as_ref().unwrap();
    assert_eq!(s.fields[3].input.value(), "hotfix q");
    assert!(
        s.problem
            .as_ref()
            .unwrap()
            .text
            .contains("two different people"),
        "{:?}",
        s.problem
    );

    press(&mut m, "<BackTab><BackTab><C-u>b.approver");
    let cmds = press(&mut m, "<C-s>");
    let [
        Cmd::Finish {
            sign_off,
            passphrase,
            ..
        },
    ] = &cmds[..]
    else {
        panic!("{cmds:?}")
    };
    assert_eq!(sign_off.operator, "same");
    assert_eq!(sign_off.approver, "b.approver");
    assert_eq!(sign_off.change_request.as_deref(), Some("CR-7"));
    assert_eq!(sign_off.waivers.len(), 1);
    assert_eq!(sign_off.waivers[0].reason, "hotfix q");
    assert_eq!(*passphrase, None);
    assert!(m.sign_off.as_ref().unwrap().writing);
    assert!(press(&mut m, "<C-s>").is_empty(), "one write at a time");

    update(
        &mut m,
        Msg::Finished(Ok(Written {
            verdict: Verdict::Approved,
            reasons: vec![],
            files: vec!["checklists/x.toml".into()],
            signed_by: None,
            stored: None,
            approve_command: None,
        })),
    );
    assert_eq!(m.screen, Screen::Done);
    assert!(
        m.log
            .iter()
            .any(|l| l.contains("same (operator) and b.approver (approver) confirmed"))
    );
}

#[test]
fn a_rejected_checklist_is_written_only_on_a_second_ctrl_s_and_says_why() {
    let mut m = model_at(TRAINING, "tampered");
    reviewed(&mut m, sample_review(TRAINING, "tampered", "linux-x86_64"));
    press(&mut m, "<Enter><Enter>");
    let text = render(&mut m, 80, 24);
    assert!(text.contains("cannot be waived"), "{text}");
    let waivers = m
        .sign_off
        .as_ref()
        .unwrap()
        .fields
        .iter()
        .filter(|f| matches!(f.kind, FieldKind::Waiver(_, _)))
        .count();
    assert_eq!(waivers, 1, "fetch.source warns");
    let first = press(&mut m, "a.operator<Tab>b.approver<C-s>");
    assert!(first.is_empty(), "{first:?}");
    let problem = m.sign_off.as_ref().unwrap().problem.clone().unwrap().text;
    assert!(
        problem.contains("REJECTED") && problem.contains("Ctrl-S again"),
        "{problem}"
    );
    let second = press(&mut m, "<C-s>");
    assert!(matches!(&second[..], [Cmd::Finish { .. }]), "{second:?}");
}

#[test]
fn a_protected_key_needs_its_passphrase_typed_masked() {
    let mut m = demo_model();
    m.ctx.key = intake::tui::model::KeyStatus::NeedsPassphrase("me.asc".into());
    reviewed(&mut m, sample_review(DEMO, "4.2.1", "linux-x86_64"));
    press(&mut m, "<Enter><Enter>a<Tab>b<Tab><Tab><C-s>");
    assert!(
        m.sign_off
            .as_ref()
            .unwrap()
            .problem
            .as_ref()
            .unwrap()
            .text
            .contains("passphrase")
    );
    press(&mut m, "s3cret");
    let text = render(&mut m, 80, 24);
    assert!(
        text.contains("••••••") && !text.contains("s3cret"),
        "{text}"
    );
    let cmds = press(&mut m, "<C-s>");
    assert!(
        matches!(&cmds[..], [Cmd::Finish { passphrase: Some(p), .. }] if p == "s3cret"),
        "{cmds:?}"
    );
}

#[test]
fn pastes_go_into_the_focused_field_as_one_line() {
    let mut m = demo_model();
    reviewed(&mut m, sample_review(DEMO, "4.2.1", "linux-x86_64"));
    press(&mut m, "<Enter><Enter>");
    update(&mut m, Msg::Paste("Ada\nLovelace".into()));
    assert_eq!(
        m.sign_off.as_ref().unwrap().fields[0].input.value(),
        "Ada Lovelace"
    );
}

#[test]
fn quitting_a_review_in_progress_asks_first() {
    let mut m = demo_model();
    press(&mut m, "<Enter>");
    assert!(press(&mut m, "q").is_empty());
    assert_eq!(m.overlay, Overlay::ConfirmQuit);
    press(&mut m, "n");
    assert_eq!(m.overlay, Overlay::None);
    assert!(!m.quit);
    let cmds = press(&mut m, "qy");
    assert!(m.quit);
    assert!(
        matches!(&cmds[..], [Cmd::Cancel { .. }, Cmd::Quit]),
        "{cmds:?}"
    );

    let mut m = demo_model();
    let cmds = press(&mut m, "q");
    assert!(
        m.quit && matches!(&cmds[..], [Cmd::Quit]),
        "nothing to abandon on Select"
    );
}

#[test]
fn help_and_the_step_log_open_over_any_step_and_close_with_a_key() {
    let mut m = demo_model();
    press(&mut m, "?");
    assert_eq!(m.overlay, Overlay::Help);
    let text = render(&mut m, 80, 24);
    assert!(
        text.lines()
            .any(|l| l.contains(" Enter ") && l.contains("choose (starts the review)")),
        "{text}"
    );
    assert!(text.contains("FAIL ✗  rejects the release"), "{text}");
    press(&mut m, "<Esc>");
    assert_eq!(m.overlay, Overlay::None);
    assert_eq!(
        m.screen,
        Screen::Select,
        "Esc closed the help, nothing else"
    );

    reviewed(&mut m, sample_review(DEMO, "4.2.1", "linux-x86_64"));
    press(&mut m, "<Enter><Enter><F2>");
    assert_eq!(m.overlay, Overlay::Log, "F2 opens the log from the form");
    let text = render(&mut m, 80, 24);
    assert!(
        text.contains("12:00:00 Select: review of 4.2.1 for linux-x86_64 started"),
        "{text}"
    );
    press(&mut m, "x");
    assert_eq!(m.overlay, Overlay::None);
    assert_eq!(
        m.sign_off.as_ref().unwrap().fields[0].input.value(),
        "",
        "the closing key is not typed"
    );
}

#[test]
fn done_starts_another_review_with_n() {
    let mut m = demo_model();
    reviewed(&mut m, sample_review(DEMO, "4.2.1", "linux-x86_64"));
    m.screen = Screen::Done;
    let cmds = press(&mut m, "n");
    assert!(matches!(&cmds[..], [Cmd::LoadNotes { .. }]));
    assert_eq!(m.screen, Screen::Select);
    assert!(m.review.is_none() && m.fetch.is_none());
}
