//! Package URLs (`pkg:type/namespace/name@version?qualifiers#subpath`),
//! read only as far as matching components needs: the type, namespace and
//! name identify a package across releases; the version is what changed.

/// A parsed package URL, borrowing from its text (a 100,000-component
/// SBOM is matched without copying its package URLs apart).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Purl<'a> {
    /// `deb`, `rpm`, `npm`, `maven`, ... as written (compare ignoring case).
    kind: &'a str,
    /// Namespace and name as written, before any empty segments are dropped.
    path: &'a str,
    pub version: Option<&'a str>,
}

impl<'a> Purl<'a> {
    pub fn parse(text: &'a str) -> Result<Purl<'a>, String> {
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
            Some((path, version)) if !version.is_empty() => (path, Some(version)),
            Some(_) => return Err("an empty version after `@`".to_string()),
            None => (rest, None),
        };
        if path.split('/').all(str::is_empty) {
            return Err("an empty name".to_string());
        }
        Ok(Purl {
            kind,
            path,
            version,
        })
    }

    /// Whether the package type is `kind` (types are case-insensitive).
    pub fn is_kind(&self, kind: &str) -> bool {
        self.kind.eq_ignore_ascii_case(kind)
    }

    /// The package across its versions: `pkg:deb/debian/openssl` (type in
    /// lower case, empty segments dropped, as the purl specification says).
    pub fn without_version(&self) -> String {
        let mut key = String::with_capacity(5 + self.kind.len() + self.path.len());
        key.push_str("pkg:");
        key.extend(self.kind.chars().map(|c| c.to_ascii_lowercase()));
        for segment in self.path.split('/').filter(|s| !s.is_empty()) {
            key.push('/');
            key.push_str(segment);
        }
        key
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_purl_is_matched_without_its_version_qualifiers_or_subpath() {
        let p = Purl::parse("pkg:deb/debian/openssl@3.0.15-1~deb12u1?arch=amd64#usr").unwrap();
        assert!(p.is_kind("deb"));
        assert_eq!(p.without_version(), "pkg:deb/debian/openssl");
        assert_eq!(p.version, Some("3.0.15-1~deb12u1"));
        let scoped = Purl::parse("pkg:npm/%40angular/core@17.0.1").unwrap();
        assert_eq!(scoped.without_version(), "pkg:npm/%40angular/core");
        let maven = Purl::parse("pkg:Maven/org.hl7//hapi@2.5").unwrap();
        assert!(maven.is_kind("maven"));
        assert_eq!(maven.without_version(), "pkg:maven/org.hl7/hapi");
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
