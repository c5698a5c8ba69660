//! Downloads into a cache folder (never the store) while the read pass
//! hashes them. An interrupted download is resumed from the cache with a
//! ranged request guarded by the server's validator, and the pass re-reads
//! the cached part, so no byte is trusted without being hashed.

use std::fs::{File, OpenOptions};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use url::Url;

use crate::engine::fetch::hashers::sha256_hex;
use crate::engine::fetch::http::{Http, Validator};
use crate::engine::select::source::redact;
use crate::engine::shared::error::describe_io;

/// A download's file in the cache, and what resuming it needs.
#[derive(Debug)]
pub struct Download {
    pub part: PathBuf,
    meta: PathBuf,
    /// Where the received bytes are written (by the pass's copy thread).
    pub sink: Option<File>,
}

#[derive(Serialize, Deserialize)]
struct Meta {
    url: String,
    etag: Option<String>,
    last_modified: Option<String>,
}

impl Download {
    /// The cache files in `dir` of the URL shown as `shown` (its tokens
    /// removed, so a new token does not start the download over).
    fn named(dir: &Path, shown: &str) -> Download {
        let key = sha256_hex(shown.as_bytes());
        Download {
            part: dir.join(format!("{key}.part")),
            meta: dir.join(format!("{key}.json")),
            sink: None,
        }
    }

    /// The bytes an earlier transfer left in the cache, and the validator
    /// a resume from them must be guarded by (none: start over).
    fn earlier(&self) -> (u64, Option<Validator>) {
        let have = std::fs::metadata(&self.part).map(|m| m.len()).unwrap_or(0);
        let validator = std::fs::read(&self.meta)
            .ok()
            .and_then(|b| serde_json::from_slice::<Meta>(&b).ok())
            .and_then(|m| {
                m.etag
                    .map(Validator::ETag)
                    .or(m.last_modified.map(Validator::LastModified))
            });
        (have, validator)
    }

    /// Keeps the validator of a transfer starting from the first byte.
    fn remember(&self, shown: &str, validator: Option<&Validator>) -> io::Result<()> {
        // Without a validator a resume could splice two versions: keep no meta then.
        let _ = std::fs::remove_file(&self.meta);
        if let Some(validator) = validator {
            let meta = Meta {
                url: shown.to_string(),
                etag: match validator {
                    Validator::ETag(t) => Some(t.clone()),
                    Validator::LastModified(_) => None,
                },
                last_modified: match validator {
                    Validator::LastModified(d) => Some(d.clone()),
                    Validator::ETag(_) => None,
                },
            };
            let json = serde_json::to_vec(&meta).unwrap_or_default();
            std::fs::write(&self.meta, json)?;
        }
        Ok(())
    }

    /// The bytes turned out wrong: nothing of them may be resumed.
    pub fn discard(self) {
        let _ = std::fs::remove_file(&self.part);
        let _ = std::fs::remove_file(&self.meta);
    }
}

fn cache_failed(e: io::Error) -> String {
    format!("cache: {}", describe_io(&e))
}

/// A download under way: what the read pass reads, and the cache file.
pub(super) struct Downloading {
    pub reader: Box<dyn Read + Send>,
    /// The whole file's size, when the server says.
    pub size: Option<u64>,
    pub download: Download,
    /// Bytes already in the cache from an earlier, interrupted transfer.
    pub resumed_from: u64,
}

/// Opens `url` for streaming, writing what arrives to the cache folder
/// `cache_dir` as it is read; no more than `ceiling` bytes are accepted.
/// `Err` says why the source could not serve the file.
pub(super) fn download(
    http: &Http,
    cache_dir: &Path,
    url: &Url,
    ceiling: u64,
    log: &mut dyn FnMut(String),
) -> Result<Downloading, String> {
    let dir = cache_dir.join("downloads");
    std::fs::create_dir_all(&dir).map_err(cache_failed)?;
    let (shown, _) = redact(url);
    let download = Download::named(&dir, &shown);
    let (have, validator) = download.earlier();
    let resume = match (&validator, have) {
        (Some(v), n) if n > 0 => Some((n, v)),
        _ => None,
    };
    let response = match http.get(url, resume, log) {
        // Asked from the end of a complete copy: the cached file is the file.
        Err(why) if resume.is_some() && why == "HTTP 416" => {
            return complete_in_cache(download, have, log);
        }
        other => other?,
    };
    let total = response.total.or(response.length);
    if let Some(total) = total
        && total > ceiling
    {
        return Err(format!(
            "announces {total} bytes, more than the {ceiling} expected: refused"
        ));
    }
    let resumed = response.status == 206 && resume.is_some() && response.range_start == Some(have);
    let sink = if resumed {
        log(format!("resuming after {have} bytes"));
        OpenOptions::new()
            .append(true)
            .open(&download.part)
            .map_err(cache_failed)?
    } else {
        if resume.is_some() {
            log(
                "the server sent the whole file (it changed, or ignores ranges): starting over"
                    .to_string(),
            );
        }
        download
            .remember(&shown, response.validator.as_ref())
            .map_err(cache_failed)?;
        File::create(&download.part).map_err(cache_failed)?
    };
    // The pass writes the cache file on a thread of its own (`sink`,
    // after the cached prefix); this thread only receives.
    let (reader, resumed_from): (Box<dyn Read + Send>, u64) = if resumed {
        let prefix = File::open(&download.part).map_err(cache_failed)?.take(have);
        (Box::new(prefix.chain(response.body)), have)
    } else {
        (response.body, 0)
    };
    Ok(Downloading {
        reader,
        size: total,
        download: Download {
            sink: Some(sink),
            ..download
        },
        resumed_from,
    })
}

/// The server says the cached copy already holds the whole file: it is
/// read from the cache, and hashed like any download.
fn complete_in_cache(
    download: Download,
    have: u64,
    log: &mut dyn FnMut(String),
) -> Result<Downloading, String> {
    log(format!(
        "the cached copy ({have} bytes) is complete and unchanged"
    ));
    let file = File::open(&download.part).map_err(cache_failed)?;
    Ok(Downloading {
        reader: Box::new(file),
        size: Some(have),
        download,
        resumed_from: have,
    })
}
