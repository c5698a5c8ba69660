//! Step 5's last act, shared by both front ends: build the checklist from
//! the review and the sign-off (the one constructor), sign it when a key is
//! given, write it, and on approval place the artifact in the store and
//! record the approval. The interactive walk and `intake verify` call the
//! same function, so they write the same record.
//!
//! Which approvals the history keeps (what the walk's Select step shows as
//! the last approval, and what `release.rollback` compares with): those
//! whose artifact was placed in the store, and, with `--no-store`, those
//! that name a change request. A `--no-store` approval without one is a
//! trial (a pipeline gate, a try with throwaway names), not an approval to
//! install: its checklist is written, the history is left as it was.

use std::path::PathBuf;

use jiff::Timestamp;

use crate::engine::fetch::local_copy::LocalCopy;
use crate::engine::fetch::open::FetchSettings;
use crate::engine::inspect::Limits;
use crate::engine::record::checklist::{self, Checklist, SignOff, Written};
use crate::engine::record::history::{self, History, Location};
use crate::engine::record::signing::Signer;
use crate::engine::record::store::{Placed, Store};
use crate::engine::review::{KeyRecord, Request, Review};
use crate::engine::select::feed::Feed;
use crate::engine::select::rollback::{Approval, Previous};
use crate::engine::shared::error::{Error, Result};
use crate::engine::shared::verdict::Verdict;
use crate::engine::verify::sbom::Baseline;
use crate::engine::verify::signature::TrustStore;

/// Where the results go.
#[derive(Debug, Clone)]
pub struct Destinations {
    pub checklist_dir: PathBuf,
    /// The store folder (its approval history is kept even without
    /// artifacts, for approvals that name a change request).
    pub store_root: PathBuf,
    pub keep_artifacts: bool,
    /// Where the approval history is kept (`None`: the store's own SQLite
    /// database).
    pub history: Option<Location>,
}

impl Destinations {
    /// The approval history these results go to.
    pub fn history_location(&self) -> Location {
        self.history
            .clone()
            .unwrap_or_else(|| Location::in_store(&self.store_root))
    }

    /// Opens the approval history (importing the store's TOML histories of
    /// earlier versions on first use).
    pub fn open_history(&self) -> Result<History> {
        History::open(&self.history_location(), Some(&self.store_root))
    }
}

/// What was written.
#[derive(Debug)]
pub struct Finished {
    pub checklist: Checklist,
    pub written: Written,
    pub stored: Option<Placed>,
    /// Who signed the checklist, for people.
    pub signed_by: Option<String>,
    /// The approval history the approval was recorded in (`None`: not
    /// approved, or a `--no-store` trial without a change request).
    pub history: Option<Location>,
    /// What the approver runs to countersign, when the review approved.
    pub approve_command: Option<String>,
}

/// Whether an approval is recorded in the history: when its artifact was
/// stored, or it names a change request (see the module's rule).
pub fn records_approval(to: &Destinations, change_request: Option<&str>) -> bool {
    to.keep_artifacts || change_request.is_some_and(|c| !c.trim().is_empty())
}

/// Writes the checklist (signed when `signer` is given); on approval,
/// stores the artifact and records the approval. A rejected review still
/// gets its checklist.
pub fn finish(
    feed: &Feed,
    trust: &TrustStore,
    review: &Review,
    sign_off: &SignOff,
    signer: Option<&mut Signer>,
    to: &Destinations,
    now: Timestamp,
) -> Result<Finished> {
    // The record names the key that signs it (so the Markdown and the
    // TOML say so), then the signature is made over that very TOML.
    let sign_off = &SignOff {
        signed_with: signer.as_ref().map(|s| KeyRecord {
            fingerprint: s.fingerprint.clone(),
            user_id: s.user_id.clone(),
        }),
        ..sign_off.clone()
    };
    let checklist = Checklist::build(review, sign_off, now);
    let (signature, signed_by) = match signer {
        Some(s) => (
            Some(s.sign(checklist.toml.as_bytes(), now)?),
            Some(s.describe()),
        ),
        None => (None, None),
    };
    let written = checklist::write(&checklist, &to.checklist_dir, signature.as_deref());
    let approved = checklist.record.verdict == Verdict::Approved;
    let store = Store::new(&to.store_root);
    let stored = match (&written, approved && to.keep_artifacts) {
        (Ok(_), true) => Some(store.place(feed, trust, review)),
        _ => None,
    };
    // Intake's own copies go: the store holds the bytes now, or they were
    // not approved (a rejected download stays cached for a re-review).
    if let Some(copy) = &review.local_copy
        && (matches!(stored, Some(Ok(_))) || matches!(copy, LocalCopy::Staged(_)))
    {
        copy.remove_own();
    }
    let written = written?;
    let stored = stored.transpose().map_err(|e| {
        Error::Usage(format!(
            "approved, and the checklist is written ({}), but the artifact could not be placed in the store: {e}",
            written.toml.display()
        ))
    })?;
    // Where the checklist is for the history and the approver: the full
    // path, so the command works from any folder.
    let toml = std::fs::canonicalize(&written.toml).unwrap_or_else(|_| written.toml.clone());
    let recorded = approved && records_approval(to, checklist.record.change_request.as_deref());
    let history = if recorded {
        Some(record_approval(
            to,
            feed,
            review,
            &checklist,
            (&written, &toml),
            now,
        )?)
    } else {
        None
    };
    let approve_command = approved.then(|| history::listing::approve_command(&toml));
    Ok(Finished {
        checklist,
        written,
        stored,
        signed_by,
        history,
        approve_command,
    })
}

/// Records an approval in the history; returns where. When
/// the history cannot take it, the checklist already written stays, and
/// the error says the history was not updated.
fn record_approval(
    to: &Destinations,
    feed: &Feed,
    review: &Review,
    checklist: &Checklist,
    (written, toml): (&Written, &std::path::Path),
    now: Timestamp,
) -> Result<Location> {
    let approval = history::approval(
        (&review.version, &review.platform, &review.artifact.sha256),
        toml,
        checklist.toml.as_bytes(),
        &checklist.record,
        now,
    );
    let recorded = to.open_history().and_then(|mut history| {
        history.record(&feed.product.id, &approval, &checklist.manifest)?;
        Ok(history.location().clone())
    });
    recorded.map_err(|e| {
        Error::Usage(format!(
            "approved, and the checklist is written ({}), but the approval history was not updated: {e}",
            written.toml.display()
        ))
    })
}

/// The request for a review of `version` on `platform` that will finish
/// into `to`: what was approved before there (for `release.rollback` and
/// the diff), and where the pass stages the store's copy. Both front ends
/// build their request here.
pub fn request(
    to: &Destinations,
    feed: &Feed,
    (version, platform): (&str, &str),
    fetch: FetchSettings,
    limits: Limits,
    now: Timestamp,
) -> Request {
    let (previous, approvals) = earlier(to, &feed.product.id, platform);
    let sbom_baseline = match &previous {
        Previous::Found { approval, .. } => {
            Store::new(&to.store_root).approved_sbom(&feed.product.id, &approval.version, platform)
        }
        _ => Baseline::None("no earlier approval is known here".to_string()),
    };
    Request {
        version: version.to_string(),
        platform: platform.to_string(),
        now,
        fetch,
        limits,
        stage_dir: staging_dir(to),
        previous,
        approvals,
        sbom_baseline,
    }
}

/// Where approvals and staging copies live for this store folder.
pub fn staging_dir(to: &Destinations) -> Option<PathBuf> {
    to.keep_artifacts
        .then(|| Store::new(&to.store_root).staging_dir())
}

/// What was approved before on each of `platforms`, the history opened
/// once (a server that cannot be reached costs one timeout, not one per
/// platform).
pub fn previous_by_platform<'a>(
    to: &Destinations,
    product_id: &str,
    platforms: impl IntoIterator<Item = &'a str>,
) -> std::collections::BTreeMap<String, Previous> {
    let mut history = to.open_history().map_err(|e| e.to_string());
    platforms
        .into_iter()
        .map(|platform| {
            let previous = match &mut history {
                Ok(h) => h.previous(product_id, platform),
                Err(why) => Previous::Unreadable(why.clone()),
            };
            (platform.to_string(), previous)
        })
        .collect()
}

/// The latest approval of `platform` and every approval of it recorded (a
/// re-review compares its bytes with those approved before). A history
/// that cannot be opened is "unavailable", never "no earlier approval".
fn earlier(to: &Destinations, product_id: &str, platform: &str) -> (Previous, Vec<Approval>) {
    let mut history = match to.open_history() {
        Ok(h) => h,
        Err(e) => return (Previous::Unreadable(e.to_string()), Vec::new()),
    };
    let previous = history.previous(product_id, platform);
    let approvals = match history.approvals(Some(product_id), Some(platform)) {
        Ok(all) => all.into_iter().map(|s| s.approval).collect(),
        Err(e) => return (Previous::Unreadable(e.to_string()), Vec::new()),
    };
    (previous, approvals)
}

/// Removes stale staging copies (when this review may store).
pub fn sweep(to: &Destinations) {
    if to.keep_artifacts {
        Store::new(&to.store_root).sweep_staging();
    }
}
