//! The verification engine: every rule of a review, as plain synchronous
//! functions over `std::io::Read`, with no terminal code.
//!
//! The folders follow the walk an operator takes, and each imports only
//! the folders above it in this list (a boundary test keeps it so):
//!
//! - [`shared`]: the vocabulary every step speaks: check ids and results,
//!   events, errors, bounded reads, text escaping.
//! - [`select`]: the feed, its versions and sources, which releases local
//!   media hold, the selection checks.
//! - [`fetch`]: the sources in order, HTTP, the evidence files, and the one
//!   read pass that feeds every consumer of the artifact's bytes.
//! - [`verify`]: checksum files and OpenPGP signatures.
//! - [`inspect`]: one module per artifact kind, walking its entries into
//!   the shared entry, safety, contents and manifest machinery.
//! - [`review`]: runs the steps above in order and holds what they found.
//! - [`record`]: sign-off, the checklist, the store, the history, audit and
//!   recheck.
//!
//! Steps take a [`shared::event::Reporter`] to push progress and log lines,
//! and a [`shared::event::Cancel`] token; they *return* their result. Check
//! results are data ([`shared::check::Check`]); an [`Error`] means a step
//! could not run.

pub mod fetch;
pub mod inspect;
pub mod record;
pub mod review;
pub mod select;
pub mod shared;
pub mod verify;

pub use shared::error::{Error, ErrorClass};
