//! The sign-off form: its fields (the names, the change request, the
//! passphrase when the key is protected, then a reason per warning), what
//! it says as the engine's [`SignOff`], the verdict it would give, typing
//! into it, and Ctrl-S. Focus always starts on the operator, so the same
//! keys fill the same fields whatever the review found.

use ratatui::crossterm::event::KeyEvent;

use crate::engine::record::checklist::{self, SignOff};
use crate::engine::review::Review;
use crate::engine::shared::check::{Check, Status};
use crate::engine::shared::verdict::{Verdict, Waiver};

use super::input::TextInput;
use super::keys::Action;
use super::model::{
    Field, FieldKind, KeyStatus, Model, Problem, ProblemKind, Screen, SignOffState,
};
use super::msg::Cmd;

fn field(kind: FieldKind, input: TextInput) -> Field {
    Field { kind, input }
}

/// The form: the names and the change request, the passphrase, then a
/// reason per warning. Focus starts on the operator.
pub fn new_sign_off(review: &Review, operator: &Option<String>, key: &KeyStatus) -> SignOffState {
    let mut fields = vec![
        field(
            FieldKind::Operator,
            TextInput::new(operator.as_deref().unwrap_or_default()),
        ),
        field(FieldKind::Approver, TextInput::default()),
        field(FieldKind::ChangeRequest, TextInput::default()),
    ];
    if matches!(key, KeyStatus::NeedsPassphrase(_)) {
        fields.push(field(FieldKind::Passphrase, TextInput::masked()));
    }
    fields.extend(
        review
            .checks
            .iter()
            .filter(|c| c.status == Status::Warn)
            .flat_map(reasons_asked)
            .map(|kind| field(kind, TextInput::default())),
    );
    SignOffState {
        fields,
        focus: 0,
        problem: None,
        armed: false,
        writing: false,
    }
}

/// Most findings of one check given a reason each; past that, one reason
/// covers the check (and the record lists every finding it covered).
const REASONS_PER_FINDING: usize = 8;

/// The reasons a warning check asks for: one per warning finding when it
/// has a few, else one for the whole check.
fn reasons_asked(check: &Check) -> Vec<FieldKind> {
    let subjects: Vec<&str> = check
        .findings
        .iter()
        .filter(|f| f.status == Status::Warn && f.unlisted_counts().is_none())
        .map(|f| f.subject.as_str())
        .collect();
    if (2..=REASONS_PER_FINDING).contains(&subjects.len()) {
        subjects
            .into_iter()
            .map(|s| FieldKind::Waiver(check.id, Some(s.to_string())))
            .collect()
    } else {
        vec![FieldKind::Waiver(check.id, None)]
    }
}

/// What the form says, as the engine's sign-off.
pub fn sign_off_of(s: &SignOffState) -> SignOff {
    let text = |kind: FieldKind| {
        s.fields
            .iter()
            .find(|f| f.kind == kind)
            .map(|f| f.input.value().trim().to_string())
            .unwrap_or_default()
    };
    let change_request = text(FieldKind::ChangeRequest);
    SignOff {
        operator: text(FieldKind::Operator),
        approver: text(FieldKind::Approver),
        change_request: (!change_request.is_empty()).then_some(change_request),
        waivers: s
            .fields
            .iter()
            .filter_map(|f| match &f.kind {
                FieldKind::Waiver(id, subject) if !f.input.value().trim().is_empty() => {
                    Some(Waiver {
                        check: *id,
                        subject: subject.clone(),
                        reason: f.input.value().trim().to_string(),
                    })
                }
                _ => None,
            })
            .collect(),
        signed_with: None,
    }
}

pub fn on_sign_off(m: &mut Model, action: Action) -> Vec<Cmd> {
    let Some(s) = &mut m.sign_off else {
        return Vec::new();
    };
    let n = s.fields.len().max(1);
    match action {
        Action::NextPane => s.focus = (s.focus + 1) % n,
        Action::PrevField => s.focus = (s.focus + n - 1) % n,
        Action::Back => m.screen = Screen::Inspect,
        Action::Write if !s.writing => return write(m),
        _ => {}
    }
    Vec::new()
}

/// A key that is no binding: an edit of the focused field (or nothing).
pub fn on_typing(m: &mut Model, key: &KeyEvent) {
    let edited = m
        .sign_off
        .as_mut()
        .and_then(|s| s.fields.get_mut(s.focus))
        .is_some_and(|field| field.input.handle(key));
    if edited {
        edited_form(m);
    } else {
        m.dirty = false;
    }
}

/// A paste into the focused field, as one line.
pub fn paste(m: &mut Model, text: &str) {
    if let Some(field) = m.sign_off.as_mut().and_then(|s| s.fields.get_mut(s.focus)) {
        field.input.insert_str(text);
        edited_form(m);
    }
}

/// After an edit: a rejected write is no longer armed, and what the last
/// Ctrl-S said is cleared once it is no longer true (a name fixed, the
/// passphrase typed), or said anew as it now stands.
fn edited_form(m: &mut Model) {
    let Some(s) = &mut m.sign_off else {
        return;
    };
    s.armed = false;
    let Some(kind) = s.problem.as_ref().map(|p| p.kind) else {
        return;
    };
    s.problem = match kind {
        ProblemKind::Names => names_problem(&sign_off_of(s)),
        ProblemKind::Passphrase => passphrase(s)
            .filter(|p| p.is_empty())
            .and(s.problem.clone()),
        ProblemKind::Rejected => None,
        ProblemKind::Other => s.problem.clone(),
    };
}

fn names_problem(sign_off: &SignOff) -> Option<Problem> {
    sign_off.problem().map(|problem| Problem {
        kind: ProblemKind::Names,
        text: format!("{problem}: fill in both names"),
    })
}

fn passphrase(s: &SignOffState) -> Option<String> {
    s.fields
        .iter()
        .find(|f| f.kind == FieldKind::Passphrase)
        .map(|f| f.input.value().to_string())
}

fn problem(kind: ProblemKind, text: String) -> Option<Problem> {
    Some(Problem { kind, text })
}

fn write(m: &mut Model) -> Vec<Cmd> {
    let (Some(review), Some(s)) = (m.review.clone(), m.sign_off.as_mut()) else {
        return Vec::new();
    };
    let sign_off = sign_off_of(s);
    if let Some(p) = names_problem(&sign_off) {
        s.problem = Some(p);
        return Vec::new();
    }
    if let KeyStatus::Unusable(why) = &m.ctx.key {
        s.problem = problem(
            ProblemKind::Other,
            format!("the signing key cannot sign: {why} (fix signing_key in the settings)"),
        );
        return Vec::new();
    }
    let passphrase = passphrase(s);
    if passphrase.as_deref() == Some("") {
        s.problem = problem(
            ProblemKind::Passphrase,
            "type the signing key's passphrase".to_string(),
        );
        return Vec::new();
    }
    let (verdict, _) = checklist::verdict(&review, &sign_off);
    if verdict == Verdict::Rejected && !s.armed {
        s.armed = true;
        s.problem = problem(
            ProblemKind::Rejected,
            "this checklist would be REJECTED, for the reasons the verdict above gives: \
             Ctrl-S again writes it for the record"
                .to_string(),
        );
        return Vec::new();
    }
    s.writing = true;
    s.problem = None;
    let time = (m.ctx.clock)();
    m.log_line(
        &time,
        format!(
            "Sign off: {} (operator) and {} (approver) confirmed",
            sign_off.operator, sign_off.approver
        ),
    );
    vec![Cmd::Finish {
        review,
        sign_off,
        passphrase,
    }]
}
