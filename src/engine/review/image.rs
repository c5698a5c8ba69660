//! The container image's checks: `image.digest` (the chain the inspector
//! resolved from the pinned digest) and `image.signature` (cosign, with
//! the feed's pinned keys), listed only when the artifact is an image; and
//! how the digest pin stands in for a checksum file that does not list an
//! image (SPEC: `checksum.sha256` is then `skip`, naming the pin).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::evidence::JudgedEvidence;
use crate::engine::fetch::evidence::EvidenceFile;
use crate::engine::fetch::read::ArtifactRead;
use crate::engine::inspect::oci::Image;
use crate::engine::inspect::report::{ArchiveReport, Entry};
use crate::engine::select::feed::{Artifact, Located, Trust};
use crate::engine::select::rollback::Previous;
use crate::engine::shared::check::{Check, CheckId, Status};
use crate::engine::verify::cosign;

/// `image.digest` and `image.signature` for an image.
pub fn image_checks(
    image: &Image,
    bundle: Option<&EvidenceFile>,
    trust: &Trust,
    feed_dir: &Path,
) -> [Check; 2] {
    let keys = cosign_keys(&trust.cosign_keys, feed_dir);
    let bundle = bundle.map(|b| cosign::BundleFile {
        name: b.name(),
        bytes: match &b.problem {
            Some(why) => Err(why.clone()),
            None => Ok(b.bytes.as_slice()),
        },
    });
    let signature = cosign::judge(&image.signatures, image.pinned.as_deref(), &keys, bundle);
    [digest_check(image), signature]
}

/// `package.identity` for an image: the config's platform against the
/// feed's (a mismatch fails), its version and title labels against the
/// release and product when present (a mismatch warns).
pub fn identity_check(
    image: &Image,
    product: &str,
    version: &str,
    platform: &str,
) -> Option<Check> {
    let id = CheckId::PackageIdentity;
    let facts = image.config.as_ref()?;
    let shown = match &facts.variant {
        Some(v) => format!("{}/{}/{v}", facts.os, facts.architecture),
        None => format!("{}/{}", facts.os, facts.architecture),
    };
    let platform_problem = image
        .problems
        .iter()
        .find(|f| f.subject == "config" && f.summary.contains("the feed's platform"));
    if let Some(problem) = platform_problem {
        return Some(Check::fail(id, problem.summary.clone()).with_evidence("platform", shown));
    }
    let mut warnings = Vec::new();
    if let Some(label) = facts.version_label.as_deref().filter(|l| *l != version) {
        warnings.push(format!(
            "the image's version label is {label}, the release is {version}"
        ));
    }
    if let Some(label) = facts.title_label.as_deref().filter(|l| *l != product) {
        warnings.push(format!(
            "the image's title label is {label}, the product is {product}"
        ));
    }
    let check = if warnings.is_empty() {
        Check::pass(
            id,
            format!("{shown} fits {platform}; its labels agree with {product} {version}"),
        )
    } else {
        Check::warn(id, warnings.join("; "))
    };
    Some(check.with_evidence("platform", shown))
}

/// How many of the image's layers the last approved image had, entry for
/// entry (same paths, types, modes, sizes and SHA-256): "1 of 2 layers
/// unchanged since 4.2.0". `None` when nothing was approved before.
pub fn layers_unchanged(previous: &Previous, entries: &[Entry]) -> Option<String> {
    let Previous::Found {
        approval,
        manifest: Ok(before),
    } = previous
    else {
        return None;
    };
    let line = |path: &[u8], sha: &str, size: u64, mode: u32, kind: &str| {
        format!(
            "{}\t{sha}\t{size}\t{mode:o}\t{kind}\n",
            String::from_utf8_lossy(path)
        )
    };
    let mut old: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for e in before {
        if let Some((layer, path)) = split_layer(&e.path) {
            old.entry(layer)
                .or_default()
                .push(line(path, &e.sha256, e.size, e.mode, &e.kind));
        }
    }
    let mut new: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for e in entries {
        if let Some((layer, path)) = split_layer(&e.path) {
            let sha = e.sha256.map(hex::encode).unwrap_or_else(|| "-".into());
            new.entry(layer)
                .or_default()
                .push(line(path, &sha, e.size, e.mode, e.kind.word()));
        }
    }
    let fingerprint = |mut lines: Vec<String>| {
        lines.sort_unstable();
        lines.concat()
    };
    let old: Vec<String> = old.into_values().map(fingerprint).collect();
    let total = new.len();
    let same = new
        .into_values()
        .map(fingerprint)
        .filter(|f| old.contains(f))
        .count();
    Some(format!(
        "{same} of {total} layers unchanged since {} (entry for entry)",
        approval.version
    ))
}

/// `layer-<n>` and the rest of a manifest name.
fn split_layer(path: &[u8]) -> Option<(String, &[u8])> {
    let slash = path.iter().position(|b| *b == b'/')?;
    let layer = std::str::from_utf8(path.get(..slash)?).ok()?;
    layer
        .starts_with("layer-")
        .then(|| (layer.to_string(), path.get(slash + 1..).unwrap_or_default()))
}

/// The feed's pinned cosign keys, loaded, each named as the feed names it.
fn cosign_keys(
    files: &[Located<PathBuf>],
    feed_dir: &Path,
) -> Result<Vec<cosign::CosignKey>, String> {
    let paths: Vec<&Path> = files.iter().map(|f| f.value.as_path()).collect();
    let mut keys = cosign::keys::load(&paths)?;
    for key in &mut keys {
        if let Ok(relative) = Path::new(&key.file).strip_prefix(feed_dir) {
            key.file = relative.display().to_string();
        }
    }
    Ok(keys)
}

/// `image.digest`: the chain, or its first break.
pub fn digest_check(image: &Image) -> Check {
    let id = CheckId::ImageDigest;
    let chain = image
        .chain
        .iter()
        .map(|l| format!("{} {} ({} bytes)", l.role, l.digest, l.size))
        .collect::<Vec<_>>()
        .join(" → ");
    let fails = image
        .problems
        .iter()
        .filter(|f| f.status == Status::Fail)
        .count();
    let mut check = match image.problems.first() {
        Some(first) if fails > 0 => Check::fail(
            id,
            format!(
                "{}: {}{}",
                first.subject,
                first.summary,
                if fails > 1 {
                    format!(" (and {} more)", fails - 1)
                } else {
                    String::new()
                }
            ),
        ),
        _ => {
            let layers = image
                .chain
                .iter()
                .filter(|l| l.role.starts_with("layer"))
                .count();
            let pinned = image.pinned.clone().unwrap_or_default();
            let what = if image.form.starts_with("docker") {
                "a docker save tarball pinned by its config digest: the config and every layer (by diff_id) are the pinned ones; no registry manifest is in it to prove more"
            } else {
                "every blob's size and SHA-256 match what refers to it, every layer's uncompressed digest its diff_id"
            };
            Check::pass(id, format!("{pinned}: {layers} layers; {what}"))
        }
    };
    check = check
        .with_evidence("form", image.form.clone())
        .with_evidence("chain", chain)
        .with_findings(image.problems.clone());
    if let Some(p) = &image.pinned {
        check = check.with_evidence("pinned", p.clone());
    }
    if !image.notes.is_empty() {
        check = check.with_evidence("notes", image.notes.join("; "));
    }
    check
}

/// `checksum.sha256` when the checksum file does not list a pinned image:
/// `skip`, naming the pin that covers the bytes instead (when the chain
/// held; a broken chain leaves the checksum's own verdict standing).
pub fn checksum_covered_by_pin(
    checksum: Check,
    image: &Image,
    (named, listed): (bool, bool),
    sha256: &str,
) -> Check {
    let held = image.settled && image.problems.iter().all(|f| f.status != Status::Fail);
    let why = if named {
        "the checksum file does not list the image"
    } else {
        "the release names no checksum file"
    };
    match (&image.pinned, listed, held) {
        (Some(pinned), false, true) => Check::skip(
            CheckId::ChecksumSha256,
            format!("{why}; its bytes are covered by the pinned digest {pinned} (image.digest)"),
        )
        .with_evidence("pinned", pinned.clone())
        .with_evidence("actual", sha256),
        _ => checksum,
    }
}

/// `checksum.sha256` of an image the checksum file does not list: the
/// pinned digest covers its bytes instead (SPEC).
pub(super) fn pin_covers(
    checksum: Check,
    judged: &JudgedEvidence,
    read: &ArtifactRead<ArchiveReport>,
    artifact: &Artifact,
) -> Check {
    let Some(image) = read.inspected.image.as_deref() else {
        return checksum;
    };
    let listed = !judged
        .checksum_file
        .entries_for(&judged.relative, artifact.file_name())
        .is_empty();
    checksum_covered_by_pin(
        checksum,
        image,
        (judged.checksums_named, listed),
        &hex::encode(&read.sha256),
    )
}

/// `signatures = "required"` for an image: no cosign signature while no
/// other signature check passed fails `image.signature`.
pub fn apply_required(required: bool, signature: &mut Check, others: &[&Check]) {
    let other_passed = others.iter().any(|c| c.status == Status::Pass);
    if required && signature.status == Status::Skip && !other_passed {
        signature.status = Status::Fail;
        signature.summary = "no cosign signature published, and the feed requires a signature (none of the other signature checks passed)".into();
    }
}
