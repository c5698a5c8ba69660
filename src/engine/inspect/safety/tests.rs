//! Unit tests of the safety rules: links resolved whatever the order of
//! entries, bounded work on deep paths and chains, platform collisions.

use std::time::{Duration, Instant};

use super::*;

fn entry(path: &str, kind: EntryKind) -> Entry {
    Entry {
        path: path.as_bytes().to_vec(),
        kind,
        mode: 0o644,
        size: 0,
        sha256: None,
    }
}

fn file(path: &str) -> Entry {
    entry(path, EntryKind::File)
}

fn link(path: &str, target: &str) -> Entry {
    entry(path, EntryKind::Symlink(target.as_bytes().to_vec()))
}

/// Every finding of a whole archive, judged on `platform`.
fn judged_on(platform: &str, entries: &[Entry]) -> Vec<Finding> {
    let mut s = Safety::for_limits(&Limits {
        platform: platform.to_string(),
        ..Limits::default()
    });
    let mut out: Vec<Finding> = entries.iter().flat_map(|e| s.judge(e)).collect();
    out.extend(s.finish(entries));
    out
}

fn judged(entries: &[Entry]) -> Vec<Finding> {
    judged_on("linux-x86_64", entries)
}

fn about<'a>(findings: &'a [Finding], subject: &str) -> Vec<&'a Finding> {
    findings.iter().filter(|f| f.subject == subject).collect()
}

#[test]
fn symlinks_are_resolved_through_earlier_symlinks() {
    let f = judged(&[
        link("a/up", ".."),
        link("a/up2", "../.."),
        link("b", "a/up"),
        link("c", "b/../x"),
    ]);
    assert!(
        about(&f, "a/up").is_empty(),
        "a/up -> .. is the root: {f:?}"
    );
    assert_eq!(about(&f, "a/up2").len(), 1, "{f:?}");
    assert!(about(&f, "b").is_empty(), "{f:?}");
    // b -> a/up (the root), then b/../x climbs out through it.
    assert_eq!(about(&f, "c").len(), 1, "{f:?}");
    // A file written through a symlinked folder that points outside.
    let f = judged(&[link("etc", "/etc"), file("etc/passwd")]);
    assert_eq!(about(&f, "etc").len(), 1, "{f:?}");
    let passwd = about(&f, "etc/passwd");
    assert!(
        passwd[0].summary.contains("outside the archive root"),
        "{f:?}"
    );
}

#[test]
fn links_are_judged_against_symlinks_that_come_later() {
    // The same archive as above, in reverse order.
    let f = judged(&[
        link("c", "b/../x"),
        link("b", "a/up"),
        link("a/up2", "../.."),
        link("a/up", ".."),
    ]);
    assert_eq!(about(&f, "c").len(), 1, "{f:?}");
    assert!(about(&f, "b").is_empty() && about(&f, "a/up").is_empty());
    // The file comes first, the symlinked folder after it.
    let f = judged(&[file("etc/passwd"), link("etc", "../../etc")]);
    let passwd = about(&f, "etc/passwd");
    assert_eq!(passwd.len(), 1, "{f:?}");
    assert!(passwd[0].summary.contains("outside the archive root"));
    // A hard link through a later symlink.
    let f = judged(&[
        entry("h", EntryKind::Hardlink(b"out/shadow".to_vec())),
        link("out", "/etc"),
    ]);
    assert!(
        about(&f, "h").iter().any(|f| f
            .summary
            .contains("through symlink out to an absolute path")),
        "{f:?}"
    );
    // Links that stay inside pass, whatever the order.
    let f = judged(&[link("lib/cur", "v2"), file("lib/cur/x"), file("lib/v2/y")]);
    assert!(f.is_empty(), "{f:?}");
}

#[test]
fn link_loops_end() {
    let f = judged(&[link("x", "y"), link("y", "x"), link("z", "x/a")]);
    assert!(
        f.iter().any(|f| f.summary.contains("too many symlinks")),
        "{f:?}"
    );
}

#[test]
fn duplicates_are_found_after_normalising() {
    let mut s = Safety::new();
    assert!(s.judge(&file("./a/b")).is_empty());
    let f = s.judge(&file("a//b"));
    assert!(
        f[0].summary
            .contains("the same path twice (entries 1 and 2)"),
        "{f:?}"
    );
    assert!(s.judge(&entry("./", EntryKind::Dir)).is_empty());
    assert!(s.judge(&entry(".", EntryKind::Dir)).is_empty());
}

/// `a/a/…/a`, `depth` components.
fn deep(depth: usize) -> String {
    vec!["a"; depth].join("/")
}

/// Wall-clock bound for the scale tests: milliseconds of work when
/// optimised; the unoptimised test build is some 30 times slower.
fn bound() -> Duration {
    if cfg!(debug_assertions) {
        Duration::from_secs(30)
    } else {
        Duration::from_secs(1)
    }
}

#[test]
fn a_half_million_component_path_is_judged_in_linear_time() {
    let path = deep(500_000);
    // A symlink that deep, a file under it, a symlink climbing out of it.
    let entries = [
        link(&path, "."),
        file(&format!("{path}/x")),
        link(&format!("{path}/up"), &"../".repeat(500_001)),
        link("b", &format!("{path}/..")),
    ];
    let started = Instant::now();
    let mut s = Safety::new();
    let mut f: Vec<Finding> = entries.iter().flat_map(|e| s.judge(e)).collect();
    f.extend(s.finish(&entries));
    let took = started.elapsed();
    assert!(took < bound(), "took {took:?}");
    // Linear: a few steps per component of the names and targets.
    let components = 4 * 500_000 + 500_001;
    assert!(
        s.links.steps_used() < 2 * components,
        "{} steps",
        s.links.steps_used()
    );
    assert!(
        f.iter().any(|f| f.summary.contains("`..` climbs above it")),
        "{f:?}"
    );
    assert!(about(&f, "b").is_empty(), "{f:?}");
}

#[test]
fn symlink_chains_are_cut_off_by_the_hop_limit_and_the_work_budget() {
    // Each symlink points at the next through a detour 50 folders deep.
    let detour = deep(50);
    let entries: Vec<Entry> = (0..5_000)
        .map(|i| {
            let target = format!("{detour}/{}l{}", "../".repeat(50), i + 1);
            link(&format!("l{i}"), &target)
        })
        .collect();
    let hops = judged(&entries[..45]);
    assert!(
        hops.iter().any(|f| f.summary.contains("too many symlinks")),
        "{hops:?}"
    );
    let mut s = Safety::for_limits(&Limits {
        max_link_steps: 100_000,
        ..Limits::default()
    });
    let started = Instant::now();
    let mut f: Vec<Finding> = entries.iter().flat_map(|e| s.judge(e)).collect();
    f.extend(s.finish(&entries));
    assert!(started.elapsed() < bound(), "took {:?}", started.elapsed());
    assert!(
        f.iter().any(|f| f.summary.contains("cannot be judged")),
        "{:?}",
        f.last()
    );
}

#[test]
fn names_that_are_one_file_on_windows_fail_and_name_both_entries() {
    let names = [
        ("Readme.txt", "README.TXT", "letter case"),
        ("caf\u{e9}/a", "cafe\u{301}/a", "normalisation"),
        ("\u{3a3}IGMA", "\u{3c3}igma", "letter case"),
    ];
    for (a, b, why) in names {
        let f = judged_on("windows-x86_64", &[file(a), file(b)]);
        let found = about(&f, &shown(b.as_bytes()));
        assert_eq!(found.len(), 1, "{a} {b}: {f:?}");
        assert_eq!(found[0].status, Status::Fail);
        assert!(found[0].summary.contains(&shown(a.as_bytes())), "{found:?}");
        assert!(found[0].summary.contains(why), "{found:?}");
        let mac = judged_on("macos-arm64", &[file(a), file(b)]);
        assert_eq!(about(&mac, &shown(b.as_bytes()))[0].status, Status::Fail);
    }
    // On Linux case differences are two files; NFC/NFD twins warn.
    assert!(judged(&[file("Readme.txt"), file("README.TXT")]).is_empty());
    let f = judged(&[file("caf\u{e9}"), file("cafe\u{301}")]);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].status, Status::Warn);
}

#[test]
fn windows_device_names_streams_and_trailing_dots_fail_on_windows_only() {
    let bad = [
        "bin/CON",
        "nul.txt",
        "lib/Com1.dll",
        "LPT\u{b9}.log",
        "aux .tar.gz",
        "data/file.txt:hidden",
        "dir./x",
        "name ",
        "x/console.",
    ];
    for name in bad {
        let f = judged_on("windows-x86_64", &[file(name)]);
        assert!(
            f.iter().any(|f| f.status == Status::Fail),
            "{name} should fail on Windows: {f:?}"
        );
        assert!(judged_on("macos-arm64", &[file(name)]).is_empty(), "{name}");
        assert!(judged(&[file(name)]).is_empty(), "{name}");
    }
    for fine in ["console.txt", "com10", "nullable.txt", "lpt.txt", "con_fig"] {
        assert!(
            judged_on("windows-x86_64", &[file(fine)]).is_empty(),
            "{fine}"
        );
    }
    // `name.` and `name` are one file on Windows.
    let f = judged_on(
        "windows-x86_64",
        &[file("a/name"), file("b/x"), file("a/name.")],
    );
    assert!(
        f.iter().any(|f| f.summary.contains("a/name and a/name.")),
        "{f:?}"
    );
}

#[test]
fn findings_past_the_cap_are_counted_not_kept() {
    let entries: Vec<Entry> = (0..2_500).map(|i| file(&format!("/abs/{i}"))).collect();
    let f = judged(&entries);
    assert_eq!(f.len(), MAX_FINDINGS + 1);
    let last = f.last().map(|f| (f.status, f.summary.clone()));
    assert_eq!(
        last,
        Some((
            Status::Fail,
            "and 1,500 more findings of this check, not listed (1500 FAIL, 0 WARN)".to_string()
        ))
    );
    assert_eq!(f.last().and_then(Finding::unlisted_counts), Some((1500, 0)));
}
