//! Builders for real test material and the demo samples: OpenPGP keys and
//! signatures ([`keys`]), archives ([`archives`]), Debian packages
//! ([`deb`]), feeds laid out on disk
//! ([`layout`]) and the bundled sample releases ([`samples`]). Tests and the
//! `make-samples` command use the same code, so the samples show exactly
//! what the tests prove.
//!
//! Not part of the review engine: nothing here is used to judge anything.

#![allow(clippy::unwrap_used, clippy::expect_used)]

pub mod archives;
pub mod authenticode;
pub mod corpus;
pub mod deb;
pub mod fuzzing;
pub mod hostile;
pub mod hostile_compress;
pub mod hostile_tar;
pub mod hostile_zip;
pub mod keys;
pub mod layout;
pub mod msi;
pub mod msi_hostile;
pub mod msi_large;
pub mod msi_sign;
pub mod oci;
pub mod oci_feed;
pub mod pe;
pub mod rpm;
pub mod rpm_bytes;
pub mod samples;
pub mod server;

/// A fixed point in time, for reproducible material.
pub fn ts(text: &str) -> jiff::Timestamp {
    text.parse().unwrap_or(jiff::Timestamp::UNIX_EPOCH)
}
