//! Custom actions that run code, as `package.scripts` reads them. A
//! custom action's type is a bit field: the low three bits say what runs
//! (1 a DLL entry point, 2 an executable, 5 JScript, 6 VBScript, 7 a
//! nested installation), bits 4 and 5 where it comes from (0 the `Binary`
//! table, 16 a file the package installs, 32 the `Target` text itself or a
//! folder, 48 a property). So base type (`Type & 0x3F`) 1, 2, 5, 6 run
//! from `Binary`; 17, 18, 21, 22 from an installed file; 34 runs an
//! executable with a folder as working directory, 37 and 38 run the
//! script text written in `Target`; 50 runs the executable a property
//! names, 53 and 54 the script a property holds; 7, 23, 39 install
//! another package. The other types (19 an error message, 35 set a
//! folder, 51 set a property) run nothing and are not listed.
//!
//! Each is a [`Script`] named by the action, its text what a reviewer
//! needs: what runs, from where, with what target, and the script itself
//! when the package holds it (the `Target` text, or the `Binary` stream).

use std::fs::File;

use msi::Package;
use sha2::{Digest, Sha256};

use super::tables::{self, ActionRow};
use crate::engine::inspect::package::Script;

/// The largest `Binary` stream read for a custom action.
pub const BINARY_MAX: u64 = 16 << 20;

/// What a base type runs, or `None` when it runs nothing.
pub fn what_runs(kind: i32) -> Option<&'static str> {
    let base = kind & 0x3F;
    Some(match (base & 0x07, base & 0x30) {
        (1, 0x00) => "a DLL entry point from the Binary table",
        (2, 0x00) => "an executable from the Binary table",
        (5, 0x00) => "JScript from the Binary table",
        (6, 0x00) => "VBScript from the Binary table",
        (1, 0x10) => "a DLL entry point in a file the package installs",
        (2, 0x10) => "an executable the package installs",
        (5, 0x10) => "JScript in a file the package installs",
        (6, 0x10) => "VBScript in a file the package installs",
        (2, 0x20) => "a command line in a working folder",
        (5, 0x20) => "JScript written in the Target column",
        (6, 0x20) => "VBScript written in the Target column",
        (2, 0x30) => "the executable a property names",
        (5, 0x30) => "JScript held in a property",
        (6, 0x30) => "VBScript held in a property",
        (7, _) => "another installation (a nested package)",
        _ => return None,
    })
}

/// All the `Binary` streams read for the custom actions together: a
/// package whose actions all name one large stream is read once per action
/// only up to this.
pub const READ_BUDGET: u64 = 64 << 20;
/// All the script text kept to show, together.
pub const SHOWN_MAX: u64 = 16 << 20;

/// Every custom action that runs code, as scripts.
pub fn scripts(
    actions: &[ActionRow],
    package: &mut Package<File>,
    properties: &std::collections::HashMap<String, String>,
) -> Vec<Script> {
    let mut out = Vec::new();
    let (mut read_left, mut shown_left) = (READ_BUDGET, SHOWN_MAX);
    for a in actions {
        let Some(what) = what_runs(a.kind) else {
            continue;
        };
        let base = a.kind & 0x3F;
        let source = a.source.clone().unwrap_or_default();
        let script_in_target = matches!((base & 0x07, base & 0x30), (5 | 6, 0x20));
        let target = if script_in_target {
            "(the script below)".to_string()
        } else {
            a.target.clone().unwrap_or_default()
        };
        let mut text = format!(
            "custom action {} (type {}, base type {base}): runs {what}\nsource: {source}\ntarget: {target}\n",
            a.name, a.kind
        );
        let code = code_of(a, package, properties, &mut read_left);
        let script = matches!(base & 0x07, 5 | 6);
        let (size, sha256) = match &code {
            Some(Ok(bytes)) => {
                if script && bytes.len() as u64 <= shown_left {
                    shown_left -= bytes.len() as u64;
                    text.push_str("script:\n");
                    text.push_str(&String::from_utf8_lossy(bytes));
                    text.push('\n');
                } else if script {
                    text.push_str(&format!(
                        "script: {} bytes, not shown (the package's scripts pass the {SHOWN_MAX} bytes intake shows)\n",
                        bytes.len()
                    ));
                } else {
                    text.push_str(&format!(
                        "code: {} bytes from the Binary table stream `{source}`\n",
                        bytes.len()
                    ));
                }
                (bytes.len() as u64, Sha256::digest(bytes).into())
            }
            Some(Err(why)) => {
                text.push_str(&format!("code: cannot be read: {why}\n"));
                (0, Sha256::digest(text.as_bytes()).into())
            }
            None => (0, Sha256::digest(text.as_bytes()).into()),
        };
        out.push(Script {
            name: format!("{} (custom action type {})", a.name, a.kind),
            size,
            sha256,
            text: text.into_bytes(),
        });
    }
    out
}

/// The code the action runs, when the package holds it: a `Binary`
/// stream (within what is left of [`READ_BUDGET`]), the `Target` text, or
/// a property's value.
fn code_of(
    a: &ActionRow,
    package: &mut Package<File>,
    properties: &std::collections::HashMap<String, String>,
    read_left: &mut u64,
) -> Option<Result<Vec<u8>, String>> {
    let base = a.kind & 0x3F;
    let source = a.source.clone().unwrap_or_default();
    Some(match (base & 0x07, base & 0x30) {
        (1 | 2 | 5 | 6, 0x00) if *read_left == 0 => Err(format!(
            "not read: the package's custom actions' code passes the {READ_BUDGET} bytes intake reads"
        )),
        (1 | 2 | 5 | 6, 0x00) => {
            let max = BINARY_MAX.min(*read_left);
            let read = tables::stream_bytes(package, &format!("Binary.{source}"), max);
            if let Ok(bytes) = &read {
                *read_left -= bytes.len() as u64;
            }
            read
        }
        (5 | 6, 0x20) => Ok(a.target.clone().unwrap_or_default().into_bytes()),
        (5 | 6, 0x30) => Ok(properties
            .get(&source)
            .cloned()
            .unwrap_or_default()
            .into_bytes()),
        _ => return None,
    })
}
