//! `package.digests`: what a package lists of its own bytes (an RPM's
//! header and payload digests, every package's file digests) against the
//! bytes as they streamed past, and whether anything vouches for a payload
//! that has no digest of its own.

use crate::engine::inspect::package::{ListedDigests, Package};
use crate::engine::shared::check::{Check, CheckId, Finding, Status};
use crate::engine::shared::text::group;

/// The package's own digests of its parts (an RPM's header and payload)
/// and of its files. A part's digest that disagrees fails, and so does a
/// payload no digest or good signature protects. Agreement of MD5 file
/// digests only shows the package is consistent with itself.
pub(super) fn digests_check(package: &Package, payload_signed: bool) -> Check {
    let mut check = files_digests(&package.digests);
    let mut parts: Vec<Finding> = package
        .integrity
        .iter()
        .map(|i| match &i.outcome {
            Ok(hex) => Finding::new(Status::Pass, &i.what, format!("agrees: {hex}")),
            Err(why) => Finding::new(Status::Fail, &i.what, why.clone()),
        })
        .collect();
    if package.payload_needs_signature && !payload_signed {
        parts.push(Finding::new(
            Status::Fail,
            "(payload)",
            "no payload digest in the header and no good pinned signature over header and payload: nothing vouches for the files the package installs",
        ));
    }
    for part in &parts {
        let value = match part.status {
            Status::Pass => part.summary.clone(),
            _ => format!("FAILS: {}", part.summary),
        };
        check = check.with_evidence(&part.subject, value);
    }
    let failed: Vec<Finding> = parts
        .into_iter()
        .filter(|f| f.status == Status::Fail)
        .collect();
    if let Some(first) = failed.first() {
        let files_too = if check.status == Status::Fail {
            "; file digests fail too"
        } else {
            ""
        };
        check.status = Status::Fail;
        check.summary = format!("{}: {}{files_too}", first.subject, first.summary);
    } else if check.status == Status::Skip && !package.integrity.is_empty() {
        check.status = Status::Pass;
        check.summary = "the header and payload digests agree with the bytes; the package lists no file digests".into();
    } else if check.status == Status::Pass && !package.integrity.is_empty() {
        check.summary = format!("header and payload digests agree; {}", check.summary);
    }
    let mut findings = failed;
    findings.append(&mut check.findings);
    check.with_findings(findings)
}

/// The package's own digests of its files.
fn files_digests(digests: &ListedDigests) -> Check {
    let id = CheckId::PackageDigests;
    let ListedDigests::Compared {
        list,
        algorithm,
        agreed,
        unlisted,
        findings,
    } = digests
    else {
        return Check::skip(id, "the package lists no digests of its files");
    };
    let failed = findings.iter().filter(|f| f.status == Status::Fail).count();
    let evidence_free = *algorithm != "MD5";
    let check = if failed > 0 {
        Check::fail(
            id,
            format!(
                "{failed} of the package's own {algorithm} digests ({list}) do not hold: its files are not the ones it lists"
            ),
        )
    } else if evidence_free {
        Check::pass(
            id,
            format!(
                "{} files agree with {list} ({algorithm}), as the header lists them",
                group(*agreed)
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
