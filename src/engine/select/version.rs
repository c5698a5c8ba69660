//! Version ordering. Versions that look like semantic versions (dotted
//! numbers, an optional `v`, an optional `-pre-release` and `+build`) are
//! ordered as SemVer 2.0 orders them, with any number of numeric parts.
//! Anything else falls back to a natural order: runs of digits compare as
//! numbers, other runs as text, so `r10` comes after `r9`.

use std::cmp::Ordering;

/// Compares two version strings (see the module docs for the rules).
pub fn compare(a: &str, b: &str) -> Ordering {
    match (SemverLike::parse(a), SemverLike::parse(b)) {
        (Some(x), Some(y)) => x.cmp(&y),
        _ => natural(a, b),
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
    fn natural_fallback() {
        assert_eq!(compare("r10", "r9"), Greater);
        assert_eq!(compare("build-2026-11", "build-2026-9"), Greater);
        assert_eq!(compare("abc", "abd"), Less);
        assert_eq!(compare("", "1"), Less);
    }
}
