//! APT `Release` files (and the signed text of an `InRelease`): the
//! fields the chain rests on, read as apt reads a deb822 paragraph. Only
//! `SHA256` entries count (MD5Sum and SHA1 are never evidence) and
//! `Valid-Until` says how long the file may be relied on. An `InRelease`
//! must be nothing but its signed message ([`outside_signed_part`]): apt
//! refuses text around it, and so does intake, saying where.

use jiff::Timestamp;

/// What a Release file lists for one file of the repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedFile {
    /// Path relative to the Release file's folder, as written.
    pub path: String,
    pub size: u64,
    pub sha256: Vec<u8>,
    /// 1-based line in the (signed) text.
    pub line: usize,
}

/// `Valid-Until` as written and, when it reads as a date, as a time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidUntil {
    pub text: String,
    pub time: Option<Timestamp>,
}

/// The fields of a Release file that the chain uses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReleaseFile {
    pub valid_until: Option<ValidUntil>,
    /// `Suite`/`Codename`, for the evidence (`bookworm`).
    pub codename: Option<String>,
    /// The `SHA256:` entries, in order.
    pub sha256: Vec<ListedFile>,
}

/// How a path is listed: once (or the same way each time), or twice with
/// different values (the two lines).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Listed<'a> {
    No,
    Once(&'a ListedFile),
    Conflicting(&'a ListedFile, &'a ListedFile),
}

impl ReleaseFile {
    /// What the Release lists for `path` (relative to its folder).
    pub fn listed(&self, path: &str) -> Listed<'_> {
        let mut same = self.sha256.iter().filter(|f| f.path == path);
        let Some(first) = same.next() else {
            return Listed::No;
        };
        match same.find(|f| f.sha256 != first.sha256 || f.size != first.size) {
            Some(other) => Listed::Conflicting(first, other),
            None => Listed::Once(first),
        }
    }
}

/// The field a continuation line belongs to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Field {
    Sha256,
    Other,
}

/// Reads the first paragraph of a Release file. `Err` says, with the
/// line, why the file is not one: a line that is neither a field nor a
/// continuation, a `SHA256` entry that is not `<hex> <size> <path>`, or a
/// second `SHA256` field.
pub fn parse(text: &[u8]) -> Result<ReleaseFile, String> {
    parse_from(text, 0)
}

/// [`parse`], for text that starts after `skipped` lines of its file (an
/// InRelease's armor headers): lines are named as the file's.
pub fn parse_from(text: &[u8], skipped: usize) -> Result<ReleaseFile, String> {
    let mut file = ReleaseFile::default();
    let mut field: Option<Field> = None;
    let mut seen_sha256 = false;
    for (i, raw) in text.split(|b| *b == b'\n').enumerate() {
        let line_no = skipped + i + 1;
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        let line = String::from_utf8_lossy(raw);
        if line.trim().is_empty() {
            if field.is_some() {
                break; // The end of the first paragraph: the Release's fields end.
            }
            continue;
        }
        if line.starts_with([' ', '\t']) {
            match field {
                Some(Field::Sha256) => file.sha256.push(entry(&line, line_no)?),
                Some(Field::Other) => {}
                None => {
                    return Err(format!(
                        "line {line_no}: a continuation line before any field"
                    ));
                }
            }
            continue;
        }
        let Some((name, value)) = line.split_once(':') else {
            return Err(format!("line {line_no} is not a `Field: value` line"));
        };
        let value = value.trim();
        field = Some(Field::Other);
        if name.eq_ignore_ascii_case("SHA256") {
            if seen_sha256 {
                return Err(format!("line {line_no}: a second SHA256 field"));
            }
            seen_sha256 = true;
            field = Some(Field::Sha256);
            if !value.is_empty() {
                file.sha256.push(entry(value, line_no)?);
            }
        } else if name.eq_ignore_ascii_case("Valid-Until") {
            file.valid_until = Some(ValidUntil {
                text: value.to_string(),
                time: rfc2822(value),
            });
        } else if name.eq_ignore_ascii_case("Codename")
            || (name.eq_ignore_ascii_case("Suite") && file.codename.is_none())
        {
            file.codename = Some(value.to_string());
        }
    }
    Ok(file)
}

/// One ` <sha256> <size> <path>` entry.
fn entry(line: &str, line_no: usize) -> Result<ListedFile, String> {
    let bad = || format!("line {line_no}: a SHA256 entry that is not `<sha256> <size> <path>`");
    let mut parts = line.split_whitespace();
    let (Some(hex_part), Some(size), Some(path), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad());
    };
    let sha256 = hex::decode(hex_part).map_err(|_| bad())?;
    if sha256.len() != 32 {
        return Err(bad());
    }
    let size = size.parse::<u64>().map_err(|_| bad())?;
    Ok(ListedFile {
        path: path.to_string(),
        size,
        sha256,
        line: line_no,
    })
}

/// `Sat, 11 Jul 2026 10:16:37 UTC`, the date form Release files use.
fn rfc2822(text: &str) -> Option<Timestamp> {
    jiff::fmt::rfc2822::parse(text).ok().map(|z| z.timestamp())
}

const SIGNED_BEGIN: &[u8] = b"-----BEGIN PGP SIGNED MESSAGE-----";
const SIGNATURE_BEGIN: &[u8] = b"-----BEGIN PGP SIGNATURE-----";
const SIGNATURE_END: &[u8] = b"-----END PGP SIGNATURE-----";

/// Where an InRelease reads so far.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Part {
    Before,
    ArmorHeaders,
    SignedText,
    Signature,
    After,
}

/// Why an InRelease is more than one signed message, saying where: text
/// before the `BEGIN PGP SIGNED MESSAGE` line or after the signature, an
/// armor header other than `Hash:`, an unescaped `-` line inside the
/// signed text (a second message would start so), or a signature block
/// that never ends. Blank lines around the message are allowed. `Ok`: the
/// file is one signed message and nothing else, and this many lines come
/// before its signed text (so a line of the text is named as the file's).
pub fn outside_signed_part(bytes: &[u8]) -> Result<usize, String> {
    let mut part = Part::Before;
    let mut last = 0;
    let mut text_starts = 0;
    for (i, raw) in bytes.split(|b| *b == b'\n').enumerate() {
        let n = i + 1;
        last = n;
        let line = raw.trim_ascii_end();
        part = match part {
            Part::Before if line.trim_ascii().is_empty() => Part::Before,
            Part::Before if line == SIGNED_BEGIN => Part::ArmorHeaders,
            Part::Before => return Err(format!("line {n}: text before the signed part")),
            Part::ArmorHeaders if line.is_empty() => {
                text_starts = n;
                Part::SignedText
            }
            Part::ArmorHeaders if line.starts_with(b"Hash:") => Part::ArmorHeaders,
            Part::ArmorHeaders => {
                return Err(format!(
                    "line {n}: an armor header other than `Hash:` before the signed text"
                ));
            }
            Part::SignedText if line == SIGNATURE_BEGIN => Part::Signature,
            Part::SignedText if line.starts_with(b"-") && !line.starts_with(b"- ") => {
                return Err(format!(
                    "line {n}: a line starting with `-` inside the signed text that is not dash-escaped (a second message or block?)"
                ));
            }
            Part::SignedText => Part::SignedText,
            Part::Signature if line == SIGNATURE_END => Part::After,
            Part::Signature => Part::Signature,
            Part::After if line.trim_ascii().is_empty() => Part::After,
            Part::After => return Err(format!("line {n}: text after the signature")),
        };
    }
    match part {
        Part::After => Ok(text_starts),
        Part::Before => Err("no signed message (no `BEGIN PGP SIGNED MESSAGE` line)".into()),
        _ => Err(format!(
            "line {last}: the file ends before the signature block does"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: &str = "515e692f2c4121c6fcec444ef100cc18f79a991910615f3a88c8b7becfc94d2f";

    #[test]
    fn reads_the_fields_the_chain_uses() {
        let text = format!(
            "Origin: Debian\nCodename: bookworm\nValid-Until: Sat, 11 Jul 2026 10:16:37 UTC\nMD5Sum:\n 0ed6d4c8891eb86358b94bb35d9e4da4  1484322 contrib/Contents-all\nSHA256:\n {H} 50060337 main/binary-amd64/Packages\n {H}  8790396 main/binary-amd64/Packages.xz\n\nIgnored: after the paragraph\n"
        );
        let r = parse(text.as_bytes()).unwrap();
        assert_eq!(r.codename.as_deref(), Some("bookworm"));
        assert_eq!(r.sha256.len(), 2);
        assert_eq!(r.sha256[0].size, 50060337);
        assert_eq!(r.sha256[0].line, 7);
        let valid = r.valid_until.unwrap();
        assert_eq!(valid.time, Some("2026-07-11T10:16:37Z".parse().unwrap()));
        assert!(matches!(r.sha256.first(), Some(f) if f.path == "main/binary-amd64/Packages"));
    }

    #[test]
    fn a_path_listed_twice_differently_is_conflicting() {
        let text = format!(
            "SHA256:\n {H} 10 a/Packages\n {H} 11 a/Packages\n {H} 12 b/Packages\n {H} 12 b/Packages\n"
        );
        let r = parse(text.as_bytes()).unwrap();
        assert!(
            matches!(r.listed("a/Packages"), Listed::Conflicting(a, b) if a.line == 2 && b.line == 3)
        );
        assert!(matches!(r.listed("b/Packages"), Listed::Once(_)));
        assert_eq!(r.listed("c/Packages"), Listed::No);
    }

    #[test]
    fn malformed_lines_are_refused_with_their_line() {
        assert!(
            parse(b"SHA256:\n nothex 1 a\n")
                .unwrap_err()
                .contains("line 2")
        );
        assert!(
            parse(b"Origin: x\nnot a field\n")
                .unwrap_err()
                .contains("line 2")
        );
        let twice = format!("SHA256:\n {H} 1 a\nSHA256:\n");
        assert!(
            parse(twice.as_bytes())
                .unwrap_err()
                .contains("second SHA256")
        );
    }

    #[test]
    fn only_the_signed_message_may_be_there() {
        let good = b"\n-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nOrigin: x\n- -dash\n-----BEGIN PGP SIGNATURE-----\n\nAAAA\n-----END PGP SIGNATURE-----\n\n";
        assert_eq!(outside_signed_part(good), Ok(4));
        let mut before = b"Origin: evil\n".to_vec();
        before.extend_from_slice(good);
        assert!(
            outside_signed_part(&before)
                .unwrap_err()
                .contains("line 1: text before")
        );
        let mut after = good.to_vec();
        after.extend_from_slice(b"SHA256:\n x 1 y\n");
        assert!(
            outside_signed_part(&after)
                .unwrap_err()
                .contains("line 12: text after")
        );
        let inner = b"-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nA\n-----BEGIN PGP SIGNED MESSAGE-----\n";
        assert!(outside_signed_part(inner).unwrap_err().contains("line 5"));
        let open = b"-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nA\n";
        assert!(
            outside_signed_part(open)
                .unwrap_err()
                .contains("ends before")
        );
    }
}
