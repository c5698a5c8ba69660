//! RPM version order, as rpm compares versions (`rpmvercmp` over each of
//! epoch, version and release): segments of digits or letters compared in
//! turn (numbers by value, letters as bytes, a number newer than letters),
//! separators ignored, `~` before anything (even the end: `1.0~rc1` <
//! `1.0`), `^` after the end but before anything else (`1.0` < `1.0^git1`
//! < `1.0.1`).

use std::cmp::Ordering;

/// Compares two full versions, `[epoch:]version[-release]` (a missing
/// epoch is 0; the release is after the last `-`).
pub fn compare(a: &str, b: &str) -> Ordering {
    let (ea, va, ra) = split(a);
    let (eb, vb, rb) = split(b);
    epoch_order(ea, eb)
        .then_with(|| vercmp(va, vb))
        .then_with(|| vercmp(ra.unwrap_or(""), rb.unwrap_or("")))
}

/// Epoch, version and release of `[epoch:]version[-release]`.
pub fn split(full: &str) -> (&str, &str, Option<&str>) {
    let (epoch, rest) = match full.split_once(':') {
        Some((e, rest)) if !e.is_empty() && e.bytes().all(|b| b.is_ascii_digit()) => (e, rest),
        _ => ("0", full),
    };
    match rest.rsplit_once('-') {
        Some((version, release)) => (epoch, version, Some(release)),
        None => (epoch, rest, None),
    }
}

/// Epochs compare as numbers of any length (leading zeros ignored).
fn epoch_order(a: &str, b: &str) -> Ordering {
    let a = a.trim_start_matches('0');
    let b = b.trim_start_matches('0');
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// `rpmvercmp`: one version (or release) against another.
pub fn vercmp(a: &str, b: &str) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    let (mut one, mut two) = (a.as_bytes(), b.as_bytes());
    let separator = |c: &u8| !c.is_ascii_alphanumeric() && *c != b'~' && *c != b'^';
    while !one.is_empty() || !two.is_empty() {
        one = skip_while(one, separator);
        two = skip_while(two, separator);
        let (c1, c2) = (one.first().copied(), two.first().copied());
        if c1 == Some(b'~') || c2 == Some(b'~') {
            if c1 != Some(b'~') {
                return Ordering::Greater;
            }
            if c2 != Some(b'~') {
                return Ordering::Less;
            }
            (one, two) = (&one[1..], &two[1..]);
            continue;
        }
        if c1 == Some(b'^') || c2 == Some(b'^') {
            match (c1, c2) {
                (None, _) => return Ordering::Less,
                (_, None) => return Ordering::Greater,
                (Some(x), _) if x != b'^' => return Ordering::Greater,
                (_, Some(y)) if y != b'^' => return Ordering::Less,
                _ => {}
            }
            (one, two) = (&one[1..], &two[1..]);
            continue;
        }
        if one.is_empty() || two.is_empty() {
            break;
        }
        let numeric = one[0].is_ascii_digit();
        let class = |c: &u8| {
            if numeric {
                c.is_ascii_digit()
            } else {
                c.is_ascii_alphabetic()
            }
        };
        let seg1_len = one.iter().take_while(|c| class(c)).count();
        let seg2_len = two.iter().take_while(|c| class(c)).count();
        if seg2_len == 0 {
            // A number is newer than letters.
            return if numeric {
                Ordering::Greater
            } else {
                Ordering::Less
            };
        }
        let (mut seg1, mut seg2) = (&one[..seg1_len], &two[..seg2_len]);
        (one, two) = (&one[seg1_len..], &two[seg2_len..]);
        if numeric {
            seg1 = skip_while(seg1, |c| *c == b'0');
            seg2 = skip_while(seg2, |c| *c == b'0');
            match seg1.len().cmp(&seg2.len()) {
                Ordering::Equal => {}
                longer => return longer,
            }
        }
        match seg1.cmp(seg2) {
            Ordering::Equal => {}
            other => return other,
        }
    }
    match (one.is_empty(), two.is_empty()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Less,
        _ => Ordering::Greater,
    }
}

fn skip_while(s: &[u8], f: impl Fn(&u8) -> bool) -> &[u8] {
    let n = s.iter().take_while(|c| f(c)).count();
    &s[n..]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// rpm's own table (tests/rpmvercmp.at): `(a, b, a against b)`.
    const TABLE: &[(&str, &str, i8)] = &[
        ("1.0", "1.0", 0),
        ("1.0", "2.0", -1),
        ("2.0", "1.0", 1),
        ("2.0.1", "2.0.1", 0),
        ("2.0", "2.0.1", -1),
        ("2.0.1", "2.0", 1),
        ("2.0.1a", "2.0.1a", 0),
        ("2.0.1a", "2.0.1", 1),
        ("2.0.1", "2.0.1a", -1),
        ("5.5p1", "5.5p1", 0),
        ("5.5p1", "5.5p2", -1),
        ("5.5p2", "5.5p1", 1),
        ("5.5p10", "5.5p10", 0),
        ("5.5p1", "5.5p10", -1),
        ("5.5p10", "5.5p1", 1),
        ("10xyz", "10.1xyz", -1),
        ("10.1xyz", "10xyz", 1),
        ("xyz10", "xyz10", 0),
        ("xyz10", "xyz10.1", -1),
        ("xyz10.1", "xyz10", 1),
        ("xyz.4", "xyz.4", 0),
        ("xyz.4", "8", -1),
        ("8", "xyz.4", 1),
        ("xyz.4", "2", -1),
        ("2", "xyz.4", 1),
        ("5.5p2", "5.6p1", -1),
        ("5.6p1", "5.5p2", 1),
        ("5.6p1", "6.5p1", -1),
        ("6.5p1", "5.6p1", 1),
        ("6.0.rc1", "6.0", 1),
        ("6.0", "6.0.rc1", -1),
        ("10b2", "10a1", 1),
        ("10a2", "10b2", -1),
        ("1.0aa", "1.0aa", 0),
        ("1.0a", "1.0aa", -1),
        ("1.0aa", "1.0a", 1),
        ("10.0001", "10.0001", 0),
        ("10.0001", "10.1", 0),
        ("10.1", "10.0001", 0),
        ("10.0001", "10.0039", -1),
        ("10.0039", "10.0001", 1),
        ("4.999.9", "5.0", -1),
        ("5.0", "4.999.9", 1),
        ("20101121", "20101121", 0),
        ("20101121", "20101122", -1),
        ("20101122", "20101121", 1),
        ("2_0", "2_0", 0),
        ("2.0", "2_0", 0),
        ("2_0", "2.0", 0),
        ("a", "a", 0),
        ("a+", "a+", 0),
        ("a+", "a_", 0),
        ("a_", "a+", 0),
        ("+a", "+a", 0),
        ("+a", "_a", 0),
        ("_a", "+a", 0),
        ("+_", "+_", 0),
        ("_+", "+_", 0),
        ("_+", "_+", 0),
        ("+", "_", 0),
        ("_", "+", 0),
        ("1.0~rc1", "1.0~rc1", 0),
        ("1.0~rc1", "1.0", -1),
        ("1.0", "1.0~rc1", 1),
        ("1.0~rc1", "1.0~rc2", -1),
        ("1.0~rc2", "1.0~rc1", 1),
        ("1.0~rc1~git123", "1.0~rc1~git123", 0),
        ("1.0~rc1~git123", "1.0~rc1", -1),
        ("1.0~rc1", "1.0~rc1~git123", 1),
        ("1.0^", "1.0^", 0),
        ("1.0^", "1.0", 1),
        ("1.0", "1.0^", -1),
        ("1.0^git1", "1.0^git1", 0),
        ("1.0^git1", "1.0", 1),
        ("1.0", "1.0^git1", -1),
        ("1.0^git1", "1.0^git2", -1),
        ("1.0^git2", "1.0^git1", 1),
        ("1.0^git1", "1.01", -1),
        ("1.01", "1.0^git1", 1),
        ("1.0^20160101", "1.0^20160101", 0),
        ("1.0^20160101", "1.0.1", -1),
        ("1.0.1", "1.0^20160101", 1),
        ("1.0^20160101^git1", "1.0^20160101^git1", 0),
        ("1.0^20160102", "1.0^20160101^git1", 1),
        ("1.0^20160101^git1", "1.0^20160102", -1),
        ("1.0~rc1^git1", "1.0~rc1^git1", 0),
        ("1.0~rc1^git1", "1.0~rc1", 1),
        ("1.0~rc1", "1.0~rc1^git1", -1),
        ("1.0^git1~pre", "1.0^git1~pre", 0),
        ("1.0^git1", "1.0^git1~pre", 1),
        ("1.0^git1~pre", "1.0^git1", -1),
    ];

    #[test]
    fn rpms_own_table_holds() {
        for (a, b, want) in TABLE {
            let want = want.cmp(&0);
            assert_eq!(vercmp(a, b), want, "rpmvercmp({a}, {b})");
        }
    }

    #[test]
    fn epoch_then_version_then_release() {
        assert_eq!(compare("1:1.0-1", "2.0-1"), Ordering::Greater);
        assert_eq!(compare("0:4.2.1-1.el9", "4.2.1-1.el9"), Ordering::Equal);
        assert_eq!(compare("4.2.1-1.el9", "4.2.1-2.el9"), Ordering::Less);
        assert_eq!(compare("4.2.1-10", "4.2.1-9"), Ordering::Greater);
        assert_eq!(compare("4.2.1", "4.2.1-1"), Ordering::Less);
        assert_eq!(compare("010:1", "9:1"), Ordering::Greater);
        assert_eq!(split("2:4.2.1-1.el9"), ("2", "4.2.1", Some("1.el9")));
    }
}
