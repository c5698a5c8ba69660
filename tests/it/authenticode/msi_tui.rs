//! The walk on an MSI at 80x24: Verify names the publisher and the
//! timestamp, Inspect lists the custom actions that run code (with their
//! script) and the files the package installs, by target path.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use intake::engine::select::feed::Feed;
use intake::engine::shared::check::CheckId;
use intake::testkit::msi as msi_kit;
use intake::tui::model::Screen;

use super::msi::{msi_feed, unsigned};
use super::{PLATFORM, parties};
use crate::support::tui::{model_of, press, render, reviewed};
use crate::support::*;

#[test]
fn the_walk_shows_who_signed_an_msi_and_what_it_installs_and_runs() {
    let p = parties();
    let bytes = msi_kit::sign(&unsigned(), &p.vendor, Some(&p.stamp()));
    let w = write(&msi_feed(
        bytes,
        &[("vendor-ca.pem", &p.vendor.ca.cert_pem)],
        &[("tsa-ca.pem", &p.tsa.ca.cert_pem)],
    ));
    let review = try_review_at(&w.feed, "4.2.1", PLATFORM, now()).unwrap();
    let mut m = model_of(Feed::load(Path::new(&w.feed)).unwrap(), BTreeMap::new());
    reviewed(&mut m, Arc::new(review.clone()));
    let at = |id| review.checks.iter().position(|c| c.id == id).unwrap();
    press(&mut m, &"j".repeat(at(CheckId::AuthenticodeSignature)));
    let screen = render(&mut m, 80, 24);
    assert!(
        screen.contains("authenticode.signature signed by Northwind"),
        "{screen}"
    );
    assert!(
        screen.contains("Evidence: authenticode.signature"),
        "{screen}"
    );
    press(&mut m, "j");
    let screen = render(&mut m, 80, 24);
    assert!(
        screen.contains("signed at 2026-03-01T00:00:00Z"),
        "{screen}"
    );
    m.screen = Screen::Inspect;
    let screen = render(&mut m, 80, 24);
    assert!(screen.contains("OpenFirewall (custom actio"), "{screen}");
    assert!(screen.contains("RegisterService (custom ac"), "{screen}");
    assert!(
        screen.contains("[ProgramFiles64Folder]/Northwind/Connector/"),
        "{screen}"
    );
    assert!(screen.contains("target: (the script below)"), "{screen}");
    let taller = render(&mut m, 80, 40);
    assert!(taller.contains("netsh advfirewall"), "{taller}");
}
