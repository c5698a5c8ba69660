//! `intake`: see the crate documentation for what a review is.

fn main() -> std::process::ExitCode {
    intake::cli::main()
}
