//! A release from an APT repository (it names an `index`): the Release
//! file the evidence step read is unwrapped (an `InRelease` must be one
//! signed message and nothing else), its entry for the index looked up,
//! and the index streamed from the sources to find the artifact's stanza,
//! before the artifact's pass, so the pass knows which bytes are right.

use std::io::BufRead;

use crate::engine::fetch::evidence::Evidence;
use crate::engine::fetch::index::{self, Listed};
use crate::engine::fetch::open::Fetcher;
use crate::engine::fetch::pass::{ChunkReader, StreamConsumer};
use crate::engine::inspect::Limits;
use crate::engine::inspect::compress::{gzip, xz};
use crate::engine::inspect::meter::Counted;
use crate::engine::select::feed::{Artifact, Feed, Located, Release};
use crate::engine::shared::error::Result;
use crate::engine::shared::event::{Cancel, Level, Reporter, Step, log};
use crate::engine::verify::apt::release::{self, Listed as ReleaseListed};
use crate::engine::verify::apt::{self, Chain, IndexCodec, IndexLink, IndexRead, Scan, packages};
use crate::engine::verify::signature::{self, SigOutcome};

use super::evidence::JudgedEvidence;

/// What the chain is read for: the release and artifact under review,
/// the evidence already read, and how to fetch.
pub struct ChainOf<'a> {
    pub feed: &'a Feed,
    pub release: &'a Release,
    pub artifact: &'a Artifact,
    pub evidence: &'a Evidence,
    pub fetcher: &'a Fetcher,
}

/// Reads the chain of a release that names an `index` into `judged`
/// (nothing for one that does not). Fails only as fetching does: no
/// source serves the index ([`crate::engine::shared::error::Error::Fetch`]).
pub fn read_chain(
    of: &ChainOf<'_>,
    judged: &mut JudgedEvidence,
    reporter: &mut dyn Reporter,
    cancel: &Cancel,
) -> Result<()> {
    let ChainOf {
        feed,
        release,
        artifact,
        evidence,
        fetcher,
    } = *of;
    // The feed is refused when it names an `index` without `checksums`.
    let (Some(index), Some(release_path), Some(release_file)) =
        (&release.index, &release.checksums, &evidence.checksums)
    else {
        return Ok(());
    };
    let release_name = release_file.name().to_string();
    let root = apt::repository_root(&release_path.value);
    let filename = apt::under(root, &artifact.file.value)
        .unwrap_or(&artifact.file.value)
        .to_string();
    let parsed = match release_text(evidence) {
        Ok((text, skipped)) => release::parse_from(&text, skipped)
            .map_err(|why| format!("{release_name} cannot be read as a Release file: {why}")),
        Err(Refused::Outside(why)) => {
            let why = format!("{why} of {release_name}: refused (apt refuses it too)");
            judged.checksums_signatures = SigOutcome::Unusable(why.clone());
            Err(format!("{release_name} cannot be used: {why}"))
        }
        Err(Refused::Unreadable(why)) => Err(format!("{release_name} cannot be used: {why}")),
    };
    let link = match &parsed {
        Err(why) => IndexLink::Broken(why.clone()),
        Ok(file) => {
            let wanted = Wanted {
                index,
                release_path: &release_path.value,
                release_name: &release_name,
                filename: &filename,
            };
            index_link(feed, &wanted, file, fetcher, reporter, cancel)?
        }
    };
    let chain = Chain {
        release_name,
        release: parsed.ok(),
        index_path: index.value.clone(),
        index: link,
        filename,
    };
    judged.plan.expected_sha256 = chain.expected().and_then(|s| s.sha256.clone());
    judged.plan.expected_sha512 = None;
    judged.apt = Some(chain);
    Ok(())
}

/// Why the Release file's text cannot be had.
enum Refused {
    /// An InRelease with text outside its signed message (where).
    Outside(String),
    Unreadable(String),
}

/// The Release file's text: an `InRelease` (no `checksums_signature`, a
/// signed message in it) unwrapped once it is found to be nothing but
/// that message; a `Release` (detached `Release.gpg`) as it is. With it,
/// how many lines of the file come before the text.
fn release_text(evidence: &Evidence) -> std::result::Result<(Vec<u8>, usize), Refused> {
    let Some(file) = &evidence.checksums else {
        return Err(Refused::Unreadable(
            "the release names no Release file".into(),
        ));
    };
    if let Some(problem) = &file.problem {
        return Err(Refused::Unreadable(problem.clone()));
    }
    let raw = &file.bytes;
    let signed_inside = raw.windows(SIGNED_BEGIN.len()).any(|w| w == SIGNED_BEGIN);
    if evidence.checksums_signature.is_some() || !signed_inside {
        return Ok((raw.clone(), 0));
    }
    let skipped = apt::outside_signed_part(raw).map_err(Refused::Outside)?;
    signature::parse::clearsigned(raw)
        .map(|cs| (cs.text, skipped))
        .map_err(Refused::Unreadable)
}

const SIGNED_BEGIN: &[u8] = b"-----BEGIN PGP SIGNED MESSAGE-----";

/// What the chain looks for.
struct Wanted<'a> {
    index: &'a Located<String>,
    release_path: &'a str,
    release_name: &'a str,
    /// The artifact's `Filename`.
    filename: &'a str,
}

/// The first link: the Release's entry for the index, and the index read
/// from the sources with the artifact's stanzas picked out.
fn index_link(
    feed: &Feed,
    wanted: &Wanted<'_>,
    file: &apt::ReleaseFile,
    fetcher: &Fetcher,
    reporter: &mut dyn Reporter,
    cancel: &Cancel,
) -> Result<IndexLink> {
    let (index, name) = (&wanted.index.value, wanted.release_name);
    let folder = wanted
        .release_path
        .rfind('/')
        .and_then(|i| wanted.release_path.get(..=i))
        .unwrap_or_default();
    let Some(relative) = index.strip_prefix(folder) else {
        return Ok(IndexLink::Broken(format!(
            "{index} is not in the folder of {name}, so {name} cannot vouch for it"
        )));
    };
    let Some(codec) = IndexCodec::of(relative) else {
        return Ok(IndexLink::Broken(format!(
            "{index}: intake reads plain, .gz and .xz indexes; name one of those {name} lists"
        )));
    };
    let listed = match file.listed(relative) {
        ReleaseListed::No => {
            return Ok(IndexLink::Broken(format!(
                "{relative} is not listed in the SHA256 entries of {name}: nothing vouches for the index"
            )));
        }
        ReleaseListed::Conflicting(a, b) => {
            return Ok(IndexLink::Broken(format!(
                "{name} lists {relative} twice with different values (lines {} and {})",
                a.line, b.line
            )));
        }
        ReleaseListed::Once(listed) => listed.clone(),
    };
    log(
        reporter,
        Step::Fetch,
        Level::Info,
        format!("{index}: {name} line {} lists it", listed.line),
    );
    let filename = wanted.filename.to_string();
    let consumer = move || -> StreamConsumer<'static, Scan> {
        let filename = filename.clone();
        Box::new(move |r: &mut ChunkReader| scan_index(r, codec, &filename))
    };
    let expect = Listed {
        size: listed.size,
        sha256: &listed.sha256,
    };
    let read = index::read_index(
        feed,
        wanted.index,
        expect,
        fetcher,
        &consumer,
        reporter,
        cancel,
    )?;
    Ok(IndexLink::Read {
        listed,
        read: IndexRead {
            source: read.source,
            url: read.url,
            bytes: read.bytes,
            sha256: read.sha256,
            scan: read.consumed,
            kept: read.kept,
        },
    })
}

/// Reads the index from `input` (compressed as `codec`, through the
/// decoders archives use, an xz dictionary held to what archives may ask),
/// keeping the stanzas whose `Filename` is `wanted`.
pub fn scan_index(input: &mut dyn BufRead, codec: IndexCodec, wanted: &str) -> Scan {
    match codec {
        IndexCodec::Plain => packages::scan(input, wanted),
        IndexCodec::Gzip => packages::scan(&mut gzip::Members::new(Counted::new(input)), wanted),
        IndexCodec::Xz => {
            let window = Limits::default().max_window;
            packages::scan(&mut xz::Streams::new(Counted::new(input), window), wanted)
        }
    }
}
