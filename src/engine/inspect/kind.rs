//! What a kind of artifact is to inspection: it recognises its first bytes
//! and walks its entries into an [`ArchiveReport`] (the shared entry,
//! safety, contents and manifest machinery reads only that). The kinds
//! themselves are listed in [`super::kinds::KINDS`].

use std::io::BufRead;
use std::path::Path;

use super::meter::Limits;
use super::report::ArchiveReport;

/// What a kind's walker reads.
pub struct Input<'a> {
    /// The artifact's bytes from the first, as the read pass delivers them.
    pub bytes: &'a mut dyn BufRead,
    /// The artifact on this machine, when it is there while the pass runs
    /// (a kind that reads its index from the end first needs it).
    pub file: Option<&'a Path>,
    /// The artifact's size, when known (for the whole-artifact ratio).
    pub size: Option<u64>,
    pub limits: &'a Limits,
}

/// One kind of artifact.
pub trait Kind: Sync {
    /// Short name, as in the manifest's header and the findings (`tar.gz`).
    fn name(&self) -> &'static str;
    /// The words for it in a sentence (`a gzip-compressed tar archive`).
    fn describe(&self) -> &'static str;
    /// File-name endings that promise this kind, lower case.
    fn suffixes(&self) -> &'static [&'static str];
    /// Whether the first bytes (512, or all there are) are of this kind.
    fn recognises(&self, head: &[u8]) -> bool;
    /// Walks every entry. `None` when the kind needs [`Input::file`] and
    /// has none: it is walked again from the file once the pass has put the
    /// bytes on this machine.
    fn walk(&self, input: Input<'_>) -> Option<ArchiveReport>;
}
