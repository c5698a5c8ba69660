//! The readers operators unpack with, run on an archive: Info-ZIP
//! (`zipinfo`, `unzip`), Python's `zipfile` and a streaming `bsdtar`. A
//! missing tool is skipped loudly, unless `CI` is set: then it fails.

/// The entry names a reader lists, or why it refused (`Err`); `None`
/// when the tool is not installed.
pub(super) type Listing = Option<Result<Vec<String>, String>>;

/// Runs `program` on the archive written to a file (or on stdin).
pub(super) fn run_tool(program: &str, args: &[&str], bytes: &[u8], stdin: bool) -> Listing {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.zip");
    std::fs::write(&path, bytes).unwrap();
    let mut cmd = std::process::Command::new(program);
    cmd.args(args);
    if stdin {
        cmd.stdin(std::process::Stdio::piped());
    } else {
        cmd.arg(&path);
    }
    let child = cmd
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(_) if std::env::var_os("CI").is_some() => panic!("{program} is not installed"),
        Err(_) => {
            eprintln!(
                "!!! {program} is not installed: its reading of this archive is NOT compared"
            );
            return None;
        }
    };
    if let Some(mut input) = child.stdin.take() {
        let _ = input.write_all(bytes);
    }
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    if !out.status.success() {
        return Some(Err(format!("{:?}: {stderr}{stdout}", out.status.code())));
    }
    Some(Ok(stdout.lines().map(str::to_string).collect()))
}

/// Info-ZIP's listing (`zipinfo -1`; exit 1 is a warning, kept as `Err`).
pub(super) fn info_zip(bytes: &[u8]) -> Listing {
    run_tool("zipinfo", &["-1"], bytes, false)
}

/// Python's `zipfile` listing.
pub(super) fn python(bytes: &[u8]) -> Listing {
    let script = "import sys, zipfile\nfor n in zipfile.ZipFile(sys.argv[1]).namelist(): print(n)";
    run_tool("python3", &["-c", script], bytes, false)
}

/// bsdtar reading the archive as a stream, from its first local header on.
pub(super) fn streaming(bytes: &[u8]) -> Listing {
    run_tool("bsdtar", &["-tf", "-"], bytes, true)
}

pub(super) fn names(list: &[&str]) -> Result<Vec<String>, String> {
    Ok(list.iter().map(|s| s.to_string()).collect())
}

/// `reader` read the plain archive as its two entries, and reads `bytes`
/// otherwise (another listing, a warning or a refusal).
#[track_caller]
pub(super) fn read_differently(reader: fn(&[u8]) -> Listing, bytes: &[u8]) {
    let Some(clean) = reader(&super::plain().finish().bytes) else {
        return;
    };
    assert_eq!(clean, names(&["m/readme.txt", "m/bin/tool"]));
    let hostile = reader(bytes).unwrap_or_else(|| clean.clone());
    assert_ne!(
        hostile, clean,
        "the reader read the refused archive as the plain one"
    );
}

/// Python's `testzip` (reads every entry and checks its CRC): the names
/// it lists, or the first bad entry as a refusal.
pub(super) fn python_testzip(bytes: &[u8]) -> Listing {
    let script = "import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\nbad = z.testzip()\nif bad: sys.exit('bad ' + bad)\nfor n in z.namelist(): print(n)";
    run_tool("python3", &["-c", script], bytes, false)
}
