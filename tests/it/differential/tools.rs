//! The extractors operators use, each run the way that shows what it read:
//! GNU tar and bsdtar extract with permissions kept (`-p`), Info-ZIP unzip
//! with setuid bits kept (`-K`), Python's tarfile through `extract.py`, all
//! with umask 0 into a fresh temporary folder that is then walked. Python's
//! zipfile does not make symlinks or set modes, so its reading is listed.
//! Only the test extracts; intake never does.

use std::path::Path;
use std::process::{Command, Output};

use super::listing::{self, Listing};

/// The extractor script (tarfile extraction, zipfile listing).
const SCRIPT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/it/differential/extract.py"
);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    GnuTar,
    Bsdtar,
    Unzip,
    PythonTarfile,
    PythonZipfile,
}

/// What a tool made of an archive.
pub enum Outcome {
    Listed(Listing),
    /// It stopped with an error (its words).
    Refused(String),
}

impl Tool {
    pub const ALL: [Tool; 5] = [
        Tool::GnuTar,
        Tool::Bsdtar,
        Tool::Unzip,
        Tool::PythonTarfile,
        Tool::PythonZipfile,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Tool::GnuTar => "GNU tar",
            Tool::Bsdtar => "bsdtar",
            Tool::Unzip => "unzip",
            Tool::PythonTarfile => "python tarfile",
            Tool::PythonZipfile => "python zipfile",
        }
    }

    fn program(self) -> &'static str {
        match self {
            Tool::GnuTar => "tar",
            Tool::Bsdtar => "bsdtar",
            Tool::Unzip => "unzip",
            Tool::PythonTarfile | Tool::PythonZipfile => "python3",
        }
    }

    /// The Debian package that brings it (for the message when missing).
    pub fn package(self) -> &'static str {
        match self {
            Tool::GnuTar => "tar",
            Tool::Bsdtar => "libarchive-tools",
            Tool::Unzip => "unzip",
            Tool::PythonTarfile | Tool::PythonZipfile => "python3",
        }
    }

    /// Whether it reads this kind of archive (bsdtar reads zips too).
    pub fn reads(self, zip: bool) -> bool {
        match self {
            Tool::GnuTar | Tool::PythonTarfile => !zip,
            Tool::Unzip | Tool::PythonZipfile => zip,
            Tool::Bsdtar => true,
        }
    }

    pub fn installed(self) -> bool {
        let probe = if self == Tool::Unzip {
            "-v"
        } else {
            "--version"
        };
        Command::new(self.program())
            .arg(probe)
            .output()
            .is_ok_and(|o| o.status.success())
    }

    /// Reads `archive`, extracting into a new folder under `work`.
    pub fn read(self, archive: &Path, work: &Path) -> Outcome {
        let dest = tempfile::tempdir_in(work).unwrap();
        let d = dest.path();
        let (program, args): (&str, Vec<&std::ffi::OsStr>) = match self {
            Tool::GnuTar => (
                "tar",
                vec![
                    "-x".as_ref(),
                    "-p".as_ref(),
                    "--no-same-owner".as_ref(),
                    "-f".as_ref(),
                    archive.as_os_str(),
                    "-C".as_ref(),
                    d.as_os_str(),
                ],
            ),
            Tool::Bsdtar => (
                "bsdtar",
                vec![
                    "-x".as_ref(),
                    "-p".as_ref(),
                    "-f".as_ref(),
                    archive.as_os_str(),
                    "-C".as_ref(),
                    d.as_os_str(),
                ],
            ),
            Tool::Unzip => (
                "unzip",
                vec![
                    "-K".as_ref(),
                    "-qq".as_ref(),
                    "-o".as_ref(),
                    archive.as_os_str(),
                    "-d".as_ref(),
                    d.as_os_str(),
                ],
            ),
            Tool::PythonTarfile => (
                "python3",
                vec![
                    SCRIPT.as_ref(),
                    "tar".as_ref(),
                    archive.as_os_str(),
                    d.as_os_str(),
                ],
            ),
            Tool::PythonZipfile => (
                "python3",
                vec![SCRIPT.as_ref(), "zip".as_ref(), archive.as_os_str()],
            ),
        };
        let out = Command::new("sh")
            .args(["-c", "umask 0 && exec \"$0\" \"$@\"", program])
            .args(args)
            .output();
        let out = match out {
            Ok(out) => out,
            Err(e) => return Outcome::Refused(format!("could not run: {e}")),
        };
        // unzip's 1 is "warnings, but extracted".
        let fine = out.status.success() || (self == Tool::Unzip && out.status.code() == Some(1));
        if !fine {
            return Outcome::Refused(words(&out));
        }
        let listed = if self == Tool::PythonZipfile {
            listing::from_python_zip(&out.stdout)
        } else {
            listing::walk(d).map_err(|e| e.to_string())
        };
        match listed {
            Ok(listing) => Outcome::Listed(listing),
            Err(e) => Outcome::Refused(format!("its output could not be read: {e}")),
        }
    }
}

/// The first lines of what a failing tool said.
fn words(out: &Output) -> String {
    let text = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = text.lines().take(2).collect();
    format!("exit {:?}: {}", out.status.code(), lines.join(" / "))
}
