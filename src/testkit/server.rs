//! A small HTTP/1.1 server on 127.0.0.1 for tests and benchmarks, which
//! misbehaves on request: wrong bytes, a connection dropped half way,
//! ranges ignored, a file changed between attempts, error statuses,
//! stalls, more bytes than announced, redirects. It counts connections and
//! records every request, so a test can prove what was (or was not) asked.
//! One request per connection (`Connection: close`).

mod respond;

use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// What a path serves.
#[derive(Clone)]
pub enum Body {
    Bytes(Arc<Vec<u8>>),
    File(PathBuf),
}

impl Body {
    pub fn bytes(data: impl Into<Vec<u8>>) -> Self {
        Body::Bytes(Arc::new(data.into()))
    }

    fn len(&self) -> u64 {
        match self {
            Body::Bytes(b) => b.len() as u64,
            Body::File(p) => std::fs::metadata(p).map(|m| m.len()).unwrap_or(0),
        }
    }

    fn write_range(&self, out: &mut dyn Write, from: u64, len: u64) -> io::Result<u64> {
        match self {
            Body::Bytes(b) => {
                let end = (from + len).min(b.len() as u64) as usize;
                let slice = b.get(from as usize..end).unwrap_or(&[]);
                out.write_all(slice)?;
                Ok(slice.len() as u64)
            }
            Body::File(p) => {
                use std::io::Seek;
                let mut f = std::fs::File::open(p)?;
                f.seek(io::SeekFrom::Start(from))?;
                io::copy(&mut f.take(len), out)
            }
        }
    }
}

/// How a path misbehaves.
#[derive(Clone)]
pub enum Behavior {
    Normal,
    /// Answer this status with no body.
    Status(u16),
    /// For the first `times` requests, stop sending at byte `bytes` of the
    /// file (whatever range was asked) and close; then behave normally.
    DropAfter {
        bytes: u64,
        times: usize,
    },
    /// Always answer 200 with the whole body, whatever Range says.
    IgnoreRange,
    /// Send the headers, then nothing for this long.
    Stall(Duration),
    /// No Content-Length; the body, then endless filler until the client goes.
    Endless,
    /// Announce this Content-Length, whatever the body is.
    AnnounceLength(u64),
    /// 302 to this location.
    Redirect(String),
}

/// A served path.
#[derive(Clone)]
pub struct Route {
    pub body: Body,
    pub etag: Option<String>,
    pub behavior: Behavior,
}

impl Route {
    pub fn new(body: Body) -> Self {
        Route {
            body,
            etag: Some("\"v1\"".into()),
            behavior: Behavior::Normal,
        }
    }

    pub fn behave(mut self, behavior: Behavior) -> Self {
        self.behavior = behavior;
        self
    }
}

/// A request as received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    /// The request target as sent (absolute-form through a proxy).
    pub target: String,
    pub range: Option<String>,
    pub if_range: Option<String>,
}

#[derive(Default)]
struct State {
    routes: HashMap<String, Route>,
    seen: Vec<Seen>,
    /// How many requests each path has had.
    served: HashMap<String, usize>,
}

/// A stream the server talks over (plain TCP, or TLS wrapped by a test).
pub trait Conn: Read + Write + Send {}
impl<T: Read + Write + Send> Conn for T {}

/// Turns an accepted connection into the stream to speak HTTP over.
pub type Wrap = dyn Fn(TcpStream) -> Option<Box<dyn Conn>> + Send + Sync;

/// A running server; stopped when dropped.
pub struct Server {
    addr: SocketAddr,
    /// Bytes per second for bodies (0: as fast as possible).
    rate: Arc<AtomicU64>,
    state: Arc<Mutex<State>>,
    connections: Arc<AtomicUsize>,
    sent: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    scheme: &'static str,
}

impl Server {
    /// A plain HTTP server.
    pub fn start() -> io::Result<Server> {
        Self::start_with(
            "http",
            Arc::new(|s: TcpStream| Some(Box::new(s) as Box<dyn Conn>)),
        )
    }

    /// A server whose connections `wrap` turns into streams (e.g. TLS).
    pub fn start_with(scheme: &'static str, wrap: Arc<Wrap>) -> io::Result<Server> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let state = Arc::new(Mutex::new(State::default()));
        let connections = Arc::new(AtomicUsize::new(0));
        let sent = Arc::new(AtomicU64::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let rate = Arc::new(AtomicU64::new(0));
        let (st, conns, sent2, stop2, rate2) = (
            state.clone(),
            connections.clone(),
            sent.clone(),
            stop.clone(),
            rate.clone(),
        );
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stop2.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                conns.fetch_add(1, Ordering::SeqCst);
                let (st, sent, wrap, rate) =
                    (st.clone(), sent2.clone(), wrap.clone(), rate2.clone());
                std::thread::spawn(move || {
                    if let Some(mut conn) = wrap(stream) {
                        let mut paced = Paced {
                            inner: &mut *conn,
                            rate: rate.load(Ordering::SeqCst),
                            started: std::time::Instant::now(),
                            written: 0,
                        };
                        let _ = handle(&mut paced, &st, &sent);
                    }
                });
            }
        });
        Ok(Server {
            addr,
            rate,
            state,
            connections,
            sent,
            stop,
            thread: Some(thread),
            scheme,
        })
    }

    /// `http://127.0.0.1:PORT/`.
    pub fn url(&self) -> String {
        format!("{}://127.0.0.1:{}/", self.scheme, self.addr.port())
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Serves `route` at `path` (no leading slash; a full URL for proxying).
    pub fn route(&self, path: &str, route: Route) {
        if let Ok(mut s) = self.state.lock() {
            s.routes
                .insert(path.trim_start_matches('/').to_string(), route);
        }
    }

    /// Paces response bodies at this many bytes a second (as a network
    /// link would); 0 lifts the limit. Applies to new connections.
    pub fn set_rate(&self, bytes_per_second: u64) {
        self.rate.store(bytes_per_second, Ordering::SeqCst);
    }

    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    /// Body bytes written so far, over every connection.
    pub fn bytes_sent(&self) -> u64 {
        self.sent.load(Ordering::SeqCst)
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.state
            .lock()
            .map(|s| s.seen.clone())
            .unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// A connection whose writes keep to a rate.
struct Paced<'a> {
    inner: &'a mut dyn Conn,
    rate: u64,
    started: std::time::Instant,
    written: u64,
}

impl Read for Paced<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.read(buf)
    }
}

impl Write for Paced<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.rate == 0 {
            return self.inner.write(buf);
        }
        let piece = &buf[..buf.len().min(64 * 1024)];
        let n = self.inner.write(piece)?;
        self.written += n as u64;
        let due = Duration::from_secs_f64(self.written as f64 / self.rate as f64);
        if let Some(wait) = due.checked_sub(self.started.elapsed()) {
            std::thread::sleep(wait);
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

fn handle(conn: &mut dyn Conn, state: &Mutex<State>, sent: &AtomicU64) -> io::Result<()> {
    // A proxy's tunnel: accept it, then serve the request sent through it.
    let mut first = read_head(conn)?;
    if first.starts_with("CONNECT ") {
        let target = first.split_whitespace().nth(1).unwrap_or("").to_string();
        if let Ok(mut s) = state.lock() {
            s.seen.push(Seen {
                target: format!("CONNECT {target}"),
                range: None,
                if_range: None,
            });
        }
        write!(conn, "HTTP/1.1 200 Connection Established\r\n\r\n")?;
        first = read_head(conn)?;
    }
    respond::respond(conn, &first, state, sent)
}

fn read_head(conn: &mut dyn Conn) -> io::Result<String> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if conn.read(&mut byte)? == 0 || head.len() > 16 * 1024 {
            return Ok(String::new());
        }
        head.push(byte[0]);
    }
    Ok(String::from_utf8_lossy(&head).into_owned())
}

/// A server on 127.0.0.1 that answers one path with its whole length
/// announced, then trickles the body `piece` bytes every `every` (a mirror
/// that never stalls long enough for a read timeout, yet never finishes);
/// any other path is 404. Stopped when dropped.
pub struct Trickle {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Trickle {
    pub fn start(path: &str, body: Vec<u8>, piece: usize, every: Duration) -> io::Result<Trickle> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let stop = Arc::new(AtomicBool::new(false));
        let (stop2, path, body) = (
            stop.clone(),
            path.trim_start_matches('/').to_string(),
            Arc::new(body),
        );
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stop2.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(mut stream) = stream else { continue };
                let (stop, path, body) = (stop2.clone(), path.clone(), body.clone());
                std::thread::spawn(move || {
                    let head = read_head(&mut stream).unwrap_or_default();
                    let target = head.split_whitespace().nth(1).unwrap_or("/");
                    if target.trim_start_matches('/') != path {
                        let _ = write!(
                            stream,
                            "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                        );
                        return;
                    }
                    let head = format!(
                        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len()
                    );
                    if stream.write_all(head.as_bytes()).is_err() {
                        return;
                    }
                    for chunk in body.chunks(piece.max(1)) {
                        if stop.load(Ordering::SeqCst)
                            || stream
                                .write_all(chunk)
                                .and_then(|()| stream.flush())
                                .is_err()
                        {
                            return;
                        }
                        std::thread::sleep(every);
                    }
                });
            }
        });
        Ok(Trickle {
            addr,
            stop,
            thread: Some(thread),
        })
    }

    /// `http://127.0.0.1:PORT/`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/", self.addr.port())
    }
}

impl Drop for Trickle {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
