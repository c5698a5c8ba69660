//! A `docker save` tarball without an OCI layout: `manifest.json` names
//! each image's config and layer files; the image is the one whose config
//! hashes to the pinned digest (a docker save tarball holds no registry
//! manifest, so its config digest is all a feed can pin). Names that leave
//! the tar are refused; links are never followed.

use super::docs::{Config, DockerImage};
use super::gather::name_problem;
use super::resolver::{MAX_LAYERS, Resolver};
use super::{Link, Pin, layers};

impl Resolver<'_> {
    /// A `docker save` tarball: the image whose config is the pinned digest.
    pub(super) fn docker(&mut self, pin: &Pin) {
        let Some(images) = self.doc::<Vec<DockerImage>>("manifest.json", "manifest.json") else {
            return;
        };
        self.used.insert("repositories".into());
        let config_sha = |r: &Self, image: &DockerImage| {
            r.files
                .get(&image.config)
                .map(|b| format!("sha256:{}", hex::encode(b.sha256)))
        };
        let chosen = match &pin.digest {
            Some(digest) => images
                .iter()
                .find(|i| config_sha(self, i).as_ref() == Some(digest)),
            None => {
                self.fail("(feed)", "the feed pins no digest (`digest = \"sha256:…\"`, the config's for a docker save tarball)".into());
                images.first()
            }
        };
        let Some(image) = chosen.cloned() else {
            let digest = pin.digest.clone().unwrap_or_default();
            self.fail(
                "pinned",
                format!("no image in manifest.json has the pinned digest {digest} as its config"),
            );
            return;
        };
        let Some(config_name) = self.docker_file(&image.config, "config") else {
            return;
        };
        let config = self.doc::<Config>(&config_name, "config");
        let diff_ids = self.config_facts(config);
        if image.layers.len() > MAX_LAYERS || image.layers.len() != diff_ids.len() {
            self.fail(
                "manifest.json",
                format!(
                    "{} layers for {} diff_ids in the config",
                    image.layers.len(),
                    diff_ids.len()
                ),
            );
            if image.layers.len() > MAX_LAYERS {
                return;
            }
        }
        for (i, layer) in image.layers.iter().enumerate() {
            let role = format!("layer {}", i + 1);
            if let Some(name) = self.docker_file(layer, &role) {
                layers::take_layer(self, &name, i, diff_ids.get(i).map(String::as_str));
            }
        }
    }

    /// A file `manifest.json` names: inside the tar, present, a link kept.
    fn docker_file(&mut self, name: &str, role: &str) -> Option<String> {
        let normal = name.trim_start_matches("./").to_string();
        if name_problem(&normal).is_some() || normal.is_empty() {
            self.fail(
                role,
                format!(
                    "manifest.json points outside the tar (`{}`): refused",
                    name.escape_debug()
                ),
            );
            return None;
        }
        self.used.insert(normal.clone());
        let Some(blob) = self.files.get(&normal) else {
            self.fail(
                role,
                format!("{normal} is referred to by manifest.json but missing from the tar"),
            );
            return None;
        };
        self.image.chain.push(Link {
            role: role.to_string(),
            digest: format!("sha256:{}", hex::encode(blob.sha256)),
            size: blob.size,
            media_type: String::new(),
        });
        Some(normal)
    }
}
