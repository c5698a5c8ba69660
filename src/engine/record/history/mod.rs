//! The approval history: every approval recorded (with its manifest, so a
//! later review can warn of a rollback and list what changed) and every
//! countersignature an approver made. It lives in a database, so reviews
//! running at once never lose each other's records: SQLite in the store by
//! default (`sqlite.rs`), or a team's PostgreSQL server shared by several
//! jump hosts and pipelines (`server.rs`). The two keep the same records
//! under the same schema version; `import.rs` brings in the TOML histories
//! earlier versions wrote.
//!
//! A history that cannot be read is never taken for an empty one: opening
//! fails with an error naming the database, `release.rollback` then warns
//! "history unavailable", and recording fails (exit 2) with the checklist
//! already written kept.

mod import;
pub mod listing;
mod server;
mod sqlite;

pub use import::parse_for_import;

use std::path::{Path, PathBuf};

use jiff::Timestamp;

use crate::engine::record::checklist::{Record, toml_datetime};
use crate::engine::select::rollback::{Approval, Previous};
use crate::engine::shared::error::{Error, Result};
use crate::engine::shared::manifest::parse_manifest;
use crate::engine::shared::text::escape_path;

/// The schema version this intake writes and reads (both backends). A
/// database from a newer intake is refused, never rewritten; an older one
/// is migrated forward in one transaction.
pub const SCHEMA: i64 = 1;

/// How a database of schema N becomes N + 1 (`MIGRATIONS[N - 1]`), one SQL
/// batch each, valid on both backends. A change to the schema raises
/// [`SCHEMA`] and adds its step here; the backends apply the missing steps
/// in one transaction when they open an older database.
const MIGRATIONS: [&str; (SCHEMA - 1) as usize] = [];

/// The tables both backends keep, in the dialect's words for a row id and
/// a byte string, named with `prefix`: one definition, so the two hold the
/// same records.
fn tables(prefix: &str, row_id: &str, bytes: &str) -> String {
    format!(
        "
CREATE TABLE {prefix}approvals (
    id {row_id},
    product TEXT NOT NULL,
    version TEXT NOT NULL,
    platform TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    time TEXT NOT NULL,
    checklist TEXT NOT NULL,
    checklist_sha256 TEXT,
    change_request TEXT,
    operator TEXT NOT NULL,
    approver TEXT NOT NULL,
    manifest {bytes}
);
CREATE INDEX {prefix}approvals_by_product ON {prefix}approvals (product, platform);
CREATE TABLE {prefix}countersignatures (
    id {row_id},
    product TEXT NOT NULL,
    version TEXT NOT NULL,
    platform TEXT NOT NULL,
    checklist_sha256 TEXT NOT NULL,
    approver TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    time TEXT NOT NULL,
    signature TEXT NOT NULL
);
"
    )
}

/// Where the history is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// An SQLite database file (by default `history.sqlite` in the store).
    Sqlite(PathBuf),
    /// A PostgreSQL server (`postgresql://…`), with the CA bundle to trust
    /// beside the system's roots when the URL asks for TLS.
    Postgres {
        url: String,
        ca_bundle: Option<PathBuf>,
    },
}

impl Location {
    /// The store's own database.
    pub fn in_store(store_root: &Path) -> Location {
        Location::Sqlite(store_root.join("history.sqlite"))
    }

    /// From a setting or `--history`: a `postgresql://` or `postgres://`
    /// URL, else the path of an SQLite database file.
    pub fn parse(value: &str, ca_bundle: Option<PathBuf>) -> Location {
        if value.starts_with("postgresql://") || value.starts_with("postgres://") {
            Location::Postgres {
                url: value.to_string(),
                ca_bundle,
            }
        } else {
            Location::Sqlite(PathBuf::from(value))
        }
    }

    /// Where it is, for records and JSON: the database file, or the
    /// server's URL without its password.
    pub fn shown(&self) -> String {
        match self {
            Location::Sqlite(path) => path.display().to_string(),
            Location::Postgres { url, .. } => server::without_password(url),
        }
    }

    /// The history named for people: the database file, or the server
    /// without its password.
    pub fn describe(&self) -> String {
        match self {
            Location::Sqlite(path) => format!("history database {}", path.display()),
            Location::Postgres { url, .. } => {
                format!("PostgreSQL history {}", server::without_password(url))
            }
        }
    }
}

/// One approval as the history holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    /// The row, for fetching its manifest.
    pub id: i64,
    pub product: String,
    pub approval: Approval,
}

/// An approver's countersignature of a checklist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Countersignature {
    pub product: String,
    pub version: String,
    pub platform: String,
    /// SHA-256 of the checklist's TOML bytes: what was signed.
    pub checklist_sha256: String,
    pub approver: String,
    /// The approver's certificate (primary key) fingerprint.
    pub fingerprint: String,
    pub time: toml::value::Datetime,
    /// Where the `.toml.approval.asc` was written.
    pub signature: String,
}

/// The operations each backend provides; errors are messages that the
/// history adds its name to.
trait Backend {
    fn approvals(
        &mut self,
        product: Option<&str>,
        platform: Option<&str>,
    ) -> std::result::Result<Vec<Stored>, String>;
    fn manifest(&mut self, id: i64) -> std::result::Result<Option<Vec<u8>>, String>;
    fn record(
        &mut self,
        product: &str,
        approval: &Approval,
        manifest: &[u8],
    ) -> std::result::Result<(), String>;
    fn countersign(&mut self, c: &Countersignature) -> std::result::Result<(), String>;
    fn countersignatures(
        &mut self,
        product: Option<&str>,
    ) -> std::result::Result<Vec<Countersignature>, String>;
}

/// An open history.
pub struct History {
    location: Location,
    backend: Box<dyn Backend>,
}

impl std::fmt::Debug for History {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("History")
            .field("location", &self.location)
            .finish_non_exhaustive()
    }
}

impl History {
    /// Opens the history, creating an SQLite one (and importing the TOML
    /// histories of earlier versions found in `store_root`) on first use.
    /// `store_root` is where those TOML histories would be.
    pub fn open(location: &Location, store_root: Option<&Path>) -> Result<History> {
        let backend: Box<dyn Backend> = match location {
            Location::Sqlite(path) => Box::new(
                sqlite::Sqlite::open(path, store_root).map_err(|why| unusable(location, why))?,
            ),
            Location::Postgres { url, ca_bundle } => Box::new(
                server::Postgres::connect(url, ca_bundle.as_deref())
                    .map_err(|why| unusable(location, why))?,
            ),
        };
        Ok(History {
            location: location.clone(),
            backend,
        })
    }

    /// The history, named for people.
    pub fn describe(&self) -> String {
        self.location.describe()
    }

    pub fn location(&self) -> &Location {
        &self.location
    }

    /// Every approval recorded, oldest first (filtered when asked).
    pub fn approvals(
        &mut self,
        product: Option<&str>,
        platform: Option<&str>,
    ) -> Result<Vec<Stored>> {
        let location = self.location.clone();
        self.backend
            .approvals(product, platform)
            .map_err(|why| unusable(&location, why))
    }

    /// The most recent approval of `product` on `platform`, with its
    /// manifest.
    pub fn previous(&mut self, product: &str, platform: &str) -> Previous {
        let latest = match self.approvals(Some(product), Some(platform)) {
            Ok(all) => all.into_iter().max_by_key(|s| s.approval.time),
            Err(e) => return Previous::Unreadable(e.to_string()),
        };
        let Some(latest) = latest else {
            return Previous::None;
        };
        let manifest = match self.backend.manifest(latest.id) {
            Ok(Some(bytes)) => parse_manifest(&bytes).map_err(|why| {
                format!(
                    "the manifest of the approval of {}: {why}",
                    escape_path(latest.approval.version.as_bytes())
                )
            }),
            Ok(None) => Err(format!(
                "the approval of {} has no manifest",
                escape_path(latest.approval.version.as_bytes())
            )),
            Err(why) => Err(why),
        };
        Previous::Found {
            approval: Box::new(latest.approval),
            manifest,
        }
    }

    /// Records an approval and its manifest, in one transaction.
    pub fn record(&mut self, product: &str, approval: &Approval, manifest: &[u8]) -> Result<()> {
        let location = self.location.clone();
        self.backend
            .record(product, approval, manifest)
            .map_err(|why| unusable(&location, why))
    }

    /// Records a countersignature.
    pub fn countersign(&mut self, countersignature: &Countersignature) -> Result<()> {
        let location = self.location.clone();
        self.backend
            .countersign(countersignature)
            .map_err(|why| unusable(&location, why))
    }

    /// Every countersignature recorded (of `product`'s checklists when
    /// given), oldest first.
    pub fn countersignatures(&mut self, product: Option<&str>) -> Result<Vec<Countersignature>> {
        let location = self.location.clone();
        self.backend
            .countersignatures(product)
            .map_err(|why| unusable(&location, why))
    }
}

/// An error naming the history (exit 2: input that cannot be used).
fn unusable(location: &Location, why: String) -> Error {
    Error::Usage(format!("{}: {why}", location.describe()))
}

/// A new approval record for a review signed off now.
pub fn approval(
    (version, platform, sha256): (&str, &str, &str),
    checklist: &Path,
    checklist_toml: &[u8],
    record: &Record,
    now: Timestamp,
) -> Approval {
    Approval {
        version: version.to_string(),
        platform: platform.to_string(),
        sha256: sha256.to_string(),
        time: toml_datetime(now),
        checklist: checklist.display().to_string(),
        checklist_sha256: Some(crate::engine::fetch::hashers::sha256_hex(checklist_toml)),
        change_request: record.change_request.clone(),
        operator: record.operator.clone(),
        approver: record.approver.clone(),
        manifest: String::new(),
    }
}

/// A datetime as the history stores it (RFC 3339 text), and back.
fn datetime_text(time: &toml::value::Datetime) -> String {
    time.to_string()
}

fn parse_datetime(text: &str) -> std::result::Result<toml::value::Datetime, String> {
    text.parse().map_err(|_| {
        format!(
            "holds `{}`, which is not a time",
            escape_path(text.as_bytes())
        )
    })
}
