//! The sign-off form: its fields (a reason per warning, the names, the
//! passphrase when the key is protected), what it says as the engine's
//! [`SignOff`], the verdict it would give, and Ctrl-S.

use crate::engine::record::checklist::{self, SignOff};
use crate::engine::review::Review;
use crate::engine::shared::check::Status;
use crate::engine::shared::verdict::{Verdict, Waiver};

use super::input::TextInput;
use super::keys::Action;
use super::model::{Field, FieldKind, KeyStatus, Model, Screen, SignOffState};
use super::msg::Cmd;

/// The form: a reason per warning, then the names, then the passphrase.
pub fn new_sign_off(review: &Review, operator: &Option<String>, key: &KeyStatus) -> SignOffState {
    let mut fields: Vec<Field> = review
        .checks
        .iter()
        .filter(|c| c.status == Status::Warn)
        .map(|c| Field {
            kind: FieldKind::Waiver(c.id),
            input: TextInput::default(),
        })
        .collect();
    fields.push(Field {
        kind: FieldKind::Operator,
        input: TextInput::new(operator.as_deref().unwrap_or_default()),
    });
    fields.push(Field {
        kind: FieldKind::Approver,
        input: TextInput::default(),
    });
    fields.push(Field {
        kind: FieldKind::ChangeRequest,
        input: TextInput::default(),
    });
    if matches!(key, KeyStatus::NeedsPassphrase(_)) {
        fields.push(Field {
            kind: FieldKind::Passphrase,
            input: TextInput::masked(),
        });
    }
    let focus = fields
        .iter()
        .position(|f| f.input.value().is_empty())
        .unwrap_or(0);
    SignOffState {
        fields,
        focus,
        problem: None,
        armed: false,
        writing: false,
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
            .filter_map(|f| match f.kind {
                FieldKind::Waiver(id) if !f.input.value().trim().is_empty() => Some(Waiver {
                    check: id,
                    reason: f.input.value().trim().to_string(),
                }),
                _ => None,
            })
            .collect(),
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

fn write(m: &mut Model) -> Vec<Cmd> {
    let (Some(review), Some(s)) = (m.review.clone(), m.sign_off.as_mut()) else {
        return Vec::new();
    };
    let sign_off = sign_off_of(s);
    if let Some(problem) = sign_off.problem() {
        s.problem = Some(format!("{problem}: fill in both names"));
        return Vec::new();
    }
    if let KeyStatus::Unusable(why) = &m.ctx.key {
        s.problem = Some(format!(
            "the signing key cannot sign: {why} (fix signing_key in the settings)"
        ));
        return Vec::new();
    }
    let passphrase = s
        .fields
        .iter()
        .find(|f| f.kind == FieldKind::Passphrase)
        .map(|f| f.input.value().to_string());
    if passphrase.as_deref() == Some("") {
        s.problem = Some("type the signing key's passphrase".to_string());
        return Vec::new();
    }
    let (verdict, reasons) = checklist::verdict(&review, &sign_off);
    if verdict == Verdict::Rejected && !s.armed {
        s.armed = true;
        s.problem = Some(format!(
            "this checklist would be REJECTED ({}): Ctrl-S again writes it for the record",
            reasons.first().cloned().unwrap_or_default()
        ));
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
