//! A mistyped command (`intake verfy feed.toml ...`, `intake lsit x`) is
//! answered "did you mean `verify`?" instead of being taken for the feed
//! the walk opens. The walk's feed is a path: a word that names no file
//! here and is a letter or two from a command is a typo.

use std::ffi::{OsStr, OsString};
use std::path::Path;

/// The message for a first word that looks like a mistyped command, if
/// it does.
pub fn mistyped_command(cmd: &clap::Command, args: &[OsString]) -> Option<String> {
    let word = first_positional(cmd, args)?.to_str()?;
    if word.contains(['/', '\\']) || Path::new(word).exists() {
        return None;
    }
    let names = command_names(cmd);
    if names.iter().any(|n| n == word) {
        return None;
    }
    let nearest = nearest(word, &names)?;
    Some(format!(
        "`{word}` is not a command (nor a feed file here): did you mean `{nearest}`? \
         (`intake --help` lists the commands)"
    ))
}

/// The first argument that is neither an option nor an option's value
/// (the walk's FEED, or a command), before any `--`.
fn first_positional<'a>(cmd: &clap::Command, args: &'a [OsString]) -> Option<&'a OsStr> {
    let mut cmd = cmd.clone();
    cmd.build();
    let takes_value: Vec<String> = cmd
        .get_arguments()
        .filter(|a| !a.is_positional() && a.get_action().takes_values())
        .flat_map(|a| {
            let long = a.get_long().map(|l| format!("--{l}"));
            let short = a.get_short().map(|s| format!("-{s}"));
            long.into_iter().chain(short)
        })
        .collect();
    let mut rest = args.iter().skip(1);
    while let Some(arg) = rest.next() {
        let text = arg.to_string_lossy();
        if text == "--" {
            return None;
        }
        if takes_value.iter().any(|t| *t == text) {
            rest.next();
            continue;
        }
        if text.starts_with('-') && text.len() > 1 {
            continue;
        }
        return Some(arg.as_os_str());
    }
    None
}

/// Every command name and alias, and `help`.
fn command_names(cmd: &clap::Command) -> Vec<String> {
    let mut names = vec!["help".to_string()];
    for sub in cmd.get_subcommands() {
        names.push(sub.get_name().to_string());
        names.extend(sub.get_all_aliases().map(str::to_string));
    }
    names
}

/// The command nearest to `word`, when it is near enough: one edit for a
/// name of up to four letters, two for a longer one.
fn nearest<'a>(word: &str, names: &'a [String]) -> Option<&'a str> {
    names
        .iter()
        .map(|n| (distance(word, n), n))
        .filter(|(d, n)| *d <= if n.chars().count() <= 4 { 1 } else { 2 })
        .min_by_key(|(d, _)| *d)
        .map(|(_, n)| n.as_str())
}

/// Edit distance counting a swap of two neighbouring letters as one edit
/// (optimal string alignment): `lsit` is one edit from `list`.
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let width = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * width];
    let at = |i: usize, j: usize| i * width + j;
    for i in 0..=a.len() {
        d[at(i, 0)] = i;
    }
    for j in 0..=b.len() {
        d[at(0, j)] = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[at(i - 1, j)] + 1)
                .min(d[at(i, j - 1)] + 1)
                .min(d[at(i - 1, j - 1)] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[at(i - 2, j - 2)] + 1);
            }
            d[at(i, j)] = best;
        }
    }
    d[at(a.len(), b.len())]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(words: &[&str]) -> Vec<OsString> {
        std::iter::once("intake")
            .chain(words.iter().copied())
            .map(OsString::from)
            .collect()
    }

    #[test]
    fn typos_are_one_or_two_edits() {
        assert_eq!(distance("lsit", "list"), 1);
        assert_eq!(distance("verfy", "verify"), 1);
        assert_eq!(distance("veriyf", "verify"), 1);
        assert_eq!(distance("rechk", "recheck"), 2);
        assert_eq!(distance("", "man"), 3);
    }

    #[test]
    fn a_mistyped_command_is_named_and_a_feed_is_not() {
        let cmd = super::super::command();
        let said = |w: &[&str]| mistyped_command(&cmd, &args(w));
        let verfy = said(&["verfy", "feed.toml", "--release", "1"]).unwrap_or_default();
        assert!(verfy.contains("did you mean `verify`?"), "{verfy}");
        let lsit = said(&["--config", "c.toml", "lsit", "x"]).unwrap_or_default();
        assert!(lsit.contains("did you mean `list`?"), "{lsit}");
        assert!(said(&["--theme", "lsit", "feed.toml"]).is_none());
        assert!(said(&["verify", "feed.toml"]).is_none());
        assert!(said(&["path/to/feed.toml"]).is_none());
        assert!(said(&["meridian"]).is_none());
        assert!(said(&["--", "lsit"]).is_none());
        // A file of that name is a feed, whatever it is called.
        assert!(said(&["Cargo.toml"]).is_none());
        assert!(said(&["src"]).is_none());
    }
}
