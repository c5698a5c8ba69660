//! The vendor's SBOM against the one of the last approved release: which
//! components were added, removed, upgraded, downgraded, or rebuilt under
//! the same version. Components are matched by package URL without its
//! version, or, without one, by supplier and name.

use std::cmp::Ordering;

use super::purl::Purl;
use super::{Component, Sbom};
use crate::engine::select::version::{self, Scheme};

/// One difference between two SBOMs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Added(Component),
    Removed(Component),
    Upgraded {
        from: Component,
        to: Component,
    },
    /// Warns: an older component than the one approved before.
    Downgraded {
        from: Component,
        to: Component,
    },
    /// Versions differ where no order is known for the ecosystem.
    Changed {
        from: Component,
        to: Component,
    },
    /// Fails: the same version with a different SHA-256.
    Rebuilt {
        from: Component,
        to: Component,
    },
}

impl Change {
    /// Every change in a word, as [`Change::parts`] and the findings of
    /// `sbom.components` begin (`upgraded: ...`).
    pub const WORDS: [&'static str; 6] = [
        "added",
        "removed",
        "upgraded",
        "downgraded",
        "changed",
        "rebuilt",
    ];

    /// The change in a word, the component before and after.
    pub fn parts(&self) -> (&'static str, Option<&Component>, Option<&Component>) {
        match self {
            Change::Added(c) => ("added", None, Some(c)),
            Change::Removed(c) => ("removed", Some(c), None),
            Change::Upgraded { from, to } => ("upgraded", Some(from), Some(to)),
            Change::Downgraded { from, to } => ("downgraded", Some(from), Some(to)),
            Change::Changed { from, to } => ("changed", Some(from), Some(to)),
            Change::Rebuilt { from, to } => ("rebuilt", Some(from), Some(to)),
        }
    }
}

/// What changed, and how many components did not.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Comparison {
    pub changes: Vec<Change>,
    pub unchanged: usize,
}

/// Compares `current` with `previous`, changes in the order of their keys.
pub fn compare(previous: &Sbom, current: &Sbom) -> Comparison {
    let before = keyed(&previous.components);
    let after = keyed(&current.components);
    let mut comparison = Comparison::default();
    let (mut i, mut j) = (0, 0);
    // Both lists sorted by key: one walk over the two, a package at a time.
    while i < before.len() || j < after.len() {
        let key: &str = match (before.get(i), after.get(j)) {
            (Some(b), Some(a)) => b.0.as_str().min(a.0.as_str()),
            (Some(b), None) => &b.0,
            (None, Some(a)) => &a.0,
            (None, None) => break,
        };
        let was = run_of(&before[i..], key);
        let now = run_of(&after[j..], key);
        i += was.len();
        j += now.len();
        compare_group(was, now, &mut comparison);
    }
    comparison
}

/// The identity a component keeps across releases.
pub fn key(c: &Component) -> String {
    match c.purl.as_deref().map(Purl::parse) {
        Some(Ok(purl)) => purl.without_version(),
        _ => format!(
            "{}|{}",
            c.supplier.as_deref().unwrap_or("").to_lowercase(),
            c.name.to_lowercase()
        ),
    }
}

/// The components with their keys, sorted by key (the document's order
/// kept within a key: the sort is stable).
fn keyed(components: &[Component]) -> Vec<(String, &Component)> {
    let mut list: Vec<(String, &Component)> = components.iter().map(|c| (key(c), c)).collect();
    list.sort_by(|a, b| a.0.cmp(&b.0));
    list
}

/// The components at the start of `list` whose key is `key`.
fn run_of<'a>(list: &'a [(String, &'a Component)], key: &str) -> &'a [(String, &'a Component)] {
    let n = list.iter().take_while(|(k, _)| k == key).count();
    &list[..n]
}

/// One package's components on each side (usually one each; a product
/// may bundle two versions of one library).
fn compare_group(was: &[(String, &Component)], now: &[(String, &Component)], out: &mut Comparison) {
    if let ([(_, w)], [(_, c)]) = (was, now) {
        return compare_pair(w, c, out);
    }
    let mut was: Vec<&Component> = was.iter().map(|(_, c)| *c).collect();
    let mut left_over = Vec::new();
    for (_, c) in now {
        match was.iter().position(|w| w.version == c.version) {
            Some(i) => {
                let w = was.remove(i);
                compare_pair(w, c, out);
            }
            None => left_over.push(*c),
        }
    }
    if let ([from], [to]) = (was.as_slice(), left_over.as_slice()) {
        out.changes.push(version_change(from, to));
        return;
    }
    out.changes
        .extend(was.into_iter().map(|c| Change::Removed(c.clone())));
    out.changes
        .extend(left_over.into_iter().map(|c| Change::Added(c.clone())));
}

/// One component before and after: unchanged, rebuilt, or a new version.
fn compare_pair(was: &Component, now: &Component, out: &mut Comparison) {
    if was.version != now.version {
        out.changes.push(version_change(was, now));
    } else if rebuilt(was, now) {
        out.changes.push(Change::Rebuilt {
            from: was.clone(),
            to: now.clone(),
        });
    } else {
        out.unchanged += 1;
    }
}

fn rebuilt(was: &Component, now: &Component) -> bool {
    match (&was.sha256, &now.sha256) {
        (Some(a), Some(b)) => !a.eq_ignore_ascii_case(b),
        _ => false,
    }
}

fn version_change(from: &Component, to: &Component) -> Change {
    let (from, to) = (from.clone(), to.clone());
    let order = match (&from.version, &to.version) {
        (Some(a), Some(b)) => order_in_ecosystem(&to, a, b),
        _ => None,
    };
    match order {
        Some(Ordering::Less) => Change::Upgraded { from, to },
        Some(Ordering::Greater) => Change::Downgraded { from, to },
        _ => Change::Changed { from, to },
    }
}

/// Package types whose versions are semantic versions by rule.
const SEMVER_ECOSYSTEMS: &[&str] = &["npm", "cargo", "golang", "composer", "hex", "pub", "swift"];

/// The ecosystem's own order where intake knows it (Debian packages as
/// dpkg orders them, RPM packages as rpmvercmp does; SemVer where the ecosystem uses it and both versions
/// are semantic versions), else none: Maven, PyPI and the rest have rules
/// of their own, and a wrong "downgrade" would mislead.
fn order_in_ecosystem(c: &Component, a: &str, b: &str) -> Option<Ordering> {
    let purl = c.purl.as_deref().and_then(|p| Purl::parse(p).ok())?;
    if purl.is_kind("deb") {
        Some(Scheme::Dpkg.compare(a, b))
    } else if purl.is_kind("rpm") {
        Some(Scheme::Rpm.compare(a, b))
    } else if SEMVER_ECOSYSTEMS.iter().any(|k| purl.is_kind(k)) {
        version::semver_order(a, b)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn component(purl: &str, version: &str, sha256: Option<&str>) -> Component {
        Component {
            name: purl.rsplit('/').next().unwrap_or(purl).to_string(),
            version: Some(version.to_string()),
            purl: Some(format!("{purl}@{version}")),
            supplier: None,
            sha256: sha256.map(str::to_string),
            reference: None,
        }
    }

    fn sbom(components: Vec<Component>) -> Sbom {
        Sbom {
            format: "CycloneDX 1.6".into(),
            components,
            files: Vec::new(),
        }
    }

    #[test]
    fn each_kind_of_change_is_told_apart() {
        let before = sbom(vec![
            component("pkg:deb/debian/openssl", "3.0.11-1", None),
            component("pkg:npm/lodash", "4.17.21", None),
            component("pkg:maven/org.hl7/hapi", "2.5", None),
            component("pkg:cargo/serde", "1.0.200", Some(&"a".repeat(64))),
            component("pkg:pypi/removed", "1.0", None),
        ]);
        let after = sbom(vec![
            component("pkg:deb/debian/openssl", "3.0.15-1~deb12u1", None),
            component("pkg:npm/lodash", "4.17.20", None),
            component("pkg:maven/org.hl7/hapi", "2.5-rev.b", None),
            component("pkg:cargo/serde", "1.0.200", Some(&"b".repeat(64))),
            component("pkg:pypi/added", "0.1", None),
        ]);
        let c = compare(&before, &after);
        let kinds: Vec<&str> = c
            .changes
            .iter()
            .map(|ch| match ch {
                Change::Added(_) => "added",
                Change::Removed(_) => "removed",
                Change::Upgraded { .. } => "upgraded",
                Change::Downgraded { .. } => "downgraded",
                Change::Changed { .. } => "changed",
                Change::Rebuilt { .. } => "rebuilt",
            })
            .collect();
        // In key order: cargo/serde, deb/openssl, maven/hapi, npm/lodash, pypi/added, pypi/removed.
        assert_eq!(
            kinds,
            [
                "rebuilt",
                "upgraded",
                "changed",
                "downgraded",
                "added",
                "removed"
            ]
        );
        assert_eq!(c.unchanged, 0);
    }

    #[test]
    fn without_a_purl_supplier_and_name_match() {
        let mut a = component("pkg:npm/x", "1.0.0", None);
        a.purl = None;
        a.supplier = Some("Northwind".into());
        let mut b = a.clone();
        b.version = Some("1.1.0".into());
        let c = compare(&sbom(vec![a.clone()]), &sbom(vec![b]));
        // No purl, no ecosystem: the versions differ, in no known order.
        assert!(
            matches!(c.changes.as_slice(), [Change::Changed { .. }]),
            "{c:?}"
        );
        let same = compare(&sbom(vec![a.clone()]), &sbom(vec![a]));
        assert_eq!((same.changes.len(), same.unchanged), (0, 1));
    }
}
