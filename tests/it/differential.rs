//! The differential test of issue 10: for every archive of the corpus
//! (`intake::testkit::corpus`: the builders, every hostile case, the sample
//! releases, archives made by the real tools at test time), either intake
//! refuses it (`archive.safety` fails) or what GNU tar, bsdtar, Info-ZIP
//! unzip and Python's tarfile/zipfile extract is exactly intake's list of
//! (path, kind, size, mode, link target, content SHA-256). Every mismatch
//! is listed with the archive, the tool and both readings, then the test
//! fails once, so one run shows every differential.
//!
//! A missing tool fails the test when `CI` is set and is skipped loudly
//! otherwise. Tools run only on archives intake accepts: hostile bytes
//! intake refuses are never extracted.

mod listing;
mod mangled;
mod tools;

use std::path::Path;

use intake::testkit::corpus::{self, Item};

use tools::{Outcome, Tool};

/// The tools found, or the test's verdict on those missing.
fn installed_tools(problems: &mut Vec<String>) -> Vec<Tool> {
    let ci = std::env::var_os("CI").is_some();
    let mut found = Vec::new();
    for tool in Tool::ALL {
        if tool.installed() {
            found.push(tool);
        } else if ci {
            problems.push(format!(
                "{} is not installed (Debian package {}), and CI is set",
                tool.name(),
                tool.package()
            ));
        } else {
            eprintln!(
                "\n!!!!! differential: {} is NOT INSTALLED (Debian package {}): \
                 its reading is NOT compared. Set CI to make this a failure. !!!!!\n",
                tool.name(),
                tool.package()
            );
        }
    }
    found
}

/// The mode bits the tools keep when run as this user: all of them as
/// root; as anyone else, setuid/setgid may be dropped by the kernel.
fn mode_mask(work: &Path) -> u32 {
    use std::os::unix::fs::MetadataExt;
    let probe = work.join("owner-probe");
    std::fs::write(&probe, b"").unwrap();
    let root = std::fs::metadata(&probe).unwrap().uid() == 0;
    if root { 0o7777 } else { 0o777 }
}

/// What one archive shows: how intake judged it and what each tool said.
struct Verdict {
    accepted: bool,
    problems: Vec<String>,
    /// (tool, "same" / "refused: …" / "n differences").
    notes: Vec<String>,
}

/// Reads one archive with intake and, if intake accepts it, with `tools`.
fn judge(item: &Item, tools: &[Tool], mask: u32, work: &Path) -> Verdict {
    let dir = tempfile::tempdir_in(work).unwrap();
    let file_name = item.name.rsplit('/').next().unwrap_or("archive");
    let path = dir.path().join(file_name);
    std::fs::write(&path, &item.bytes).unwrap();
    keep_if_asked(item);
    let ours = listing::intake(&path, &item.name);
    let mut verdict = Verdict {
        accepted: ours.refused.is_none(),
        problems: Vec::new(),
        notes: Vec::new(),
    };
    if let Some(why) = &ours.refused {
        verdict.notes.push(format!("intake refuses: {why}"));
        // Real tools' output of a clean tree must be accepted, but for the
        // refusals README documents as deliberate: the tools themselves
        // disagree on these bytes.
        if item.name.starts_with("made/") && !deliberate_refusal(&item.name, why) {
            verdict.problems.push(format!(
                "{}: intake refuses an archive a real tool made from a clean tree: {why}",
                item.name
            ));
        }
        return verdict;
    }
    if ours.kind == intake::engine::inspect::report::NOT_AN_ARCHIVE {
        return verdict;
    }
    let zip = ours.kind == "zip";
    let readers: Vec<Tool> = tools.iter().copied().filter(|t| t.reads(zip)).collect();
    let outcomes: Vec<(Tool, Outcome)> = std::thread::scope(|s| {
        let handles: Vec<_> = readers
            .iter()
            .map(|t| {
                let (t, path, work) = (*t, &path, dir.path());
                s.spawn(move || (t, t.read(path, work)))
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for (tool, outcome) in outcomes {
        match outcome {
            Outcome::Refused(why) => {
                verdict.notes.push(format!("{}: refused", tool.name()));
                verdict.problems.push(format!(
                    "{} | {}: intake accepts it, the tool refuses it: {why}",
                    item.name,
                    tool.name()
                ));
            }
            Outcome::Listed(theirs) => {
                let diffs = listing::compare(&ours.listing, &theirs, mask);
                verdict
                    .notes
                    .push(format!("{}: {} differences", tool.name(), diffs.len()));
                for d in diffs {
                    verdict
                        .problems
                        .push(format!("{} | {}: {d}", item.name, tool.name()));
                }
            }
        }
    }
    verdict
}

/// With `INTAKE_DIFF_KEEP=<folder>`, every archive read is saved there
/// (by its corpus name), to replay a differential by hand.
fn keep_if_asked(item: &Item) {
    if let Some(dir) = std::env::var_os("INTAKE_DIFF_KEEP") {
        let path = Path::new(&dir).join(&item.name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, &item.bytes).unwrap();
    }
}

/// The whole corpus: builders, hostile cases, samples, tool-made archives.
fn full_corpus(tools: &[Tool], work: &Path, problems: &mut Vec<String>) -> Vec<Item> {
    let mut items = corpus::builders().items;
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-releases");
    items.extend(corpus::sample_releases(&samples).unwrap().items);
    let mut makers = Vec::new();
    for (maker, tool) in [
        ("gnu-tar", Some(Tool::GnuTar)),
        ("bsdtar", Some(Tool::Bsdtar)),
        ("python3", Some(Tool::PythonTarfile)),
        ("zip", None),
    ] {
        let present = match tool {
            Some(t) => tools.contains(&t),
            None => std::process::Command::new("zip").arg("-v").output().is_ok(),
        };
        if present {
            makers.push(maker);
        } else if std::env::var_os("CI").is_some() {
            problems.push(format!("{maker} is not installed, and CI is set"));
        } else {
            eprintln!(
                "\n!!!!! differential: {maker} NOT INSTALLED: no archives made by it !!!!!\n"
            );
        }
    }
    match corpus::made_by_tools(&work.join("made"), &makers) {
        Ok(made) => items.extend(made.items),
        Err(e) => problems.push(format!(
            "the real tools could not make their archives: {e:#}"
        )),
    }
    items.extend(fuzzed_inputs());
    items
}

/// With `INTAKE_DIFF_FUZZED=<folder>[:<folder>...]`, every input the fuzzer
/// kept in those corpus folders (`target/fuzz/corpus/tar`, `tar_gz`, `zip`:
/// the folder's name says the kind) joins the corpus, so the differential
/// rule is checked on whatever the coverage-guided search found
/// (scripts/fuzz-differential.sh).
fn fuzzed_inputs() -> Vec<corpus::Item> {
    let Some(folders) = std::env::var_os("INTAKE_DIFF_FUZZED") else {
        return Vec::new();
    };
    let mut items = Vec::new();
    for folder in std::env::split_paths(&folders) {
        let kind = folder.file_name().map(|n| n.to_string_lossy().into_owned());
        let ending = match kind.as_deref() {
            Some("tar") => "tar",
            Some("tar_gz") => "tar.gz",
            Some("tar_xz") => "tar.xz",
            Some("tar_zst") => "tar.zst",
            Some("tar_bz2") => "tar.bz2",
            Some("zip") => "zip",
            other => panic!("INTAKE_DIFF_FUZZED: {other:?} is no archive corpus"),
        };
        let mut files: Vec<_> = std::fs::read_dir(&folder)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        for file in files {
            let stem = file.file_name().unwrap().to_string_lossy().into_owned();
            items.push(corpus::Item {
                name: format!("fuzzed/{}/{stem}.{ending}", kind.as_deref().unwrap_or("")),
                bytes: std::fs::read(&file).unwrap(),
            });
        }
    }
    items
}

#[test]
fn every_archive_intake_accepts_is_read_the_same_by_every_extractor() {
    let work = tempfile::tempdir().unwrap();
    let mut problems = Vec::new();
    let tools = installed_tools(&mut problems);
    let mask = mode_mask(work.path());
    let items = full_corpus(&tools, work.path(), &mut problems);
    let mut accepted = 0;
    for item in &items {
        let verdict = judge(item, &tools, mask, work.path());
        accepted += usize::from(verdict.accepted);
        eprintln!("{}: {}", item.name, verdict.notes.join("; "));
        problems.extend(verdict.problems);
    }
    // The equality side must be exercised, not only refusals.
    assert!(
        accepted >= 15,
        "only {accepted} of {} archives accepted",
        items.len()
    );
    assert!(
        problems.is_empty(),
        "{} differentials between intake and the extractors:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// Archives a real tool makes that intake refuses on purpose, with the words
/// the refusal must give. Info-ZIP's zip 3.0 stores a non-ASCII name as raw
/// UTF-8 without the UTF-8 flag (the name again in an extra field): Python's
/// zipfile reads it as CP437 and writes another name, so the two tools
/// install different files.
fn deliberate_refusal(name: &str, why: &str) -> bool {
    const DELIBERATE: &[(&str, &str)] = &[("made/info-zip.zip", "not marked UTF-8")];
    DELIBERATE
        .iter()
        .any(|(archive, words)| *archive == name && why.contains(words))
}
