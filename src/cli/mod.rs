//! The non-interactive front end: argument parsing, one file per
//! subcommand, and the one function that maps outcomes to exit codes.

mod approve;
mod args;
mod audit;
mod demo;
mod help;
mod history;
mod json;
mod list;
mod manual;
mod output;
mod progress;
mod recheck;
mod suggest;
mod term;
mod verify;
mod walk;

use std::ffi::OsString;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::FromArgMatches;

use crate::engine::shared::error::Error;
use crate::engine::shared::verdict::Verdict;

pub use args::{
    ChecklistCommand, ChecklistVerifyArgs, Cli, Command, Format, HistoryArgs, RecheckArgs,
    SchemaName, VerifyArgs, command,
};

/// How a command ended, before it becomes an exit code.
#[derive(Debug)]
pub enum Outcome {
    /// Nothing to judge (list, completions, the man page).
    Done,
    Verdict(Verdict),
    Failed(Error),
}

/// The exit code of SPEC.md for an outcome.
pub fn exit_code(outcome: &Outcome) -> u8 {
    match outcome {
        Outcome::Done => 0,
        Outcome::Verdict(verdict) => verdict.exit_code(),
        Outcome::Failed(e) => e.class().exit_code(),
    }
}

/// The command line, parsed, with the operator's settings loaded.
pub struct Parsed {
    cli: Cli,
    pub settings: crate::settings::Settings,
}

impl Parsed {
    /// `intake [FEED]` on a terminal: the interactive walk, which `main`
    /// starts (this front end does not know it).
    pub fn is_walk_on_terminal(&self) -> bool {
        self.cli.command.is_none()
            && std::io::stdin().is_terminal()
            && std::io::stdout().is_terminal()
    }

    /// What the command line asked of the walk.
    pub fn walk(&self) -> (Option<PathBuf>, Option<String>, bool) {
        (
            self.cli.feed.clone(),
            self.cli.theme.clone(),
            self.cli.ascii,
        )
    }
}

/// Parses the arguments and loads the settings, or says why not and
/// gives the exit code.
pub fn parse() -> Result<Parsed, ExitCode> {
    parse_from(std::env::args_os().collect())
}

fn parse_from(args: Vec<OsString>) -> Result<Parsed, ExitCode> {
    // A mistyped command would otherwise be taken for the walk's feed.
    if let Some(message) = suggest::mistyped_command(&command(), &args) {
        term::print_error(message);
        return Err(ExitCode::from(2));
    }
    let cli = match command()
        .try_get_matches_from(args)
        .and_then(|m| Cli::from_arg_matches(&m))
    {
        Ok(cli) => cli,
        Err(e) if e.use_stderr() => {
            // A refused argument is quoted in the message: escape it.
            eprint!(
                "{}",
                crate::engine::shared::text::shown_lines(&e.render().to_string())
            );
            return Err(ExitCode::from(e.exit_code().clamp(0, 2) as u8));
        }
        Err(e) => {
            let _ = e.print();
            // clap: 0 for --help/--version, 2 for bad arguments.
            return Err(ExitCode::from(e.exit_code().clamp(0, 2) as u8));
        }
    };
    // The completions and the manual need no settings (and print even
    // when the settings file is broken).
    if matches!(
        cli.command,
        Some(Command::Completions { .. } | Command::Man | Command::Checks | Command::Schema { .. })
    ) {
        let settings = crate::settings::Settings::default();
        return Ok(Parsed { cli, settings });
    }
    match crate::settings::Settings::load(cli.config.as_deref()) {
        Ok(settings) => Ok(Parsed { cli, settings }),
        Err(e) => {
            term::print_error(e);
            Err(ExitCode::from(2))
        }
    }
}

/// `intake schema NAME`: the JSON Schema of a command's JSON output.
fn schema(name: SchemaName) -> Outcome {
    use clap::ValueEnum;
    let wanted = name.to_possible_value();
    let found = json::SCHEMAS
        .iter()
        .find(|s| wanted.as_ref().is_some_and(|w| w.get_name() == s.name));
    match found {
        Some(schema) => {
            term::print_bytes(schema.text.as_bytes());
            Outcome::Done
        }
        None => Outcome::Failed(Error::Usage(format!("no schema {name:?}"))),
    }
}

/// Runs the command, returns the exit code.
pub fn run(parsed: Parsed) -> ExitCode {
    let Parsed { cli, settings } = parsed;
    let outcome = match cli.command {
        Some(Command::List { feed, format }) => list::run(&feed, format),
        Some(Command::Verify(args)) => verify::run(&args, &settings),
        Some(Command::Checklist {
            command: ChecklistCommand::Verify(args),
        }) => audit::run(&args, &settings),
        Some(Command::Approve(args)) => approve::run(&args, &settings),
        Some(Command::Recheck(args)) => recheck::run(&args),
        Some(Command::History(args)) => history::run(&args, &settings),
        Some(Command::Completions { shell }) => manual::completions(shell),
        Some(Command::Man) => manual::man(),
        Some(Command::Checks) => list::checks(),
        Some(Command::Schema { name }) => schema(name),
        None => walk::run(cli.feed, cli.theme.as_deref(), cli.ascii),
    };
    if let Outcome::Failed(e) = &outcome {
        term::print_error(e);
    }
    ExitCode::from(exit_code(&outcome))
}
