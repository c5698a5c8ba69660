//! The package read once, in order: the lead, the signature header (its
//! signatures say which hash contexts the rest needs), the main header
//! (kept as read and hashed), then the payload, hashed and walked. What
//! the headers say becomes the report's [`Package`].

use std::io::{self, BufRead};

use sequoia_openpgp::types::HashAlgorithm;

use crate::engine::fetch::hashers::{Digests, HashKey, Hasher};
use crate::engine::inspect::deb::rooted;
use crate::engine::inspect::kind::Input;
use crate::engine::inspect::package::{Embedded, Format, Integrity, Package};
use crate::engine::inspect::report::ArchiveReport;
use crate::engine::shared::check::{Finding, Status};
use crate::engine::shared::text::escape_path;

use super::header::{self, Header};
use super::payload::{self, Contexts, Hashing};
use super::tags::{self, algo, sig};
use super::{files, scripts, sigs, stripped};

/// The lead's size, and its magic.
pub const LEAD: usize = 96;
pub const LEAD_MAGIC: [u8; 4] = [0xed, 0xab, 0xee, 0xdb];

/// Why the walk cannot go on: the subject and the finding.
struct Stop(&'static str, String);

/// Walks a package from its first byte.
pub(super) fn walk(input: Input<'_>) -> ArchiveReport {
    let mut report = ArchiveReport::new(super::NAME);
    let mut package = Package::new("the RPM header");
    package.format = Format::Rpm;
    if let Err(Stop(subject, why)) = read(input, &mut report, &mut package) {
        report.stop(subject, why);
    }
    report.package = Some(Box::new(package));
    report
}

fn read(input: Input<'_>, report: &mut ArchiveReport, package: &mut Package) -> Result<(), Stop> {
    let bytes = input.bytes;
    let mut lead = [0u8; LEAD];
    fill(bytes, &mut lead, "(lead)")?;
    check_lead(&lead, report)?;
    let signature = header::read(bytes, header::SIGNATURE_BOUNDS, tags::HEADERSIGNATURES)
        .map_err(|why| Stop("(signature header)", why.to_string()))?;
    let pad = (8 - signature.bytes.len() % 8) % 8;
    fill(bytes, &mut [0u8; 8][..pad], "(signature header padding)")?;
    let found = sigs::found(&signature);
    let (header_keys, payload_keys) = sigs::hash_keys(&found);
    let main = header::read(bytes, header::MAIN_BOUNDS, tags::HEADERIMMUTABLE)
        .map_err(|why| Stop("(header)", why.to_string()))?;
    let header_digests = header_digests(&signature, &main, header_keys);
    read_metadata(&main, package);
    // Header+payload contexts start with the header's bytes.
    let mut legacy = contexts(&payload_keys);
    for (_, h) in &mut legacy {
        h.update(&main.bytes);
    }
    let digest_key = payload_digest_key(&main, tags::PAYLOADDIGEST);
    let payload_only = contexts(digest_key.as_slice());
    let mut hashing = Hashing::new(bytes, [legacy, payload_only]);
    let before = (LEAD + signature.bytes.len() + pad + main.bytes.len()) as u64;
    let size = input.size.map(|s| s.saturating_sub(before));
    let uncompressed = walk_payload(&main, &mut hashing, size, input.limits, report, package);
    let drained = payload::drain(&mut hashing);
    let ([legacy, payload_only], payload_len) = hashing.finish();
    if let Err(e) = drained {
        report.stop("(payload)", format!("could not be read: {e}"));
    }
    let payload_len_ok = check_size(&signature, main.bytes.len() as u64 + payload_len);
    package.integrity = integrity(
        &signature,
        &main,
        &header_digests,
        (digest_key, &payload_only),
        uncompressed.as_ref(),
    );
    package.integrity.extend(payload_len_ok);
    package.payload_needs_signature = main.entry(tags::PAYLOADDIGEST).is_none();
    package.signatures = embedded(found, header_digests, legacy);
    Ok(())
}

/// The lead: magic, format 3 (or 4), a binary package, header signatures.
fn check_lead(lead: &[u8; LEAD], report: &mut ArchiveReport) -> Result<(), Stop> {
    if lead[..4] != LEAD_MAGIC {
        return Err(Stop(
            "(lead)",
            "not an RPM package: no lead magic (ed ab ee db)".into(),
        ));
    }
    if !matches!(lead[4], 3 | 4) {
        return Err(Stop(
            "(lead)",
            format!("lead format {}: rpm reads 3 and 4", lead[4]),
        ));
    }
    if lead[78..80] != [0, 5] {
        return Err(Stop(
            "(lead)",
            "the lead does not announce a signature header (type 5): rpm refuses it".into(),
        ));
    }
    if lead[6..8] != [0, 0] {
        report.findings.push(Finding::new(
            Status::Fail,
            "(lead)",
            "a source package: it builds software, it installs none; refused",
        ));
    }
    Ok(())
}

/// Fills `buf` from the package; a short read is a truncated package.
fn fill(bytes: &mut dyn BufRead, buf: &mut [u8], subject: &'static str) -> Result<(), Stop> {
    bytes.read_exact(buf).map_err(|e| match e.kind() {
        io::ErrorKind::UnexpectedEof => {
            Stop(subject, "truncated: the package ends inside it".into())
        }
        _ => Stop(subject, format!("could not be read: {e}")),
    })
}

fn contexts(keys: &[HashKey]) -> Contexts {
    keys.iter()
        .filter_map(|k| Hasher::new(k).map(|h| (k.clone(), h)))
        .collect()
}

/// The main header hashed with what its signatures need, SHA-256 and,
/// when the signature header lists them, SHA-1 and SHA3-256.
fn header_digests(signature: &Header, main: &Header, mut keys: Vec<HashKey>) -> Digests {
    for (tag, algo) in [
        (sig::SHA256, HashAlgorithm::SHA256),
        (sig::SHA1, HashAlgorithm::SHA1),
        (sig::SHA3_256, HashAlgorithm::SHA3_256),
    ] {
        let key = HashKey::plain(algo);
        if (tag == sig::SHA256 || signature.entry(tag).is_some()) && !keys.contains(&key) {
            keys.push(key);
        }
    }
    let mut hashers = contexts(&keys);
    for (_, h) in &mut hashers {
        h.update(&main.bytes);
    }
    Digests::finish(hashers)
}

/// The context of a payload digest (`PAYLOADDIGEST` over the compressed
/// payload, `PAYLOADDIGESTALT` over the uncompressed one), when the
/// header lists it.
fn payload_digest_key(main: &Header, tag: u32) -> Option<HashKey> {
    main.entry(tag)?;
    let algo = match main.int(tags::PAYLOADDIGESTALGO).unwrap_or(algo::SHA256) {
        algo::SHA256 => HashAlgorithm::SHA256,
        algo::SHA384 => HashAlgorithm::SHA384,
        algo::SHA512 => HashAlgorithm::SHA512,
        algo::SHA3_256 => HashAlgorithm::SHA3_256,
        _ => return None,
    };
    Some(HashKey::plain(algo))
}

/// Name, `[epoch:]version-release`, architecture and scripts.
fn read_metadata(main: &Header, package: &mut Package) {
    if main.int(tags::RPMFORMAT) == Some(6) {
        package.metadata = "the RPM v6 header".into();
    }
    let text = |tag: u32, name: &str, problems: &mut Vec<String>| {
        let value = main
            .text(tag)
            .map(|t| String::from_utf8_lossy(t).into_owned());
        if value.as_deref().is_none_or(str::is_empty) {
            problems.push(format!("the header has no {name}"));
        }
        value
    };
    let mut problems = Vec::new();
    package.name = text(tags::NAME, "NAME", &mut problems);
    let version = text(tags::VERSION, "VERSION", &mut problems);
    let release = text(tags::RELEASE, "RELEASE", &mut problems);
    package.architecture = text(tags::ARCH, "ARCH", &mut problems);
    package.version = version.map(|v| {
        let epoch = main
            .int(tags::EPOCH)
            .map(|e| format!("{e}:"))
            .unwrap_or_default();
        match release {
            Some(r) => format!("{epoch}{v}-{r}"),
            None => format!("{epoch}{v}"),
        }
    });
    package.identity_problems = problems;
    package.scripts = scripts::scripts(main);
}

/// Decompresses and walks the payload, compares it with the file list;
/// gives back the uncompressed payload's digests.
fn walk_payload(
    main: &Header,
    hashing: &mut Hashing<'_>,
    size: Option<u64>,
    limits: &crate::engine::inspect::meter::Limits,
    report: &mut ArchiveReport,
    package: &mut Package,
) -> Option<Digests> {
    if let Some(format) = main.text(tags::PAYLOADFORMAT).filter(|f| *f != b"cpio") {
        report.stop(
            "(payload)",
            format!(
                "payload format `{}`: intake reads cpio only",
                escape_path(format)
            ),
        );
        return None;
    }
    let codec = match payload::codec(main.text(tags::PAYLOADCOMPRESSOR)) {
        Ok(codec) => codec,
        Err(why) => {
            report.stop("(payload)", why);
            return None;
        }
    };
    let algorithm = files::algorithm(main);
    let listed = files::listed(main);
    let table = listed.as_ref().ok().and_then(|l| stripped::table(main, l));
    let plan = payload::Plan {
        codec,
        size,
        md5: algorithm == Ok("MD5"),
        stripped: table,
        uncompressed: contexts(payload_digest_key(main, tags::PAYLOADDIGESTALT).as_slice()),
    };
    let payload::Walk {
        mut walked,
        uncompressed,
    } = payload::walk(hashing, plan, limits);
    let r = &mut walked.report;
    rooted::root(&mut r.entries, &mut r.findings, "payload");
    match listed {
        Ok(listed) => {
            package.digests = files::compare(&listed, algorithm, &r.entries, &walked.md5);
        }
        Err(why) => r
            .findings
            .push(Finding::new(Status::Fail, files::LIST, why)),
    }
    report.entries = std::mem::take(&mut r.entries);
    report.findings.append(&mut r.findings);
    report.expanded = r.expanded;
    report.stopped = report.stopped.take().or(r.stopped.take());
    Some(uncompressed)
}

/// The header and payload digests against the bytes.
fn integrity(
    signature: &Header,
    main: &Header,
    header: &Digests,
    (payload_key, payload): (Option<HashKey>, &Digests),
    uncompressed: Option<&Digests>,
) -> Vec<Integrity> {
    let mut out = Vec::new();
    for (tag, name, algo) in [
        (sig::SHA256, "SHA256HEADER", HashAlgorithm::SHA256),
        (sig::SHA1, "SHA1HEADER", HashAlgorithm::SHA1),
        (sig::SHA3_256, "SHA3_256HEADER", HashAlgorithm::SHA3_256),
    ] {
        if signature.entry(tag).is_none() {
            continue;
        }
        let what = format!("header digest {name} (signature tag {tag})");
        let listed = signature.text(tag).unwrap_or_default();
        let got = header.digest(&HashKey::plain(algo)).map(hex::encode);
        out.push(agree(what, listed, got, "the header"));
    }
    if main.entry(tags::PAYLOADDIGEST).is_some() {
        let what = format!("payload digest PAYLOADDIGEST (tag {})", tags::PAYLOADDIGEST);
        let listed = main.text(tags::PAYLOADDIGEST).unwrap_or_default();
        let got = payload_key
            .and_then(|k| payload.digest(&k))
            .map(hex::encode);
        out.push(agree(what, listed, got, "the compressed payload"));
    }
    if main.entry(tags::PAYLOADDIGESTALT).is_some() {
        let tag = tags::PAYLOADDIGESTALT;
        let what = format!("uncompressed payload digest PAYLOADDIGESTALT (tag {tag})");
        let listed = main.text(tag).unwrap_or_default();
        let got = payload_digest_key(main, tag)
            .and_then(|k| uncompressed?.digest(&k))
            .map(hex::encode);
        out.push(agree(what, listed, got, "the uncompressed payload"));
    }
    out
}

fn agree(what: String, listed: &[u8], got: Option<String>, of: &str) -> Integrity {
    let listed = listed.to_ascii_lowercase();
    let outcome = match got {
        Some(got) if got.as_bytes() == listed.as_slice() => Ok(got),
        Some(got) => Err(format!(
            "{of} has digest {got}, the package says {}: its bytes are not the ones it was built with",
            escape_path(&listed)
        )),
        None => Err(format!(
            "its algorithm is not one intake computes: {of} is unchecked"
        )),
    };
    Integrity { what, outcome }
}

/// `SIZE`/`LONGSIZE`: the header and payload together, in bytes.
fn check_size(signature: &Header, actual: u64) -> Option<Integrity> {
    let (tag, said) = [sig::LONGSIZE, sig::SIZE]
        .into_iter()
        .find_map(|t| signature.int(t).map(|v| (t, v)))?;
    let outcome = if said == actual {
        Ok(format!("{actual} bytes"))
    } else {
        Err(format!(
            "the header and payload are {actual} bytes, the signature header says {said}: bytes were added or removed"
        ))
    };
    Some(Integrity {
        what: format!("header+payload size (signature tag {tag})"),
        outcome,
    })
}

/// The signatures with the contexts of what each covers.
fn embedded(found: Vec<sigs::Found>, header: Digests, legacy: Digests) -> Vec<Embedded> {
    found
        .into_iter()
        .map(|f| Embedded {
            member: f.tag,
            covers: if f.covers_payload {
                "the header and the compressed payload".into()
            } else {
                "the header (which lists the payload's digest and every file's)".into()
            },
            bytes: f.bytes,
            signed: if f.covers_payload {
                legacy.clone()
            } else {
                header.clone()
            },
            covers_payload: f.covers_payload,
        })
        .collect()
}
