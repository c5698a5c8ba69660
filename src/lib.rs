//! intake: staged install review of vendor releases.
//!
//! A *review* walks one release artifact of one product through fixed steps:
//! select the release and platform, fetch the artifact and its evidence,
//! verify checksums and OpenPGP signatures against the team's feed, inspect
//! the archive, and sign off. The result is a checklist (TOML record,
//! Markdown rendering, manifest) to attach to a change request.
//!
//! [`engine`] holds every rule and has no terminal code; [`cli`] is the
//! non-interactive front end over it; [`tui`] is the interactive walk over
//! the same engine. `testkit` (behind the `testkit` feature, never in the
//! shipped binary) builds keys, signatures and releases for the demo samples
//! and for the tests.

pub mod cli;
pub mod engine;
pub mod settings;
#[cfg(feature = "testkit")]
pub mod testkit;
pub mod tui;
pub mod units;
