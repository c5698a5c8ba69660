//! The differential rule on mangled archives: header bytes of accepted
//! corpus archives flipped (a tar header's checksum made right again, so
//! the change reaches the fields behind it), and every mangled archive
//! intake still accepts read with bsdtar and Python as well. Deterministic
//! (a fixed xorshift seed), bounded in rounds and tool runs.

use intake::engine::inspect::tar::looks_like_header;

use super::tools::Tool;
use super::{judge, mode_mask};

/// Mangles tried, and mangles intake accepts that the tools then read.
const ROUNDS: usize = 600;
const COMPARED: usize = 40;

fn xorshift(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

/// The offsets of the tar headers in `bytes`.
fn tar_headers(bytes: &[u8]) -> Vec<usize> {
    (0..bytes.len() / 512)
        .map(|i| i * 512)
        .filter(|at| looks_like_header(&bytes[*at..*at + 512]))
        .collect()
}

/// Rewrites the header checksum of the block at `at`.
fn fix_checksum(bytes: &mut [u8], at: usize) {
    let block = &mut bytes[at..at + 512];
    block[148..156].copy_from_slice(b"        ");
    let sum: u64 = block.iter().map(|b| u64::from(*b)).sum();
    let text = format!("{sum:06o}\0 ");
    block[148..156].copy_from_slice(text.as_bytes());
}

/// One mangle: a tar header field byte (checksum fixed) or, in a zip, a
/// byte of a local or central record.
fn mangle(good: &[u8], zip: bool, state: &mut u64) -> Vec<u8> {
    let mut bytes = good.to_vec();
    let value = (xorshift(state) % 255 + 1) as u8;
    if zip {
        // Central records and the end record sit in the last part.
        let tail = bytes.len().min(1024);
        let at = if xorshift(state).is_multiple_of(2) {
            bytes.len() - 1 - (xorshift(state) as usize % tail)
        } else {
            xorshift(state) as usize % bytes.len().min(64)
        };
        bytes[at] ^= value;
        return bytes;
    }
    let headers = tar_headers(&bytes);
    if headers.is_empty() {
        return bytes;
    }
    let at = headers[xorshift(state) as usize % headers.len()];
    // Any field but the checksum itself.
    let mut field = xorshift(state) as usize % 500;
    if (148..156).contains(&field) {
        field += 8;
    }
    bytes[at + field] ^= value;
    fix_checksum(&mut bytes, at);
    bytes
}

#[test]
fn mangled_archives_intake_accepts_are_read_the_same_by_bsdtar_and_python() {
    let work = tempfile::tempdir().unwrap();
    let tools: Vec<Tool> = [Tool::Bsdtar, Tool::PythonTarfile, Tool::PythonZipfile]
        .into_iter()
        .filter(|t| t.installed())
        .collect();
    if tools.len() < 3 {
        assert!(
            std::env::var_os("CI").is_none(),
            "bsdtar and python3 are needed, and CI is set"
        );
        eprintln!("\n!!!!! mangled differential: bsdtar or python3 NOT INSTALLED: skipped !!!!!\n");
        return;
    }
    let mask = mode_mask(work.path());
    let bases: Vec<_> = intake::testkit::corpus::builders()
        .items
        .into_iter()
        // A base must read the same everywhere to begin with (the main
        // test reports those that do not).
        .filter(|i| i.name.starts_with("plain/") && i.bytes.len() < 64 * 1024)
        .filter(|i| !i.name.contains("pax-and-long-name"))
        .filter(|i| i.name.ends_with(".tar") || i.name.ends_with(".zip"))
        .collect();
    assert!(bases.len() >= 3, "{} base archives", bases.len());
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let (mut compared, mut problems) = (0, Vec::new());
    for round in 0..ROUNDS {
        if compared >= COMPARED {
            break;
        }
        let base = &bases[round % bases.len()];
        let mut item = base.clone();
        item.bytes = mangle(&base.bytes, base.name.ends_with(".zip"), &mut state);
        item.name = base.name.replace("plain/", &format!("mangled-{round}/"));
        let verdict = judge(&item, &tools, mask, work.path());
        if verdict.accepted {
            compared += 1;
            problems.extend(verdict.problems);
        }
    }
    assert!(compared >= 10, "only {compared} mangled archives accepted");
    assert!(
        problems.is_empty(),
        "{} differentials on mangled archives:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
