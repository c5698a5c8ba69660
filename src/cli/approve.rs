//! `intake approve CHECKLIST`: the approver countersigns a checklist on
//! their own host with their own key. The record is shown first (what is
//! being approved, every check, waiver and finding), then what refuses it,
//! then the key; the approver confirms a key `[signers]` does not name,
//! and types the change request (or the version) unless `--yes`. Exit 0
//! countersigned, 1 refused for the checklist's content or the key, 2
//! unusable input (the history included: the countersignature written
//! stays).

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use clap::ValueHint;
use jiff::Timestamp;

use crate::engine::record::approve::{self, Countersigned, Examined, Identity, Refusal};
use crate::engine::record::checklist::Written;
use crate::engine::record::history::Location;
use crate::engine::record::signing::{self, Signer};
use crate::engine::shared::error::Error;
use crate::engine::shared::text::shown_text;
use crate::engine::shared::verdict::Verdict;
use crate::settings::Settings;

use super::term::{self, Lines};
use super::{Format, Outcome, json, output};

#[derive(Debug, clap::Args)]
pub struct ApproveArgs {
    /// The checklist's .toml file (the operator's signature, if any, beside it).
    #[arg(value_hint = ValueHint::FilePath)]
    pub checklist: PathBuf,
    /// Your OpenPGP secret key, which countersigns (default: signing_key in the settings).
    #[arg(long = "signing-key", value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub signing_key: Option<PathBuf>,
    /// A certificate trusted to have signed checklists (repeatable; default: trusted_signers in
    /// the settings); the certificates in [signers] are trusted too.
    #[arg(long = "signer", value_name = "CERT", value_hint = ValueHint::FilePath)]
    pub signers: Vec<PathBuf>,
    /// Ask nothing (scripted use): [signers] must map the approver's name to your certificate.
    #[arg(long)]
    pub yes: bool,
    /// The store whose approval history records the countersignature (default: store_dir in
    /// the settings, else the platform's data folder, intake/store).
    #[arg(long, value_name = "DIR", value_hint = ValueHint::DirPath)]
    pub store: Option<PathBuf>,
    /// The approval history: postgresql://... or an SQLite file (default: history in the
    /// settings, else the store's history.sqlite).
    #[arg(long, value_name = "URL|FILE")]
    pub history: Option<String>,
    /// Output: text for people, json for pipelines (schema intake.approve/1).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

pub fn run(args: &ApproveArgs, settings: &Settings) -> Outcome {
    match approve(args, settings) {
        Ok(outcome) => outcome,
        Err(e) => Outcome::Failed(e),
    }
}

/// What was decided, for the report.
#[derive(Default)]
struct Decision<'a> {
    key: Option<&'a Signer>,
    identity: Option<&'a Identity>,
    refusals: Vec<Refusal>,
    done: Option<&'a Countersigned>,
    history: Option<&'a Location>,
}

fn approve(args: &ApproveArgs, s: &Settings) -> Result<Outcome, Error> {
    let trusted = super::audit::trusted(&args.signers, s);
    let examined = approve::examine(&args.checklist, &trusted, Timestamp::now())?;
    let screen = Screen::of(args);
    screen.show(record_lines(&examined));
    let refusals = examined.refusals();
    if !refusals.is_empty() {
        return Ok(refuse(args, &examined, Decision::default(), refusals));
    }
    let key_path = args
        .signing_key
        .clone()
        .or(s.signing_key.clone())
        .ok_or_else(|| {
            Error::Usage(
                "no signing key: give --signing-key FILE (or signing_key in the settings): the approver countersigns with their own key".into(),
            )
        })?;
    let mut signer = signing::load(&key_path, Timestamp::now(), &mut || {
        super::verify::passphrase(&key_path)
    })?;
    let (identity, refusals) = approve::check_key(&examined, &signer, &trusted)?;
    screen.show(key_lines(&examined, &signer, &identity));
    let decided = Decision {
        key: Some(&signer),
        identity: Some(&identity),
        ..Decision::default()
    };
    if !refusals.is_empty() {
        return Ok(refuse(args, &examined, decided, refusals));
    }
    if identity == Identity::Unconfirmed {
        confirm_identity(args, &examined, &signer)?;
    }
    if !args.yes {
        confirm_reference(&examined)?;
    }
    let done = approve::countersign(&examined, &mut signer, Timestamp::now())?;
    let mut to = s.destinations(None, args.store.clone(), true);
    if let Some(history) = &args.history {
        to.history = Some(Location::parse(history, s.ca_bundle.clone()));
    }
    let history = approve::record(&to, &done)?;
    let decided = Decision {
        key: Some(&signer),
        identity: Some(&identity),
        done: Some(&done),
        history: Some(&history),
        ..Decision::default()
    };
    report(args, &examined, &decided);
    Ok(Outcome::Verdict(Verdict::Approved))
}

/// Where the record is shown: on stdout for people; on stderr when JSON
/// goes to stdout and the approver is asked something; nowhere when JSON
/// is printed and nothing is asked (the document holds it all).
#[derive(Clone, Copy)]
enum Screen {
    Stdout,
    Stderr,
    Nowhere,
}

impl Screen {
    fn of(args: &ApproveArgs) -> Screen {
        match (args.format, args.yes) {
            (Format::Text, _) => Screen::Stdout,
            (Format::Json, false) => Screen::Stderr,
            (Format::Json, true) => Screen::Nowhere,
        }
    }

    fn show(self, lines: Lines) {
        match self {
            Screen::Stdout => term::print(lines),
            Screen::Stderr => {
                let mut err = std::io::stderr().lock();
                let _ = err.write_all(lines.into_string().as_bytes());
            }
            Screen::Nowhere => {}
        }
    }
}

/// What the approver is approving: the review's report (every check,
/// finding, next step and waiver with its reason), the people and the
/// change request, and what was checked of the record itself.
fn record_lines(examined: &Examined) -> Lines {
    let a = &examined.audit;
    let r = &a.record;
    let files = Written {
        toml: a.toml.clone(),
        markdown: crate::engine::record::audit::sibling(&a.toml, "md"),
        manifest: crate::engine::record::audit::sibling(&a.toml, "manifest"),
        sbom: r
            .inputs
            .sbom
            .as_ref()
            .map(|_| crate::engine::record::audit::sibling(&a.toml, "cdx.json")),
        signature: a.signature.clone(),
    };
    let mut out = Lines::new();
    for line in output::text(r, &files).lines() {
        // Already escaped whole by the report.
        out.line(line);
    }
    out.line(format!(
        "change request: {}",
        r.change_request.as_deref().unwrap_or("(none given)")
    ));
    out.line(format!(
        "reviewed by {}, to be approved by {}",
        r.operator, r.approver
    ));
    output::audit_points(&mut out, &a.points);
    match &a.signed_by {
        Some(by) => out.line(format!("signed by the operator: {}", by.words())),
        None if a.signature.is_none() => out.line("not signed by the operator"),
        None => {}
    }
    out
}

/// The approver's key, and whose `[signers]` says it is.
fn key_lines(examined: &Examined, signer: &Signer, identity: &Identity) -> Lines {
    let approver = &examined.audit.record.approver;
    let mut out = Lines::new();
    out.line(format!("your key: {}", signer.describe()));
    match identity {
        Identity::Named(named) if named.fingerprint == signer.fingerprint => out.line(format!(
            "          [signers] gives it as {approver}'s ({})",
            named.file.display()
        )),
        Identity::Named(_) => {}
        Identity::Unconfirmed => out.line(format!(
            "          [signers] names no certificate for {approver}"
        )),
    }
    out
}

/// Asks the approver to confirm a key nothing maps to their name; with
/// `--yes` nobody can, so it is refused (exit 2) naming the setting.
fn confirm_identity(args: &ApproveArgs, examined: &Examined, signer: &Signer) -> Result<(), Error> {
    let approver = &examined.audit.record.approver;
    let add = format!(
        "add `\"{approver}\" = \"keys/{approver}.asc\"` (their certificate) under [signers] in the settings"
    );
    if args.yes {
        return Err(Error::Usage(format!(
            "nobody confirmed that the key {} is {approver}'s: with --yes, {add}; nothing was countersigned",
            signer.describe()
        )));
    }
    let answer = ask(&format!(
        "Is this key yours, and are you {approver}? Type yes to go on: "
    ))?;
    if answer.eq_ignore_ascii_case("yes") {
        Ok(())
    } else {
        Err(Error::Usage(format!(
            "not confirmed that the key {} is {approver}'s: nothing was countersigned (to skip this question, {add})",
            signer.describe()
        )))
    }
}

/// Asks the approver to type the change request reference (else the
/// version), so nobody countersigns the wrong checklist by habit.
fn confirm_reference(examined: &Examined) -> Result<(), Error> {
    let want = examined.confirmation();
    let what = if examined.audit.record.change_request.is_some() {
        "the change request reference"
    } else {
        "the version (the record names no change request)"
    };
    let typed = ask(&format!("To countersign, type {what} ({want}): "))?;
    if typed == want.trim() {
        Ok(())
    } else {
        Err(Error::Usage(format!(
            "you typed `{typed}`, not `{want}`: nothing was countersigned"
        )))
    }
}

/// Asks on stderr, reads one line of stdin (a terminal, or a script's pipe).
fn ask(question: &str) -> Result<String, Error> {
    let mut err = std::io::stderr().lock();
    let _ = err
        .write_all(shown_text(question).as_bytes())
        .and_then(|()| err.flush());
    let mut line = String::new();
    match std::io::stdin().lock().read_line(&mut line) {
        Ok(0) => Err(Error::Usage(
            "no answer (stdin is closed): nothing was countersigned; --yes is for scripted use"
                .into(),
        )),
        Ok(_) => Ok(line.trim().to_string()),
        Err(e) => Err(Error::Usage(format!("could not read the answer: {e}"))),
    }
}

/// Refused (exit 1): says why; nothing was written.
fn refuse(
    args: &ApproveArgs,
    examined: &Examined,
    mut decided: Decision<'_>,
    refusals: Vec<Refusal>,
) -> Outcome {
    decided.refusals = refusals;
    report(args, examined, &decided);
    Outcome::Verdict(Verdict::Rejected)
}

fn report(args: &ApproveArgs, examined: &Examined, decided: &Decision<'_>) {
    match args.format {
        Format::Text => term::print(text_result(decided)),
        Format::Json => term::print_json(&json_report(&args.checklist, examined, decided)),
    }
}

fn text_result(decided: &Decision<'_>) -> Lines {
    let mut out = Lines::new();
    if !decided.refusals.is_empty() {
        out.line("REFUSED: not countersigned");
        for r in &decided.refusals {
            out.line(format!("  - {}", r.summary));
        }
    }
    if let (Some(done), Some(key)) = (decided.done, decided.key) {
        out.line(format!(
            "countersigned: {} by {}",
            done.signature.display(),
            key.describe()
        ));
    }
    if let Some(history) = decided.history {
        out.line(format!(
            "history:       countersignature recorded in the {}",
            history.describe()
        ));
    }
    out
}

/// The `intake.approve/1` document.
fn json_report(file: &Path, examined: &Examined, decided: &Decision<'_>) -> serde_json::Value {
    let a = &examined.audit;
    let r = &a.record;
    let identity = decided.identity.map(|i| match i {
        Identity::Named(_) => "signers",
        Identity::Unconfirmed => "confirmed",
    });
    let fields = serde_json::json!({
        "checklist": json::path(file),
        "product": r.product,
        "version": r.version,
        "platform": r.platform,
        "verdict": r.verdict.as_str(),
        "change_request": r.change_request,
        "operator": r.operator,
        "approver": r.approver,
        "points": super::audit::points_json(a),
        "signed_by": a.signed_by.as_ref().map(super::audit::signer_json),
        "key": decided.key.map(|k| serde_json::json!({
            "fingerprint": k.fingerprint,
            "user_id": k.user_id,
        })),
        "identity": identity.filter(|_| decided.refusals.is_empty()),
        "refused": decided.refusals.iter().map(|r| serde_json::json!({
            "why": r.why.as_str(),
            "summary": r.summary,
        })).collect::<Vec<_>>(),
        "countersigned": decided.done.is_some(),
        "countersignature_file": decided.done.map(|d| json::path(&d.signature)),
        "approval_history": decided.history.map(Location::shown),
    });
    json::document(&json::APPROVE, fields)
}
