//! A check's evidence, typed for programs. The checklist's TOML keeps
//! every evidence value as the words a person reads (`12,637` is said
//! `12637`, a signature's `made` is `2026-01-15 09:00:00 UTC · SHA-256 ·
//! Ed25519`); the JSON gives numbers as numbers and each packed value as
//! its parts:
//!
//! - counts and sizes (`size`, `declared`, `entries`, `expanded`,
//!   `signatures`, `findings_not_listed`, `agreed`/`unlisted` of
//!   `package.digests`, and `expected`/`actual` of `fetch.size`) are
//!   integers;
//! - `algorithm` (of `checksum.sha256`) becomes `algorithms`, a list;
//! - `signer` becomes `{fingerprint, pinned}`, `issuer` loses its spaces;
//! - `made` becomes `{time, hash_algorithm, key_algorithm}` (each may be
//!   null);
//! - every other key stays a string.

use serde_json::{Map, Value, json};

use crate::engine::verify::signature::shown::unspaced;
use crate::engine::verify::signature::{Made, Signer};

/// Keys whose value is a count or a size, for every check.
const COUNTS: [&str; 8] = [
    "size",
    "declared",
    "entries",
    "expanded",
    "signatures",
    "findings_not_listed",
    "agreed",
    "unlisted",
];

/// The evidence of the check `id`, typed.
pub fn typed(id: &str, evidence: Map<String, Value>) -> Map<String, Value> {
    let mut out = Map::new();
    for (key, value) in evidence {
        let Value::String(words) = value else {
            out.insert(key, value);
            continue;
        };
        let count = COUNTS.contains(&key.as_str())
            || (id == "fetch.size" && matches!(key.as_str(), "expected" | "actual"));
        let (key, value) = match key.as_str() {
            _ if count => (key, integer(words)),
            "algorithm" => ("algorithms".to_string(), algorithms(&words)),
            "signer" => (key, signer(words)),
            "issuer" => (key, Value::from(unspaced(&words))),
            "made" => (key, made(&words)),
            _ => (key, Value::String(words)),
        };
        out.insert(key, value);
    }
    out
}

/// `12637` (or `12,637`) as a number; words that are no number stay words.
fn integer(words: String) -> Value {
    match words.replace(',', "").parse::<u64>() {
        Ok(n) => Value::from(n),
        Err(_) => Value::String(words),
    }
}

fn algorithms(words: &str) -> Value {
    words
        .split(',')
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(Value::from)
        .collect()
}

fn signer(words: String) -> Value {
    match Signer::parse(&words) {
        Some(s) => json!({ "fingerprint": s.fingerprint, "pinned": s.pinned }),
        None => json!({ "fingerprint": unspaced(&words), "pinned": Value::Null }),
    }
}

fn made(words: &str) -> Value {
    let made = Made::parse(words);
    json!({
        "time": made.time.map(|t| t.to_string()),
        "hash_algorithm": made.hash,
        "key_algorithm": made.key_algorithm,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, &str)]) -> Map<String, Value> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), Value::from(*v)))
            .collect()
    }

    #[test]
    fn numbers_lists_and_packed_values_get_their_types() {
        let sig = typed(
            "signature.checksums",
            map(&[
                ("made", "2026-01-15 09:00:00 UTC · SHA-256 · Ed25519"),
                ("signer", "0E3B 1C7F 5A2D 9E4B (pinned)"),
                ("file", "SHA256SUMS.asc"),
            ]),
        );
        assert_eq!(
            Value::Object(sig),
            json!({
                "made": {"time": "2026-01-15T09:00:00Z", "hash_algorithm": "SHA-256", "key_algorithm": "Ed25519"},
                "signer": {"fingerprint": "0E3B1C7F5A2D9E4B", "pinned": true},
                "file": "SHA256SUMS.asc",
            })
        );
        let size = typed("fetch.size", map(&[("expected", "10"), ("actual", "12")]));
        assert_eq!(Value::Object(size), json!({"expected": 10, "actual": 12}));
        let sums = typed(
            "checksum.sha256",
            map(&[("algorithm", "SHA-256, SHA-512"), ("expected", "ab12")]),
        );
        assert_eq!(
            Value::Object(sums),
            json!({"algorithms": ["SHA-256", "SHA-512"], "expected": "ab12"})
        );
    }
}
