//! What `--help` and the man page say beyond the options: examples, the
//! exit codes and where the check ids are. Kept as data so the help and
//! the man page say the same.

use clap::builder::StyledStr;
use clap::builder::styling::Styles;

use crate::engine::shared::check::CheckId;

/// One example: what it does, and the command.
pub struct Example {
    pub what: &'static str,
    pub command: &'static str,
}

const fn ex(what: &'static str, command: &'static str) -> Example {
    Example { what, command }
}

/// `intake verify`'s usage line: the options it needs in practice
/// (`--operator` may come from the settings instead).
pub const VERIFY_USAGE: &str =
    "intake verify [OPTIONS] --release <VERSION> --operator <NAME> --approver <NAME> <FEED>";

pub const TOP_EXAMPLES: &[Example] = &[
    ex("Open the walk on the bundled demo feed:", "intake"),
    ex(
        "Open the walk on a feed:",
        "intake /media/usb/meridian/feed.toml",
    ),
    ex("List a feed's releases:", "intake list feed.toml"),
    ex(
        "Review a release non-interactively (a pipeline):",
        "intake verify feed.toml --release 4.2.1 --operator a.operator --approver b.approver --change-request CR-20461",
    ),
    ex(
        "Install the completions for bash:",
        "intake completions bash > ~/.local/share/bash-completion/completions/intake",
    ),
    ex("Read the manual:", "intake man | man -l -"),
    ex(
        "The JSON Schema of `verify --format json` (also list, checklist-verify, recheck, approve):",
        "intake schema verify",
    ),
];

pub const VERIFY_EXAMPLES: &[Example] = &[
    ex(
        "Review 4.2.1 for this host and write the checklist:",
        "intake verify feed.toml --release 4.2.1 --operator a.operator --approver b.approver --change-request CR-20461",
    ),
    ex(
        "Stay on an older release, with a written reason for its warning:",
        "intake verify feed.toml --release 4.2.0 --operator a.operator --approver b.approver --waive release.newest=\"kept on 4.2.0: 4.2.1 fails our HL7 suite\"",
    ),
    ex(
        "Gate a pipeline: operator from the settings, only the verdict line, nothing stored:",
        "intake verify feed.toml --release 4.2.1 --approver b.approver --no-store --quiet",
    ),
];

pub const RECHECK_EXAMPLES: &[Example] = &[
    ex(
        "The folder the archive was unpacked into:",
        "intake recheck checklists/meridian-4.2.1-linux-x86_64-20261122T191302Z.toml /opt",
    ),
    ex(
        "The archive's top folder meridian-4.2.1 installed as /opt/meridian:",
        "intake recheck checklists/meridian-4.2.1-linux-x86_64-20261122T191302Z.toml /opt/meridian --prefix meridian-4.2.1",
    ),
];

pub const CHECKLIST_VERIFY_EXAMPLES: &[Example] = &[
    ex(
        "Check a checklist against the team's signing certificates:",
        "intake checklist verify checklists/meridian-4.2.1-linux-x86_64-20261122T191302Z.toml --signer /etc/intake/team.asc",
    ),
    ex(
        "Before install: signed by the operator and countersigned by a trusted approver:",
        "intake checklist verify checklists/meridian-4.2.1-linux-x86_64-20261122T191302Z.toml --require-approval",
    ),
];

pub const APPROVE_EXAMPLES: &[Example] = &[
    ex(
        "Countersign as the approver, with your own key (shows the record, asks for the CR):",
        "intake approve checklists/meridian-4.2.1-linux-x86_64-20261122T191302Z.toml --signing-key ~/keys/b.approver.secret.asc",
    ),
    ex(
        "Scripted: nothing asked ([signers] must map your name to your certificate):",
        "intake approve checklists/meridian-4.2.1-linux-x86_64-20261122T191302Z.toml --yes --format json",
    ),
];

/// The exit codes of a review (SPEC.md, README "Exit codes").
pub const REVIEW_EXIT: &[(u8, &str)] = &[
    (0, "approved: every check passed or its warning was waived"),
    (
        1,
        "rejected: a check failed, or a warning has no waiver (the checklist is still written)",
    ),
    (
        2,
        "the input could not be used: bad arguments, malformed feed, unknown release or platform, unreadable file",
    ),
    (3, "the artifact could not be fetched from any source"),
];

pub const RECHECK_EXIT: &[(u8, &str)] = &[
    (0, "every installed file matches the reviewed archive"),
    (1, "a file is missing, modified or extra"),
    (
        2,
        "the input could not be used: bad arguments, unreadable or altered checklist or manifest",
    ),
];

pub const CHECKLIST_VERIFY_EXIT: &[(u8, &str)] = &[
    (
        0,
        "the checklist is intact and signed by a trusted signer (and countersigned, when required)",
    ),
    (
        1,
        "altered, unsigned, not signed by a trusted signer, a countersignature that does not hold, or none when required",
    ),
    (
        2,
        "the input could not be used: bad arguments, unreadable checklist or certificate",
    ),
];

pub const APPROVE_EXIT: &[(u8, &str)] = &[
    (
        0,
        "countersigned: <name>.toml.approval.asc written and recorded in the history",
    ),
    (
        1,
        "refused: a rejected or altered checklist, a bad operator signature, your key is the operator's or not the approver's",
    ),
    (
        2,
        "the input could not be used: unreadable checklist or key, not confirmed, already countersigned, history unavailable (the countersignature written stays)",
    ),
];

/// Where the check ids are described, beside their list.
pub const CHECKS_DESCRIBED: &str = "README.md, \"What is checked\", says what each checks";

/// Every check id, in the order of a review.
pub fn check_ids() -> Vec<&'static str> {
    CheckId::ALL.iter().map(|id| id.as_str()).collect()
}

fn heading(out: &mut String, title: &str) {
    let style = Styles::default().get_header().to_owned();
    out.push_str(&format!("\n{style}{title}{style:#}\n"));
}

fn examples(out: &mut String, examples: &[Example]) {
    heading(out, "Examples:");
    for e in examples {
        out.push_str(&format!("  {}\n    {}\n", e.what, e.command));
    }
}

fn exit_codes(out: &mut String, codes: &[(u8, &str)]) {
    heading(out, "Exit status:");
    for (code, what) in codes {
        out.push_str(&format!("  {code}  {what}\n"));
    }
}

/// The check ids, wrapped to fit 80 columns.
fn checks(out: &mut String) {
    heading(
        out,
        &format!("Check ids, as in --waive CHECK=REASON ({CHECKS_DESCRIBED}):"),
    );
    let ids = check_ids().join(", ");
    let mut line = String::new();
    for word in ids.split(' ') {
        if !line.is_empty() && line.len() + word.len() + 1 > 76 {
            out.push_str(&format!("  {line}\n"));
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    out.push_str(&format!("  {line}\n"));
}

fn styled(text: String) -> StyledStr {
    StyledStr::from(text.trim_start_matches('\n').to_string())
}

pub fn top() -> StyledStr {
    let mut out = String::new();
    examples(&mut out, TOP_EXAMPLES);
    exit_codes(&mut out, REVIEW_EXIT);
    checks(&mut out);
    styled(out)
}

pub fn verify() -> StyledStr {
    let mut out = String::new();
    examples(&mut out, VERIFY_EXAMPLES);
    exit_codes(&mut out, REVIEW_EXIT);
    checks(&mut out);
    styled(out)
}

pub fn recheck() -> StyledStr {
    let mut out = String::new();
    examples(&mut out, RECHECK_EXAMPLES);
    exit_codes(&mut out, RECHECK_EXIT);
    styled(out)
}

pub fn checklist_verify() -> StyledStr {
    let mut out = String::new();
    examples(&mut out, CHECKLIST_VERIFY_EXAMPLES);
    exit_codes(&mut out, CHECKLIST_VERIFY_EXIT);
    styled(out)
}

pub fn approve() -> StyledStr {
    let mut out = String::new();
    examples(&mut out, APPROVE_EXAMPLES);
    exit_codes(&mut out, APPROVE_EXIT);
    styled(out)
}

pub fn list() -> StyledStr {
    let mut out = String::new();
    examples(
        &mut out,
        &[ex(
            "The releases and platforms of a feed, newest first:",
            "intake list /media/usb/meridian/feed.toml",
        )],
    );
    exit_codes(
        &mut out,
        &[
            (0, "listed"),
            (2, "the feed could not be read or is malformed"),
        ],
    );
    styled(out)
}

pub fn history() -> StyledStr {
    let mut out = String::new();
    examples(
        &mut out,
        &[
            ex(
                "Every approval of a product, with who countersigned it:",
                "intake history meridian",
            ),
            ex(
                "Checklists still awaiting the approver, in a team's shared history:",
                "intake history --pending --history postgresql://intake@db.hospital.example/intake",
            ),
        ],
    );
    exit_codes(
        &mut out,
        &[
            (0, "listed (also when nothing is recorded)"),
            (
                2,
                "the history could not be opened or read (named in the message)",
            ),
        ],
    );
    styled(out)
}
