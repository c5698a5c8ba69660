//! A review from start to the point of sign-off: the steps in order
//! ([`run`]), the evidence judged before the artifact's pass
//! ([`evidence`]), the artifact's inspector plugged into the pass
//! ([`inspector`]), and the result put together ([`assemble`]). The
//! result, [`Review`], holds every check except `signoff`;
//! the checklist (`record/checklist/`) adds the sign-off.

pub mod apt;
pub mod assemble;
pub mod covered;
pub mod evidence;
pub mod found;
pub mod image;
mod image_flat;
pub mod inspector;
pub mod next_steps;
pub mod package;
mod package_digests;
pub mod run;
pub mod sbom;

pub use evidence::{JudgedEvidence, declared_contents, judge_evidence};
pub use found::{
    ArtifactRecord, CertificateFile, EvidenceSource, Inputs, KeyRecord, Request, Review, Since,
    TrustRecord,
};
pub use run::run;
