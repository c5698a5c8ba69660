//! Step 3, Verify: the checksum file (every form `sha256sum` and friends
//! write) and OpenPGP signatures over the checksum file and the artifact.

pub mod apt;
pub mod authenticode;
pub mod checksums;
pub mod cosign;
pub mod sbom;
pub mod signature;
