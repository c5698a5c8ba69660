//! Step 4, Inspect: every entry of the artifact, read as a stream in the
//! same pass that hashes it, with nothing extracted and nothing held whole
//! in memory. Each kind ([`kinds::KINDS`]) recognises its bytes and walks
//! its entries into one [`report::ArchiveReport`]; every entry is hashed,
//! recorded for the manifest and checked for safety as it goes by; the
//! release notes' declared contents ([`notes`]) are compared with what was
//! found ([`contents`]), and the manifest with the last approval's
//! ([`diff`]).
//!
//! The headers are parsed here ([`tar`], [`zip`]) rather than by the `tar`
//! and `zip` crates: a hostile archive must never make the reader allocate
//! what a size field claims, duplicates must be seen rather than merged, and
//! a corrupt archive must be reported with the entry and offset.
//! Decompression stays with well-kept decoders ([`compress`]).

pub mod compress;
pub mod contents;
pub mod deb;
pub mod diff;
pub mod hasher;
pub mod kind;
pub mod kinds;
pub mod meter;
pub mod msi;
pub mod notes;
pub mod oci;
pub mod package;
pub mod package_arch;
pub mod pe;
pub mod report;
pub mod rpm;
pub mod safety;
pub mod tar;
pub mod walk;
pub mod zip;

pub use meter::Limits;
