//! Replays every saved fuzz input through the function its target calls:
//! the seed corpus (`tests/fuzz/corpus/<target>/`) and the inputs that once
//! failed (`tests/fuzz-regressions/<target>/`). `cargo test` replays; only
//! `scripts/fuzz.sh` fuzzes. Each run asserts its result stays bounded; a
//! panic fails the test and names the input.

use std::path::{Path, PathBuf};

use intake::testkit::fuzzing::TARGETS;

fn inputs(dir: &Path) -> Vec<PathBuf> {
    let Ok(read) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = read
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

fn replay(root: &str) -> usize {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(root);
    let mut failed = Vec::new();
    let mut count = 0;
    for (name, run) in TARGETS {
        for input in inputs(&root.join(name)) {
            let bytes = std::fs::read(&input).unwrap();
            count += 1;
            if std::panic::catch_unwind(|| run(&bytes)).is_err() {
                failed.push(format!("{name}: {}", input.display()));
            }
        }
    }
    assert!(failed.is_empty(), "inputs that fail: {failed:#?}");
    count
}

#[test]
fn every_regression_input_runs_clean() {
    let count = replay("tests/fuzz-regressions");
    assert!(count >= TARGETS.len(), "only {count} regression inputs");
}

#[test]
fn every_seed_input_runs_clean() {
    let count = replay("tests/fuzz/corpus");
    assert!(count >= TARGETS.len(), "only {count} seed inputs");
}

/// Every target has a fuzz target file, seeds and a regressions folder.
#[test]
fn every_target_is_fuzzed_and_seeded() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (name, _) in TARGETS {
        let target = root.join(format!("tests/fuzz/fuzz_targets/{name}.rs"));
        let text = std::fs::read_to_string(&target).unwrap();
        assert!(
            text.contains(&format!("fuzzing::{name}(")),
            "{} does not call fuzzing::{name}",
            target.display()
        );
        assert!(!inputs(&root.join("tests/fuzz/corpus").join(name)).is_empty());
        assert!(!inputs(&root.join("tests/fuzz-regressions").join(name)).is_empty());
    }
}
