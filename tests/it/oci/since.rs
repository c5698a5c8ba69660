//! The diff since the last approved image works on the flattened
//! filesystem: a file that moved between layers is no change, a whiteout
//! removes what it hides, a changed file is a change.

use intake::engine::review::{self, Request, Since};
use intake::engine::select::feed::Feed;
use intake::engine::shared::check::CheckId;
use intake::engine::shared::event::{Cancel, Quiet};
use intake::engine::verify::signature::TrustStore;
use intake::testkit::archives::Entry;
use intake::testkit::oci::ImageSpec;
use intake::testkit::oci_feed::ImageFeed;

use super::*;
use crate::support::tui::approved;

/// Reviews `spec`'s image with `previous` as the last approval here.
fn review_after(spec: &ImageSpec, previous: intake::engine::select::rollback::Previous) -> Review {
    let image = spec.build().unwrap();
    let mut feed = ImageFeed::tar("m.oci.tar", image.tar().unwrap(), &image.pinned.clone());
    feed.signatures = Some("optional".into());
    let dir = tempfile::tempdir().unwrap();
    let path = feed.write(dir.path(), vendor(), signed()).unwrap();
    let feed = Feed::load(&path).unwrap();
    let trust = TrustStore::load(&feed).unwrap();
    let request = Request {
        version: "4.2.1".into(),
        platform: "linux-x86_64".into(),
        now: now(),
        fetch: intake::engine::fetch::open::FetchSettings {
            offline: true,
            ..Default::default()
        },
        limits: Default::default(),
        stage_dir: None,
        previous,
        approvals: Vec::new(),
        sbom_baseline: intake::engine::verify::sbom::Baseline::None("none".into()),
    };
    review::run(&feed, &trust, &request, &mut Quiet, &Cancel::new()).unwrap()
}

#[test]
fn files_moved_between_layers_are_no_change_and_whiteouts_apply() {
    let mut spec = ImageSpec::meridian();
    spec.platforms.truncate(1);
    let first = review_after(&spec, intake::engine::select::rollback::Previous::None);
    // The application moves into the base layer; the motd comes back, changed.
    let p = &mut spec.platforms[0];
    let app = p.layers[1][1].clone();
    p.layers[0].push(Entry::dir("opt/meridian/"));
    p.layers[0].push(app);
    p.layers[1] = vec![Entry::file("etc/motd", "hello again\n")];
    let second = review_after(&spec, approved(&first));
    let Since::Changes { diff, .. } = &second.since else {
        panic!("{:?}", second.since);
    };
    assert_eq!(diff.added, ["etc/motd"], "{diff:?}");
    assert!(
        diff.removed.is_empty() && diff.changed.is_empty(),
        "{diff:?}"
    );
    let layers = &check(&second, CheckId::ImageDigest).evidence["layers"];
    assert_eq!(
        layers,
        "0 of 2 layers unchanged since 4.2.1 (entry for entry)"
    );
}

#[test]
fn layers_the_last_approved_image_had_are_counted_unchanged() {
    let mut spec = ImageSpec::meridian();
    spec.platforms.truncate(1);
    let first = review_after(&spec, intake::engine::select::rollback::Previous::None);
    assert!(
        !check(&first, CheckId::ImageDigest)
            .evidence
            .contains_key("layers")
    );
    spec.platforms[0].layers[1].push(Entry::file("opt/meridian/NEWS", "4.2.1\n"));
    let second = review_after(&spec, approved(&first));
    let layers = &check(&second, CheckId::ImageDigest).evidence["layers"];
    assert!(layers.starts_with("1 of 2 layers unchanged"), "{layers}");
}
