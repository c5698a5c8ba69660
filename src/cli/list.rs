//! `intake list FEED`: releases and platforms, one line each, newest first.

use std::path::Path;

use crate::engine::select::choose;
use crate::engine::select::feed::Feed;
use crate::engine::shared::check::CheckId;
use crate::engine::shared::text::shown_text;

use super::Outcome;
use super::term::{self, Lines};

pub fn run(path: &Path) -> Outcome {
    let feed = match Feed::load(path) {
        Ok(feed) => feed,
        Err(e) => return Outcome::Failed(e),
    };
    term::print(render(&feed));
    Outcome::Done
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
    // The newest of each channel, looked up once per channel (not per release).
    let mut newest_of = std::collections::BTreeMap::new();
    for release in &feed.releases {
        newest_of
            .entry(release.channel.as_str())
            .or_insert_with(|| choose::newest_in_channel(feed, &release.channel));
    }
    let rows: Vec<[String; 6]> = choose::newest_first(feed)
        .into_iter()
        .flat_map(|release| {
            let newest = newest_of
                .get(release.channel.as_str())
                .copied()
                .flatten()
                .is_some_and(|n| n.version == release.version);
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
    out.line("Waive a warning with --waive CHECK=REASON; one finding of archive.safety");
    out.line("or archive.contents with --waive CHECK:FINDING=REASON (the finding as the");
    out.line("review names it).");
    term::print(out);
    Outcome::Done
}
