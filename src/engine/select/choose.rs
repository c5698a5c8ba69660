//! Step 1, Select: releases newest first, the newest of each channel, the
//! host's platform, and the checks that speak about the choice itself
//! (`feed.fresh`, `release.newest`), and which releases the local sources
//! hold (local media often carry only the release being installed).

use std::cmp::Ordering;
use std::collections::BTreeMap;

use jiff::Timestamp;
use jiff::civil::Date;

use crate::engine::select::feed::{Artifact, Feed, Release};
use crate::engine::select::rollback::{Previous, rollback_check};
use crate::engine::select::version::Scheme;
use crate::engine::shared::check::{Check, CheckId};

/// Releases newest first (by version, then date).
pub fn newest_first(feed: &Feed) -> Vec<&Release> {
    let scheme = Scheme::of(feed);
    let mut releases: Vec<&Release> = feed.releases.iter().collect();
    releases.sort_by(|a, b| compare(scheme, b, a));
    releases
}

fn compare(scheme: Scheme, a: &Release, b: &Release) -> Ordering {
    scheme
        .compare(&a.version, &b.version)
        .then(a.date.cmp(&b.date))
}

/// The newest release of a channel.
pub fn newest_in_channel<'a>(feed: &'a Feed, channel: &str) -> Option<&'a Release> {
    let scheme = Scheme::of(feed);
    feed.releases
        .iter()
        .filter(|r| r.channel == channel)
        .max_by(|a, b| compare(scheme, a, b))
}

/// Whether the feed's local sources hold an artifact, as the Select step
/// and `intake list` show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Media {
    /// A folder source holds the artifact's file.
    OnThisMedia,
    /// Every source is a folder, and none holds the file: reviewing this
    /// release can only end in a fetch failure (exit 3).
    NotOnAnyLocalSource,
}

impl Media {
    pub fn words(self) -> &'static str {
        match self {
            Media::OnThisMedia => "on this media",
            Media::NotOnAnyLocalSource => "not on any local source",
        }
    }
}

/// Whether the local sources hold `artifact`'s file, looking at folder
/// sources only (never the network). `None` when no folder holds it but a
/// network source might: only fetching can tell.
pub fn on_media(feed: &Feed, artifact: &Artifact) -> Option<Media> {
    let relative = &artifact.file.value;
    let held = feed
        .sources
        .iter()
        .filter_map(|s| s.local_path(relative))
        // An image layout folder is an artifact too (read as the tar of it).
        .any(|path| path.is_file() || (path.is_dir() && path.join("oci-layout").is_file()));
    if held {
        Some(Media::OnThisMedia)
    } else if feed.sources.iter().all(|s| s.location.is_local()) {
        Some(Media::NotOnAnyLocalSource)
    } else {
        None
    }
}

/// What the local sources hold of every artifact of the feed, by version
/// and platform: looked at once when a walk starts (the Select step is
/// drawn many times a second, and a folder on slow media answers slowly).
pub fn media_of_feed(feed: &Feed) -> BTreeMap<(String, String), Media> {
    feed.releases
        .iter()
        .flat_map(|r| r.artifacts.iter().map(move |a| (r, a)))
        .filter_map(|(r, a)| {
            on_media(feed, a).map(|m| ((r.version.clone(), a.platform.clone()), m))
        })
        .collect()
}

/// This machine's platform in the feed's naming (`linux-x86_64`, ...).
pub fn host_platform() -> String {
    format!("{}-{}", std::env::consts::OS, std::env::consts::ARCH)
}

/// `feed.fresh`: the feed's own review date.
pub fn feed_fresh(feed: &Feed, now: Timestamp) -> Check {
    let id = CheckId::FeedFresh;
    let today: Date = now.to_zoned(jiff::tz::TimeZone::UTC).date();
    match feed.trust.expires {
        None => Check::pass(id, "the feed sets no review date (trust.expires)"),
        Some(expires) if today <= expires => {
            Check::pass(id, format!("feed reviewed until {expires}")).with_evidence("expires", expires.to_string())
        }
        Some(expires) => Check::warn(
            id,
            format!("the feed's review date passed on {expires}: the team must re-review its sources and keys"),
        )
        .with_evidence("expires", expires.to_string()),
    }
}

/// `release.newest`: is this the newest release of its channel?
pub fn release_newest(feed: &Feed, release: &Release) -> Check {
    let id = CheckId::ReleaseNewest;
    match newest_in_channel(feed, &release.channel) {
        Some(newest) if compare(Scheme::of(feed), newest, release) == Ordering::Greater => {
            Check::warn(
                id,
                format!(
                    "{} is older than {}, the newest {} release: needs a written reason",
                    release.version, newest.version, release.channel
                ),
            )
            .with_evidence("newest", newest.version.clone())
        }
        _ => Check::pass(
            id,
            format!(
                "{} is the newest {} release",
                release.version, release.channel
            ),
        ),
    }
}

/// The selection checks of a choice, as far as they are known before the
/// artifact is read: `feed.fresh`, `release.newest` and `release.rollback`
/// (which the review judges again once it knows the bytes). Select shows
/// the ones that would warn; the review starts from them.
pub fn selection_checks(
    feed: &Feed,
    release: &Release,
    platform: &str,
    previous: &Previous,
    now: Timestamp,
) -> Vec<Check> {
    vec![
        feed_fresh(feed, now),
        release_newest(feed, release),
        rollback_check(previous, &release.version, platform, Scheme::of(feed)),
    ]
}
