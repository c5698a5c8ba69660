//! Package URLs (`pkg:type/namespace/name@version?qualifiers#subpath`),
//! read only as far as matching components needs: the type, namespace and
//! name identify a package across releases; the version is what changed.

/// A parsed package URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Purl {
    /// `deb`, `rpm`, `npm`, `maven`, ... (lower case).
    pub kind: String,
    /// Namespace and name, `/`-joined, as written (percent-encoding kept).
    pub path: String,
    pub version: Option<String>,
}

impl Purl {
    pub fn parse(text: &str) -> Result<Purl, String> {
        let rest = text
            .strip_prefix("pkg:")
            .ok_or("it does not start with `pkg:`")?;
        let rest = rest.trim_start_matches('/');
        let rest = rest.split_once('#').map_or(rest, |(head, _)| head);
        let rest = rest.split_once('?').map_or(rest, |(head, _)| head);
        let (kind, rest) = rest
            .split_once('/')
            .ok_or("it names no package after its type")?;
        let kind_ok = kind.starts_with(|c: char| c.is_ascii_alphabetic())
            && kind
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
        if !kind_ok {
            return Err(format!("{kind:?} is not a package type"));
        }
        let (path, version) = match rest.rsplit_once('@') {
            Some((path, version)) if !version.is_empty() => (path, Some(version.to_string())),
            Some(_) => return Err("an empty version after `@`".to_string()),
            None => (rest, None),
        };
        // Empty segments are dropped, as the purl specification says.
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        if segments.is_empty() {
            return Err("an empty name".to_string());
        }
        Ok(Purl {
            kind: kind.to_ascii_lowercase(),
            path: segments.join("/"),
            version,
        })
    }

    /// The package across its versions: `pkg:deb/debian/openssl`.
    pub fn without_version(&self) -> String {
        format!("pkg:{}/{}", self.kind, self.path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_purl_is_matched_without_its_version_qualifiers_or_subpath() {
        let p = Purl::parse("pkg:deb/debian/openssl@3.0.15-1~deb12u1?arch=amd64#usr").unwrap();
        assert_eq!(p.kind, "deb");
        assert_eq!(p.without_version(), "pkg:deb/debian/openssl");
        assert_eq!(p.version.as_deref(), Some("3.0.15-1~deb12u1"));
        let scoped = Purl::parse("pkg:npm/%40angular/core@17.0.1").unwrap();
        assert_eq!(scoped.without_version(), "pkg:npm/%40angular/core");
        assert_eq!(
            Purl::parse("pkg:Maven/org.hl7/hapi@2.5").unwrap().kind,
            "maven"
        );
    }

    #[test]
    fn what_is_not_a_purl_says_why() {
        for bad in [
            "openssl@3",
            "pkg:deb",
            "pkg:deb/",
            "pkg:deb/debian/x@",
            "pkg:1x/y",
        ] {
            assert!(Purl::parse(bad).is_err(), "{bad}");
        }
    }
}
