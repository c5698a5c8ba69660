//! The `package.*` checks, from what a package says of itself
//! ([`Package`]): its embedded signature judged like any detached
//! signature, against the feed's pinned keys, over the bytes hashed in the
//! one pass; its own file digests; its identity against the feed; and the
//! code it runs while being installed. Listed only for package kinds.

use jiff::Timestamp;

use crate::engine::fetch::hashers::HashKey;
use crate::engine::inspect::deb::arch;
use crate::engine::inspect::package::{Embedded, ListedDigests, Package, Script};
use crate::engine::select::feed::{Artifact, Product};
use crate::engine::select::version::dpkg::{DpkgVersion, same};
use crate::engine::shared::check::{Check, CheckId, Finding, Status};
use crate::engine::shared::text::{escape_path, group};
use crate::engine::verify::signature::key::hash_name;
use crate::engine::verify::signature::{self, Found, SigOutcome, SigReport, TrustStore};

/// What the feed says the package must be.
pub(super) struct Expected<'a> {
    pub product: &'a Product,
    pub artifact: &'a Artifact,
    pub version: &'a str,
}

/// `package.signature`, `package.digests`, `package.identity`, `package.scripts`.
pub(super) fn package_checks(
    package: &Package,
    expected: &Expected<'_>,
    trust: &TrustStore,
    now: Timestamp,
) -> [Check; 4] {
    [
        signature_check(package.signature.as_ref(), trust, now),
        digests_check(&package.digests),
        identity_check(package, expected),
        scripts_check(&package.scripts),
    ]
}

/// The embedded signature, judged as a detached signature over the
/// bytes it covers (hashed as they went by); none embedded is `skip`.
fn signature_check(embedded: Option<&Embedded>, trust: &TrustStore, now: Timestamp) -> Check {
    let id = CheckId::PackageSignature;
    let Some(e) = embedded else {
        return Check::skip(id, "none embedded");
    };
    let outcome = match e.bytes.as_deref().map(signature::parse::detached) {
        Err(why) => SigOutcome::Unusable(why.to_string()),
        Ok(Err(why)) => SigOutcome::Unusable(why),
        Ok(Ok(found)) => SigOutcome::Judged(judge_embedded(&found, e, trust, now)),
    };
    signature::judge(id, &e.member, &outcome, trust.threshold).with_evidence("covers", &e.covers)
}

/// Each signature judged over the contexts the pass computed; one that
/// needs a context the pass did not compute (a download is hashed with
/// SHA-256 and SHA-512 only) is refused, saying why.
fn judge_embedded(
    found: &[Found],
    e: &Embedded,
    trust: &TrustStore,
    now: Timestamp,
) -> Vec<SigReport> {
    let computed = |f: &Found| match f {
        Found::Sig(sig) => e.signed.context(&HashKey::for_signature(sig)).is_some(),
        Found::Unreadable(_) => true,
    };
    let (checkable, not): (Vec<Found>, Vec<Found>) = found.iter().cloned().partition(computed);
    let mut reports = signature::verify_with_digests(&checkable, &e.signed, trust, now);
    reports.extend(not.iter().filter_map(|f| match f {
        Found::Sig(sig) => Some(SigReport::refused(
            sig,
            &format!(
                "not checked: made with {}, and the package came as a download, whose covered bytes are hashed with SHA-256 and SHA-512 (plain, binary) only; review it from local media to check this signature",
                how_made(sig)
            ),
        )),
        Found::Unreadable(_) => None,
    }));
    reports
}

/// The package's own digests of its files. Agreement only shows the
/// package is consistent with itself: MD5 is no evidence of authenticity.
fn digests_check(digests: &ListedDigests) -> Check {
    let id = CheckId::PackageDigests;
    let ListedDigests::Compared {
        list,
        algorithm,
        agreed,
        unlisted,
        findings,
    } = digests
    else {
        return Check::skip(id, "the package lists no digests of its files (no md5sums)");
    };
    let failed = findings.iter().filter(|f| f.status == Status::Fail).count();
    let check = if failed > 0 {
        Check::fail(
            id,
            format!(
                "{failed} of the package's own {algorithm} digests ({list}) do not hold: its files are not the ones it lists"
            ),
        )
    } else {
        Check::pass(
            id,
            format!(
                "{} files agree with {list}; {algorithm} only shows the package is consistent with itself, it is no evidence of authenticity",
                group(*agreed)
            ),
        )
    };
    check
        .with_evidence("list", list)
        .with_evidence("digest", *algorithm)
        .with_evidence("agreed", agreed.to_string())
        .with_evidence("unlisted", unlisted.to_string())
        .with_findings(findings.clone())
}

/// Name, version and architecture against the feed.
fn identity_check(package: &Package, expected: &Expected<'_>) -> Check {
    let id = CheckId::PackageIdentity;
    let mut findings: Vec<Finding> = package
        .identity_problems
        .iter()
        .map(|p| Finding::new(Status::Fail, &package.metadata, p.clone()))
        .collect();
    let mut differ = |field: &str, why: Option<String>| {
        if let Some(why) = why {
            findings.push(Finding::new(Status::Fail, field, why));
        }
    };
    let want_name = expected
        .artifact
        .package
        .as_deref()
        .unwrap_or(expected.product.package_name());
    if let Some(name) = &package.name {
        differ(
            "Package",
            (name != want_name).then(|| {
                format!("the package is {name}, the feed names {want_name} (set the feed's `package` if the name differs from the product id)")
            }),
        );
    }
    if let Some(version) = &package.version {
        differ("Version", version_differs(version, expected.version));
    }
    if let Some(architecture) = &package.architecture {
        let platform = &expected.artifact.platform;
        differ(
            "Architecture",
            arch::fits(architecture, platform, expected.artifact.arch.as_deref()).err(),
        );
    }
    let shown = |v: &Option<String>| {
        v.as_deref()
            .map_or("?".to_string(), |v| escape_path(v.as_bytes()))
    };
    let identity = format!(
        "{} {} for {}",
        shown(&package.name),
        shown(&package.version),
        shown(&package.architecture)
    );
    let check = match findings.first() {
        None => Check::pass(id, format!("{identity}, as the feed names it")),
        Some(first) => Check::fail(id, format!("{}: {}", first.subject, first.summary)),
    };
    check
        .with_evidence("package", shown(&package.name))
        .with_evidence("version", shown(&package.version))
        .with_evidence("architecture", shown(&package.architecture))
        .with_findings(findings)
}

/// The hash context a signature needs, in words (`SHA-384`, `SHA-256 in
/// text mode`).
fn how_made(sig: &sequoia_openpgp::packet::Signature) -> String {
    let key = HashKey::for_signature(sig);
    let mut words = hash_name(key.algo);
    if !key.salt.is_empty() {
        words.push_str(" with a salt");
    }
    if key.text {
        words.push_str(" in text mode");
    }
    words
}

/// Why the package's version is not the release's, if it is not. Versions
/// compare as dpkg compares them; a release version without a revision
/// (`4.2.1`) is met by any revision of it (`4.2.1-1`).
pub(super) fn version_differs(package: &str, release: &str) -> Option<String> {
    let theirs = match DpkgVersion::parse(package) {
        Ok(v) => v,
        Err(why) => {
            return Some(format!(
                "the package's version is not one dpkg reads: {why}"
            ));
        }
    };
    let ours = match DpkgVersion::parse(release) {
        Ok(v) => v,
        Err(why) => {
            return Some(format!(
                "the release version is not a Debian version ({why}), the package is {package}"
            ));
        }
    };
    let matches = if release.contains('-') {
        same(&theirs, &ours)
    } else {
        let upstream = DpkgVersion {
            revision: String::new(),
            ..theirs.clone()
        };
        same(&upstream, &ours)
    };
    (!matches).then(|| format!("the package is version {package}, the feed's release is {release}"))
}

/// Every maintainer script, a warning that needs a written reason.
fn scripts_check(scripts: &[Script]) -> Check {
    let id = CheckId::PackageScripts;
    if scripts.is_empty() {
        return Check::pass(
            id,
            "no maintainer scripts: nothing runs while it is installed",
        );
    }
    let names: Vec<&str> = scripts.iter().map(|s| s.name.as_str()).collect();
    let findings = scripts
        .iter()
        .map(|s| {
            let mut summary = format!(
                "runs as root while the package is installed or removed; {} bytes, SHA-256 {}",
                group(s.size),
                hex::encode(s.sha256)
            );
            if let Some(what) = notable(&s.text) {
                summary.push_str(&format!("; it {what}"));
            }
            Finding::new(Status::Warn, &s.name, summary)
        })
        .collect();
    Check::warn(
        id,
        format!(
            "{} maintainer script{} ({}): each needs a written reason",
            scripts.len(),
            if scripts.len() == 1 { "" } else { "s" },
            names.join(", ")
        ),
    )
    .with_evidence("scripts", names.join(", "))
    .with_findings(findings)
}

/// What in a script a reader should look at first.
fn notable(text: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(text).to_lowercase();
    let fetches: Vec<&str> = ["curl", "wget", "http://", "https://"]
        .into_iter()
        .filter(|w| text.contains(w))
        .collect();
    let runs_fetched = [
        "| sh",
        "|sh",
        "| bash",
        "|bash",
        "sh -c \"$(",
        "bash -c \"$(",
    ]
    .iter()
    .any(|w| text.contains(w));
    match (fetches.first(), runs_fetched) {
        (Some(_), true) => Some(format!(
            "downloads and runs code ({}): what runs is not what was reviewed",
            fetches.join(", ").trim()
        )),
        (Some(_), false) => Some(format!(
            "reaches the network ({})",
            fetches.join(", ").trim()
        )),
        (None, _) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_release_version_without_revision_is_met_by_any_revision() {
        assert_eq!(version_differs("4.2.1-1", "4.2.1"), None);
        assert_eq!(version_differs("4.2.1-1", "4.2.1-1"), None);
        assert_eq!(version_differs("0:4.2.1", "4.2.1"), None);
        assert!(version_differs("4.2.1-2", "4.2.1-1").is_some());
        assert!(version_differs("1:4.2.1-1", "4.2.1").is_some());
        let why = version_differs("4.2.0-1", "4.2.1").unwrap();
        assert!(why.contains("4.2.0-1") && why.contains("4.2.1"), "{why}");
        assert!(version_differs("x", "4.2.1").unwrap().contains("dpkg"));
    }

    #[test]
    fn a_script_that_pipes_a_download_into_a_shell_is_named() {
        let said = notable(b"#!/bin/sh\ncurl -fsSL https://get.example/i.sh | sh\n").unwrap();
        assert!(said.contains("downloads and runs"), "{said}");
        assert!(notable(b"#!/bin/sh\nsystemctl daemon-reload\n").is_none());
    }
}
