//! Step 5 and after: signing the checklist, writing it (TOML, Markdown,
//! manifest), the store of approved artifacts, the approval history, and
//! the later audits and rechecks of what was recorded.

pub mod approve;
pub mod audit;
pub mod checklist;
pub mod finish;
pub mod history;
pub mod recheck;
pub mod signers;
pub mod signing;
pub mod store;
