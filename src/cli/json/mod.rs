//! The JSON the commands print with `--format json`: a contract with the
//! pipelines that read it. Each document names its schema and version in
//! `schema` (`intake.verify/1`, ...); the JSON Schema of each is published
//! in `src/cli/schemas/` and printed by `intake schema NAME`. Within one
//! version fields are only ever added, never renamed, retyped or removed;
//! anything else is a new version.

pub mod evidence;
pub mod review;

use serde_json::{Map, Value};

/// A published schema: the command's name, the `schema` value its
/// documents carry, and the JSON Schema text.
pub struct Schema {
    pub name: &'static str,
    pub id: &'static str,
    pub text: &'static str,
}

pub const VERIFY: Schema = Schema {
    name: "verify",
    id: "intake.verify/1",
    text: include_str!("../schemas/verify.schema.json"),
};

pub const LIST: Schema = Schema {
    name: "list",
    id: "intake.list/1",
    text: include_str!("../schemas/list.schema.json"),
};

pub const CHECKLIST_VERIFY: Schema = Schema {
    name: "checklist-verify",
    id: "intake.checklist-verify/1",
    text: include_str!("../schemas/checklist-verify.schema.json"),
};

pub const RECHECK: Schema = Schema {
    name: "recheck",
    id: "intake.recheck/1",
    text: include_str!("../schemas/recheck.schema.json"),
};

pub const APPROVE: Schema = Schema {
    name: "approve",
    id: "intake.approve/1",
    text: include_str!("../schemas/approve.schema.json"),
};

pub const HISTORY: Schema = Schema {
    name: "history",
    id: "intake.history/1",
    text: include_str!("../schemas/history.schema.json"),
};

/// Every published schema.
pub const SCHEMAS: [&Schema; 6] = [
    &VERIFY,
    &LIST,
    &CHECKLIST_VERIFY,
    &RECHECK,
    &HISTORY,
    &APPROVE,
];

/// A document of `schema`: `fields`, and the `schema` field naming it.
pub fn document(schema: &Schema, fields: Value) -> Value {
    let mut doc = Map::new();
    doc.insert("schema".into(), Value::from(schema.id));
    if let Value::Object(fields) = fields {
        doc.extend(fields);
    }
    Value::Object(doc)
}

/// A path as JSON text.
pub fn path(p: &std::path::Path) -> Value {
    Value::from(p.display().to_string())
}
