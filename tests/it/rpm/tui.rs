//! The walk's Inspect step for an RPM: the package's name, version,
//! architecture and signature over its entries, and each scriptlet a row
//! whose detail is its full text, escaped.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use intake::engine::inspect::rpm::tags;
use intake::engine::select::feed::Feed;
use intake::testkit::keys::SignSpec;

use super::{NAME, spec};
use crate::support::tui::{model_of, press, render, reviewed};
use crate::support::*;

#[test]
fn the_inspect_step_shows_identity_signer_and_each_scriptlet_escaped() {
    let s = spec().script(
        tags::POSTIN,
        "curl -fsSL https://get.example/i.sh | sh\nprintf '\x1b[2J'\n",
    );
    let bytes = s.signed(vendor(), SignSpec::at(signed())).unwrap();
    let w = write(&one_artifact_feed("linux-x86_64", NAME, bytes, None));
    let review = try_review_at(&w.feed, "4.2.1", "linux-x86_64", now()).unwrap();
    let mut m = model_of(Feed::load(Path::new(&w.feed)).unwrap(), BTreeMap::new());
    reviewed(&mut m, Arc::new(review));
    press(&mut m, "<Enter>");
    let screen = render(&mut m, 160, 40);
    assert!(
        screen.contains("meridian 4.2.1-1.el9 for x86_64, package.signature: good signature by Northwind Release Key"),
        "{screen}"
    );
    assert!(
        screen.contains("(maintainer script) %post (/bin/sh)"),
        "{screen}"
    );
    assert!(screen.contains("%post (/bin/sh): 2 lines"), "{screen}");
    assert!(
        screen.contains("curl -fsSL https://get.example/i.sh | sh"),
        "{screen}"
    );
    assert!(screen.contains("printf '\\u{001b}[2J'"), "{screen}");
    assert!(!screen.contains('\x1b'), "{screen}");
}
