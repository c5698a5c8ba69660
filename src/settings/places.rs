//! Where things go: the platform's data and cache folders by default (via
//! `directories`), the settings file's choices over them, and the flags'
//! over both; the same for both front ends.

use std::path::PathBuf;
use std::time::Duration;

use crate::engine::fetch::http::HttpSettings;
use crate::engine::fetch::open::FetchSettings;
use crate::engine::inspect::Limits;
use crate::engine::record::finish::Destinations;
use crate::engine::record::history::Location;

use super::Settings;

fn project() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("", "", "intake")
}

/// The default store: the platform's data folder, `intake/store`.
pub fn default_store() -> PathBuf {
    project()
        .map(|p| p.data_dir().join("store"))
        .unwrap_or_else(|| PathBuf::from("intake-store"))
}

/// The default cache for downloads: the platform's cache folder.
pub fn default_cache() -> PathBuf {
    project()
        .map(|p| p.cache_dir().to_path_buf())
        .unwrap_or_else(|| std::env::temp_dir().join("intake-cache"))
}

/// Fetch settings from the flags (each already merged over the settings).
pub fn fetch(
    offline: bool,
    cache: Option<PathBuf>,
    timeout: Option<u64>,
    ca_bundle: Option<PathBuf>,
) -> FetchSettings {
    let mut http = HttpSettings::default();
    if let Some(secs) = timeout {
        http.connect_timeout = Duration::from_secs(secs);
        http.read_timeout = Duration::from_secs(secs);
    }
    http.ca_bundle = ca_bundle;
    FetchSettings {
        offline,
        http,
        cache_dir: cache.unwrap_or_else(default_cache),
        ..FetchSettings::default()
    }
}

/// The bundled demo feed: `$INTAKE_DEMO_FEED`, else the repository's
/// `sample-releases/meridian/feed.toml`.
pub fn demo_feed() -> PathBuf {
    if let Some(path) = std::env::var_os("INTAKE_DEMO_FEED") {
        return PathBuf::from(path);
    }
    let local = PathBuf::from("sample-releases/meridian/feed.toml");
    if local.is_file() {
        return local;
    }
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/sample-releases/meridian/feed.toml"
    ))
}

impl Settings {
    /// Where checklists and approved artifacts go (`checklist_dir`,
    /// `store_dir`), each overridden when given.
    pub fn destinations(
        &self,
        checklist_dir: Option<PathBuf>,
        store: Option<PathBuf>,
        keep_artifacts: bool,
    ) -> Destinations {
        Destinations {
            checklist_dir: checklist_dir
                .or(self.checklist_dir.clone())
                .unwrap_or_else(|| PathBuf::from("checklists")),
            store_root: store
                .or(self.store_dir.clone())
                .unwrap_or_else(default_store),
            keep_artifacts,
            history: self
                .history
                .as_deref()
                .map(|h| Location::parse(h, self.ca_bundle.clone())),
        }
    }

    /// The inspection limits: `max_expanded` overridden when given.
    pub fn limits(&self, max_expanded: Option<u64>) -> Limits {
        let defaults = Limits::default();
        Limits {
            max_expanded: max_expanded
                .or(self.max_expanded)
                .unwrap_or(defaults.max_expanded),
            ..defaults
        }
    }
}
