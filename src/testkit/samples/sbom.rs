//! The vendor SBOMs of the demo product: 4.2.0's, and 4.2.1's, which
//! upgrades one component and adds one; and the training lesson whose SBOM
//! does not describe the archive it ships with.

use anyhow::Result;
use sha2::Digest;

use super::{DemoKeys, release};
use crate::testkit::layout::{FileSpec, ReleaseSpec};
use crate::testkit::ts;

/// Files every platform's archive of a version holds with the same bytes.
const SHARED_FILES: [(&str, &str); 2] = [
    (
        "conf/routes.toml",
        "[[route]]\nfrom = \"ADT^A01\"\nto = \"ehr\"\n",
    ),
    ("LICENSE", "Demo material for intake. No rights reserved.\n"),
];

/// `(purl without version, version)` of the demo product's components.
fn components(version: &str) -> Vec<(&'static str, &'static str)> {
    let mut c = vec![
        ("pkg:deb/debian/openssl", "3.0.11-1~deb12u2"),
        ("pkg:npm/hl7-parser", "2.0.4"),
        ("pkg:maven/ca.uhn.hapi.fhir/hapi-fhir-base", "6.10.0"),
    ];
    if version != "4.2.0" {
        c[0].1 = "3.0.15-1~deb12u1";
        c.push(("pkg:npm/fhir-validator", "1.2.0"));
    }
    c
}

/// A CycloneDX 1.6 SBOM of the demo product at `version`, listing `files`
/// (`(path, content)`) with their SHA-256.
fn cyclonedx(version: &str, files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut list: Vec<serde_json::Value> = components(version)
        .into_iter()
        .map(|(purl, v)| {
            serde_json::json!({
                "type": "library",
                "bom-ref": purl,
                "name": purl.rsplit('/').next().unwrap_or(purl),
                "version": v,
                "purl": format!("{purl}@{v}"),
            })
        })
        .collect();
    list.extend(files.iter().map(|(path, bytes)| {
        serde_json::json!({
            "type": "file",
            "bom-ref": format!("file:{path}"),
            "name": path,
            "hashes": [{"alg": "SHA-256", "content": hex::encode(sha2::Sha256::digest(bytes))}],
        })
    }));
    let doc = serde_json::json!({
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "version": 1,
        "metadata": {"component": {"type": "application", "name": "meridian", "version": version,
            "supplier": {"name": "Northwind Health Systems"}}},
        "components": list,
    });
    let mut bytes = serde_json::to_vec_pretty(&doc).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// The SBOM file of a demo release, describing its shared files.
pub(super) fn demo_sbom(version: &str) -> FileSpec {
    let files: Vec<(&str, &[u8])> = SHARED_FILES
        .iter()
        .map(|(p, c)| (*p, c.as_bytes()))
        .collect();
    FileSpec::new(
        &format!("meridian-{version}.cdx.json"),
        cyclonedx(version, &files),
    )
}

/// Ships the demo SBOM with `r`, listed in its signed checksum file.
pub(super) fn with_sbom(r: ReleaseSpec, k: &DemoKeys, signed_at: &str) -> Result<ReleaseSpec> {
    let sbom = demo_sbom(&r.version);
    r.with_signed_sbom(sbom, &k.release, ts(signed_at))
}

/// A signed release whose signed SBOM gives its engine binary another
/// SHA-256 (the SBOM of another build): `sbom.components` fails.
pub(super) fn sbom_disagrees_lesson(k: &DemoKeys) -> Result<ReleaseSpec> {
    let version = "sbom-disagrees";
    let mut r = release(
        version,
        "2026-03-02",
        &k.release,
        "2026-03-02T10:14:07Z",
        &["linux-x86_64"],
    )?;
    r.channel = version.to_string();
    let mut files: Vec<(&str, &[u8])> = SHARED_FILES
        .iter()
        .map(|(p, c)| (*p, c.as_bytes()))
        .collect();
    files.push(("bin/meridian", b"the engine binary of another build"));
    let sbom = FileSpec::new(
        &format!("meridian-{version}.cdx.json"),
        cyclonedx("4.2.1", &files),
    );
    r.with_signed_sbom(sbom, &k.release, ts("2026-03-02T10:14:07Z"))
}
