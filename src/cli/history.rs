//! `intake history [PRODUCT]`: what is approved, by whom, when, in which
//! checklist, and whether the approver countersigned it; `--pending` lists
//! the checklists awaiting a countersignature. JSON: `intake.history/1`.

use serde_json::{Value, json};

use crate::engine::record::history::Location;
use crate::engine::record::history::listing::{self, Filter, Listed, approve_command};
use crate::engine::shared::text::shown_text;
use crate::settings::Settings;

use super::term::{self, Lines};
use super::{Format, HistoryArgs, Outcome, json};

pub fn run(args: &HistoryArgs, settings: &Settings) -> Outcome {
    let mut to = settings.destinations(None, args.store.clone(), true);
    if let Some(history) = &args.history {
        to.history = Some(Location::parse(history, settings.ca_bundle.clone()));
    }
    let filter = Filter {
        product: args.product.clone(),
        platform: args.platform.clone(),
        pending: args.pending,
    };
    let listed = to
        .open_history()
        .and_then(|mut history| Ok((listing::list(&mut history, &filter)?, history)));
    let (listed, history) = match listed {
        Ok(found) => found,
        Err(e) => return Outcome::Failed(e),
    };
    match args.format {
        Format::Text => term::print(render(&listed, &history.describe(), args.pending)),
        Format::Json => term::print_json(&document(&listed, history.location())),
    }
    Outcome::Done
}

fn render(listed: &[Listed], history: &str, pending: bool) -> Lines {
    let mut out = Lines::new();
    if listed.is_empty() {
        out.line(if pending {
            format!("Nothing awaits a countersignature in the {history}.")
        } else {
            format!("No approval is recorded in the {history}.")
        });
        return out;
    }
    for item in listed {
        let a = &item.stored.approval;
        let cr = a
            .change_request
            .as_deref()
            .map(|c| format!(", {c}"))
            .unwrap_or_default();
        out.line(shown_text(&format!(
            "{} {} {}: approved {} by {} and {}{cr}",
            item.stored.product, a.version, a.platform, a.time, a.operator, a.approver
        )));
        out.line(shown_text(&format!("    checklist {}", a.checklist)));
        for c in &item.countersignatures {
            out.line(shown_text(&format!(
                "    countersigned by {} (key {}) on {}",
                c.approver,
                crate::engine::verify::signature::spaced(&c.fingerprint),
                c.time
            )));
        }
        if item.pending() {
            let command = approve_command(std::path::Path::new(&a.checklist));
            out.line(shown_text(&format!(
                "    awaiting the approver's countersignature: {command}"
            )));
        } else if a.checklist_sha256.is_none() {
            out.line("    recorded before countersignatures (an imported history)");
        }
    }
    out.line(format!("({} in the {history})", listed.len()));
    out
}

fn document(listed: &[Listed], location: &Location) -> Value {
    let approvals: Vec<Value> = listed
        .iter()
        .map(|item| {
            let a = &item.stored.approval;
            let countersignatures: Vec<Value> = item
                .countersignatures
                .iter()
                .map(|c| {
                    json!({
                        "approver": c.approver,
                        "fingerprint": c.fingerprint,
                        "time": c.time.to_string(),
                        "signature": c.signature,
                    })
                })
                .collect();
            json!({
                "product": item.stored.product,
                "version": a.version,
                "platform": a.platform,
                "sha256": a.sha256,
                "time": a.time.to_string(),
                "operator": a.operator,
                "approver": a.approver,
                "change_request": a.change_request,
                "checklist": a.checklist,
                "checklist_sha256": a.checklist_sha256,
                "countersigned": !item.countersignatures.is_empty(),
                "pending": item.pending(),
                "countersignatures": countersignatures,
            })
        })
        .collect();
    let backend = match location {
        Location::Sqlite(_) => "sqlite",
        Location::Postgres { .. } => "postgresql",
    };
    json::document(
        &json::HISTORY,
        json!({
            "history": location.shown(),
            "backend": backend,
            "approvals": approvals,
        }),
    )
}
