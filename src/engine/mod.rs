//! The verification engine: every rule of a review, as plain synchronous
//! functions over `std::io::Read`, with no terminal code.
//!
//! Steps take a [`event::Reporter`] to push progress and log lines, and a
//! [`event::Cancel`] token; they *return* their result. Check results are
//! data ([`check::Check`]); an [`error::Error`] means a step could not run.

pub mod archive;
pub mod artifact;
pub mod audit;
pub mod check;
pub mod checklist;
pub mod checksums;
pub mod contents;
pub mod diff;
pub mod error;
pub mod event;
pub mod evidence;
pub mod feed;
pub mod fetch;
pub mod fetch_checks;
pub mod finish;
pub mod hashing;
pub mod history;
pub mod http;
pub mod limits;
pub mod notes;
pub mod recheck;
pub mod review;
pub mod select;
pub mod signature;
pub mod signing;
pub mod source;
pub mod store;
pub mod toml_spans;
pub mod version;

pub use error::{Error, ErrorClass};
