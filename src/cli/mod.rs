//! The non-interactive front end: argument parsing, one file per
//! subcommand, and the one function that maps outcomes to exit codes.

mod audit;
mod list;
mod output;
mod progress;
mod recheck;
mod settings;
mod term;
mod verify;
mod walk;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::engine::shared::error::{Error, ErrorClass};
use crate::engine::shared::verdict::{Verdict, Waiver};

/// Staged install review: prove a vendor release is the bytes the vendor
/// published and signed, and sign it off for the change request.
#[derive(Debug, Parser)]
#[command(name = "intake", version, args_override_self = true)]
pub struct Cli {
    /// Settings file (default: $XDG_CONFIG_HOME/intake/config.toml).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Feed to review in the interactive walk (default: the bundled demo feed).
    pub feed: Option<PathBuf>,

    /// Colour theme for the walk: a name in themes/ (default, high-contrast, mono) or a file.
    #[arg(long, value_name = "NAME|PATH")]
    pub theme: Option<String>,

    /// Draw ASCII borders and symbols (for terminals and fonts without box drawing).
    #[arg(long)]
    pub ascii: bool,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List a feed's releases and platforms, one line each.
    List {
        /// The feed file (feed.toml).
        feed: PathBuf,
    },
    /// Run the whole review non-interactively and write the checklist.
    Verify(Box<VerifyArgs>),
    /// Check a written checklist: unaltered, and signed by a trusted signer.
    Checklist {
        #[command(subcommand)]
        command: ChecklistCommand,
    },
    /// After install: do the installed files still match the reviewed archive?
    Recheck(RecheckArgs),
}

#[derive(Debug, Subcommand)]
pub enum ChecklistCommand {
    /// Check that a checklist is unaltered and signed by a trusted signer.
    Verify {
        /// The checklist's .toml file.
        file: PathBuf,
        /// A certificate trusted to sign checklists (repeatable; default: trusted_signers in the settings).
        #[arg(long = "signer", value_name = "CERT")]
        signers: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}

#[derive(Debug, clap::Args)]
pub struct RecheckArgs {
    /// The checklist's .toml file.
    pub checklist: PathBuf,
    /// The installed folder.
    pub dir: PathBuf,
    /// The archive's top folder that DIR stands for (e.g. meridian-4.2.1).
    #[arg(long, value_name = "FOLDER")]
    pub prefix: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// The feed file (feed.toml).
    pub feed: PathBuf,
    /// The release version to review.
    #[arg(long = "release", value_name = "VERSION")]
    pub release: String,
    /// The platform to review (default: this host's platform).
    #[arg(long, value_name = "PLATFORM")]
    pub platform: Option<String>,
    /// The person running the review.
    #[arg(long, value_name = "NAME")]
    pub operator: Option<String>,
    /// The second person, who approves (must differ from the operator).
    #[arg(long, value_name = "NAME")]
    pub approver: Option<String>,
    /// The change request this review is attached to.
    #[arg(long = "change-request", value_name = "REF")]
    pub change_request: Option<String>,
    /// Accept a warning with a written reason: CHECK=REASON (repeatable).
    #[arg(long = "waive", value_name = "CHECK=REASON", value_parser = parse_waiver)]
    pub waive: Vec<Waiver>,
    /// Where checklists are written (default: checklist_dir in the settings, else ./checklists).
    #[arg(long = "checklist-dir", value_name = "DIR")]
    pub checklist_dir: Option<PathBuf>,
    /// OpenPGP secret key that signs the checklist (default: signing_key in the settings).
    #[arg(long = "signing-key", value_name = "FILE")]
    pub signing_key: Option<PathBuf>,
    /// Refuse every non-local source.
    #[arg(long)]
    pub offline: bool,
    /// Where approved artifacts are kept (default: the platform's data folder, intake/store).
    #[arg(long, value_name = "DIR", conflicts_with = "no_store")]
    pub store: Option<PathBuf>,
    /// Do not keep approved artifacts in the store (a pipeline that only gates).
    #[arg(long = "no-store")]
    pub no_store: bool,
    /// Where downloads are kept while they are verified, and resumed from.
    #[arg(long = "cache-dir", value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
    /// Connect and read timeout for network sources, in seconds (default 30).
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<u64>,
    /// Extra CA certificates (PEM) to trust for https sources, e.g. a hospital's own CA.
    #[arg(long = "ca-bundle", value_name = "FILE")]
    pub ca_bundle: Option<PathBuf>,
    /// Stop inspecting an archive that expands past this size (e.g. 8GiB, 500MiB).
    #[arg(long = "max-expanded", value_name = "SIZE", value_parser = parse_size)]
    pub max_expanded: Option<u64>,
    /// Output: text for people, json for pipelines (the checklist record).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// `8GiB`, `500MiB`, `1024`: a size in bytes, binary units.
pub fn parse_size(arg: &str) -> Result<u64, String> {
    let text = arg.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (digits, unit) = text.split_at(split);
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("`{arg}` is not a size (try 8GiB)"))?;
    let shift = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kib" => 10,
        "m" | "mib" => 20,
        "g" | "gib" => 30,
        "t" | "tib" => 40,
        other => {
            return Err(format!(
                "unknown unit `{other}` in `{arg}` (use KiB, MiB, GiB or TiB)"
            ));
        }
    };
    n.checked_mul(1u64 << shift)
        .ok_or_else(|| format!("`{arg}` is too large"))
}

fn parse_waiver(arg: &str) -> Result<Waiver, String> {
    Waiver::parse(arg)
}

/// How a command ended, before it becomes an exit code.
#[derive(Debug)]
pub enum Outcome {
    /// Nothing to judge (list, help).
    Done,
    Verdict(Verdict),
    Failed(Error),
}

/// The exit code of SPEC.md for an outcome.
pub fn exit_code(outcome: &Outcome) -> u8 {
    match outcome {
        Outcome::Done | Outcome::Verdict(Verdict::Approved) => 0,
        Outcome::Verdict(Verdict::Rejected) => 1,
        Outcome::Failed(e) => match e.class() {
            ErrorClass::Input | ErrorClass::Cancelled => 2,
            ErrorClass::Fetch => 3,
        },
    }
}

/// The bundled demo feed: `$INTAKE_DEMO_FEED`, else the repository's
/// `sample-releases/meridian/feed.toml`.
pub fn demo_feed() -> PathBuf {
    if let Some(path) = std::env::var_os("INTAKE_DEMO_FEED") {
        return PathBuf::from(path);
    }
    let local = PathBuf::from("sample-releases/meridian/feed.toml");
    if local.is_file() {
        return local;
    }
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/sample-releases/meridian/feed.toml"
    ))
}

/// Parses arguments, runs the command, returns the exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if e.use_stderr() => {
            // A refused argument is quoted in the message: escape it.
            eprint!(
                "{}",
                crate::engine::shared::text::shown_lines(&e.render().to_string())
            );
            return ExitCode::from(e.exit_code().clamp(0, 2) as u8);
        }
        Err(e) => {
            let _ = e.print();
            // clap: 0 for --help/--version, 2 for bad arguments.
            return ExitCode::from(e.exit_code().clamp(0, 2) as u8);
        }
    };
    let settings = match crate::settings::Settings::load(cli.config.as_deref()) {
        Ok(s) => s,
        Err(e) => {
            term::print_error(e);
            return ExitCode::from(2);
        }
    };
    let outcome = match cli.command {
        Some(Command::List { feed }) => list::run(&feed),
        Some(Command::Verify(args)) => verify::run(&args, &settings),
        Some(Command::Checklist {
            command:
                ChecklistCommand::Verify {
                    file,
                    signers,
                    format,
                },
        }) => audit::run(&file, &signers, &settings, format),
        Some(Command::Recheck(args)) => recheck::run(&args),
        None => walk::run(cli.feed, cli.theme, cli.ascii, &settings),
    };
    if let Outcome::Failed(e) = &outcome {
        term::print_error(e);
    }
    ExitCode::from(exit_code(&outcome))
}
