//! The `package.*` checks of whole reviews of RPM packages.

use intake::engine::review::Review;
use intake::testkit::layout::FeedSpec;
use intake::testkit::rpm::RpmSpec;

use super::NAME;
use crate::support::*;

/// Release notes declaring every file of `s`.
fn notes_for(s: &RpmSpec) -> String {
    let mut t = format!("# Meridian 4.2.1\n\n## Contents: {NAME}\n\n| path | size |\n|---|---|\n");
    for f in &s.files {
        match f {
            intake::testkit::rpm::RpmFile::File(path, _, data) => {
                t.push_str(&format!("| {path} | {} |\n", data.len()))
            }
            intake::testkit::rpm::RpmFile::Symlink(path, _) => {
                t.push_str(&format!("| {path} | |\n"))
            }
            _ => {}
        }
    }
    t
}

pub(super) fn feed_for(s: &RpmSpec, bytes: Vec<u8>) -> FeedSpec {
    one_artifact_feed("linux-x86_64", NAME, bytes, Some(notes_for(s)))
}

pub(super) fn review_of(s: &RpmSpec, bytes: Vec<u8>) -> Review {
    review(&feed_for(s, bytes))
}
