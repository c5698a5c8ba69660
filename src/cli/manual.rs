//! `intake completions SHELL` and `intake man`: both generated from the
//! command line's definition ([`super::args::command`]), so they cannot
//! drift from what the parser accepts.

use clap_mangen::Man;
use clap_mangen::roff::{Roff, bold, italic, roman};

use super::Outcome;
use super::args::command;
use super::help::{self, Example};
use super::term;

/// Prints the completion script for `shell`.
pub fn completions(shell: clap_complete::Shell) -> Outcome {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command(), "intake", &mut script);
    term::print_bytes(&script);
    Outcome::Done
}

/// Prints the man page: the top command, then every command with its
/// synopsis and options, the examples, the exit status and the checks.
pub fn man() -> Outcome {
    let mut cmd = command().disable_help_subcommand(true);
    cmd.build();
    let man = Man::new(cmd.clone());
    let mut page = String::new();
    for part in [
        Man::render_title,
        Man::render_name_section,
        Man::render_synopsis_section,
        Man::render_description_section,
        Man::render_options_section,
    ] {
        page.push_str(&rendered(|w| part(&man, w)));
    }
    page.push_str(&commands(&cmd));
    page.push_str(&extra_sections().render());
    term::print_bytes(without_repeated_preamble(&page).as_bytes());
    Outcome::Done
}

/// What a section renders to (empty on the write error a `Vec` never has).
fn rendered(render: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>) -> String {
    let mut out = Vec::new();
    match render(&mut out) {
        Ok(()) => String::from_utf8_lossy(&out).into_owned(),
        Err(_) => String::new(),
    }
}

/// Each rendered piece starts with roff's apostrophe preamble: keep the first.
fn without_repeated_preamble(page: &str) -> String {
    let mut seen = 0;
    let mut out = String::with_capacity(page.len());
    for line in page.lines() {
        if line.starts_with(".ie \\n(.g .ds Aq") || line.starts_with(".el .ds Aq") {
            seen += 1;
            if seen > 2 {
                continue;
            }
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// The COMMANDS section: every command that runs something (`checklist
/// verify`, not `checklist`), its synopsis, what it does, its options.
fn commands(cmd: &clap::Command) -> String {
    let mut out = String::from(".SH COMMANDS\n");
    let mut leaves = Vec::new();
    collect_leaves(cmd, &mut leaves);
    for sub in leaves {
        let name = sub.get_bin_name().unwrap_or_else(|| sub.get_name());
        let mut head = Roff::new();
        head.control("SS", [name]);
        if let Some(about) = sub.get_long_about().or_else(|| sub.get_about()) {
            head.text([roman(about.to_string())]);
        }
        head.control("PP", []);
        out.push_str(&head.render());
        let man = Man::new(sub.clone());
        out.push_str(&body_of(&rendered(|w| man.render_synopsis_section(w))));
        if sub
            .get_arguments()
            .any(|a| !a.is_positional() && !a.is_hide_set())
        {
            out.push_str(&body_of(&rendered(|w| man.render_options_section(w))));
        }
    }
    out
}

/// The commands in the order `--help` lists them.
fn collect_leaves<'a>(cmd: &'a clap::Command, out: &mut Vec<&'a clap::Command>) {
    let mut subs: Vec<&clap::Command> =
        cmd.get_subcommands().filter(|s| !s.is_hide_set()).collect();
    subs.sort_by_key(|s| s.get_display_order());
    for sub in subs {
        if sub.has_subcommands() {
            collect_leaves(sub, out);
        } else {
            out.push(sub);
        }
    }
}

/// A rendered section without its `.SH` heading (it goes under `.SS`).
fn body_of(section: &str) -> String {
    section
        .lines()
        .filter(|l| !l.starts_with(".SH "))
        .map(|l| format!("{l}\n"))
        .collect()
}

/// EXAMPLES, EXIT STATUS, CHECKS, ENVIRONMENT, FILES and SEE ALSO.
fn extra_sections() -> Roff {
    let mut roff = Roff::new();
    roff.control("SH", ["EXAMPLES"]);
    let all = [
        help::TOP_EXAMPLES,
        help::VERIFY_EXAMPLES,
        help::RECHECK_EXAMPLES,
        help::CHECKLIST_VERIFY_EXAMPLES,
        help::APPROVE_EXAMPLES,
    ];
    let mut shown: Vec<&str> = Vec::new();
    for Example { what, command } in all.iter().flat_map(|e| e.iter()) {
        if shown.contains(command) {
            continue;
        }
        shown.push(command);
        // Commands are shown as typed: not filled, justified or hyphenated.
        roff.control("PP", []).text([roman(*what)]);
        roff.control("RS", ["4"]).control("nf", []);
        roff.text([bold(*command)]);
        roff.control("fi", []).control("RE", []);
    }
    exit_status(&mut roff);
    roff.control("SH", ["CHECKS"]);
    roff.text([roman(
        "A review records one result per check, pass, warn, fail or skip, under these stable ids; \
         a warning is accepted with --waive CHECK=REASON. README.md (\"What is checked\") and \
         SPEC.md say what each checks.",
    )]);
    for id in help::check_ids() {
        roff.control("IP", ["\\(bu", "2"]).text([bold(id)]);
    }
    roff.control("SH", ["ENVIRONMENT"]);
    for (name, what) in [
        ("NO_COLOR", "set and not empty: the walk uses no colour"),
        (
            "COLORTERM",
            "truecolor or 24bit: the walk uses a theme's full colours",
        ),
        (
            "INTAKE_SIGNING_PASSPHRASE",
            "the passphrase of a protected signing key (pipelines)",
        ),
    ] {
        roff.control("TP", [])
            .text([bold(name)])
            .text([roman(what)]);
    }
    roff.control("SH", ["FILES"]);
    roff.control("TP", [])
        .text([italic("$XDG_CONFIG_HOME/intake/config.toml")]);
    roff.text([roman(
        "the settings (operator, signing_key, trusted_signers, [signers], require_approval, folders, limits, theme); flags override them",
    )]);
    roff.control("SH", ["SEE ALSO"]);
    roff.text([roman("sha256sum(1), gpg(1), tar(1)")]);
    roff
}

/// EXIT STATUS: the review's codes, then where `recheck`, `checklist
/// verify` and `approve` read them their own way.
fn exit_status(roff: &mut Roff) {
    roff.control("SH", ["EXIT STATUS"]);
    for (code, what) in help::REVIEW_EXIT {
        roff.control("TP", []).text([bold(code.to_string())]);
        roff.text([roman(*what)]);
    }
    for (name, codes) in [
        ("intake recheck", help::RECHECK_EXIT),
        ("intake checklist verify", help::CHECKLIST_VERIFY_EXIT),
        ("intake approve", help::APPROVE_EXIT),
    ] {
        roff.control("PP", []);
        roff.text([bold(name), roman(":")]);
        for (code, what) in codes {
            roff.control("TP", []).text([bold(code.to_string())]);
            roff.text([roman(*what)]);
        }
    }
}
