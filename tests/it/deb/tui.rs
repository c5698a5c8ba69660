//! The walk shows what a package runs at install: each maintainer script
//! is a row of the Inspect step (first, with its warning), whose detail is
//! the script's text, escaped; the Verify step's `package.scripts`
//! evidence scrolls through every script in full.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use intake::engine::select::feed::Feed;
use intake::engine::shared::check::CheckId;

use super::{NAME, spec};
use crate::support::tui::{model_of, press, render, reviewed};
use crate::support::*;

#[test]
fn the_inspect_step_shows_each_maintainer_script_escaped() {
    let s = spec().script(
        "postinst",
        "#!/bin/sh\nset -e\ncurl -fsSL https://get.example/i.sh | sh\nprintf '\x1b[2J'\n",
    );
    let w = write(&one_artifact_feed(
        "linux-x86_64",
        NAME,
        s.build().unwrap(),
        None,
    ));
    let review = try_review_at(&w.feed, "4.2.1", "linux-x86_64", now()).unwrap();
    let mut m = model_of(Feed::load(Path::new(&w.feed)).unwrap(), BTreeMap::new());
    reviewed(&mut m, Arc::new(review.clone()));
    // Verify: the package.scripts evidence holds the script in full.
    let at = review
        .checks
        .iter()
        .position(|c| c.id == CheckId::PackageScripts)
        .unwrap();
    press(&mut m, &"j".repeat(at));
    let screen = render(&mut m, 100, 40);
    assert!(screen.contains("--- postinst ---"), "{screen}");
    assert!(
        screen.contains("curl -fsSL https://get.example/i.sh | sh"),
        "{screen}"
    );
    // Inspect: the script's row comes first; its detail is its text.
    press(&mut m, "<Enter>");
    let screen = render(&mut m, 100, 40);
    assert!(screen.contains("(maintainer script) postinst"), "{screen}");
    assert!(screen.contains("postinst: 4 lines"), "{screen}");
    assert!(screen.contains("set -e"), "{screen}");
    assert!(screen.contains("printf '\\u{001b}[2J'"), "{screen}");
    assert!(!screen.contains('\x1b'), "{screen}");
}
