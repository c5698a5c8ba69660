//! The walk on a container image at 80x24: Inspect lists the layers'
//! entries under `layer-<n>/`, and `l` shows one layer at a time (after
//! the last, every entry again), saying which in words.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use intake::engine::select::feed::Feed;
use intake::testkit::oci_feed::ImageFeed;
use intake::tui::model::Screen;

use super::layout;
use crate::support::tui::{model_of, press, render, reviewed};
use crate::support::*;

#[test]
fn l_shows_an_images_layers_one_at_a_time() {
    let image = layout();
    let pinned = image.pinned.clone();
    let feed = ImageFeed::tar("meridian-4.2.1.oci.tar", image.tar().unwrap(), &pinned);
    let dir = tempfile::tempdir().unwrap();
    let path = feed.write(dir.path(), vendor(), signed()).unwrap();
    let review = try_review_at(&path, "4.2.1", &feed.platform, now()).unwrap();
    let layers = super::paths(&review)
        .iter()
        .filter_map(|p| {
            p.strip_prefix("layer-")?
                .split_once('/')
                .map(|(n, _)| n.to_string())
        })
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    assert!(layers >= 2, "the sample image has {layers} layers");
    let mut m = model_of(Feed::load(Path::new(&path)).unwrap(), BTreeMap::new());
    reviewed(&mut m, Arc::new(review));
    m.screen = Screen::Inspect;
    let all = render(&mut m, 80, 24);
    assert!(all.contains(&format!("(l)ayers {layers}")), "{all}");
    press(&mut m, "l");
    let first = render(&mut m, 80, 24);
    assert!(first.contains(&format!("[(l)ayer 1/{layers}]")), "{first}");
    assert!(first.contains("layer-1/"), "{first}");
    assert!(!first.contains("layer-2/"), "{first}");
    press(&mut m, "l");
    let second = render(&mut m, 80, 24);
    assert!(
        second.contains(&format!("[(l)ayer 2/{layers}]")),
        "{second}"
    );
    assert!(!second.contains("layer-1/"), "{second}");
    press(&mut m, &"l".repeat(layers - 1));
    let again = render(&mut m, 80, 24);
    assert!(again.contains("[(a)ll"), "{again}");
}
