//! The chain's links, judged: the Release's entry for the index against
//! the index's bytes, then the index's stanza for the artifact against the
//! artifact's bytes. `checksum.sha256` passes only when both links hold,
//! and its evidence and findings name each link.

use jiff::Timestamp;

use super::packages::{Scan, Stanza};
use super::release::{ListedFile, ReleaseFile};
use crate::engine::shared::check::{Check, CheckId, Finding, Status};
use crate::engine::shared::text::{group, short};

/// One read of the index, from the source that served it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexRead {
    pub source: String,
    /// Where it was read, tokens removed.
    pub url: String,
    pub bytes: u64,
    pub sha256: Vec<u8>,
    /// What the stanza reader found; `None` when it did not finish.
    pub scan: Option<Scan>,
    /// The listed bytes on this machine, for the store to keep.
    pub kept: Option<crate::engine::fetch::index::KeptFile>,
}

/// The first link: what the Release says of the index, and the index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IndexLink {
    /// The chain cannot start: the whole sentence why (the Release cannot
    /// be used, the index is not listed or listed twice, its compression
    /// is not one intake reads).
    Broken(String),
    /// Listed once, and read.
    Read { listed: ListedFile, read: IndexRead },
}

/// The chain from the Release file to the artifact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chain {
    /// The Release file's name (`InRelease`, `Release`).
    pub release_name: String,
    /// Its fields, when it could be read.
    pub release: Option<ReleaseFile>,
    /// The index's path as the feed writes it.
    pub index_path: String,
    pub index: IndexLink,
    /// The `Filename` the artifact's stanza must give.
    pub filename: String,
}

impl Chain {
    /// The index's file name (`Packages.xz`).
    pub fn index_name(&self) -> &str {
        crate::engine::select::feed::base_name(&self.index_path)
    }

    /// The one stanza the artifact's bytes must match, when the index link
    /// holds and the index names the artifact unambiguously: the digest the
    /// read pass tells right bytes from wrong ones by.
    pub fn expected(&self) -> Option<&Stanza> {
        let IndexLink::Read { listed, read } = &self.index else {
            return None;
        };
        let scan = read.scan.as_ref()?;
        let holds = read.sha256 == listed.sha256 && read.bytes == listed.size;
        let first = scan.matches.first()?;
        let agree = scan
            .matches
            .iter()
            .all(|s| s.sha256 == first.sha256 && s.size == first.size && s.problem.is_none());
        (holds && scan.problem.is_none() && agree && first.sha256.is_some()).then_some(first)
    }

    /// `checksum.sha256` through the chain, for the artifact `file_name`
    /// whose bytes hash to `sha256` and number `bytes`.
    pub fn check(&self, file_name: &str, sha256: &[u8], bytes: u64) -> Check {
        let id = CheckId::ChecksumSha256;
        let actual = hex::encode(sha256);
        let (listed, read) = match &self.index {
            IndexLink::Broken(why) => {
                return Check::fail(id, why.clone())
                    .with_evidence("actual", actual)
                    .with_evidence("file", self.release_name.clone());
            }
            IndexLink::Read { listed, read } => (listed, read),
        };
        let first = match self.index_link(listed, read) {
            Ok(finding) => finding,
            Err(check) => return check.with_evidence("actual", actual),
        };
        let scan = match &read.scan {
            Some(scan) => scan,
            None => {
                let why = format!("{} could not be read to its end", self.index_name());
                return Check::fail(id, why).with_findings(vec![first]);
            }
        };
        match self.stanza_link(scan, file_name, sha256, bytes) {
            Ok((stanza, second)) => self
                .passed(listed, stanza, &actual)
                .with_findings(vec![first, second]),
            Err(mut check) => {
                // The first link held: listed before the one that broke.
                let second = std::mem::take(&mut check.findings);
                check
                    .with_evidence("actual", actual)
                    .with_evidence("index", self.index_words(listed))
                    .with_findings([vec![first], second].concat())
            }
        }
    }

    /// The first link: the index's bytes against the Release's entry.
    fn index_link(&self, listed: &ListedFile, read: &IndexRead) -> Result<Finding, Check> {
        let (release, index) = (&self.release_name, self.index_name());
        let subject = format!("{release} → {index}");
        let expected = hex::encode(&listed.sha256);
        let got = hex::encode(&read.sha256);
        let fail = |summary: String| {
            Check::fail(CheckId::ChecksumSha256, summary.clone())
                .with_evidence("file", release.clone())
                .with_findings(vec![Finding::new(Status::Fail, &subject, summary)])
        };
        if read.bytes != listed.size {
            return Err(fail(format!(
                "{index} from {} is {} bytes, but {release} line {} lists {} bytes",
                read.source,
                group(read.bytes),
                listed.line,
                group(listed.size)
            )));
        }
        if read.sha256 != listed.sha256 {
            return Err(fail(format!(
                "SHA-256 of {index} from {} does not match {release} line {}: expected {}, got {}",
                read.source,
                listed.line,
                short(&expected),
                short(&got)
            ))
            .with_evidence("index_expected", expected)
            .with_evidence("index_actual", got));
        }
        Ok(Finding::new(
            Status::Pass,
            subject,
            format!(
                "{} bytes, SHA-256 {}, as {release} line {} lists",
                group(read.bytes),
                short(&got),
                listed.line
            ),
        ))
    }

    /// The second link: the artifact's bytes against its stanza.
    fn stanza_link<'s>(
        &self,
        scan: &'s Scan,
        file_name: &str,
        sha256: &[u8],
        bytes: u64,
    ) -> Result<(&'s Stanza, Finding), Check> {
        let index = self.index_name();
        let subject = format!("{index} → {file_name}");
        let fail = |summary: String| {
            Check::fail(CheckId::ChecksumSha256, summary.clone())
                .with_evidence("file", index.to_string())
                .with_findings(vec![Finding::new(Status::Fail, &subject, summary)])
        };
        if let Some(problem) = &scan.problem {
            return Err(fail(format!("{index} cannot be read: {problem}")));
        }
        let Some(first) = scan.matches.first() else {
            return Err(fail(format!(
                "{} is not listed in {index} (no stanza gives `Filename: {}`, among {} stanzas)",
                self.filename,
                self.filename,
                group(scan.stanzas)
            )));
        };
        if let Some(other) = scan
            .matches
            .iter()
            .find(|s| s.sha256 != first.sha256 || s.size != first.size)
        {
            return Err(fail(format!(
                "{index} lists {} twice with different values: the stanza at line {} ({}) and the one at line {} ({})",
                self.filename,
                first.line,
                stanza_words(first),
                other.line,
                stanza_words(other)
            )));
        }
        if let Some(problem) = scan.matches.iter().find_map(|s| s.problem.as_ref()) {
            return Err(fail(format!(
                "{index}: {problem}; the stanza cannot be relied on"
            )));
        }
        let (Some(want_sha), Some(want_size)) = (&first.sha256, first.size) else {
            return Err(fail(format!(
                "{index} line {} gives no SHA256 and Size for {}",
                first.line, self.filename
            )));
        };
        if want_size != bytes {
            return Err(fail(format!(
                "{file_name} is {} bytes, but {index} line {} lists {}",
                group(bytes),
                first.line,
                group(want_size)
            )));
        }
        if want_sha.as_slice() != sha256 {
            let expected = hex::encode(want_sha);
            return Err(fail(format!(
                "SHA-256 of {file_name} does not match {index} line {}: expected {}, got {}",
                first.line,
                short(&expected),
                short(&hex::encode(sha256))
            ))
            .with_evidence("algorithm", "SHA-256")
            .with_evidence("expected", expected));
        }
        let summary = format!(
            "{} bytes, SHA-256 {}, as {index} line {} lists",
            group(bytes),
            short(&hex::encode(sha256)),
            first.line
        );
        Ok((first, Finding::new(Status::Pass, subject, summary)))
    }

    /// Both links hold.
    fn passed(&self, listed: &ListedFile, stanza: &Stanza, actual: &str) -> Check {
        let index = self.index_name();
        Check::pass(
            CheckId::ChecksumSha256,
            format!(
                "matches {index} line {} (SHA-256 {}), which {} vouches for",
                stanza.line,
                short(actual),
                self.release_name
            ),
        )
        .with_evidence("algorithm", "SHA-256")
        .with_evidence("expected", actual.to_string())
        .with_evidence("actual", actual.to_string())
        .with_evidence("file", index.to_string())
        .with_evidence("index", self.index_words(listed))
        .with_evidence(
            "stanza",
            format!(
                "{index} line {}: Filename {}, {}",
                stanza.line,
                self.filename,
                stanza_words(stanza)
            ),
        )
    }

    /// The first link in words: `main/binary-amd64/Packages: 50,060,337
    /// bytes, SHA-256 515e…, InRelease line 997`.
    fn index_words(&self, listed: &ListedFile) -> String {
        format!(
            "{}: {} bytes, SHA-256 {}, {} line {}",
            listed.path,
            group(listed.size),
            hex::encode(&listed.sha256),
            self.release_name,
            listed.line
        )
    }
}

fn stanza_words(s: &Stanza) -> String {
    let sha = s.sha256.as_ref().map_or("no SHA256".to_string(), |d| {
        format!("SHA-256 {}", hex::encode(d))
    });
    let size = s
        .size
        .map_or("no Size".to_string(), |n| format!("{} bytes", group(n)));
    format!("{sha}, {size}")
}

/// `feed.fresh` also judges the Release's `Valid-Until`: past it (or
/// unreadable), the check warns, since a repository's metadata past its
/// date may be an old one replayed to hide a fix.
pub fn fresh(check: &mut Check, chain: &Chain, now: Timestamp) {
    let Some(valid) = chain.release.as_ref().and_then(|r| r.valid_until.as_ref()) else {
        return;
    };
    let name = &chain.release_name;
    let (status, summary) = match valid.time {
        Some(t) if t >= now => (
            Status::Pass,
            format!("{name} is valid until {}", valid.text),
        ),
        Some(_) => (
            Status::Warn,
            format!(
                "{name} is past its Valid-Until ({}): the repository's metadata is out of date, or an old copy was served",
                valid.text
            ),
        ),
        None => (
            Status::Warn,
            format!(
                "{name} has a Valid-Until that does not read as a date: {}",
                valid.text
            ),
        ),
    };
    if status == Status::Warn && matches!(check.status, Status::Pass | Status::Skip) {
        check.status = Status::Warn;
        check.summary = summary.clone();
    }
    check.findings.push(Finding::new(status, name, summary));
    check
        .evidence
        .insert("valid_until".into(), valid.text.clone());
}

#[cfg(test)]
mod tests;
