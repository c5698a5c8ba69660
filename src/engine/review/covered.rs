//! A release may leave out its checksum file when the artifact carries
//! its own signed digests (SPEC): a signed RPM, a PE or MSI with
//! Authenticode, an image pinned by `digest` (that one in
//! [`super::image::pin_covers`]). `checksum.sha256` is then `skip`, naming
//! the evidence that covers the bytes instead; the artifact's SHA-256 is
//! still recorded. Without such evidence it fails.

use crate::engine::fetch::read::ArtifactRead;
use crate::engine::inspect::report::ArchiveReport;
use crate::engine::inspect::rpm;
use crate::engine::shared::check::{Check, CheckId, Status};

/// What the checklist names as the checksum file when there is none.
pub const NO_CHECKSUM_FILE: &str = "(no checksum file)";

/// `checksum.sha256` of a release that names no checksum file, before
/// the artifact's own signatures are judged.
pub fn uncovered(read: &ArtifactRead<ArchiveReport>) -> Check {
    Check::fail(
        CheckId::ChecksumSha256,
        "the release names no checksum file, and nothing signed inside the artifact covers its bytes (only a signed RPM, a PE or MSI with Authenticode, or an image pinned by `digest` may go without one)",
    )
    .with_evidence("actual", hex::encode(&read.sha256))
}

/// The same check once the artifact's own signatures are judged: `skip`
/// when one of them passed and covers every byte.
pub fn by_own_signature(
    checksum: Check,
    named: bool,
    read: &ArtifactRead<ArchiveReport>,
    package: Option<&[Check; 4]>,
    authenticode: Option<&[Check; 2]>,
) -> Check {
    if named || checksum.status != Status::Fail {
        return checksum;
    }
    let passed = |checks: &[Check], id: CheckId| {
        checks
            .iter()
            .any(|c| c.id == id && c.status == Status::Pass)
    };
    let covered_by = if read.inspected.kind == rpm::NAME
        && package.is_some_and(|p| {
            passed(p, CheckId::PackageSignature) && passed(p, CheckId::PackageDigests)
        }) {
        Some(
            "the package's own signature over its header and payload digests (package.signature, package.digests)",
        )
    } else if authenticode.is_some_and(|a| passed(a, CheckId::AuthenticodeSignature)) {
        Some("its Authenticode signature over the image digest (authenticode.signature)")
    } else {
        None
    };
    match covered_by {
        Some(by) => Check::skip(
            CheckId::ChecksumSha256,
            format!("the release names no checksum file; the bytes are covered by {by}"),
        )
        .with_evidence("actual", hex::encode(&read.sha256)),
        None => checksum,
    }
}
