//! Reading a vendor's SBOM: CycloneDX JSON (1.4 to 1.6) or SPDX JSON (2.3),
//! told apart by what the document says it is, never by its file name.
//!
//! Small tolerant structs of our own rather than the `serde-cyclonedx` or
//! `serde-spdx` types: those model every field of the specifications (a
//! vendor's harmless deviation in a field intake never reads would refuse
//! the whole document), and neither bounds how many components a document
//! may hold. Here unknown fields are skipped without being kept, and every
//! list element of the document counts against one budget, so a document of
//! a million tiny components is refused with a clear reason instead of
//! filling memory.

use std::cell::Cell;

use serde::Deserialize;
use serde::de::{Deserializer, Error as _};

use super::{Component, ListedFile, Sbom};

/// List elements (components, files, hashes, references) one document may
/// hold in all: several times the largest SBOMs vendors ship.
pub const ELEMENTS_MAX: usize = 500_000;

thread_local! {
    /// List elements the document being read may still hold. Parsing is
    /// one call on one thread ([`read`] sets it), so a thread-local counts
    /// across every nested list without threading a seed through serde.
    static ELEMENTS_LEFT: Cell<usize> = const { Cell::new(0) };
}

/// A list element, counted against [`ELEMENTS_MAX`] before it is read.
struct Counted<T>(T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Counted<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let left = ELEMENTS_LEFT.get();
        if left == 0 {
            return Err(D::Error::custom(format!(
                "the document lists more than {ELEMENTS_MAX} components, files, hashes and references in all"
            )));
        }
        ELEMENTS_LEFT.set(left - 1);
        T::deserialize(d).map(Counted)
    }
}

fn uncounted<T>(list: Vec<Counted<T>>) -> impl Iterator<Item = T> {
    list.into_iter().map(|c| c.0)
}

/// Either document, read in one pass: what it says it is (`bomFormat` and
/// `specVersion`, or `spdxVersion`) and the lists of both formats (a
/// document has only its own; one with both claims is refused after).
#[derive(Deserialize)]
struct Document {
    #[serde(rename = "bomFormat")]
    bom_format: Option<String>,
    #[serde(rename = "specVersion")]
    spec_version: Option<String>,
    #[serde(rename = "spdxVersion")]
    spdx_version: Option<String>,
    #[serde(default)]
    components: Vec<Counted<CdxComponent>>,
    #[serde(default)]
    packages: Vec<Counted<SpdxPackage>>,
    #[serde(default)]
    files: Vec<Counted<SpdxFile>>,
}

#[derive(Deserialize)]
struct CdxComponent {
    #[serde(rename = "type", default)]
    kind: String,
    #[serde(default)]
    name: String,
    group: Option<String>,
    version: Option<String>,
    purl: Option<String>,
    supplier: Option<CdxOrganisation>,
    publisher: Option<String>,
    #[serde(default)]
    hashes: Vec<Counted<CdxHash>>,
    #[serde(rename = "bom-ref")]
    bom_ref: Option<String>,
    #[serde(default)]
    components: Vec<Counted<CdxComponent>>,
}

#[derive(Deserialize)]
struct CdxOrganisation {
    name: Option<String>,
}

#[derive(Deserialize)]
struct CdxHash {
    #[serde(default)]
    alg: String,
    #[serde(default)]
    content: String,
}

#[derive(Deserialize)]
struct SpdxPackage {
    #[serde(rename = "SPDXID")]
    id: Option<String>,
    #[serde(default)]
    name: String,
    #[serde(rename = "versionInfo")]
    version: Option<String>,
    supplier: Option<String>,
    #[serde(rename = "externalRefs", default)]
    references: Vec<Counted<SpdxReference>>,
    #[serde(default)]
    checksums: Vec<Counted<SpdxChecksum>>,
}

#[derive(Deserialize)]
struct SpdxReference {
    #[serde(rename = "referenceType", default)]
    kind: String,
    #[serde(rename = "referenceLocator", default)]
    locator: String,
}

#[derive(Deserialize)]
struct SpdxFile {
    #[serde(rename = "fileName", default)]
    name: String,
    #[serde(default)]
    checksums: Vec<Counted<SpdxChecksum>>,
}

#[derive(Deserialize)]
struct SpdxChecksum {
    #[serde(default)]
    algorithm: String,
    #[serde(rename = "checksumValue", default)]
    value: String,
}

/// Reads a document in one pass; `Err` says why it is not an SBOM intake can read
/// (not JSON, nested too deep, too many elements, neither format, or one
/// format claiming to be the other).
pub fn read(bytes: &[u8]) -> Result<Sbom, String> {
    let doc: Document = counted(bytes)?;
    let spdx = doc.spdx_version.as_deref();
    match (doc.bom_format.as_deref(), spdx) {
        (Some(_), Some(spdx)) => Err(format!(
            "the document claims to be both CycloneDX (`bomFormat`) and SPDX ({spdx}): refused rather than guessed"
        )),
        (Some("CycloneDX"), None) => {
            let version = doc.spec_version.clone().unwrap_or_default();
            if !["1.4", "1.5", "1.6"].contains(&version.as_str()) {
                return Err(format!(
                    "CycloneDX {version} is not read (CycloneDX JSON 1.4 to 1.6 is)"
                ));
            }
            Ok(from_cyclonedx(
                doc.components,
                format!("CycloneDX {version}"),
            ))
        }
        (Some(other), None) => Err(format!(
            "`bomFormat` says {other:?}: only CycloneDX (and SPDX, by `spdxVersion`) is read"
        )),
        (None, Some("SPDX-2.3")) => Ok(from_spdx(doc.packages, doc.files)),
        (None, Some(other)) => Err(format!("{other} is not read (SPDX JSON 2.3 is)")),
        (None, None) => Err(
            "neither CycloneDX (`bomFormat`) nor SPDX (`spdxVersion`): not an SBOM intake reads"
                .to_string(),
        ),
    }
}

/// Parses with a fresh element budget.
fn counted<T: for<'de> Deserialize<'de>>(bytes: &[u8]) -> Result<T, String> {
    ELEMENTS_LEFT.set(ELEMENTS_MAX);
    let parsed = serde_json::from_slice(bytes).map_err(|e| format!("not a readable SBOM: {e}"));
    ELEMENTS_LEFT.set(0);
    parsed
}

fn from_cyclonedx(components: Vec<Counted<CdxComponent>>, format: String) -> Sbom {
    let mut sbom = Sbom::new(format);
    // Nested components (assemblies) are flattened with their parents: the
    // nesting depth is bounded by the JSON reader's own recursion limit.
    // Depth first, in the document's order (the stack holds siblings reversed).
    let mut pending: Vec<CdxComponent> = uncounted(components).collect();
    pending.reverse();
    while let Some(c) = pending.pop() {
        let mut children: Vec<CdxComponent> = uncounted(c.components).collect();
        children.reverse();
        pending.extend(children);
        let sha256 = uncounted(c.hashes)
            .find(|h| h.alg.eq_ignore_ascii_case("SHA-256"))
            .map(|h| h.content);
        if c.kind == "file" {
            sbom.files.push(ListedFile {
                path: c.name,
                sha256,
            });
            continue;
        }
        let name = match c.group {
            Some(group) if !group.is_empty() => format!("{group}/{}", c.name),
            _ => c.name,
        };
        sbom.components.push(Component {
            name,
            version: c.version,
            purl: c.purl,
            supplier: c.supplier.and_then(|s| s.name).or(c.publisher),
            sha256,
            reference: c.bom_ref,
        });
    }
    sbom
}

fn from_spdx(packages: Vec<Counted<SpdxPackage>>, files: Vec<Counted<SpdxFile>>) -> Sbom {
    let mut sbom = Sbom::new("SPDX 2.3".to_string());
    for p in uncounted(packages) {
        let purl = uncounted(p.references)
            .find(|r| r.kind == "purl")
            .map(|r| r.locator);
        sbom.components.push(Component {
            name: p.name,
            version: p.version.filter(|v| v != "NOASSERTION"),
            purl,
            supplier: p.supplier.map(|s| spdx_actor(&s)),
            sha256: sha256_of(p.checksums),
            reference: p.id,
        });
    }
    for f in uncounted(files) {
        sbom.files.push(ListedFile {
            path: f.name,
            sha256: sha256_of(f.checksums),
        });
    }
    sbom
}

fn sha256_of(checksums: Vec<Counted<SpdxChecksum>>) -> Option<String> {
    uncounted(checksums)
        .find(|c| c.algorithm == "SHA256")
        .map(|c| c.value)
}

/// `Organization: Northwind Health Systems` → `Northwind Health Systems`.
fn spdx_actor(actor: &str) -> String {
    actor
        .split_once(':')
        .map_or(actor, |(_, name)| name)
        .trim()
        .to_string()
}
