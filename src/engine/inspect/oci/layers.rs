//! The chosen layers' entries moved into the report, and the cosign
//! signatures beside the image. A layer's entries were judged under the
//! names they hold (so `..` and absolute names are findings); they are then
//! named `layer-<n>/<path>` (the path as it is installed, without its
//! leading `/`), so the manifest says which layer an entry comes from and
//! the names round-trip through the manifest's escaping. Whiteouts
//! (`.wh.<name>`, `.wh..wh..opq`) are listed, not judged unsafe.

use crate::engine::inspect::deb::rooted;
use crate::engine::inspect::report::Entry;
use crate::engine::shared::check::Finding;
use crate::engine::shared::text::escape_path;

use super::CosignSignature;
use super::docs::{self, Descriptor, Document};
use super::gather::Content;
use super::resolver::Resolver;

/// How many whiteouts are named in the notes (the rest counted).
const WHITEOUTS_NAMED: usize = 5;

/// Moves the walked layer `name` (the `index`th, 0-based) into the report,
/// its uncompressed digest checked against the config's `diff_id`.
pub(super) fn take_layer(r: &mut Resolver<'_>, name: &str, index: usize, diff_id: Option<&str>) {
    let role = format!("layer {}", index + 1);
    let content = r
        .files
        .get_mut(name)
        .map(|b| std::mem::replace(&mut b.content, Content::Other));
    let layer = match content {
        Some(Content::Layer(layer)) => layer,
        _ => {
            r.fail(&role, format!("{name} is not a layer intake can walk (gzip, zstd or plain tar), or is listed twice"));
            return;
        }
    };
    let actual = format!("sha256:{}", hex::encode(layer.diff_id));
    match diff_id {
        Some(expected) if expected == actual => {}
        Some(expected) => r.fail(
            &role,
            format!(
                "its uncompressed bytes hash to {actual}, but the config's diff_id is {expected}"
            ),
        ),
        None => {}
    }
    let mut walked = layer.walked;
    let prefix = format!("layer-{}", index + 1);
    rooted::root(&mut walked.entries, &mut walked.findings, &prefix);
    for entry in &mut walked.entries {
        let mut named = prefix.as_bytes().to_vec();
        named.extend_from_slice(&entry.path);
        entry.path = named;
    }
    for finding in &mut walked.findings {
        if finding.subject.starts_with('/') {
            finding.subject = format!("{prefix}{}", finding.subject);
        }
    }
    whiteouts(r, &walked.entries);
    if let Some(why) = &walked.stopped {
        r.report
            .stopped
            .get_or_insert_with(|| format!("{prefix}: {why}"));
    }
    r.report.expanded += walked.expanded;
    r.report.findings.extend(walked.findings);
    r.report.entries.extend(walked.entries);
}

/// Notes the whiteouts of a layer.
fn whiteouts(r: &mut Resolver<'_>, entries: &[Entry]) {
    let found: Vec<String> = entries
        .iter()
        .filter(|e| {
            e.path
                .rsplit(|b| *b == b'/')
                .next()
                .is_some_and(|base| base.starts_with(b".wh."))
        })
        .map(|e| escape_path(&e.path))
        .collect();
    if found.is_empty() {
        return;
    }
    let named: Vec<&str> = found
        .iter()
        .take(WHITEOUTS_NAMED)
        .map(String::as_str)
        .collect();
    let more = found.len().saturating_sub(WHITEOUTS_NAMED);
    let tail = if more > 0 {
        format!(" and {more} more")
    } else {
        String::new()
    };
    r.image.notes.push(format!(
        "whiteouts (files a lower layer had, deleted in this one): {}{tail}",
        named.join(", ")
    ));
}

/// The cosign signature manifests `index.json` lists (tagged
/// `sha256-<hex>.sig`): the one for the pinned digest is read, its payload
/// layers and signature annotations kept for `image.signature`; others
/// are noted.
pub(super) fn cosign(r: &mut Resolver<'_>, manifests: &[Descriptor]) {
    let wanted = r
        .image
        .pinned
        .as_deref()
        .and_then(docs::sha256_hex)
        .map(|hex| format!("sha256-{hex}.sig"));
    for desc in manifests {
        let tag = desc
            .annotations
            .get(docs::REF_NAME)
            .cloned()
            .unwrap_or_default();
        if Some(&tag) != wanted.as_ref() {
            r.image.notes.push(format!(
                "a cosign signature manifest for another digest ({tag}), ignored"
            ));
            continue;
        }
        let role = format!("signature {tag}");
        let Some(name) = r.verify(desc, &role) else {
            continue;
        };
        let Some(doc) = r.doc::<Document>(&name, &role) else {
            continue;
        };
        for (i, layer) in doc.layers.unwrap_or_default().iter().enumerate() {
            let payload = payload(r, layer, &format!("{role} layer {}", i + 1));
            r.image.signatures.push(CosignSignature {
                source: format!("{tag} layer {}", i + 1),
                payload,
                signature: layer
                    .annotations
                    .get(docs::COSIGN_SIGNATURE)
                    .cloned()
                    .unwrap_or_default(),
            });
        }
    }
    // The chain's own links do not include signatures.
    r.image.chain.retain(|l| !l.role.starts_with("signature"));
}

/// A payload blob's bytes, checked against its descriptor.
fn payload(r: &mut Resolver<'_>, layer: &Descriptor, role: &str) -> Result<Vec<u8>, String> {
    let problems = r.image.problems.len();
    let name = r.verify(layer, role);
    // A broken payload makes the signature unusable, not the image's chain.
    let moved: Vec<Finding> = r.image.problems.drain(problems..).collect();
    let Some(name) = name else {
        return Err(moved.first().map_or_else(
            || "the payload could not be read".to_string(),
            |f| f.summary.clone(),
        ));
    };
    match r.files.get(&name).map(|b| &b.content) {
        Some(Content::Doc(bytes)) => Ok(bytes.clone()),
        _ => Err("the payload is not a small JSON document".to_string()),
    }
}
