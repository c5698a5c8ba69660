//! A vendor's software bill of materials: what the release says it is made
//! of. Read from CycloneDX or SPDX JSON ([`read`]), checked for what a
//! reader could take two ways (duplicate references, package URLs that do
//! not parse), and compared with the last approved release's ([`compare`]).

pub mod compare;
pub mod purl;
pub mod read;

use std::collections::BTreeSet;

/// The SBOM of the release approved last on this platform, as the store
/// keeps it with that release's evidence, or why there is none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Baseline {
    None(String),
    Found { version: String, bytes: Vec<u8> },
}

/// What an SBOM lists, in the document's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sbom {
    /// `CycloneDX 1.6`, `SPDX 2.3`.
    pub format: String,
    pub components: Vec<Component>,
    /// Files the document lists (CycloneDX `file` components, SPDX `files`).
    pub files: Vec<ListedFile>,
}

/// One component (a library, an application, a package).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Component {
    /// With its group or namespace when the document gives one.
    pub name: String,
    pub version: Option<String>,
    /// Package URL (`pkg:deb/debian/openssl@3.0.15-1`).
    pub purl: Option<String>,
    pub supplier: Option<String>,
    /// Lower-case hex, as the document wrote it (checked by [`Sbom::problems`]).
    pub sha256: Option<String>,
    /// `bom-ref` (CycloneDX) or `SPDXID`.
    pub reference: Option<String>,
}

/// A file the SBOM lists, to be found among the artifact's entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedFile {
    pub path: String,
    pub sha256: Option<String>,
}

impl Sbom {
    pub fn new(format: String) -> Sbom {
        Sbom {
            format,
            components: Vec::new(),
            files: Vec::new(),
        }
    }

    /// What makes the document ambiguous or unreadable in part: a
    /// reference given to two components (what refers to it could mean
    /// either), a package URL that does not parse (the component cannot be
    /// matched), a SHA-256 that is not 64 hex digits.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let mut seen = BTreeSet::new();
        for c in &self.components {
            if let Some(r) = &c.reference
                && !seen.insert(r.as_str())
            {
                problems.push(format!(
                    "the reference {r:?} is given to more than one component"
                ));
            }
            if let Some(p) = &c.purl
                && let Err(why) = purl::Purl::parse(p)
            {
                problems.push(format!(
                    "{}: the package URL {p:?} does not parse: {why}",
                    c.name
                ));
            }
        }
        let hashes = self
            .components
            .iter()
            .map(|c| (&c.name, &c.sha256))
            .chain(self.files.iter().map(|f| (&f.path, &f.sha256)));
        for (name, sha256) in hashes {
            if let Some(h) = sha256
                && !is_sha256_hex(h)
            {
                problems.push(format!(
                    "{name}: the SHA-256 {h:?} is not 64 hexadecimal digits"
                ));
            }
        }
        problems
    }
}

fn is_sha256_hex(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::read::{ELEMENTS_MAX, read};

    const CYCLONEDX: &str = r#"{
      "bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
      "metadata": {"component": {"type": "application", "name": "meridian"}},
      "components": [
        {"type": "library", "group": "org.hl7", "name": "hapi", "version": "2.5",
         "purl": "pkg:maven/org.hl7/hapi@2.5", "bom-ref": "hapi",
         "supplier": {"name": "HL7"}, "unknown-field": [1, 2, 3],
         "components": [{"type": "library", "name": "inner", "version": "1", "bom-ref": "hapi",
                         "purl": "inner@1"}]},
        {"type": "file", "name": "bin/meridian",
         "hashes": [{"alg": "SHA-1", "content": "00"}, {"alg": "SHA-256", "content": "ab"}]}
      ]}"#;

    #[test]
    fn cyclonedx_components_files_and_problems() {
        let sbom = read(CYCLONEDX.as_bytes()).unwrap();
        assert_eq!(sbom.format, "CycloneDX 1.6");
        let names: Vec<&str> = sbom.components.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["org.hl7/hapi", "inner"]);
        assert_eq!(sbom.components[0].supplier.as_deref(), Some("HL7"));
        assert_eq!(sbom.files.len(), 1);
        assert_eq!(sbom.files[0].sha256.as_deref(), Some("ab"));
        let problems = sbom.problems();
        assert!(
            problems
                .iter()
                .any(|p| p.contains("inner: the package URL \"inner@1\" does not parse")),
            "{problems:?}"
        );
        assert!(
            problems
                .iter()
                .any(|p| p.contains("\"hapi\" is given to more than one")),
            "{problems:?}"
        );
        assert!(
            problems
                .iter()
                .any(|p| p.contains("bin/meridian") && p.contains("not 64")),
            "{problems:?}"
        );
    }

    #[test]
    fn spdx_packages_and_files() {
        let doc = r#"{"spdxVersion": "SPDX-2.3", "SPDXID": "SPDXRef-DOCUMENT",
          "packages": [{"SPDXID": "SPDXRef-openssl", "name": "openssl", "versionInfo": "3.0.15",
             "supplier": "Organization: OpenSSL", "externalRefs": [
               {"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",
                "referenceLocator": "pkg:deb/debian/openssl@3.0.15"}]}],
          "files": [{"fileName": "./usr/bin/x", "checksums": [{"algorithm": "SHA256", "checksumValue": "cd"}]}]}"#;
        let sbom = read(doc.as_bytes()).unwrap();
        assert_eq!(sbom.format, "SPDX 2.3");
        assert_eq!(sbom.components[0].supplier.as_deref(), Some("OpenSSL"));
        assert_eq!(
            sbom.components[0].purl.as_deref(),
            Some("pkg:deb/debian/openssl@3.0.15")
        );
        assert_eq!(sbom.files[0].path, "./usr/bin/x");
    }

    #[test]
    fn documents_intake_cannot_read_are_refused_saying_why() {
        let cases = [
            (
                r#"{"bomFormat": "CycloneDX", "specVersion": "1.3"}"#,
                "1.4 to 1.6",
            ),
            (r#"{"spdxVersion": "SPDX-2.2"}"#, "SPDX JSON 2.3"),
            (
                r#"{"bomFormat": "CycloneDX", "spdxVersion": "SPDX-2.3"}"#,
                "both",
            ),
            (
                r#"{"bomFormat": "SPDX", "specVersion": "1.6"}"#,
                "only CycloneDX",
            ),
            (r#"{"name": "x"}"#, "neither"),
            ("{not json", "not a readable SBOM"),
            (
                r#"{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": {}}"#,
                "not a readable",
            ),
        ];
        for (doc, why) in cases {
            let err = read(doc.as_bytes()).unwrap_err();
            assert!(err.contains(why), "{doc}: {err}");
        }
        // Components nested 10,000 deep: refused by the JSON reader's
        // recursion limit, never a stack overflow.
        let deep = format!(
            r#"{{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": {}[]{}}}"#,
            r#"[{"name": "x", "components": "#.repeat(10_000),
            "}]".repeat(10_000)
        );
        let err = read(deep.as_bytes()).unwrap_err();
        assert!(err.contains("recursion limit"), "{err}");
        // Deep nesting in a field intake does not read is skipped unkept.
        let skipped = format!(
            r#"{{"bomFormat": "CycloneDX", "specVersion": "1.6", "x": {}{}}}"#,
            "[".repeat(10_000),
            "]".repeat(10_000)
        );
        assert_eq!(read(skipped.as_bytes()).map(|s| s.components.len()), Ok(0));
    }

    #[test]
    fn a_million_components_are_refused_before_they_fill_memory() {
        let many = format!(
            r#"{{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [{}{{}}]}}"#,
            "{},".repeat(1_000_000)
        );
        let err = read(many.as_bytes()).unwrap_err();
        assert!(err.contains(&format!("more than {ELEMENTS_MAX}")), "{err}");
        // The budget is per document: a small one reads after a refused one.
        assert!(read(CYCLONEDX.as_bytes()).is_ok());
    }
}
