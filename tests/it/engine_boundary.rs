//! The engine is a library with no terminal code: it names no terminal,
//! async-runtime or argument crate and prints nothing.

use std::path::Path;

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn the_engine_names_no_terminal_crate_and_prints_nothing() {
    let mut files = Vec::new();
    rust_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src/engine"),
        &mut files,
    );
    assert!(files.len() > 10, "found {} files", files.len());
    let forbidden = [
        "ratatui",
        "crossterm",
        "tokio",
        "clap",
        "println!",
        "eprintln!",
        "print!(",
        "eprint!(",
        "std::io::stdout",
        "std::io::stderr",
    ];
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        // The PostgreSQL client's TLS adapter is named after the runtime the
        // client runs inside itself; the engine stays blocking.
        let text = text.replace("tokio_postgres_rustls", "");
        for word in forbidden {
            assert!(!text.contains(word), "{} mentions {word}", file.display());
        }
    }
}

/// Only the http module and the PostgreSQL history open network
/// connections (and the test kit, which is behind the `testkit` feature and
/// not in the shipped binary), so "intake never makes a hidden network
/// call" stays one look at two files: sources the feed names, and the
/// history server the settings name.
#[test]
fn only_the_http_module_opens_sockets() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let sockets = [
        "TcpStream",
        "TcpListener",
        "UdpSocket",
        "UnixStream",
        "ureq::",
        "socket2",
        "postgres::",
        "tokio_postgres",
    ];
    let allowed = [
        src.join("engine/fetch/http.rs"),
        src.join("engine/record/history/server.rs"),
        src.join("testkit"),
    ];
    let mut named = Vec::new();
    for file in &files {
        if allowed.iter().any(|a| file.starts_with(a)) {
            continue;
        }
        let text = std::fs::read_to_string(file).unwrap();
        for word in sockets {
            if text.contains(word) {
                named.push(format!("{} names {word}", file.display()));
            }
        }
    }
    assert!(named.is_empty(), "{named:#?}");
    let lib = std::fs::read_to_string(src.join("lib.rs")).unwrap();
    assert!(
        lib.contains("#[cfg(feature = \"testkit\")]\npub mod testkit;"),
        "the test kit must stay behind its feature"
    );
}

/// Neither front end imports the other (`main` starts both), and nothing
/// below them (the engine, the settings) imports either.
#[test]
fn neither_front_end_imports_the_other() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let rules = [
        ("cli", vec!["crate::tui", "intake::tui"]),
        ("tui", vec!["crate::cli", "intake::cli"]),
        (
            "engine",
            vec!["crate::cli", "crate::tui", "crate::settings"],
        ),
        ("settings", vec!["crate::cli", "crate::tui"]),
    ];
    let mut named = Vec::new();
    for (dir, forbidden) in rules {
        let mut files = Vec::new();
        rust_files(&src.join(dir), &mut files);
        assert!(!files.is_empty(), "src/{dir} has no files");
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            for word in &forbidden {
                if text.contains(word) {
                    named.push(format!("{} names {word}", file.display()));
                }
            }
        }
    }
    assert!(named.is_empty(), "{named:#?}");
}

/// The engine's folders in the order of the walk: each may import only the
/// folders before it.
const LAYERS: [&str; 7] = [
    "shared", "select", "fetch", "verify", "inspect", "review", "record",
];

#[test]
fn each_engine_folder_imports_only_the_folders_before_it() {
    let engine = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/engine");
    let mut wrong = Vec::new();
    for (rank, layer) in LAYERS.iter().enumerate() {
        let mut files = Vec::new();
        let dir = engine.join(layer);
        rust_files(&dir, &mut files);
        assert!(!files.is_empty(), "src/engine/{layer} has no files");
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            for later in &LAYERS[rank + 1..] {
                if text.contains(&format!("engine::{later}::")) {
                    wrong.push(format!("{} ({layer}) imports {later}", file.display()));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

/// No two files of the engine import each other in a circle, through the
/// `use` paths that name them (`crate::engine::...`, `super::...`).
#[test]
fn the_engine_has_no_import_loop() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&root.join("engine"), &mut files);
    let graph: Vec<(std::path::PathBuf, Vec<std::path::PathBuf>)> = files
        .iter()
        .map(|f| (f.clone(), imported_files(&root, f)))
        .collect();
    for (start, _) in &graph {
        if let Some(circle) = circle_from(start, &graph) {
            panic!("import loop: {circle:#?}");
        }
    }
}

/// The module path of a file under `src` (`engine/inspect/tar/mod.rs` is
/// `["engine", "inspect", "tar"]`).
fn module_of(root: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(root).unwrap().with_extension("");
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

/// The file of the longest prefix of `path` that is a module.
fn file_of(root: &Path, path: &[String]) -> Option<std::path::PathBuf> {
    (1..=path.len()).rev().find_map(|n| {
        let base = root.join(path[..n].join("/"));
        [base.with_extension("rs"), base.join("mod.rs")]
            .into_iter()
            .find(|f| f.is_file())
    })
}

/// The engine files a file's `use` lines import (its own test module and
/// its child modules' declarations aside).
fn imported_files(root: &Path, file: &Path) -> Vec<std::path::PathBuf> {
    let text = std::fs::read_to_string(file).unwrap();
    let text = text.split("#[cfg(test)]").next().unwrap_or_default();
    let module = module_of(root, file);
    let mut out = Vec::new();
    for statement in text.split(';') {
        let Some(used) = statement.trim_start().strip_prefix("use ") else {
            continue;
        };
        let used: String = used.split_whitespace().collect();
        let (stem, items) = match used.split_once('{') {
            Some((stem, items)) => (stem.to_string(), items.trim_end_matches('}').to_string()),
            None => (used.clone(), String::new()),
        };
        let mut paths = vec![stem.trim_end_matches("::").to_string()];
        for item in items.split(',').filter(|i| !i.is_empty() && *i != "self") {
            paths.push(format!("{}::{item}", stem.trim_end_matches("::")));
        }
        for path in paths {
            let mut parts: Vec<String> = path.split("::").map(str::to_string).collect();
            let resolved = if parts.first().is_some_and(|p| p == "crate") {
                parts.remove(0);
                parts
            } else if parts.first().is_some_and(|p| p == "super") {
                let mut base = module.clone();
                while parts.first().is_some_and(|p| p == "super") {
                    parts.remove(0);
                    base.pop();
                }
                base.extend(parts);
                base
            } else {
                continue;
            };
            if resolved.first().is_some_and(|p| p == "engine")
                && let Some(target) = file_of(root, &resolved)
                && target != file
            {
                out.push(target);
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// A circle of imports through `start`, if there is one.
fn circle_from(
    start: &Path,
    graph: &[(std::path::PathBuf, Vec<std::path::PathBuf>)],
) -> Option<Vec<std::path::PathBuf>> {
    let edges = |f: &Path| {
        graph
            .iter()
            .find(|(g, _)| g == f)
            .map(|(_, to)| to.clone())
            .unwrap_or_default()
    };
    let mut stack = vec![(start.to_path_buf(), vec![start.to_path_buf()])];
    let mut seen = std::collections::HashSet::new();
    while let Some((at, trail)) = stack.pop() {
        for next in edges(&at) {
            if next == start {
                return Some(trail.clone());
            }
            if seen.insert(next.clone()) {
                let mut longer = trail.clone();
                longer.push(next.clone());
                stack.push((next, longer));
            }
        }
    }
    None
}
