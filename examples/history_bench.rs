//! Times recording approvals the way a review does (open the history,
//! record one approval with its manifest, close), N times in a row against
//! one history, and prints the per-record times: what recording adds to a
//! review. Used by scripts/bench-history.sh.
//!
//! Usage: history_bench (SQLITE_FILE | postgresql://...) COUNT MANIFEST_LINES

use std::time::Instant;

use intake::engine::record::history::{History, Location};
use intake::engine::select::rollback::Approval;

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().collect();
    let [_, history, count, lines] = args.as_slice() else {
        return Err("usage: history_bench HISTORY COUNT MANIFEST_LINES".into());
    };
    let count: usize = count.parse().map_err(|_| "COUNT: a number")?;
    let lines: usize = lines.parse().map_err(|_| "MANIFEST_LINES: a number")?;
    let location = Location::parse(history, None);
    let manifest: String = (0..lines)
        .map(|i| {
            format!(
                "{}\t{i}\t0644\tfile\tmeridian-4.2.1/lib/part-{i}.so\n",
                "ab".repeat(32)
            )
        })
        .collect();
    let mut took_ms = Vec::with_capacity(count);
    for i in 0..count {
        let approval = Approval {
            version: format!("4.2.{i}"),
            platform: "linux-x86_64".into(),
            sha256: "cd".repeat(32),
            time: format!("2026-12-02T10:{:02}:{:02}Z", (i / 60) % 60, i % 60)
                .parse()
                .map_err(|_| "time")?,
            checklist: format!("/srv/checklists/meridian-4.2.{i}.toml"),
            checklist_sha256: Some("ef".repeat(32)),
            change_request: Some(format!("CR-{i}")),
            operator: "a.operator".into(),
            approver: "b.approver".into(),
            manifest: String::new(),
        };
        let started = Instant::now();
        let mut opened = History::open(&location, None).map_err(|e| e.to_string())?;
        opened
            .record("meridian", &approval, manifest.as_bytes())
            .map_err(|e| e.to_string())?;
        drop(opened);
        took_ms.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    for t in took_ms {
        println!("{t:.3}");
    }
    Ok(())
}
