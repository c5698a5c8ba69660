//! Checksum files: GNU coreutils lines (`<hex>  name`, `<hex> *name`, with
//! `\`-escaped names), BSD tag lines (`SHA256 (name) = <hex>`, also
//! OpenSSL's `SHA2-256(name)= <hex>`), and a bare `<hex>` (a `.sha256`
//! file). Clearsigned files are unwrapped by the signature module first.
//!
//! SHA-256 and SHA-512 count as evidence; MD5, SHA-1 (and SHA-224/384,
//! which no vendor ships alone) are read and reported but never count.

use std::fmt;

use crate::engine::shared::check::{Check, CheckId, Finding, Status};
use crate::engine::shared::text::short;

mod lines;

pub use lines::parse;

/// A digest algorithm named in a checksum file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Algo {
    Md5,
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
}

impl Algo {
    /// Whether a match of this algorithm is evidence of integrity.
    pub fn counts(self) -> bool {
        matches!(self, Algo::Sha256 | Algo::Sha512)
    }

    fn digest_len(self) -> usize {
        match self {
            Algo::Md5 => 16,
            Algo::Sha1 => 20,
            Algo::Sha224 => 28,
            Algo::Sha256 => 32,
            Algo::Sha384 => 48,
            Algo::Sha512 => 64,
        }
    }

    fn from_digest_len(len: usize) -> Option<Algo> {
        [
            Algo::Md5,
            Algo::Sha1,
            Algo::Sha224,
            Algo::Sha256,
            Algo::Sha384,
            Algo::Sha512,
        ]
        .into_iter()
        .find(|a| a.digest_len() == len)
    }

    fn from_tag(tag: &str) -> Option<Algo> {
        let tag: String = tag
            .chars()
            .filter(|c| *c != '-' && *c != '_')
            .collect::<String>()
            .to_ascii_uppercase();
        match tag.as_str() {
            "MD5" => Some(Algo::Md5),
            "SHA1" => Some(Algo::Sha1),
            "SHA224" | "SHA2224" => Some(Algo::Sha224),
            "SHA256" | "SHA2256" => Some(Algo::Sha256),
            "SHA384" | "SHA2384" => Some(Algo::Sha384),
            "SHA512" | "SHA2512" => Some(Algo::Sha512),
            _ => None,
        }
    }
}

impl fmt::Display for Algo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Algo::Md5 => "MD5",
            Algo::Sha1 => "SHA-1",
            Algo::Sha224 => "SHA-224",
            Algo::Sha256 => "SHA-256",
            Algo::Sha384 => "SHA-384",
            Algo::Sha512 => "SHA-512",
        })
    }
}

/// One checksum line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub algo: Algo,
    /// The file name as written (unescaped); `None` for a bare digest.
    pub name: Option<String>,
    pub digest: Vec<u8>,
    /// 1-based line number in the (unwrapped) file.
    pub line: usize,
}

/// Everything readable in a checksum file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChecksumFile {
    pub entries: Vec<Entry>,
    /// Non-blank lines that were not checksum lines.
    pub unreadable_lines: usize,
}

impl ChecksumFile {
    /// The entries that speak of the artifact: the name matches its path
    /// relative to the checksum file, or its file name; bare digests speak
    /// of the one file the checksum file is for.
    pub fn entries_for<'a>(&'a self, relative: &str, file_name: &str) -> Vec<&'a Entry> {
        self.entries
            .iter()
            .filter(|e| match &e.name {
                None => true,
                Some(name) => {
                    let name = name.strip_prefix("./").unwrap_or(name);
                    name == relative || name == file_name
                }
            })
            .collect()
    }

    /// Whether verifying the artifact needs SHA-512 as well as SHA-256.
    pub fn needs_sha512(&self, relative: &str, file_name: &str) -> bool {
        self.entries_for(relative, file_name)
            .iter()
            .any(|e| e.algo == Algo::Sha512)
    }
}

/// Digests of the artifact computed in the read pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Computed {
    pub sha256: Vec<u8>,
    pub sha512: Option<Vec<u8>>,
}

/// The `checksum.sha256` check: the artifact against the vendor's file.
pub fn evaluate(
    file: &ChecksumFile,
    checksums_name: &str,
    relative: &str,
    file_name: &str,
    computed: &Computed,
) -> Check {
    let id = CheckId::ChecksumSha256;
    let actual = hex::encode(&computed.sha256);
    if file.entries.is_empty() {
        return Check::fail(
            id,
            format!(
                "{checksums_name} holds no checksum line that can be read (is it the right file?)"
            ),
        )
        .with_evidence("actual", actual);
    }
    let (strong, weak): (Vec<&Entry>, Vec<&Entry>) = file
        .entries_for(relative, file_name)
        .into_iter()
        .partition(|e| e.algo.counts());
    let mut findings = not_counted(&weak, checksums_name);
    if strong.is_empty() {
        return only_weak(&weak, checksums_name, file_name)
            .with_evidence("actual", actual)
            .with_findings(findings);
    }
    if let Some((a, b)) = conflicting(&strong) {
        return Check::fail(
            id,
            format!(
                "{checksums_name} lists {file_name} twice with different {} values (lines {} and {})",
                a.algo, a.line, b.line
            ),
        )
        .with_evidence("actual", actual)
        .with_findings(findings);
    }
    let (matched, mismatches) = compare(&strong, computed, checksums_name, &mut findings);
    if let Some((e, got)) = mismatches.first() {
        return mismatch(e, got, checksums_name, file_name).with_findings(findings);
    }
    if matched.len() < strong.len() {
        return Check::fail(id, "a listed digest could not be computed")
            .with_evidence("actual", actual)
            .with_findings(findings);
    }
    all_match(&matched, strong[0], computed, checksums_name).with_findings(findings)
}

/// The MD5 and SHA-1 lines for the artifact: read, said, never counted.
fn not_counted(weak: &[&Entry], checksums_name: &str) -> Vec<Finding> {
    weak.iter()
        .map(|e| {
            Finding::new(
                Status::Skip,
                format!("{checksums_name} line {}", e.line),
                format!(
                    "{} checksum read and not counted: {} is not evidence of integrity",
                    e.algo, e.algo
                ),
            )
        })
        .collect()
}

/// No digest that counts is listed for the artifact: it is not listed at
/// all, or only with algorithms that are no evidence.
fn only_weak(weak: &[&Entry], checksums_name: &str, file_name: &str) -> Check {
    let id = CheckId::ChecksumSha256;
    if weak.is_empty() {
        return Check::fail(id, format!("{file_name} is not listed in {checksums_name}"));
    }
    let algos: Vec<String> = weak.iter().map(|e| e.algo.to_string()).collect();
    Check::fail(
        id,
        format!(
            "{checksums_name} gives only {} for {file_name}; MD5 and SHA-1 do not count as evidence",
            algos.join(" and ")
        ),
    )
}

/// The same file listed twice with different values of one algorithm.
fn conflicting<'e>(strong: &[&'e Entry]) -> Option<(&'e Entry, &'e Entry)> {
    strong.iter().enumerate().find_map(|(i, a)| {
        strong
            .iter()
            .skip(i + 1)
            .find(|b| b.algo == a.algo && b.digest != a.digest)
            .map(|b| (*a, *b))
    })
}

/// Each listed digest against the one the pass computed: those that
/// match, and those that do not with the digest computed. A digest the
/// pass did not compute is a failing finding.
fn compare<'e>(
    strong: &[&'e Entry],
    computed: &Computed,
    checksums_name: &str,
    findings: &mut Vec<Finding>,
) -> (Vec<&'e Entry>, Vec<(&'e Entry, String)>) {
    let mut mismatches = Vec::new();
    let mut matched = Vec::new();
    for e in strong {
        let got = match e.algo {
            Algo::Sha256 => Some(&computed.sha256),
            Algo::Sha512 => computed.sha512.as_ref(),
            _ => None,
        };
        match got {
            Some(got) if *got == e.digest => matched.push(*e),
            Some(got) => mismatches.push((*e, hex::encode(got))),
            None => findings.push(Finding::new(
                Status::Fail,
                format!("{checksums_name} line {}", e.line),
                format!("{} was not computed", e.algo),
            )),
        }
    }
    (matched, mismatches)
}

/// The artifact is not what line `e` says (`got` is what it hashes to).
fn mismatch(e: &Entry, got: &str, checksums_name: &str, file_name: &str) -> Check {
    let expected = hex::encode(&e.digest);
    Check::fail(
        CheckId::ChecksumSha256,
        format!(
            "{} of {file_name} does not match {checksums_name} line {}: expected {}, got {}",
            e.algo,
            e.line,
            short(&expected),
            short(got)
        ),
    )
    .with_evidence("algorithm", e.algo.to_string())
    .with_evidence("expected", expected)
    .with_evidence("actual", got.to_string())
    .with_evidence("file", checksums_name.to_string())
}

/// Every listed digest matches; the evidence shows the first one listed.
fn all_match(
    matched: &[&Entry],
    first: &Entry,
    computed: &Computed,
    checksums_name: &str,
) -> Check {
    let algos: Vec<String> = {
        let mut a: Vec<Algo> = matched.iter().map(|e| e.algo).collect();
        a.sort();
        a.dedup();
        a.iter().map(Algo::to_string).collect()
    };
    let shown = hex::encode(&first.digest);
    let actual = if first.algo == Algo::Sha512 {
        computed
            .sha512
            .as_ref()
            .map(hex::encode)
            .unwrap_or_default()
    } else {
        hex::encode(&computed.sha256)
    };
    Check::pass(
        CheckId::ChecksumSha256,
        format!(
            "matches {checksums_name} ({} {})",
            algos.join(" and "),
            short(&shown)
        ),
    )
    .with_evidence("algorithm", algos.join(", "))
    .with_evidence("expected", shown.clone())
    .with_evidence("actual", actual)
    .with_evidence("file", checksums_name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const H256: &str = "3f1a9c0000000000000000000000000000000000000000000000000000e07b00";

    #[test]
    fn reads_every_line_format() {
        let text = format!(
            "{H256}  a.tar.gz\n{H256} *b.zip\nSHA256 (c.tar) = {H256}\nSHA2-256(d.bin)= {H256}\n\\{H256}  e\\\\f\\ng\n# comment\n\nnot a line\nMD5 (a.tar.gz) = {}\n",
            "0".repeat(32)
        );
        let file = parse(text.as_bytes());
        let names: Vec<Option<&str>> = file.entries.iter().map(|e| e.name.as_deref()).collect();
        assert_eq!(
            names,
            vec![
                Some("a.tar.gz"),
                Some("b.zip"),
                Some("c.tar"),
                Some("d.bin"),
                Some("e\\f\ng"),
                Some("a.tar.gz")
            ]
        );
        assert_eq!(file.entries[5].algo, Algo::Md5);
        assert_eq!(file.unreadable_lines, 1);
    }

    #[test]
    fn a_bare_digest_is_for_the_one_file() {
        let file = parse(format!("{H256}\n").as_bytes());
        assert_eq!(file.entries.len(), 1);
        assert_eq!(file.entries_for("x/a.bin", "a.bin").len(), 1);
    }

    #[test]
    fn names_match_by_relative_path_or_file_name() {
        let file = parse(
            format!("{H256}  ./a.tar.gz\n{H256}  linux/a.tar.gz\n{H256}  other\n").as_bytes(),
        );
        assert_eq!(file.entries_for("a.tar.gz", "a.tar.gz").len(), 1);
        assert_eq!(file.entries_for("linux/a.tar.gz", "a.tar.gz").len(), 2);
    }
}
