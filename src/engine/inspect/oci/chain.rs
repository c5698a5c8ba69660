//! The digest chain, resolved once the pass has seen every file: from the
//! pinned digest (an `index.json` entry, or a blob by name) through an
//! index to the platform's manifest, its config and its layers. Every
//! blob is checked against the descriptor that refers to it (size, then
//! SHA-256, from the pass's hashes: nothing is read again), every layer's
//! uncompressed digest against the config's `diff_ids`, and only the
//! chosen manifest's layers give the report its entries; the rest is
//! listed as ignored. A `docker save` tarball without a layout is pinned
//! by its config's digest.

use std::collections::BTreeSet;

use crate::engine::inspect::report::ArchiveReport;

use super::docs::{self, Config, Descriptor, Document, Platform};
use super::gather::Gathered;
pub use super::resolver::MAX_LAYERS;
use super::resolver::Resolver;
use super::{Image, Pin, layers, platform};

/// How deep indexes may nest (an index of indexes of manifests is 2).
const MAX_DEPTH: usize = 4;
/// The layer media types intake reads.
const LAYER_TYPES: [&str; 6] = [
    "application/vnd.oci.image.layer.v1.tar",
    "application/vnd.oci.image.layer.v1.tar+gzip",
    "application/vnd.oci.image.layer.v1.tar+zstd",
    "application/vnd.docker.image.rootfs.diff.tar.gzip",
    "application/vnd.docker.image.rootfs.diff.tar",
    "application/vnd.docker.image.rootfs.diff.tar.zstd",
];

/// Resolves the image in `report` against the pin: fills the report's
/// entries and findings from the chosen layers and the image's chain.
pub fn settle(report: &mut ArchiveReport, pin: &Pin) {
    let Some(gathered) = report.image.as_mut().and_then(|i| i.gathered.take()) else {
        return;
    };
    let Gathered {
        files,
        findings,
        stopped,
        links,
    } = *gathered;
    report.findings.extend(findings);
    let mut r = Resolver {
        files,
        image: Image {
            pinned: pin.digest.clone(),
            settled: true,
            ..Image::default()
        },
        report,
        visited: BTreeSet::new(),
        used: BTreeSet::new(),
        wanted: platform::of_feed(&pin.platform),
    };
    if let Some(why) = stopped {
        r.report.stop("(image)", why.clone());
        r.fail(
            "(image)",
            format!("the image's tar could not be read to its end: {why}"),
        );
    } else if r.files.contains_key("index.json") {
        r.image.form = "OCI image layout".into();
        r.layout(pin);
    } else if r.files.contains_key("manifest.json") {
        r.image.form = "docker save tarball".into();
        r.docker(pin);
    } else {
        r.fail(
            "(image)",
            "neither index.json nor manifest.json: not an image layout nor a docker save tarball"
                .into(),
        );
    }
    if !links.is_empty() {
        r.image.notes.push(format!(
            "{} links in the image's tar (such as {}), never followed",
            links.len(),
            links.first().map(String::as_str).unwrap_or_default()
        ));
    }
    let ignored = r.files.keys().filter(|n| !r.used.contains(*n)).count();
    if ignored > 0 {
        r.image.notes.push(format!(
            "{ignored} files of the image's tar are not in the pinned image's chain (other platforms, signatures, metadata): hashed, not inspected"
        ));
    }
    let image = r.image;
    report.image = Some(Box::new(image));
}

impl Resolver<'_> {
    /// An OCI layout: the pinned descriptor, then down the chain; then the
    /// cosign signatures beside it.
    fn layout(&mut self, pin: &Pin) {
        let Some(index) = self.doc::<Document>("index.json", "index.json") else {
            return;
        };
        self.used.insert("oci-layout".into());
        let manifests = index.manifests.unwrap_or_default();
        let is_sig = |d: &Descriptor| {
            d.annotations
                .get(docs::REF_NAME)
                .is_some_and(|n| n.ends_with(".sig"))
        };
        let start = match &pin.digest {
            Some(digest) => match manifests.iter().find(|d| &d.digest == digest) {
                Some(d) => d.clone(),
                None => self.pinned_blob(digest),
            },
            None => {
                self.fail(
                    "(feed)",
                    "the feed pins no digest (`digest = \"sha256:…\"`): a tag alone never names an image".into(),
                );
                match manifests.iter().find(|d| !is_sig(d)) {
                    Some(d) => d.clone(),
                    None => return,
                }
            }
        };
        self.descend(&start, "pinned", 0);
        let signatures: Vec<Descriptor> = manifests.into_iter().filter(is_sig).collect();
        super::layers::cosign(self, &signatures);
    }

    /// The pinned digest when `index.json` does not list it: a blob of the
    /// layout by that name, its size taken from the blob.
    fn pinned_blob(&mut self, digest: &str) -> Descriptor {
        let size = docs::sha256_hex(digest)
            .and_then(|hex| self.files.get(&format!("blobs/sha256/{hex}")))
            .map(|b| b.size);
        if size.is_none() {
            self.fail(
                "pinned",
                format!("the pinned digest {digest} is neither listed in index.json nor a blob of the image"),
            );
        }
        Descriptor {
            digest: digest.to_string(),
            size: size.unwrap_or(0),
            ..Descriptor::default()
        }
    }

    /// An index or manifest blob: verified, parsed, followed.
    fn descend(&mut self, desc: &Descriptor, role: &str, depth: usize) {
        if depth > MAX_DEPTH {
            self.fail(
                role,
                format!("indexes nested more than {MAX_DEPTH} deep: refused"),
            );
            return;
        }
        if !self.visited.insert(desc.digest.clone()) {
            self.fail(
                role,
                format!(
                    "{} refers to itself (a loop of indexes): refused",
                    desc.digest
                ),
            );
            return;
        }
        let Some(name) = self.verify(desc, role) else {
            return;
        };
        let Some(doc) = self.doc::<Document>(&name, role) else {
            return;
        };
        if doc.is_index() {
            if let Some(chosen) = self.choose(doc.manifests.unwrap_or_default(), role) {
                self.descend(&chosen, "manifest", depth + 1);
            }
        } else if docs::MANIFEST_TYPES.contains(&doc.media_type.as_str()) || doc.config.is_some() {
            self.manifest(doc);
        } else {
            self.fail(
                role,
                format!(
                    "a document of unknown type `{}`",
                    doc.media_type.escape_debug()
                ),
            );
        }
    }

    /// The platform's manifest from an index; the others are listed.
    fn choose(&mut self, manifests: Vec<Descriptor>, role: &str) -> Option<Descriptor> {
        let Some(wanted) = self.wanted.clone() else {
            self.fail(
                role,
                "the feed's platform names no image platform intake knows".into(),
            );
            return None;
        };
        let (mut fit, other): (Vec<Descriptor>, Vec<Descriptor>) =
            manifests.into_iter().partition(|d| {
                d.platform
                    .as_ref()
                    .is_some_and(|p| platform::fits(p, &wanted))
            });
        let shown: Vec<String> = other
            .iter()
            .filter_map(|d| d.platform.as_ref().map(Platform::shown))
            .collect();
        if !shown.is_empty() {
            self.image.notes.push(format!(
                "other platforms in the index, ignored: {}",
                shown.join(", ")
            ));
        }
        if fit.len() > 1 {
            self.fail(
                role,
                format!(
                    "the index lists {} manifests for {}: ambiguous",
                    fit.len(),
                    wanted.shown()
                ),
            );
            return None;
        }
        let chosen = fit.pop();
        if chosen.is_none() {
            self.fail(
                role,
                format!(
                    "no manifest for {} in the index (it has: {})",
                    wanted.shown(),
                    shown.join(", ")
                ),
            );
        }
        chosen
    }

    /// A manifest: its config, then each layer.
    fn manifest(&mut self, doc: Document) {
        let Some(config_desc) = doc.config else {
            self.fail("manifest", "a manifest without a config".into());
            return;
        };
        let layers = doc.layers.unwrap_or_default();
        if layers.len() > MAX_LAYERS {
            self.fail(
                "manifest",
                format!(
                    "a manifest listing {} layers (over {MAX_LAYERS}): refused",
                    layers.len()
                ),
            );
            return;
        }
        let config = self
            .verify(&config_desc, "config")
            .and_then(|name| self.doc::<Config>(&name, "config"));
        let diff_ids = self.config_facts(config);
        for (i, layer) in layers.iter().enumerate() {
            let role = format!("layer {}", i + 1);
            if !LAYER_TYPES.contains(&layer.media_type.as_str()) {
                self.fail(
                    &role,
                    format!(
                        "media type `{}`: not a gzip, zstd or plain tar layer intake reads",
                        layer.media_type.escape_debug()
                    ),
                );
                continue;
            }
            if let Some(name) = self.verify(layer, &role) {
                layers::take_layer(self, &name, i, diff_ids.get(i).map(String::as_str));
            }
        }
        if diff_ids.len() != layers.len() {
            self.fail(
                "config",
                format!(
                    "the config lists {} diff_ids for {} layers",
                    diff_ids.len(),
                    layers.len()
                ),
            );
        }
    }
}
