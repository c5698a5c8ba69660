//! Reading each member by its role: `debian-binary`'s format version,
//! `control.tar` whole within [`CONTROL_MAX`], `data.tar` through the tar
//! walker with MD5s beside the SHA-256s, and the debsigs signature's bytes.
//! Each reads from a stream that ends where the member does.

use std::collections::BTreeMap;
use std::io::{BufRead, Read};

use crate::engine::inspect::compress::{Codec, walk_tar};
use crate::engine::inspect::meter::Limits;
use crate::engine::inspect::report::{ArchiveReport, Entry};
use crate::engine::inspect::safety::normalize;
use crate::engine::inspect::tar::{Extras, Kept};
use crate::engine::shared::limits::SIGNATURE_MAX;
use crate::engine::shared::text::escape_path;

use super::CONTROL_MAX;
use super::ar::Role;
use super::walk::Found;
use super::{control, digests, rooted};

/// The longest `debian-binary` read (it holds one short line).
const FORMAT_MAX: u64 = 1024;

impl Found<'_> {
    /// Reads the member `shown` of `size` bytes as `role` has it read.
    pub(super) fn read_member(
        &mut self,
        role: Role,
        shown: &str,
        content: &mut dyn BufRead,
        size: u64,
    ) {
        match role {
            Role::DebianBinary => self.format_version(shown, content, size),
            Role::Control(codec) => self.control(shown, content, codec, size),
            Role::Data(codec) => self.data(shown, content, codec, size),
            Role::Signature => self.signature(shown, content, size),
            Role::Other => {}
        }
    }

    /// `debian-binary`: dpkg reads format `2.x` only.
    fn format_version(&mut self, shown: &str, content: &mut dyn BufRead, size: u64) {
        let mut text = Vec::new();
        if content.take(FORMAT_MAX).read_to_end(&mut text).is_err() || size > FORMAT_MAX {
            self.fail(
                shown,
                format!("{size} bytes: the format version is one short line; refused"),
            );
            return;
        }
        let line = text.split(|b| *b == b'\n').next().unwrap_or_default();
        let version_ok = line
            .strip_prefix(b"2.")
            .is_some_and(|minor| !minor.is_empty() && minor.iter().all(u8::is_ascii_digit));
        if !version_ok || !text.contains(&b'\n') {
            self.fail(
                shown,
                format!(
                    "format version `{}`: dpkg reads only a `2.x` line; refused",
                    escape_path(line.get(..40).unwrap_or(line))
                ),
            );
        }
    }

    /// `control.tar`: walked whole (its own safety findings named by
    /// member), its control file, `md5sums` and scripts kept.
    fn control(&mut self, shown: &str, content: &mut dyn BufRead, codec: Option<Codec>, size: u64) {
        self.package.metadata = shown.to_string();
        let limits = Limits {
            max_expanded: self.limits.max_expanded.min(CONTROL_MAX),
            ..self.limits.clone()
        };
        let extras = Extras {
            keep_up_to: CONTROL_MAX,
            ..Extras::default()
        };
        let (walked, kept) = walk_tar(content, codec, "tar", Some(size), &limits, extras);
        for mut f in walked.findings {
            f.subject = format!("{shown}: {}", f.subject);
            self.report.findings.push(f);
        }
        if let Some(why) = &walked.stopped {
            self.package
                .identity_problems
                .push(format!("{shown} could not be read: {why}"));
            return;
        }
        let files = kept_files(&walked.entries, kept);
        let file = |name: &str| files.get(name.as_bytes()).map(|(_, text)| text.as_slice());
        control::read_identity(&mut self.package, file("control"));
        if let Some(md5sums) = file("md5sums") {
            self.listed = Some(control::parse_md5sums(md5sums));
        }
        let by_index: BTreeMap<usize, Vec<u8>> = files.into_values().collect();
        self.package.scripts = control::scripts(&walked.entries, &by_index);
    }

    /// `data.tar`: the package's entries, under their installed paths,
    /// and `md5sums` compared with them.
    fn data(&mut self, shown: &str, content: &mut dyn BufRead, codec: Option<Codec>, size: u64) {
        let extras = Extras {
            md5: true,
            root_filesystem: true,
            ..Extras::default()
        };
        let (mut walked, kept) = walk_tar(content, codec, "tar", Some(size), self.limits, extras);
        rooted::root(&mut walked.entries, &mut walked.findings, shown);
        if let Some((listed, problems)) = self.listed.take() {
            self.package.digests =
                digests::compare("md5sums", listed, problems, &walked.entries, &kept.md5);
        }
        let ArchiveReport {
            entries,
            findings,
            expanded,
            stopped,
            ..
        } = walked;
        self.report.entries = entries;
        self.report.findings.extend(findings);
        self.report.expanded = expanded;
        self.report.stopped = self.report.stopped.take().or(stopped);
    }

    /// `_gpgorigin`: its bytes, within the limit of a signature file.
    fn signature(&mut self, shown: &str, content: &mut dyn BufRead, size: u64) {
        let bytes = if size > SIGNATURE_MAX {
            Err(format!(
                "{size} bytes, over the {SIGNATURE_MAX}-byte limit of a signature file"
            ))
        } else {
            let mut bytes = Vec::new();
            content
                .read_to_end(&mut bytes)
                .map(|_| bytes)
                .map_err(|e| format!("could not be read: {e}"))
        };
        self.signature = Some((shown.to_string(), bytes));
    }
}

/// The kept regular files of `control.tar` by normalised name, with their
/// entry index (the first of a name: a second is a safety finding).
fn kept_files(entries: &[Entry], kept: Kept) -> BTreeMap<Vec<u8>, (usize, Vec<u8>)> {
    let mut files = BTreeMap::new();
    for (index, text) in kept.files {
        if let Some(e) = entries.get(index) {
            files.entry(normalize(&e.path)).or_insert((index, text));
        }
    }
    files
}
