//! The resolver's state and the steps every form of image shares: a
//! problem recorded for `image.digest`, a kept document parsed, a blob
//! checked against the descriptor that refers to it (present, size, then
//! SHA-256, no foreign URLs), and a config's platform and labels kept.

use std::collections::{BTreeMap, BTreeSet};

use crate::engine::inspect::report::ArchiveReport;
use crate::engine::shared::check::{Finding, Status};

use super::docs::{self, Config, Descriptor, Platform};
use super::gather::{Blob, Content};
use super::{ConfigFacts, Image, Link, platform};

/// The most layers one manifest may list.
pub const MAX_LAYERS: usize = 1000;

/// What resolving an image keeps while it goes down the chain.
pub(super) struct Resolver<'a> {
    pub(super) files: BTreeMap<String, Blob>,
    pub(super) image: Image,
    pub(super) report: &'a mut ArchiveReport,
    /// Digests gone through (a loop is refused).
    pub(super) visited: BTreeSet<String>,
    /// Files the chain referred to (the rest is listed as ignored).
    pub(super) used: BTreeSet<String>,
    /// The image platform of the feed's platform.
    pub(super) wanted: Option<Platform>,
}

impl Resolver<'_> {
    pub(super) fn fail(&mut self, subject: &str, why: String) {
        self.image
            .problems
            .push(Finding::new(Status::Fail, subject, why));
    }

    /// A kept JSON document by file name, parsed.
    pub(super) fn doc<T: serde::de::DeserializeOwned>(
        &mut self,
        name: &str,
        what: &str,
    ) -> Option<T> {
        self.used.insert(name.to_string());
        let parsed = match self.files.get(name).map(|b| &b.content) {
            None => Err(format!("{what} is referred to but missing from the image")),
            Some(Content::Doc(bytes)) => serde_json::from_slice(bytes)
                .map_err(|e| format!("{what} is not a document intake can read: {e}")),
            Some(_) => Err(format!(
                "{what} is not a JSON document (or is larger than {} bytes)",
                super::gather::DOC_MAX
            )),
        };
        parsed.map_err(|why| self.fail(name, why)).ok()
    }

    /// The blob a descriptor refers to, checked against it: present, its
    /// size, its SHA-256, no foreign URLs. Its file name when it holds.
    pub(super) fn verify(&mut self, desc: &Descriptor, role: &str) -> Option<String> {
        let Some(hex) = docs::sha256_hex(&desc.digest) else {
            self.fail(
                role,
                format!(
                    "the digest `{}` is not `sha256:<64 lower-case hex>`",
                    desc.digest.escape_debug()
                ),
            );
            return None;
        };
        let name = format!("blobs/sha256/{hex}");
        self.used.insert(name.clone());
        if !desc.urls.is_empty() {
            self.fail(
                role,
                format!(
                    "a foreign layer with URLs ({}): nothing is ever fetched from inside an image; refused",
                    desc.urls.len()
                ),
            );
        }
        let Some(blob) = self.files.get(&name) else {
            self.fail(
                role,
                format!("{} is referred to but missing from the image", desc.digest),
            );
            return None;
        };
        let (size, sha) = (blob.size, hex::encode(blob.sha256));
        self.image.chain.push(Link {
            role: role.to_string(),
            digest: desc.digest.clone(),
            size,
            media_type: desc.media_type.clone(),
        });
        if size != desc.size {
            self.fail(
                role,
                format!(
                    "{} is {size} bytes, but its descriptor says {}",
                    desc.digest, desc.size
                ),
            );
            return None;
        }
        if sha != hex {
            self.fail(
                role,
                format!(
                    "the bytes of {} hash to sha256:{sha}: not the blob referred to",
                    desc.digest
                ),
            );
            return None;
        }
        Some(name)
    }

    /// Keeps the config's platform and labels, judges its platform against
    /// the feed's; returns its `diff_ids`.
    pub(super) fn config_facts(&mut self, config: Option<Config>) -> Vec<String> {
        let Some(config) = config else {
            return Vec::new();
        };
        let labels = config.config.and_then(|c| c.labels).unwrap_or_default();
        let facts = ConfigFacts {
            os: config.os.clone(),
            architecture: config.architecture.clone(),
            variant: config.variant.clone(),
            version_label: labels.get("org.opencontainers.image.version").cloned(),
            title_label: labels.get("org.opencontainers.image.title").cloned(),
        };
        let image = Platform {
            os: config.os,
            architecture: config.architecture,
            variant: config.variant,
        };
        if let Some(wanted) = &self.wanted
            && !platform::fits(&image, wanted)
        {
            let why = format!(
                "the config says {}, the feed's platform is {}",
                image.shown(),
                wanted.shown()
            );
            self.fail("config", why);
        }
        self.image.config = Some(facts);
        config.rootfs.map(|r| r.diff_ids).unwrap_or_default()
    }
}
