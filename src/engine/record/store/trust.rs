//! The trust a store feed carries, and the rule that keeps it: a review
//! never changes the trust under which the releases already in the store
//! were approved. The store feed pins the reviewed feed's keys less any
//! key revoked as compromised (such a key never enters a store feed); when
//! the store already holds a feed for the product id pinning other keys,
//! or asking for another threshold or signature policy, nothing is stored
//! and the operator is told why and what to do. The pins are never
//! swapped silently, and never widened or narrowed by a review.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use jiff::Timestamp;
use openpgp::Cert;
use openpgp::policy::StandardPolicy;
use openpgp::types::{RevocationStatus, RevocationType};
use sequoia_openpgp as openpgp;

use crate::engine::select::feed::{Feed, SignaturePolicy};
use crate::engine::shared::error::{Error, Result};
use crate::engine::shared::limits;
use crate::engine::verify::signature::TrustStore;
use crate::engine::verify::signature::trust::read_certificates;

/// What the store feed of a product pins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorePins {
    /// Pinned primary-key fingerprints (upper-case hex), in the feed's order.
    pub fingerprints: Vec<String>,
    /// The certificate files to copy (each with the SHA-256 the review read).
    pub files: Vec<(PathBuf, String)>,
    /// The Authenticode publisher and timestamp-authority certificate
    /// files the feed pins (each with its SHA-256), kept like the keys.
    pub authenticode: Vec<(PathBuf, String)>,
    pub timestamp_authorities: Vec<(PathBuf, String)>,
    /// The cosign public keys the feed pins for container images.
    pub cosign_keys: Vec<(PathBuf, String)>,
    pub threshold: usize,
    pub required: bool,
    /// Pinned keys left out (revoked as compromised).
    pub left_out: Vec<LeftOut>,
}

/// A pinned key the store feed leaves out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeftOut {
    /// Upper-case hex.
    pub fingerprint: String,
    /// Why, in a few words: `revoked as compromised`.
    pub reason: &'static str,
}

impl std::fmt::Display for LeftOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} is {}: left out of the store feed",
            self.fingerprint, self.reason
        )
    }
}

/// A key revoked as compromised (or with no reason, which counts as
/// compromised) at `now`.
fn compromised(cert: &Cert, now: Timestamp) -> Option<LeftOut> {
    let policy = StandardPolicy::new();
    let RevocationStatus::Revoked(revs) = cert.revocation_status(&policy, SystemTime::from(now))
    else {
        return None;
    };
    let hard = revs.iter().any(|sig| {
        sig.reason_for_revocation()
            .is_none_or(|(reason, _)| reason.revocation_type() == RevocationType::Hard)
    });
    hard.then(|| LeftOut {
        fingerprint: cert.fingerprint().to_hex(),
        reason: "revoked as compromised (or with no reason)",
    })
}

/// The trust the store feed gets from a review of `feed`: its pins less
/// the keys revoked as compromised, and the certificate files that still
/// hold a key that is not. Refused when too few pinned keys remain for
/// the feed's threshold.
pub fn store_trust(feed: &Feed, trust: &TrustStore, now: Timestamp) -> Result<StorePins> {
    let mut left_out = Vec::new();
    let mut fingerprints = Vec::new();
    for pin in &feed.trust.fingerprints {
        let cert = trust
            .pinned
            .iter()
            .find(|c| c.fingerprint().to_hex().eq_ignore_ascii_case(&pin.value));
        match cert.and_then(|c| compromised(c, now)) {
            Some(why) => left_out.push(why),
            None => fingerprints.push(pin.value.to_ascii_uppercase()),
        }
    }
    if fingerprints.len() < feed.trust.threshold {
        return Err(Error::Usage(format!(
            "not stored: once the keys revoked as compromised are left out, {} pinned key(s) remain, \
             fewer than the feed's threshold ({}); the store feed could verify nothing",
            fingerprints.len(),
            feed.trust.threshold
        )));
    }
    let mut files = Vec::new();
    for (path, sha) in &trust.files {
        let (certs, _) = read_certificates(path).map_err(|why| Error::file(path, why))?;
        if certs.iter().any(|c| compromised(c, now).is_none()) {
            files.push((path.clone(), sha.clone()));
        }
    }
    Ok(StorePins {
        fingerprints,
        files,
        authenticode: hashed(&feed.trust.authenticode)?,
        timestamp_authorities: hashed(&feed.trust.timestamp_authorities)?,
        cosign_keys: hashed(&feed.trust.cosign_keys)?,
        threshold: feed.trust.threshold,
        required: feed.trust.signatures == SignaturePolicy::Required,
        left_out,
    })
}

/// Certificate files with the SHA-256 of their bytes.
fn hashed(
    files: &[crate::engine::select::feed::Located<PathBuf>],
) -> Result<Vec<(PathBuf, String)>> {
    files
        .iter()
        .map(|f| {
            let bytes = limits::read_local(&f.value, limits::CERTIFICATE_MAX, "certificate")?;
            Ok((
                f.value.clone(),
                crate::engine::fetch::hashers::sha256_hex(&bytes),
            ))
        })
        .collect()
}

/// The SHA-256 of each certificate file a store feed's `[trust]` lists
/// under `key` (relative to the store feed's folder); a file that cannot
/// be read counts by its name, so it never matches.
fn listed_digests(path: &Path, trust: &toml::Table, key: &str) -> BTreeSet<String> {
    let dir = path.parent().unwrap_or(Path::new("."));
    trust
        .get(key)
        .and_then(toml::Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(toml::Value::as_str)
                .map(|rel| {
                    match limits::read_local(&dir.join(rel), limits::CERTIFICATE_MAX, "certificate")
                    {
                        Ok(bytes) => crate::engine::fetch::hashers::sha256_hex(&bytes),
                        Err(_) => format!("unreadable {rel}"),
                    }
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The trust of the store feed already at `path`, as written there:
/// pins, threshold, whether signatures are required. `None` when there is
/// no store feed, or it is not a TOML file with a `[trust]` table (it is
/// then kept aside when the new one is written).
fn existing(path: &Path) -> Option<(BTreeSet<String>, i64, bool, BTreeSet<String>)> {
    let bytes = limits::read_local(path, limits::FEED_MAX, "store feed").ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let table: toml::Table = toml::from_str(&text).ok()?;
    let trust = table.get("trust")?.as_table()?;
    let pins = trust
        .get("fingerprints")
        .and_then(toml::Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(toml::Value::as_str)
                .map(str::to_ascii_uppercase)
                .collect()
        })
        .unwrap_or_default();
    let threshold = trust
        .get("threshold")
        .and_then(toml::Value::as_integer)
        .unwrap_or(1);
    let required = trust.get("signatures").and_then(toml::Value::as_str) != Some("optional");
    Some((pins, threshold, required, windows_pins(path, trust)))
}

/// The Authenticode pins of a store feed's `[trust]`: each certificate's
/// SHA-256, marked by what it pins (`publisher:`, `timestamp:`).
fn windows_pins(path: &Path, trust: &toml::Table) -> BTreeSet<String> {
    let mut pins = BTreeSet::new();
    for (key, what) in [
        ("authenticode", "publisher"),
        ("timestamp_authorities", "timestamp"),
        ("cosign_keys", "cosign"),
    ] {
        pins.extend(
            listed_digests(path, trust, key)
                .into_iter()
                .map(|d| format!("{what}:{d}")),
        );
    }
    pins
}

/// The Authenticode pins a review would give the store feed, marked as
/// [`windows_pins`] marks them.
fn wanted_windows_pins(wanted: &StorePins) -> BTreeSet<String> {
    let mark = |what: &'static str, files: &[(PathBuf, String)]| {
        files
            .iter()
            .map(move |(_, d)| format!("{what}:{d}"))
            .collect::<Vec<_>>()
    };
    mark("publisher", &wanted.authenticode)
        .into_iter()
        .chain(mark("timestamp", &wanted.timestamp_authorities))
        .chain(mark("cosign", &wanted.cosign_keys))
        .collect()
}

/// Refuses to place a release under `wanted` when the store feed at
/// `path` pins other keys, or another threshold or signature policy.
pub fn same_as_store(path: &Path, product_id: &str, wanted: &StorePins) -> Result<()> {
    let Some((pins, threshold, required, windows)) = existing(path) else {
        return Ok(());
    };
    if windows != wanted_windows_pins(wanted) {
        return Err(Error::Usage(format!(
            "the store feed {} holds releases of `{product_id}` approved under other Authenticode \
             pins (publisher or timestamp-authority certificates) or cosign keys than this feed \
             gives: a review never changes the trust under which stored releases were approved. Review with \
             --no-store, or with --store DIR for a store of its own",
            path.display()
        )));
    }
    let want: BTreeSet<String> = wanted.fingerprints.iter().cloned().collect();
    let same = pins == want
        && usize::try_from(threshold).ok() == Some(wanted.threshold)
        && required == wanted.required;
    if same {
        return Ok(());
    }
    let list = |set: &BTreeSet<String>| {
        if set.is_empty() {
            "none".to_string()
        } else {
            set.iter().cloned().collect::<Vec<_>>().join(", ")
        }
    };
    let policy = |threshold: String, required: bool| {
        let signatures = if required { "required" } else { "optional" };
        format!("threshold {threshold}, signatures {signatures}")
    };
    Err(Error::Usage(format!(
        "the store feed {} holds releases of `{product_id}` approved under other trust (pins {}; {}) \
         than this feed gives (pins {}; {}): a review never changes the trust under which stored \
         releases were approved. Review with --no-store, or with --store DIR for a store of its \
         own; if the vendor's keys really changed, move that product's store folder aside first",
        path.display(),
        list(&pins),
        policy(threshold.to_string(), required),
        list(&want),
        policy(wanted.threshold.to_string(), wanted.required),
    )))
}
