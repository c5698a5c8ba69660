//! The history in an SQLite database file (the store's `history.sqlite` by
//! default). Every write is one transaction (`BEGIN IMMEDIATE`, so
//! concurrent reviews queue for the write lock instead of failing), and
//! SQLite's journal keeps the last committed state through a crash. The
//! schema version is SQLite's `user_version`. Reading a history that does
//! not exist yet creates nothing: the file is made by the first record.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OptionalExtension, TransactionBehavior, params};

use super::{Backend, Countersignature, SCHEMA, Stored, datetime_text, import, parse_datetime};
use crate::engine::select::rollback::Approval;

/// How long a review waits for another process's write to finish before
/// saying the history is locked.
const BUSY_WAIT: Duration = Duration::from_secs(10);

/// What the store's database holds besides the shared tables: which TOML
/// histories of earlier versions were imported.
const IMPORTED: &str = "
CREATE TABLE imported (
    path TEXT PRIMARY KEY,
    time TEXT NOT NULL
);
";

pub(super) struct Sqlite {
    path: PathBuf,
    store_root: Option<PathBuf>,
    /// `None` until the database exists.
    conn: Option<Connection>,
}

impl Sqlite {
    /// Opens the database when it exists (or when TOML histories of an
    /// earlier version wait to be imported into it).
    pub(super) fn open(path: &Path, store_root: Option<&Path>) -> Result<Sqlite, String> {
        let mut db = Sqlite {
            path: path.to_path_buf(),
            store_root: store_root.map(Path::to_path_buf),
            conn: None,
        };
        let waiting = store_root.is_some_and(|root| !import::legacy_files(root).is_empty());
        if path.exists() || waiting {
            db.connect()?;
        }
        Ok(db)
    }

    /// The connection, creating the database on first use.
    fn connect(&mut self) -> Result<&mut Connection, String> {
        if self.conn.is_none() {
            if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)
                    .map_err(|e| format!("cannot create its folder: {e}"))?;
            }
            let mut conn = Connection::open(&self.path).map_err(|e| describe(&e))?;
            conn.busy_timeout(BUSY_WAIT).map_err(|e| describe(&e))?;
            ensure_schema(&mut conn)?;
            if let Some(root) = &self.store_root {
                import_legacy(&mut conn, root)?;
            }
            self.conn = Some(conn);
        }
        self.conn
            .as_mut()
            .ok_or_else(|| "the database is not open".to_string())
    }
}

/// Creates the schema in a new database, migrates an older one, refuses a
/// newer one or a file that is not an intake history.
fn ensure_schema(conn: &mut Connection) -> Result<(), String> {
    let read_version = |conn: &Connection| -> Result<i64, String> {
        conn.pragma_query_value(None, "user_version", |row| row.get(0))
            .map_err(|e| describe(&e))
    };
    if read_version(conn)? == SCHEMA {
        return Ok(());
    }
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(|e| describe(&e))?;
    let version = read_version(&tx)?;
    let tables: i64 = tx
        .query_row("SELECT count(*) FROM sqlite_master", [], |row| row.get(0))
        .map_err(|e| describe(&e))?;
    match version {
        SCHEMA => return Ok(()),
        0 if tables == 0 => {
            let create = super::tables("", "INTEGER PRIMARY KEY AUTOINCREMENT", "BLOB");
            tx.execute_batch(&(create + IMPORTED))
                .map_err(|e| describe(&e))?;
            tx.pragma_update(None, "user_version", SCHEMA)
                .map_err(|e| describe(&e))?;
        }
        0 => return Err("is an SQLite database, but not an approval history intake wrote".into()),
        v if v > SCHEMA => return Err(newer(v)),
        v if v < 1 => return Err(format!("has history schema {v}, which no intake wrote")),
        v => {
            // Each step takes schema N to N + 1, in this one transaction.
            for step in super::MIGRATIONS.iter().skip(v as usize - 1) {
                tx.execute_batch(step).map_err(|e| describe(&e))?;
            }
            tx.pragma_update(None, "user_version", SCHEMA)
                .map_err(|e| describe(&e))?;
        }
    }
    tx.commit().map_err(|e| describe(&e))
}

pub(super) fn newer(version: i64) -> String {
    format!(
        "written by a newer intake (history schema {version}; this one reads {SCHEMA}); it is left as it is: use that intake, or another history"
    )
}

/// Imports each TOML history of an earlier version once: its approvals and
/// manifests in one transaction with a note that it was imported, then the
/// file is renamed `approvals.toml.imported`. One that cannot be read stops
/// the import (and the review's history) until someone looks at it.
fn import_legacy(conn: &mut Connection, store_root: &Path) -> Result<(), String> {
    for (product, file) in import::legacy_files(store_root) {
        let key = file.display().to_string();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| describe(&e))?;
        let done: Option<String> = tx
            .query_row("SELECT path FROM imported WHERE path = ?1", [&key], |r| {
                r.get(0)
            })
            .optional()
            .map_err(|e| describe(&e))?;
        if done.is_none() {
            for (approval, manifest) in import::read_legacy(&file)? {
                insert_approval(&tx, &product, &approval, manifest.as_deref())?;
            }
            let now = datetime_text(&crate::engine::record::checklist::toml_datetime(
                jiff::Timestamp::now(),
            ));
            tx.execute(
                "INSERT INTO imported (path, time) VALUES (?1, ?2)",
                params![key, now],
            )
            .map_err(|e| describe(&e))?;
        }
        tx.commit().map_err(|e| describe(&e))?;
        import::set_aside(&file);
    }
    Ok(())
}

fn insert_approval(
    tx: &rusqlite::Transaction<'_>,
    product: &str,
    a: &Approval,
    manifest: Option<&[u8]>,
) -> Result<(), String> {
    tx.execute(
        "INSERT INTO approvals (product, version, platform, sha256, time, checklist,
            checklist_sha256, change_request, operator, approver, manifest)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            product,
            a.version,
            a.platform,
            a.sha256,
            datetime_text(&a.time),
            a.checklist,
            a.checklist_sha256,
            a.change_request,
            a.operator,
            a.approver,
            manifest,
        ],
    )
    .map(|_| ())
    .map_err(|e| describe(&e))
}

impl Backend for Sqlite {
    fn approvals(
        &mut self,
        product: Option<&str>,
        platform: Option<&str>,
    ) -> Result<Vec<Stored>, String> {
        let Some(conn) = self.conn.as_mut() else {
            return Ok(Vec::new());
        };
        let mut stmt = conn
            .prepare(
                "SELECT id, product, version, platform, sha256, time, checklist, checklist_sha256,
                        change_request, operator, approver
                 FROM approvals
                 WHERE (?1 IS NULL OR product = ?1) AND (?2 IS NULL OR platform = ?2)
                 ORDER BY id",
            )
            .map_err(|e| describe(&e))?;
        let rows = stmt
            .query_map(params![product, platform], |row| {
                Ok((
                    row.get::<_, i64>(0)?,
                    row.get::<_, String>(1)?,
                    [2, 3, 4, 5, 6, 9, 10].map(|i| row.get::<_, String>(i)),
                    row.get::<_, Option<String>>(7)?,
                    row.get::<_, Option<String>>(8)?,
                ))
            })
            .map_err(|e| describe(&e))?;
        let mut out = Vec::new();
        for row in rows {
            let (id, product, texts, checklist_sha256, change_request) =
                row.map_err(|e| describe(&e))?;
            let [
                version,
                platform,
                sha256,
                time,
                checklist,
                operator,
                approver,
            ] = texts;
            let time = parse_datetime(&time.map_err(|e| describe(&e))?)?;
            let text = |v: rusqlite::Result<String>| v.map_err(|e| describe(&e));
            out.push(Stored {
                id,
                product,
                approval: Approval {
                    version: text(version)?,
                    platform: text(platform)?,
                    sha256: text(sha256)?,
                    time,
                    checklist: text(checklist)?,
                    checklist_sha256,
                    change_request,
                    operator: text(operator)?,
                    approver: text(approver)?,
                    manifest: String::new(),
                },
            });
        }
        Ok(out)
    }

    fn manifest(&mut self, id: i64) -> Result<Option<Vec<u8>>, String> {
        let Some(conn) = self.conn.as_mut() else {
            return Ok(None);
        };
        conn.query_row("SELECT manifest FROM approvals WHERE id = ?1", [id], |r| {
            r.get::<_, Option<Vec<u8>>>(0)
        })
        .optional()
        .map(Option::flatten)
        .map_err(|e| describe(&e))
    }

    fn record(
        &mut self,
        product: &str,
        approval: &Approval,
        manifest: &[u8],
    ) -> Result<(), String> {
        let conn = self.connect()?;
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| describe(&e))?;
        insert_approval(&tx, product, approval, Some(manifest))?;
        tx.commit().map_err(|e| describe(&e))
    }

    fn countersign(&mut self, c: &Countersignature) -> Result<(), String> {
        let conn = self.connect()?;
        conn.execute(
            "INSERT INTO countersignatures (product, version, platform, checklist_sha256,
                approver, fingerprint, time, signature)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                c.product,
                c.version,
                c.platform,
                c.checklist_sha256,
                c.approver,
                c.fingerprint,
                datetime_text(&c.time),
                c.signature,
            ],
        )
        .map(|_| ())
        .map_err(|e| describe(&e))
    }

    fn countersignatures(
        &mut self,
        product: Option<&str>,
    ) -> Result<Vec<Countersignature>, String> {
        let Some(conn) = self.conn.as_mut() else {
            return Ok(Vec::new());
        };
        let mut stmt = conn
            .prepare(
                "SELECT product, version, platform, checklist_sha256, approver, fingerprint,
                        time, signature
                 FROM countersignatures WHERE (?1 IS NULL OR product = ?1) ORDER BY id",
            )
            .map_err(|e| describe(&e))?;
        let rows = stmt
            .query_map(params![product], |row| {
                Ok([0, 1, 2, 3, 4, 5, 6, 7].map(|i| row.get::<_, String>(i)))
            })
            .map_err(|e| describe(&e))?;
        let mut out = Vec::new();
        for row in rows {
            let texts = row.map_err(|e| describe(&e))?;
            let mut texts = texts.into_iter().map(|t| t.map_err(|e| describe(&e)));
            let mut next = || {
                texts
                    .next()
                    .unwrap_or_else(|| Err("a column is missing".into()))
            };
            out.push(Countersignature {
                product: next()?,
                version: next()?,
                platform: next()?,
                checklist_sha256: next()?,
                approver: next()?,
                fingerprint: next()?,
                time: parse_datetime(&next()?)?,
                signature: next()?,
            });
        }
        Ok(out)
    }
}

/// An SQLite error in an operator's words.
fn describe(e: &rusqlite::Error) -> String {
    match e.sqlite_error_code() {
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => format!(
            "locked by another process for over {} s (another review writing, or a tool holding it open)",
            BUSY_WAIT.as_secs()
        ),
        Some(ErrorCode::NotADatabase) => {
            "is not an SQLite database (damaged, or another kind of file)".to_string()
        }
        Some(ErrorCode::DatabaseCorrupt) => "is damaged (SQLite reports it corrupt)".to_string(),
        Some(ErrorCode::ReadOnly) => "cannot be written (read-only)".to_string(),
        Some(ErrorCode::CannotOpen) => "cannot be opened".to_string(),
        Some(ErrorCode::DiskFull) => "cannot be written: the disk is full".to_string(),
        _ => e.to_string(),
    }
}
