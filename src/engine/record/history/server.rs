//! The history on a team's PostgreSQL server, so reviews on several jump
//! hosts and pipelines see each other's approvals. The same records as
//! the SQLite history, in tables named `intake_*` (a shared database may
//! hold others), under the same schema version (`intake_schema`). Every
//! write is one transaction; the schema is created or checked under an
//! advisory lock so two hosts starting at once do not race.
//!
//! TLS: when the URL asks for it (`sslmode=require`, `verify-ca` or
//! `verify-full`; `prefer`, the default, uses it when the server offers
//! it), the server's certificate is always verified, against the system's
//! roots, the settings' `ca_bundle` and the URL's `sslrootcert`. (libpq's
//! `require` does not verify; intake never talks to an unverified history.)

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use postgres::config::SslMode;
use postgres::{Client, Config, NoTls};
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;

use super::{Backend, Countersignature, SCHEMA, Stored, datetime_text, parse_datetime};
use crate::engine::select::rollback::Approval;

/// How long connecting may take before the server counts as unreachable.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The advisory lock key held while the schema is created or checked.
const SCHEMA_LOCK: i64 = 0x696e_7461_6b65;

pub(super) struct Postgres {
    client: Client,
}

/// The URL for people: everything but the password.
pub(super) fn without_password(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) => {
            if parsed.password().is_some() {
                let _ = parsed.set_password(Some("***"));
            }
            parsed.to_string()
        }
        Err(_) => "(an unreadable URL)".to_string(),
    }
}

impl Postgres {
    pub(super) fn connect(url: &str, ca_bundle: Option<&Path>) -> Result<Postgres, String> {
        let (url, root_cert) = tls_parameters(url)?;
        let mut config: Config = url
            .parse()
            .map_err(|e| format!("is not a PostgreSQL URL intake can use: {e}"))?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        let client = if config.get_ssl_mode() == SslMode::Disable {
            config.connect(NoTls)
        } else {
            let tls = tls_config(ca_bundle, root_cert.as_deref())?;
            config.connect(tokio_postgres_rustls::MakeRustlsConnect::new(tls))
        }
        .map_err(|e| format!("cannot connect: {}", describe(&e)))?;
        let mut db = Postgres { client };
        db.ensure_schema()?;
        Ok(db)
    }

    fn ensure_schema(&mut self) -> Result<(), String> {
        let mut tx = self.client.transaction().map_err(|e| describe(&e))?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&SCHEMA_LOCK])
            .map_err(|e| describe(&e))?;
        let exists: bool = tx
            .query_one("SELECT to_regclass('intake_schema') IS NOT NULL", &[])
            .and_then(|row| row.try_get(0))
            .map_err(|e| describe(&e))?;
        if !exists {
            let create = "CREATE TABLE intake_schema (version BIGINT NOT NULL);".to_string()
                + &super::tables("intake_", "BIGSERIAL PRIMARY KEY", "BYTEA");
            tx.batch_execute(&create).map_err(|e| describe(&e))?;
            tx.execute(
                "INSERT INTO intake_schema (version) VALUES ($1)",
                &[&SCHEMA],
            )
            .map_err(|e| describe(&e))?;
            return tx.commit().map_err(|e| describe(&e));
        }
        let version: Option<i64> = tx
            .query_one("SELECT max(version) FROM intake_schema", &[])
            .and_then(|row| row.try_get(0))
            .map_err(|e| describe(&e))?;
        match version {
            Some(SCHEMA) => tx.commit().map_err(|e| describe(&e)),
            Some(v) if v > SCHEMA => Err(super::sqlite::newer(v)),
            Some(v) if (1..SCHEMA).contains(&v) => {
                for step in super::MIGRATIONS.iter().skip(v as usize - 1) {
                    tx.batch_execute(step).map_err(|e| describe(&e))?;
                }
                tx.execute("UPDATE intake_schema SET version = $1", &[&SCHEMA])
                    .map_err(|e| describe(&e))?;
                tx.commit().map_err(|e| describe(&e))
            }
            Some(v) => Err(format!("has history schema {v}, which no intake wrote")),
            None => Err("has an empty intake_schema table: not a history intake wrote".into()),
        }
    }
}

/// Takes out the URL parameters intake handles itself (`sslrootcert`, and
/// the `verify-*` modes the client library does not know, which mean TLS
/// required: intake always verifies).
fn tls_parameters(url: &str) -> Result<(String, Option<String>), String> {
    let mut parsed =
        url::Url::parse(url).map_err(|e| format!("is not a PostgreSQL URL intake can use: {e}"))?;
    let mut root_cert = None;
    let kept: Vec<(String, String)> = parsed
        .query_pairs()
        .filter_map(|(key, value)| match (key.as_ref(), value.as_ref()) {
            ("sslrootcert", path) => {
                root_cert = Some(path.to_string());
                None
            }
            ("sslmode", "verify-ca" | "verify-full") => {
                Some(("sslmode".to_string(), "require".to_string()))
            }
            _ => Some((key.into_owned(), value.into_owned())),
        })
        .collect();
    parsed.set_query(None);
    if !kept.is_empty() {
        parsed.query_pairs_mut().extend_pairs(kept);
    }
    Ok((parsed.to_string(), root_cert))
}

/// The TLS client: the system's roots, the CA bundle and `sslrootcert`.
fn tls_config(
    ca_bundle: Option<&Path>,
    root_cert: Option<&str>,
) -> Result<rustls::ClientConfig, String> {
    let mut roots = rustls::RootCertStore::empty();
    for cert in rustls_native_certs::load_native_certs().certs {
        let _ = roots.add(cert);
    }
    for file in ca_bundle.into_iter().chain(root_cert.map(Path::new)) {
        let bytes = crate::engine::shared::limits::read_local(file, 16 << 20, "CA bundle")
            .map_err(|e| e.to_string())?;
        let mut added = 0;
        for cert in CertificateDer::pem_slice_iter(&bytes) {
            let cert =
                cert.map_err(|e| format!("{}: not a PEM certificate: {e}", file.display()))?;
            roots
                .add(cert)
                .map_err(|e| format!("{}: unusable certificate: {e}", file.display()))?;
            added += 1;
        }
        if added == 0 {
            return Err(format!("{}: holds no PEM certificate", file.display()));
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_root_certificates(roots)
        .with_no_client_auth())
}

impl Backend for Postgres {
    fn approvals(
        &mut self,
        product: Option<&str>,
        platform: Option<&str>,
    ) -> Result<Vec<Stored>, String> {
        let rows = self
            .client
            .query(
                "SELECT id, product, version, platform, sha256, time, checklist, checklist_sha256,
                        change_request, operator, approver
                 FROM intake_approvals
                 WHERE ($1::TEXT IS NULL OR product = $1) AND ($2::TEXT IS NULL OR platform = $2)
                 ORDER BY id",
                &[&product, &platform],
            )
            .map_err(|e| describe(&e))?;
        rows.iter()
            .map(|row| {
                let text = |i: usize| row.try_get::<_, String>(i).map_err(|e| describe(&e));
                Ok(Stored {
                    id: row.try_get(0).map_err(|e| describe(&e))?,
                    product: text(1)?,
                    approval: Approval {
                        version: text(2)?,
                        platform: text(3)?,
                        sha256: text(4)?,
                        time: parse_datetime(&text(5)?)?,
                        checklist: text(6)?,
                        checklist_sha256: row.try_get(7).map_err(|e| describe(&e))?,
                        change_request: row.try_get(8).map_err(|e| describe(&e))?,
                        operator: text(9)?,
                        approver: text(10)?,
                        manifest: String::new(),
                    },
                })
            })
            .collect()
    }

    fn manifest(&mut self, id: i64) -> Result<Option<Vec<u8>>, String> {
        let row = self
            .client
            .query_opt(
                "SELECT manifest FROM intake_approvals WHERE id = $1",
                &[&id],
            )
            .map_err(|e| describe(&e))?;
        match row {
            Some(row) => row.try_get(0).map_err(|e| describe(&e)),
            None => Ok(None),
        }
    }

    fn record(&mut self, product: &str, a: &Approval, manifest: &[u8]) -> Result<(), String> {
        let mut tx = self.client.transaction().map_err(|e| describe(&e))?;
        tx.execute(
            "INSERT INTO intake_approvals (product, version, platform, sha256, time, checklist,
                checklist_sha256, change_request, operator, approver, manifest)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            &[
                &product,
                &a.version,
                &a.platform,
                &a.sha256,
                &datetime_text(&a.time),
                &a.checklist,
                &a.checklist_sha256,
                &a.change_request,
                &a.operator,
                &a.approver,
                &manifest,
            ],
        )
        .map_err(|e| describe(&e))?;
        tx.commit().map_err(|e| describe(&e))
    }

    fn countersign(&mut self, c: &Countersignature) -> Result<(), String> {
        self.client
            .execute(
                "INSERT INTO intake_countersignatures (product, version, platform,
                    checklist_sha256, approver, fingerprint, time, signature)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                &[
                    &c.product,
                    &c.version,
                    &c.platform,
                    &c.checklist_sha256,
                    &c.approver,
                    &c.fingerprint,
                    &datetime_text(&c.time),
                    &c.signature,
                ],
            )
            .map(|_| ())
            .map_err(|e| describe(&e))
    }

    fn countersignatures(
        &mut self,
        product: Option<&str>,
    ) -> Result<Vec<Countersignature>, String> {
        let rows = self
            .client
            .query(
                "SELECT product, version, platform, checklist_sha256, approver, fingerprint,
                        time, signature
                 FROM intake_countersignatures WHERE ($1::TEXT IS NULL OR product = $1)
                 ORDER BY id",
                &[&product],
            )
            .map_err(|e| describe(&e))?;
        rows.iter()
            .map(|row| {
                let text = |i: usize| row.try_get::<_, String>(i).map_err(|e| describe(&e));
                Ok(Countersignature {
                    product: text(0)?,
                    version: text(1)?,
                    platform: text(2)?,
                    checklist_sha256: text(3)?,
                    approver: text(4)?,
                    fingerprint: text(5)?,
                    time: parse_datetime(&text(6)?)?,
                    signature: text(7)?,
                })
            })
            .collect()
    }
}

/// A client error with its cause (the server's message, or the network's).
fn describe(e: &postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        return format!("the server says: {}", db.message());
    }
    if e.is_closed() {
        return "the server closed the connection".to_string();
    }
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
