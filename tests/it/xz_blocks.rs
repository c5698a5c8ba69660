//! xz streams whose block headers record their sizes (what multi-threaded
//! encoders write: `xz -T`, `dpkg-deb`) are decoded a block at a time on
//! two threads: read exactly like one stream, the stream's index and
//! footer checked against the blocks as they were, a flood of tiny blocks
//! refused as before, damage anywhere failing.

use std::process::{Command, Stdio};

use std::time::Duration;

use intake::engine::inspect::compress::xz::{MAX_BLOCKS, Streams, Tuning};
use intake::engine::inspect::meter::Counted;
use intake::engine::inspect::report::ArchiveReport;
use intake::testkit::archives::{self, Entry, noise};
use intake::testkit::hostile_compress::xz_stored_sized;

use crate::support::*;

/// A tar of a few MiB, so blocks of over a MiB go to worker threads.
fn big_tar() -> Vec<u8> {
    archives::tar(&[
        Entry::dir("m/"),
        Entry::file("m/bin/server", noise(3 << 20, 7)).mode(0o755),
        Entry::file("m/share/notes.txt", hex::encode(noise(1 << 20, 9))),
        Entry::file("m/README", b"Meridian\n".to_vec()),
        Entry::symlink("m/bin/run", "server"),
    ])
    .unwrap()
}

fn read_as_the_tar(xz: &[u8], tar: &[u8], what: &str) -> ArchiveReport {
    let plain = inspect_bytes("m.tar", tar);
    let r = inspect_bytes("m.tar.xz", xz);
    assert!(r.findings.is_empty(), "{what}: {:#?}", r.findings);
    assert_eq!(r.entries, plain.entries, "{what}");
    r
}

#[test]
fn blocks_that_record_their_sizes_read_like_one_stream() {
    let tar = big_tar();
    // A small block (decoded here), big ones (on workers), an empty one
    // between them and one at the end.
    let cut = [
        0,
        700,
        1_500_000,
        1_500_000,
        3_000_000,
        tar.len(),
        tar.len(),
    ];
    let blocks: Vec<&[u8]> = cut.windows(2).map(|w| &tar[w[0]..w[1]]).collect();
    let xz = xz_stored_sized(&blocks);
    read_as_the_tar(&xz, &tar, "hand-made sized blocks");
}

#[test]
fn xz_multithreaded_output_reads_like_the_tar() {
    let tar = big_tar();
    let Some(xz) = xz_tool(&["-T2", "--block-size=1MiB", "-1", "-c"], &tar) else {
        return;
    };
    read_as_the_tar(&xz, &tar, "xz -T2 --block-size=1MiB");
    // Two such streams back to back are one file, as for `xz -d`.
    let mut two = xz.clone();
    two.extend_from_slice(&xz_tool(&["-T2", "--block-size=1MiB", "-c"], b"").unwrap());
    read_as_the_tar(&two, &tar, "with an empty stream after it");
}

#[test]
fn blocks_larger_than_the_spill_read_like_one_stream() {
    // Three blocks of 10 MiB: each next one starts only once the one
    // before it has less than the spill left to decode.
    let tar = archives::tar(&[
        Entry::file("m/a", noise(14 << 20, 3)),
        Entry::file("m/b", noise(16 << 20, 4)),
    ])
    .unwrap();
    let third = tar.len() / 3;
    let xz = xz_stored_sized(&[&tar[..third], &tar[third..2 * third], &tar[2 * third..]]);
    read_as_the_tar(&xz, &tar, "three 10 MiB blocks");
}

/// The stream decoded by a reader fed as `tuning` says.
fn decode_tuned(xz: &[u8], tuning: Tuning) -> std::io::Result<Vec<u8>> {
    let input = Counted::new(std::io::Cursor::new(xz));
    let mut streams = Streams::new(input, 64 << 20).tuned(tuning);
    let mut out = Vec::new();
    std::io::Read::read_to_end(&mut streams, &mut out)?;
    Ok(out)
}

#[test]
fn a_worker_left_short_of_bytes_is_handed_the_rest_rather_than_waited_on() {
    let tar = big_tar();
    let xz = xz_stored_sized(&[
        &tar[..1_500_000],
        &tar[1_500_000..3_500_000],
        &tar[3_500_000..],
    ]);
    let short = Tuning {
        // A kilobyte at a time is never a chunk of output: the reading
        // thread, waiting for one, must hand over the rest after `hungry`
        // (without that, both would wait on each other for ever).
        piece: 1024,
        waiting: 1,
        spill: 1 << 20,
        hungry: Duration::from_millis(1),
    };
    let one_at_a_time = Tuning {
        spill: 0,
        ..Tuning::default()
    };
    let all_at_once = Tuning {
        spill: u64::MAX,
        ..Tuning::default()
    };
    for (what, tuning) in [
        ("short", short),
        ("one block at a time", one_at_a_time),
        ("every block read at once", all_at_once),
    ] {
        let got = decode_tuned(&xz, tuning).unwrap_or_else(|e| panic!("{what}: {e}"));
        assert!(got == tar, "{what}: the output differs from the tar");
    }
    // Damage is found however the blocks are fed: the second block's
    // header (after the first block's 1,500,000 bytes in 23 stored chunks)
    // flipped, or the stream cut inside it.
    let second = (12 + 16 + 1_500_000 + 23 * 3 + 1usize).div_ceil(4) * 4;
    let mut flipped = xz.clone();
    flipped[second + 1] ^= 0x01;
    let cut = &xz[..2_500_000];
    for tuning in [short, one_at_a_time, all_at_once] {
        let Err(e) = decode_tuned(&flipped, tuning) else {
            panic!("{tuning:?}: a flipped block header was read");
        };
        assert_eq!(e.kind(), std::io::ErrorKind::InvalidData, "{tuning:?}: {e}");
        assert!(
            decode_tuned(cut, tuning).is_err(),
            "{tuning:?}: a cut stream was read"
        );
    }
}

#[test]
fn an_index_or_footer_that_is_not_the_blocks_own_is_refused() {
    let tar = big_tar();
    let good = xz_stored_sized(&[&tar[..2_000_000], &tar[2_000_000..]]);
    // The index's last record byte (before its padding and CRC32), then
    // the footer's backward size.
    for at in [good.len() - 12 - 5, good.len() - 8] {
        let mut bad = good.clone();
        bad[at] ^= 0x01;
        let r = inspect_bytes("m.tar.xz", &bad);
        assert!(r.stopped.is_some(), "byte {at}: {:#?}", r.findings);
        assert!(
            r.findings.iter().any(|f| f
                .summary
                .contains("index and footer are not those of its 2 blocks")),
            "byte {at}: {:#?}",
            r.findings
        );
    }
}

#[test]
fn damage_inside_a_block_or_a_cut_stream_fails() {
    let tar = big_tar();
    let good = xz_stored_sized(&[&tar[..2_000_000], &tar[2_000_000..]]);
    for (what, bytes) in [
        ("a flipped bit in the first block's header", {
            let mut b = good.clone();
            b[13] ^= 0x01;
            b
        }),
        ("a flipped bit in the second block's header", {
            let mut b = good.clone();
            // Its header follows the first block's 2,000,000 bytes in
            // stored chunks of 64 KiB (3 bytes of chunk header each).
            let second: usize = 12 + 16 + 2_000_000 + 31 * 3 + 1;
            let second = second.div_ceil(4) * 4;
            b[second + 1] ^= 0x01;
            b
        }),
        ("cut in the second block", good[..3_000_000].to_vec()),
        ("cut before the index", good[..good.len() - 20].to_vec()),
    ] {
        let r = inspect_bytes("m.tar.xz", &bytes);
        assert!(r.stopped.is_some(), "{what}: {:#?}", r.findings);
    }
}

#[test]
fn a_flood_of_sized_blocks_is_refused_as_any_other() {
    let tar = big_tar();
    let mut blocks: Vec<&[u8]> = vec![&tar];
    blocks.resize(MAX_BLOCKS as usize + 1, b"");
    let r = inspect_bytes("m.tar.xz", &xz_stored_sized(&blocks));
    assert!(
        r.findings.iter().any(|f| f
            .summary
            .contains("an xz stream of more than 1000000 blocks: refused")),
        "{:#?}",
        r.findings
    );
}

/// `xz ARGS` over `input`; `None` (loudly, or failing under CI) without xz.
fn xz_tool(args: &[&str], input: &[u8]) -> Option<Vec<u8>> {
    let spawned = Command::new("xz")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn();
    let Ok(mut child) = spawned else {
        assert!(
            std::env::var_os("CI").is_none(),
            "xz is not installed (Debian package xz-utils), and CI is set"
        );
        eprintln!(
            "\n!!!!! xz_blocks: xz is NOT INSTALLED: its multi-threaded output is NOT read. !!!!!\n"
        );
        return None;
    };
    let mut stdin = child.stdin.take().unwrap();
    let out = std::thread::scope(|s| {
        s.spawn(move || std::io::Write::write_all(&mut stdin, input));
        child.wait_with_output().unwrap()
    });
    assert!(out.status.success());
    Some(out.stdout)
}
