//! What a package says of itself, whatever its format (a Debian or an RPM
//! package): the name, version and architecture it declares, the code it
//! runs while being installed, the digests it lists of its own files
//! (already compared with the files as they streamed past), and the
//! signature it carries with the hash contexts of the bytes that signature
//! covers. The review turns these into the `package.*` checks; inspection
//! only reads them.

use crate::engine::fetch::hashers::Digests;
use crate::engine::shared::check::Finding;

/// The package formats, whose versions and architectures are spelled and
/// ordered each its own way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Deb,
    Rpm,
    /// A Windows Installer package: its identity from the `Property`
    /// table, its scripts the custom actions that run code.
    Msi,
}

/// A package's own metadata, as read in the one pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    pub format: Format,
    /// Where the metadata came from, as findings name it (`control.tar.xz`).
    pub metadata: String,
    pub name: Option<String>,
    pub version: Option<String>,
    pub architecture: Option<String>,
    /// Why the identity cannot be read as it stands (no control file, a
    /// malformed or ambiguous stanza): each fails `package.identity`.
    pub identity_problems: Vec<String>,
    /// Code that runs while the package is installed or removed.
    pub scripts: Vec<Script>,
    pub digests: ListedDigests,
    /// The signatures the package carries (none, one, or several: an RPM
    /// may carry a header signature and a header+payload one).
    pub signatures: Vec<Embedded>,
    /// Digests of the package's own parts (an RPM's header and payload
    /// digests), each compared with the bytes as they went by.
    pub integrity: Vec<Integrity>,
    /// The payload has no digest of its own (an RPM without a payload
    /// digest): only a verified signature over header and payload
    /// protects it.
    pub payload_needs_signature: bool,
}

impl Package {
    pub fn new(metadata: impl Into<String>) -> Package {
        Package {
            format: Format::Deb,
            metadata: metadata.into(),
            name: None,
            version: None,
            architecture: None,
            identity_problems: Vec::new(),
            scripts: Vec::new(),
            digests: ListedDigests::NoneListed,
            signatures: Vec::new(),
            integrity: Vec::new(),
            payload_needs_signature: false,
        }
    }
}

/// A maintainer script (or other installation-time code), in full.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Script {
    /// `postinst`.
    pub name: String,
    pub size: u64,
    pub sha256: [u8; 32],
    /// Its bytes, exactly (shown escaped).
    pub text: Vec<u8>,
}

impl Script {
    /// The script as lines safe to show on a terminal or in a document:
    /// tabs expanded, every control character and byte that is not UTF-8
    /// escaped, so no script can rewrite the screen it is read on.
    pub fn shown_lines(&self) -> Vec<String> {
        let text = self.text.strip_suffix(b"\n").unwrap_or(&self.text);
        text.split(|b| *b == b'\n')
            .map(|line| {
                let line = line.strip_suffix(b"\r").unwrap_or(line);
                let mut out = String::with_capacity(line.len());
                for chunk in line.utf8_chunks() {
                    let valid = chunk.valid().replace('\t', "    ");
                    out.push_str(&crate::engine::shared::text::shown_text(&valid));
                    for b in chunk.invalid() {
                        out.push_str(&format!("\\x{b:02x}"));
                    }
                }
                out
            })
            .collect()
    }
}

/// The package's own list of file digests against its files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListedDigests {
    /// The package lists no digests of its files.
    NoneListed,
    /// Compared entry by entry as the files streamed past.
    Compared {
        /// The list's name (`md5sums`) and the digest's (`MD5`).
        list: String,
        algorithm: &'static str,
        /// Files whose digest agreed.
        agreed: u64,
        /// Files of the package the list does not name (Debian leaves
        /// configuration files out).
        unlisted: u64,
        /// Each disagreement, listed file missing or unreadable line: fails.
        findings: Vec<Finding>,
    },
}

/// One digest of a part of the package against the part's bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Integrity {
    /// What it is (`header SHA-256 (signature tag 273)`).
    pub what: String,
    /// `Ok`: the digest agrees (the hex); `Err`: why it fails.
    pub outcome: Result<String, String>,
}

/// A signature embedded in the package, and what it covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Embedded {
    /// Where it was found (`_gpgorigin`).
    pub member: String,
    /// What it covers, in words (`debian-binary, control.tar.xz and
    /// data.tar.xz, concatenated`).
    pub covers: String,
    /// Its bytes, or why they cannot be used.
    pub bytes: Result<Vec<u8>, String>,
    /// The covered bytes' hash contexts, computed as they went by.
    pub signed: Digests,
    /// Whether it covers the payload (not only metadata that lists the
    /// payload's digest).
    pub covers_payload: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_show_escaped_line_by_line() {
        let script = Script {
            name: "postinst".into(),
            size: 0,
            sha256: [0; 32],
            text: b"#!/bin/sh\n\tprintf '\x1b[2J'\r\nok \xff\n".to_vec(),
        };
        assert_eq!(
            script.shown_lines(),
            ["#!/bin/sh", "    printf '\\u{001b}[2J'", "ok \\xff"]
        );
    }
}
