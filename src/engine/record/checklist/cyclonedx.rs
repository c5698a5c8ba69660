//! The SBOM intake writes beside a checklist whose review looked inside
//! the artifact: CycloneDX 1.6 JSON naming the artifact (product, version,
//! vendor, SHA-256) as its subject, one `file` component per regular entry
//! with the SHA-256 the review computed, the vendor SBOM's components when
//! a pinned signature covered it, and the verdict as a property. The same
//! review gives the same bytes but for the timestamp and serial number.

use std::io::{self, Write};

use jiff::Timestamp;
use serde_json::{Value, json};
use sha2::Digest;

use crate::engine::review::Review;
use crate::engine::shared::verdict::Verdict;

/// The SBOM to write: everything but the file components, which are
/// streamed from the checklist's manifest when the document is written (a
/// 100,000-entry archive's SBOM is never held in memory).
#[derive(Debug, Clone)]
pub struct SbomDocument {
    /// The document without `components`.
    head: Value,
    /// The vendor's components, carried over (already in JSON form).
    vendor: Vec<Value>,
}

impl SbomDocument {
    /// The document, or `None` when the review saw no entries (a single file).
    pub fn of(review: &Review, verdict: Verdict, finished: Timestamp) -> Option<SbomDocument> {
        if !review.inspected_entries {
            return None;
        }
        let head = json!({
            "bomFormat": "CycloneDX",
            "specVersion": "1.6",
            "serialNumber": serial_number(review, finished),
            "version": 1,
            "metadata": {
                "timestamp": finished.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
                "tools": { "components": [{
                    "type": "application",
                    "name": "intake",
                    "version": env!("CARGO_PKG_VERSION"),
                }]},
                "component": {
                    "type": "application",
                    "bom-ref": "artifact",
                    "name": review.product.id,
                    "version": review.version,
                    "description": format!("{} ({})", review.product.name, review.artifact.file),
                    "supplier": { "name": review.product.vendor },
                    "hashes": [{ "alg": "SHA-256", "content": review.artifact.sha256 }],
                },
                "properties": [
                    { "name": "intake:verdict", "value": verdict.as_str() },
                    { "name": "intake:platform", "value": review.platform },
                    { "name": "intake:artifact", "value": review.artifact.file },
                ],
            },
        });
        Some(SbomDocument {
            head,
            vendor: vendor_components(review),
        })
    }

    /// Writes the document: the head's fields, then one component per
    /// regular file of `manifest` (the checklist's rendered manifest), then
    /// the vendor's components.
    pub fn write(&self, manifest: &[u8], out: &mut dyn Write) -> io::Result<()> {
        let Value::Object(head) = &self.head else {
            return Err(io::Error::other("the SBOM head is not an object"));
        };
        out.write_all(b"{")?;
        for (key, value) in head {
            serde_json::to_writer(&mut *out, key)?;
            out.write_all(b":")?;
            serde_json::to_writer(&mut *out, value)?;
            out.write_all(b",\n")?;
        }
        out.write_all(b"\"components\":[")?;
        let mut first = true;
        let files = manifest.split(|b| *b == b'\n').filter_map(file_component);
        for component in files.chain(self.vendor.iter().cloned()) {
            out.write_all(if first { b"\n" } else { b",\n" })?;
            serde_json::to_writer(&mut *out, &component)?;
            first = false;
        }
        out.write_all(b"\n]}\n")
    }

    /// The SHA-256 of the document as [`Self::write`] writes it.
    pub fn sha256(&self, manifest: &[u8]) -> String {
        let mut hashing = Hashing(sha2::Sha256::new());
        // Writing into a hash cannot fail.
        let _ = self.write(manifest, &mut hashing);
        hex::encode(hashing.0.finalize())
    }
}

/// A writer that only hashes.
struct Hashing(sha2::Sha256);

impl Write for Hashing {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A regular file's component from a manifest line
/// (`sha256<TAB>size<TAB>mode<TAB>type<TAB>escaped path`).
fn file_component(line: &[u8]) -> Option<Value> {
    let line = std::str::from_utf8(line).ok()?;
    let mut fields = line.splitn(5, '\t');
    let (sha256, _size, _mode, kind, path) = (
        fields.next()?,
        fields.next()?,
        fields.next()?,
        fields.next()?,
        fields.next()?,
    );
    (kind == "file" && is_sha256(sha256)).then(|| {
        json!({
            "type": "file",
            "bom-ref": format!("file:{path}"),
            "name": path,
            "hashes": [{ "alg": "SHA-256", "content": sha256 }],
        })
    })
}

/// The vendor SBOM's components, when a pinned signature covered it (an
/// uncovered SBOM is shown in the review, never vouched for here).
fn vendor_components(review: &Review) -> Vec<Value> {
    let Some(vendor) = review.sbom.as_ref().filter(|s| s.covered) else {
        return Vec::new();
    };
    vendor
        .sbom
        .components
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let mut v = json!({
                "type": "library",
                "bom-ref": format!("vendor:{i}"),
                "name": c.name,
            });
            if let Some(version) = &c.version {
                v["version"] = json!(version);
            }
            if let Some(purl) = &c.purl {
                v["purl"] = json!(purl);
            }
            if let Some(supplier) = &c.supplier {
                v["supplier"] = json!({ "name": supplier });
            }
            if let Some(sha) = c.sha256.as_ref().filter(|h| is_sha256(h)) {
                v["hashes"] = json!([{ "alg": "SHA-256", "content": sha.to_ascii_lowercase() }]);
            }
            v["properties"] = json!([{ "name": "intake:source", "value": vendor.file }]);
            v
        })
        .collect()
}

fn is_sha256(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// `urn:uuid:…` made from the artifact's digest, the manifest and the
/// sign-off time: the same review names itself the same way, two reviews
/// never do. The version and variant bits are set as a random UUID's are,
/// which is what CycloneDX's pattern asks for.
fn serial_number(review: &Review, finished: Timestamp) -> String {
    let mut hash = sha2::Sha256::new();
    hash.update(review.artifact.sha256.as_bytes());
    hash.update(review.platform.as_bytes());
    for e in &review.manifest {
        hash.update(e.sha256.as_bytes());
        hash.update(&e.path);
    }
    hash.update(finished.as_nanosecond().to_le_bytes());
    let mut b: [u8; 16] = [0; 16];
    b.copy_from_slice(&hash.finalize()[..16]);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex::encode(b);
    format!(
        "urn:uuid:{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}
