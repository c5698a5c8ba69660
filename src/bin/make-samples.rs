//! `cargo run --features testkit --bin make-samples [DIR]`: regenerates the sample releases
//! (default `sample-releases/`), reusing the demo keys found there.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let root = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("sample-releases"));
    match intake::testkit::samples::generate(&root) {
        Ok(()) => {
            println!("sample releases written to {}", root.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("make-samples: {e:#}");
            ExitCode::FAILURE
        }
    }
}
