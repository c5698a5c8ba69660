//! The command line's definition (clap): the one source of `--help`, the
//! shell completions and the man page.

use std::path::PathBuf;

use clap::{CommandFactory, Parser, Subcommand, ValueEnum, ValueHint};

use crate::engine::shared::verdict::Waiver;

use super::approve::ApproveArgs;
use super::help;

/// Staged install review: prove a vendor release is the bytes the vendor
/// published and signed, and sign it off for the change request.
///
/// On a terminal, `intake [FEED]` opens the keyboard walk: select, fetch,
/// verify, inspect, sign off. `intake verify` runs the same review for
/// pipelines. Both write the same checklist (a TOML record, its Markdown
/// rendering and the archive's manifest) to attach to the change request.
#[derive(Debug, Parser)]
#[command(name = "intake", version, args_override_self = true)]
pub struct Cli {
    /// Settings file (default: $XDG_CONFIG_HOME/intake/config.toml).
    #[arg(long, global = true, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub config: Option<PathBuf>,

    /// Feed to review in the interactive walk (default: the bundled demo feed).
    #[arg(value_hint = ValueHint::FilePath)]
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
        #[arg(value_hint = ValueHint::FilePath)]
        feed: PathBuf,
        /// Output: text for people, json for pipelines (schema intake.list/1).
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Run the whole review non-interactively and write the checklist.
    Verify(Box<VerifyArgs>),
    /// Check a written checklist: unaltered, signed by a trusted signer, and its countersignature.
    Checklist {
        #[command(subcommand)]
        command: ChecklistCommand,
    },
    /// Countersign a checklist as its approver, with your own signing key.
    Approve(ApproveArgs),
    /// After install: do the installed files still match the reviewed archive?
    Recheck(RecheckArgs),
    /// What is approved, by whom and when, and whether an approver countersigned it.
    History(HistoryArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions {
        /// The shell to complete for.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff): `intake man | man -l -`.
    Man,
    /// List every check id with what it asks (the ids `--waive` takes).
    Checks,
    /// Print the JSON Schema of a command's `--format json` output.
    Schema {
        /// The command whose output it describes.
        name: SchemaName,
    },
}

/// The commands with a JSON output, as `intake schema` names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SchemaName {
    Verify,
    List,
    ChecklistVerify,
    Recheck,
    Approve,
    History,
}

#[derive(Debug, Subcommand)]
pub enum ChecklistCommand {
    /// Check that a checklist is unaltered and signed by a trusted signer.
    Verify(ChecklistVerifyArgs),
}

#[derive(Debug, clap::Args)]
pub struct ChecklistVerifyArgs {
    /// The checklist's .toml file.
    #[arg(value_hint = ValueHint::FilePath)]
    pub file: PathBuf,
    /// A certificate trusted to sign checklists (repeatable; default: trusted_signers in the settings).
    #[arg(long = "signer", value_name = "CERT", value_hint = ValueHint::FilePath)]
    pub signers: Vec<PathBuf>,
    /// Fail unless a trusted approver countersigned it (<name>.toml.approval.asc, written by
    /// intake approve; default: require_approval in the settings).
    #[arg(long = "require-approval")]
    pub require_approval: bool,
    /// Output: text for people, json for pipelines (schema intake.checklist-verify/1).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Print only the result line (exit code unchanged).
    #[arg(short, long, conflicts_with = "format")]
    pub quiet: bool,
}

#[derive(Debug, clap::Args)]
pub struct RecheckArgs {
    /// The checklist's .toml file.
    #[arg(value_hint = ValueHint::FilePath)]
    pub checklist: PathBuf,
    /// The installed folder.
    #[arg(value_hint = ValueHint::DirPath)]
    pub dir: PathBuf,
    /// The archive's top folder that DIR stands for (e.g. meridian-4.2.1).
    #[arg(long, value_name = "FOLDER")]
    pub prefix: Option<String>,
    /// Output: text for people, json for pipelines (schema intake.recheck/1).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Print only the result line (exit code unchanged).
    #[arg(short, long, conflicts_with = "format")]
    pub quiet: bool,
}

#[derive(Debug, clap::Args)]
pub struct HistoryArgs {
    /// Only this product (its id in the feed).
    pub product: Option<String>,
    /// Only this platform.
    #[arg(long, value_name = "PLATFORM")]
    pub platform: Option<String>,
    /// Only approvals whose checklist still awaits the approver's countersignature.
    #[arg(long)]
    pub pending: bool,
    /// The approval history: postgresql://... or an SQLite file (default: history in the
    /// settings, else the store's history.sqlite).
    #[arg(long, value_name = "URL|FILE")]
    pub history: Option<String>,
    /// The store whose history.sqlite to read (default: store_dir in the settings).
    #[arg(long, value_name = "DIR", value_hint = ValueHint::DirPath)]
    pub store: Option<PathBuf>,
    /// Output: text for people, json for pipelines (schema intake.history/1).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// The feed file (feed.toml).
    #[arg(value_hint = ValueHint::FilePath)]
    pub feed: PathBuf,
    /// Required: the release version to review.
    #[arg(long = "release", value_name = "VERSION")]
    pub release: String,
    /// The platform to review (default: this host's platform).
    #[arg(long, value_name = "PLATFORM")]
    pub platform: Option<String>,
    /// Required: the person running the review (or `operator` in the settings).
    #[arg(long, value_name = "NAME")]
    pub operator: Option<String>,
    /// Required: the second person, who approves (must differ from the operator).
    #[arg(long, value_name = "NAME")]
    pub approver: String,
    /// The change request this review is attached to.
    #[arg(long = "change-request", value_name = "REF")]
    pub change_request: Option<String>,
    /// Accept a warning with a written reason: CHECK=REASON, or CHECK:FINDING=REASON for one
    /// finding of archive.safety or archive.contents (repeatable; `intake checks` lists the ids).
    #[arg(long = "waive", value_name = "CHECK[:FINDING]=REASON", value_parser = parse_waiver)]
    pub waive: Vec<Waiver>,
    /// Where checklists are written (default: checklist_dir in the settings, else ./checklists).
    #[arg(long = "checklist-dir", value_name = "DIR", value_hint = ValueHint::DirPath)]
    pub checklist_dir: Option<PathBuf>,
    /// OpenPGP secret key that signs the checklist (default: signing_key in the settings).
    #[arg(long = "signing-key", value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub signing_key: Option<PathBuf>,
    /// Refuse every non-local source.
    #[arg(long)]
    pub offline: bool,
    /// Where approved artifacts are kept (default: the platform's data folder, intake/store).
    #[arg(long, value_name = "DIR", conflicts_with = "no_store", value_hint = ValueHint::DirPath)]
    pub store: Option<PathBuf>,
    /// Do not keep approved artifacts in the store (a pipeline that only gates).
    #[arg(long = "no-store")]
    pub no_store: bool,
    /// The approval history: postgresql://... (a team's shared history) or an SQLite file
    /// (default: history in the settings, else the store's history.sqlite).
    #[arg(long, value_name = "URL|FILE")]
    pub history: Option<String>,
    /// Where downloads are kept while they are verified, and resumed from.
    #[arg(long = "cache-dir", value_name = "DIR", value_hint = ValueHint::DirPath)]
    pub cache_dir: Option<PathBuf>,
    /// Connect and read timeout for network sources, in seconds (default 30).
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<u64>,
    /// Extra CA certificates (PEM) to trust for https sources, e.g. a hospital's own CA.
    #[arg(long = "ca-bundle", value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub ca_bundle: Option<PathBuf>,
    /// Stop inspecting an archive that expands past this size (e.g. 8GiB, 500MiB).
    #[arg(long = "max-expanded", value_name = "SIZE", value_parser = crate::units::parse_size)]
    pub max_expanded: Option<u64>,
    /// Output: text for people, json for pipelines (the checklist record and the files written; schema intake.verify/1).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Print only the verdict line (exit code unchanged; the checklist is still written).
    #[arg(short, long, conflicts_with = "format")]
    pub quiet: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

fn parse_waiver(arg: &str) -> Result<Waiver, String> {
    Waiver::parse(arg)
}

/// The whole command line as clap knows it, with the examples, exit codes
/// and check ids after each command's help.
pub fn command() -> clap::Command {
    Cli::command()
        .after_help(help::top())
        .mut_subcommand("verify", |c| {
            c.override_usage(help::VERIFY_USAGE)
                .after_help(help::verify())
        })
        .mut_subcommand("recheck", |c| c.after_help(help::recheck()))
        .mut_subcommand("checklist", |c| {
            c.mut_subcommand("verify", |c| c.after_help(help::checklist_verify()))
        })
        .mut_subcommand("list", |c| c.after_help(help::list()))
        .mut_subcommand("approve", |c| c.after_help(help::approve()))
        .mut_subcommand("history", |c| c.after_help(help::history()))
}
