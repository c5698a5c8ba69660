//! Step 1, Select: releases newest first, the newest of each channel, the
//! host's platform, and the checks that speak about the choice itself
//! (`feed.fresh`, `release.newest`).

use std::cmp::Ordering;

use jiff::Timestamp;
use jiff::civil::Date;

use crate::engine::check::{Check, CheckId};
use crate::engine::feed::{Feed, Release};
use crate::engine::version;

/// Releases newest first (by version, then date).
pub fn newest_first(feed: &Feed) -> Vec<&Release> {
    let mut releases: Vec<&Release> = feed.releases.iter().collect();
    releases.sort_by(|a, b| compare(b, a));
    releases
}

fn compare(a: &Release, b: &Release) -> Ordering {
    version::compare(&a.version, &b.version).then(a.date.cmp(&b.date))
}

/// The newest release of a channel.
pub fn newest_in_channel<'a>(feed: &'a Feed, channel: &str) -> Option<&'a Release> {
    feed.releases
        .iter()
        .filter(|r| r.channel == channel)
        .max_by(|a, b| compare(a, b))
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
        Some(newest) if compare(newest, release) == Ordering::Greater => Check::warn(
            id,
            format!(
                "{} is older than {}, the newest {} release: needs a written reason",
                release.version, newest.version, release.channel
            ),
        )
        .with_evidence("newest", newest.version.clone()),
        _ => Check::pass(
            id,
            format!(
                "{} is the newest {} release",
                release.version, release.channel
            ),
        ),
    }
}
