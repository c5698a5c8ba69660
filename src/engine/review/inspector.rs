//! The artifact's inspector as the read pass sees it: the walk of whatever
//! kind the bytes are, plugged into fetching, which knows nothing of kinds.

use std::path::{Path, PathBuf};

use crate::engine::fetch::pass::{ChunkReader, StreamConsumer};
use crate::engine::fetch::read::Inspector;
use crate::engine::inspect::Limits;
use crate::engine::inspect::kinds;
use crate::engine::inspect::oci::{Pin, chain};
use crate::engine::inspect::report::ArchiveReport;
use crate::engine::inspect::walk::{Walked, walk_file, walk_stream};

/// Walks the artifact named `file_name` within `limits`.
pub struct ArtifactInspector {
    pub file_name: String,
    pub limits: Limits,
    /// What a container image is resolved against (the feed's digest and
    /// platform).
    pub image_pin: Pin,
}

impl Inspector for ArtifactInspector {
    type Found = ArchiveReport;

    fn during(
        &self,
        file: Option<PathBuf>,
        size: Option<u64>,
    ) -> StreamConsumer<'static, ArchiveReport> {
        let (name, limits) = (self.file_name.clone(), self.limits.clone());
        Box::new(move |bytes: &mut ChunkReader| {
            match walk_stream(bytes, file.as_deref(), size, &name, &limits) {
                Walked::Done(report) => report,
                // Walked from the file once the pass has put it here.
                Walked::NeedsTheFile => ArchiveReport {
                    deferred: true,
                    ..ArchiveReport::new(kinds::name_of(kinds::by_name(&name)))
                },
            }
        })
    }

    fn after(&self, during: Option<ArchiveReport>, copy: Option<&Path>) -> ArchiveReport {
        let mut report = self.walked(during, copy);
        chain::settle(&mut report, &self.image_pin);
        report
    }
}

impl ArtifactInspector {
    fn walked(&self, during: Option<ArchiveReport>, copy: Option<&Path>) -> ArchiveReport {
        let named = kinds::name_of(kinds::by_name(&self.file_name));
        match (during, copy) {
            (Some(report), _) if !report.deferred => report,
            (Some(_), Some(copy)) => walk_file(copy, &self.file_name, &self.limits),
            (Some(_), None) => stopped(
                named,
                "it could not be walked: the bytes are not on this machine",
            ),
            (None, _) => stopped(named, "the archive walk stopped unexpectedly"),
        }
    }
}

fn stopped(kind: &'static str, why: &str) -> ArchiveReport {
    let mut report = ArchiveReport::new(kind);
    report.stop("(archive)", why);
    report
}
