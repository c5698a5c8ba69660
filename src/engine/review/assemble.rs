//! The review put together from what the steps found: every check in
//! SPEC order, the manifest, the inputs' digests and what changed since
//! the last approval.

use crate::engine::fetch::checks;
use crate::engine::fetch::evidence::Evidence;
use crate::engine::fetch::hashers::sha256_hex;
use crate::engine::fetch::read::ArtifactRead;
use crate::engine::fetch::sources::Fetched;
use crate::engine::inspect::contents;
use crate::engine::inspect::report::ArchiveReport;
use crate::engine::select::feed::{Artifact, Feed, Release};
use crate::engine::shared::check::{Check, CheckId, Status};
use crate::engine::shared::manifest::ManifestEntry;
use crate::engine::verify::apt::IndexLink;
use crate::engine::verify::authenticode;
use crate::engine::verify::checksums::{self, Computed};
use crate::engine::verify::signature::{self, SigOutcome, TrustStore};

use super::covered::NO_CHECKSUM_FILE;
use super::evidence::JudgedEvidence;
use super::found::{ArtifactRecord, EvidenceSource, Inputs, Request, Review, since, trust_record};
use super::next_steps::add_next_steps;
use super::package::{Expected, package_checks};
use super::sbom::{SbomInputs, VendorSbom, sbom_check};

mod derived;

use derived::kept_index;

/// What the review is of.
pub(super) struct Assembly<'a> {
    pub feed: &'a Feed,
    pub trust: &'a TrustStore,
    pub release: &'a Release,
    pub artifact: &'a Artifact,
    pub request: &'a Request,
}

impl Assembly<'_> {
    /// The review, from the selection checks, the evidence and the read.
    pub fn review(
        &self,
        selection: Vec<Check>,
        evidence: Evidence,
        judged: JudgedEvidence,
        mut fetched: Fetched<ArchiveReport>,
    ) -> Review {
        let authenticode = self.authenticode_trust();
        let (checks, sbom) = self.checks(selection, &evidence, &judged, &fetched, &authenticode);
        let package = fetched.read.inspected.package.take();
        let inputs = self.inputs(&evidence, authenticode.as_ref().ok());
        // The entries move into the manifest: a hostile archive's names are
        // never held twice.
        let inspected_entries = fetched.read.inspected.is_archive();
        let manifest = self.manifest(&mut fetched.read);
        // Judged here, so the manifest (every name) is not copied for the diff.
        let since = since(&self.request.previous, &manifest);
        let read = fetched.read;
        let mut sources: Vec<EvidenceSource> = evidence
            .files()
            .map(|f| EvidenceSource {
                file: f.relative.clone(),
                source: f.source.clone(),
                url: f.url.clone(),
                sha256: sha256_hex(&f.bytes),
            })
            .collect();
        if let Some(chain) = &judged.apt
            && let IndexLink::Read { read, .. } = &chain.index
        {
            sources.push(EvidenceSource {
                file: chain.index_path.clone(),
                source: read.source.clone(),
                url: read.url.clone(),
                sha256: hex::encode(&read.sha256),
            });
        }
        Review {
            product: self.feed.product.clone(),
            version: self.release.version.clone(),
            platform: self.artifact.platform.clone(),
            channel: self.release.channel.clone(),
            started: self.request.now,
            artifact: ArtifactRecord {
                file: self.artifact.file_name().to_string(),
                source: read.source,
                url: read.url,
                url_redacted: read.url_redacted,
                size: read.bytes,
                sha256: hex::encode(&read.sha256),
                sha512: read.sha512.as_ref().map(hex::encode),
            },
            inputs,
            evidence: sources,
            trust: trust_record(self.trust),
            checks,
            manifest,
            log: Vec::new(),
            local_copy: read.local_copy,
            since,
            gathered: evidence,
            package,
            sbom,
            inspected_entries,
            apt_index: judged.apt.as_ref().and_then(kept_index),
        }
    }

    /// Every check but `signoff`, in SPEC order.
    fn checks(
        &self,
        mut selection: Vec<Check>,
        evidence: &Evidence,
        judged: &JudgedEvidence,
        fetched: &Fetched<ArchiveReport>,
        authenticode_trust: &Result<authenticode::Trust, String>,
    ) -> (Vec<Check>, Option<VendorSbom>) {
        let read = &fetched.read;
        let (package, authenticode) = self.own_signature_checks(read, authenticode_trust);
        // A package whose own signature holds meets `signatures = "required"`
        // and vouches for the setuid entries it declares.
        let package_signed = package
            .as_ref()
            .is_some_and(|[sig, ..]| matches!(sig.status, Status::Pass | Status::Warn));
        // So does a Windows file whose Authenticode signature passed (it is
        // the vendor's own signature over the bytes, as a package's is).
        let authenticode_signed = authenticode
            .as_ref()
            .is_some_and(|[sig, _]| sig.status == Status::Pass);
        let mut image = self.image_checks(read, evidence);
        // A cosign signature by a pinned key meets `signatures = "required"` too.
        let image_signed = image
            .as_ref()
            .is_some_and(|[_, sig]| sig.status == Status::Pass);
        let [checksum, sig_checksums, sig_artifact] = self.verify_checks(
            evidence,
            judged,
            read,
            package_signed || authenticode_signed || image_signed,
        );
        let checksum = super::image::pin_covers(checksum, judged, read, self.artifact);
        let checksum = super::covered::by_own_signature(
            checksum,
            judged.checksums_named,
            read,
            package.as_ref(),
            authenticode.as_ref(),
        );
        if let Some([_, sig]) = &mut image {
            // A signed checksum file that does not list the image vouches for none of it.
            let listed = checksum.status != Status::Skip;
            let others = [&sig_artifact, &sig_checksums];
            super::image::apply_required(
                self.trust.required && !package_signed && !authenticode_signed,
                sig,
                &others[..if listed { 2 } else { 1 }],
            );
        }
        // An intact APT chain vouches for the package as its own signature would.
        let apt_vouches = judged.apt.is_some()
            && checksum.status == Status::Pass
            && matches!(sig_checksums.status, Status::Pass | Status::Warn);
        let (contents, safety) =
            inspect_checks(judged, &read.inspected, package_signed || apt_vouches);
        self.apt_fresh(&mut selection, judged);
        let sbom = self.vendor_sbom(evidence, judged, read, sig_checksums.status);
        // `release.rollback` again, now that the bytes are known: a
        // re-review compares digests.
        selection.retain(|c| c.id != CheckId::ReleaseRollback);
        selection.push(self.rollback_read(read));
        selection.extend([
            checks::mixed_sources(
                checks::source_check(fetched),
                evidence,
                &read.source,
                &[&sig_checksums, &sig_artifact],
            ),
            checks::size_check(self.artifact, read.bytes),
            checksum,
            sig_checksums,
            sig_artifact,
            contents,
            safety,
        ]);
        selection.extend(package.into_iter().flatten());
        selection.extend(authenticode.into_iter().flatten());
        selection.extend(image.into_iter().flatten());
        selection.extend(self.image_identity(read));
        let (sbom_check, sbom) = sbom.map_or((None, None), |(check, sbom)| (Some(check), sbom));
        selection.extend(sbom_check);
        selection.sort_by_key(|c| c.id);
        add_next_steps(&mut selection);
        (selection, sbom)
    }

    /// The checks of the signatures the artifact carries itself: a
    /// package's (`package.*`) and a Windows image's (`authenticode.*`).
    fn own_signature_checks(
        &self,
        read: &ArtifactRead<ArchiveReport>,
        authenticode_trust: &Result<authenticode::Trust, String>,
    ) -> (Option<[Check; 4]>, Option<[Check; 2]>) {
        let package = read.inspected.package.as_deref().map(|p| {
            let expected = Expected {
                product: &self.feed.product,
                artifact: self.artifact,
                version: &self.release.version,
            };
            package_checks(p, &expected, self.trust, self.request.now)
        });
        let authenticode = read.inspected.authenticode.as_deref().map(|file| {
            let trust = authenticode_trust.as_ref().map_err(String::as_str);
            authenticode::judge(file, trust, self.request.now)
        });
        (package, authenticode)
    }

    /// `sbom.components`, when the feed names an SBOM (`checksums`: how
    /// `signature.checksums` ended, which decides whether the signed
    /// checksum file can cover the SBOM).
    fn vendor_sbom(
        &self,
        evidence: &Evidence,
        judged: &JudgedEvidence,
        read: &ArtifactRead<ArchiveReport>,
        checksums: Status,
    ) -> Option<(Check, Option<VendorSbom>)> {
        sbom_check(&SbomInputs {
            evidence,
            checksum_file: &judged.checksum_file,
            checksums_signed: matches!(checksums, Status::Pass | Status::Warn),
            trust: self.trust,
            now: self.request.now,
            baseline: &self.request.sbom_baseline,
            entries: read
                .inspected
                .is_archive()
                .then_some(read.inspected.entries.as_slice()),
        })
    }

    /// `checksum.sha256`, `signature.checksums`, `signature.artifact`
    /// (`package_signed`: the package's own signature already meets
    /// `signatures = "required"`).
    fn verify_checks(
        &self,
        evidence: &Evidence,
        judged: &JudgedEvidence,
        read: &ArtifactRead<ArchiveReport>,
        package_signed: bool,
    ) -> [Check; 3] {
        let checksums_name = evidence
            .checksums
            .as_ref()
            .map_or_else(|| NO_CHECKSUM_FILE.to_string(), |c| c.name().to_string());
        let computed = Computed {
            sha256: read.sha256.clone(),
            sha512: read.sha512.clone(),
        };
        let checksum = match (&judged.apt, &judged.checksum_problem) {
            (Some(chain), _) => chain.check(self.artifact.file_name(), &read.sha256, read.bytes),
            (None, Some(problem)) => Check::fail(CheckId::ChecksumSha256, problem.clone()),
            (None, None) if evidence.checksums.is_none() => super::covered::uncovered(read),
            (None, None) => checksums::evaluate(
                &judged.checksum_file,
                &checksums_name,
                &judged.relative,
                self.artifact.file_name(),
                &computed,
            ),
        };
        let checksums_sig_file = evidence
            .checksums_signature
            .as_ref()
            .map_or(checksums_name, |f| f.name().to_string());
        let (trust, now) = (self.trust, self.request.now);
        let mut sig_checksums = signature::judge(
            CheckId::SignatureChecksums,
            &checksums_sig_file,
            &judged.checksums_signatures,
            trust.threshold,
        );
        let artifact_outcome = match (&evidence.artifact_signature, &judged.artifact_signatures) {
            (None, _) => SigOutcome::NonePublished,
            (Some(_), Err(reason)) => SigOutcome::Unusable(reason.clone()),
            (Some(_), Ok(found)) => SigOutcome::Judged(signature::verify_with_digests(
                found,
                &read.digests,
                trust,
                now,
            )),
        };
        let artifact_sig_file = evidence
            .artifact_signature
            .as_ref()
            .map_or("", |f| f.name());
        let mut sig_artifact = signature::judge(
            CheckId::SignatureArtifact,
            artifact_sig_file,
            &artifact_outcome,
            trust.threshold,
        );
        signature::apply_required(
            trust.required && !package_signed,
            &mut sig_checksums,
            &mut sig_artifact,
        );
        [checksum, sig_checksums, sig_artifact]
    }

    /// SHA-256 of every input the verdicts rest on.
    /// The feed's Authenticode pins (small local files, read once).
    fn authenticode_trust(&self) -> Result<authenticode::Trust, String> {
        let paths = |files: &[crate::engine::select::feed::Located<std::path::PathBuf>]| {
            files.iter().map(|f| f.value.clone()).collect::<Vec<_>>()
        };
        let trust = &self.feed.trust;
        authenticode::Trust::load(
            &paths(&trust.authenticode),
            &paths(&trust.timestamp_authorities),
        )
    }

    fn inputs(&self, evidence: &Evidence, authenticode: Option<&authenticode::Trust>) -> Inputs {
        Inputs {
            feed: sha256_hex(&self.feed.bytes),
            checksums: evidence.checksums.as_ref().map(|c| sha256_hex(&c.bytes)),
            notes: evidence.notes.as_ref().map(|n| sha256_hex(&n.bytes)),
            signatures: [&evidence.checksums_signature, &evidence.artifact_signature]
                .into_iter()
                .flatten()
                .map(|f| sha256_hex(&f.bytes))
                .collect(),
            // The Authenticode pins too: the authenticode.* verdicts rest on them.
            certificates: self
                .trust
                .files
                .iter()
                .chain(authenticode.iter().flat_map(|a| {
                    a.publishers
                        .files
                        .iter()
                        .chain(&a.timestamp_authorities.files)
                }))
                .map(|(_, sha)| sha.clone())
                .collect(),
        }
    }

    /// The manifest: every entry walked, or the artifact itself when it is
    /// no archive. The entries are taken out of the read.
    fn manifest(&self, read: &mut ArtifactRead<ArchiveReport>) -> Vec<ManifestEntry> {
        if !read.inspected.is_archive() {
            return vec![ManifestEntry {
                sha256: hex::encode(&read.sha256),
                size: read.bytes,
                mode: 0o644,
                kind: "file".to_string(),
                path: self.artifact.file_name().as_bytes().to_vec(),
            }];
        }
        std::mem::take(&mut read.inspected.entries)
            .into_iter()
            .map(|e| ManifestEntry {
                sha256: e.sha256.map(hex::encode).unwrap_or_else(|| "-".to_string()),
                size: e.size,
                mode: e.mode,
                kind: e.kind.word().to_string(),
                path: e.path,
            })
            .collect()
    }
}

/// `archive.contents` and `archive.safety`, against the release notes'
/// declared contents when they can be used.
fn inspect_checks(
    judged: &JudgedEvidence,
    report: &ArchiveReport,
    package_signed: bool,
) -> (Check, Check) {
    let safety = |notes| contents::safety_check_of(report, notes, package_signed);
    match &judged.declared {
        Some((name, Err(problem))) => (
            Check::fail(
                CheckId::ArchiveContents,
                format!("the release notes cannot be used: {problem}"),
            )
            .with_evidence("notes", name.clone()),
            safety(None),
        ),
        Some((name, Ok(c))) => (
            contents::contents_check(report, Some((name, c))),
            safety(Some(c)),
        ),
        None => (contents::contents_check(report, None), safety(None)),
    }
}
