//! Checks and records the assembly derives from what the read found,
//! beside the main list in [`super`]: a container image's checks and
//! identity, `release.rollback` with the bytes' digest, the APT Release's
//! freshness, and the verified APT index the store keeps.

use crate::engine::fetch::evidence::Evidence;
use crate::engine::fetch::read::ArtifactRead;
use crate::engine::inspect::report::ArchiveReport;
use crate::engine::select::rollback;
use crate::engine::select::version::Scheme;
use crate::engine::shared::check::{Check, CheckId};
use crate::engine::verify::apt::{self, IndexLink};

use super::super::evidence::JudgedEvidence;
use super::super::found::KeptIndex;
use super::super::image;
use super::Assembly;

impl Assembly<'_> {
    /// `image.digest` (with how many layers are unchanged since the last
    /// approval) and `image.signature`, when the artifact is an image.
    pub(super) fn image_checks(
        &self,
        read: &ArtifactRead<ArchiveReport>,
        evidence: &Evidence,
    ) -> Option<[Check; 2]> {
        let image = read.inspected.image.as_deref().filter(|i| i.settled)?;
        let bundle = evidence.bundle.as_ref();
        let [digest, signature] =
            image::image_checks(image, bundle, &self.feed.trust, &self.feed.dir);
        let reuse = image::layers_unchanged(&self.request.previous, &read.inspected.entries);
        let digest = match reuse {
            Some(reuse) => digest.with_evidence("layers", reuse),
            None => digest,
        };
        Some([digest, signature])
    }

    /// A Release past its `Valid-Until` makes `feed.fresh` warn.
    pub(super) fn apt_fresh(&self, selection: &mut [Check], judged: &JudgedEvidence) {
        if let Some(chain) = &judged.apt
            && let Some(fresh) = selection.iter_mut().find(|c| c.id == CheckId::FeedFresh)
        {
            apt::chain::fresh(fresh, chain, self.request.now);
        }
    }

    /// `package.identity` for an image: its platform and labels.
    pub(super) fn image_identity(&self, read: &ArtifactRead<ArchiveReport>) -> Option<Check> {
        image::identity_check(
            read.inspected.image.as_deref()?,
            self.feed.product.package_name(),
            &self.release.version,
            &self.artifact.platform,
        )
    }

    /// `release.rollback` with the bytes read: a re-review compares digests.
    pub(super) fn rollback_read(&self, read: &ArtifactRead<ArchiveReport>) -> Check {
        rollback::rollback_check_read(
            &self.request.previous,
            &self.request.approvals,
            &self.release.version,
            &self.artifact.platform,
            &hex::encode(&read.sha256),
            Scheme::of(self.feed),
        )
    }
}

/// The index the chain's first link verified, when its bytes are still on
/// this machine.
pub(super) fn kept_index(chain: &apt::Chain) -> Option<KeptIndex> {
    let IndexLink::Read { listed, read } = &chain.index else {
        return None;
    };
    let verified = read.sha256 == listed.sha256 && read.bytes == listed.size;
    Some(KeptIndex {
        relative: chain.index_path.clone(),
        file: read.kept.clone().filter(|_| verified)?,
        sha256: hex::encode(&read.sha256),
    })
}
