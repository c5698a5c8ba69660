//! Issue 10's safety rules over real archive bytes: links judged against
//! symlinks that come later, bounded work on deep paths and long names,
//! names that collide on the review's target platform, and compression
//! ratios attributed to the entry they belong to and compared exactly.

use std::io::Read;
use std::time::{Duration, Instant};

use intake::engine::inspect::Limits;
use intake::engine::inspect::meter::{Bomb, Metered, over_ratio, ratio_text};
use intake::engine::inspect::report::ArchiveReport;
use intake::engine::review::Review;
use intake::engine::shared::check::{Finding, Status};
use intake::testkit::hostile::{RawTar, gz};

use intake::testkit::archives::noise;

use crate::support::*;

fn inspect(name: &str, bytes: &[u8]) -> ArchiveReport {
    inspect_bytes(name, bytes)
}

fn about<'a>(findings: &'a [Finding], subject: &str) -> Vec<&'a Finding> {
    findings.iter().filter(|f| f.subject == subject).collect()
}

/// Reviews `bytes` as the artifact `name` for `platform`.
fn review_for(platform: &str, name: &str, bytes: Vec<u8>) -> Review {
    review_artifact(platform, name, bytes, None)
}

// ---- links, whatever the order ---------------------------------------------

#[test]
fn a_file_written_through_a_symlink_that_comes_later_fails() {
    let t = RawTar::new()
        .file("m/etc/passwd", b"root::0:0\n")
        .symlink("m/etc", "../../etc");
    let r = inspect("m.tar", &t.finish());
    let passwd = about(&r.findings, "m/etc/passwd");
    assert_eq!(passwd.len(), 1, "{:#?}", r.findings);
    assert_eq!(passwd[0].status, Status::Fail);
    assert!(
        passwd[0]
            .summary
            .contains("would be written outside the archive root")
    );
}

#[test]
fn a_link_through_a_symlink_that_comes_later_fails() {
    // c -> b/../x escapes only once b -> a/up -> .. is known (both later).
    let t = RawTar::new()
        .symlink("c", "b/../x")
        .hardlink("h", "b/../y")
        .symlink("b", "a/up")
        .symlink("a/up", "..")
        .symlink("a/ok", "../b");
    let r = inspect("m.tar.gz", &gz(&t.finish()));
    for (subject, words) in [
        ("c", "symlink to b/../x leaves the archive root"),
        ("h", "hard link to b/../y leaves the archive root"),
    ] {
        let found = about(&r.findings, subject);
        assert_eq!(found.len(), 1, "{subject}: {:#?}", r.findings);
        assert!(found[0].summary.contains(words), "{found:?}");
    }
    assert!(about(&r.findings, "b").is_empty(), "{:#?}", r.findings);
    assert!(about(&r.findings, "a/ok").is_empty(), "{:#?}", r.findings);
}

#[test]
fn a_megabyte_deep_pax_path_is_judged_in_milliseconds() {
    // A symlink 500,000 folders deep, a file under it, and a symlink
    // that walks 200,000 folders down it and 200,001 back up.
    let deep = vec!["a"; 500_000].join("/");
    let climb = format!("{}{}", "a/".repeat(200_000), "../".repeat(200_001));
    let t = RawTar::new()
        .pax(&[("path", deep.as_bytes())])
        .symlink("placeholder", ".")
        .pax(&[("path", format!("{deep}/f").as_bytes())])
        .file("placeholder2", b"x")
        .pax(&[("linkpath", climb.as_bytes())])
        .symlink("b", "placeholder3");
    let bytes = gz(&t.finish());
    let started = Instant::now();
    let r = inspect("m.tar.gz", &bytes);
    let took = started.elapsed();
    assert!(took < bound(), "took {took:?}");
    // The escape is found (or the deep names refused outright): never passed.
    let escape = about(&r.findings, "b")
        .iter()
        .any(|f| f.summary.contains("`..` climbs above it"));
    assert!(
        escape || r.stopped.is_some(),
        "{:?}",
        r.findings.iter().map(|f| &f.summary).collect::<Vec<_>>()
    );
}

/// Wall-clock bound for the deep-path test: milliseconds of work when
/// optimised; the unoptimised test build is some 30 times slower.
fn bound() -> Duration {
    if cfg!(debug_assertions) {
        Duration::from_secs(60)
    } else {
        Duration::from_secs(1)
    }
}

// ---- names that collide on the target platform -------------------------------

#[test]
fn names_one_file_on_windows_fail_a_windows_review_and_name_both_entries() {
    let t = RawTar::new()
        .file("m/Readme.txt", b"a")
        .file("m/README.TXT", b"b")
        .file("m/caf\u{e9}.cfg", b"c")
        .file("m/cafe\u{301}.cfg", b"d")
        .file("m/logs/nul.txt", b"e")
        .file("m/data.bin:hidden", b"f");
    let bytes = gz(&t.finish());
    let r = review_for("windows-x86_64", "m.tar.gz", bytes.clone());
    let c = safety(&r);
    assert_eq!(c.status, Status::Fail, "{c:#?}");
    let has = |subject: &str, words: &str| {
        c.findings
            .iter()
            .any(|f| f.status == Status::Fail && f.subject == subject && f.summary.contains(words))
    };
    assert!(
        has(
            "m/README.TXT",
            "m/Readme.txt and m/README.TXT differ only in letter case on Windows"
        ),
        "{c:#?}"
    );
    assert!(has("m/logs/nul.txt", "Windows device name"), "{c:#?}");
    assert!(has("m/data.bin:hidden", "alternate data stream"), "{c:#?}");
    let nfd = c
        .findings
        .iter()
        .find(|f| f.summary.contains("Unicode normalisation"))
        .unwrap();
    assert_eq!(nfd.status, Status::Fail);
    // The same archive for macOS: case and NFC/NFD fail, the rest is fine.
    let r = review_for("macos-arm64", "m.tar.gz", bytes.clone());
    let fails: Vec<&Finding> = safety(&r)
        .findings
        .iter()
        .filter(|f| f.status == Status::Fail)
        .collect();
    assert_eq!(fails.len(), 2, "{fails:#?}");
    // For Linux only the NFC/NFD twins are worth a warning.
    let r = review_for("linux-x86_64", "m.tar.gz", bytes);
    let c = safety(&r);
    assert_eq!(c.status, Status::Warn, "{c:#?}");
    assert_eq!(c.findings.len(), 1, "{c:#?}");
}

// ---- compression ratios ---------------------------------------------------------

/// 3 MiB that deflate compresses about 72:1: long runs, a random byte
/// every 280.
fn compresses_72_to_1() -> Vec<u8> {
    let marks = noise(3 << 20, 7);
    (0..3usize << 20)
        .map(|i| if i % 280 == 0 { marks[i] } else { b'a' })
        .collect()
}

#[test]
fn a_3_mib_entry_that_compresses_72_to_1_is_not_a_bomb() {
    let content = compresses_72_to_1();
    let alone = gz(&content).len() as u64;
    let ratio = content.len() as u64 / alone;
    assert!((65..=80).contains(&ratio), "the entry alone is {ratio}:1");
    // The entry's data starts just past the first mebibyte of the tar
    // stream, where the inflater hands over its second chunk.
    let t = RawTar::new()
        .file("m/first.bin", &noise((1 << 20) - 512, 3))
        .file("m/big.dat", &content)
        .file("m/last.bin", &noise(100_000, 5));
    let r = inspect("m.tar.gz", &gz(&t.finish()));
    assert!(r.stopped.is_none(), "{:#?}", r.findings);
    assert!(
        !r.findings.iter().any(|f| f.summary.contains("bomb")),
        "{:#?}",
        r.findings
    );
    assert_eq!(r.entries.len(), 3);
}

#[test]
fn ratios_are_compared_exactly_and_shown_with_two_decimals() {
    assert!(over_ratio(10_057, 100, 100));
    assert!(!over_ratio(10_000, 100, 100));
    assert_eq!(ratio_text(10_057, 100), "100.57");
    assert_eq!(ratio_text(7, 3), "2.33");
    // 2,011,400 bytes out of a 20,000-byte artifact: 100.57:1, over 100:1
    // (a truncating division would call it 100:1 and let it through).
    let zeros = std::io::repeat(0).take(2_011_400);
    let compressed = std::rc::Rc::new(std::cell::Cell::new(20_000));
    let mut metered = Metered::new(zeros, compressed, Some(20_000), Limits::default());
    let mut buf = vec![0u8; 2_011_400];
    let err = metered.read(&mut buf).unwrap_err();
    let bomb = err
        .get_ref()
        .and_then(|e| e.downcast_ref::<Bomb>())
        .cloned();
    assert!(matches!(bomb, Some(Bomb::Archive { .. })), "{bomb:?}");
    assert_eq!(
        metered.tripped().map(ToString::to_string).as_deref(),
        Some(
            "the archive expands 100.57:1 (over 100:1): stopped there (possible decompression bomb)"
        )
    );
}

// ---- bounded memory ---------------------------------------------------------------

/// A tar.gz of `count` files, each with a distinct GNU long name of
/// `name_len` bytes (partly random, so it compresses about 80:1).
fn long_named_tgz(count: usize, name_len: usize) -> Vec<u8> {
    use flate2::write::GzEncoder;
    use intake::testkit::hostile::tar_header;
    use std::io::Write;
    let mut gz = GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let letters = noise(count * 1_400, 11);
    let mut block = |bytes: &[u8]| {
        gz.write_all(bytes).unwrap();
        let pad = (512 - bytes.len() % 512) % 512;
        gz.write_all(&vec![0u8; pad]).unwrap();
    };
    for i in 0..count {
        let mut name = format!("m/{i:05}/").into_bytes();
        name.extend(
            letters[i * 1_400..(i + 1) * 1_400]
                .iter()
                .map(|b| b'a' + b % 26),
        );
        name.resize(name_len - 1, b'x');
        name.push(0);
        block(&tar_header(
            b"././@LongLink",
            b'L',
            0,
            name.len() as u64,
            b"",
        ));
        block(&name);
        block(&tar_header(b"placeholder", b'0', 0o644, 0, b""));
    }
    block(&[0u8; 1024]);
    gz.finish().unwrap()
}

#[test]
fn nine_thousand_65_kb_names_are_refused_quickly_in_bounded_memory() {
    let bytes = long_named_tgz(9_000, 65_000);
    assert!(bytes.len() < 24 << 20, "{} bytes", bytes.len());
    let out = tempfile::tempdir().unwrap();
    let Watched {
        code,
        took,
        peak_kib: peak,
    } = verify_watching_memory("m.tar.gz", bytes, out.path());
    assert_eq!(code, Some(1));
    let text = std::fs::read_to_string(file_with_extension(out.path(), "toml")).unwrap();
    assert!(
        text.contains(&format!(
            "the entry names and link targets add up to more than {} bytes",
            intake::engine::inspect::Limits::default().max_name_bytes
        )),
        "{}",
        &text[..text.len().min(4000)]
    );
    let slowest = if cfg!(debug_assertions) { 150 } else { 15 };
    assert!(
        took < Duration::from_secs(slowest),
        "took {took:?} (peak {peak} KiB)"
    );
    if cfg!(target_os = "linux") {
        assert!(peak > 0, "could not read the peak memory");
        // The bound for the worst hostile case.
        assert!(peak < 128 * 1024, "peak resident memory {peak} KiB");
    }
}
