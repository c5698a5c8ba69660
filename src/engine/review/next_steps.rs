//! What to do about each failure and warning, in words: a tired operator
//! at the end of a maintenance window reads what is wrong *and* what to do
//! next (never just "waive it"). Decided once every check is known, from
//! the check, its status and what its findings say.

use crate::engine::shared::check::{Check, CheckId, Status};

/// Bytes that are not the vendor's.
const TAMPERED: &str = "do not install; report it to the vendor and to security, and fetch again from the primary source";

/// Gives every failing or warning check its next step (one already set
/// at the source is kept).
pub fn add_next_steps(checks: &mut [Check]) {
    for check in checks {
        if check.next_step.is_none() {
            check.next_step = next_step(check).map(str::to_string);
        }
    }
}

/// The next step for one check, if it failed or warned.
pub fn next_step(check: &Check) -> Option<&'static str> {
    let said = Said::of(check);
    match (check.id, check.status) {
        (_, Status::Pass | Status::Skip) => None,
        (CheckId::FeedFresh, _) => Some(
            "ask whoever keeps the feed to review it and give it a new `expires` date; until then each review needs a written reason",
        ),
        (CheckId::ReleaseNewest, _) => Some(
            "install the newest release of the channel, or write why this one is needed (a waiver quoting the vendor's advice)",
        ),
        (CheckId::ReleaseRollback, Status::Fail) => Some(
            "do not install; report it to the vendor and to security: the bytes approved here before for this version differ from these",
        ),
        (CheckId::ReleaseRollback, _) => Some(
            "a rollback needs a written reason (a waiver) and the approver's agreement in the change request",
        ),
        (CheckId::FetchSource, Status::Fail) => Some(TAMPERED),
        (CheckId::FetchSource, _) if said.any(&["wrong bytes"]) => Some(TAMPERED),
        (CheckId::FetchSource, _) => Some(
            "fetch from the primary source, or confirm with the team that this source may serve the release (a waiver)",
        ),
        (CheckId::FetchSize, _) => Some(
            "fetch again from the primary source; if the size still differs from the feed, report it to the vendor",
        ),
        (CheckId::ChecksumSha256, _) => Some(checksum_step(&said)),
        (CheckId::SignatureChecksums | CheckId::SignatureArtifact, status) => {
            Some(signature_step(&said, status))
        }
        (CheckId::PackageSignature, status) => Some(signature_step(&said, status)),
        (CheckId::PackageDigests, _) => Some(
            "do not install: the package's files are not the ones its own md5sums list (altered after it was built); report it to the vendor and fetch again",
        ),
        (CheckId::PackageIdentity, _) => Some(
            "do not install: the package is not the product, version or architecture the feed names; check the feed's `package`, the release version and the platform, or ask the vendor for the right package",
        ),
        (CheckId::PackageScripts, _) => Some(
            "read each script in full (the Inspect step shows it): write for each what it does and why that is acceptable on this host (a waiver per script); ask the vendor about anything that fetches or runs code from elsewhere",
        ),
        (CheckId::AuthenticodeSignature | CheckId::AuthenticodeTimestamp, status) => {
            Some(authenticode_step(check.id, &said, status))
        }
        (CheckId::ArchiveContents, _) => Some(
            "ask the vendor for release notes that list exactly what the artifact holds (or a corrected artifact); do not install what is not declared",
        ),
        (CheckId::ArchiveSafety, Status::Fail) => Some(safety_step(&said)),
        (CheckId::ArchiveSafety, _) if said.any(&["world-writable"]) => Some(
            "ask the vendor why anyone on the host may change these entries; if that is intended, write why (a waiver naming them)",
        ),
        (CheckId::ArchiveSafety, _) => Some(
            "ask the vendor why these entries are as found; if intended, write why (a waiver naming the entries)",
        ),
        (CheckId::ImageDigest, _) => Some(
            "do not install: the image is not the one the feed pins, or a blob of it is missing or altered; fetch the image again from the vendor's media and compare `digest` with the vendor's published digest",
        ),
        (CheckId::ImageSignature, _) => Some(
            "do not install unsigned or wrongly signed images: ask the vendor for a cosign signature by the key the feed pins (`[trust] cosign_keys`), or confirm the key by another channel before pinning it",
        ),
        (CheckId::SbomComponents, Status::Fail) => Some(
            "do not install: the vendor's SBOM does not describe these bytes (or a component changed under the same version); ask the vendor for a corrected SBOM or release",
        ),
        (CheckId::SbomComponents, _) => Some(
            "read the component changes; an unsigned SBOM or a downgraded component needs the vendor's word and a written reason (a waiver)",
        ),
        (CheckId::Signoff, _) => {
            Some("give both names: the operator and the approver must be two different people")
        }
    }
}

/// Everything a check says, lower case: its summary and its findings.
struct Said(String);

impl Said {
    fn of(check: &Check) -> Said {
        let mut text = check.summary.to_lowercase();
        for f in &check.findings {
            text.push('\n');
            text.push_str(&f.summary.to_lowercase());
        }
        Said(text)
    }

    fn any(&self, words: &[&str]) -> bool {
        words.iter().any(|w| self.0.contains(w))
    }
}

fn checksum_step(said: &Said) -> &'static str {
    if said.any(&["does not match", "do not match", "mismatch"]) {
        TAMPERED
    } else if said.any(&["md5", "sha-1", "sha1"]) {
        "ask the vendor to publish SHA-256 (or SHA-512) checksums; MD5 and SHA-1 prove nothing against someone who chose the bytes"
    } else {
        "ask the vendor for a checksum file that lists this artifact once, with a SHA-256 digest"
    }
}

fn signature_step(said: &Said, status: Status) -> &'static str {
    if said.any(&["revoked as compromised", "counts as compromised"]) {
        "do not install: the key was revoked as compromised, so every signature it made is suspect, even one dated before the revocation (whoever holds the key can date a signature as they like); ask the vendor for the release signed by its new key"
    } else if said.any(&["not pinned"]) {
        "verify this fingerprint with the vendor out of band (a phone call, their website), then pin it in the feed's [trust]; until then do not install"
    } else if said.any(&["revoked", "superseded", "retired", "expired", "not alive"]) {
        "ask the vendor for a signature by a current key"
    } else if said.any(&["sha-1", "md5", "policy"]) {
        "ask the vendor to sign with SHA-256 or stronger; a weak hash lets a signature be reused for other bytes"
    } else if said.any(&[
        "cannot be used",
        "cannot be read",
        "none published",
        "no signature",
    ]) {
        "ask the vendor for the signature file; without it nobody vouches for these bytes"
    } else if status == Status::Warn {
        "read the warning; if the signature still holds for your team, write why (a waiver)"
    } else {
        "do not install: the signature does not hold for these bytes; report it to the vendor and to security"
    }
}

fn safety_step(said: &Said) -> &'static str {
    if said.any(&["decompression bomb", "expands past"]) {
        "do not unpack this artifact anywhere; report it to the vendor"
    } else if said.any(&[
        "leaves the archive",
        "outside",
        "absolute path",
        "`..`",
        "drive letter",
    ]) {
        "do not install: the archive writes outside its folder; report it to the vendor and to security"
    } else if said.any(&["dpkg"]) {
        "do not install: the package's structure is not one dpkg, APT and ar read the same way; ask the vendor for a package built with dpkg-deb"
    } else if said.any(&["setuid", "setgid"]) {
        "the vendor must declare these entries' modes (for example 4755) in the release notes' contents table, or ship them without the bit"
    } else if said.any(&[
        "tools",
        "hidden",
        "differently",
        "ambigu",
        "gnu tar",
        "bsdtar",
        "unzip",
        "zipfile",
        "tarfile",
    ]) {
        "do not install: unpacking tools could read these bytes differently from this review; ask the vendor for an archive every tool reads the same"
    } else {
        "do not install; send the findings to the vendor and ask for a corrected artifact"
    }
}

/// The next step of an `authenticode.*` check that failed or warned.
fn authenticode_step(id: CheckId, said: &Said, status: Status) -> &'static str {
    let tampered = [
        "digest mismatch",
        "hidden",
        "after the certificate table",
        "not at the end",
    ];
    match (id, status) {
        (CheckId::AuthenticodeSignature, _) if said.any(&["not pinned"]) => {
            "do not install until the publisher is confirmed: compare the certificate's SHA-256 with the vendor's published code-signing certificate, then pin it (`[trust] authenticode`) in a reviewed feed change"
        }
        (CheckId::AuthenticodeSignature, _) if said.any(&tampered) => {
            "do not install: the file was changed or added to after it was signed; fetch it again from the vendor and report it"
        }
        (CheckId::AuthenticodeSignature, _) => {
            "do not install: ask the vendor for a file signed with SHA-256 or stronger by a current, pinned code-signing certificate, with a timestamp"
        }
        (_, Status::Fail) => {
            "ask the vendor to re-sign with a timestamp from a pinned authority (or pin the authority's certificate after checking it, in `[trust] timestamp_authorities`)"
        }
        _ => {
            "without a timestamp the signature counts only while the certificate is valid: ask the vendor for a timestamped file, or write why this is acceptable (a waiver)"
        }
    }
}
