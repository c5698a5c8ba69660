//! `intake`: see the crate documentation for what a review is. The two
//! front ends are started here and neither knows the other: the walk on a
//! terminal when no subcommand is given, the command line otherwise.

use std::process::ExitCode;

use intake::tui::start::WalkArgs;

fn main() -> ExitCode {
    let parsed = match intake::cli::parse() {
        Ok(parsed) => parsed,
        Err(code) => return code,
    };
    if parsed.is_walk_on_terminal() {
        let (feed, theme, ascii) = parsed.walk();
        let args = WalkArgs { feed, theme, ascii };
        return ExitCode::from(intake::tui::start::main(args, &parsed.settings));
    }
    intake::cli::run(parsed)
}
