//! Bad input: every structure rpm and cpio could read differently from
//! intake, or that claims more than it holds, is a finding (or a stop with
//! one), never a panic, never memory sized by the claim.

use intake::testkit::keys::SignSpec;
use intake::testkit::rpm::{RpmSpec, assemble};

use crate::support::*;

/// `s` signed by the vendor, then its payload swapped for another's (the
/// header, its digests and its signature as signed).
pub fn tampered_payload(s: &RpmSpec) -> Vec<u8> {
    let good = s.signed(vendor(), SignSpec::at(signed())).unwrap();
    let mut other = s.clone();
    if let Some(intake::testkit::rpm::RpmFile::File(_, _, data)) = other.files.first_mut() {
        data[100] ^= 0xff;
    }
    let payload = other.payload().unwrap();
    let parts = s.parts().unwrap();
    let cut = good.len() - parts.payload.len();
    let mut out = good[..cut].to_vec();
    out.extend_from_slice(&payload);
    let _ = assemble;
    out
}
