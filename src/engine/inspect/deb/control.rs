//! What `control.tar` holds, read from the files kept while it streamed:
//! the `control` stanza (RFC 822 style: `Field: value`, continuation lines
//! starting with a space or tab, one stanza), the `md5sums` list, and the
//! maintainer scripts dpkg runs.

use std::collections::BTreeMap;

use crate::engine::inspect::package::{Package, Script};
use crate::engine::inspect::report::{Entry, EntryKind};
use crate::engine::inspect::safety::normalize;
use crate::engine::shared::text::{escape_path, is_unsafe_to_show};

/// The files of `control.tar` dpkg (or debconf, for `config`) runs or
/// acts on while installing and removing: `triggers` names the events
/// that make dpkg run `postinst` again.
pub const SCRIPTS: [&str; 6] = [
    "preinst", "postinst", "prerm", "postrm", "config", "triggers",
];

/// The fields `package.identity` reads.
const IDENTITY: [&str; 3] = ["Package", "Version", "Architecture"];

/// A `control` stanza's fields, by lower-case name, values with their
/// continuation lines joined by newlines.
pub type Fields = BTreeMap<String, String>;

/// Parses a `control` file; `Err` lists every problem found.
pub fn parse_stanza(text: &[u8]) -> Result<Fields, Vec<String>> {
    let Ok(text) = std::str::from_utf8(text) else {
        return Err(vec!["the control file is not UTF-8".to_string()]);
    };
    let mut fields = Fields::new();
    let mut problems = Vec::new();
    let mut current: Option<String> = None;
    let mut ended = false;
    for (n, line) in text.lines().enumerate() {
        let n = n + 1;
        if line.trim().is_empty() {
            ended = !fields.is_empty();
            continue;
        }
        if ended {
            problems.push(format!(
                "the control file holds more than one stanza (line {n})"
            ));
            break;
        }
        if line.starts_with([' ', '\t']) {
            match current.as_ref().and_then(|f| fields.get_mut(f)) {
                Some(value) => {
                    value.push('\n');
                    value.push_str(line.trim());
                }
                None => problems.push(format!("line {n} continues no field")),
            }
            continue;
        }
        let Some((name, value)) = line.split_once(':') else {
            problems.push(format!("line {n} is not `Field: value`"));
            continue;
        };
        let ok_name = !name.is_empty()
            && name.bytes().all(|b| b.is_ascii_graphic())
            && !name.starts_with(['#', '-']);
        if !ok_name {
            problems.push(format!("line {n} has no valid field name"));
            continue;
        }
        let key = name.to_ascii_lowercase();
        if fields.contains_key(&key) {
            problems.push(format!("the field {name} is given twice (line {n})"));
            continue;
        }
        fields.insert(key.clone(), value.trim().to_string());
        current = Some(key);
    }
    if problems.is_empty() {
        Ok(fields)
    } else {
        Err(problems)
    }
}

/// Fills the package's identity from its `control` file (`None`: absent).
pub fn read_identity(package: &mut Package, control: Option<&[u8]>) {
    let Some(text) = control else {
        package
            .identity_problems
            .push(format!("{} holds no control file", package.metadata));
        return;
    };
    let fields = match parse_stanza(text) {
        Ok(fields) => fields,
        Err(problems) => {
            package.identity_problems.extend(problems);
            return;
        }
    };
    let mut value = |field: &str| {
        let v = fields.get(&field.to_ascii_lowercase()).cloned();
        match v {
            Some(v) if !v.is_empty() && !v.chars().any(is_unsafe_to_show) => Some(v),
            Some(_) => {
                package.identity_problems.push(format!(
                    "the control file's {field} is empty, spans lines or holds control characters"
                ));
                None
            }
            None => {
                package
                    .identity_problems
                    .push(format!("the control file has no {field} field"));
                None
            }
        }
    };
    let [name, version, architecture] = IDENTITY.map(&mut value);
    package.name = name;
    package.version = version;
    package.architecture = architecture;
}

/// The maintainer scripts among the control members, in the order of
/// [`SCRIPTS`], each with its kept text.
pub fn scripts(entries: &[Entry], kept: &BTreeMap<usize, Vec<u8>>) -> Vec<Script> {
    let mut found: Vec<Script> = entries
        .iter()
        .enumerate()
        .filter(|(_, e)| e.kind == EntryKind::File)
        .filter_map(|(i, e)| {
            let name = escape_path(&normalize(&e.path));
            SCRIPTS.contains(&name.as_str()).then(|| Script {
                name,
                size: e.size,
                sha256: e.sha256.unwrap_or_default(),
                text: kept.get(&i).cloned().unwrap_or_default(),
            })
        })
        .collect();
    found.sort_by_key(|s| SCRIPTS.iter().position(|n| *n == s.name));
    found
}

/// One `md5sums` line: the digest and the path it names (normalised).
pub type Listed = ([u8; 16], Vec<u8>);

/// Parses `md5sums`: `<32 hex digits>  <path>` per line (`*` for the
/// second space, as `md5sum -b` writes, is read too). Returns the lines
/// read and one problem per line that is not one.
pub fn parse_md5sums(text: &[u8]) -> (Vec<Listed>, Vec<String>) {
    let mut listed = Vec::new();
    let mut problems = Vec::new();
    for (n, line) in text.split(|b| *b == b'\n').enumerate() {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let digest = line
            .get(..32)
            .and_then(|hex| hex::decode(hex).ok())
            .and_then(|d| <[u8; 16]>::try_from(d).ok());
        let path = match line.get(32..34) {
            Some(b"  " | b" *") => line.get(34..).map(normalize),
            _ => None,
        };
        match (digest, path) {
            (Some(digest), Some(path)) if !path.is_empty() => listed.push((digest, path)),
            _ => problems.push(format!(
                "md5sums line {} is not `<md5>  <path>`: {}",
                n + 1,
                escape_path(line.get(..80).unwrap_or(line))
            )),
        }
    }
    (listed, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stanza_reads_fields_case_blind_with_continuations() {
        let text = b"Package: meridian\nversion: 1:4.2.1-1\nArchitecture: amd64\nDescription: an engine\n long text\n .\n more\n";
        let f = parse_stanza(text).unwrap();
        assert_eq!(f["package"], "meridian");
        assert_eq!(f["version"], "1:4.2.1-1");
        assert_eq!(f["description"], "an engine\nlong text\n.\nmore");
    }

    #[test]
    fn a_stanza_refuses_what_dpkg_would_not_read_as_one() {
        let problems = |t: &[u8]| parse_stanza(t).unwrap_err().join("; ");
        assert!(problems(b"Package: a\nPackage: b\n").contains("twice"));
        assert!(problems(b"Package: a\n\nPackage: b\n").contains("more than one stanza"));
        assert!(problems(b" orphan\nPackage: a\n").contains("continues no field"));
        assert!(problems(b"Package a\n").contains("not `Field: value`"));
        assert!(problems(b"Package: \xff\n").contains("UTF-8"));
    }

    #[test]
    fn identity_needs_all_three_fields() {
        let mut p = Package::new("control.tar.xz");
        read_identity(&mut p, Some(b"Package: m\nVersion: 1.0\n"));
        assert_eq!(p.name.as_deref(), Some("m"));
        assert_eq!(p.architecture, None);
        assert!(p.identity_problems[0].contains("no Architecture"));
        let mut p = Package::new("control.tar.xz");
        read_identity(
            &mut p,
            Some(b"Package: m\x1b[2J\nVersion: 1.0\nArchitecture: all\n"),
        );
        assert_eq!(p.name, None);
        assert!(p.identity_problems[0].contains("control characters"));
        let mut p = Package::new("control.tar.xz");
        read_identity(&mut p, None);
        assert!(p.identity_problems[0].contains("holds no control file"));
    }

    #[test]
    fn md5sums_lines_are_read_and_bad_ones_named() {
        let text = b"0123456789abcdef0123456789abcdef  usr/bin/m\n\
                     0123456789abcdef0123456789abcdef *./etc/m.conf\r\n\
                     \n\
                     xyz  usr/bin/bad\n";
        let (listed, problems) = parse_md5sums(text);
        assert_eq!(listed.len(), 2);
        assert_eq!(listed[0].1, b"usr/bin/m");
        assert_eq!(listed[1].1, b"etc/m.conf");
        assert_eq!(problems.len(), 1);
        assert!(problems[0].contains("line 4"), "{problems:?}");
    }
}
