//! `intake list FEED`: releases and platforms, one line each, newest
//! first; with `--format json`, the same as an `intake.list/1` document.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Value, json};

use crate::engine::select::choose::{self, Media};
use crate::engine::select::feed::{Feed, Release, SignaturePolicy};
use crate::engine::shared::check::CheckId;
use crate::engine::shared::text::shown_text;

use super::term::{self, Lines};
use super::{Format, Outcome, json};

pub fn run(path: &Path, format: Format) -> Outcome {
    let feed = match Feed::load(path) {
        Ok(feed) => feed,
        Err(e) => return Outcome::Failed(e),
    };
    match format {
        Format::Text => term::print(render(&feed)),
        Format::Json => term::print_json(&document(&feed)),
    }
    Outcome::Done
}

/// The newest release of each channel, looked up once per channel (not
/// per release).
fn newest_of(feed: &Feed) -> BTreeMap<&str, Option<&Release>> {
    let mut newest_of = BTreeMap::new();
    for release in &feed.releases {
        newest_of
            .entry(release.channel.as_str())
            .or_insert_with(|| choose::newest_in_channel(feed, &release.channel));
    }
    newest_of
}

fn is_newest(newest_of: &BTreeMap<&str, Option<&Release>>, release: &Release) -> bool {
    newest_of
        .get(release.channel.as_str())
        .copied()
        .flatten()
        .is_some_and(|n| n.version == release.version)
}

/// The `intake.list/1` document: the product, the trust, and every
/// release newest first with its artifacts.
pub fn document(feed: &Feed) -> Value {
    let host = choose::host_platform();
    let newest_of = newest_of(feed);
    let releases: Vec<Value> = choose::newest_first(feed)
        .into_iter()
        .map(|release| {
            let artifacts: Vec<Value> = release
                .artifacts
                .iter()
                .map(|a| {
                    json!({
                        "platform": a.platform,
                        "file": a.file_name(),
                        "path": a.file.value,
                        "size": a.size,
                        "signature": a.signature.as_ref().map(|s| &s.value),
                        "media": choose::on_media(feed, a).map(|m| match m {
                            Media::OnThisMedia => "on-this-media",
                            Media::NotOnAnyLocalSource => "not-on-any-local-source",
                        }),
                        "this_host": a.platform == host,
                    })
                })
                .collect();
            json!({
                "version": release.version,
                "date": release.date.to_string(),
                "channel": release.channel,
                "newest_in_channel": is_newest(&newest_of, release),
                "notes": release.notes.as_ref().map(|n| &n.value),
                "checksums": release.checksums.as_ref().map(|c| &c.value),
                "checksums_signature": release.checksums_signature.as_ref().map(|s| &s.value),
                "artifacts": artifacts,
            })
        })
        .collect();
    let t = &feed.trust;
    let fields = json!({
        "feed": json::path(&feed.path),
        "product": feed.product.id,
        "product_name": feed.product.name,
        "vendor": feed.product.vendor,
        "host_platform": host,
        "trust": {
            "fingerprints": t.fingerprints.iter().map(|f| &f.value).collect::<Vec<_>>(),
            "threshold": t.threshold,
            "signatures": match t.signatures {
                SignaturePolicy::Required => "required",
                SignaturePolicy::Optional => "optional",
            },
            "expires": t.expires.map(|d| d.to_string()),
        },
        "releases": releases,
    });
    json::document(&json::LIST, fields)
}

/// The listing, as printed: every cell escaped (feed text is the
/// vendor's) before the columns are measured, so they still line up.
pub fn render(feed: &Feed) -> Lines {
    let host = choose::host_platform();
    let mut out = Lines::new();
    out.line(format!(
        "{} ({}), feed {}",
        feed.product.name,
        feed.product.vendor,
        feed.path.display()
    ));
    let newest_of = newest_of(feed);
    let rows: Vec<[String; 6]> = choose::newest_first(feed)
        .into_iter()
        .flat_map(|release| {
            let newest = is_newest(&newest_of, release);
            let host = host.clone();
            release.artifacts.iter().map(move |a| {
                let mut notes = Vec::new();
                if newest {
                    notes.push(format!("newest {}", release.channel));
                }
                if let Some(media) = choose::on_media(feed, a) {
                    notes.push(media.words().to_string());
                }
                if a.platform == host {
                    notes.push("this host".to_string());
                }
                [
                    release.version.clone(),
                    release.date.to_string(),
                    release.channel.clone(),
                    a.platform.clone(),
                    a.file_name().to_string(),
                    notes.join(", "),
                ]
                .map(|cell| shown_text(&cell).into_owned())
            })
        })
        .collect();
    let header = ["VERSION", "DATE", "CHANNEL", "PLATFORM", "FILE", "NOTE"].map(String::from);
    let mut widths = [0usize; 6];
    for row in std::iter::once(&header).chain(&rows) {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    for row in std::iter::once(&header).chain(&rows) {
        let cells: Vec<String> = row
            .iter()
            .zip(widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        out.line(cells.join("  ").trim_end());
    }
    out
}

/// `intake checks`: every check id and what it asks, one line each.
pub fn checks() -> Outcome {
    let width = CheckId::ALL
        .iter()
        .map(|id| id.as_str().len())
        .max()
        .unwrap_or(0);
    let mut out = Lines::new();
    for id in CheckId::ALL {
        out.line(format!("{:<width$}  {}", id.as_str(), id.meaning()));
    }
    out.line("");
    out.line("Waive a warning with --waive CHECK=REASON; one finding of archive.safety,");
    out.line("archive.contents or package.scripts with --waive CHECK:FINDING=REASON (the");
    out.line("finding as the review names it).");
    term::print(out);
    Outcome::Done
}
