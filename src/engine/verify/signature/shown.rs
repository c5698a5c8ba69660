//! The evidence a signature check shows, as words for people and read back
//! into its parts for programs (`intake verify --format json`): `made`
//! (when, with which hash, with which key algorithm) and `signer` (the
//! fingerprint, and whether it is pinned). Written and read here only, so
//! the two cannot drift apart.

use jiff::Timestamp;

/// Between the parts of `made`.
const SEPARATOR: &str = " · ";
/// How `made` says the time.
const TIME: &str = "%Y-%m-%d %H:%M:%S UTC";

/// When and how a signature was made.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Made {
    pub time: Option<Timestamp>,
    /// `SHA-256`, `SHA-512`...
    pub hash: Option<String>,
    /// `Ed25519`, `RSA 4096`...
    pub key_algorithm: Option<String>,
}

impl Made {
    /// `2026-01-15 09:00:00 UTC · SHA-256 · Ed25519` (the parts known);
    /// `None` when nothing is known.
    pub fn words(&self) -> Option<String> {
        let parts: Vec<String> = [
            self.time.map(|t| t.strftime(TIME).to_string()),
            self.hash.clone(),
            self.key_algorithm.clone(),
        ]
        .into_iter()
        .flatten()
        .collect();
        (!parts.is_empty()).then(|| parts.join(SEPARATOR))
    }

    /// Reads [`Made::words`] back. A signature packet always names its
    /// hash, so whenever anything is known the hash is: the time (when
    /// the signature has one) comes before it, the key algorithm (once a
    /// key is found) after it.
    pub fn parse(words: &str) -> Made {
        let mut parts = words.split(SEPARATOR).filter(|p| !p.is_empty()).peekable();
        let time = parts.peek().and_then(|first| parse_time(first));
        if time.is_some() {
            parts.next();
        }
        Made {
            time,
            hash: parts.next().map(str::to_string),
            key_algorithm: parts.next().map(str::to_string),
        }
    }
}

fn parse_time(words: &str) -> Option<Timestamp> {
    let civil = words.strip_suffix(" UTC")?;
    format!("{}Z", civil.replacen(' ', "T", 1)).parse().ok()
}

/// Who made a signature: the fingerprint of the key, and whether the feed
/// pins it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signer {
    /// Upper-case hex, no spaces.
    pub fingerprint: String,
    pub pinned: bool,
}

impl Signer {
    /// `0E3B 1C7F ... (pinned)`: in groups of four, as people read them.
    pub fn words(&self) -> String {
        let pinned = if self.pinned {
            " (pinned)"
        } else {
            " (NOT pinned)"
        };
        format!("{}{pinned}", super::spaced(&self.fingerprint))
    }

    /// Reads [`Signer::words`] back.
    pub fn parse(words: &str) -> Option<Signer> {
        let (spaced, pinned) = if let Some(s) = words.strip_suffix(" (pinned)") {
            (s, true)
        } else {
            (words.strip_suffix(" (NOT pinned)")?, false)
        };
        Some(Signer {
            fingerprint: unspaced(spaced),
            pinned,
        })
    }
}

/// A fingerprint or key id without the spaces people read it with.
pub fn unspaced(words: &str) -> String {
    words.chars().filter(|c| !c.is_whitespace()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn made_reads_back_what_it_says() {
        let all = Made {
            time: "2026-01-15T09:00:00Z".parse().ok(),
            hash: Some("SHA-256".into()),
            key_algorithm: Some("RSA 4096".into()),
        };
        let no_time = Made {
            time: None,
            ..all.clone()
        };
        let no_key = Made {
            key_algorithm: None,
            ..all.clone()
        };
        for made in [all, no_time, no_key] {
            let words = made.words().unwrap();
            assert_eq!(Made::parse(&words), made, "{words}");
        }
        assert_eq!(Made::default().words(), None);
        assert_eq!(
            Made::parse("2026-01-15 09:00:00 UTC · SHA-256 · Ed25519")
                .key_algorithm
                .as_deref(),
            Some("Ed25519")
        );
    }

    #[test]
    fn signer_reads_back_what_it_says() {
        for pinned in [true, false] {
            let signer = Signer {
                fingerprint: "0E3B1C7F5A2D9E4B8C6A1F0D3E5B7A9C2D4F6E8A".into(),
                pinned,
            };
            assert_eq!(Signer::parse(&signer.words()), Some(signer));
        }
        assert_eq!(Signer::parse("0E3B 1C7F"), None);
    }
}
