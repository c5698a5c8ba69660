//! Where a feed's files come from: a local folder (a relative path or a
//! `file://` URL, read in place) or an HTTP(S) base URL. Also the redaction
//! of tokens (user info, query string) that signed download links carry:
//! they are used for the transfer but never recorded.

use std::path::{Path, PathBuf};

use url::Url;

/// A source's base.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A folder on this machine (or mounted media).
    Folder(PathBuf),
    /// An `http://` or `https://` base URL (always ends in `/`).
    Http(Url),
}

impl Location {
    /// Parses a source `url` field: `https://`, `http://`, `file://` or a
    /// path relative to the feed's folder.
    pub fn parse(raw: &str, feed_dir: &Path) -> Result<Location, String> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err("must not be empty".to_string());
        }
        if let Some((scheme, _)) = raw.split_once("://") {
            let url = Url::parse(raw).map_err(|e| format!("`{raw}` is not a URL: {e}"))?;
            return match scheme.to_ascii_lowercase().as_str() {
                "http" | "https" => {
                    let mut url = url;
                    if !url.path().ends_with('/') {
                        let path = format!("{}/", url.path());
                        url.set_path(&path);
                    }
                    Ok(Location::Http(url))
                }
                "file" => url
                    .to_file_path()
                    .map(Location::Folder)
                    .map_err(|()| format!("`{raw}` is not a local file URL")),
                other => Err(format!(
                    "scheme `{other}://` is not supported (use https://, http://, file:// or a folder path)"
                )),
            };
        }
        Ok(Location::Folder(feed_dir.join(raw)))
    }

    pub fn is_local(&self) -> bool {
        matches!(self, Location::Folder(_))
    }
}

/// One `[[source]]` of a feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub name: String,
    pub location: Location,
}

impl Source {
    pub fn new(name: String, location: Location) -> Self {
        Source { name, location }
    }

    /// The base as it may be written down: tokens removed.
    pub fn display(&self) -> String {
        match &self.location {
            Location::Folder(p) => p.display().to_string(),
            Location::Http(url) => redact(url).0,
        }
    }

    /// Where `relative` is in this source, for people and for the record
    /// (tokens removed), and whether anything was removed.
    pub fn describe(&self, relative: &str) -> (String, bool) {
        match &self.location {
            Location::Folder(dir) => (dir.join(relative).display().to_string(), false),
            Location::Http(base) => match base.join(relative) {
                Ok(url) => {
                    let mut url = url;
                    // A token on the base applies to every file under it.
                    if url.query().is_none() {
                        url.set_query(base.query());
                    }
                    redact(&url)
                }
                Err(_) => (format!("{}{relative}", redact(base).0), false),
            },
        }
    }

    /// The local path of `relative`, for folder sources.
    pub fn local_path(&self, relative: &str) -> Option<PathBuf> {
        match &self.location {
            Location::Folder(dir) => Some(dir.join(relative)),
            Location::Http(_) => None,
        }
    }
}

/// A URL without user info, query or fragment, and whether anything was cut.
pub fn redact(url: &Url) -> (String, bool) {
    let mut clean = url.clone();
    let had_secret =
        !url.username().is_empty() || url.password().is_some() || url.query().is_some();
    let _ = clean.set_username("");
    let _ = clean.set_password(None);
    clean.set_query(None);
    clean.set_fragment(None);
    (clean.to_string(), had_secret)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_each_kind_of_source() {
        let dir = Path::new("/feeds/meridian");
        assert_eq!(
            Location::parse("releases/", dir),
            Ok(Location::Folder(PathBuf::from("/feeds/meridian/releases/")))
        );
        assert_eq!(
            Location::parse("file:///media/usb/meridian", dir),
            Ok(Location::Folder(PathBuf::from("/media/usb/meridian")))
        );
        match Location::parse("https://downloads.example/meridian", dir) {
            Ok(Location::Http(url)) => {
                assert_eq!(url.as_str(), "https://downloads.example/meridian/")
            }
            other => panic!("{other:?}"),
        }
        assert!(Location::parse("ftp://x/", dir).is_err());
        assert!(Location::parse("https://", dir).is_err());
    }

    #[test]
    fn tokens_never_reach_the_record() {
        let base = Url::parse("https://user:pw@cdn.example/meridian/?token=s3cret").unwrap();
        let source = Source::new("vendor".into(), Location::Http(base));
        let (shown, redacted) = source.describe("4.2.1/a.tar.gz");
        assert_eq!(shown, "https://cdn.example/meridian/4.2.1/a.tar.gz");
        assert!(redacted);
        assert!(!source.display().contains("s3cret"));
    }
}
