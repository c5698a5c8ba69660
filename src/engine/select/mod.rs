//! Step 1, Select: the feed (products, releases, artifacts, sources), the
//! ordering of versions, which releases local media hold, and the checks
//! about the choice itself (`feed.fresh`, `release.newest`).

pub mod choose;
pub mod feed;
pub mod rollback;
pub mod source;
pub mod toml_spans;
pub mod version;
