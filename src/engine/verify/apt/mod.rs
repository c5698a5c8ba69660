//! APT repositories as a signed checksum source (SPEC "APT repositories"):
//! the Release file (an `InRelease`, or `Release` with `Release.gpg`)
//! whose signature is `signature.checksums`; the `Packages` index whose
//! SHA-256 and size the Release lists; and the artifact's stanza in that
//! index. [`Chain`] holds what each link found and makes
//! `checksum.sha256` from it, link by link ([`chain`]); a Release past its
//! `Valid-Until` makes `feed.fresh` warn ([`chain::fresh`]).

pub mod chain;
pub mod packages;
pub mod release;

pub use chain::{Chain, IndexLink, IndexRead};
pub use packages::{IndexCodec, Scan, Stanza};
pub use release::{ListedFile, ReleaseFile, outside_signed_part};

/// Where the repository's root is, from the Release file's path: the part
/// before its `dists/` folder (`""` for `dists/bookworm/InRelease`).
/// Packages' `Filename` fields are relative to it.
pub fn repository_root(release_path: &str) -> &str {
    let mut at = 0;
    for part in release_path.split('/') {
        if part == "dists" {
            return release_path.get(..at).unwrap_or_default();
        }
        at += part.len() + 1;
    }
    release_path
        .rfind('/')
        .and_then(|i| release_path.get(..=i))
        .unwrap_or_default()
}

/// `path` relative to `root` (a folder path ending in `/`, or empty);
/// `None` when it is not under it.
pub fn under<'a>(root: &str, path: &'a str) -> Option<&'a str> {
    path.strip_prefix(root)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_root_is_before_dists() {
        assert_eq!(repository_root("dists/bookworm/InRelease"), "");
        assert_eq!(
            repository_root("debian/dists/bookworm/InRelease"),
            "debian/"
        );
        assert_eq!(repository_root("repo/InRelease"), "repo/");
        assert_eq!(repository_root("InRelease"), "");
        assert_eq!(under("debian/", "debian/pool/a.deb"), Some("pool/a.deb"));
        assert_eq!(under("debian/", "pool/a.deb"), None);
    }
}
