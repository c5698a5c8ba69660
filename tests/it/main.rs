//! The integration tests: one binary, a module per SPEC table or feature.
//! Every signature is made with real keys; every archive is real bytes.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

mod approve;
mod apt;
mod archives;
mod authenticode;
mod bounded_sources;
mod checklist;
mod checksum_forms;
mod checksums;
mod cli;
mod cli_conventions;
mod compressions;
mod deb;
mod differential;
mod engine_boundary;
mod feed_errors;
mod fetch;
mod fuzz_replay;
mod history;
mod hostile_tar;
mod hostile_zip;
mod json_contract;
mod no_checksums;
mod no_side_effects;
mod oci;
mod partial_media;
mod recheck;
mod records;
mod rpm;
mod safety_rules;
mod samples;
mod sbom;
mod signature_bounds;
mod signatures;
mod store;
mod tui_keys;
mod tui_loop;
mod tui_pty;
mod tui_update;
mod tui_view;
mod untrusted_text;
mod xz_blocks;
