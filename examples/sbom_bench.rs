//! The SBOM comparison's benchmark helper (scripts/bench-sbom.sh).
//!
//! `sbom_bench make DIR N`: writes DIR/before.cdx.json and DIR/after.cdx.json,
//! N components each (CycloneDX 1.6): after upgrades every 100th component,
//! downgrades every 1000th, drops every 500th and adds N/500 new ones.
//! `sbom_bench compare BEFORE AFTER`: reads both as a review does and
//! compares them; prints the changes counted by kind.

use std::process::ExitCode;

use intake::engine::verify::sbom::compare::{Change, compare};
use intake::engine::verify::sbom::read::read;

fn component(i: usize, version: String) -> serde_json::Value {
    serde_json::json!({
        "type": "library",
        "bom-ref": format!("c{i}"),
        "name": format!("component-{i}"),
        "version": version,
        "purl": format!("pkg:npm/component-{i}@{version}"),
        "hashes": [{"alg": "SHA-256", "content": format!("{i:064x}")}],
    })
}

fn document(components: Vec<serde_json::Value>) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({
        "bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
        "components": components,
    }))
    .unwrap_or_default()
}

fn make(dir: &str, n: usize) -> std::io::Result<()> {
    let before = (0..n).map(|i| component(i, "1.0.0".into())).collect();
    let after = (0..n)
        .filter(|i| i % 500 != 7)
        .map(|i| match i {
            i if i % 1000 == 3 => component(i, "0.9.0".into()),
            i if i % 100 == 1 => component(i, "1.1.0".into()),
            i => component(i, "1.0.0".into()),
        })
        .chain((n..n + n / 500).map(|i| component(i, "1.0.0".into())))
        .collect();
    std::fs::write(format!("{dir}/before.cdx.json"), document(before))?;
    std::fs::write(format!("{dir}/after.cdx.json"), document(after))
}

fn run(args: &[String]) -> Result<String, String> {
    match args {
        [_, cmd, dir, n] if cmd == "make" => {
            let n = n.parse().map_err(|e| format!("{n}: {e}"))?;
            make(dir, n).map_err(|e| e.to_string())?;
            Ok(format!(
                "wrote {dir}/before.cdx.json and after.cdx.json, {n} components"
            ))
        }
        [_, cmd, before, after] if cmd == "compare" => {
            let load = |p: &str| {
                let bytes = std::fs::read(p).map_err(|e| format!("{p}: {e}"))?;
                read(&bytes).map_err(|e| format!("{p}: {e}"))
            };
            let c = compare(&load(before)?, &load(after)?);
            let count = |f: fn(&Change) -> bool| c.changes.iter().filter(|x| f(x)).count();
            Ok(format!(
                "unchanged {} upgraded {} downgraded {} added {} removed {}",
                c.unchanged,
                count(|x| matches!(x, Change::Upgraded { .. })),
                count(|x| matches!(x, Change::Downgraded { .. })),
                count(|x| matches!(x, Change::Added(_))),
                count(|x| matches!(x, Change::Removed(_))),
            ))
        }
        _ => Err("usage: sbom_bench make DIR N | compare BEFORE AFTER".into()),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    match run(&args) {
        Ok(said) => {
            println!("{said}");
            ExitCode::SUCCESS
        }
        Err(why) => {
            eprintln!("{why}");
            ExitCode::from(2)
        }
    }
}
