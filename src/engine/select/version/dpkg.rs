//! Debian version numbers, read and ordered as dpkg does
//! (`dpkg --compare-versions`, deb-version(7)): `[epoch:]upstream[-revision]`,
//! the epoch compared as a number, then the upstream version and the
//! revision each compared in turns of non-digits (letters before other
//! characters, `~` before everything, even the end) and digits (as numbers).

use std::cmp::Ordering;

/// A version as dpkg reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DpkgVersion {
    pub epoch: u64,
    pub upstream: String,
    /// Empty when the version has none (dpkg orders it as `0`).
    pub revision: String,
}

impl DpkgVersion {
    /// Reads a version; `Err` says what dpkg would refuse in it.
    pub fn parse(text: &str) -> Result<DpkgVersion, String> {
        let text = text.trim();
        if text.is_empty() {
            return Err("an empty version".to_string());
        }
        let (epoch, rest) = match text.split_once(':') {
            Some((epoch, rest)) => {
                let epoch = epoch
                    .parse::<u32>()
                    .map_err(|_| format!("`{text}`: the epoch is not a number"))?;
                (u64::from(epoch), rest)
            }
            None => (0, text),
        };
        let (upstream, revision) = match rest.rsplit_once('-') {
            Some((upstream, revision)) => (upstream, revision),
            None => (rest, ""),
        };
        if upstream.is_empty() || rest.ends_with('-') {
            return Err(format!("`{text}`: an empty upstream version or revision"));
        }
        if !upstream.starts_with(|c: char| c.is_ascii_digit()) {
            return Err(format!("`{text}`: the version does not start with a digit"));
        }
        let allowed = |c: char, extra: &str| c.is_ascii_alphanumeric() || extra.contains(c);
        if !upstream.chars().all(|c| allowed(c, ".+~-:"))
            || !revision.chars().all(|c| allowed(c, ".+~"))
        {
            return Err(format!(
                "`{text}`: a character a Debian version may not hold"
            ));
        }
        Ok(DpkgVersion {
            epoch,
            upstream: upstream.to_string(),
            revision: revision.to_string(),
        })
    }

    /// The version without its revision, epoch shown only when not 0.
    pub fn without_revision(&self) -> String {
        match self.epoch {
            0 => self.upstream.clone(),
            e => format!("{e}:{}", self.upstream),
        }
    }
}

impl Ord for DpkgVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        self.epoch
            .cmp(&other.epoch)
            .then_with(|| compare_part(&self.upstream, &other.upstream))
            .then_with(|| compare_part(&self.revision, &other.revision))
    }
}

impl PartialOrd for DpkgVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Whether two versions are the same to dpkg (`1.0` and `0:1.0-0` are).
pub fn same(a: &DpkgVersion, b: &DpkgVersion) -> bool {
    a.cmp(b) == Ordering::Equal
}

/// A non-digit's weight: `~` first, then the end, letters, the rest.
fn weight(c: Option<u8>) -> i32 {
    match c {
        None => 0,
        Some(b'~') => -1,
        Some(c) if c.is_ascii_digit() => 0,
        Some(c) if c.is_ascii_alphabetic() => i32::from(c),
        Some(c) => i32::from(c) + 256,
    }
}

/// Takes a run of digits off the front of `s`, without leading zeros.
fn number<'a>(s: &mut &'a [u8]) -> &'a [u8] {
    let zeros = s.iter().take_while(|c| **c == b'0').count();
    let rest: &'a [u8] = s.get(zeros..).unwrap_or_default();
    let len = rest.iter().take_while(|c| c.is_ascii_digit()).count();
    let (n, after) = rest.split_at(len);
    *s = after;
    n
}

/// dpkg's `verrevcmp`.
fn compare_part(a: &str, b: &str) -> Ordering {
    let (mut a, mut b) = (a.as_bytes(), b.as_bytes());
    let digit = |s: &[u8]| s.first().is_some_and(u8::is_ascii_digit);
    while !a.is_empty() || !b.is_empty() {
        while (!a.is_empty() && !digit(a)) || (!b.is_empty() && !digit(b)) {
            let (wa, wb) = (weight(a.first().copied()), weight(b.first().copied()));
            if wa != wb {
                return wa.cmp(&wb);
            }
            a = a.get(1..).unwrap_or_default();
            b = b.get(1..).unwrap_or_default();
        }
        let (na, nb) = (number(&mut a), number(&mut b));
        // Without leading zeros, the longer number is the larger; then digit by digit.
        match na.len().cmp(&nb.len()).then_with(|| na.cmp(nb)) {
            Ordering::Equal => {}
            other => return other,
        }
    }
    Ordering::Equal
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmp(a: &str, b: &str) -> Ordering {
        DpkgVersion::parse(a)
            .unwrap()
            .cmp(&DpkgVersion::parse(b).unwrap())
    }

    #[test]
    fn versions_order_as_dpkg_orders_them() {
        use Ordering::*;
        for (a, b, want) in [
            ("1.0", "1.0", Equal),
            ("1.0", "0:1.0-0", Equal),
            ("1.0-1", "1.0", Greater),
            ("1:1.0", "2.0", Greater),
            ("1.0~rc1", "1.0", Less),
            ("1.0~rc1", "1.0~rc2", Less),
            ("1.0~~", "1.0~", Less),
            ("1.0", "1.0a", Less),
            ("1.0a", "1.0+", Less),
            ("1.0+dfsg1", "1.0", Greater),
            ("1.10", "1.9", Greater),
            ("1.010", "1.10", Equal),
            ("4.13+dfsg1-1+deb12u2", "4.13+dfsg1-1+deb12u1", Greater),
            ("4.2.1-1.el9", "4.2.1-1", Greater),
            ("2.0-1", "2.0-1~bpo1", Greater),
            ("1.2-3-4", "1.2-3-10", Less),
            ("99999999999999999999", "1", Greater),
        ] {
            assert_eq!(cmp(a, b), want, "{a} vs {b}");
            assert_eq!(cmp(b, a), want.reverse(), "{b} vs {a}");
        }
    }

    #[test]
    fn epochs_and_revisions_are_taken_apart() {
        let v = DpkgVersion::parse("1:4.13+dfsg1-1+deb12u2").unwrap();
        assert_eq!((v.epoch, v.upstream.as_str()), (1, "4.13+dfsg1"));
        assert_eq!(v.revision, "1+deb12u2");
        assert_eq!(v.without_revision(), "1:4.13+dfsg1");
        assert_eq!(DpkgVersion::parse("4.2.1").unwrap().revision, "");
    }

    #[test]
    fn what_dpkg_refuses_is_refused() {
        for bad in [
            "", "a1.0", "x:1.0", "1.0-", ":1.0", "1.0 beta", "1.0-a_b", "-1",
        ] {
            assert!(DpkgVersion::parse(bad).is_err(), "{bad:?}");
        }
    }
}
