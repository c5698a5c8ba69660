//! Names that the target platform's file system would read differently
//! from the archive: on Windows and macOS two entries whose names differ
//! only in letter case or in Unicode normalisation (NFC/NFD) are one file;
//! on Windows a trailing dot or space is dropped, `name:stream` writes an
//! NTFS alternate data stream, and `CON`, `NUL`, `COM1` (with any
//! extension) open a device instead of a file. On Linux the names stay
//! distinct, but NFC/NFD twins look identical to an operator: a warning.

use std::collections::HashMap;

use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;

use crate::engine::shared::check::{Finding, Status};

use super::{Entry, components, shown};

/// The file-system rules a review's target platform brings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    Windows,
    MacOs,
    /// Linux and anything else: case-sensitive, bytes as written.
    Other,
}

impl Platform {
    /// From a feed artifact's platform (`windows-x86_64`, `macos-arm64`).
    pub fn from_name(name: &str) -> Platform {
        let lower = name.to_ascii_lowercase();
        if lower.starts_with("win") {
            Platform::Windows
        } else if lower.starts_with("mac")
            || lower.starts_with("darwin")
            || lower.starts_with("osx")
        {
            Platform::MacOs
        } else {
            Platform::Other
        }
    }

    fn word(self) -> &'static str {
        match self {
            Platform::Windows => "Windows",
            Platform::MacOs => "macOS",
            Platform::Other => "Linux",
        }
    }
}

/// The device names Windows opens instead of a file, whatever follows a dot.
fn is_device_name(component: &str) -> bool {
    let stem = component.split('.').next().unwrap_or("");
    let stem = stem.trim_end_matches([' ', '.']).to_lowercase();
    if matches!(stem.as_str(), "con" | "prn" | "aux" | "nul") {
        return true;
    }
    let mut chars = stem.chars();
    let prefix: String = chars.by_ref().take(3).collect();
    let rest: Vec<char> = chars.collect();
    (prefix == "com" || prefix == "lpt")
        && matches!(rest.as_slice(), [c] if c.is_ascii_digit() || matches!(*c, '¹' | '²' | '³'))
}

/// What Windows would do differently with one entry's name, if anything.
fn windows_problem(path: &[u8]) -> Option<String> {
    for part in components(path) {
        let text = String::from_utf8_lossy(part);
        if text.contains(':') {
            return Some(format!(
                "the name part `{}` holds a `:`: on Windows that writes an NTFS alternate data stream of another file, not this file",
                shown(part)
            ));
        }
        if text.ends_with('.') || text.ends_with(' ') {
            return Some(format!(
                "the name part `{}` ends in a dot or space: Windows drops it, so the file lands under another name",
                shown(part)
            ));
        }
        if is_device_name(&text) {
            return Some(format!(
                "the name part `{}` is a Windows device name: writing it opens the device, not a file",
                shown(part)
            ));
        }
    }
    None
}

/// The name as the platform compares names: NFC, and for Windows and
/// macOS case-folded (Windows also without trailing dots and spaces).
fn comparison_key(path: &[u8], platform: Platform) -> [u8; 16] {
    let mut hasher = Sha256::new();
    let Ok(text) = std::str::from_utf8(path) else {
        // Not UTF-8: no normalisation applies; compared as bytes.
        hasher.update(components(path).join(&b'/'));
        return truncated(hasher);
    };
    if text.is_ascii() {
        // ASCII is its own NFC: only case (and Windows' trailing dots) to fold.
        for (i, part) in components(path).into_iter().enumerate() {
            if i > 0 {
                hasher.update(b"/");
            }
            let part = match platform {
                Platform::Windows => {
                    let kept = part.iter().rposition(|b| *b != b'.' && *b != b' ');
                    kept.and_then(|e| part.get(..=e)).unwrap_or(b"")
                }
                _ => part,
            };
            if platform == Platform::Other {
                hasher.update(part);
            } else {
                hasher.update(part.to_ascii_lowercase());
            }
        }
        return truncated(hasher);
    }
    for (i, part) in text
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .enumerate()
    {
        if i > 0 {
            hasher.update(b"/");
        }
        let part = match platform {
            Platform::Windows => part.trim_end_matches([' ', '.']),
            _ => part,
        };
        let mut buf = [0u8; 4];
        for c in part.nfc() {
            if platform == Platform::Other {
                hasher.update(c.encode_utf8(&mut buf).as_bytes());
            } else {
                for lower in c.to_lowercase() {
                    hasher.update(lower.encode_utf8(&mut buf).as_bytes());
                }
            }
        }
    }
    truncated(hasher)
}

fn truncated(hasher: Sha256) -> [u8; 16] {
    let digest = hasher.finalize();
    let mut key = [0u8; 16];
    key.copy_from_slice(&digest[..16]);
    key
}

/// Why two names are one on the platform, in words.
fn why_same(a: &[u8], b: &[u8]) -> &'static str {
    let (a, b) = (String::from_utf8_lossy(a), String::from_utf8_lossy(b));
    if a.nfc().eq(b.nfc()) {
        "differ only in Unicode normalisation (NFC/NFD) and look identical"
    } else if a.to_lowercase() == b.to_lowercase() {
        "differ only in letter case"
    } else {
        "differ only in letter case, normalisation or trailing dots and spaces"
    }
}

/// Findings about names that collide or misbehave on `platform`, naming
/// both entries of every collision. Exact duplicates are judged elsewhere.
pub fn findings(entries: &[Entry], platform: Platform, out: &mut impl FnMut(Finding)) {
    let mut first: HashMap<[u8; 16], usize> = HashMap::new();
    for (index, entry) in entries.iter().enumerate() {
        if platform == Platform::Windows
            && let Some(problem) = windows_problem(&entry.path)
        {
            out(Finding::new(Status::Fail, shown(&entry.path), problem));
        }
        let key = comparison_key(&entry.path, platform);
        let Some(earlier) = first.get(&key).and_then(|i| entries.get(*i)) else {
            first.insert(key, index);
            continue;
        };
        if components(&earlier.path) == components(&entry.path) {
            continue; // The same path twice: a finding of its own.
        }
        let status = match platform {
            Platform::Other => Status::Warn,
            _ => Status::Fail,
        };
        let consequence = match platform {
            Platform::Other => "two files on Linux, one file on Windows or macOS",
            _ => "one file there: which content is installed depends on the extractor",
        };
        out(Finding::new(
            status,
            shown(&entry.path),
            format!(
                "{} and {} {} on {}: {consequence}",
                shown(&earlier.path),
                shown(&entry.path),
                why_same(&earlier.path, &entry.path),
                platform.word(),
            ),
        ));
    }
}
