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
        for word in forbidden {
            assert!(!text.contains(word), "{} mentions {word}", file.display());
        }
    }
}

/// Only the http module opens network connections (and the test kit, which
/// is behind the `testkit` feature and not in the shipped binary), so
/// "intake never makes a hidden network call" stays one look at one file.
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
    ];
    let allowed = [src.join("engine/fetch/http.rs"), src.join("testkit")];
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
