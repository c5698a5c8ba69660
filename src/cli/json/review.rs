//! `intake verify --format json` (`intake.verify/1`): the checklist record
//! as the TOML holds it, with arrays under plural names and always present
//! (`checks`, `findings`, `waivers`, `evidence_files`, the lists of
//! `since`), absent optional values as `null`, typed evidence
//! ([`super::evidence`]), what changed since the last approval in parts,
//! the checks that reject the review by id (`rejected_by`) beside the
//! prose (`rejected_because`), and what was written where (`files`,
//! `stored`, `approval_history`).

use serde_json::{Map, Value, json};

use crate::engine::record::checklist::{self, Record};
use crate::engine::record::finish::Finished;
use crate::engine::shared::check::Status;
use crate::engine::shared::verdict::{Waiver, is_waived};

use super::{VERIFY, document, evidence, path};

/// The document for a finished review.
pub fn document_of(done: &Finished) -> Value {
    let record = &done.checklist.record;
    let mut doc = record_fields(record);
    doc.insert("rejected_by".into(), rejected_by(record));
    let w = &done.written;
    doc.insert(
        "files".into(),
        json!({
            "checklist": path(&w.toml),
            "markdown": path(&w.markdown),
            "manifest": path(&w.manifest),
            "sbom": w.sbom.as_deref().map(path),
            "signature": w.signature.as_deref().map(path),
        }),
    );
    doc.insert("signed_by".into(), json!(done.signed_by));
    let stored = done.stored.as_ref().map(|placed| {
        let left_out: Vec<Value> = placed
            .left_out
            .iter()
            .map(|k| json!({ "fingerprint": k.fingerprint, "reason": k.reason }))
            .collect();
        json!({
            "artifact": path(&placed.artifact),
            "feed": path(&placed.feed),
            "keys_left_out": left_out,
        })
    });
    doc.insert("stored".into(), json!(stored));
    doc.insert(
        "approval_history".into(),
        json!(done.history.as_ref().map(|h| h.shown())),
    );
    document(&VERIFY, Value::Object(doc))
}

/// The record's fields, renamed and filled in where the TOML leaves out.
fn record_fields(record: &Record) -> Map<String, Value> {
    let Value::Object(fields) = checklist::to_json(record) else {
        return Map::new();
    };
    let mut doc = Map::new();
    for (key, value) in fields {
        let (key, value) = match key.as_str() {
            "check" => ("checks".to_string(), map_array(value, check)),
            "waiver" => ("waivers".to_string(), map_array(value, waiver)),
            "evidence_file" => ("evidence_files".to_string(), value),
            "sbom_change" => ("sbom_changes".to_string(), value),
            "since" => (key, since(value)),
            _ => (key, value),
        };
        doc.insert(key, value);
    }
    for list in [
        "checks",
        "waivers",
        "evidence_files",
        "rejected_because",
        "log",
        "sbom_changes",
    ] {
        doc.entry(list).or_insert_with(|| json!([]));
    }
    doc.entry("change_request").or_insert(Value::Null);
    fill(&mut doc, "artifact", &["sha512"], &[]);
    fill(
        &mut doc,
        "inputs",
        &["notes", "sbom"],
        &["signatures", "certificates"],
    );
    doc
}

/// Puts `null` for each missing key of `nulls` and `[]` for each of
/// `lists` in the object `doc[key]`.
fn fill(doc: &mut Map<String, Value>, key: &str, nulls: &[&str], lists: &[&str]) {
    if let Some(Value::Object(o)) = doc.get_mut(key) {
        for n in nulls {
            o.entry(*n).or_insert(Value::Null);
        }
        for l in lists {
            o.entry(*l).or_insert_with(|| json!([]));
        }
    }
}

fn map_array(value: Value, f: fn(Value) -> Value) -> Value {
    match value {
        Value::Array(items) => Value::Array(items.into_iter().map(f).collect()),
        other => other,
    }
}

/// One check: `findings` always there, the evidence typed.
fn check(value: Value) -> Value {
    let Value::Object(mut c) = value else {
        return value;
    };
    let id = c
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let findings = c.remove("finding").unwrap_or_else(|| json!([]));
    c.insert("findings".into(), findings);
    let evidence = match c.remove("evidence") {
        Some(Value::Object(e)) => evidence::typed(&id, e),
        _ => Map::new(),
    };
    c.insert("evidence".into(), Value::Object(evidence));
    Value::Object(c)
}

/// What changed since the last approval: every list there, each changed
/// entry as its path and its changes.
fn since(value: Value) -> Value {
    let Value::Object(mut s) = value else {
        return value;
    };
    for key in ["version", "approved"] {
        s.entry(key).or_insert(Value::Null);
    }
    for key in ["added", "removed"] {
        s.entry(key).or_insert_with(|| json!([]));
    }
    let changed: Vec<Value> = match s.remove("changed") {
        Some(Value::Array(lines)) => lines
            .iter()
            .filter_map(Value::as_str)
            .map(changed_entry)
            .collect(),
        _ => Vec::new(),
    };
    s.insert("changed".into(), Value::Array(changed));
    Value::Object(s)
}

/// `bin/m: size 10 -> 12, sha256` as `{path, changes: [{field, before,
/// after}, {field}]}`. What changed never holds `: `, so the path is what
/// comes before the last one.
fn changed_entry(line: &str) -> Value {
    let Some((path, what)) = line.rsplit_once(": ") else {
        return json!({ "path": line, "changes": [] });
    };
    let changes: Vec<Value> = what.split(", ").map(change).collect();
    json!({ "path": path, "changes": changes })
}

/// `size 10 -> 12` as `{field: size, before: 10, after: 12}`; `sha256`
/// as `{field: sha256}` (the record keeps only that it changed).
fn change(words: &str) -> Value {
    let Some((field, from_to)) = words.split_once(' ') else {
        return json!({ "field": words });
    };
    let Some((before, after)) = from_to.split_once(" -> ") else {
        return json!({ "field": words });
    };
    let value = |v: &str| match (field, v.parse::<u64>()) {
        ("size", Ok(n)) => Value::from(n),
        _ => Value::from(v),
    };
    json!({ "field": field, "before": value(before), "after": value(after) })
}

/// The checks that reject the review, in order, each with why: `failed`
/// (a failure cannot be waived) or `not-waived` (a warning without an
/// applied waiver for it, or for each of its findings). The same rule and
/// order as `rejected_because`: failures first.
fn rejected_by(record: &Record) -> Value {
    let waivers: Vec<Waiver> = record
        .waivers
        .iter()
        .map(|w| Waiver {
            check: w.check,
            subject: w.subject.clone(),
            reason: w.reason.clone(),
        })
        .collect();
    let failed = record
        .checks
        .iter()
        .filter(|c| c.status == Status::Fail)
        .map(|c| json!({ "check": c.id, "status": c.status, "why": "failed" }));
    let not_waived = record
        .checks
        .iter()
        .filter(|c| c.status == Status::Warn && !is_waived(c, &waivers))
        .map(|c| json!({ "check": c.id, "status": c.status, "why": "not-waived" }));
    failed.chain(not_waived).collect()
}

/// A waiver with its optional parts always present (`subject` null for
/// the whole check, `covers` empty when it covered no finding).
fn waiver(mut value: Value) -> Value {
    if let Value::Object(fields) = &mut value {
        fields.entry("subject").or_insert(Value::Null);
        fields.entry("covers").or_insert_with(|| json!([]));
    }
    value
}
