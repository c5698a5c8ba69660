//! The member walk: header after header, each member judged by its name
//! and its place in the order dpkg requires, its content handed to the
//! reader of its role ([`super::members`]) or skipped, and the package's
//! end judged (members missing, bytes after the last one).

use std::io::{self, Read};

use crate::engine::inspect::kind::Input;
use crate::engine::inspect::meter::Limits;
use crate::engine::inspect::package::{Embedded, Package};
use crate::engine::inspect::report::ArchiveReport;
use crate::engine::shared::check::{Finding, Status};

use super::ar::{self, Header, Role};
use super::control::Listed;
use super::signed::Signed;

/// Where the walk is in the order dpkg requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Stage {
    Start,
    AfterBinary,
    AfterControl,
    AfterData,
    AfterSignature,
}

/// Why the walk cannot go on: the subject and the finding.
pub(super) struct Stop(pub String, pub String);

/// The walk's state: the bytes, and where it is in them.
struct DebWalk<'a> {
    input: Signed<'a>,
    /// The package's size, when known.
    size: Option<u64>,
    found: Found<'a>,
    stage: Stage,
    /// The members a debsigs signature covers, as read.
    covered: Vec<String>,
    /// Members read so far.
    count: usize,
}

/// What the members' readers found.
pub(super) struct Found<'a> {
    pub limits: &'a Limits,
    pub report: ArchiveReport,
    pub package: Package,
    /// `md5sums` as read from the control member, until the data is walked.
    pub listed: Option<(Vec<Listed>, Vec<String>)>,
    /// The signature member's name and bytes.
    pub signature: Option<(String, Result<Vec<u8>, String>)>,
}

/// Walks a package from its first byte.
pub(super) fn walk(input: Input<'_>) -> ArchiveReport {
    let keys = input
        .file
        .and_then(super::peek::signature_keys)
        .unwrap_or_else(super::signed::default_keys);
    let mut w = DebWalk {
        input: Signed::new(input.bytes, keys),
        size: input.size,
        found: Found {
            limits: input.limits,
            report: ArchiveReport::new(super::NAME),
            package: Package::new("control.tar"),
            listed: None,
            signature: None,
        },
        stage: Stage::Start,
        covered: Vec::new(),
        count: 0,
    };
    if let Err(Stop(subject, why)) = w.members() {
        w.found.report.stop(subject, why);
    }
    w.finish()
}

impl DebWalk<'_> {
    /// Reads the magic, then every member to the end.
    fn members(&mut self) -> Result<(), Stop> {
        let mut magic = [0u8; 8];
        if self.fill(&mut magic)? < magic.len() || &magic != ar::MAGIC {
            return Err(Stop(
                "(package)".into(),
                "not an ar archive: the package's first bytes are not `!<arch>`".into(),
            ));
        }
        loop {
            let start = self.input.offset();
            let mut block = [0u8; ar::HEADER];
            let got = self.fill(&mut block)?;
            if got == 0 {
                return Ok(());
            }
            if got < ar::HEADER {
                return Err(self.cut_short(start, got));
            }
            self.count += 1;
            let header = ar::parse(&block).map_err(|why| self.not_a_header(start, why))?;
            self.member(header, start)?;
        }
    }

    /// A header cut short by the end of the file.
    fn cut_short(&self, start: u64, got: usize) -> Stop {
        if self.stage >= Stage::AfterData {
            Stop(
                "(after the last member)".into(),
                format!(
                    "{got} bytes from byte {start}, after the last member, are not a member: hidden content no unpacking tool lists"
                ),
            )
        } else {
            Stop(
                format!("member {} (its header)", self.count + 1),
                format!(
                    "truncated: the package ends {got} bytes into the member header at byte {start}"
                ),
            )
        }
    }

    /// Bytes where a header should be that are not one.
    fn not_a_header(&self, start: u64, why: String) -> Stop {
        if self.stage >= Stage::AfterData {
            Stop(
                "(after the last member)".into(),
                format!(
                    "the bytes from byte {start}, after the last member, are not a member ({why}): hidden content no unpacking tool lists"
                ),
            )
        } else {
            Stop(
                format!("member {} (its header)", self.count),
                format!("corrupt member header at byte {start}: {why}"),
            )
        }
    }

    /// One member: judged by name and place, read or skipped, padded.
    fn member(&mut self, header: Header, start: u64) -> Result<(), Stop> {
        let shown = header.shown();
        let content_start = start + ar::HEADER as u64;
        if let Some(total) = self.size
            && content_start.saturating_add(header.size) > total
        {
            return Err(Stop(
                shown,
                format!(
                    "the member at byte {start} claims {} bytes, but the package ends at byte {total}: truncated or forged size",
                    header.size
                ),
            ));
        }
        let role = match ar::odd_bytes(&header.name) {
            Some(why) => {
                self.fail(&shown, why);
                None
            }
            None => self.placed(ar::role(&header.name), &shown),
        };
        let covered = matches!(
            role,
            Some(Role::DebianBinary | Role::Control(_) | Role::Data(_))
        );
        if covered {
            self.covered.push(shown.clone());
        }
        self.input.hashing = covered;
        let mut content = (&mut self.input).take(header.size);
        if let Some(role) = role {
            self.found
                .read_member(role, &shown, &mut content, header.size);
        }
        // What the member's reader left (all of a skipped member's bytes).
        let rest = io::copy(&mut content, &mut io::sink()).map(|_| content.limit());
        self.input.hashing = false;
        let left = rest.map_err(|e| Stop(shown.clone(), format!("could not be read: {e}")))?;
        if left > 0 {
            return Err(Stop(
                shown,
                format!(
                    "truncated: the member claims {} bytes, the package ends after {}",
                    header.size,
                    header.size - left
                ),
            ));
        }
        if header.size % 2 == 1 {
            // The padding byte; a package may end without it.
            self.fill(&mut [0u8; 1])?;
        }
        Ok(())
    }

    /// The member's role if it is where dpkg expects it; otherwise a
    /// failing finding naming it, and `None` (its content is skipped).
    fn placed(&mut self, role: Role, shown: &str) -> Option<Role> {
        let (expected, next) = match role {
            Role::DebianBinary => (Stage::Start, Stage::AfterBinary),
            Role::Control(_) => (Stage::AfterBinary, Stage::AfterControl),
            Role::Data(_) => (Stage::AfterControl, Stage::AfterData),
            Role::Signature => (Stage::AfterData, Stage::AfterSignature),
            Role::Other => {
                let why = if self.stage >= Stage::AfterData {
                    "a member after the data member: dpkg never reads it, so no review of the package would either; refused"
                } else if shown.starts_with('_') {
                    "a member dpkg skips unread (its name starts with `_`) but other tools may read; refused"
                } else {
                    "a member dpkg refuses or does not know (a Debian package holds debian-binary, control.tar, data.tar and optionally _gpgorigin); refused"
                };
                self.fail(shown, why.to_string());
                return None;
            }
        };
        if self.stage == expected {
            self.stage = next;
            return Some(role);
        }
        let why = match role {
            Role::Data(_) if self.stage >= Stage::AfterData => {
                "a second data member: dpkg unpacks the first, other tools may unpack this one; refused".to_string()
            }
            Role::Control(_) if self.stage >= Stage::AfterControl => {
                "a second control member: dpkg refuses the package".to_string()
            }
            _ => format!(
                "out of order: a Debian package is debian-binary, control.tar, data.tar, then _gpgorigin; dpkg refuses {shown} here"
            ),
        };
        self.fail(shown, why);
        None
    }

    fn fail(&mut self, subject: &str, why: String) {
        self.found.fail(subject, why);
    }

    /// Fills `buf` as far as the package allows; how many bytes came.
    fn fill(&mut self, buf: &mut [u8]) -> Result<usize, Stop> {
        let mut got = 0;
        while got < buf.len() {
            match self.input.read(&mut buf[got..]) {
                Ok(0) => break,
                Ok(n) => got += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    return Err(Stop(
                        "(package)".into(),
                        format!("could not be read at byte {}: {e}", self.input.offset()),
                    ));
                }
            }
        }
        Ok(got)
    }

    /// The members the package lacks, the signature, and the report.
    fn finish(self) -> ArchiveReport {
        let DebWalk {
            input,
            mut found,
            stage,
            covered,
            ..
        } = self;
        if found.report.stopped.is_none() {
            for (needed, what) in [
                (
                    Stage::AfterBinary,
                    "no debian-binary member first: not a package dpkg reads",
                ),
                (
                    Stage::AfterControl,
                    "no control.tar member: dpkg refuses the package",
                ),
                (
                    Stage::AfterData,
                    "no data.tar member: dpkg refuses the package",
                ),
            ] {
                if stage < needed {
                    found.fail("(package)", what.to_string());
                }
            }
        }
        let signed = input.finish();
        if let Some((member, bytes)) = found.signature.take() {
            found.package.signatures.push(Embedded {
                member,
                covers: format!("{}, concatenated", covered.join(" + ")),
                bytes,
                signed,
                covers_payload: true,
            });
        }
        found.report.package = Some(Box::new(found.package));
        found.report
    }
}

impl Found<'_> {
    pub(super) fn fail(&mut self, subject: &str, why: String) {
        self.report
            .findings
            .push(Finding::new(Status::Fail, subject, why));
    }
}
