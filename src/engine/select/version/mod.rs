//! Version ordering. Versions that look like semantic versions (dotted
//! numbers, an optional `v`, an optional `-pre-release` and `+build`) are
//! ordered as SemVer 2.0 orders them, with any number of numeric parts.
//! Anything else falls back to a natural order: runs of digits compare as
//! numbers, other runs as text, so `r10` comes after `r9`. An epoch
//! (`1:` before the version) outranks everything after it, as in the
//! package formats. A product whose every artifact is a Debian package is
//! ordered as dpkg orders versions (see [`Scheme`]).

use std::cmp::Ordering;

pub mod dpkg;
pub mod rpm;

use crate::engine::select::feed::Feed;
use dpkg::DpkgVersion;

/// Which rules order a product's versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// SemVer where the versions look like it, else natural order.
    Generic,
    /// `dpkg --compare-versions` (every artifact a `.deb`).
    Dpkg,
    /// rpm's `rpmvercmp` over `[epoch:]version[-release]` (every artifact
    /// an `.rpm`).
    Rpm,
}

impl Scheme {
    /// The package format's own rules when every artifact the feed lists
    /// is a package of that format (their versions are the packages'
    /// versions); the generic rules otherwise.
    pub fn of(feed: &Feed) -> Scheme {
        let package_format = |file: &str| {
            let lower = file.to_ascii_lowercase();
            if lower.ends_with(".deb") {
                Some(Scheme::Dpkg)
            } else if lower.ends_with(".rpm") {
                Some(Scheme::Rpm)
            } else {
                None
            }
        };
        let mut formats = feed
            .releases
            .iter()
            .flat_map(|r| &r.artifacts)
            .map(|a| package_format(&a.file.value));
        let first = formats.next().flatten();
        match first {
            Some(scheme) if formats.all(|f| f == Some(scheme)) => scheme,
            _ => Scheme::Generic,
        }
    }

    pub fn compare(self, a: &str, b: &str) -> Ordering {
        match self {
            Scheme::Dpkg => match (DpkgVersion::parse(a), DpkgVersion::parse(b)) {
                (Ok(x), Ok(y)) => x.cmp(&y),
                _ => compare(a, b),
            },
            Scheme::Rpm => rpm::compare(a, b),
            Scheme::Generic => compare(a, b),
        }
    }
}

/// Compares two version strings (see the module docs for the rules).
pub fn compare(a: &str, b: &str) -> Ordering {
    let (epoch_a, a) = split_epoch(a);
    let (epoch_b, b) = split_epoch(b);
    epoch_a
        .cmp(&epoch_b)
        .then_with(|| match (SemverLike::parse(a), SemverLike::parse(b)) {
            (Some(x), Some(y)) => x.cmp(&y),
            _ => natural(a, b),
        })
}

/// The SemVer order of two versions when both look like semantic
/// versions (as the module docs say), else none.
pub fn semver_order(a: &str, b: &str) -> Option<Ordering> {
    Some(SemverLike::parse(a)?.cmp(&SemverLike::parse(b)?))
}

/// `1:4.2.1` is epoch 1, version `4.2.1`; no epoch is epoch 0.
fn split_epoch(version: &str) -> (u64, &str) {
    match version.split_once(':') {
        Some((epoch, rest)) if !epoch.is_empty() && epoch.bytes().all(|b| b.is_ascii_digit()) => {
            (epoch.parse().unwrap_or(u64::MAX), rest)
        }
        _ => (0, version),
    }
}

#[derive(Debug, PartialEq, Eq)]
struct SemverLike<'a> {
    numbers: Vec<u64>,
    pre: Vec<&'a str>,
}

impl<'a> SemverLike<'a> {
    fn parse(s: &'a str) -> Option<Self> {
        let s = s.strip_prefix(['v', 'V']).unwrap_or(s);
        let s = s.split_once('+').map_or(s, |(head, _build)| head);
        let (core, pre) = match s.split_once('-') {
            Some((core, pre)) if !pre.is_empty() => (core, pre.split('.').collect()),
            Some(_) => return None,
            None => (s, Vec::new()),
        };
        let numbers = core
            .split('.')
            .map(|part| {
                if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
                    None
                } else {
                    part.parse::<u64>().ok()
                }
            })
            .collect::<Option<Vec<u64>>>()?;
        Some(SemverLike { numbers, pre })
    }
}

impl Ord for SemverLike<'_> {
    fn cmp(&self, other: &Self) -> Ordering {
        let len = self.numbers.len().max(other.numbers.len());
        for i in 0..len {
            let x = self.numbers.get(i).copied().unwrap_or(0);
            let y = other.numbers.get(i).copied().unwrap_or(0);
            match x.cmp(&y) {
                Ordering::Equal => {}
                unequal => return unequal,
            }
        }
        // A pre-release sorts before the release it precedes.
        match (self.pre.is_empty(), other.pre.is_empty()) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Greater,
            (false, true) => Ordering::Less,
            (false, false) => compare_pre(&self.pre, &other.pre),
        }
    }
}

impl PartialOrd for SemverLike<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

fn compare_pre(a: &[&str], b: &[&str]) -> Ordering {
    for (x, y) in a.iter().zip(b) {
        let order = match (x.parse::<u64>(), y.parse::<u64>()) {
            (Ok(x), Ok(y)) => x.cmp(&y),
            (Ok(_), Err(_)) => Ordering::Less,
            (Err(_), Ok(_)) => Ordering::Greater,
            (Err(_), Err(_)) => x.cmp(y),
        };
        if order != Ordering::Equal {
            return order;
        }
    }
    a.len().cmp(&b.len())
}

fn natural(a: &str, b: &str) -> Ordering {
    let (mut xs, mut ys) = (runs(a), runs(b));
    loop {
        match (xs.next(), ys.next()) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => {
                let order = match (x.parse::<u128>(), y.parse::<u128>()) {
                    (Ok(x), Ok(y)) => x.cmp(&y),
                    _ => x.cmp(y),
                };
                if order != Ordering::Equal {
                    return order;
                }
            }
        }
    }
}

/// Splits a string into alternating runs of digits and non-digits.
fn runs(s: &str) -> impl Iterator<Item = &str> {
    let mut rest = s;
    std::iter::from_fn(move || {
        let first = rest.chars().next()?;
        let digit = first.is_ascii_digit();
        let end = rest
            .char_indices()
            .find(|(_, c)| c.is_ascii_digit() != digit)
            .map_or(rest.len(), |(i, _)| i);
        let (run, tail) = rest.split_at(end);
        rest = tail;
        Some(run)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cmp::Ordering::*;

    #[test]
    fn semver_like_versions() {
        let cases = [
            ("4.2.1", "4.2.0", Greater),
            ("4.10.0", "4.9.9", Greater),
            ("4.2", "4.2.0", Equal),
            ("v4.2.1", "4.2.1", Equal),
            ("4.3.0-rc1", "4.3.0", Less),
            ("4.3.0-rc.2", "4.3.0-rc.10", Less),
            ("4.3.0-alpha", "4.3.0-beta", Less),
            ("4.3.0-rc1", "4.2.1", Greater),
            ("1.0.0+build5", "1.0.0", Equal),
            ("2026.11.1", "2026.9.30", Greater),
        ];
        for (a, b, want) in cases {
            assert_eq!(compare(a, b), want, "{a} vs {b}");
            assert_eq!(compare(b, a), want.reverse(), "{b} vs {a}");
        }
    }

    #[test]
    fn an_epoch_outranks_the_version() {
        assert_eq!(compare("1:1.0", "9.9"), Greater);
        assert_eq!(compare("0:4.2.1", "4.2.1"), Equal);
        assert_eq!(compare("2:1.0", "10:0.1"), Less);
        assert_eq!(compare("1:4.2.1-1.el9", "1:4.2.1-1.el9"), Equal);
    }

    #[test]
    fn debian_products_order_as_dpkg() {
        // Generic rules read `~rc1` as text after `4.3.0`; dpkg puts it before.
        assert_eq!(compare("4.3.0~rc1", "4.3.0"), Greater);
        assert_eq!(Scheme::Dpkg.compare("4.3.0~rc1", "4.3.0"), Less);
        assert_eq!(
            Scheme::Dpkg.compare("1:4.13+dfsg1-1+deb12u2", "4.14-1"),
            Greater
        );
        assert_eq!(Scheme::Dpkg.compare("4.2.1-1", "4.2.1-10"), Less);
    }

    #[test]
    fn rpm_products_order_as_rpmvercmp() {
        assert_eq!(Scheme::Rpm.compare("4.3.0~rc1-1.el9", "4.3.0-1.el9"), Less);
        assert_eq!(Scheme::Rpm.compare("1:4.2.1-1.el9", "4.13-1.el9"), Greater);
        assert_eq!(Scheme::Rpm.compare("4.2.1-1.el9", "4.2.1-1.el9"), Equal);
        assert_eq!(Scheme::Rpm.compare("4.2.1^git1-1", "4.2.1-1"), Greater);
    }

    #[test]
    fn natural_fallback() {
        assert_eq!(compare("r10", "r9"), Greater);
        assert_eq!(compare("build-2026-11", "build-2026-9"), Greater);
        assert_eq!(compare("abc", "abd"), Less);
        assert_eq!(compare("", "1"), Less);
    }
}
