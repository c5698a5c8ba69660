//! The `package.*` checks, from what a package says of itself
//! ([`Package`]): its embedded signature judged like any detached
//! signature, against the feed's pinned keys, over the bytes hashed in the
//! one pass; its own file digests; its identity against the feed; and the
//! code it runs while being installed. Listed only for package kinds.

use jiff::Timestamp;

use crate::engine::fetch::hashers::HashKey;
use crate::engine::inspect::deb::arch;
use crate::engine::inspect::package::{Embedded, Format, Package, Script};
use crate::engine::inspect::rpm;
use crate::engine::select::feed::{Artifact, Product};
use crate::engine::select::version::dpkg::{DpkgVersion, same};
use crate::engine::shared::check::{Check, CheckId, Finding, Status};
use crate::engine::shared::text::{escape_path, group};

use super::package_digests;
use crate::engine::verify::signature::key::hash_name;
use crate::engine::verify::signature::{
    self, Found, SigOutcome, SigReport, SigVerdict, TrustStore,
};

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
    let (signature, payload_signed) = signature_check(&package.signatures, trust, now);
    [
        signature,
        package_digests::digests_check(package, payload_signed),
        identity_check(package, expected),
        scripts_check(&package.scripts, package.format),
    ]
}

/// Every embedded signature, each judged as a detached signature over the
/// bytes it covers (hashed as they went by), all together as one file's
/// signatures are (threshold included); none embedded is `skip`. Also
/// whether a good signature covers the payload.
fn signature_check(embedded: &[Embedded], trust: &TrustStore, now: Timestamp) -> (Check, bool) {
    let id = CheckId::PackageSignature;
    if embedded.is_empty() {
        return (Check::skip(id, "none embedded"), false);
    }
    let mut reports = Vec::new();
    let mut unusable = None;
    let mut payload_signed = false;
    for e in embedded {
        match e.bytes.as_deref().map(signature::parse::detached) {
            Err(why) => unusable = unusable.or(Some(format!("{}: {why}", e.member))),
            Ok(Err(why)) => unusable = unusable.or(Some(format!("{}: {why}", e.member))),
            Ok(Ok(found)) => {
                let judged = judge_embedded(&found, e, trust, now);
                payload_signed |= e.covers_payload
                    && judged.iter().any(|r| {
                        r.pinned
                            && matches!(
                                r.verdict,
                                SigVerdict::Good | SigVerdict::GoodWithWarning(_)
                            )
                    });
                reports.extend(judged);
            }
        }
    }
    let outcome = match unusable {
        Some(why) => SigOutcome::Unusable(why),
        None => SigOutcome::Judged(reports),
    };
    let members: Vec<&str> = embedded.iter().map(|e| e.member.as_str()).collect();
    // One signature: what it covers; several: each one's.
    let covers: Vec<String> = match embedded {
        [one] => vec![one.covers.clone()],
        _ => embedded
            .iter()
            .map(|e| format!("{}: {}", e.member, e.covers))
            .collect(),
    };
    let check = signature::judge(id, &members.join(", "), &outcome, trust.threshold)
        .with_evidence("covers", covers.join("; "));
    let payload_signed = payload_signed && matches!(check.status, Status::Pass | Status::Warn);
    (check, payload_signed)
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
    // An MSI's ProductName is a display name ("Northwind Connector"):
    // compared only when the feed names it as the artifact's `package`.
    let name_compared = package.format != Format::Msi || expected.artifact.package.is_some();
    if let Some(name) = package.name.as_ref().filter(|_| name_compared) {
        differ(
            "Package",
            (name != want_name).then(|| {
                format!("the package is {name}, the feed names {want_name} (set the feed's `package` if the name differs from the product id)")
            }),
        );
    }
    if let Some(version) = &package.version {
        let differs = match package.format {
            Format::Deb => version_differs(version, expected.version),
            Format::Rpm => rpm_version_differs(version, expected.version),
            Format::Msi => msi_version_differs(version, expected.version),
        };
        differ("Version", differs);
    }
    if let Some(architecture) = &package.architecture {
        let platform = &expected.artifact.platform;
        let declared = expected.artifact.arch.as_deref();
        let fits = match package.format {
            Format::Deb => arch::fits(architecture, platform, declared),
            Format::Rpm => rpm::arch::fits(architecture, platform, declared),
            Format::Msi => Ok(()),
        };
        differ("Architecture", fits.err());
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

/// Why an RPM's `[epoch:]version-release` is not the release's, if it is
/// not: compared as rpm compares them; a release version without a
/// release part (`4.2.1`) is met by any release of it (`4.2.1-1.el9`).
pub(super) fn rpm_version_differs(package: &str, release: &str) -> Option<String> {
    use crate::engine::select::version::rpm::{compare, split};
    let (pe, pv, _) = split(package);
    let (re, rv, rr) = split(release);
    let same = match rr {
        Some(_) => compare(package, release).is_eq(),
        None => compare(&format!("{pe}:{pv}"), &format!("{re}:{rv}")).is_eq(),
    };
    (!same).then(|| format!("the package is version {package}, the feed's release is {release}"))
}

/// Why an MSI's ProductVersion (`major.minor.build`, numbers) is not the
/// release's, if it is not: the first three fields compared as numbers,
/// a missing field as 0 (Windows Installer ignores a fourth).
pub(super) fn msi_version_differs(package: &str, release: &str) -> Option<String> {
    let fields = |v: &str| -> Option<[u64; 3]> {
        let mut out = [0u64; 3];
        for (i, part) in v.split('.').enumerate() {
            if i < 3 {
                *out.get_mut(i)? = part.parse().ok()?;
            }
        }
        Some(out)
    };
    match (fields(package), fields(release)) {
        (None, _) => Some(format!(
            "the ProductVersion {package} is not an MSI version (numbers separated by dots)"
        )),
        (Some(p), Some(r)) if p == r => None,
        _ => Some(format!(
            "the package is version {package}, the feed's release is {release}"
        )),
    }
}

/// Every maintainer script, a warning that needs a written reason.
fn scripts_check(scripts: &[Script], format: Format) -> Check {
    let id = CheckId::PackageScripts;
    // An MSI's code is its custom actions, run by Windows Installer.
    let (what, when, none) = match format {
        Format::Msi => (
            "custom action",
            "runs while the package is installed, repaired or removed (as LocalSystem when deferred)",
            "no custom actions that run code: nothing of the vendor's runs while it is installed",
        ),
        Format::Deb | Format::Rpm => (
            "maintainer script",
            "runs as root while the package is installed or removed",
            "no maintainer scripts: nothing runs while it is installed",
        ),
    };
    if scripts.is_empty() {
        return Check::pass(id, none);
    }
    let names: Vec<&str> = scripts.iter().map(|s| s.name.as_str()).collect();
    let findings = scripts
        .iter()
        .map(|s| {
            let mut summary = format!(
                "{when}; {} bytes, SHA-256 {}",
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
            "{} {what}{} ({}): each needs a written reason",
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
    fn an_rpm_release_without_its_release_part_is_met_by_any() {
        assert_eq!(rpm_version_differs("4.2.1-1.el9", "4.2.1"), None);
        assert_eq!(rpm_version_differs("0:4.2.1-1.el9", "4.2.1-1.el9"), None);
        assert!(rpm_version_differs("1:4.2.1-1", "4.2.1").is_some());
        assert!(rpm_version_differs("4.2.1-2", "4.2.1-1").is_some());
        assert!(rpm_version_differs("4.2.10-1", "4.2.1").is_some());
    }

    #[test]
    fn a_script_that_pipes_a_download_into_a_shell_is_named() {
        let said = notable(b"#!/bin/sh\ncurl -fsSL https://get.example/i.sh | sh\n").unwrap();
        assert!(said.contains("downloads and runs"), "{said}");
        assert!(notable(b"#!/bin/sh\nsystemctl daemon-reload\n").is_none());
    }
}
