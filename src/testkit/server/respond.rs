//! Answering one request: the route it names, recorded and counted, then
//! the answer its behaviour asks for (a 404 when nothing is served there).

use std::collections::HashMap;
use std::io;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use super::{Behavior, Conn, Route, Seen, State};

/// A request's target and its headers (names in lower case).
struct Request {
    target: String,
    headers: HashMap<String, String>,
}

impl Request {
    fn parse(head: &str) -> Request {
        let mut lines = head.split("\r\n");
        let target = lines
            .next()
            .and_then(|l| l.split_whitespace().nth(1))
            .unwrap_or("/")
            .to_string();
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        Request { target, headers }
    }

    fn seen(&self) -> Seen {
        Seen {
            target: self.target.clone(),
            range: self.headers.get("range").cloned(),
            if_range: self.headers.get("if-range").cloned(),
        }
    }

    /// The route's key: the path without its slash and query. Through a
    /// proxy the target is a whole URL; that is the key then.
    fn key(&self) -> String {
        if self.target.starts_with("http://") {
            self.target.clone()
        } else {
            self.target
                .trim_start_matches('/')
                .split('?')
                .next()
                .unwrap_or("")
                .to_string()
        }
    }

    /// Where an open-ended `Range: bytes=N-` starts, if one was asked.
    fn range_from(&self) -> Option<u64> {
        self.headers
            .get("range")
            .and_then(|r| r.strip_prefix("bytes="))
            .and_then(|r| r.strip_suffix('-'))
            .and_then(|n| n.parse::<u64>().ok())
    }
}

pub(super) fn respond(
    conn: &mut dyn Conn,
    head: &str,
    state: &Mutex<State>,
    sent: &AtomicU64,
) -> io::Result<()> {
    if head.is_empty() {
        return Ok(());
    }
    let request = Request::parse(head);
    let (route, count) = record(state, &request)?;
    let Some(route) = route else {
        return write!(
            conn,
            "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        );
    };
    let reply = Reply::new(&route, sent);
    match &route.behavior {
        Behavior::Status(code) => write!(
            conn,
            "HTTP/1.1 {code} Oops\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        ),
        Behavior::Redirect(to) => write!(
            conn,
            "HTTP/1.1 302 Found\r\nLocation: {to}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        ),
        Behavior::Stall(time) => reply.stall(conn, *time),
        Behavior::Endless => reply.endless(conn),
        Behavior::AnnounceLength(n) => reply.announce(conn, *n),
        Behavior::Normal | Behavior::IgnoreRange | Behavior::DropAfter { .. } => {
            reply.ranged(conn, &request, count)
        }
    }
}

/// Records the request and counts it against its path; the route served
/// there (if any), and how many requests the path has had with this one.
fn record(state: &Mutex<State>, request: &Request) -> io::Result<(Option<Route>, usize)> {
    let key = request.key();
    let mut s = state.lock().map_err(|_| io::Error::other("poisoned"))?;
    s.seen.push(request.seen());
    let count = {
        let c = s.served.entry(key.clone()).or_insert(0);
        *c += 1;
        *c
    };
    Ok((s.routes.get(&key).cloned(), count))
}

/// The answer from a route's body, its bytes counted as sent.
struct Reply<'a> {
    route: &'a Route,
    sent: &'a AtomicU64,
    /// The `ETag:` header line, or nothing.
    etag: String,
    total: u64,
}

impl<'a> Reply<'a> {
    fn new(route: &'a Route, sent: &'a AtomicU64) -> Reply<'a> {
        Reply {
            route,
            sent,
            etag: route
                .etag
                .as_ref()
                .map(|e| format!("ETag: {e}\r\n"))
                .unwrap_or_default(),
            total: route.body.len(),
        }
    }

    fn send(&self, conn: &mut dyn Conn, from: u64, len: u64) -> io::Result<()> {
        let n = self.route.body.write_range(conn, from, len)?;
        self.sent.fetch_add(n, Ordering::SeqCst);
        Ok(())
    }

    /// The headers, then nothing for `time`.
    fn stall(&self, conn: &mut dyn Conn, time: Duration) -> io::Result<()> {
        let total = self.total;
        write!(
            conn,
            "HTTP/1.1 200 OK\r\nContent-Length: {total}\r\nConnection: close\r\n\r\n"
        )?;
        conn.flush()?;
        std::thread::sleep(time);
        Ok(())
    }

    /// No length; the body, then filler until the client goes.
    fn endless(&self, conn: &mut dyn Conn) -> io::Result<()> {
        write!(conn, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n")?;
        self.send(conn, 0, self.total)?;
        let filler = vec![b'x'; 64 * 1024];
        while conn.write_all(&filler).is_ok() {}
        Ok(())
    }

    /// The whole body under a length of `n`, whatever it is.
    fn announce(&self, conn: &mut dyn Conn, n: u64) -> io::Result<()> {
        let etag = &self.etag;
        write!(
            conn,
            "HTTP/1.1 200 OK\r\nContent-Length: {n}\r\n{etag}Connection: close\r\n\r\n"
        )?;
        self.send(conn, 0, self.total)
    }

    /// The body from where the range asks (when the route honours ranges
    /// and `If-Range` matches), else whole; 416 past its end. A route that
    /// drops connections stops short for its first requests.
    fn ranged(&self, conn: &mut dyn Conn, request: &Request, count: usize) -> io::Result<()> {
        let (etag, total) = (&self.etag, self.total);
        let from = match request.range_from().filter(|_| self.honours_range(request)) {
            Some(from) if from >= total => {
                return write!(
                    conn,
                    "HTTP/1.1 416 Range Not Satisfiable\r\nContent-Range: bytes */{total}\r\n{etag}Content-Length: 0\r\nConnection: close\r\n\r\n"
                );
            }
            Some(from) => {
                write!(
                    conn,
                    "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes {from}-{}/{total}\r\nContent-Length: {}\r\n{etag}Connection: close\r\n\r\n",
                    total - 1,
                    total - from
                )?;
                from
            }
            None => {
                write!(
                    conn,
                    "HTTP/1.1 200 OK\r\nContent-Length: {total}\r\n{etag}Connection: close\r\n\r\n"
                )?;
                0
            }
        };
        let len = total - from;
        match self.route.behavior {
            Behavior::DropAfter { bytes, times } if count <= times => {
                self.send(conn, from, bytes.saturating_sub(from).min(len))
            }
            _ => self.send(conn, from, len),
        }
    }

    /// A range is honoured unless the route ignores ranges, or `If-Range`
    /// names another version than ours.
    fn honours_range(&self, request: &Request) -> bool {
        let validator_ok = match (request.headers.get("if-range"), &self.route.etag) {
            (None, _) => true,
            (Some(given), Some(ours)) => given == ours,
            (Some(_), None) => false,
        };
        !matches!(self.route.behavior, Behavior::IgnoreRange) && validator_ok
    }
}
