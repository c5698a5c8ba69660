//! Where things go by default: the platform's data and cache folders (via
//! `directories`), and the fetch settings assembled from the flags.

use std::path::PathBuf;
use std::time::Duration;

use crate::engine::fetch::http::HttpSettings;
use crate::engine::fetch::open::FetchSettings;

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

/// Fetch settings from the command line.
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
