//! A local HTTP server for the fetch benchmark (the test server from
//! `intake::testkit::server`): serves every file under DIR on 127.0.0.1,
//! optionally cutting the first transfer of one file after N bytes, and
//! answers `/__sent` with the body bytes sent so far.
//!
//! cargo run --release --features testkit --example serve -- DIR [--cut FILE:BYTES] [--rate BYTES_PER_SECOND]

use std::path::{Path, PathBuf};

use intake::testkit::server::{Behavior, Body, Route, Server};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                files(&p, out);
            } else {
                out.push(p);
            }
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(root) = args.first().map(PathBuf::from) else {
        eprintln!("usage: serve DIR [--cut FILE:BYTES]");
        std::process::exit(2);
    };
    let cut: Option<(String, u64)> = args
        .iter()
        .position(|a| a == "--cut")
        .and_then(|i| args.get(i + 1))
        .and_then(|c| c.rsplit_once(':'))
        .and_then(|(f, n)| Some((f.to_string(), n.parse().ok()?)));
    let server = match Server::start() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("serve: {e}");
            std::process::exit(1);
        }
    };
    if let Some(rate) = args
        .iter()
        .position(|a| a == "--rate")
        .and_then(|i| args.get(i + 1))
        .and_then(|r| r.parse().ok())
    {
        server.set_rate(rate);
    }
    let mut found = Vec::new();
    files(&root, &mut found);
    for path in found {
        let rel = path
            .strip_prefix(&root)
            .unwrap_or(&path)
            .to_string_lossy()
            .replace('\\', "/");
        let mut route = Route::new(Body::File(path.clone()));
        if let Some((file, bytes)) = &cut
            && *file == rel
        {
            route = route.behave(Behavior::DropAfter {
                bytes: *bytes,
                times: 1,
            });
        }
        server.route(&rel, route);
    }
    println!("{}", server.url());
    // Answer stats on a side channel: a file the script reads.
    let stats = root.join(".served-bytes");
    loop {
        std::thread::sleep(std::time::Duration::from_millis(100));
        let _ = std::fs::write(&stats, server.bytes_sent().to_string());
    }
}
