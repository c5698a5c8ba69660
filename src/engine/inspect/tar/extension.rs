//! Extension headers that rename or resize the next entry: GNU long names
//! and links (`L`, `K`) and PAX headers (`x`, Solaris `X`, global `g`).
//! The tools operators use resolve conflicts between them differently (GNU
//! tar lets a PAX `path` win over a long name and the last of two long
//! names win; Python's tarfile lets whichever came first win), so every
//! combination that could name an entry two ways is a problem, recorded
//! with the header's byte offset for the entry it applies to.

use std::collections::HashMap;

use super::super::safety::{components, name_problem, shown};
use super::field::{self, BLOCK};

/// At most this many problems are kept for one entry, so a chain of
/// hostile extension headers cannot grow the report without bound.
const MAX_PROBLEMS: usize = 16;

/// The one `hdrcharset` value that keeps names in UTF-8.
const UTF8_CHARSET: &[u8] = b"ISO-IR 10646 2000 UTF-8";

/// A value with the offset of the header that gave it.
type At<T> = Option<(T, u64)>;

/// Values (and problems) that apply to the next entry.
#[derive(Default)]
pub struct Pending {
    long_name: At<Vec<u8>>,
    long_link: At<Vec<u8>>,
    pax_path: At<Vec<u8>>,
    pax_link: At<Vec<u8>>,
    pub pax_size: Option<u64>,
    /// The PAX extended header already read for this entry.
    pax_at: Option<u64>,
    /// What a tool could read differently, in words, each with its offset.
    pub problems: Vec<String>,
}

/// One PAX record: `keyword=value`.
pub struct Record<'a> {
    pub key: &'a str,
    pub value: &'a [u8],
}

/// Splits a PAX header into records; `Err` says why it cannot be read.
pub fn records(body: &[u8]) -> Result<Vec<Record<'_>>, String> {
    let mut out = Vec::new();
    let mut rest = body;
    while !rest.is_empty() {
        let space = rest
            .iter()
            .position(|b| *b == b' ')
            .ok_or("a record without its length")?;
        let digits = rest.get(..space).unwrap_or_default();
        if digits.is_empty() || digits.len() > 12 || !digits.iter().all(u8::is_ascii_digit) {
            return Err(format!(
                "a record length `{}` that is not plain decimal digits",
                shown(digits)
            ));
        }
        let len: usize = std::str::from_utf8(digits)
            .ok()
            .and_then(|s| s.parse().ok())
            .ok_or("an unreadable record length")?;
        if len <= space + 1 || len > rest.len() || rest.get(len - 1) != Some(&b'\n') {
            return Err("a record whose length does not end at its newline".into());
        }
        let record = rest.get(space + 1..len - 1).unwrap_or_default();
        let eq = record
            .iter()
            .position(|b| *b == b'=')
            .ok_or("a record without `=`")?;
        let (key, value) = record.split_at(eq);
        let key = std::str::from_utf8(key)
            .ok()
            .filter(|k| !k.is_empty())
            .ok_or("a keyword that is empty or not UTF-8")?;
        out.push(Record {
            key,
            value: value.get(1..).unwrap_or_default(),
        });
        rest = rest.get(len..).unwrap_or_default();
    }
    Ok(out)
}

/// A plain decimal number no larger than `max`.
fn decimal(value: &[u8], max: u64) -> Option<u64> {
    if value.is_empty() || value.len() > 20 || !value.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(value)
        .ok()?
        .parse::<u64>()
        .ok()
        .filter(|v| *v <= max)
}

/// A PAX time: decimal seconds, optionally with a decimal fraction.
fn is_plain_time(value: &[u8]) -> bool {
    let (whole, fraction) = match value.iter().position(|b| *b == b'.') {
        Some(dot) => (&value[..dot], value.get(dot + 1..)),
        None => (value, None),
    };
    let digits = |part: &[u8]| !part.is_empty() && part.iter().all(u8::is_ascii_digit);
    digits(whole) && fraction.is_none_or(digits)
}

impl Pending {
    pub fn problem(&mut self, why: String) {
        if self.problems.len() < MAX_PROBLEMS {
            self.problems.push(why);
        }
    }

    /// A GNU long name (`L`) for the next entry.
    pub fn long_name(&mut self, name: Vec<u8>, at: u64) {
        if let Some((_, first)) = &self.long_name {
            self.problem(format!(
                "two GNU long-name headers before one entry (at bytes {first} and {at}): \
                 GNU tar uses the second, Python's tarfile the first; refused"
            ));
        }
        self.long_name = Some((name, at));
    }

    /// A GNU long link (`K`) for the next entry.
    pub fn long_link(&mut self, link: Vec<u8>, at: u64) {
        if let Some((_, first)) = &self.long_link {
            self.problem(format!(
                "two GNU long-link headers before one entry (at bytes {first} and {at}): \
                 GNU tar uses the second, Python's tarfile the first; refused"
            ));
        }
        self.long_link = Some((link, at));
    }

    /// A PAX extended header (`x` or `X`) for the next entry. `Err` when
    /// its `size` cannot be read, so the entry's end is unknown.
    pub fn pax(&mut self, records: &[Record], at: u64) -> Result<(), String> {
        if let Some(first) = self.pax_at {
            self.problem(format!(
                "two PAX extended headers before one entry (at bytes {first} and {at}): \
                 GNU tar uses the second, Python's tarfile the first; refused"
            ));
        }
        self.pax_at = Some(at);
        self.duplicates(records, at);
        let mut sparse = false;
        for r in records {
            let value = shown(r.value);
            match r.key {
                "path" => self.pax_path = Some((self.utf8_name(r, at), at)),
                "linkpath" => self.pax_link = Some((self.utf8_name(r, at), at)),
                "size" => {
                    let size = decimal(r.value, i64::MAX as u64).ok_or_else(|| {
                        format!(
                            "the PAX header at byte {at} gives the size `{value}`, which is \
                             not a plain decimal number GNU tar accepts"
                        )
                    })?;
                    self.pax_size = Some(size);
                }
                "uid" | "gid" if decimal(r.value, u64::from(u32::MAX)).is_none() => {
                    self.problem(format!(
                        "the PAX header at byte {at} gives the {} `{value}`, which is not a \
                         plain decimal number tools read alike; refused",
                        r.key
                    ));
                }
                "mtime" | "atime" | "ctime" if !is_plain_time(r.value) => {
                    self.problem(format!(
                        "the PAX header at byte {at} gives the {} `{value}`, which is not a \
                         plain decimal time (tools read signs, exponents and junk \
                         differently); refused",
                        r.key
                    ));
                }
                "hdrcharset" if r.value != UTF8_CHARSET => self.problem(format!(
                    "the PAX header at byte {at} sets hdrcharset `{value}`: names would not \
                     be UTF-8, and tools convert them differently; refused"
                )),
                key if key.starts_with("GNU.sparse.") && !sparse => {
                    sparse = true;
                    self.problem(format!(
                        "the PAX header at byte {at} has the sparse-file keyword `{key}`: GNU \
                         tar, bsdtar and Python's tarfile take the entry's name and sizes from \
                         these keywords and may rebuild a sparse file, which intake does not \
                         read; sparse files are refused"
                    ));
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// A PAX global header (`g`): it changes every later entry in GNU tar
    /// and Python's tarfile, while bsdtar ignores it, so only `comment`
    /// (which `git archive` writes) is accepted.
    pub fn global(&mut self, records: &[Record], at: u64) {
        self.duplicates(records, at);
        for r in records.iter().filter(|r| r.key != "comment") {
            self.problem(format!(
                "the PAX global header at byte {at} sets `{}` for every later entry: GNU tar \
                 and Python's tarfile apply it, bsdtar ignores it; only `comment` is \
                 accepted there; refused",
                shown(r.key.as_bytes())
            ));
        }
    }

    /// The same keyword twice in one header, with different values.
    fn duplicates(&mut self, records: &[Record], at: u64) {
        let mut seen: HashMap<&str, &[u8]> = HashMap::new();
        for r in records {
            match seen.insert(r.key, r.value) {
                Some(before) if before != r.value => self.problem(format!(
                    "the PAX header at byte {at} gives `{}` twice with different values \
                     (`{}` and `{}`): tools keep different ones; refused",
                    shown(r.key.as_bytes()),
                    shown(before),
                    shown(r.value)
                )),
                _ => {}
            }
        }
    }

    fn utf8_name(&mut self, r: &Record, at: u64) -> Vec<u8> {
        if std::str::from_utf8(r.value).is_err() {
            self.problem(format!(
                "the PAX {} at byte {at} is not UTF-8: tools convert it to local names \
                 differently; refused",
                r.key
            ));
        }
        r.value.to_vec()
    }

    /// The entry's path and link target as GNU tar reads them, recording a
    /// problem for every way another tool could read them differently.
    pub fn resolve(&mut self, header: &[u8; BLOCK], at: u64) -> (Vec<u8>, Vec<u8>) {
        if !field::is_posix_ustar(header) && !field::prefix(header).is_empty() {
            self.problem(format!(
                "the header at byte {at} has no POSIX ustar magic but text in its prefix \
                 field (`{}`): GNU tar and bsdtar ignore it, Python's tarfile puts it in \
                 front of the name; refused",
                shown(field::prefix(header))
            ));
        }
        let own_name = field::ustar_name(header);
        let (long, pax) = (self.long_name.take(), self.pax_path.take());
        let path = self.choose("name", "path", long, pax);
        let path = match path {
            Some((path, source)) => {
                if path != own_name
                    && let Some(problem) = name_problem(&own_name)
                {
                    self.shadowed("name", &own_name, &problem, source, at);
                }
                path
            }
            None => own_name,
        };
        let own_link = field::link(header).to_vec();
        let (long, pax) = (self.long_link.take(), self.pax_link.take());
        let link = self.choose("link", "linkpath", long, pax);
        let link = match link {
            Some((link, source)) => {
                let problem = match header[156] {
                    b'1' => name_problem(&own_link),
                    b'2' => symlink_problem(&path, &own_link),
                    _ => None,
                };
                if link != own_link
                    && let Some(problem) = problem
                {
                    self.shadowed("link", &own_link, &problem, source, at);
                }
                link
            }
            None => own_link,
        };
        (path, link)
    }

    /// Picks the PAX value over the GNU one (as GNU tar does); both at once
    /// is a problem. Returns the value and the words for its source.
    fn choose(
        &mut self,
        gnu: &str,
        pax: &str,
        long: At<Vec<u8>>,
        pax_value: At<Vec<u8>>,
    ) -> Option<(Vec<u8>, String)> {
        match (long, pax_value) {
            (Some((_, gnu_at)), Some((value, pax_at))) => {
                self.problem(format!(
                    "both a GNU long {gnu} (at byte {gnu_at}) and a PAX `{pax}` (at byte \
                     {pax_at}) give this entry's {gnu}: GNU tar uses the PAX one, Python's \
                     tarfile whichever comes first; refused"
                ));
                Some((value, format!("PAX `{pax}` (at byte {pax_at})")))
            }
            (None, Some((value, at))) => Some((value, format!("PAX `{pax}` (at byte {at})"))),
            (Some((value, at)), None) => Some((value, format!("GNU long {gnu} (at byte {at})"))),
            (None, None) => None,
        }
    }

    fn shadowed(&mut self, what: &str, own: &[u8], problem: &str, source: String, at: u64) {
        self.problem(format!(
            "the header at byte {at} has its own {what} field {} ({problem}); a {source} \
             replaces it, but a tool that ignores the extension would use it; refused",
            shown(own)
        ));
    }
}

/// What is wrong with a symlink target judged lexically from the link's
/// own folder (no earlier symlinks followed: this judges a name that no
/// entry of the walk uses).
fn symlink_problem(path: &[u8], target: &[u8]) -> Option<String> {
    if target.first() == Some(&b'/') {
        return Some("an absolute target".into());
    }
    let mut depth = components(path).len().saturating_sub(1);
    for part in components(target) {
        if part == b".." {
            if depth == 0 {
                return Some("a target whose `..` climbs above the archive root".into());
            }
            depth -= 1;
        } else {
            depth += 1;
        }
    }
    let without_dots: Vec<&[u8]> = components(target)
        .into_iter()
        .filter(|c| *c != b"..")
        .collect();
    name_problem(&without_dots.join(&b'/'))
}
