//! The only module that opens network connections. HTTP(S) GETs with
//! connect and read timeouts, the proxy from `HTTPS_PROXY`/`HTTP_PROXY`/
//! `NO_PROXY`, certificates checked against the system's roots plus an
//! optional CA bundle (hospitals run their own CAs), redirects followed
//! one at a time so each is logged (and never from https down to http),
//! ranged requests for resuming, guarded by `If-Range`, and a minimum
//! average rate every body must keep up (see [`Paced`]).
//!
//! Nothing here runs unless a review asks for a file from an HTTP source:
//! no update checks, no key servers.

use std::io::Read;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ureq::tls::{Certificate, RootCerts, TlsConfig};
use url::Url;

use crate::engine::select::source::redact;
use crate::engine::shared::limits;

/// Network settings (timeouts, trust, redirects).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpSettings {
    pub connect_timeout: Duration,
    /// How long a transfer may go without receiving a byte.
    pub read_timeout: Duration,
    pub max_redirects: u32,
    /// Extra CA certificates (PEM) trusted besides the system's roots.
    pub ca_bundle: Option<PathBuf>,
    /// The slowest average a transfer may keep up, in bytes a second, once
    /// `rate_grace` has passed: a mirror trickling bytes (which no per-read
    /// timeout catches) is left for the next source. A transfer of N bytes
    /// therefore ends within `rate_grace + N / min_rate`.
    pub min_rate: u64,
    pub rate_grace: Duration,
}

impl Default for HttpSettings {
    fn default() -> Self {
        HttpSettings {
            connect_timeout: Duration::from_secs(30),
            read_timeout: Duration::from_secs(30),
            max_redirects: 5,
            ca_bundle: None,
            min_rate: MIN_RATE,
            rate_grace: RATE_GRACE,
        }
    }
}

/// The default slowest average transfer rate: 10 KiB a second.
pub const MIN_RATE: u64 = 10 << 10;
/// How long a transfer may take before [`MIN_RATE`] applies.
pub const RATE_GRACE: Duration = Duration::from_secs(60);

/// A validator that tells a resumed transfer whether the file changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Validator {
    ETag(String),
    LastModified(String),
}

/// A response being received.
pub struct Response {
    pub status: u16,
    pub body: Box<dyn Read + Send>,
    /// The body's length (`Content-Length`), when announced.
    pub length: Option<u64>,
    /// For a 206: where the body starts, and the whole file's size.
    pub range_start: Option<u64>,
    pub total: Option<u64>,
    pub validator: Option<Validator>,
}

/// A client for one review.
pub struct Http {
    agent: ureq::Agent,
    settings: HttpSettings,
}

impl Http {
    pub fn new(settings: &HttpSettings) -> Result<Http, String> {
        let roots = roots(settings)?;
        let config = ureq::Agent::config_builder()
            .timeout_connect(Some(settings.connect_timeout))
            .timeout_recv_response(Some(settings.read_timeout))
            .timeout_per_read(Some(settings.read_timeout))
            .max_redirects(0)
            .http_status_as_error(false)
            .proxy(ureq::Proxy::try_from_env())
            .tls_config(TlsConfig::builder().root_certs(roots).build())
            .user_agent(concat!("intake/", env!("CARGO_PKG_VERSION")))
            .build();
        Ok(Http {
            agent: ureq::Agent::new_with_config(config),
            settings: settings.clone(),
        })
    }

    /// GETs `url` (from `from` onwards when resuming, if the validator still
    /// matches). `log` hears of every redirect.
    pub fn get(
        &self,
        url: &Url,
        resume: Option<(u64, &Validator)>,
        log: &mut dyn FnMut(String),
    ) -> Result<Response, String> {
        let mut url = url.clone();
        for _ in 0..=self.settings.max_redirects {
            let mut request = self
                .agent
                .get(url.as_str())
                .header("Accept-Encoding", "identity");
            if let Some((from, validator)) = resume {
                request = request.header("Range", format!("bytes={from}-"));
                request = match validator {
                    Validator::ETag(tag) => request.header("If-Range", tag),
                    Validator::LastModified(date) => request.header("If-Range", date),
                };
            }
            let response = request.call().map_err(|e| describe(&e))?;
            let status = response.status().as_u16();
            if (300..400).contains(&status) {
                let location = response
                    .headers()
                    .get("location")
                    .and_then(|v| v.to_str().ok())
                    .ok_or_else(|| format!("HTTP {status} without a Location"))?;
                let next = url
                    .join(location)
                    .map_err(|e| format!("HTTP {status} to a bad Location: {e}"))?;
                if url.scheme() == "https" && next.scheme() != "https" {
                    return Err(format!(
                        "refused a redirect from https to {}",
                        redact(&next).0
                    ));
                }
                log(format!("HTTP {status}: redirected to {}", redact(&next).0));
                url = next;
                continue;
            }
            if !(200..300).contains(&status) {
                return Err(format!("HTTP {status}"));
            }
            let header = |name: &str| {
                response
                    .headers()
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string)
            };
            let length = header("content-length").and_then(|v| v.trim().parse().ok());
            let (range_start, total) = match header("content-range") {
                Some(range) if status == 206 => parse_content_range(&range)
                    .ok_or_else(|| format!("an unreadable Content-Range: {range}"))?,
                _ => (None, length),
            };
            let validator = header("etag")
                .map(Validator::ETag)
                .or_else(|| header("last-modified").map(Validator::LastModified));
            let body = Paced::new(response.into_body().into_reader(), &self.settings);
            return Ok(Response {
                status,
                body: Box::new(body),
                length,
                range_start,
                total,
                validator,
            });
        }
        Err(format!(
            "more than {} redirects",
            self.settings.max_redirects
        ))
    }
}

/// A body that must keep up an average rate: after the grace period, the
/// bytes received must cover `min_rate` for every second past it, or the
/// read fails with [`TooSlow`] (never resumed: the next source is tried).
pub struct Paced<R> {
    inner: R,
    started: Instant,
    received: u64,
    min_rate: u64,
    grace: Duration,
}

impl<R: Read> Paced<R> {
    pub fn new(inner: R, settings: &HttpSettings) -> Self {
        Paced {
            inner,
            started: Instant::now(),
            received: 0,
            min_rate: settings.min_rate,
            grace: settings.rate_grace,
        }
    }

    fn too_slow(&self) -> Option<TooSlow> {
        let elapsed = self.started.elapsed();
        let late = elapsed.checked_sub(self.grace)?;
        let owed = (late.as_secs_f64() * self.min_rate as f64) as u64;
        (self.min_rate > 0 && self.received < owed).then_some(TooSlow {
            received: self.received,
            seconds: elapsed.as_secs(),
            min_rate: self.min_rate,
            grace: self.grace.as_secs(),
        })
    }
}

impl<R: Read> Read for Paced<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if let Some(slow) = self.too_slow() {
            return Err(std::io::Error::other(slow));
        }
        let n = self.inner.read(buf)?;
        self.received = self.received.saturating_add(n as u64);
        if n > 0
            && let Some(slow) = self.too_slow()
        {
            return Err(std::io::Error::other(slow));
        }
        Ok(n)
    }
}

/// A transfer slower than the minimum rate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TooSlow {
    pub received: u64,
    pub seconds: u64,
    pub min_rate: u64,
    pub grace: u64,
}

impl std::fmt::Display for TooSlow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "too slow: {} bytes in {} s, under the minimum of {} bytes/s after a {} s grace; abandoned",
            self.received, self.seconds, self.min_rate, self.grace
        )
    }
}

impl std::error::Error for TooSlow {}

impl TooSlow {
    /// Whether an I/O error is a transfer abandoned for being too slow.
    pub fn is(e: &std::io::Error) -> bool {
        e.get_ref().is_some_and(|inner| inner.is::<TooSlow>())
    }
}

/// `bytes 100-999/1000` → (start 100, total 1000).
fn parse_content_range(value: &str) -> Option<(Option<u64>, Option<u64>)> {
    let rest = value.trim().strip_prefix("bytes ")?;
    let (range, total) = rest.split_once('/')?;
    let (start, _end) = range.split_once('-')?;
    let total = if total.trim() == "*" {
        None
    } else {
        Some(total.trim().parse().ok()?)
    };
    Some((Some(start.trim().parse().ok()?), total))
}

/// The system's roots, plus the configured bundle.
fn roots(settings: &HttpSettings) -> Result<RootCerts, String> {
    let mut certs: Vec<Certificate<'static>> = rustls_native_certs::load_native_certs()
        .certs
        .into_iter()
        .map(|der| Certificate::from_der(der.as_ref()).to_owned())
        .collect();
    if let Some(bundle) = &settings.ca_bundle {
        let pem = limits::read_local(bundle, limits::CERTIFICATE_MAX, "CA bundle")
            .map_err(|e| e.to_string())?;
        let before = certs.len();
        for item in ureq::tls::parse_pem(&pem) {
            if let Ok(ureq::tls::PemItem::Certificate(cert)) = item {
                certs.push(cert);
            }
        }
        if certs.len() == before {
            return Err(format!("{}: holds no PEM certificate", bundle.display()));
        }
    }
    if certs.is_empty() {
        // No system store found (a minimal image): Mozilla's roots.
        return Ok(RootCerts::WebPki);
    }
    Ok(RootCerts::Specific(Arc::new(certs)))
}

/// An HTTP client error in an operator's words.
fn describe(e: &ureq::Error) -> String {
    match e {
        ureq::Error::Timeout(what) => format!("timed out ({what})"),
        ureq::Error::HostNotFound => "host not found".to_string(),
        ureq::Error::ConnectionFailed => "connection failed".to_string(),
        ureq::Error::Io(io) => format!("connection error: {io}"),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_ranges() {
        assert_eq!(
            parse_content_range("bytes 100-999/1000"),
            Some((Some(100), Some(1000)))
        );
        assert_eq!(parse_content_range("bytes 5-9/*"), Some((Some(5), None)));
        assert_eq!(parse_content_range("items 1-2/3"), None);
    }
}
